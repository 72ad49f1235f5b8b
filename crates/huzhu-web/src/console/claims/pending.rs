//! 已上传（保留）: files of a claim form kept across a validation error (issue 13). A browser
//! cannot refill a file input, so when the form comes back with a mistake the files it carried
//! would be lost; instead each file that was itself acceptable (a chosen kind, not empty, really
//! a JPEG, PNG or PDF) is kept here, for the same session and member, and the form lists it as
//! "已上传：xxx.pdf（保留）" with a box to untick. The next submit of the form attaches the ticked
//! ones to the claim and forgets the unticked; a successful submit forgets them all.
//!
//! Kept in the server's memory, never in the database: nothing is written for a claim that does
//! not exist yet. They are bounded — [`MAX_FILES`] per form, [`MAX_TOTAL_BYTES`] in all (the
//! oldest go first) — and forgotten after [`KEEP_FOR`]; a restart forgets them too (the form then
//! simply asks for the files again).

use super::form::Upload;
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// How long a kept file waits for the form to be submitted again.
pub const KEEP_FOR: TimeDelta = TimeDelta::hours(1);
/// Files kept for one form at most.
pub const MAX_FILES: usize = 24;
/// Bytes kept for all forms together.
pub const MAX_TOTAL_BYTES: usize = 256 * 1024 * 1024;

/// Whose form a kept file belongs to: the session (by its CSRF token, itself a hash of the
/// session token) and the member the claim is for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FormKey {
    pub session: String,
    pub member: i64,
}

struct Kept {
    key: FormKey,
    kind: String,
    file_name: String,
    bytes: Vec<u8>,
    at: DateTime<Utc>,
    /// The order files were kept in.
    seq: u64,
}

/// A kept file as the form lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptFile {
    pub id: String,
    pub kind: String,
    pub file_name: String,
}

#[derive(Default)]
pub struct PendingUploads {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// By id: a random token, so that one form cannot name another's file.
    files: BTreeMap<String, Kept>,
    bytes: usize,
    seq: u64,
}

impl Inner {
    fn remove(&mut self, id: &str) {
        if let Some(k) = self.files.remove(id) {
            self.bytes = self.bytes.saturating_sub(k.bytes.len());
        }
    }

    fn expire(&mut self, now: DateTime<Utc>) {
        let old: Vec<String> = self
            .files
            .iter()
            .filter(|(_, k)| now - k.at >= KEEP_FOR)
            .map(|(id, _)| id.clone())
            .collect();
        for id in old {
            self.remove(&id);
        }
    }

    fn oldest(&self) -> Option<String> {
        self.files
            .iter()
            .min_by_key(|(_, k)| k.seq)
            .map(|(id, _)| id.clone())
    }
}

fn new_id() -> String {
    use rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl PendingUploads {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain data behind: use it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps `files` for the form. Past [`MAX_FILES`] for the form the rest are not kept; past
    /// [`MAX_TOTAL_BYTES`] the oldest kept files (of any form) are forgotten first.
    pub fn keep(&self, key: &FormKey, files: Vec<Upload>, now: DateTime<Utc>) {
        let mut inner = self.lock();
        inner.expire(now);
        let already = inner.files.values().filter(|k| &k.key == key).count();
        for (count, f) in (already..).zip(files) {
            if count >= MAX_FILES || f.bytes.len() > MAX_TOTAL_BYTES {
                break;
            }
            while inner.bytes + f.bytes.len() > MAX_TOTAL_BYTES {
                match inner.oldest() {
                    Some(id) => inner.remove(&id),
                    None => break,
                }
            }
            let id = new_id();
            inner.bytes += f.bytes.len();
            inner.seq += 1;
            let seq = inner.seq;
            inner.files.insert(
                id,
                Kept {
                    key: key.clone(),
                    kind: f.kind,
                    file_name: f.file_name,
                    bytes: f.bytes,
                    at: now,
                    seq,
                },
            );
        }
    }

    /// The form's kept files, oldest first.
    pub fn list(&self, key: &FormKey, now: DateTime<Utc>) -> Vec<KeptFile> {
        let mut inner = self.lock();
        inner.expire(now);
        let mut files: Vec<(&String, &Kept)> =
            inner.files.iter().filter(|(_, k)| &k.key == key).collect();
        files.sort_by_key(|(_, k)| k.seq);
        files
            .into_iter()
            .map(|(id, k)| KeptFile {
                id: id.clone(),
                kind: k.kind.clone(),
                file_name: k.file_name.clone(),
            })
            .collect()
    }

    /// The form was submitted with `ticked` kept: the unticked are forgotten, and the ticked
    /// returned as uploads (still kept until [`PendingUploads::forget`], in case the form comes
    /// back again). Ids of another form, or unknown, are ignored.
    pub fn ticked(&self, key: &FormKey, ticked: &[String], now: DateTime<Utc>) -> Vec<Upload> {
        let mut inner = self.lock();
        inner.expire(now);
        let unticked: Vec<String> = inner
            .files
            .iter()
            .filter(|(id, k)| &k.key == key && !ticked.contains(id))
            .map(|(id, _)| id.clone())
            .collect();
        for id in unticked {
            inner.remove(&id);
        }
        let mut out: Vec<(&String, &Kept)> =
            inner.files.iter().filter(|(_, k)| &k.key == key).collect();
        out.sort_by_key(|(_, k)| k.seq);
        out.into_iter()
            .map(|(_, k)| Upload {
                row: usize::MAX,
                kind: k.kind.clone(),
                file_name: k.file_name.clone(),
                bytes: k.bytes.clone(),
            })
            .collect()
    }

    /// Forgets every kept file of the form (its claim was made).
    pub fn forget(&self, key: &FormKey) {
        let mut inner = self.lock();
        let ids: Vec<String> = inner
            .files
            .iter()
            .filter(|(_, k)| &k.key == key)
            .map(|(id, _)| id.clone())
            .collect();
        for id in ids {
            inner.remove(&id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2022, 3, 1, 2, minute, 0).unwrap()
    }

    fn upload(name: &str, size: usize) -> Upload {
        Upload {
            row: 0,
            kind: "invoice".into(),
            file_name: name.into(),
            bytes: vec![7; size],
        }
    }

    fn key(session: &str, member: i64) -> FormKey {
        FormKey {
            session: session.into(),
            member,
        }
    }

    #[test]
    fn a_kept_file_belongs_to_its_form_only_and_untick_forgets_it() {
        let p = PendingUploads::default();
        p.keep(
            &key("s1", 1),
            vec![upload("a.pdf", 3), upload("b.pdf", 4)],
            at(0),
        );
        assert!(p.list(&key("s2", 1), at(1)).is_empty(), "another session");
        assert!(p.list(&key("s1", 2), at(1)).is_empty(), "another member");
        let kept = p.list(&key("s1", 1), at(1));
        let names: Vec<&str> = kept.iter().map(|k| k.file_name.as_str()).collect();
        assert_eq!(names, ["a.pdf", "b.pdf"]);
        // Another form naming these ids gets nothing, and forgets nothing of this one.
        let ids: Vec<String> = kept.iter().map(|k| k.id.clone()).collect();
        assert!(p.ticked(&key("s2", 1), &ids, at(1)).is_empty());
        // b unticked: forgotten; a returned and still kept.
        let files = p.ticked(&key("s1", 1), &ids[..1], at(2));
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].file_name, "a.pdf");
        assert_eq!(files[0].bytes, vec![7; 3]);
        assert_eq!(p.list(&key("s1", 1), at(2)).len(), 1);
        p.forget(&key("s1", 1));
        assert!(p.list(&key("s1", 1), at(2)).is_empty());
        assert_eq!(p.lock().bytes, 0);
    }

    #[test]
    fn kept_files_expire_and_the_oldest_go_first_when_memory_is_full() {
        let p = PendingUploads::default();
        p.keep(&key("s1", 1), vec![upload("a.pdf", 3)], at(0));
        assert!(p.list(&key("s1", 1), at(59)).len() == 1);
        assert!(
            p.list(&key("s1", 1), at(0) + KEEP_FOR).is_empty(),
            "expired"
        );
        let half = MAX_TOTAL_BYTES / 2 + 1;
        p.keep(&key("s1", 1), vec![upload("big1.pdf", half)], at(1));
        p.keep(&key("s2", 1), vec![upload("big2.pdf", half)], at(2));
        assert!(p.list(&key("s1", 1), at(3)).is_empty(), "the oldest went");
        assert_eq!(p.list(&key("s2", 1), at(3)).len(), 1);
        assert!(p.lock().bytes <= MAX_TOTAL_BYTES);
    }
}
