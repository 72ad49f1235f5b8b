//! Issue 16: a bank statement matched to the expected bank transfers of the donations, on both
//! backends — matched lines received with gapless receipts in the import's transaction, the rest
//! settled to a donor or dismissed, the same statement twice counting nothing twice, scope.

use super::*;
use huzhu_domain::donation::{Channel, DonationState, DonorKind};
use huzhu_domain::money::Money;
use huzhu_domain::statement::{Line, LineState};
use huzhu_store::donation::{DonationFilter, DonationStore, DonorRef, NewDonation, NewDonor};
use huzhu_store::statement::{NewStatement, StatementStore};

fn under(c: &str) -> OrgScope {
    OrgScope::Under(code(c))
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn expect<S: DonationStore>(
    s: &S,
    org: &str,
    name: &str,
    account: Option<&str>,
    reference: Option<&str>,
    yuan: i64,
) -> i64 {
    let org = code(org);
    s.record_donation(&NewDonation {
        org: &org,
        donor: DonorRef::New(NewDonor {
            kind: DonorKind::Organisation,
            name,
            member_id: None,
            phone: None,
            bank_account: account,
            consent: true,
        }),
        channel: Channel::BankTransfer,
        amount: Money::from_yuan(yuan),
        on: day("2026-03-01"),
        programme: None,
        received: false,
        reference,
        note: None,
        by: "window",
        at: at(3),
    })
    .await
    .unwrap()
    .id
}

fn line(row: u64, yuan: i64, name: &str, account: &str, memo: &str) -> Line {
    Line {
        row,
        on: day("2026-03-02"),
        amount_fen: yuan * 100,
        name: name.into(),
        account: account.into(),
        memo: memo.into(),
    }
}

async fn import<S: StatementStore>(
    s: &S,
    scope: &str,
    sha: &str,
    lines: &[Line],
) -> Result<huzhu_store::statement::Imported, StoreError> {
    s.import_statement(
        &under(scope),
        &NewStatement {
            org: &code(scope),
            file_name: "对账单.xlsx",
            file_sha256: sha,
            lines,
            by: "finance",
            at: at(4),
        },
    )
    .await
}

async fn a_statement_receives_its_matches_once_and_leaves_the_rest_to_settle<
    S: Store + DonationStore + StatementStore,
>(
    s: S,
) {
    tree(&s).await;
    let agency = expect(&s, "LA", "杭州某旅行社", None, Some("CF-88"), 50_000).await;
    let worker = expect(&s, "LA-JN-001", "王强", Some("6222000011112222"), None, 200).await;
    let other = expect(&s, "SC", "某公司", None, Some("CF-99"), 700).await;
    let lines = [
        line(2, 50_000, "杭州某旅行社有限公司", "", "春风行动 CF-88"),
        line(3, 200, "王强", "6222 0000 1111 2222", ""),
        line(4, 700, "某公司", "", "CF-99"),
        line(5, 300, "李梅", "", "捐款"),
        line(6, 15, "某银行", "", "利息"),
    ];
    let first = import(&s, "LA", "sha-1", &lines).await.unwrap();
    // SC's expected transfer is not LA's to receive: its line stays to settle.
    assert_eq!(
        (first.matched, first.unmatched, first.duplicates),
        (2, 3, 0)
    );
    assert_eq!((first.statement.lines, first.statement.open), (5, 3));
    for id in [agency, worker] {
        let d = s.donation(id, &OrgScope::Everything).await.unwrap();
        assert_eq!(d.state, DonationState::Received);
        assert!(d.receipt().is_some());
    }
    assert_eq!(
        s.donation(other, &OrgScope::Everything)
            .await
            .unwrap()
            .state,
        DonationState::Expected
    );
    // The same file again: refused; the same lines in another file: skipped, nothing twice.
    let again = import(&s, "LA", "sha-1", &lines).await;
    assert!(
        matches!(&again, Err(StoreError::Conflict(w)) if w.contains("不再重复入账")),
        "{again:?}"
    );
    let overlap = import(&s, "LA", "sha-2", &lines[..2]).await.unwrap();
    assert_eq!(
        (overlap.matched, overlap.unmatched, overlap.duplicates),
        (0, 0, 2)
    );
    let received = s
        .donations(
            &DonationFilter {
                state: Some(DonationState::Received),
                limit: 100,
                ..DonationFilter::default()
            },
            &OrgScope::Everything,
        )
        .await
        .unwrap();
    assert_eq!(received.len(), 2);
    // The lines to settle; another district sees none of them.
    let open = s.statement_lines(&under("LA"), None).await.unwrap();
    assert_eq!(open.len(), 3);
    assert!(s
        .statement_lines(&under("SC"), None)
        .await
        .unwrap()
        .is_empty());
    let li_mei = open.iter().find(|l| l.name == "李梅").unwrap();
    let interest = open.iter().find(|l| l.memo == "利息").unwrap();
    let outside = s
        .dismiss_line(&under("SC"), interest.id, "利息", "finance", at(5))
        .await;
    assert!(
        matches!(outside, Err(StoreError::NotFound(_))),
        "{outside:?}"
    );
    let dismissed = s
        .dismiss_line(
            &under("LA"),
            interest.id,
            "银行结息，非捐赠",
            "finance",
            at(5),
        )
        .await
        .unwrap();
    assert_eq!(dismissed.state, LineState::Dismissed);
    // Settled to a donor on file: a received donation with its receipt, once.
    let donor = s
        .donation(worker, &OrgScope::Everything)
        .await
        .unwrap()
        .donor
        .id;
    let settled = s
        .settle_line(
            &under("LA"),
            li_mei.id,
            donor,
            Some("golden-autumn"),
            "finance",
            at(6),
        )
        .await
        .unwrap();
    assert_eq!(settled.state, LineState::Settled);
    assert!(settled
        .receipt
        .as_deref()
        .is_some_and(|r| r.starts_with("CF2026-")));
    let twice = s
        .settle_line(&under("LA"), li_mei.id, donor, None, "finance", at(6))
        .await;
    assert!(
        matches!(&twice, Err(StoreError::Conflict(w)) if w.contains("已手工匹配")),
        "{twice:?}"
    );
    let matched = s
        .statement_lines(&under("LA"), Some(first.statement.id))
        .await
        .unwrap();
    let m = matched.iter().find(|l| l.row_no == 2).unwrap();
    assert_eq!(m.state, LineState::Matched);
    assert_eq!(m.matched_by.as_deref(), Some("reference"));
    let again = s
        .dismiss_line(&under("LA"), m.id, "x", "finance", at(6))
        .await;
    assert!(
        matches!(&again, Err(StoreError::Conflict(w)) if w.contains("已匹配")),
        "{again:?}"
    );
    // Receipts stay gapless: three issued, 1…3.
    let seqs = s.receipt_seqs(&code("HZ"), 2026).await.unwrap();
    assert_eq!(seqs, vec![1, 2, 3]);
    let audit = s.audit_log(100).await.unwrap();
    for action in ["statement.import", "statement.settle", "statement.dismiss"] {
        assert!(audit.iter().any(|e| e.action == action), "{action}");
    }
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == "donation.receive" && e.detail.contains("对账单"))
            .count(),
        2
    );
}

on_both!(a_statement_receives_its_matches_once_and_leaves_the_rest_to_settle);
