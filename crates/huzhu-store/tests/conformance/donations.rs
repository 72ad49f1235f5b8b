//! Issue 16 (donation module): gapless receipts under concurrency and across a failure, void and
//! reissue, expected transfers, restricted money, donors and the thank-you list.

use super::*;
use huzhu_domain::donation::{Channel, DonationState, DonorKind, ReceiptState};
use huzhu_domain::grant::{self as dg, FundKind, GrantState};
use huzhu_domain::money::Money;
use huzhu_store::donation::{DonationFilter, DonationStore, DonorRef, NewDonation, NewDonor};
use huzhu_store::grant::{Applied, GrantChange, GrantStore, NewGrant};
use huzhu_store::money::{LedgerScope, MoneyStore};

fn under(c: &str) -> OrgScope {
    OrgScope::Under(code(c))
}

fn on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 3).unwrap()
}

fn gift<'a>(org: &'a OrgCode, name: &'a str, yuan: i64) -> NewDonation<'a> {
    NewDonation {
        org,
        donor: DonorRef::New(NewDonor {
            kind: DonorKind::Person,
            name,
            member_id: None,
            phone: None,
            bank_account: None,
            consent: false,
        }),
        channel: Channel::Cash,
        amount: Money::from_yuan(yuan),
        on: on(),
        programme: None,
        received: true,
        reference: None,
        note: None,
        by: "window",
        at: at(3),
    }
}

async fn a_thousand_concurrent_donations_get_receipts_one_to_a_thousand<
    S: Store + DonationStore,
>(
    s: S,
) {
    tree(&s).await;
    let mut tasks = Vec::new();
    for n in 0..1000 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let org = code(if n % 2 == 0 { "LA-JN-001" } else { "SC-XH-001" });
            s.record_donation(&gift(&org, "张三", 10 + n)).await
        }));
    }
    let mut numbers = BTreeSet::new();
    for t in tasks {
        let d = t.await.unwrap().unwrap();
        let r = d.receipt().unwrap().clone();
        assert!(numbers.insert(r.number.clone()), "repeated {}", r.number);
    }
    let seqs = s.receipt_seqs(&code("HZ"), 2026).await.unwrap();
    assert_eq!(seqs, (1..=1000).collect::<Vec<i64>>());
    assert!(numbers.contains("CF2026-000001") && numbers.contains("CF2026-001000"));
}

async fn a_donation_failing_after_the_counter_gives_its_number_back<
    S: Store + DonationStore + MoneyStore,
>(
    s: S,
) {
    tree(&s).await;
    let org = code("LA-JN-001");
    let first = s.record_donation(&gift(&org, "张三", 100)).await.unwrap();
    assert_eq!(first.receipt().unwrap().number, "CF2026-000001");
    // The counter is bumped first; the donation's insert then fails its CHECK (amount > 0):
    // the whole transaction, number included, rolls back.
    let mut bad = gift(&org, "李四", 1);
    bad.amount = Money::ZERO;
    assert!(s.record_donation(&bad).await.is_err());
    let next = s.record_donation(&gift(&org, "王五", 50)).await.unwrap();
    assert_eq!(next.receipt().unwrap().number, "CF2026-000002");
    assert_eq!(s.receipt_seqs(&code("HZ"), 2026).await.unwrap(), vec![1, 2]);
    // Nothing of the failed one is anywhere: two donations, 150元 in the fund.
    let all = s
        .donations(
            &DonationFilter {
                limit: 10,
                ..Default::default()
            },
            &OrgScope::Everything,
        )
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    let f = s.ledger_facts(&LedgerScope::Everything).await.unwrap();
    assert_eq!(f.balances["programme_fund:spring_breeze"], -15_000);
    assert_eq!(f.fund_table["spring_breeze"], 15_000);
    assert_eq!(f.funds["spring_breeze"].0, 15_000);
}

async fn a_voided_receipt_is_kept_and_the_reissue_points_at_it<
    S: Store + DonationStore + MoneyStore,
>(
    s: S,
) {
    tree(&s).await;
    let org = code("LA-JN-001");
    let d = s.record_donation(&gift(&org, "张三", 100)).await.unwrap();
    let r1 = d.receipt().unwrap().clone();
    // Outside the scope the receipt is not found.
    let outside = s
        .void_receipt(r1.id, "写错姓名", &under("SC"), "sc.window", at(4))
        .await;
    assert!(
        matches!(outside, Err(StoreError::NotFound(_))),
        "{outside:?}"
    );
    let after = s
        .void_receipt(r1.id, "写错姓名", &under("LA"), "la.window", at(4))
        .await
        .unwrap();
    assert_eq!(after.receipts.len(), 2);
    assert_eq!(after.receipts[0].state, ReceiptState::Voided);
    assert_eq!(after.receipts[0].void_reason.as_deref(), Some("写错姓名"));
    let r2 = after.receipt().unwrap();
    assert_eq!(r2.number, "CF2026-000002");
    assert_eq!(r2.replaces.as_deref(), Some("CF2026-000001"));
    assert_eq!(r2.amount, Money::from_yuan(100));
    // A voided receipt cannot be voided again; the money moved once.
    let again = s
        .void_receipt(r1.id, "再次", &under("LA"), "la.window", at(5))
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let f = s.ledger_facts(&LedgerScope::Everything).await.unwrap();
    assert_eq!(f.balances["programme_fund:spring_breeze"], -10_000);
    // Both numbers find the donation.
    let by_old = s
        .donation_by_receipt("CF2026-000001", &under("LA"))
        .await
        .unwrap();
    assert_eq!(by_old.id, d.id);
}

async fn an_expected_transfer_gets_its_receipt_when_the_money_is_in<
    S: Store + DonationStore + MoneyStore,
>(
    s: S,
) {
    tree(&s).await;
    let org = code("LA-JN-001");
    let mut t = gift(&org, "杭州某旅行社", 5_000);
    t.donor = DonorRef::New(NewDonor {
        kind: DonorKind::Organisation,
        name: "杭州某旅行社",
        member_id: None,
        phone: None,
        bank_account: Some("6222000011112222"),
        consent: true,
    });
    t.channel = Channel::BankTransfer;
    t.received = false;
    let d = s.record_donation(&t).await.unwrap();
    assert_eq!(d.state, DonationState::Expected);
    assert!(d.receipts.is_empty());
    let f = s.ledger_facts(&LedgerScope::Everything).await.unwrap();
    assert!(!f.balances.contains_key("programme_fund:spring_breeze"));
    let r = s
        .receive_donation(d.id, &under("LA"), "finance", at(5))
        .await
        .unwrap();
    assert_eq!(r.state, DonationState::Received);
    assert_eq!(r.receipt().unwrap().number, "CF2026-000001");
    let twice = s
        .receive_donation(d.id, &under("LA"), "finance", at(5))
        .await;
    assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");
    let f = s.ledger_facts(&LedgerScope::Everything).await.unwrap();
    assert_eq!(f.balances["programme_fund:spring_breeze"], -500_000);
    assert_eq!(f.balances["bank"], 500_000);
}

async fn donors_accumulate_history_and_only_consenting_ones_are_thanked<
    S: Store + DonationStore,
>(
    s: S,
) {
    tree(&s).await;
    let org = code("LA-JN-001");
    let first = s.record_donation(&gift(&org, "张三丰", 100)).await.unwrap();
    for yuan in [50, 70] {
        let mut again = gift(&org, "", yuan);
        again.donor = DonorRef::Existing(first.donor.id);
        s.record_donation(&again).await.unwrap();
    }
    let mut anon = gift(&org, "匿名", 1_000);
    anon.donor = DonorRef::New(NewDonor {
        kind: DonorKind::Anonymous,
        name: "匿名",
        member_id: None,
        phone: None,
        bank_account: None,
        consent: true,
    });
    s.record_donation(&anon).await.unwrap();
    let mut named = gift(&org, "李四", 10);
    named.donor = DonorRef::New(NewDonor {
        kind: DonorKind::Person,
        name: "李四",
        member_id: None,
        phone: None,
        bank_account: None,
        consent: true,
    });
    s.record_donation(&named).await.unwrap();
    let found = s.donors("张三", 10, &under("LA")).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].gifts, 3);
    assert_eq!(found[0].total, Money::from_yuan(220));
    // By the donor's number, as the window reads it out (issue 16: settling a statement line).
    let number = first.donor.id.to_string();
    let by_number = s.donors(&number, 10, &under("LA")).await.unwrap();
    assert_eq!(by_number.len(), 1, "{by_number:?}");
    assert_eq!(by_number[0].donor.id, first.donor.id);
    // A donor is seen through their gifts in scope only.
    assert!(s.donors("张三", 10, &under("SC")).await.unwrap().is_empty());
    assert!(s
        .donors(&number, 10, &under("SC"))
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        s.donor(first.donor.id, &under("SC")).await,
        Err(StoreError::NotFound(_))
    ));
    let thanks = s.thanks(Some(&code("SC"))).await.unwrap();
    let names: Vec<&str> = thanks.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        ["李四"],
        "anonymous and non-consenting donors are never listed"
    );
}

/// Members 1–2 in LA-JN-001, for grants from the fund.
async fn two_members<S: Store>(s: &S) -> Vec<MemberId> {
    let imp = start(s, ImportKind::Members, "m.csv").await;
    let rows: Vec<(u64, MemberRecord)> = [(1, "张三"), (2, "李四")]
        .into_iter()
        .map(|(n, name)| (u64::from(n) + 1, member(n, name, "LA-JN-001")))
        .collect();
    s.import_member_batch(imp, &OrgScope::Everything, &rows, at(2))
        .await
        .unwrap();
    let mut ids = Vec::new();
    for n in 1..=2 {
        ids.push(s.member_by_id_number(id(n).as_str()).await.unwrap().id);
    }
    ids
}

async fn grant_of<S: GrantStore>(
    s: &S,
    member: MemberId,
    programme: &str,
    key: &str,
    yuan: i64,
) -> Result<huzhu_store::grant::Grant, StoreError> {
    let applied = s
        .apply_grant(
            &NewGrant {
                programme_id: programme,
                programme_version: "2026.1",
                cycle: "2026",
                key,
                subject_id_number: key,
                member,
                fund: FundKind::SpringBreeze,
                amount: Money::from_yuan(yuan),
                state: GrantState::Applied,
                assessment: "{\"eligible\":true}",
                case_json: None,
                approval_level: OrgLevel::District,
                reason: None,
                by: "la.officer",
                at: at(4),
            },
            &under("LA"),
        )
        .await?;
    let g = match applied {
        Applied::Recorded(g) => g,
        other => panic!("{other:?}"),
    };
    let checked = s
        .change_grant(
            &GrantChange {
                grant: g.id,
                expected_version: g.version,
                from: GrantState::Applied,
                to: GrantState::Checked,
                action: "check",
                reason: None,
                entry: None,
                by: "street",
                at: at(4),
            },
            &under("LA-JN"),
        )
        .await?;
    let entry = dg::grant_approved(g.fund, g.member.0, g.id.0, g.amount).unwrap();
    s.change_grant(
        &GrantChange {
            grant: g.id,
            expected_version: checked.version,
            from: GrantState::Checked,
            to: GrantState::Approved,
            action: "approve",
            reason: None,
            entry: Some(&entry),
            by: "district",
            at: at(5),
        },
        &under("LA"),
    )
    .await
}

async fn restricted_money_pays_only_its_programme<
    S: Store + DonationStore + GrantStore + MoneyStore,
>(
    s: S,
) {
    tree(&s).await;
    let m = two_members(&s).await;
    let org = code("LA-JN-001");
    s.record_donation(&gift(&org, "张三", 1_000)).await.unwrap();
    let mut r = gift(&org, "李四", 3_000);
    r.programme = Some("golden-autumn");
    s.record_donation(&r).await.unwrap();
    // 4,000 in the fund, 3,000 of it for golden-autumn: another programme gets at most 1,000.
    let refused = grant_of(&s, m[0], "spring-breeze-repay", "2026:a", 2_000).await;
    assert!(
        matches!(&refused, Err(StoreError::Conflict(w)) if w.starts_with("fund_exhausted")),
        "{refused:?}"
    );
    // golden-autumn takes its 3,000 first, then 500 of the free money.
    grant_of(&s, m[1], "golden-autumn", "2026:b", 3_500)
        .await
        .unwrap();
    let parts = s.fund_parts(&code("HZ")).await.unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].balance, Money::ZERO);
    let f = s.ledger_facts(&LedgerScope::Everything).await.unwrap();
    assert!(f.unbalanced.is_empty());
    assert_eq!(f.balances["programme_fund:spring_breeze:golden-autumn"], 0);
    assert_eq!(f.balances["programme_fund:spring_breeze"], -50_000);
    assert_eq!(f.fund_table["spring_breeze"], 50_000);
    assert_eq!(
        f.fund_parts["programme_fund:spring_breeze:golden-autumn"],
        0
    );
    // What is left (500) pays the other programme now.
    grant_of(&s, m[0], "spring-breeze-repay", "2026:c", 500)
        .await
        .unwrap();
}

on_both!(
    a_thousand_concurrent_donations_get_receipts_one_to_a_thousand,
    a_donation_failing_after_the_counter_gives_its_number_back,
    a_voided_receipt_is_kept_and_the_reissue_points_at_it,
    an_expected_transfer_gets_its_receipt_when_the_money_is_in,
    donors_accumulate_history_and_only_consenting_ones_are_thanked,
    restricted_money_pays_only_its_programme,
);
