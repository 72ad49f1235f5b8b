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

/// A row the import refused: its cells as the file holds them and every problem found in it
/// (by the reader, or by the store: a unit outside the importer's scope, a number repeated).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FailedRow {
    /// The row's line in the file.
    pub row: u64,
    /// Every cell of the row, in the file's column order.
    pub cells: Vec<String>,
    pub errors: Vec<RowError>,
}

/// The report's own columns, put before the file's. Their names are no roster column's alias,
/// so importing the report again ignores them.
pub const REPORT_COLUMNS: [&str; 3] = ["错误行号(row)", "错误列(column)", "错误原因(reason)"];

/// The error report an officer fixes and imports again (issue 13): [`REPORT_COLUMNS`], then the
/// file's header as written, then one record per refused row — where and why, then its cells as
/// read (cells beyond the header too, so a shifted row stays visible). Fixing the cells and
/// importing the report stores the rows: the extra columns are ignored.
pub fn report_records<'r>(
    header: &'r [String],
    rows: &'r [FailedRow],
) -> impl Iterator<Item = Vec<String>> + 'r {
    let head = REPORT_COLUMNS
        .iter()
        .map(|c| c.to_string())
        .chain(header.iter().cloned())
        .collect::<Vec<_>>();
    std::iter::once(head).chain(rows.iter().map(|r| {
        let mut columns: Vec<&str> = Vec::new();
        for e in &r.errors {
            if !columns.contains(&e.column.as_str()) {
                columns.push(&e.column);
            }
        }
        let reason = match r.errors.as_slice() {
            [one] => one.reason.clone(),
            many => many
                .iter()
                .map(|e| format!("【{}】{}", e.column, e.reason))
                .collect::<Vec<_>>()
                .join("；"),
        };
        let mut record = vec![r.row.to_string(), columns.join("、"), reason];
        record.extend(r.cells.iter().cloned());
        record
    }))
}

/// Writes [`report_records`] as CSV (every record as wide as it is; CRLF line ends, as Excel
/// writes them).
pub fn write_row_report<W: Write>(
    mut w: W,
    header: &[String],
    rows: &[FailedRow],
    encoding: ReportEncoding,
) -> csv::Result<()> {
    if encoding == ReportEncoding::Utf8WithBom {
        w.write_all(b"\xEF\xBB\xBF")?;
    }
    let mut out = csv::WriterBuilder::new().flexible(true).from_writer(w);
    for record in report_records(header, rows) {
        out.write_record(&record)?;
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
