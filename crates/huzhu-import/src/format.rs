//! What kind of file a roster is, and the errors that stop a whole file.

use std::io;

/// The two roster formats huzhu reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-, semicolon- or tab-separated text in UTF-8 (BOM or not), UTF-16 with a BOM, or GBK/GB18030.
    Csv,
    /// Office Open XML workbook (.xlsx, .xlsm).
    Xlsx,
}

impl Format {
    /// Decides from the first bytes of the file and, where they are not conclusive, its name.
    /// Magic bytes win over the extension: `PK\x03\x04` is a zip (xlsx), `D0 CF 11 E0` the old
    /// binary .xls (or an encrypted workbook), `<` an HTML table saved as “.xls” by some systems;
    /// any other content is read as text.
    pub fn detect(file_name: &str, head: &[u8]) -> Result<Format, FileError> {
        let ext = file_name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        if head.starts_with(b"PK\x03\x04") {
            return Ok(Format::Xlsx);
        }
        if head.starts_with(b"\xD0\xCF\x11\xE0") {
            return Err(FileError::OldExcel);
        }
        let text_start = head
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(head)
            .iter()
            .find(|b| !b.is_ascii_whitespace());
        if text_start == Some(&b'<') {
            return Err(FileError::NotATable);
        }
        if matches!(ext.as_str(), "xlsx" | "xlsm" | "xltx") {
            return Err(FileError::Xlsx {
                reason: "文件内容不是xlsx格式 (the content is not an xlsx workbook)".into(),
            });
        }
        if head.is_empty() {
            return Err(FileError::Empty);
        }
        Ok(Format::Csv)
    }
}

/// An error that stops the whole file. Messages are for union officers: Chinese first.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("读取文件失败：{0} (cannot read the file)")]
    Io(#[from] io::Error),
    #[error("文件为空 (the file is empty)")]
    Empty,
    #[error("这是旧版Excel（.xls）或加密的Excel文件，请在Excel中“另存为”.xlsx或CSV（逗号分隔）后再导入 (old binary .xls or encrypted workbook: save it as .xlsx or CSV and import that)")]
    OldExcel,
    #[error("这是网页（HTML）格式的表格，请用Excel打开后“另存为”.xlsx或CSV再导入 (an HTML page saved as a spreadsheet: open it in Excel and save as .xlsx or CSV)")]
    NotATable,
    #[error("无法读取xlsx文件：{reason} (cannot read the xlsx workbook)")]
    Xlsx { reason: String },
    #[error("无法读取CSV文件：{reason} (cannot read the CSV file)")]
    Csv { reason: String },
    #[error("在文件前10行中找不到表头，表头应包含以下列：{expected} (no header row in the first 10 rows: expected columns {expected})")]
    NoHeader { expected: String },
    #[error("第{line}行表头缺少必填列：{} (the header on line {line} lacks required columns: {})", .columns.join("、"), .columns.join(", "))]
    MissingColumns {
        line: u64,
        columns: Vec<&'static str>,
    },
}

impl From<calamine::XlsxError> for FileError {
    fn from(e: calamine::XlsxError) -> Self {
        match e {
            calamine::XlsxError::Io(io) => FileError::Io(io),
            calamine::XlsxError::Password => FileError::OldExcel,
            other => FileError::Xlsx {
                reason: other.to_string(),
            },
        }
    }
}

impl From<csv::Error> for FileError {
    fn from(e: csv::Error) -> Self {
        if e.is_io_error() {
            if let csv::ErrorKind::Io(io) = e.into_kind() {
                return FileError::Io(io);
            }
            return FileError::Csv {
                reason: "I/O".into(),
            };
        }
        FileError::Csv {
            reason: e.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("a.xlsx", b"PK\x03\x04rest".as_slice(), Some(Format::Xlsx))]
    #[case("a.csv", b"PK\x03\x04rest".as_slice(), Some(Format::Xlsx))]
    #[case("a.csv", "姓名,身份证号".as_bytes(), Some(Format::Csv))]
    #[case("a.txt", b"\xd0\xd5\xc3\xfb\t".as_slice(), Some(Format::Csv))]
    #[case("a.xls", b"\xD0\xCF\x11\xE0\xA1\xB1".as_slice(), None)]
    #[case("a.xls", b"  <html><table>".as_slice(), None)]
    #[case("a.xlsx", "姓名,身份证号".as_bytes(), None)]
    #[case("a.csv", b"".as_slice(), None)]
    fn formats_are_told_by_content_first(
        #[case] name: &str,
        #[case] head: &[u8],
        #[case] want: Option<Format>,
    ) {
        assert_eq!(Format::detect(name, head).ok(), want);
    }

    #[test]
    fn an_old_xls_file_asks_for_xlsx_or_csv() {
        let err = Format::detect("名册.xls", b"\xD0\xCF\x11\xE0").unwrap_err();
        assert!(err.to_string().contains("另存为"));
    }
}
