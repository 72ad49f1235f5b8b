//! What goes back to the officer: the error report and blank templates.

use crate::header::Field;
use crate::members::MemberField;
use crate::orgs::OrgField;
use crate::rows::RowError;
use std::io::Write;

/// Whether the report starts with a UTF-8 byte-order mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportEncoding {
    /// Plain UTF-8: what scripts, tests and LibreOffice expect. The default for `--errors`.
    Utf8,
    /// UTF-8 with a BOM, without which Excel on Chinese Windows reads the file as GBK and shows
    /// mojibake. For files offered for download to officers.
    Utf8WithBom,
}

/// Writes `row,column,reason`, one line per bad cell, in the order given (file order when fed
/// from [`crate::Rows`]). Fields are quoted as CSV needs; `\n` line ends.
pub fn write_error_report<'e, W: Write>(
    mut w: W,
    errors: impl IntoIterator<Item = &'e RowError>,
    encoding: ReportEncoding,
) -> csv::Result<()> {
    if encoding == ReportEncoding::Utf8WithBom {
        w.write_all(b"\xEF\xBB\xBF")?;
    }
    let mut out = csv::Writer::from_writer(w);
    out.write_record(["row", "column", "reason"])?;
    for e in errors {
        out.write_record([e.row.to_string().as_str(), &e.column, &e.reason])?;
    }
    out.flush()?;
    Ok(())
}

/// The header line of a member roster, required columns starred, for officers to fill in.
pub fn member_template_csv() -> String {
    template(MemberField::ALL)
}

/// The header line of an organisation roster.
pub fn org_template_csv() -> String {
    template(OrgField::ALL)
}

fn template<F: Field>(fields: &[F]) -> String {
    let cells: Vec<String> = fields
        .iter()
        .map(|f| {
            if f.required() {
                format!("*{}", f.label())
            } else {
                f.label().to_string()
            }
        })
        .collect();
    format!("{}\n", cells.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_quotes_reasons_that_contain_commas() {
        let errors = [RowError {
            row: 3,
            column: "身份证号".into(),
            reason: "a, b".into(),
        }];
        let mut out = Vec::new();
        write_error_report(&mut out, &errors, ReportEncoding::Utf8).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "row,column,reason\n3,身份证号,\"a, b\"\n"
        );
    }

    #[test]
    fn the_excel_report_starts_with_a_bom() {
        let mut out = Vec::new();
        write_error_report(&mut out, &[], ReportEncoding::Utf8WithBom).unwrap();
        assert!(out.starts_with(b"\xEF\xBB\xBFrow,column,reason"));
    }

    #[test]
    fn the_member_template_stars_the_required_columns() {
        let t = member_template_csv();
        assert!(t.starts_with("*姓名,*身份证号,证件类型,性别"));
        assert!(t.contains("*工会代码,*在职状态"));
    }
}
