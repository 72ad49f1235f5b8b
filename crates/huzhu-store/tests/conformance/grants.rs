//! Issue 15: grants, their funds and care campaigns, paid through the same batches and ledger.

use super::*;
use huzhu_domain::grant::{self as dg, FundKind, GrantState};
use huzhu_domain::ledger::Entry;
use huzhu_domain::money::Money;
use huzhu_domain::personal::BankAccount;
use huzhu_store::campaign::{CampaignStore, NewCampaign, NewRecipient, Visit};
use huzhu_store::grant::{Applied, GrantChange, GrantFilter, GrantStore, NewDeposit, NewGrant};
use huzhu_store::money::{
    GrantPayment, LedgerScope, LineOutcome, MoneyStore, NewPayoutLine, PayoutSubject,
};

fn under(c: &str) -> OrgScope {
    OrgScope::Under(code(c))
}

/// The tree, members 1–3 in LA-JN-001 (1 and 2 with a bank account) and 4 in SC-XH-001.
async fn people<S: Store>(s: &S) -> Vec<MemberId> {
    tree(s).await;
    let imp = start(s, ImportKind::Members, "m.csv").await;
    let mut rows = Vec::new();
    for (n, name, unit) in [
        (1, "张三", "LA-JN-001"),
        (2, "李四", "LA-JN-001"),
        (3, "王五", "LA-JN-001"),
        (4, "赵六", "SC-XH-001"),
    ] {
        let mut m = member(n, name, unit);
        if n <= 2 {
            m.bank_account = Some(BankAccount::parse(&format!("622200000000000{n}")).unwrap());
        }
        rows.push((u64::from(n) + 1, m));
    }
    s.import_member_batch(imp, &OrgScope::Everything, &rows, at(2))
        .await
        .unwrap();
    let mut ids = Vec::new();
    for n in 1..=4 {
        ids.push(s.member_by_id_number(id(n).as_str()).await.unwrap().id);
    }
    ids
}

fn application<'a>(member: MemberId, key: &'a str, subject: &'a str, yuan: i64) -> NewGrant<'a> {
    NewGrant {
        programme_id: "dialysis-relief",
        programme_version: "2026.1",
        cycle: "2026",
        key,
        subject_id_number: subject,
        member,
        fund: FundKind::Hardship,
        amount: Money::from_yuan(yuan),
        state: GrantState::Applied,
        assessment: "{\"eligible\":true}",
        case_json: Some("{\"as_of\":\"2026-03-01\"}"),
        approval_level: OrgLevel::District,
        reason: None,
        by: "la.officer",
        at: at(3),
    }
}

async fn deposit<S: GrantStore>(s: &S, yuan: i64) {
    let entry = dg::fund_deposited(FundKind::Hardship, Money::from_yuan(yuan), "拨款").unwrap();
    s.deposit_fund(&NewDeposit {
        org: &code("HZ"),
        fund: FundKind::Hardship,
        amount: Money::from_yuan(yuan),
        reference: "市总拨款 2026-01",
        entry: &entry,
        by: "finance",
        at: at(3),
    })
    .await
    .unwrap();
}

fn recorded(a: Applied) -> huzhu_store::grant::Grant {
    match a {
        Applied::Recorded(g) => g,
        other => panic!("not recorded: {other:?}"),
    }
}

async fn approve<S: GrantStore>(
    s: &S,
    g: &huzhu_store::grant::Grant,
) -> Result<huzhu_store::grant::Grant, StoreError> {
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

/// Every entry balances, the accounts sum to zero, and the fund's account, its table and its
/// deposits less approvals agree.
async fn ledger_agrees<S: MoneyStore>(s: &S) -> i64 {
    let f = s.ledger_facts(&LedgerScope::Everything).await.unwrap();
    assert!(f.unbalanced.is_empty(), "{:?}", f.unbalanced);
    assert_eq!(f.balances.values().sum::<i64>(), 0);
    let (deposited, approved, _) = f.funds.get("hardship").copied().unwrap_or_default();
    let left = deposited - approved;
    assert_eq!(
        f.balances
            .get("programme_fund:hardship")
            .copied()
            .unwrap_or(0),
        -left
    );
    assert_eq!(f.fund_table.get("hardship").copied().unwrap_or(0), left);
    left
}

async fn a_second_grant_with_one_key_is_refused_naming_the_first_and_its_org<
    S: Store + GrantStore,
>(
    s: S,
) {
    let m = people(&s).await;
    let key = format!("2026:{}", id(1).as_str());
    let first = recorded(
        s.apply_grant(&application(m[0], &key, id(1).as_str(), 4500), &under("LA"))
            .await
            .unwrap(),
    );
    assert_eq!(first.state, GrantState::Applied);
    assert_eq!(first.org, code("LA-JN-001"));
    let again = s
        .apply_grant(
            &application(m[0], &key, id(1).as_str(), 4500),
            &OrgScope::Everything,
        )
        .await
        .unwrap();
    let Applied::AlreadyGranted { refused, first: f } = again else {
        panic!("{again:?}")
    };
    assert_eq!(f.id, first.id);
    assert_eq!(refused.state, GrantState::Refused);
    let reason = refused.reason.unwrap();
    assert!(reason.starts_with("already_granted"), "{reason}");
    assert!(reason.contains(&first.id.0.to_string()) && reason.contains("LA-JN-001"));
    // The reason names the first grant by number and org, never by its key: the key holds the
    // subject's ID number, which the database keeps nowhere in words (issue 15).
    assert!(!reason.contains(id(1).as_str()), "{reason}");
    assert!(!reason.contains(&key), "{reason}");
    // Outside the actor's subtree: as unknown.
    assert!(matches!(
        s.apply_grant(&application(m[3], "2026:x", "x", 4500), &under("LA"))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.grant(first.id, &under("SC")).await,
        Err(StoreError::NotFound(_))
    ));
    // A refused application frees nothing and holds nothing: a withdrawn one frees the key.
    let w = s
        .change_grant(
            &GrantChange {
                grant: first.id,
                expected_version: first.version,
                from: GrantState::Applied,
                to: GrantState::Withdrawn,
                action: "withdraw",
                reason: Some("申请有误"),
                entry: None,
                by: "la.officer",
                at: at(4),
            },
            &under("LA-JN-001"),
        )
        .await
        .unwrap();
    assert_eq!(w.state, GrantState::Withdrawn);
    let third = recorded(
        s.apply_grant(&application(m[0], &key, id(1).as_str(), 4500), &under("LA"))
            .await
            .unwrap(),
    );
    assert_eq!(third.state, GrantState::Applied);
    let audit = s.audit_log(20).await.unwrap();
    assert_eq!(
        audit.iter().filter(|e| e.action == "grant.apply").count(),
        3
    );
}

async fn a_hundred_concurrent_grants_with_one_key_give_exactly_one_grant<S: Store + GrantStore>(
    s: S,
) {
    let m = people(&s).await;
    let key = format!("2026:{}", id(2).as_str());
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let s = s.clone();
        let key = key.clone();
        let member = m[1];
        tasks.push(tokio::spawn(async move {
            s.apply_grant(
                &application(member, &key, id(2).as_str(), 4500),
                &OrgScope::Everything,
            )
            .await
        }));
    }
    let mut recorded = 0;
    let mut refused = 0;
    for t in tasks {
        match t.await.unwrap().unwrap() {
            Applied::Recorded(_) => recorded += 1,
            Applied::AlreadyGranted { .. } => refused += 1,
        }
    }
    assert_eq!((recorded, refused), (1, 99));
    let all = s
        .grants_under(
            &OrgScope::Everything,
            &GrantFilter {
                limit: 500,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(all.len(), 100);
    assert_eq!(all.iter().filter(|g| g.state.is_live()).count(), 1);
}

async fn a_fund_never_goes_negative_under_concurrent_approvals<
    S: Store + GrantStore + MoneyStore,
>(
    s: S,
) {
    let m = people(&s).await;
    deposit(&s, 10_000).await;
    // Twelve applications of 1,000元 for a fund of 10,000元: ten are approved.
    let mut grants = Vec::new();
    for n in 0..12 {
        let key = format!("2026:{n}");
        grants.push(recorded(
            s.apply_grant(&application(m[n % 3], &key, "x", 1_000), &under("LA"))
                .await
                .unwrap(),
        ));
    }
    let mut tasks = Vec::new();
    for g in grants {
        let s = s.clone();
        tasks.push(tokio::spawn(async move { approve(&s, &g).await }));
    }
    let mut approved = 0;
    let mut exhausted = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(g) => {
                assert_eq!(g.state, GrantState::Approved);
                approved += 1;
            }
            Err(StoreError::Conflict(why)) if why.starts_with("fund_exhausted") => exhausted += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!((approved, exhausted), (10, 2));
    let funds = s.fund_balances(&code("LA-JN-001")).await.unwrap();
    assert_eq!(
        funds
            .iter()
            .find(|f| f.fund == FundKind::Hardship)
            .unwrap()
            .balance,
        Money::ZERO
    );
    assert_eq!(ledger_agrees(&s).await, 0);
}

async fn a_grant_line_paid_through_a_batch_settles_and_posts<S: Store + GrantStore + MoneyStore>(
    s: S,
) {
    let m = people(&s).await;
    deposit(&s, 20_000).await;
    let key1 = format!("2026:{}", id(1).as_str());
    let key2 = format!("2026:{}", id(2).as_str());
    let g1 = recorded(
        s.apply_grant(
            &application(m[0], &key1, id(1).as_str(), 4500),
            &under("LA"),
        )
        .await
        .unwrap(),
    );
    let g2 = recorded(
        s.apply_grant(
            &application(m[1], &key2, id(2).as_str(), 4500),
            &under("LA"),
        )
        .await
        .unwrap(),
    );
    let g1 = approve(&s, &g1).await.unwrap();
    let g2 = approve(&s, &g2).await.unwrap();
    let waiting = s
        .grants_under(
            &under("LA"),
            &GrantFilter {
                awaiting_payout: true,
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(waiting.len(), 2);
    let line = |g: &huzhu_store::grant::Grant| NewPayoutLine {
        subject: PayoutSubject::Grant(g.id),
        member: g.member,
        amount: g.amount,
        account_name: g.member_name.clone(),
        bank_account: "6222000000000001".into(),
        bank_branch: None,
    };
    let batch = s
        .create_batch(&code("LA"), &[line(&g1), line(&g2)], 0, "finance", at(6))
        .await
        .unwrap();
    assert_eq!(batch.total, Money::from_yuan(9_000));
    assert_eq!(
        s.grant(g1.id, &under("LA")).await.unwrap().state,
        GrantState::InBatch
    );
    // A grant in a live batch cannot go into another.
    assert!(matches!(
        s.create_batch(&code("LA"), &[line(&g1)], 0, "finance", at(6))
            .await,
        Err(StoreError::Conflict(_))
    ));
    let (_, lines) = s.batch(batch.id).await.unwrap();
    assert_eq!(lines[0].subject, PayoutSubject::Grant(g1.id));
    // Read through a scope: the district's own and the city's see it, another district not.
    assert_eq!(
        s.batch_under(batch.id, &under("LA")).await.unwrap().1,
        lines
    );
    assert_eq!(
        s.batch_under(batch.id, &under("HZ")).await.unwrap().1,
        lines
    );
    assert!(matches!(
        s.batch_under(batch.id, &under("SC")).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.batch_under(batch.id, &under("LA-JN-001")).await,
        Err(StoreError::NotFound(_))
    ));
    let paid_entry: Entry = dg::grant_paid(g1.member.0, g1.id.0, g1.amount).unwrap();
    s.settle_batch(
        batch.id,
        &[
            LineOutcome {
                line: lines[0].id,
                failure: None,
            },
            LineOutcome {
                line: lines[1].id,
                failure: Some("账号已销户 (account closed)".into()),
            },
        ],
        &[],
        &[GrantPayment {
            grant: g1.id,
            entry: paid_entry,
        }],
        "cashier",
        at(7),
    )
    .await
    .unwrap();
    let paid = s.grant(g1.id, &under("LA")).await.unwrap();
    assert_eq!((paid.state, paid.paid), (GrantState::Paid, g1.amount));
    let back = s.grant(g2.id, &under("LA")).await.unwrap();
    assert_eq!((back.state, back.paid), (GrantState::Approved, Money::ZERO));
    let f = s.ledger_facts(&LedgerScope::Everything).await.unwrap();
    assert_eq!(f.balances["bank"], 2_000_000 - 450_000);
    assert_eq!(f.balances[&format!("payable:{}", g1.member.0)], 0);
    assert_eq!(f.balances[&format!("payable:{}", g2.member.0)], -450_000);
    assert_eq!(f.owed_to_members.get(&g2.member.0), Some(&450_000));
    assert_eq!(f.funds["hardship"], (2_000_000, 900_000, 450_000));
    assert_eq!(ledger_agrees(&s).await, 1_100_000);
    // The grant's entries are in its unit's ledger, not in another district's.
    let sc = s.ledger_facts(&under("SC")).await.unwrap();
    assert!(!sc.balances.contains_key("programme_fund:hardship"));
    let la = s.ledger_facts(&under("LA")).await.unwrap();
    assert_eq!(la.balances["programme_fund:hardship"], 900_000);
}

async fn a_campaign_lists_a_member_once_and_grants_them_once<
    S: Store + GrantStore + CampaignStore + MoneyStore,
>(
    s: S,
) {
    let m = people(&s).await;
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let c = s
        .create_campaign(&NewCampaign {
            org: &code("HZ"),
            programme_id: "two-festivals-2026",
            programme_version: "2026.1",
            name: "2026年两节送温暖",
            cycle: "2026",
            window_start: start,
            window_end: NaiveDate::from_ymd_opt(2026, 2, 28).unwrap(),
            by: "city.staff",
            at: at(3),
        })
        .await
        .unwrap();
    let entry = |member: MemberId, cash: i64| NewRecipient {
        member,
        basis: "tag".into(),
        reason: "劳模 (model worker)".into(),
        cash: Money::from_yuan(cash),
        gift_pack: true,
    };
    // The city lists members 1 and 2 (and 4, of another district).
    let city = s
        .list_recipients(
            c.id,
            &under("HZ"),
            &code("HZ"),
            &[entry(m[0], 500), entry(m[1], 2000), entry(m[3], 1000)],
            "city.staff",
            at(4),
        )
        .await
        .unwrap();
    assert_eq!(city.added, 3);
    // The district lists 2 again and 3: 2 is refused naming the city's listing. 4 is outside
    // the district: it is not listed, and the city's listing of it is not shown to the
    // district either (the app answers such a member 404, like an unknown one).
    let district = s
        .list_recipients(
            c.id,
            &under("LA"),
            &code("LA"),
            &[entry(m[1], 1000), entry(m[2], 0), entry(m[3], 500)],
            "la.staff",
            at(4),
        )
        .await
        .unwrap();
    assert_eq!(district.added, 1);
    assert_eq!(district.already.len(), 1, "{:?}", district.already);
    assert!(district.already.iter().all(|a| a.member != m[3]));
    let two = district.already.iter().find(|a| a.member == m[1]).unwrap();
    assert_eq!(
        (two.org.as_str(), two.listed_by.as_str()),
        ("HZ", "city.staff")
    );
    let la_list = s.recipients(c.id, &under("LA"), 0, 100).await.unwrap();
    assert_eq!(la_list.len(), 3);
    let r3 = la_list.iter().find(|r| r.member == m[2]).unwrap();
    let visited = s
        .record_visit(
            r3.id,
            &under("LA-JN"),
            &Visit {
                date: start,
                visitor: "街道 王主任",
                photo_sha256: None,
            },
            "street",
            at(5),
        )
        .await
        .unwrap();
    assert_eq!(visited.visit_date, Some(start));
    s.hand_gift(r3.id, &under("LA-JN"), "street", at(5))
        .await
        .unwrap();
    assert!(matches!(
        s.hand_gift(r3.id, &under("LA-JN"), "street", at(5)).await,
        Err(StoreError::Conflict(_))
    ));
    // A one-off grant under the campaign's programme takes member 1's key first.
    let key1 = dg::subject_key("2026", id(1).as_str());
    let id1 = id(1);
    let mut earlier = application(m[0], &key1, id1.as_str(), 500);
    earlier.programme_id = "two-festivals-2026";
    recorded(s.apply_grant(&earlier, &under("LA")).await.unwrap());
    // Not enough money: nothing is granted.
    let camp = |yuan: i64| {
        dg::fund_deposited(FundKind::Campaign, Money::from_yuan(yuan), "送温暖经费").unwrap()
    };
    let e = camp(1000);
    s.deposit_fund(&NewDeposit {
        org: &code("HZ"),
        fund: FundKind::Campaign,
        amount: Money::from_yuan(1000),
        reference: "送温暖经费",
        entry: &e,
        by: "finance",
        at: at(5),
    })
    .await
    .unwrap();
    assert!(matches!(
        s.grant_campaign(c.id, &under("HZ"), FundKind::Campaign, "city.staff", at(6)).await,
        Err(StoreError::Conflict(why)) if why.starts_with("fund_exhausted")
    ));
    let e = camp(5000);
    s.deposit_fund(&NewDeposit {
        org: &code("HZ"),
        fund: FundKind::Campaign,
        amount: Money::from_yuan(5000),
        reference: "送温暖经费",
        entry: &e,
        by: "finance",
        at: at(5),
    })
    .await
    .unwrap();
    let done = s
        .grant_campaign(c.id, &under("HZ"), FundKind::Campaign, "city.staff", at(6))
        .await
        .unwrap();
    // 2 (2,000) and 4 (1,000) granted; 1 refused naming the earlier grant; 3 has no cash.
    assert_eq!(done.granted, 2);
    assert_eq!(done.total, Money::from_yuan(3000));
    assert_eq!(done.refused.len(), 1);
    assert_eq!(done.refused[0].member, m[0]);
    assert_eq!(done.refused[0].first_org, "LA-JN-001");
    // Again: nothing left to grant.
    let again = s
        .grant_campaign(c.id, &under("HZ"), FundKind::Campaign, "city.staff", at(7))
        .await
        .unwrap();
    assert_eq!(again.granted, 0);
    let f = s.ledger_facts(&LedgerScope::Everything).await.unwrap();
    assert!(f.unbalanced.is_empty());
    assert_eq!(f.balances["programme_fund:campaign"], -300_000);
    assert_eq!(f.fund_table["campaign"], 300_000);
    assert_eq!(f.balances[&format!("payable:{}", m[1].0)], -200_000);
    let granted = s
        .grants_under(
            &OrgScope::Everything,
            &GrantFilter {
                campaign: Some(c.id),
                awaiting_payout: true,
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(granted.len(), 2);
    assert!(granted.iter().all(|g| g.state == GrantState::Approved));
}

async fn an_application_keeps_its_case_and_is_found_by_programme_year_and_scope<
    S: Store + GrantStore,
>(
    s: S,
) {
    let m = people(&s).await;
    let key = format!("2026:{}", id(1).as_str());
    let kept = recorded(
        s.apply_grant(&application(m[0], &key, id(1).as_str(), 4500), &under("LA"))
            .await
            .unwrap(),
    );
    let subject = id(1);
    let mut older = application(m[0], "2025:y", subject.as_str(), 4500);
    older.cycle = "2025";
    older.case_json = None;
    recorded(s.apply_grant(&older, &under("LA")).await.unwrap());
    let found = s
        .grant_cases("dialysis-relief", 2026, &under("LA"))
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0.id, kept.id);
    assert_eq!(found[0].1.as_deref(), Some("{\"as_of\":\"2026-03-01\"}"));
    let old = s
        .grant_cases("dialysis-relief", 2025, &OrgScope::Everything)
        .await
        .unwrap();
    assert_eq!(old.len(), 1);
    assert_eq!(old[0].1, None);
    // Another district's actor finds none of them; another programme none either.
    assert!(s
        .grant_cases("dialysis-relief", 2026, &under("SC"))
        .await
        .unwrap()
        .is_empty());
    assert!(s
        .grant_cases("golden-autumn", 2026, &OrgScope::Everything)
        .await
        .unwrap()
        .is_empty());
}

async fn an_applications_several_grants_are_written_all_or_nothing<S: Store + GrantStore>(s: S) {
    let m = people(&s).await;
    let (k1, k2) = ("2026:110105200803010026", "2026:110105201009010015");
    let good = application(m[0], k1, "110105200803010026", 4500);
    let mut bad = application(m[0], k2, "110105201009010015", 4500);
    // The second subject breaks a CHECK (an amount below zero): the first is not kept either.
    bad.amount = Money::from_fen(-1);
    assert!(s
        .apply_grants(&[good.clone(), bad], &under("LA"))
        .await
        .is_err());
    let none = s
        .grants_under(
            &OrgScope::Everything,
            &GrantFilter {
                member: Some(m[0]),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(none.is_empty(), "nothing written: {none:?}");
    // Both good: both written, in order, each under its own key.
    let both = s
        .apply_grants(
            &[good, application(m[0], k2, "110105201009010015", 4500)],
            &under("LA"),
        )
        .await
        .unwrap();
    let keys: Vec<String> = both.into_iter().map(|a| recorded(a).key).collect();
    assert_eq!(keys, [k1, k2]);
}

/// A PNG's first bytes and a little more: what a phone's photo of a form starts with.
fn png() -> Vec<u8> {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    b.extend_from_slice(b"application form");
    b
}

async fn a_document_handed_in_to_a_pending_grant_is_written_whole_or_not_at_all<
    S: Store + GrantStore + MoneyStore,
>(
    s: S,
) {
    use huzhu_store::grant::NewGrantDocument;
    let m = people(&s).await;
    let subject = id(2);
    let key = format!("2026:{}", subject.as_str());
    let mut a = application(m[1], &key, subject.as_str(), 1000);
    a.assessment = r#"{"eligible":true,"missing_documents":["application_form","income_proof"]}"#;
    a.case_json = Some(r#"{"as_of":"2026-03-01","documents":[]}"#);
    let g = recorded(s.apply_grant(&a, &under("LA")).await.unwrap());
    let bytes = png();
    let doc = |version: i32| NewGrantDocument {
        grant: g.id,
        expected_version: version,
        kind: "application_form",
        sha256: "5e0c0ffee",
        file_name: "申请表.png",
        content_type: "image/png",
        bytes: &bytes,
        audit_detail: "补交材料：申请表",
        by: "la.officer",
        at: at(4),
    };
    let audits = s.audit_log(500).await.unwrap().len();
    // Outside the actor's subtree: as unknown, nothing written.
    assert!(matches!(
        s.add_grant_document(&doc(g.version), &under("SC")).await,
        Err(StoreError::NotFound(_))
    ));
    // A grant that moved since it was read: a conflict, nothing written.
    assert!(matches!(
        s.add_grant_document(&doc(g.version + 7), &under("LA"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(s
        .grant_documents(g.id, &OrgScope::Everything)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(s.audit_log(500).await.unwrap().len(), audits);
    assert!(s.blob("5e0c0ffee").await.is_err(), "no file kept");
    // Handed in: the document, the missing list without it, the case with it, one audit entry.
    let (after, stored) = s
        .add_grant_document(&doc(g.version), &under("LA"))
        .await
        .unwrap();
    assert_eq!(after.version, g.version + 1);
    assert_eq!(after.state, GrantState::Applied);
    let assessment: serde_json::Value = serde_json::from_str(&after.assessment).unwrap();
    assert_eq!(
        assessment["missing_documents"],
        serde_json::json!(["income_proof"])
    );
    assert_eq!(stored.kind, "application_form");
    assert_eq!(stored.size, bytes.len() as i64);
    let listed = s.grant_documents(g.id, &under("LA-JN")).await.unwrap();
    assert_eq!(listed, vec![stored.clone()]);
    assert!(s
        .grant_documents(g.id, &under("SC"))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(s.blob("5e0c0ffee").await.unwrap().1, bytes);
    let log = s.audit_log(500).await.unwrap();
    assert_eq!(log.len(), audits + 1);
    assert!(log.iter().any(|e| e.action == "grant.document"), "{log:?}");
    let (_, cases) = s
        .grant_cases("dialysis-relief", 2026, &OrgScope::Everything)
        .await
        .unwrap()
        .into_iter()
        .find(|(x, _)| x.id == g.id)
        .unwrap();
    let case: serde_json::Value = serde_json::from_str(&cases.unwrap()).unwrap();
    assert_eq!(case["documents"], serde_json::json!(["application_form"]));
    // Once withdrawn, never: a conflict, nothing written.
    let withdrawn = s
        .change_grant(
            &GrantChange {
                grant: g.id,
                expected_version: after.version,
                from: GrantState::Applied,
                to: GrantState::Withdrawn,
                action: "withdraw",
                reason: None,
                entry: None,
                by: "la.officer",
                at: at(5),
            },
            &under("LA"),
        )
        .await
        .unwrap();
    let mut late = doc(withdrawn.version);
    late.kind = "income_proof";
    assert!(matches!(
        s.add_grant_document(&late, &under("LA")).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        s.grant_documents(g.id, &OrgScope::Everything)
            .await
            .unwrap()
            .len(),
        1
    );
}

on_both!(
    a_document_handed_in_to_a_pending_grant_is_written_whole_or_not_at_all,
    an_applications_several_grants_are_written_all_or_nothing,
    an_application_keeps_its_case_and_is_found_by_programme_year_and_scope,
    a_second_grant_with_one_key_is_refused_naming_the_first_and_its_org,
    a_hundred_concurrent_grants_with_one_key_give_exactly_one_grant,
    a_fund_never_goes_negative_under_concurrent_approvals,
    a_grant_line_paid_through_a_batch_settles_and_posts,
    a_campaign_lists_a_member_once_and_grants_them_once,
);

/// The migration `20261209000120_grant_reason_masked` rewrites a reason stored before it: the
/// store's words lose the key, the engine's words keep the key with its ID number masked
/// (SQLite here; PostgreSQL runs the same text on every fresh schema).
#[tokio::test]
async fn the_migration_takes_the_id_number_out_of_stored_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let s = huzhu_store::SqliteStore::open_file(&path).await.unwrap();
    s.migrate().await.unwrap();
    let m = people(&s).await;
    let key = format!("2026:{}", id(1).as_str());
    let first = recorded(
        s.apply_grant(&application(m[0], &key, id(1).as_str(), 4500), &under("LA"))
            .await
            .unwrap(),
    );
    let Applied::AlreadyGranted { refused, .. } = s
        .apply_grant(&application(m[0], &key, id(1).as_str(), 4500), &under("LA"))
        .await
        .unwrap()
    else {
        panic!("not refused")
    };
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let migration = include_str!("../../migrations/sqlite/20261209000120_grant_reason_masked.sql");
    let rid = refused.id;
    let rewrite = |reason: String| {
        let (pool, s) = (pool.clone(), s.clone());
        async move {
            sqlx::query("UPDATE grants SET reason = $1 WHERE id = $2")
                .bind(reason)
                .bind(rid.0)
                .execute(&pool)
                .await
                .unwrap();
            sqlx::raw_sql(migration).execute(&pool).await.unwrap();
            s.grant(rid, &OrgScope::Everything)
                .await
                .unwrap()
                .reason
                .unwrap()
        }
    };
    // As the store wrote it before: the whole key in the words.
    let before = format!(
        "already_granted: 已有同一键的救助 {} ({}，{}) (already granted: grant {} of {})",
        first.id.0, first.org, key, first.id.0, first.org
    );
    let after = rewrite(before).await;
    assert_eq!(
        after,
        huzhu_store::grant::already_granted_reason(&first),
        "{after}"
    );
    // As the engine's refusal reads: the earlier grant's key, its ID number masked.
    let engine = format!(
        "already_granted: 已于 2026-01-05 发放 {key} (already granted on 2026-01-05: {key})"
    );
    let after = rewrite(engine).await;
    assert!(!after.contains(id(1).as_str()), "{after}");
    let masked = huzhu_domain::personal::mask_middle(id(1).as_str(), 4, 4);
    assert!(after.contains(&format!("2026:{masked}")), "{after}");
    pool.close().await;
}
