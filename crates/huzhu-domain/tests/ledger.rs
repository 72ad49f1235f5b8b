//! The ledger's invariants (SPEC 6) over generated histories.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use huzhu_domain::ledger::{self, balances, Entry};
use huzhu_domain::money::Money;
use huzhu_domain::org::OrgCode;
use proptest::prelude::*;

fn unit(n: u8) -> OrgCode {
    OrgCode::parse(&format!("LA-01-{n:03}")).unwrap()
}

/// One step of a generated history: (kind, who, amount in fen).
fn step() -> impl Strategy<Value = (u8, u8, i64)> {
    (0u8..5, 0u8..4, 1i64..5_000_000)
}

fn entry(kind: u8, who: u8, fen: i64) -> Entry {
    let m = Money::from_fen(fen);
    let p = "hangzhou-2022";
    match kind {
        0 => ledger::contribution_billed(&unit(who), p, m),
        1 => ledger::contribution_paid(&unit(who), p, m),
        2 => ledger::claim_approved(p, i64::from(who), "c", m),
        _ => ledger::claim_paid(i64::from(who), "c", m),
    }
    .unwrap()
}

proptest! {
    #[test]
    fn any_history_of_entries_and_reversals_sums_to_zero(steps in prop::collection::vec(step(), 1..60)) {
        let mut all: Vec<Entry> = Vec::new();
        for (kind, who, fen) in steps {
            if kind == 4 {
                if let Some(last) = all.last().cloned() {
                    all.push(last.reversal("冲正".into()));
                }
            } else {
                all.push(entry(kind, who, fen));
            }
        }
        let keys: Vec<(String, i64)> = all
            .iter()
            .flat_map(|e| e.postings().iter().map(|p| (p.account.key(), p.fen)).collect::<Vec<_>>())
            .collect();
        let b = balances(keys.iter().map(|(k, v)| (k.as_str(), *v)));
        prop_assert_eq!(b.values().sum::<i64>(), 0);
        for e in &all {
            prop_assert_eq!(e.postings().iter().map(|p| p.fen).sum::<i64>(), 0);
            prop_assert!(e.amount().fen() > 0);
        }
    }

    #[test]
    fn an_entry_and_its_reversal_leave_every_account_as_it_was(kind in 0u8..4, who in 0u8..4, fen in 1i64..i64::MAX / 4) {
        let e = entry(kind, who, fen);
        let r = e.reversal("冲正".into());
        let keys: Vec<(String, i64)> = e
            .postings()
            .iter()
            .chain(r.postings())
            .map(|p| (p.account.key(), p.fen))
            .collect();
        let b = balances(keys.iter().map(|(k, v)| (k.as_str(), *v)));
        prop_assert!(b.values().all(|v| *v == 0));
    }
}
