//! 导入已见 — the ID numbers an import run has seen, with the row and name that first gave each,
//! kept in memory by the store for the run (issue 13). It tells a second entry for one person in
//! the file (a duplicate, or the same person repeated with other data) from the first, across
//! the run's batches.
//!
//! It served nothing else when it was a table (`import_seen`): a run killed half-way is run
//! again as a new run with a set of its own (the rows it had stored are then found in
//! `members`, unchanged), so nothing of it needs to outlive the process. Writing every ID
//! number of a file into a table and its primary key, and deleting them at the end, cost about
//! as much as the bulk load of the whole file (docs/benchmarks.md).
//!
//! Memory: 18-character resident ID numbers, nearly every row of a roster, are packed exactly
//! into a `u64`; a row is then about 16 bytes in the map plus its name's bytes (a million-row
//! file: about 40 MB). Other numbers (passports, permits) are kept as text.

use std::collections::HashMap;
use std::sync::Mutex;

/// The seen-sets of the runs under way in this process, by import id.
#[derive(Debug, Default)]
pub(crate) struct SeenSets {
    runs: Mutex<HashMap<i64, Seen>>,
}

impl SeenSets {
    fn with<T>(&self, f: impl FnOnce(&mut HashMap<i64, Seen>) -> T) -> T {
        match self.runs.lock() {
            Ok(mut runs) => f(&mut runs),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// A run has begun (or an earlier run of the same file was found interrupted): it starts
    /// with nothing seen.
    pub(crate) fn reset(&self, import: i64) {
        self.with(|runs| runs.remove(&import));
    }

    /// The run is over: its set is dropped.
    pub(crate) fn forget(&self, import: i64) {
        self.with(|runs| runs.remove(&import));
    }

    /// The first row and name recorded for each of `ids` that the run has seen.
    pub(crate) fn lookup<'a>(
        &self,
        import: i64,
        ids: impl Iterator<Item = &'a str>,
    ) -> HashMap<String, (String, u64)> {
        self.with(|runs| {
            let mut out = HashMap::new();
            if let Some(seen) = runs.get(&import) {
                for id in ids {
                    if let Some((row, name)) = seen.get(id) {
                        out.insert(id.to_string(), (name.to_string(), row));
                    }
                }
            }
            out
        })
    }

    /// Records the first row and name of ID numbers the run had not seen (kept only if not
    /// recorded already), once the batch that read them has committed.
    pub(crate) fn record<'a>(
        &self,
        import: i64,
        rows: impl Iterator<Item = (&'a str, u64, &'a str)>,
    ) {
        self.with(|runs| {
            let seen = runs.entry(import).or_default();
            for (id, row, name) in rows {
                seen.insert(id, row, name);
            }
        })
    }
}

#[derive(Debug, Default)]
struct Seen {
    /// Resident ID numbers packed by [`pack`]: the row (as u32) and where the name starts in
    /// `names`.
    packed: HashMap<u64, (u32, u32)>,
    /// Every other number, or a row or name that does not fit the packed form.
    other: HashMap<Box<str>, (u64, Box<str>)>,
    /// Names, each a length byte then its UTF-8 bytes.
    names: Vec<u8>,
}

impl Seen {
    fn get(&self, id: &str) -> Option<(u64, &str)> {
        if let Some(key) = pack(id) {
            if let Some(&(row, at)) = self.packed.get(&key) {
                let at = at as usize;
                let len = usize::from(self.names[at]);
                let name = std::str::from_utf8(&self.names[at + 1..at + 1 + len]).unwrap_or("");
                return Some((u64::from(row), name));
            }
        }
        self.other.get(id).map(|(row, name)| (*row, &**name))
    }

    fn insert(&mut self, id: &str, row: u64, name: &str) {
        if self.get(id).is_some() {
            return;
        }
        if let (Some(key), Ok(row32), Ok(len), Ok(at)) = (
            pack(id),
            u32::try_from(row),
            u8::try_from(name.len()),
            u32::try_from(self.names.len()),
        ) {
            self.names.push(len);
            self.names.extend_from_slice(name.as_bytes());
            self.packed.insert(key, (row32, at));
        } else {
            self.other.insert(id.into(), (row, name.into()));
        }
    }
}

/// An 18-character resident ID number (17 digits and a digit or X) as one number, exactly:
/// the 17 digits times 11 plus the check character (X = 10), below 1.1 × 10^18 < 2^63.
fn pack(id: &str) -> Option<u64> {
    let b = id.as_bytes();
    if b.len() != 18 {
        return None;
    }
    let mut n: u64 = 0;
    for &c in &b[..17] {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(c - b'0');
    }
    let check = match b[17] {
        c @ b'0'..=b'9' => u64::from(c - b'0'),
        b'X' => 10,
        _ => return None,
    };
    Some(n * 11 + check)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_row_and_name_are_kept_for_every_kind_of_number() {
        let sets = SeenSets::default();
        sets.record(
            7,
            [
                ("11010519491231002X", 2, "张三"),
                ("110105194912310021", 3, "李四"),
                ("H12345678", 4, "陈大文"),
                ("11010519491231002X", 9, "赵六"),
            ]
            .into_iter(),
        );
        let found = sets.lookup(
            7,
            [
                "11010519491231002X",
                "110105194912310021",
                "H12345678",
                "nope",
            ]
            .into_iter(),
        );
        assert_eq!(found.len(), 3);
        assert_eq!(found["11010519491231002X"], ("张三".to_string(), 2));
        assert_eq!(found["110105194912310021"], ("李四".to_string(), 3));
        assert_eq!(found["H12345678"], ("陈大文".to_string(), 4));
        // Another run sees nothing of it; a run forgotten starts again empty.
        assert!(sets.lookup(8, ["H12345678"].into_iter()).is_empty());
        sets.forget(7);
        assert!(sets.lookup(7, ["H12345678"].into_iter()).is_empty());
    }

    #[test]
    fn rows_and_names_too_big_to_pack_are_kept_whole() {
        let sets = SeenSets::default();
        let long = "长".repeat(100);
        sets.record(
            1,
            [
                ("11010519491231002X", u64::from(u32::MAX) + 5, "张三"),
                ("110105194912310021", 3, long.as_str()),
            ]
            .into_iter(),
        );
        let found = sets.lookup(1, ["11010519491231002X", "110105194912310021"].into_iter());
        assert_eq!(
            found["11010519491231002X"],
            ("张三".to_string(), u64::from(u32::MAX) + 5)
        );
        assert_eq!(found["110105194912310021"], (long, 3));
    }

    #[test]
    fn packing_is_exact() {
        assert_eq!(pack("000000000000000000"), Some(0));
        assert_eq!(
            pack("99999999999999999X"),
            Some(99_999_999_999_999_999 * 11 + 10)
        );
        assert_ne!(pack("110105194912310021"), pack("110105194912310012"));
        assert_eq!(pack("11010519491231002x"), None);
        assert_eq!(pack("1101051949123100"), None);
    }
}
