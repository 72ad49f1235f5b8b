//! Whole files in, rows and errors out: CSV in its encodings and dialects, xlsx with typed cells.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use huzhu_domain::id_number::check_character;
use huzhu_domain::member::{EmploymentStatus, MemberRecord, MemberTag};
use huzhu_domain::org::{NewOrg, OrgLevel};
use huzhu_domain::{Gender, IdKind};
use huzhu_import::{FileError, Format, ProgressUnit, Roster, Row, RowError};
use rstest::rstest;
use std::io::Cursor;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// A valid resident ID from its first 17 digits.
fn id(first17: &str) -> String {
    format!("{first17}{}", check_character(first17).unwrap())
}

const WANG: &str = "330106198503150024"; // female, 1985-03-15
const LI: &str = "11010519491231002X"; // female, 1949-12-31

fn male() -> String {
    id("33011219900101001") // male, 1990-01-01, Lin'an
}

struct Outcome {
    good: Vec<(u64, MemberRecord)>,
    bad: Vec<(u64, Vec<RowError>)>,
}

impl Outcome {
    fn errors(&self) -> Vec<&RowError> {
        self.bad.iter().flat_map(|(_, e)| e).collect()
    }
    fn good_lines(&self) -> Vec<u64> {
        self.good.iter().map(|(l, _)| *l).collect()
    }
    fn bad_lines(&self) -> Vec<u64> {
        self.bad.iter().map(|(l, _)| *l).collect()
    }
    /// The single error of a row, as (column, reason).
    fn error_on(&self, line: u64) -> (String, String) {
        let errs = &self.bad.iter().find(|(l, _)| *l == line).unwrap().1;
        assert_eq!(errs.len(), 1, "{errs:?}");
        (errs[0].column.clone(), errs[0].reason.clone())
    }
}

fn members_of(bytes: Vec<u8>, name: &str) -> Result<Outcome, FileError> {
    let mut roster = Roster::open_detect(Cursor::new(bytes), name)?;
    let rows = roster.members(today())?;
    let mut out = Outcome {
        good: vec![],
        bad: vec![],
    };
    for row in rows {
        match row? {
            Row::Good { row, value } => out.good.push((row, value)),
            Row::Bad { row, errors } => {
                assert!(errors.iter().all(|e| e.row == row));
                out.bad.push((row, errors))
            }
        }
    }
    Ok(out)
}

fn csv_members(text: &str) -> Outcome {
    members_of(text.as_bytes().to_vec(), "members.csv").unwrap()
}

const HEADER: &str = "姓名,身份证号,性别,出生日期,手机号,工会代码,在职状态,社保统筹地,入会日期";

#[test]
fn a_clean_csv_roster_yields_every_member_with_gender_and_birth_from_the_id() {
    let text = format!(
        "{HEADER}\n王芳,{WANG},女,1985-03-15,13800138000,LA-JN-001,在职,330112,2010-05-01\n李娜,{LI},,,,SC-XH-001,离退休,,\n"
    );
    let out = csv_members(&text);
    assert!(out.bad.is_empty(), "{:?}", out.errors());
    assert_eq!(out.good_lines(), vec![2, 3]);
    let wang = &out.good[0].1;
    assert_eq!(wang.gender, Gender::Female);
    assert_eq!(
        wang.birth_date,
        NaiveDate::from_ymd_opt(1985, 3, 15).unwrap()
    );
    assert_eq!(wang.org.as_str(), "LA-JN-001");
    assert_eq!(wang.phone.as_ref().unwrap().as_str(), "13800138000");
    assert_eq!(wang.social_security_region.unwrap().value(), 330112);
    assert_eq!(out.good[1].1.status, EmploymentStatus::Retired);
    assert_eq!(out.good[1].1.birth_date.to_string(), "1949-12-31");
}

#[test]
fn columns_may_come_in_any_order_with_aliases_stars_and_unknown_extras() {
    let text = format!(
        "序号, 所属工会代码 ,人员状态,*公民身份号码,备注,*姓名（必填）,联系电话,入会时间\n1,LA-JN-001,在职,{WANG},新入职,王芳,0571-87160990,2020年1月5日\n"
    );
    let mut roster = Roster::open(Cursor::new(text.into_bytes()), Format::Csv).unwrap();
    let mut rows = roster.members(today()).unwrap();
    assert_eq!(rows.ignored_columns(), ["序号", "备注"]);
    let Some(Ok(Row::Good { row: 2, value })) = rows.next() else {
        panic!("row 2 should be good")
    };
    assert_eq!(value.name.as_str(), "王芳");
    assert_eq!(value.join_date, NaiveDate::from_ymd_opt(2020, 1, 5));
    assert_eq!(value.phone.unwrap().as_str(), "057187160990");
}

#[rstest]
#[case::semicolons(';', "\n")]
#[case::tabs('\t', "\n")]
#[case::crlf(',', "\r\n")]
#[case::semicolons_crlf(';', "\r\n")]
fn the_separator_is_sniffed_from_the_header(#[case] sep: char, #[case] eol: &str) {
    let header = HEADER.replace(',', &sep.to_string());
    let row = format!("王芳,{WANG},女,1985/3/15,,LA-JN-001,在职,,").replace(',', &sep.to_string());
    let text = format!("{header}{eol}{row}{eol}{row}{eol}");
    let out = csv_members(&text);
    assert_eq!(out.good_lines(), vec![2, 3], "{:?}", out.errors());
}

#[test]
fn a_utf8_bom_does_not_hide_the_first_column() {
    let text = format!("\u{feff}{HEADER}\n王芳,{WANG},,,,LA-JN-001,在职,,\n");
    assert_eq!(csv_members(&text).good_lines(), vec![2]);
}

#[test]
fn blank_lines_are_skipped_but_still_counted() {
    let text = format!(
        "{HEADER}\r\n\r\n王芳,{WANG},,,,LA-JN-001,在职,,\r\n,,,,,,,,\r\n   \r\n王芳,{WANG},男,,,LA-JN-001,在职,,\r\n"
    );
    let out = csv_members(&text);
    assert_eq!(out.good_lines(), vec![3]);
    assert_eq!(out.bad_lines(), vec![6]);
}

/// Offices sign their rosters and total them, and paste sheets one under the other: those lines
/// are not members and are not reported as bad rows. A member's row is never taken for one.
#[test]
fn totals_signatures_and_a_repeated_header_are_not_rows() {
    let text = format!(
        "{HEADER}\n王芳,{WANG},,,,LA-JN-001,在职,,\n{HEADER}\n李四,{LI},,,,LA-JN-001,在职,,\n\
         合计：2人,,,,,,,,\n制表人：张三  日期：2024年1月5日,,审核人：李四,,,,,,\n\
         备注,以上人员均已实名,,,,,,,\n合计,{WANG},,,,LA-JN-001,在职,,\n"
    );
    let out = csv_members(&text);
    // A "name" that opens like a footer but sits beside an ID number is still read as a row.
    assert_eq!(out.good_lines(), vec![2, 4, 8]);
    assert!(out.bad.is_empty(), "{:?}", out.errors());
}

#[test]
fn a_quoted_cell_spanning_lines_keeps_later_line_numbers_physical() {
    let text = format!(
        "{HEADER},标签\n\"王芳\",\"{WANG}\",,,,LA-JN-001,在职,,,\"劳模(省级)\n外来务工\"\n坏人,123,,,,LA-JN-001,在职,,,\n"
    );
    let out = csv_members(&text);
    assert_eq!(out.good_lines(), vec![2]);
    assert_eq!(out.good[0].1.tags.len(), 2);
    assert_eq!(out.bad_lines(), vec![4]);
}

#[test]
fn a_gbk_roster_is_read_and_its_errors_name_rows_columns_and_reasons() {
    let text = format!(
        "会员名册（2026年）\n*姓名,*身份证号码,性别,出生年月,手机,工会编码,人员状态,参加工作时间,人员类别\n\
         王芳,{WANG},女,1985.03,13800138000,LA-JN-001,在职,2008年7月,劳模（省级）、外来务工\n\
         张伟,{},女,1990-01-01,12345,LA-JN-001,在职,,\n\
         ,330106198503150025,,,,,,,\n\
         李娜,{LI},女,1949-12-30,,SC-XH-001,退休返聘,2035-01-01,党员\n",
        male()
    );
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err());
    let out = members_of(gbk.into_owned(), "名册.csv").unwrap();
    assert_eq!(out.good_lines(), vec![3]);
    let wang = &out.good[0].1;
    assert_eq!(wang.hire_date, NaiveDate::from_ymd_opt(2008, 7, 1));
    assert!(wang.tags.contains(&MemberTag::ModelWorker("省级".into())));
    assert!(wang.tags.contains(&MemberTag::Migrant));

    let row4: Vec<(&str, &str)> = out.bad[0]
        .1
        .iter()
        .map(|e| (e.column.as_str(), e.reason.as_str()))
        .collect();
    assert_eq!(out.bad[0].0, 4);
    assert_eq!(row4.len(), 2, "{row4:?}");
    assert_eq!(row4[0].0, "性别");
    assert!(row4[0].1.contains("与身份证号不符"));
    assert_eq!(row4[1].0, "手机");

    let row5: Vec<&str> = out.bad[1].1.iter().map(|e| e.column.as_str()).collect();
    assert_eq!(out.bad[1].0, 5);
    assert_eq!(row5, ["*姓名", "*身份证号码", "工会编码", "人员状态"]);
    assert!(out.bad[1].1[1].reason.contains("校验位"));

    let row6: Vec<&str> = out.bad[2].1.iter().map(|e| e.column.as_str()).collect();
    assert_eq!(row6, ["出生年月", "参加工作时间", "人员类别"]);
}

#[test]
fn a_missing_required_column_is_a_file_error_naming_it() {
    let text = format!("姓名,身份证号,工会代码\n王芳,{WANG},LA-JN-001\n");
    let err = members_of(text.into_bytes(), "m.csv").err().unwrap();
    match &err {
        FileError::MissingColumns { line, columns } => {
            assert_eq!(*line, 1);
            assert_eq!(columns, &["在职状态"]);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("在职状态"));
}

#[test]
fn a_file_without_a_recognisable_header_says_what_it_expected() {
    let err = members_of("a,b,c\n1,2,3\n".into(), "m.csv").err().unwrap();
    assert!(matches!(err, FileError::NoHeader { .. }));
    assert!(err.to_string().contains("身份证号"));
}

#[test]
fn rows_with_too_few_cells_miss_required_ones_and_too_many_are_flagged_as_shifted() {
    let text = format!(
        "{HEADER}\n王芳,{WANG}\n王芳,{WANG},,,,LA-JN-001,在职,,,,\n王芳,{WANG},,,,LA-JN-001,在职,,,杭州,西湖区\n"
    );
    let out = csv_members(&text);
    assert_eq!(out.good_lines(), vec![3]);
    let short: Vec<&str> = out.bad[0].1.iter().map(|e| e.column.as_str()).collect();
    assert_eq!(short, ["工会代码", "在职状态"]);
    assert!(out.bad[0].1[0].reason.contains("必填"));
    let (column, reason) = out.error_on(4);
    assert_eq!(column, "第10列");
    assert!(reason.contains("多于表头"));
}

#[rstest]
#[case::gender_contradicts("男", "", "性别", "与身份证号不符")]
#[case::birth_contradicts("", "1985-03-16", "出生日期", "1985-03-15")]
#[case::birth_month_contradicts("", "1985年4月", "出生日期", "与身份证号不符")]
#[case::gender_unknown("未知", "", "性别", "应为 男 或 女")]
#[case::birth_unreadable("", "15/03/1985", "出生日期", "无法识别")]
fn a_cell_that_contradicts_or_garbles_the_id_facts_is_rejected_not_fixed(
    #[case] gender: &str,
    #[case] birth: &str,
    #[case] column: &str,
    #[case] reason: &str,
) {
    let text = format!("{HEADER}\n王芳,{WANG},{gender},{birth},,LA-JN-001,在职,,\n");
    let out = csv_members(&text);
    let (c, r) = out.error_on(2);
    assert_eq!(c, column);
    assert!(r.contains(reason), "{r}");
}

#[rstest]
#[case::lower_x("11010519491231002x")]
#[case::spaces(" 3301 0619 8503 1500 24 ")]
#[case::full_width("３３０１０６１９８５０３１５００２４")]
#[case::abolished_region(&id("33018519900101001"))]
#[case::times_sign("11010519491231002×")]
#[case::kept_as_text_formula("=\"\"330106198503150024\"\"")]
#[case::kept_as_text_apostrophe("'330106198503150024")]
#[case::whole_number_dot_zero("330106198503150024.0")]
fn id_numbers_are_normalised(#[case] raw: &str) {
    let text = format!("{HEADER}\n王芳,\"{raw}\",,,,LA-JN-001,在职,,\n");
    let out = csv_members(&text);
    assert_eq!(out.good_lines(), vec![2], "{:?}", out.errors());
    assert_eq!(out.good[0].1.id_number.as_str().len(), 18);
}

#[rstest]
#[case::check_digit("330106198503150025", "校验位")]
#[case::impossible_date("33010619850231002X", "不存在")]
#[case::future_birth(&id("33010620300101002"), "晚于今天")]
#[case::fifteen_digits("330106850315002", "15位")]
#[case::excel_scientific("3.30106E+17", "文本")]
#[case::excel_zeros("330106198503150000", "文本")]
#[case::empty("", "为空")]
fn bad_id_numbers_say_why(#[case] raw: &str, #[case] reason: &str) {
    let text = format!("{HEADER}\n王芳,{raw},,,,LA-JN-001,在职,,\n");
    let (column, r) = csv_members(&text).error_on(2);
    assert_eq!(column, "身份证号");
    assert!(r.contains(reason), "{r}");
}

#[test]
fn other_documents_need_their_type_gender_and_birth() {
    let text = "姓名,证件类型,证件号码,性别,出生日期,工会代码,在职状态\n\
                陈大文,港澳居民来往内地通行证,H12345678,男,1980-02-03,LA-JN-001,在职\n\
                John Smith,护照,E1234567,,1980-02-03,LA-JN-001,在职\n\
                林志明,台胞证,1234,男,1980-02-03,LA-JN-001,在职\n\
                王五,驾驶证,123,男,1980-02-03,LA-JN-001,在职\n";
    let out = csv_members(text);
    assert_eq!(out.good_lines(), vec![2]);
    assert_eq!(out.good[0].1.id_number.kind(), IdKind::HkMacauPermit);
    assert_eq!(out.good[0].1.gender, Gender::Male);
    let (column, reason) = out.error_on(3);
    assert_eq!(column, "性别");
    assert!(reason.contains("非身份证件"));
    assert_eq!(out.error_on(4).0, "证件号码");
    assert_eq!(out.error_on(5).0, "证件类型");
}

#[test]
fn an_unknown_status_and_an_empty_one_are_both_reported() {
    let text =
        format!("{HEADER}\n王芳,{WANG},,,,LA-JN-001,待岗,,\n王芳,{WANG},,,,LA-JN-001, ,,\n王芳,{WANG},,,,LA-JN-001,在 职,,\n");
    let out = csv_members(&text);
    assert!(out.error_on(2).1.contains("待岗"));
    assert!(out.error_on(3).1.contains("必填"));
    assert_eq!(out.good_lines(), vec![4]);
}

#[test]
fn a_title_row_above_the_header_shifts_line_numbers_to_the_real_lines() {
    let text =
        format!("某电缆公司工会会员名册,,,,,,,,\n\n{HEADER}\n王芳,{WANG},,,,LA-JN-001,在职,,\n");
    let mut roster = Roster::open(Cursor::new(text.into_bytes()), Format::Csv).unwrap();
    let mut rows = roster.members(today()).unwrap();
    assert_eq!(rows.header_line(), 3);
    assert_eq!(rows.next().unwrap().unwrap().line(), 4);
}

#[test]
fn csv_progress_counts_bytes_up_to_the_file_size() {
    let mut text = format!("{HEADER}\n");
    for _ in 0..20_000 {
        text.push_str(&format!("王芳,{WANG},,,,LA-JN-001,在职,,\n"));
    }
    let len = text.len() as u64;
    let mut roster = Roster::open(Cursor::new(text.into_bytes()), Format::Csv).unwrap();
    let mut rows = roster.members(today()).unwrap();
    rows.next();
    let early = rows.progress();
    assert_eq!(early.unit, ProgressUnit::Bytes);
    assert_eq!(early.total, len);
    assert!(early.done < len / 2, "streaming: {early:?}");
    assert_eq!(rows.by_ref().count(), 19_999);
    assert_eq!(rows.progress().done, len);
}

#[test]
fn re_reading_the_same_file_gives_the_same_rows() {
    let text = format!("{HEADER}\n王芳,{WANG},,,,LA-JN-001,在职,,\n");
    let mut roster = Roster::open(Cursor::new(text.into_bytes()), Format::Csv).unwrap();
    let first: Vec<_> = roster
        .members(today())
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let second: Vec<_> = roster
        .members(today())
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(first, second);
}

// ---------------------------------------------------------------------------------------------
// xlsx

mod xlsx {
    use super::*;
    use rust_xlsxwriter::{ExcelDateTime, Format as XFormat, Workbook};

    #[test]
    fn typed_xlsx_cells_are_read_as_officers_meant_them() {
        let mut book = Workbook::new();
        let notes = book.add_worksheet();
        notes.set_name("说明").unwrap();
        notes.write_string(0, 0, "请在第二页填写").unwrap();
        let sheet = book.add_worksheet();
        sheet.set_name("会员").unwrap();
        let date = XFormat::new().set_num_format("yyyy-mm-dd");
        sheet.write_string(0, 0, "某电缆公司工会会员名册").unwrap();
        for (c, h) in [
            "*姓名",
            "性别",
            "身份证号",
            "出生日期",
            "手机号码",
            "工会代码",
            "在职状态",
            "入会日期",
            "银行卡号",
        ]
        .iter()
        .enumerate()
        {
            sheet.write_string(2, c as u16, *h).unwrap();
        }
        // Row 4: a date cell, a phone stored as a number, a numeric serial join date.
        sheet.write_string(3, 0, "王芳").unwrap();
        sheet.write_string(3, 1, "女").unwrap();
        sheet.write_string(3, 2, WANG).unwrap();
        sheet
            .write_datetime_with_format(3, 3, ExcelDateTime::from_ymd(1985, 3, 15).unwrap(), &date)
            .unwrap();
        sheet.write_number(3, 4, 13800138000.0).unwrap();
        sheet.write_string(3, 5, "LA-JN-001").unwrap();
        sheet.write_string(3, 6, "在职").unwrap();
        sheet.write_number(3, 7, 43835.0).unwrap();
        sheet.write_string(3, 9, "备注：已核对").unwrap();
        // Row 6 (row 5 left empty): the ID typed as a number, a bank card as a number.
        sheet.write_string(5, 0, "张伟").unwrap();
        sheet.write_number(5, 2, 330106198503150000.0).unwrap();
        sheet.write_string(5, 5, "LA-JN-001").unwrap();
        sheet.write_string(5, 6, "在职").unwrap();
        sheet.write_number(5, 8, 6222021234567890000.0).unwrap();
        // Row 7: a birth date cell contradicting the ID, an org code typed as a number.
        sheet.write_string(6, 0, "王芳").unwrap();
        sheet.write_string(6, 2, WANG).unwrap();
        sheet
            .write_datetime_with_format(6, 3, ExcelDateTime::from_ymd(1985, 3, 16).unwrap(), &date)
            .unwrap();
        sheet.write_number(6, 5, 1001.0).unwrap();
        sheet.write_string(6, 6, "在职").unwrap();
        let bytes = book.save_to_buffer().unwrap();

        let mut roster = Roster::open_detect(Cursor::new(bytes), "名册.xlsx").unwrap();
        assert_eq!(roster.format(), Format::Xlsx);
        let mut rows = roster.members(today()).unwrap();
        assert_eq!(rows.header_line(), 3);
        assert_eq!(rows.progress().unit, ProgressUnit::Rows);

        let Some(Ok(Row::Good { row: 4, value })) = rows.next() else {
            panic!("row 4 should be good")
        };
        assert_eq!(value.phone.unwrap().as_str(), "13800138000");
        assert_eq!(value.join_date, NaiveDate::from_ymd_opt(2020, 1, 5));

        let Some(Ok(Row::Bad { row: 6, errors })) = rows.next() else {
            panic!("row 6 should be bad")
        };
        let columns: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(columns, ["身份证号", "银行卡号"]);
        assert!(errors[0].reason.contains("文本"), "{}", errors[0].reason);

        let Some(Ok(Row::Bad { row: 7, errors })) = rows.next() else {
            panic!("row 7 should be bad")
        };
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].column, "出生日期");
        assert!(rows.next().is_none());
        let p = rows.progress();
        assert_eq!(p.done, p.total);
    }

    #[test]
    fn an_xlsx_org_roster_with_numeric_levels_and_regions() {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in ["工会代码", "工会名称", "上级工会代码", "层级", "地区代码"]
            .iter()
            .enumerate()
        {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_string(1, 0, "HZ").unwrap();
        sheet.write_string(1, 1, "杭州市总工会").unwrap();
        sheet.write_number(1, 3, 1.0).unwrap();
        sheet.write_number(1, 4, 330100.0).unwrap();
        sheet.write_string(2, 0, "LA").unwrap();
        sheet.write_string(2, 1, "临安区总工会").unwrap();
        sheet.write_string(2, 2, "HZ").unwrap();
        sheet.write_number(2, 3, 2.0).unwrap();
        sheet.write_number(2, 4, 330112.0).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let mut roster = Roster::open(Cursor::new(bytes), Format::Xlsx).unwrap();
        let orgs: Vec<_> = roster.orgs().unwrap().map(|r| r.unwrap()).collect();
        assert!(
            matches!(&orgs[1], Row::Good { row: 3, value } if value.level == OrgLevel::District)
        );
    }

    #[test]
    fn an_excel_error_value_is_reported_in_its_cell() {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in ["姓名", "身份证号", "工会代码", "在职状态"]
            .iter()
            .enumerate()
        {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_string(1, 0, "王芳").unwrap();
        sheet.write_string(1, 1, WANG).unwrap();
        sheet
            .write_formula(
                1,
                2,
                rust_xlsxwriter::Formula::new("=NA()").set_result("#N/A"),
            )
            .unwrap();
        sheet.write_string(1, 3, "在职").unwrap();
        let out = members_of(book.save_to_buffer().unwrap(), "m.xlsx").unwrap();
        let (column, reason) = out.error_on(2);
        assert_eq!(column, "工会代码");
        assert!(reason.contains("#N/A"), "{reason}");
    }
}

// ---------------------------------------------------------------------------------------------
// orgs

fn orgs_of(text: &str) -> Vec<Row<NewOrg>> {
    let mut roster = Roster::open(Cursor::new(text.as_bytes().to_vec()), Format::Csv).unwrap();
    roster.orgs().unwrap().map(|r| r.unwrap()).collect()
}

#[test]
fn the_sample_org_tree_imports_whole() {
    let text = include_str!("fixtures/orgs.csv");
    let rows = orgs_of(text);
    assert_eq!(rows.len(), 8);
    assert!(
        rows.iter().all(|r| matches!(r, Row::Good { .. })),
        "{rows:?}"
    );
}

#[test]
fn org_rows_break_the_tree_rules_one_cell_at_a_time() {
    let text = "组织代码,组织名称,上级代码,层级,行政区划代码\n\
                HZ,杭州市总工会,,市,330100\n\
                LA,临安区总工会,HZ,区县,330112\n\
                X1,某街道,,乡镇街道,330112\n\
                X2,某公司,LA,五级,33011\n\
                LA,重复的临安,HZ,2,330112\n\
                X3,市下挂市,HZ,1,330100\n\
                X4,倒挂,LA-JN-001,基层,330112\n\
                X5,上级层级更低,LA,1,330100\n";
    let rows = orgs_of(text);
    let errors: Vec<(u64, &str)> = rows
        .iter()
        .filter_map(|r| match r {
            Row::Bad { errors, .. } => Some(errors),
            _ => None,
        })
        .flatten()
        .map(|e| (e.row, e.column.as_str()))
        .collect();
    assert_eq!(
        errors,
        [
            (4, "上级代码"),
            (5, "层级"),
            (5, "行政区划代码"),
            (6, "组织代码"),
            (7, "上级代码"),
            (9, "上级代码"),
        ]
    );
    assert!(matches!(rows[6], Row::Good { row: 8, .. }));
}

#[test]
fn parents_are_ordered_before_their_children() {
    let text = "组织代码,组织名称,上级代码,层级,行政区划代码\n\
                A1,基层,S1,4,330112\n\
                S1,街道,D1,3,330112\n\
                D1,区,HZ,2,330112\n\
                HZ,市,,1,330100\n";
    let good: Vec<(u64, NewOrg)> = orgs_of(text)
        .into_iter()
        .filter_map(|r| match r {
            Row::Good { row, value } => Some((row, value)),
            _ => None,
        })
        .collect();
    let ordered: Vec<String> = huzhu_import::order_parents_first(good)
        .iter()
        .map(|(_, o)| o.code.to_string())
        .collect();
    assert_eq!(ordered, ["HZ", "D1", "S1", "A1"]);
}

// ---------------------------------------------------------------------------------------------
// fixtures for the lead's CLI tests and the demo

#[test]
fn the_clean_member_fixture_imports_without_errors() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/members.csv"
    ))
    .unwrap();
    let out = members_of(bytes, "members.csv").unwrap();
    assert!(out.bad.is_empty(), "{:?}", out.errors());
    assert_eq!(out.good.len(), 10);
}

#[test]
fn the_messy_gbk_fixture_has_exactly_its_documented_errors() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/members-messy-gbk.csv"
    ))
    .unwrap();
    assert!(std::str::from_utf8(&bytes).is_err());
    let out = members_of(bytes, "members-messy-gbk.csv").unwrap();
    let mut report = Vec::new();
    huzhu_import::write_error_report(
        &mut report,
        out.errors(),
        huzhu_import::ReportEncoding::Utf8,
    )
    .unwrap();
    let expected = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/members-messy-gbk.errors.csv"
    ))
    .unwrap();
    assert_eq!(String::from_utf8(report).unwrap(), expected);
    assert_eq!(out.good.len(), 5);
}

#[test]
fn the_xlsx_fixture_has_six_good_rows_and_two_contradictions() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/members.xlsx"
    ))
    .unwrap();
    let out = members_of(bytes, "members.xlsx").unwrap();
    assert_eq!(out.good_lines(), [3, 4, 5, 6, 7, 8]);
    assert_eq!(out.error_on(9).0, "性别");
    assert_eq!(out.error_on(10).0, "出生日期");
    assert_eq!(
        out.good[0].1.phone.as_ref().map(|p| p.as_str()),
        Some("13800138000")
    );
}

#[test]
fn an_excel_sep_hint_line_sets_the_separator_and_counts_as_a_line() {
    let text = format!(
        "sep=;\n{}\n王芳;{WANG};;;;LA-JN-001;在职;;\n",
        HEADER.replace(',', ";")
    );
    assert_eq!(csv_members(&text).good_lines(), vec![3]);
}

#[test]
fn an_error_reads_on_screen_with_its_line_and_column() {
    let text = format!("{HEADER}\n王芳,{WANG},男,,,LA-JN-001,在职,,\n");
    let out = csv_members(&text);
    assert!(out.errors()[0]
        .to_string()
        .starts_with("第2行【性别】性别“男”与身份证号不符"));
}

#[test]
fn placeholders_in_optional_cells_mean_empty() {
    let text = format!("{HEADER},标签\n王芳,{WANG},无,-,无,LA-JN-001,在职,/,暂无,无\n");
    let out = csv_members(&text);
    assert_eq!(out.good_lines(), vec![2], "{:?}", out.errors());
}

#[test]
fn a_passport_holder_without_gender_or_birth_gets_both_errors() {
    let text = "姓名,证件类型,证件号码,性别,出生日期,工会代码,在职状态\n\
                John Smith,护照,E1234567,,,LA-JN-001,在职\n";
    let out = csv_members(text);
    let columns: Vec<&str> = out.bad[0].1.iter().map(|e| e.column.as_str()).collect();
    assert_eq!(columns, ["性别", "出生日期"]);
}

/// Issue 13: the template's example row (张三) was imported as a real member when an officer
/// forgot to delete it. Its ID number is refused, naming the row as the example; the rows
/// around it import.
#[test]
fn the_templates_example_row_is_refused_as_the_example() {
    let template = huzhu_import::member_template_csv();
    let header = template.trim_end();
    let columns = header.split(',').count();
    let mut example = vec![""; columns];
    let mut mine = vec![""; columns];
    let wang = WANG.to_string();
    for (i, label) in header.split(',').enumerate() {
        let (e, m) = match label.trim_start_matches('*') {
            "姓名" => ("张三", "王芳"),
            "身份证号" => (huzhu_import::TEMPLATE_EXAMPLE_ID, wang.as_str()),
            "工会代码" => ("LA-01-001", "LA-01-001"),
            "在职状态" => ("在职", "在职"),
            _ => ("", ""),
        };
        example[i] = e;
        mine[i] = m;
    }
    let out = csv_members(&format!(
        "{header}\n{}\n{}\n",
        example.join(","),
        mine.join(",")
    ));
    assert_eq!(out.good_lines(), [3]);
    let (column, reason) = out.error_on(2);
    assert!(column.contains("身份证号"), "{column}");
    assert!(reason.contains("示例行"), "{reason}");
}

/// Issue 18, found by the fuzz harness: calamine panicked on a cell whose shared-string index is
/// past the workbook's table (the input is kept in `fuzz/regressions/roster_xlsx/`). The import
/// now refuses the file as damaged, naming the problem, and nothing panics.
#[test]
fn a_workbook_cell_past_the_shared_strings_is_a_damaged_file_not_a_panic() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fuzz/regressions/roster_xlsx/calamine-empty-index.xlsx"
    );
    let bytes = std::fs::read(path).unwrap();
    let mut roster =
        huzhu_import::Roster::open(std::io::Cursor::new(bytes), huzhu_import::Format::Xlsx)
            .unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
    let outcome: Vec<String> = match roster.members(today) {
        Err(e) => vec![e.to_string()],
        Ok(rows) => rows
            .filter_map(|r| r.err())
            .map(|e| e.to_string())
            .collect(),
    };
    assert!(
        outcome.iter().any(|e| e.contains("shared string")),
        "{outcome:?}"
    );
}
