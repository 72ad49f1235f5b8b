//! Generated rosters for the import benchmark (`bench/import.sh`): an organisation file with one
//! city, 10 districts, 100 streets and 1,000 grassroots unions, and a member file of any length
//! with valid, distinct ID numbers.

use chrono::{Datelike, Days, NaiveDate};
use huzhu_domain::id_number::check_character;
use std::io::{self, Write};

pub fn orgs(out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "组织代码,组织名称,上级代码,层级,行政区划代码")?;
    writeln!(out, "B,基准市总工会,,市,330100")?;
    for d in 0..10 {
        writeln!(out, "B{d},基准区{d}总工会,B,区县,330102")?;
        for s in 0..10 {
            writeln!(out, "B{d}-{s},基准街道{d}{s}总工会,B{d},乡镇街道,330102")?;
            for u in 0..10 {
                writeln!(
                    out,
                    "B{d}-{s}-{u},基准单位{d}{s}{u}工会,B{d}-{s},基层,330102"
                )?;
            }
        }
    }
    Ok(())
}

/// `n` members; ID numbers are distinct for n up to 14 million (birth date × sequence).
pub fn members(out: &mut impl Write, n: u64) -> io::Result<()> {
    const SURNAMES: [&str; 8] = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵"];
    const GIVEN: [&str; 8] = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军"];
    writeln!(
        out,
        "姓名,身份证号,性别,出生日期,手机号,工会代码,在职状态,社保统筹地,入会日期,标签"
    )?;
    for i in 0..n {
        let days = i % 14_600; // 40 years of birth dates, each with up to 1,000 sequences
        let seq = i / 14_600;
        let born = NaiveDate::from_ymd_opt(1960, 1, 1).unwrap_or_default() + Days::new(days);
        let (year, month, day) = (born.year(), born.month(), born.day());
        let first17 = format!("330102{year:04}{month:02}{day:02}{seq:03}");
        let check = check_character(&first17).unwrap_or('0');
        let gender = if (seq % 10) % 2 == 1 { "男" } else { "女" };
        let unit = format!("B{}-{}-{}", i % 10, i / 10 % 10, i / 100 % 10);
        let name = format!(
            "{}{}",
            SURNAMES[(i % 8) as usize],
            GIVEN[(i / 8 % 8) as usize]
        );
        writeln!(
            out,
            "{name},{first17}{check},{gender},{year:04}-{month:02}-{day:02},138{:08},{unit},在职,330100,2015-06-01,{}",
            i % 100_000_000,
            if i % 50 == 0 { "外来务工" } else { "" }
        )?;
    }
    Ok(())
}
