//! What changed between two cycles' policies, in words (`huzhu policy diff OLD NEW`).

use super::Policy;

/// One sentence per change, Chinese then English, in the order of the file.
pub fn diff(old: &Policy, new: &Policy) -> Vec<String> {
    let mut out = Vec::new();
    if old.cycle != new.cycle {
        out.push(format!(
            "保障期由 {}…{} 改为 {}…{} (cycle changed)",
            old.cycle.start, old.cycle.end, new.cycle.start, new.cycle.end
        ));
    }
    out
}
