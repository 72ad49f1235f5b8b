//! The stream of validated rows handed to the caller.

use crate::format::FileError;
use crate::header::{Columns, Field, HeaderMatch};
use crate::source::{Progress, RecordSource};
use serde::Serialize;

/// How many non-blank rows at the top of a sheet may precede the header (titles, notes).
pub const HEADER_SEARCH_ROWS: usize = 10;

/// One problem in one cell. `column` is the header text as it appears in the file, or `第N列`
/// for a cell beyond the header; `reason` is Chinese with English in parentheses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub row: u64,
    pub column: String,
    pub reason: String,
}

impl std::fmt::Display for RowError {
    /// `第5行【身份证号】校验位错误…`, for the screen.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第{}行【{}】{}", self.row, self.column, self.reason)
    }
}

/// A row of the roster: a valid value, or every problem found in it.
#[derive(Debug, Clone, PartialEq)]
pub enum Row<T> {
    Good { row: u64, value: T },
    Bad { row: u64, errors: Vec<RowError> },
}

impl<T> Row<T> {
    pub fn line(&self) -> u64 {
        match self {
            Row::Good { row, .. } | Row::Bad { row, .. } => *row,
        }
    }
}

pub(crate) trait RowParser<T> {
    fn parse(&mut self, src: &dyn RecordSource, line: u64) -> Result<T, Vec<RowError>>;
}

/// The rows of a roster after its header, read one at a time: memory stays flat however long
/// the file is. An `Err` item is a file-level failure (unreadable bytes, broken zip) and ends
/// the stream.
pub struct Rows<'a, T> {
    source: Box<dyn RecordSource + 'a>,
    parser: Box<dyn RowParser<T> + 'a>,
    header_line: u64,
    header_width: usize,
    header_names: Vec<String>,
    columns: Vec<(String, &'static str)>,
    ignored: Vec<String>,
    done: bool,
}

impl<'a, T> Rows<'a, T> {
    /// Finds the header among the first [`HEADER_SEARCH_ROWS`] non-blank records. `Ok(None)`
    /// when there is none (the caller may try another sheet).
    pub(crate) fn find_header<F: Field>(
        source: &mut dyn RecordSource,
    ) -> Result<Option<Columns<F>>, FileError> {
        for _ in 0..HEADER_SEARCH_ROWS {
            let Some(line) = source.advance()? else {
                break;
            };
            match Columns::<F>::match_row(&source.texts(), line) {
                HeaderMatch::NotHeader => continue,
                HeaderMatch::Header { columns, missing } => {
                    if missing.is_empty() {
                        return Ok(Some(columns));
                    }
                    return Err(FileError::MissingColumns {
                        line,
                        columns: missing,
                    });
                }
            }
        }
        Ok(None)
    }

    pub(crate) fn new<F: Field>(
        source: Box<dyn RecordSource + 'a>,
        columns: &Columns<F>,
        parser: Box<dyn RowParser<T> + 'a>,
    ) -> Self {
        let used = F::ALL
            .iter()
            .filter_map(|f| {
                columns
                    .get(*f)
                    .map(|i| (columns.names[i].clone(), f.label()))
            })
            .collect();
        Rows {
            source,
            parser,
            header_line: columns.line,
            header_width: columns.width(),
            header_names: columns.names.clone(),
            columns: used,
            ignored: columns.ignored(),
            done: false,
        }
    }

    /// The header's line number (1 unless title rows sit above it).
    pub fn header_line(&self) -> u64 {
        self.header_line
    }

    /// The header as written in the file, every column in its order (the error report repeats
    /// it, so that the report can be fixed and imported again).
    pub fn header(&self) -> &[String] {
        &self.header_names
    }

    /// The cells of the row [`Iterator::next`] returned last, as the file holds them
    /// ([`Rows::header`]'s columns and any beyond them).
    pub fn cells(&self) -> Vec<String> {
        let src = &*self.source;
        (0..src.width()).map(|i| src.cell(i).raw_text()).collect()
    }

    /// [`Rows::cells`], appended to `into` as one more row.
    pub fn push_cells(&self, into: &mut PackedCells) {
        let src = &*self.source;
        for i in 0..src.width() {
            src.cell(i).write_raw(&mut into.text);
            into.cell_ends.push(into.text.len());
        }
        into.row_ends.push(into.cell_ends.len());
    }

    /// The recognised columns: header text in the file and the field it feeds.
    pub fn columns(&self) -> &[(String, &'static str)] {
        &self.columns
    }

    /// Header texts of columns that were not recognised and are ignored.
    pub fn ignored_columns(&self) -> &[String] {
        &self.ignored
    }

    /// How far the reader has got: bytes for CSV, rows for xlsx.
    pub fn progress(&self) -> Progress {
        self.source.progress()
    }
}

/// The header again below the first (two sheets pasted one under the other): not a row.
fn is_repeated_header(texts: &[String], header: &[String]) -> bool {
    let filled: Vec<(usize, &str)> = texts
        .iter()
        .map(|t| t.trim())
        .enumerate()
        .filter(|(_, t)| !t.is_empty())
        .collect();
    !filled.is_empty()
        && filled
            .iter()
            .all(|(i, t)| header.get(*i).is_some_and(|h| h.trim() == *t))
}

/// Words that open the lines offices write under a roster: totals, who made and checked the
/// table, notes, the seal.
const FOOTER_OPENINGS: [&str; 14] = [
    "合计",
    "总计",
    "小计",
    "共计",
    "制表",
    "填表",
    "填报",
    "审核",
    "负责人",
    "经办人",
    "备注",
    "注：",
    "说明",
    "盖章",
];

/// A totals or signature line under the roster (`合计：3人`, `制表人：张三  日期：…`): its
/// first non-blank cell opens with one of [`FOOTER_OPENINGS`] (after spaces), and no cell holds
/// the digits of an ID number, so a member's row is never taken for one.
fn is_footer(texts: &[String]) -> bool {
    let mut cells = texts.iter().map(|t| t.trim()).filter(|t| !t.is_empty());
    let Some(first) = cells.next() else {
        return false;
    };
    let first: String = first.chars().filter(|c| !c.is_whitespace()).collect();
    let opens = FOOTER_OPENINGS.iter().any(|w| first.starts_with(w));
    let has_id_digits = texts
        .iter()
        .any(|t| t.chars().filter(char::is_ascii_digit).count() >= 15);
    opens && !has_id_digits
}

impl<T> Iterator for Rows<'_, T> {
    type Item = Result<Row<T>, FileError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let line = loop {
            match self.source.advance() {
                Ok(Some(line)) => {
                    let texts = self.source.texts();
                    if !is_repeated_header(&texts, &self.header_names) && !is_footer(&texts) {
                        break line;
                    }
                }
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        };
        let src = &*self.source;
        let mut result = self.parser.parse(src, line);
        if src.extra_cells_are_errors() {
            if let Some(extra) = (self.header_width..src.width()).find(|i| !src.cell(*i).is_blank())
            {
                let error = RowError {
                    row: line,
                    column: format!("第{}列", extra + 1),
                    reason: format!(
                        "本行有{}列，多于表头的{}列，可能有未加引号的分隔符导致错位 (the row has {} cells but the header has {}: an unquoted separator may have shifted it)",
                        src.width(),
                        self.header_width,
                        src.width(),
                        self.header_width
                    ),
                };
                result = match result {
                    Ok(_) => Err(vec![error]),
                    Err(mut errors) => {
                        errors.push(error);
                        Err(errors)
                    }
                };
            }
        }
        Some(Ok(match result {
            Ok(value) => Row::Good { row: line, value },
            Err(mut errors) => {
                // Left to right, as the officer reads the row.
                let names = &self.header_names;
                errors.sort_by_key(|e| names.iter().position(|n| *n == e.column));
                let (known, unknown): (Vec<_>, Vec<_>) =
                    errors.into_iter().partition(|e| names.contains(&e.column));
                let mut errors = known;
                errors.extend(unknown);
                Row::Bad { row: line, errors }
            }
        }))
    }
}

/// The cells of many rows, as [`Rows::cells`] gives them, in one buffer (issue 13): an import
/// keeps the cells of every good row of a batch in case the store refuses it, and a cell a
/// `String` cost more than reading it.
#[derive(Debug, Default, Clone)]
pub struct PackedCells {
    text: String,
    /// Where each cell ends in `text`.
    cell_ends: Vec<usize>,
    /// Where each row ends in `cell_ends`.
    row_ends: Vec<usize>,
}

impl PackedCells {
    pub fn new() -> PackedCells {
        PackedCells::default()
    }

    /// How many rows it holds.
    pub fn len(&self) -> usize {
        self.row_ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.row_ends.is_empty()
    }

    /// The cells of row `i` (in the order pushed); empty past the end.
    pub fn row(&self, i: usize) -> Vec<String> {
        let Some(&last) = self.row_ends.get(i) else {
            return Vec::new();
        };
        let first = if i == 0 { 0 } else { self.row_ends[i - 1] };
        (first..last)
            .map(|c| {
                let start = if c == 0 { 0 } else { self.cell_ends[c - 1] };
                self.text[start..self.cell_ends[c]].to_string()
            })
            .collect()
    }
}

#[cfg(test)]
mod packed_tests {
    use super::PackedCells;

    #[test]
    fn packed_cells_give_back_each_row_as_pushed() {
        let mut p = PackedCells::new();
        for row in [vec!["张三", "", "330102"], vec![], vec!["a", "bc"]] {
            for cell in &row {
                p.text.push_str(cell);
                p.cell_ends.push(p.text.len());
            }
            p.row_ends.push(p.cell_ends.len());
        }
        assert_eq!(p.len(), 3);
        assert_eq!(p.row(0), vec!["张三", "", "330102"]);
        assert!(p.row(1).is_empty());
        assert_eq!(p.row(2), vec!["a", "bc"]);
        assert!(p.row(3).is_empty());
    }
}
