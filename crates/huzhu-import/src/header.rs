//! Header rows: which column holds which field, whatever the officer called it and wherever they
//! put it.

use crate::cell::trim;

/// A field of a roster, with the names it goes by in real files.
pub(crate) trait Field: Copy + Eq + 'static {
    const ALL: &'static [Self];
    /// The name used in templates and in errors about the field.
    fn label(self) -> &'static str;
    /// Known header names, already in [`normalise_header`] form, best first.
    fn aliases(self) -> &'static [&'static str];
    fn required(self) -> bool;
    fn index(self) -> usize;
}

/// Makes header spellings comparable: drops whitespace of any width, asterisks and other marks of
/// a required column, trailing colons and anything in brackets (`身份证号（18位）`, `入会日期(yyyy-mm-dd)`,
/// `【必填】姓名`); full-width letters and digits become ASCII and ASCII is lower-cased.
pub(crate) fn normalise_header(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut depth = 0u32;
    for c in raw.chars() {
        let c = match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            _ => c,
        };
        match c {
            '(' | '[' | '【' | '〔' | '<' | '《' => depth += 1,
            ')' | ']' | '】' | '〕' | '>' | '》' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            '*' | '※' | '★' | '☆' | '△' | ':' | '：' | '\u{feff}' | '\u{200b}' => {}
            _ if c.is_whitespace() => {}
            _ => out.push(c.to_ascii_lowercase()),
        }
    }
    out
}

/// Where each field sits in the file.
#[derive(Debug, Clone)]
pub(crate) struct Columns<F: Field> {
    /// Column index of each field, by [`Field::index`].
    pub index: Vec<Option<usize>>,
    /// Header text of every column as it appears in the file (trimmed).
    pub names: Vec<String>,
    /// Header line number in the file (1-based).
    pub line: u64,
    fields: std::marker::PhantomData<F>,
}

/// The outcome of looking at one candidate header row.
pub(crate) enum HeaderMatch<F: Field> {
    /// Fewer than two known column names: not the header (maybe a title row).
    NotHeader,
    /// The header, possibly lacking required columns (listed by label).
    Header {
        columns: Columns<F>,
        missing: Vec<&'static str>,
    },
}

impl<F: Field> Columns<F> {
    /// Reads a candidate header row. Two known names make a header; when two columns could hold
    /// one field, the better alias wins, and the leftmost among equals.
    pub fn match_row(cells: &[String], line: u64) -> HeaderMatch<F> {
        let mut index: Vec<Option<usize>> = vec![None; F::ALL.len()];
        let mut rank: Vec<usize> = vec![usize::MAX; F::ALL.len()];
        let mut known = 0;
        for (col, cell) in cells.iter().enumerate() {
            let norm = normalise_header(cell);
            if norm.is_empty() {
                continue;
            }
            for &field in F::ALL {
                if let Some(pos) = field.aliases().iter().position(|a| *a == norm) {
                    known += 1;
                    let i = field.index();
                    if pos < rank[i] {
                        rank[i] = pos;
                        index[i] = Some(col);
                    }
                    break;
                }
            }
        }
        if known < 2 {
            return HeaderMatch::NotHeader;
        }
        let missing = F::ALL
            .iter()
            .filter(|f| f.required() && index[f.index()].is_none())
            .map(|f| f.label())
            .collect();
        HeaderMatch::Header {
            columns: Columns {
                index,
                names: cells.iter().map(|c| trim(c).to_string()).collect(),
                line,
                fields: std::marker::PhantomData,
            },
            missing,
        }
    }

    pub fn get(&self, field: F) -> Option<usize> {
        self.index[field.index()]
    }

    /// The column's header as the officer wrote it, or the field's label when the file has no
    /// such column (an error about a field the file lacks, such as 性别 for a passport holder).
    pub fn name(&self, field: F) -> &str {
        self.get(field)
            .and_then(|i| self.names.get(i))
            .map(String::as_str)
            .unwrap_or(field.label())
    }

    /// Header texts of the columns no field uses, in file order.
    pub fn ignored(&self) -> Vec<String> {
        self.names
            .iter()
            .enumerate()
            .filter(|(i, n)| !n.is_empty() && !self.index.contains(&Some(*i)))
            .map(|(_, n)| n.clone())
            .collect()
    }

    /// Number of columns in the header row.
    pub fn width(&self) -> usize {
        self.names.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("*姓名", "姓名")]
    #[case(" 身份证号码（18位） ", "身份证号码")]
    #[case("入会日期(yyyy-mm-dd)", "入会日期")]
    #[case("【必填】工会代码", "工会代码")]
    #[case("手 机 号", "手机号")]
    #[case("＊姓名：", "姓名")]
    #[case("\u{feff}Name", "name")]
    fn header_spellings_are_normalised(#[case] raw: &str, #[case] want: &str) {
        assert_eq!(normalise_header(raw), want);
    }
}
