//! The statistics stay exact: real writes through the store's methods (imports, a member moving
//! and retiring, an org moving, enrolment, claims created, decided in a batch, approved, paid) and
//! after each step the maintained aggregates equal a recount from the base tables, and the
//! dashboard figures read from them equal a full scan. On both backends.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#[macro_use]
mod harness;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use huzhu_domain::id_number::{check_character, IdNumber};
use huzhu_domain::member::{EmploymentStatus, MemberFields, MemberRecord};
use huzhu_domain::money::Money;
use huzhu_domain::org::{NewOrg, OrgCode, OrgLevel, RegionCode};
use huzhu_domain::personal::PersonName;
use huzhu_domain::workflow::ClaimState;
use huzhu_store::money::*;
use huzhu_store::*;
use std::collections::BTreeSet;

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 8, 0, 0).unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn code(c: &str) -> OrgCode {
    OrgCode::parse(c).unwrap()
}

fn org(c: &str, parent: Option<&str>, level: OrgLevel) -> NewOrg {
    NewOrg::new(
        code(c),
        &format!("{c}工会"),
        parent.map(code),
        level,
        RegionCode::parse("330112").unwrap(),
    )
    .unwrap()
}

/// A valid resident ID for serial `n` (male when n is odd).
fn id(n: u32) -> IdNumber {
    let first17 = format!("33011219900101{:03}", n % 1000);
    let full = format!("{first17}{}", check_character(&first17).unwrap());
    IdNumber::parse(&full, today()).unwrap()
}

const NAMES: [&str; 7] = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏"];

fn member(n: u32, unit: &str, status: EmploymentStatus) -> MemberRecord {
    MemberRecord::new(
        MemberFields {
            id_number: id(n),
            name: PersonName::parse(NAMES[(n as usize) % NAMES.len()]).unwrap(),
            declared_gender: None,
            declared_birth: None,
            phone: None,
            org: code(unit),
            status,
            hire_date: None,
            join_date: None,
            social_security_region: None,
            tags: BTreeSet::new(),
            bank_account: None,
            bank_branch: None,
        },
        today(),
    )
    .unwrap()
}

async fn import<S: Store>(s: &S, kind: ImportKind, file: &str) -> ImportId {
    s.begin_import(
        &ImportStart {
            kind,
            file_name: file.into(),
            file_sha256: format!("sha-{file}"),
            actor: "test".into(),
        },
        at(1),
    )
    .await
    .unwrap()
}

/// The aggregates equal a recount, and the figures read from them equal a full scan at every org.
async fn assert_exact<S: Repo>(s: &S, step: &str) {
    let drift = s.check_stats(20).await.unwrap();
    assert!(drift.is_empty(), "after {step}: {drift:#?}");
    for o in ["HZ", "LA", "SC", "LA-JN", "SC-XH", "LA-JN-001", "SC-XH-001"] {
        for p in [None, Some("p1")] {
            let kept = s.stats(&code(o), p).await.unwrap();
            let scanned = s.stats_by_scan(&code(o), p).await.unwrap();
            assert_eq!(kept, scanned, "after {step}, org {o}, policy {p:?}");
        }
    }
}

fn fields(state: ClaimState, body: &str, event: &str) -> ClaimFields {
    ClaimFields {
        state,
        body: body.to_string(),
        event_date: day(event),
        submitted_on: Some(day(event)),
        decision: None,
        payable: None,
        approved: Money::ZERO,
        paid: Money::ZERO,
        flags: vec![],
        review_reason: None,
        expert_cleared: false,
        returned_for: vec![],
    }
}

fn event(to: ClaimState, at_day: u32) -> ClaimEvent {
    ClaimEvent {
        action: "test".into(),
        from: None,
        to,
        actor: "tester".into(),
        actor_role: "federation_officer".into(),
        reason: String::new(),
        at: at(at_day),
    }
}

async fn aggregates_follow_every_write_and_equal_a_recount<S: Repo>(s: S) {
    // City HZ → districts LA, SC → streets LA-JN, SC-XH → units.
    let imp = import(&s, ImportKind::Orgs, "orgs.csv").await;
    let orgs = vec![
        (2, org("HZ", None, OrgLevel::City)),
        (3, org("LA", Some("HZ"), OrgLevel::District)),
        (4, org("SC", Some("HZ"), OrgLevel::District)),
        (5, org("LA-JN", Some("LA"), OrgLevel::Street)),
        (6, org("SC-XH", Some("SC"), OrgLevel::Street)),
        (7, org("LA-JN-001", Some("LA-JN"), OrgLevel::Grassroots)),
        (8, org("LA-JN-002", Some("LA-JN"), OrgLevel::Grassroots)),
        (9, org("SC-XH-001", Some("SC-XH"), OrgLevel::Grassroots)),
    ];
    s.import_org_batch(imp, &orgs, at(1)).await.unwrap();

    // Members: created, then one retires and one moves unit.
    let imp = import(&s, ImportKind::Members, "m1.csv").await;
    let units = ["LA-JN-001", "LA-JN-002", "SC-XH-001"];
    let rows: Vec<(u64, MemberRecord)> = (1..=12)
        .map(|n| {
            let status = if n % 5 == 0 {
                EmploymentStatus::Retired
            } else {
                EmploymentStatus::InService
            };
            (u64::from(n), member(n, units[(n % 3) as usize], status))
        })
        .collect();
    s.import_member_batch(imp, &OrgScope::Everything, &rows, at(1))
        .await
        .unwrap();
    assert_exact(&s, "the first import").await;
    let imp = import(&s, ImportKind::Members, "m2.csv").await;
    let changes = vec![
        (2, member(1, "LA-JN-002", EmploymentStatus::Retired)),
        (3, member(2, "SC-XH-001", EmploymentStatus::InService)),
        (
            4,
            member(13, "LA-JN-001", EmploymentStatus::ReemployedRetiree),
        ),
    ];
    s.import_member_batch(imp, &OrgScope::Everything, &changes, at(2))
        .await
        .unwrap();
    assert_exact(&s, "a second import moving and retiring members").await;

    // Enrolment of two units in two items.
    s.load_policy(&PolicyRecord {
        id: "p1".into(),
        name: "test cycle".into(),
        cycle_start: day("2026-01-01"),
        cycle_end: day("2026-12-31"),
        sha256: "x".into(),
        source: "test".into(),
        loaded_at: at(1),
    })
    .await
    .unwrap();
    let mut claimants = Vec::new();
    for unit in ["LA-JN-001", "SC-XH-001"] {
        let members = s
            .members_under(
                &code(unit),
                Page {
                    after: None,
                    limit: 100,
                },
            )
            .await
            .unwrap();
        let lines: Vec<NewEnrolment> = members
            .iter()
            .flat_map(|m| {
                ["A", "B"].map(|item| NewEnrolment {
                    member: m.id,
                    item: item.into(),
                    shares: if item == "A" { 1 } else { 2 },
                    start: day("2026-01-01"),
                    renewal: false,
                    contribution: Money::from_fen(if item == "A" { 3_000 } else { 5_000 }),
                })
            })
            .collect();
        s.enrol_unit(&UnitEnrolment {
            unit: &code(unit),
            payer: None,
            policy: "p1",
            lines: &lines,
            members: members.len() as u32,
            total: Money::from_fen(8_000 * members.len() as i64),
            entry: None,
            actor: "tester",
            at: at(3),
        })
        .await
        .unwrap();
        claimants.extend(members.iter().take(2).map(|m| m.id));
    }
    assert_exact(&s, "enrolment").await;

    // Claims: created, decided in one batch, approved, one paid through a payout batch.
    let bodies = [
        (
            r#"{"kind":"hospital_stay","diagnoses":[{"disease":"md01"}]}"#,
            "2026-02-03",
        ),
        (
            r#"{"kind":"outpatient","designated_disease":"od02"}"#,
            "2026-03-01",
        ),
        (r#"{"kind":"care_payment"}"#, "2026-03-15"),
        (
            r#"{"kind":"diagnosis","diagnoses":[{"disease":"fc01"}]}"#,
            "2026-04-20",
        ),
    ];
    let mut claims = Vec::new();
    for (i, m) in claimants.iter().enumerate() {
        let (body, event_day) = bodies[i % bodies.len()];
        let c = s
            .create_claim(&NewClaim {
                member: *m,
                within: None,
                policy: "p1".into(),
                kind: "hospital_stay".into(),
                fields: fields(ClaimState::Submitted, body, event_day),
                event: event(ClaimState::Submitted, 4),
            })
            .await
            .unwrap()
            .claim;
        claims.push(c);
    }
    assert_exact(&s, "claims created").await;
    let decisions: Vec<(ClaimId, String, Money)> = claims
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let a = 10_000 * (i as i64 + 1);
            let d = format!(
                r#"{{"claim":"c","payable_fen":{},"lines":[{{"item":"A","amount_fen":{a}}},{{"item":"B","amount_fen":{}}}]}}"#,
                a + 7_001,
                7_001
            );
            (c.id, d, Money::from_fen(a + 7_001))
        })
        .collect();
    s.record_decisions(&decisions).await.unwrap();
    assert_exact(&s, "a batch of decisions").await;
    let mut approved = Vec::new();
    for (c, (_, d, payable)) in claims.iter().zip(&decisions).take(3) {
        let now = s.claim(c.id).await.unwrap();
        let mut f = now.fields.clone();
        f.state = ClaimState::Approved;
        f.decision = Some(d.clone());
        f.payable = Some(*payable);
        f.approved = *payable;
        let done = s
            .change_claim(&ClaimChange {
                claim: c.id,
                expected_version: now.version,
                fields: f,
                event: event(ClaimState::Approved, 5),
                entries: vec![],
            })
            .await
            .unwrap();
        approved.push(done);
    }
    assert_exact(&s, "approvals").await;
    let paid = &approved[0];
    let batch = s
        .create_batch(
            &code("HZ"),
            &[NewPayoutLine {
                subject: huzhu_store::money::PayoutSubject::Claim(paid.id),
                member: paid.member,
                amount: paid.fields.approved,
                account_name: "会员".into(),
                bank_account: "6222".into(),
                bank_branch: None,
            }],
            0,
            "tester",
            at(6),
        )
        .await
        .unwrap();
    let (_, lines) = s.batch(batch.id).await.unwrap();
    let mut f = paid.fields.clone();
    f.state = ClaimState::Paid;
    f.paid = f.approved;
    s.settle_batch(
        batch.id,
        &[LineOutcome {
            line: lines[0].id,
            failure: None,
        }],
        &[ClaimChange {
            claim: paid.id,
            expected_version: paid.version,
            fields: f,
            event: event(ClaimState::Paid, 7),
            entries: vec![],
        }],
        &[],
        "tester",
        at(7),
    )
    .await
    .unwrap();
    assert_exact(&s, "a settled payout batch").await;

    // A street moves to the other district, taking its units' figures along.
    let imp = import(&s, ImportKind::Orgs, "orgs2.csv").await;
    s.import_org_batch(
        imp,
        &[(2, org("LA-JN", Some("SC"), OrgLevel::Street))],
        at(8),
    )
    .await
    .unwrap();
    assert_exact(&s, "an org move").await;

    // The figures themselves, checked by hand at the top.
    let hz = s.stats(&code("HZ"), Some("p1")).await.unwrap();
    assert_eq!(hz.members.values().sum::<i64>(), 13);
    let all = hz.claims[&("all".to_string(), String::new())];
    assert_eq!(all.claims, claims.len() as i64);
    assert_eq!(
        all.payable_fen,
        decisions.iter().map(|d| d.2.fen()).sum::<i64>()
    );
    assert_eq!(all.paid_fen, approved[0].fields.approved.fen());
    let by_item: i64 = hz
        .claims
        .iter()
        .filter(|((d, _), _)| d == "item")
        .map(|(_, f)| f.paid_fen)
        .sum();
    assert_eq!(by_item, all.paid_fen);
    assert_eq!(
        hz.claims[&("group".to_string(), "md".to_string())].claims,
        1
    );
    let sc = s.stats(&code("SC"), None).await.unwrap();
    assert_eq!(
        sc.children
            .iter()
            .map(|c| c.code.as_str())
            .collect::<Vec<_>>(),
        ["LA-JN", "SC-XH"]
    );

    // A recount after all this changes nothing.
    let before = s.stat_rows().await.unwrap();
    s.recount_stats().await.unwrap();
    assert_eq!(s.stat_rows().await.unwrap(), before);
}

on_both!(aggregates_follow_every_write_and_equal_a_recount);
