//! Records out of a file, one at a time: CSV through the csv crate, xlsx through calamine's
//! streaming cell reader. Blank records are skipped here, but keep their place in line numbers.

use crate::cell::{is_blank_text, CellRef};
use crate::csv_records::{CsvRecords, Record};
use crate::decode::{self, TextEncoding, Utf8Input};
use crate::format::FileError;
use crate::rows::HEADER_SEARCH_ROWS;
use calamine::{Cell, DataRef, Reader, Xlsx, XlsxError};
use chrono::NaiveDate;
use std::io::{BufReader, Read, Seek, SeekFrom};

/// How far through the file the reader is, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Bytes (CSV) or rows (xlsx) read so far.
    pub done: u64,
    /// The file's size in bytes (CSV) or the sheet's last row (xlsx); 0 when the sheet does not say.
    pub total: u64,
    pub unit: ProgressUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressUnit {
    Bytes,
    Rows,
}

/// A file seen as a sequence of records of cells.
pub(crate) trait RecordSource {
    /// Moves to the next record with at least one non-blank cell; returns its line number
    /// (1-based: a CSV record's first physical line, an xlsx row's number in the sheet).
    fn advance(&mut self) -> Result<Option<u64>, FileError>;
    /// Number of cells in the current record.
    fn width(&self) -> usize;
    fn cell(&self, i: usize) -> CellRef<'_>;
    fn progress(&self) -> Progress;
    /// Whether cells beyond the header are suspect. In CSV they mean a row shifted by an
    /// unquoted separator; in a worksheet they are notes beside the table.
    fn extra_cells_are_errors(&self) -> bool;

    /// The current record as text, for header detection.
    fn texts(&self) -> Vec<String> {
        (0..self.width())
            .map(|i| {
                self.cell(i)
                    .text()
                    .map(|t| t.into_owned())
                    .unwrap_or_default()
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// CSV

pub(crate) struct CsvSource<R: Read> {
    records: CsvRecords<BufReader<Utf8Input<R>>>,
    record: Record,
    total: u64,
}

impl<R: Read + Seek> CsvSource<R> {
    pub fn open(mut source: R) -> Result<Self, FileError> {
        let encoding = decode::sniff(&mut source)?;
        if encoding.len <= encoding.bom_len {
            return Err(FileError::Empty);
        }
        let dialect = sniff_dialect(&mut source, encoding)?;
        source.seek(SeekFrom::Start(encoding.bom_len))?;
        let input = Utf8Input::new(source, encoding.encoding, encoding.bom_len);
        let records = CsvRecords::new(
            BufReader::with_capacity(64 * 1024, input),
            dialect.delimiter,
            dialect.cr_only,
        );
        Ok(CsvSource {
            records,
            record: Record::default(),
            total: encoding.len,
        })
    }
}

struct Dialect {
    delimiter: u8,
    cr_only: bool,
}

/// Picks `,`, `;`, tab or `|` by which appears most on one of the first lines, outside quotes;
/// commas win ties. Lines end in LF or CRLF, or in CR alone when the sample has no LF.
fn sniff_dialect<R: Read + Seek>(source: &mut R, enc: TextEncoding) -> Result<Dialect, FileError> {
    source.seek(SeekFrom::Start(enc.bom_len))?;
    let mut sample = Vec::with_capacity(64 * 1024);
    Utf8Input::new(&mut *source, enc.encoding, enc.bom_len)
        .take(64 * 1024)
        .read_to_end(&mut sample)?;
    let text = String::from_utf8_lossy(&sample);
    let cr_only = text.contains('\r') && !text.contains('\n');
    // Excel's own hint on the first line: `sep=;` (the line is then skipped as a non-header row).
    let first = text.split(['\r', '\n']).next().unwrap_or("");
    if let Some(sep) = first.trim().strip_prefix("sep=") {
        if let [b] = sep.as_bytes() {
            return Ok(Dialect {
                delimiter: *b,
                cr_only,
            });
        }
    }
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    let mut best = [0usize; 4];
    let lines = text.split(if cr_only { '\r' } else { '\n' });
    for line in lines.filter(|l| !is_blank_text(l)).take(HEADER_SEARCH_ROWS) {
        let mut counts = [0usize; 4];
        let mut quoted = false;
        for b in line.bytes() {
            if b == b'"' {
                quoted = !quoted;
            } else if !quoted {
                if let Some(i) = CANDIDATES.iter().position(|c| *c == b) {
                    counts[i] += 1;
                }
            }
        }
        for (b, c) in best.iter_mut().zip(counts) {
            *b = (*b).max(c);
        }
    }
    let mut pick = 0;
    for i in 1..CANDIDATES.len() {
        if best[i] > best[pick] {
            pick = i;
        }
    }
    Ok(Dialect {
        delimiter: CANDIDATES[pick],
        cr_only,
    })
}

impl<R: Read> RecordSource for CsvSource<R> {
    fn advance(&mut self) -> Result<Option<u64>, FileError> {
        loop {
            let Some(line) = self.records.read(&mut self.record)? else {
                return Ok(None);
            };
            if self.record.iter().all(is_blank_text) {
                continue;
            }
            return Ok(Some(line));
        }
    }

    fn width(&self) -> usize {
        self.record.len()
    }

    fn cell(&self, i: usize) -> CellRef<'_> {
        match self.record.get(i) {
            Some(s) => CellRef::Text(s),
            None => CellRef::Empty,
        }
    }

    fn progress(&self) -> Progress {
        Progress {
            done: self.records.get_ref().get_ref().consumed().min(self.total),
            total: self.total,
            unit: ProgressUnit::Bytes,
        }
    }

    fn extra_cells_are_errors(&self) -> bool {
        true
    }
}

// ---------------------------------------------------------------------------------------------
// xlsx

type NextCell<'a> = Box<dyn FnMut() -> Result<Option<Cell<DataRef<'a>>>, XlsxError> + 'a>;

pub(crate) struct XlsxSource<'a> {
    next_cell: NextCell<'a>,
    pending: Option<Cell<DataRef<'a>>>,
    row: Vec<DataRef<'a>>,
    line: u64,
    total: u64,
    exhausted: bool,
}

/// Visible worksheets first, in workbook order, then hidden ones.
pub(crate) fn sheet_order<R: Read + Seek>(book: &Xlsx<R>) -> Vec<String> {
    let sheets = book.sheets_metadata();
    let visible = sheets
        .iter()
        .filter(|s| s.visible == calamine::SheetVisible::Visible);
    let hidden = sheets
        .iter()
        .filter(|s| s.visible != calamine::SheetVisible::Visible);
    visible
        .chain(hidden)
        .filter(|s| s.typ == calamine::SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect()
}

impl<'a> XlsxSource<'a> {
    pub fn open<R: Read + Seek>(book: &'a mut Xlsx<R>, sheet: &str) -> Result<Self, FileError> {
        let mut reader = book.worksheet_cells_reader(sheet)?;
        let dims = reader.dimensions();
        // A sheet without a <dimension> says (0,0)-(0,0): total unknown.
        let total = if dims.end.0 == 0 {
            0
        } else {
            u64::from(dims.end.0) + 1
        };
        let next_cell: NextCell<'a> = Box::new(move || reader.next_cell());
        Ok(XlsxSource {
            next_cell,
            pending: None,
            row: Vec::new(),
            line: 0,
            total,
            exhausted: false,
        })
    }

    /// The next cell; calamine must not be asked again once it has said the sheet ended.
    fn next(&mut self) -> Result<Option<Cell<DataRef<'a>>>, FileError> {
        if self.exhausted {
            return Ok(None);
        }
        // calamine 0.31 indexes the shared strings without checking: a cell of type `s` whose
        // index is past the table panics (found by the fuzz harness, issue 18; regression input
        // `fuzz/regressions/roster_xlsx/`). A damaged workbook is refused as unreadable rather
        // than taking the importing thread down.
        let next_cell = &mut self.next_cell;
        let cell = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(next_cell)) {
            Ok(cell) => cell?,
            Err(_) => {
                self.exhausted = true;
                return Err(FileError::Xlsx {
                    reason: "工作表中的单元格引用了不存在的共享字符串，文件已损坏 (a cell refers \
                             to a shared string the workbook does not have: the file is damaged)"
                        .into(),
                });
            }
        };
        self.exhausted = cell.is_none();
        Ok(cell)
    }

    fn put(&mut self, cell: Cell<DataRef<'a>>) {
        let col = cell.get_position().1 as usize;
        // Cells far to the right are notes or stray formatting: never part of the table.
        if col > 1024 {
            return;
        }
        if self.row.len() <= col {
            self.row.resize(col + 1, DataRef::Empty);
        }
        self.row[col] = cell.get_value().clone();
    }
}

impl RecordSource for XlsxSource<'_> {
    fn advance(&mut self) -> Result<Option<u64>, FileError> {
        loop {
            self.row.clear();
            let first = match self.pending.take() {
                Some(c) => c,
                None => match self.next()? {
                    Some(c) => c,
                    None => return Ok(None),
                },
            };
            let row = first.get_position().0;
            self.put(first);
            loop {
                match self.next()? {
                    Some(c) if c.get_position().0 == row => self.put(c),
                    Some(c) => {
                        self.pending = Some(c);
                        break;
                    }
                    None => break,
                }
            }
            self.line = u64::from(row) + 1;
            if (0..self.row.len()).all(|i| self.cell(i).is_blank()) {
                continue;
            }
            return Ok(Some(self.line));
        }
    }

    fn width(&self) -> usize {
        self.row.len()
    }

    fn cell(&self, i: usize) -> CellRef<'_> {
        match self.row.get(i) {
            None | Some(DataRef::Empty) => CellRef::Empty,
            Some(DataRef::String(s)) | Some(DataRef::DateTimeIso(s)) => CellRef::Text(s),
            Some(DataRef::SharedString(s)) => CellRef::Text(s),
            Some(DataRef::DurationIso(s)) => CellRef::Text(s),
            Some(DataRef::Int(n)) => CellRef::Number(*n as f64),
            Some(DataRef::Float(f)) => CellRef::Number(*f),
            Some(DataRef::Bool(b)) => CellRef::Bool(*b),
            Some(DataRef::DateTime(dt)) => {
                if dt.is_datetime() {
                    let (y, m, d, ..) = dt.to_ymd_hms_milli();
                    match NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d)) {
                        Some(date) => CellRef::Date(date),
                        None => CellRef::Number(dt.as_f64()),
                    }
                } else {
                    CellRef::Number(dt.as_f64())
                }
            }
            Some(DataRef::Error(e)) => CellRef::Error(error_text(e)),
        }
    }

    fn progress(&self) -> Progress {
        Progress {
            done: if self.exhausted {
                self.total
            } else {
                self.line.min(self.total)
            },
            total: self.total,
            unit: ProgressUnit::Rows,
        }
    }

    fn extra_cells_are_errors(&self) -> bool {
        false
    }
}

fn error_text(e: &calamine::CellErrorType) -> &'static str {
    use calamine::CellErrorType as E;
    match e {
        E::Div0 => "#DIV/0!",
        E::NA => "#N/A",
        E::Name => "#NAME?",
        E::Null => "#NULL!",
        E::Num => "#NUM!",
        E::Ref => "#REF!",
        E::Value => "#VALUE!",
        E::GettingData => "#DATA!",
    }
}
