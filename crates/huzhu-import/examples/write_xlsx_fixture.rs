//! Writes `tests/fixtures/members.xlsx`, the xlsx sample for demos and CLI tests:
//! `cargo run -p huzhu-import --example write_xlsx_fixture`. A title row above the header, typed
//! cells (date cells, a phone stored as a number), six good rows and two bad ones (rows 9, 10).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::type_complexity)]

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

fn main() {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("会员名册").unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    sheet.write_string(0, 0, "某电缆公司工会会员名册").unwrap();
    let header = [
        "*姓名",
        "*身份证号码",
        "性别",
        "出生日期",
        "手机号码",
        "*工会代码",
        "*在职状态",
        "入会日期",
        "人员类别",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    let rows: [(
        &str,
        &str,
        &str,
        (u16, u8, u8),
        f64,
        &str,
        &str,
        (u16, u8, u8),
        &str,
    ); 8] = [
        (
            "王芳",
            "330106198503150024",
            "女",
            (1985, 3, 15),
            13800138000.0,
            "LA-JN-001",
            "在职",
            (2010, 5, 1),
            "",
        ),
        (
            "张伟",
            "330112199001010015",
            "男",
            (1990, 1, 1),
            13900139000.0,
            "LA-JN-001",
            "在职",
            (2015, 3, 1),
            "外来务工",
        ),
        (
            "刘洋",
            "330185197805120032",
            "男",
            (1978, 5, 12),
            0.0,
            "LA-JN-001",
            "在职",
            (2001, 9, 1),
            "劳模(省级)",
        ),
        (
            "杨磊",
            "330112199511200054",
            "男",
            (1995, 11, 20),
            18612345678.0,
            "LA-JN-002",
            "在职",
            (2020, 6, 1),
            "新就业形态",
        ),
        (
            "赵敏",
            "330106197002030062",
            "女",
            (1970, 2, 3),
            0.0,
            "LA-JN-002",
            "退休返聘",
            (1995, 5, 1),
            "",
        ),
        (
            "李娜",
            "11010519491231002X",
            "女",
            (1949, 12, 31),
            0.0,
            "SC-XH-001",
            "离退休",
            (1980, 1, 1),
            "",
        ),
        // Row 9: gender contradicts the ID. Row 10: birth date contradicts the ID.
        (
            "陈静",
            "330102198808080041",
            "男",
            (1988, 8, 8),
            13712345678.0,
            "SC-XH-001",
            "在职",
            (2012, 1, 1),
            "",
        ),
        (
            "周丽",
            "330105199202290080",
            "女",
            (1992, 3, 1),
            0.0,
            "LA-JN-001",
            "在职",
            (2016, 3, 1),
            "",
        ),
    ];
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 2;
        sheet.write_string(row, 0, r.0).unwrap();
        sheet.write_string(row, 1, r.1).unwrap();
        sheet.write_string(row, 2, r.2).unwrap();
        let (y, m, d) = r.3;
        let birth = ExcelDateTime::from_ymd(y, m, d).unwrap();
        sheet
            .write_datetime_with_format(row, 3, birth, &date)
            .unwrap();
        if r.4 > 0.0 {
            sheet.write_number(row, 4, r.4).unwrap();
        }
        sheet.write_string(row, 5, r.5).unwrap();
        sheet.write_string(row, 6, r.6).unwrap();
        let (y, m, d) = r.7;
        let join = ExcelDateTime::from_ymd(y, m, d).unwrap();
        sheet
            .write_datetime_with_format(row, 7, join, &date)
            .unwrap();
        if !r.8.is_empty() {
            sheet.write_string(row, 8, r.8).unwrap();
        }
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/members.xlsx");
    book.save(path).unwrap();
    println!("wrote {path}");
}
