//! Roster import (SPEC section 3, “rosters arrive as Excel (.xlsx) or CSV from units”): turns a
//! member or organisation roster into validated domain values ([`MemberRecord`], [`NewOrg`]) and
//! per-cell errors an officer can act on.
//!
//! Pure: reads an `impl Read + Seek`, never the database, the clock or the terminal. The caller
//! stores the good rows (idempotently, keyed by ID number / org code, so that re-importing a
//! file changes nothing), shows progress, and writes the error report. Depends on huzhu-domain,
//! csv, encoding_rs and calamine only; nothing async.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use huzhu_import::{Format, Roster, Row, ReportEncoding};
//! let file = std::fs::File::open("members.csv")?;
//! let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
//! let mut roster = Roster::open_detect(file, "members.csv")?;
//! let mut rows = roster.members(today)?;
//! let mut errors = Vec::new();
//! while let Some(row) = rows.next() {
//!     match row? {
//!         Row::Good { value, .. } => { /* batch it for the store */ let _ = value; }
//!         Row::Bad { errors: e, .. } => errors.extend(e),
//!     }
//!     let _progress = rows.progress(); // bytes (CSV) or rows (xlsx), for a progress bar
//! }
//! huzhu_import::write_error_report(std::io::stdout(), &errors, ReportEncoding::Utf8)?;
//! # Ok(()) }
//! ```
//!
//! # Decisions
//! - **Format** ([`Format::detect`]): magic bytes first (`PK` = xlsx; the OLE header of old .xls
//!   and encrypted workbooks, and HTML tables saved as “.xls”, are file errors asking for xlsx or
//!   CSV); other content is CSV text.
//! - **Encoding**: a UTF-16 BOM means UTF-16; otherwise the whole file is checked once: valid
//!   UTF-8 (BOM or not) is UTF-8, anything else is GB18030 (a superset of GBK and GB2312).
//! - **Separator**: `,` `;` tab or `|`, whichever occurs most (outside quotes) on one of the first
//!   ten lines; commas win ties. Quoted fields, CRLF/LF/CR and embedded newlines are CSV as usual.
//! - **Header**: the first of the first ten non-blank rows holding at least two known column
//!   names (titles above it are skipped). Names are matched after removing spaces, `*` and
//!   other marks, colons and anything in brackets, against an alias table per field
//!   (`身份证号码`, `公民身份号码`, `证件号码`, `联系电话`, `所属工会代码`, `人员状态`, `入会时间` …).
//!   Unknown columns are ignored ([`Rows::ignored_columns`]); a missing required column is a
//!   file error naming it. When two columns could feed one field, the better-known name wins.
//! - **xlsx**: the first worksheet (visible ones first) with a recognised header is the roster;
//!   it is streamed cell by cell (calamine's `worksheet_cells_reader`), never loaded whole.
//! - **Line numbers**: the file's own, 1-based: header = its line (1 without a title), data from
//!   the next; blank lines and rows are skipped but counted; a CSV record spanning lines is
//!   numbered by its first line; an xlsx row by its row number in the sheet.
//! - **Cells**: one [`RowError`] per bad cell, `column` being the header as written in the
//!   file. A CSV row with non-empty cells beyond the header is reported as shifted (`第N列`);
//!   in xlsx such cells are notes beside the table and ignored. Missing trailing cells are empty.
//! - **Placeholders**: `无`, `暂无`, `-`, `/`, `N/A` and the like in an optional cell (and in
//!   上级代码) mean empty; in a required cell they are errors like any other bad value.
//! - **Numbers Excel mangled**: integral numbers read as digits (a phone stored as a float reads
//!   `13800138000`); a number of 16 or more digits (an ID or bank card typed into a General
//!   column), or scientific notation like `3.30106E+17` in CSV, is an error asking to format the
//!   column as Text: its last digits are gone and are never guessed.
//! - **Dates**: date cells, Excel serials, `2020-01-05`, `2020/1/5`, `2020.1.5`, `2020年1月5日`,
//!   `20200105`, with or without a time. Year-month (`1985.03`, `1985年3月`, `198503`) is
//!   accepted: in 出生日期 it must agree with the ID's month; in 入会日期/参加工作日期 it means the
//!   first of that month. Day-month-year orders are rejected as ambiguous.
//! - **Members**: required columns 姓名, 身份证号, 工会代码, 在职状态. 在职状态 has no default:
//!   it decides eligibility (SPEC 4.1), and a retiree silently imported as 在职 would be paid
//!   wrongly. No 证件类型 (column absent or cell empty) means a resident ID. Gender and birth date
//!   come from a resident ID; a 性别 or 出生日期 cell that contradicts it is an error on that
//!   cell, never corrected. Other documents need both cells. 参加工作日期 may not be in the
//!   future nor before birth.
//! - **Orgs**: all five columns required; 上级代码 empty for the city only. Duplicate codes in
//!   one file and a child not deeper than a parent listed above it are row errors; parents
//!   listed below, or only in the database, are the caller's to resolve (the org file is small;
//!   it may be collected and ordered parents first with [`order_parents_first`]).
//! - **Not checked here** (need the database or the whole file): whether a member's 工会代码
//!   exists and is a grassroots union; duplicate ID numbers within one member file (checking
//!   them would make memory grow with the file: the store's upsert keeps the last).
//! - **Error report**: CSV `row,column,reason`, plain UTF-8 by default or with a BOM for Excel
//!   ([`ReportEncoding`]).
#![deny(clippy::float_arithmetic)]

mod cell;
mod csv_records;
mod decode;
mod format;
mod header;
mod members;
mod orgs;
mod report;
mod rows;
mod source;
// procurement (helper M)
mod purchases;
// bank statements (helper D, issue 16)
mod statements;

pub use format::{FileError, Format};
pub use members::{MemberField, TEMPLATE_EXAMPLE_ID};
pub use orgs::OrgField;
pub use report::{
    member_template_csv, org_template_csv, report_records, write_error_report, write_row_report,
    FailedRow, ReportEncoding, REPORT_COLUMNS,
};
pub use rows::{PackedCells, Row, RowError, Rows, HEADER_SEARCH_ROWS};
pub use source::{Progress, ProgressUnit};
// procurement (helper M)
pub use purchases::{PurchaseField, PurchaseRecord};
// bank statements (helper D, issue 16)
pub use statements::{StatementField, StatementRecord};

use chrono::NaiveDate;
use header::{Columns, Field};
use huzhu_domain::member::MemberRecord;
use huzhu_domain::org::NewOrg;
use members::MemberParser;
use orgs::OrgParser;
use rows::RowParser;
use source::{CsvSource, RecordSource, XlsxSource};
use std::io::{Read, Seek, SeekFrom};

/// An opened roster file. Reading its rows borrows it, so that an xlsx sheet can be streamed
/// from the workbook without loading it whole.
pub struct Roster<R: Read + Seek> {
    inner: Inner<R>,
}

enum Inner<R: Read + Seek> {
    Csv(R),
    Xlsx(Box<calamine::Xlsx<R>>),
}

impl<R: Read + Seek> Roster<R> {
    /// Opens a roster whose format is known.
    pub fn open(source: R, format: Format) -> Result<Self, FileError> {
        let inner = match format {
            Format::Csv => Inner::Csv(source),
            Format::Xlsx => Inner::Xlsx(Box::new(calamine::Reader::new(source)?)),
        };
        Ok(Roster { inner })
    }

    /// Opens a roster, telling its format from its first bytes and name ([`Format::detect`]).
    pub fn open_detect(mut source: R, file_name: &str) -> Result<Self, FileError> {
        let mut head = Vec::with_capacity(512);
        (&mut source).take(512).read_to_end(&mut head)?;
        source.seek(SeekFrom::Start(0))?;
        let format = Format::detect(file_name, &head)?;
        Self::open(source, format)
    }

    pub fn format(&self) -> Format {
        match self.inner {
            Inner::Csv(_) => Format::Csv,
            Inner::Xlsx(_) => Format::Xlsx,
        }
    }

    /// The rows of a member roster. `today` bounds birth, join and hire dates.
    pub fn members(&mut self, today: NaiveDate) -> Result<Rows<'_, MemberRecord>, FileError> {
        self.rows(move |columns| MemberParser { columns, today })
    }

    /// The rows of an organisation roster.
    pub fn orgs(&mut self) -> Result<Rows<'_, NewOrg>, FileError> {
        self.rows(|columns| OrgParser {
            columns,
            seen: Default::default(),
        })
    }

    /// The rows of a festival-gift purchase list (procurement, helper M).
    pub fn purchases(&mut self) -> Result<Rows<'_, purchases::PurchaseRecord>, FileError> {
        self.rows(|columns| purchases::PurchaseParser { columns })
    }

    /// The rows of a bank statement (donations, helper D).
    pub fn statements(&mut self) -> Result<Rows<'_, statements::StatementRecord>, FileError> {
        self.rows(|columns| statements::StatementParser { columns })
    }

    fn rows<'a, F: Field, T, P: RowParser<T> + 'a>(
        &'a mut self,
        parser: impl FnOnce(Columns<F>) -> P,
    ) -> Result<Rows<'a, T>, FileError> {
        let (source, columns): (Box<dyn RecordSource + 'a>, _) = match &mut self.inner {
            Inner::Csv(r) => {
                r.seek(SeekFrom::Start(0))?;
                let mut source = CsvSource::open(r)?;
                let columns = Rows::<T>::find_header::<F>(&mut source)?;
                (Box::new(source), columns)
            }
            Inner::Xlsx(book) => {
                let sheet = find_sheet::<F, R>(book)?;
                let mut source = XlsxSource::open(book, &sheet)?;
                let columns = Rows::<T>::find_header::<F>(&mut source)?;
                (Box::new(source), columns)
            }
        };
        let Some(columns) = columns else {
            return Err(no_header::<F>());
        };
        let rows = Rows::new(source, &columns, Box::new(parser(columns.clone())));
        Ok(rows)
    }
}

/// The first sheet whose header is found; the first sheet's header error when none is complete.
fn find_sheet<F: Field, R: Read + Seek>(book: &mut calamine::Xlsx<R>) -> Result<String, FileError> {
    let mut first_error = None;
    for name in source::sheet_order(book) {
        let mut src = XlsxSource::open(book, &name)?;
        match Rows::<()>::find_header::<F>(&mut src) {
            Ok(Some(_)) => return Ok(name),
            Ok(None) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_else(no_header::<F>))
}

fn no_header<F: Field>() -> FileError {
    let expected: Vec<&str> = F::ALL
        .iter()
        .filter(|f| f.required())
        .map(|f| f.label())
        .collect();
    FileError::NoHeader {
        expected: expected.join("、"),
    }
}

/// Orders organisations so that each comes after its parent when the parent is in the list
/// (a stable topological order: file order otherwise), so they can be inserted one by one.
pub fn order_parents_first<T>(orgs: Vec<(T, NewOrg)>) -> Vec<(T, NewOrg)> {
    use std::collections::HashMap;
    let position: HashMap<String, usize> = orgs
        .iter()
        .enumerate()
        .map(|(i, (_, o))| (o.code.as_str().to_string(), i))
        .collect();
    // Depth within the list: parents listed in the file come first; cycles stop at the list size.
    let depth = |mut i: usize| {
        let mut d = 0usize;
        while let Some(p) = orgs[i]
            .1
            .parent
            .as_ref()
            .and_then(|p| position.get(p.as_str()))
        {
            d += 1;
            if d > orgs.len() {
                break;
            }
            i = *p;
        }
        d
    };
    let depths: Vec<usize> = (0..orgs.len()).map(depth).collect();
    let mut indexed: Vec<(usize, (T, NewOrg))> = orgs.into_iter().enumerate().collect();
    indexed.sort_by_key(|(i, _)| (depths[*i], *i));
    indexed.into_iter().map(|(_, o)| o).collect()
}
