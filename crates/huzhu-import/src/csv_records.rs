//! CSV records with exact physical line numbers.
//!
//! The csv crate numbers a record by where the previous one ended, so blank lines and CRLF
//! endings shift its numbers; officers need the line their spreadsheet shows. So records are
//! assembled here from physical lines (a quoted field may span lines) and split by a small
//! RFC 4180 parser: `"` opens a quoted field, `""` inside it is a quote, text after the closing
//! quote up to the separator is kept as is.

use std::collections::VecDeque;
use std::io::{self, BufRead};

/// A quoted field left open for this many lines is taken as a stray quote: the first line is
/// read on its own and the following lines are read again as records of their own.
const MAX_RECORD_LINES: usize = 20;

/// One record: the text of all fields in one buffer, with each field's bounds.
#[derive(Debug, Default)]
pub(crate) struct Record {
    text: String,
    bounds: Vec<(usize, usize)>,
}

impl Record {
    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        self.bounds.get(i).and_then(|(s, e)| self.text.get(*s..*e))
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.bounds
            .iter()
            .map(|(s, e)| self.text.get(*s..*e).unwrap_or(""))
    }
}

pub(crate) struct CsvRecords<R> {
    input: R,
    delimiter: u8,
    /// Old Mac files end lines with CR alone.
    cr_only: bool,
    lines_read: u64,
    pushed_back: VecDeque<String>,
    line: String,
    joined: String,
}

impl<R: BufRead> CsvRecords<R> {
    pub fn new(input: R, delimiter: u8, cr_only: bool) -> Self {
        CsvRecords {
            input,
            delimiter,
            cr_only,
            lines_read: 0,
            pushed_back: VecDeque::new(),
            line: String::new(),
            joined: String::new(),
        }
    }

    pub fn get_ref(&self) -> &R {
        &self.input
    }

    /// Reads one physical line without its terminator into `self.line`; false at the end.
    fn read_line(&mut self) -> io::Result<bool> {
        self.line.clear();
        if let Some(l) = self.pushed_back.pop_front() {
            self.line = l;
            self.lines_read += 1;
            return Ok(true);
        }
        let n = if self.cr_only {
            let mut bytes = std::mem::take(&mut self.line).into_bytes();
            let n = self.input.read_until(b'\r', &mut bytes)?;
            self.line = String::from_utf8(bytes)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            n
        } else {
            self.input.read_line(&mut self.line)?
        };
        if n == 0 {
            return Ok(false);
        }
        if self.line.ends_with('\n') {
            self.line.pop();
        }
        if self.line.ends_with('\r') {
            self.line.pop();
        }
        self.lines_read += 1;
        Ok(true)
    }

    /// Reads the next record into `record`; returns the physical line it starts on.
    pub fn read(&mut self, record: &mut Record) -> io::Result<Option<u64>> {
        if !self.read_line()? {
            return Ok(None);
        }
        let start = self.lines_read;
        if split(&self.line, self.delimiter, record, false) {
            return Ok(Some(start));
        }
        // An open quote: join the following lines until it closes.
        let mut parts = vec![std::mem::take(&mut self.line)];
        loop {
            if parts.len() >= MAX_RECORD_LINES || !self.read_line()? {
                break;
            }
            parts.push(std::mem::take(&mut self.line));
            self.joined.clear();
            self.joined.push_str(&parts.join("\n"));
            if split(&self.joined, self.delimiter, record, false) {
                return Ok(Some(start));
            }
        }
        // Never closed: read the first line alone, and the rest again as records.
        let first = parts.remove(0);
        self.lines_read -= parts.len() as u64;
        for l in parts.into_iter().rev() {
            self.pushed_back.push_front(l);
        }
        split(&first, self.delimiter, record, true);
        Ok(Some(start))
    }
}

/// Splits `text` into fields. False when a quoted field is still open at the end (unless
/// `lenient`, which closes it there).
fn split(text: &str, delimiter: u8, record: &mut Record, lenient: bool) -> bool {
    record.text.clear();
    record.bounds.clear();
    let bytes = text.as_bytes();
    let n = bytes.len();
    let find = |from: usize, byte: u8| {
        bytes[from..]
            .iter()
            .position(|b| *b == byte)
            .map_or(n, |p| from + p)
    };
    let mut i = 0;
    loop {
        let start = record.text.len();
        if i < n && bytes[i] == b'"' {
            i += 1;
            loop {
                let q = find(i, b'"');
                if q == n {
                    if !lenient {
                        return false;
                    }
                    record.text.push_str(&text[i..n]);
                    i = n;
                    break;
                }
                record.text.push_str(&text[i..q]);
                if q + 1 < n && bytes[q + 1] == b'"' {
                    record.text.push('"');
                    i = q + 2;
                } else {
                    i = q + 1;
                    break;
                }
            }
        }
        let k = find(i, delimiter);
        record.text.push_str(&text[i..k]);
        record.bounds.push((start, record.text.len()));
        if k >= n {
            return true;
        }
        i = k + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn records(text: &str, delimiter: u8) -> Vec<(u64, Vec<String>)> {
        let mut r = CsvRecords::new(text.as_bytes(), delimiter, false);
        let mut rec = Record::default();
        let mut out = vec![];
        while let Some(line) = r.read(&mut rec).unwrap() {
            out.push((line, rec.iter().map(String::from).collect()));
        }
        out
    }

    #[rstest]
    #[case("a,b,c", &["a", "b", "c"])]
    #[case("a,,", &["a", "", ""])]
    #[case("", &[""])]
    #[case("\"a,b\",c", &["a,b", "c"])]
    #[case("\"say \"\"hi\"\"\",x", &["say \"hi\"", "x"])]
    #[case("\"a\"b,c", &["ab", "c"])]
    #[case("a\"b,c", &["a\"b", "c"])]
    #[case("王芳,\"330106198503150024\"", &["王芳", "330106198503150024"])]
    fn fields_split_as_rfc4180_says(#[case] line: &str, #[case] want: &[&str]) {
        let mut rec = Record::default();
        assert!(split(line, b',', &mut rec, false));
        assert_eq!(rec.iter().collect::<Vec<_>>(), want);
    }

    #[test]
    fn line_numbers_are_physical_through_crlf_blank_lines_and_embedded_newlines() {
        let got = records("h\r\na\r\n\r\n\"b\r\nc\",d\r\ne\r\n", b',');
        let lines: Vec<u64> = got.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [1, 2, 3, 4, 6]);
        assert_eq!(got[3].1, ["b\nc", "d"]);
    }

    #[test]
    fn a_stray_quote_does_not_swallow_the_rest_of_the_file() {
        let mut text = String::from("\"open,x\n");
        for i in 0..30 {
            text.push_str(&format!("r{i},y\n"));
        }
        let got = records(&text, b',');
        assert_eq!(got.len(), 31);
        assert_eq!(got[0], (1, vec!["open,x".to_string()]));
        assert_eq!(got[1], (2, vec!["r0".to_string(), "y".to_string()]));
        assert_eq!(got[30].0, 31);
    }

    #[test]
    fn old_mac_line_ends_are_read() {
        let mut r = CsvRecords::new("h,i\ra,b\r".as_bytes(), b',', true);
        let mut rec = Record::default();
        assert_eq!(r.read(&mut rec).unwrap(), Some(1));
        assert_eq!(r.read(&mut rec).unwrap(), Some(2));
        assert_eq!(rec.get(1), Some("b"));
        assert_eq!(r.read(&mut rec).unwrap(), None);
    }
}
