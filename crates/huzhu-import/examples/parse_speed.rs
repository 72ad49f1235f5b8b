//! Measures parsing speed on a generated member roster:
//! `cargo run --release -p huzhu-import --example parse_speed -- 1000000 [csv|gbk|xlsx]`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use huzhu_domain::id_number::check_character;
use huzhu_import::{Format, Roster, Row};
use std::io::Cursor;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map_or(1_000_000, |a| a.parse().unwrap());
    let kind = args.next().unwrap_or_else(|| "csv".into());
    let orgs = ["LA-JN-001", "LA-JN-002", "SC-XH-001"];
    let header = [
        "姓名",
        "身份证号",
        "性别",
        "出生日期",
        "手机号",
        "工会代码",
        "在职状态",
        "社保统筹地",
        "入会日期",
        "标签",
    ];
    let row = |i: usize| {
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        let year = 1960 + (i / 336) % 40;
        let seq = i % 1000;
        let first17 = format!("330106{year:04}{month:02}{day:02}{seq:03}");
        let id = format!("{first17}{}", check_character(&first17).unwrap());
        let gender = if seq % 2 == 1 { "男" } else { "女" };
        [
            "王芳".to_string(),
            id,
            gender.to_string(),
            format!("{year}-{month:02}-{day:02}"),
            format!("138{:08}", i % 100_000_000),
            orgs[i % 3].to_string(),
            "在职".to_string(),
            "330112".to_string(),
            "2015-03-01".to_string(),
            if i % 10 == 0 {
                "劳模(省级)、外来务工".to_string()
            } else {
                String::new()
            },
        ]
    };
    let t0 = Instant::now();
    let (bytes, format) = match kind.as_str() {
        "csv" | "gbk" => {
            let mut text = header.join(",") + "\n";
            for i in 0..n {
                text.push_str(&row(i).join(","));
                text.push('\n');
            }
            if kind == "gbk" {
                (encoding_rs::GBK.encode(&text).0.into_owned(), Format::Csv)
            } else {
                (text.into_bytes(), Format::Csv)
            }
        }
        "xlsx" => {
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            for (c, h) in header.iter().enumerate() {
                sheet.write_string(0, c as u16, *h).unwrap();
            }
            for i in 0..n {
                for (c, v) in row(i).iter().enumerate() {
                    sheet.write_string(i as u32 + 1, c as u16, v).unwrap();
                }
            }
            (book.save_to_buffer().unwrap(), Format::Xlsx)
        }
        other => panic!("unknown kind {other}"),
    };
    eprintln!(
        "generated {n} rows, {} bytes in {:?}",
        bytes.len(),
        t0.elapsed()
    );

    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let t = Instant::now();
    let mut roster = Roster::open(Cursor::new(bytes), format).unwrap();
    let (mut good, mut bad) = (0u64, 0u64);
    for r in roster.members(today).unwrap() {
        match r.unwrap() {
            Row::Good { .. } => good += 1,
            Row::Bad { errors, .. } => {
                if bad == 0 {
                    eprintln!("first bad row: {errors:?}");
                }
                bad += 1
            }
        }
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{kind}: {n} rows ({good} good, {bad} bad) in {secs:.2} s = {:.0} rows/s",
        n as f64 / secs
    );
}
