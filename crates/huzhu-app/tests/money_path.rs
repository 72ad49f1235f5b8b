//! The money path end to end through the use cases (SPEC 4–6), on SQLite and on PostgreSQL (when
//! `HUZHU_TEST_POSTGRES_URL` is set; `.ci/run` sets it and requires it): a unit enrols and pays,
//! a member claims with documents, the window returns and accepts, staff review, the right level
//! approves, finance pays in a batch with one failed line, the ledger checks out, and replay
//! answers "what if" without changing anything.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, TimeZone, Utc};
use huzhu_app::claims::{act, create_claim, get_claim, ClaimRequest};
use huzhu_app::enrolment::{coverage, enrol_unit, list_bills, pay_bill, EnrolUnit};
use huzhu_app::{documents, ledger, payouts, replay, AppError, Clock};
use huzhu_domain::access::{Actor, Role};
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_domain::workflow::{Action, ClaimState as State};
use huzhu_store::money::{ClaimId, LedgerScope};
use huzhu_store::{MemberId, Repo, Store};
use serde_json::json;
use std::sync::Mutex;

/// A clock the test moves forward.
struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    fn on(y: i32, m: u32, d: u32) -> TestClock {
        TestClock(Mutex::new(Utc.with_ymd_and_hms(y, m, d, 2, 0, 0).unwrap()))
    }
    fn set(&self, y: i32, m: u32, d: u32) {
        *self.0.lock().unwrap() = Utc.with_ymd_and_hms(y, m, d, 2, 0, 0).unwrap();
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

fn code(c: &str) -> OrgCode {
    OrgCode::parse(c).unwrap()
}

fn actor(name: &str, role: Role, org: &str, level: OrgLevel, member: Option<i64>) -> Actor {
    Actor {
        user_id: 1,
        username: name.into(),
        display_name: name.into(),
        role,
        org: code(org),
        org_level: level,
        member_id: member,
    }
}

fn officer() -> Actor {
    actor(
        "officer",
        Role::UnitOfficer,
        "LA-01-001",
        OrgLevel::Grassroots,
        None,
    )
}
fn other_officer() -> Actor {
    actor(
        "other",
        Role::UnitOfficer,
        "SC-01-001",
        OrgLevel::Grassroots,
        None,
    )
}
fn city_staff() -> Actor {
    actor("city", Role::FederationStaff, "HZ", OrgLevel::City, None)
}
fn district_staff() -> Actor {
    actor(
        "district",
        Role::FederationStaff,
        "LA",
        OrgLevel::District,
        None,
    )
}
fn finance() -> Actor {
    actor("finance", Role::Finance, "HZ", OrgLevel::City, None)
}
/// A second finance account: the one that builds a batch may not settle it (four eyes).
fn cashier() -> Actor {
    actor("cashier", Role::Finance, "HZ", OrgLevel::City, None)
}

/// A tiny valid PNG header is enough: files are checked by their first bytes.
fn png() -> Vec<u8> {
    let mut v = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    v.extend_from_slice(b"not really an image, but a test");
    v
}

/// The first in-service woman of LA-01-001 with a bank account.
async fn a_member<S: Store>(s: &S) -> MemberId {
    let page = s
        .members_under(
            &code("LA-01-001"),
            huzhu_store::Page {
                after: None,
                limit: 100,
            },
        )
        .await
        .unwrap();
    page.iter()
        .find(|m| {
            m.record.status == huzhu_domain::member::EmploymentStatus::InService
                && m.record.gender == huzhu_domain::Gender::Female
                && m.record.bank_account.is_some()
        })
        .map(|m| m.id)
        .expect("the demo unit has an in-service woman")
}

fn stay(
    admitted: &str,
    discharged: &str,
    invoice: &str,
    disease: Option<&str>,
) -> serde_json::Value {
    let mut c = json!({
        "kind": "hospital_stay", "admitted": admitted, "discharged": discharged,
        "hospital_grade": 3,
        "costs_fen": {"total": 5_000_000, "pooled_fund": 3_000_000, "personal_account": 200_000,
                      "self_borne": 1_200_000, "self_pay_class_b": 300_000,
                      "self_pay_excluded": 300_000},
        "invoices": [invoice]
    });
    if let Some(d) = disease {
        c["diagnoses"] = json!([{"disease": d, "date": admitted, "first_diagnosis": true}]);
    }
    c
}

async fn upload_all<S: Repo>(s: &S, clock: &TestClock, who: &Actor, claim: ClaimId) {
    for kind in [
        "application_form",
        "id_copy",
        "bank_card",
        "settlement_statement",
        "discharge_record",
        "invoice",
        "pathology_report",
    ] {
        documents::upload(s, clock, who, claim, kind, &format!("{kind}.png"), png())
            .await
            .unwrap();
    }
}

async fn the_money_path_runs_from_enrolment_to_a_balanced_ledger<S: Repo>(s: S) {
    let clock = TestClock::on(2021, 11, 1);
    huzhu_app::demo::load_demo(&s, &clock).await.unwrap();

    // The officer enrols the unit in the window: A, B and C (C only for the women).
    let out = enrol_unit(
        &s,
        &clock,
        &officer(),
        &EnrolUnit {
            unit: code("LA-01-001"),
            policy: "hangzhou-2022".into(),
            items: vec![("A".into(), 1), ("B".into(), 1), ("C".into(), 1)],
            members: None,
        },
    )
    .await
    .unwrap();
    assert!(out.members > 40, "{}", out.members);
    assert_eq!(
        out.renewals, 0,
        "nothing before 2022: every enrolment is new"
    );
    assert!(!out.refused.is_empty(), "retired members are refused");
    let a_line = out.lines.iter().find(|l| l.item == "A").unwrap();
    assert_eq!(a_line.amount_fen, i64::from(a_line.members) * 3_600);
    let total: i64 = out.lines.iter().map(|l| l.amount_fen).sum();
    assert_eq!(out.bill.amount.fen(), total);
    // Enrolling again changes nothing: everyone is enrolled already.
    let again = enrol_unit(
        &s,
        &clock,
        &officer(),
        &EnrolUnit {
            unit: code("LA-01-001"),
            policy: "hangzhou-2022".into(),
            items: vec![("A".into(), 1)],
            members: None,
        },
    )
    .await;
    assert!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");
    // Another unit's officer cannot enrol this unit: it does not exist for them.
    let forged = enrol_unit(
        &s,
        &clock,
        &other_officer(),
        &EnrolUnit {
            unit: code("LA-01-001"),
            policy: "hangzhou-2022".into(),
            items: vec![("A".into(), 1)],
            members: None,
        },
    )
    .await;
    assert!(
        matches!(forged, Err(AppError::NotFound { .. })),
        "{forged:?}"
    );

    let paid = pay_bill(&s, &clock, &finance(), out.bill.id, "BANK-20211101-1")
        .await
        .unwrap();
    assert_eq!(paid.status, "paid");
    assert!(matches!(
        pay_bill(&s, &clock, &finance(), out.bill.id, "again").await,
        Err(AppError::Conflict(_))
    ));

    // June 2022: past the waiting period. The member claims for a stay with a major disease.
    clock.set(2022, 6, 1);
    let member = a_member(&s).await;
    let me = actor(
        "me",
        Role::Member,
        "LA-01-001",
        OrgLevel::Grassroots,
        Some(member.0),
    );
    let cover = coverage(&s, &clock, &me, member).await.unwrap();
    assert_eq!(cover.items.len(), 3);
    assert!(cover.items.iter().all(|i| !i.in_waiting_period));
    assert_eq!(cover.items[0].left_fen, Some(3_020_000));
    assert!(cover
        .documents
        .iter()
        .any(|d| d.kind == "hospital_stay"
            && d.documents.iter().any(|(id, _)| id == "discharge_record")));

    let c1 = create_claim(
        &s,
        &clock,
        &me,
        &ClaimRequest {
            member,
            policy: None,
            claim: stay("2022-05-01", "2022-05-11", "INV-1", Some("md01")),
            submit: true,
        },
    )
    .await
    .unwrap();
    assert_eq!(c1.state, "submitted");
    assert_eq!(c1.policy, "hangzhou-2022");
    assert!(c1
        .missing_documents
        .contains(&"pathology_report".to_string()));
    let id1 = ClaimId(c1.id);

    // Someone else's member cannot see it; the window cannot accept it without documents.
    assert!(matches!(
        get_claim(&s, &clock, &other_officer(), id1).await,
        Err(AppError::NotFound { .. })
    ));
    assert!(matches!(
        act(&s, &clock, &city_staff(), id1, Action::Accept).await,
        Err(AppError::Transition(_))
    ));
    let returned = act(
        &s,
        &clock,
        &city_staff(),
        id1,
        Action::Return {
            missing: c1.missing_documents.clone(),
        },
    )
    .await
    .unwrap();
    assert_eq!(returned.state, "returned");
    upload_all(&s, &clock, &me, id1).await;
    act(&s, &clock, &me, id1, Action::Submit).await.unwrap();
    let computed = act(&s, &clock, &city_staff(), id1, Action::Accept)
        .await
        .unwrap();
    assert_eq!(computed.state, "computed");
    // A.1 5,700 + B.1 15,000 (the living allowance is cut by B's cap) = 20,700.
    assert_eq!(computed.payable_fen, Some(2_070_000));
    assert!(computed.missing_documents.is_empty());
    act(&s, &clock, &city_staff(), id1, Action::Review)
        .await
        .unwrap();
    // Item B must be approved at city level: the district cannot.
    assert!(matches!(
        act(&s, &clock, &district_staff(), id1, Action::Approve).await,
        Err(AppError::Transition(_))
    ));
    // Two approvals at the same moment pay once.
    let (one, two) = (city_staff(), city_staff());
    let (a, b) = tokio::join!(
        act(&s, &clock, &one, id1, Action::Approve),
        act(&s, &clock, &two, id1, Action::Approve)
    );
    assert!(
        a.is_ok() != b.is_ok(),
        "exactly one approval lands: {a:?} {b:?}"
    );
    let approved = get_claim(&s, &clock, &me, id1).await.unwrap();
    assert_eq!(approved.state, "approved");
    assert_eq!(approved.approved_fen, 2_070_000);

    // A second claim re-using the invoice is flagged and needs the expert before approval.
    let c2 = create_claim(
        &s,
        &clock,
        &officer(),
        &ClaimRequest {
            member,
            policy: None,
            claim: stay("2022-05-20", "2022-05-22", "INV-1", None),
            submit: true,
        },
    )
    .await
    .unwrap();
    let id2 = ClaimId(c2.id);
    upload_all(&s, &clock, &officer(), id2).await;
    let c2 = act(&s, &clock, &city_staff(), id2, Action::Accept)
        .await
        .unwrap();
    assert!(
        c2.flags.contains(&"duplicate_invoice".to_string()),
        "{:?}",
        c2.flags
    );
    act(&s, &clock, &city_staff(), id2, Action::Review)
        .await
        .unwrap();
    assert!(matches!(
        act(&s, &clock, &city_staff(), id2, Action::Approve).await,
        Err(AppError::Transition(_))
    ));
    act(
        &s,
        &clock,
        &city_staff(),
        id2,
        Action::SendToExpert {
            reason: "发票重复".into(),
        },
    )
    .await
    .unwrap();
    let reviewer = actor(
        "reviewer",
        Role::MedicalReviewer,
        "HZ",
        OrgLevel::City,
        None,
    );
    act(
        &s,
        &clock,
        &reviewer,
        id2,
        Action::ExpertClear {
            opinion: "住院天数属实，A项因发票重复不付".into(),
        },
    )
    .await
    .unwrap();
    let c2 = act(&s, &clock, &city_staff(), id2, Action::Approve)
        .await
        .unwrap();
    assert_eq!(c2.state, "approved");

    // Finance pays: one batch; the first line fails and goes back to the queue.
    let batch = payouts::build_batch(&s, &clock, &finance(), &code("HZ"))
        .await
        .unwrap();
    assert!(!batch.lines.is_empty());
    let first = batch.lines[0].clone();
    // A batch refused by the store (its claim is already in a live batch) leaves no audit entry:
    // the entry is written in the batch's own transaction.
    let builds =
        |log: &[huzhu_store::AuditEntry]| log.iter().filter(|e| e.action == "payout.build").count();
    let before = builds(&s.audit_log(500).await.unwrap());
    let refused = s
        .create_batch(
            &code("HZ"),
            &[huzhu_store::money::NewPayoutLine {
                subject: first.subject,
                member: first.member,
                amount: first.amount,
                account_name: first.account_name.clone(),
                bank_account: first.bank_account.clone(),
                bank_branch: None,
            }],
            0,
            "finance",
            clock.now(),
        )
        .await;
    assert!(refused.is_err(), "{refused:?}");
    assert_eq!(builds(&s.audit_log(500).await.unwrap()), before);
    let csv = payouts::bank_file_csv(&batch.batch, &batch.lines).unwrap();
    // Amounts as a bank reads them: plain decimals, no thousands separator.
    let fen = first.amount.fen();
    let plain = format!("{}.{:02}", fen / 100, fen % 100);
    let text = String::from_utf8_lossy(&csv).to_string();
    assert!(text.contains(&format!(",{plain},")), "{text}");
    assert!(
        text.trim_end().lines().last().unwrap().starts_with("合计,"),
        "{text}"
    );
    assert!(!payouts::bank_file_xlsx(&batch.batch, &batch.lines)
        .unwrap()
        .is_empty());
    let settled = payouts::settle_batch(
        &s,
        &clock,
        &cashier(),
        batch.batch.id,
        &[(first.id, "账户冻结".into())],
    )
    .await
    .unwrap();
    assert_eq!(settled.status, "partly_failed");
    let again = payouts::build_batch(&s, &clock, &finance(), &code("HZ"))
        .await
        .unwrap();
    assert_eq!(again.lines.len(), 1);
    assert_eq!(again.lines[0].subject, first.subject);
    payouts::settle_batch(&s, &clock, &cashier(), again.batch.id, &[])
        .await
        .unwrap();
    let paid = get_claim(&s, &clock, &me, id1).await.unwrap();
    assert_eq!(paid.state, "paid");
    assert_eq!(paid.paid_fen, 2_070_000);
    // Building and settling each batch is in the audit log, under the batch's org.
    let audit = s.audit_log(200).await.unwrap();
    for (action, subject, who) in [
        ("payout.build", batch.batch.id.0, finance()),
        ("payout.settle", batch.batch.id.0, cashier()),
        ("payout.build", again.batch.id.0, finance()),
        ("payout.settle", again.batch.id.0, cashier()),
    ] {
        let e = audit
            .iter()
            .find(|e| e.action == action && e.subject == format!("支付批次 batch {subject}"))
            .unwrap_or_else(|| panic!("{action} of batch {subject} is not in the audit log"));
        assert_eq!(e.actor, who.username);
        assert_eq!(e.org.as_ref().map(|o| o.as_str()), Some("HZ"));
    }

    // The ledger balances and agrees with the bills and the claims.
    let report = ledger::check_store(&s, &LedgerScope::Everything)
        .await
        .unwrap();
    assert!(report.ok, "{:?}", report.problems);
    let fund = report.balances["fund:hangzhou-2022"];
    let paid_claims = 2_070_000 + c2.approved_fen;
    assert_eq!(fund, paid_claims - out.bill.amount.fen());
    assert_eq!(report.balances["bank"], out.bill.amount.fen() - paid_claims);

    // The public fund report (issue 18) reads the same ledger: what came in, what went out, the
    // balance; a unit with fewer than five payees shows its total only.
    let fr = huzhu_app::fund_report::report(&s, &clock, 2022)
        .await
        .unwrap();
    assert_eq!(fr.policies.len(), 1);
    assert_eq!(fr.received_fen, out.bill.amount.fen());
    assert_eq!(fr.billed_fen, out.bill.amount.fen());
    assert_eq!(fr.paid_fen, paid_claims);
    assert_eq!(fr.approved_fen, paid_claims);
    assert_eq!(fr.balance_fen, -fund);
    let by_item: i64 = fr.by_item.iter().map(|i| i.paid_fen).sum();
    let by_month: i64 = fr.by_month.iter().map(|m| m.paid_fen).sum();
    assert_eq!((by_item, by_month), (paid_claims, paid_claims));
    assert!(fr.listed.is_empty(), "{fr:?}");
    let small: i64 = fr.small_units.iter().map(|u| u.paid_fen).sum();
    assert_eq!(small, paid_claims);
    let none = huzhu_app::fund_report::report(&s, &clock, 2031)
        .await
        .unwrap();
    assert!(none.policies.is_empty() && none.paid_fen == 0);

    // An appeal reopens a paid claim; the ledger still checks out after a re-approval.
    act(
        &s,
        &clock,
        &me,
        id1,
        Action::Appeal {
            reason: "住院天数有误".into(),
        },
    )
    .await
    .unwrap();
    let reopened = act(&s, &clock, &city_staff(), id1, Action::Reopen)
        .await
        .unwrap();
    assert_eq!(reopened.state, "computed");
    assert!(
        ledger::check_store(&s, &LedgerScope::Everything)
            .await
            .unwrap()
            .ok
    );
    // Re-approved unchanged: nothing more is owed, so it is paid again at once, with no entry.
    let entries = s
        .ledger_facts(&LedgerScope::Everything)
        .await
        .unwrap()
        .entries;
    act(&s, &clock, &city_staff(), id1, Action::Review)
        .await
        .unwrap();
    let again = act(&s, &clock, &city_staff(), id1, Action::Approve)
        .await
        .unwrap();
    assert_eq!(again.state, "paid");
    assert_eq!((again.approved_fen, again.paid_fen), (2_070_000, 2_070_000));
    assert_eq!(
        s.ledger_facts(&LedgerScope::Everything)
            .await
            .unwrap()
            .entries,
        entries
    );
    assert!(
        ledger::check_store(&s, &LedgerScope::Everything)
            .await
            .unwrap()
            .ok
    );

    // Replay under the same rules changes nothing; under Wenzhou's it differs.
    let same = huzhu_domain::policy::builtin("hangzhou-2022")
        .unwrap()
        .unwrap();
    let r = replay::replay_cycle(&s, &clock, 2022, &same).await.unwrap();
    assert_eq!(r.claims, 2);
    assert_eq!(r.claims_changed, 0);
    assert_eq!(r.total.old_fen, r.total.new_fen);
    let entries_before = s
        .ledger_facts(&LedgerScope::Everything)
        .await
        .unwrap()
        .entries;
    let other = huzhu_domain::policy::builtin("linan-2014")
        .unwrap()
        .unwrap();
    let r = replay::replay_cycle(&s, &clock, 2022, &other)
        .await
        .unwrap();
    assert_eq!(r.claims, 2);
    assert!(r.total.new_fen != r.total.old_fen, "{r:?}");
    assert_eq!(
        s.ledger_facts(&LedgerScope::Everything)
            .await
            .unwrap()
            .entries,
        entries_before
    );

    // The statistics followed every step exactly, and the dashboard agrees with a full scan.
    statistics_are_exact(&s).await;
}

/// The maintained aggregates equal a recount; the dashboard from them equals the one by full
/// scan at the city, a district and a unit; a unit officer asking for another unit's figures is
/// told it does not exist.
async fn statistics_are_exact<S: Repo>(s: &S) {
    use huzhu_app::stats::{dashboard, dashboard_by_scan, dashboard_xlsx};
    assert_eq!(s.check_stats(10).await.unwrap(), Vec::<String>::new());
    for (who, org) in [
        (city_staff(), "HZ"),
        (district_staff(), "LA"),
        (officer(), "LA-01-001"),
    ] {
        for policy in [None, Some("hangzhou-2022")] {
            let kept = dashboard(s, &who, &code(org), policy).await.unwrap();
            let scanned = dashboard_by_scan(s, &who, &code(org), policy)
                .await
                .unwrap();
            assert_eq!(kept, scanned, "{org} {policy:?}");
            assert!(!dashboard_xlsx(&kept).unwrap().is_empty());
        }
    }
    let city = dashboard(s, &city_staff(), &code("HZ"), Some("hangzhou-2022"))
        .await
        .unwrap();
    let by_item = city
        .tables
        .iter()
        .find(|t| t.id == "claims_by_item")
        .unwrap();
    let paid: i64 = by_item.rows.iter().map(|r| r.values[3]).sum();
    assert!(paid > 0, "{by_item:?}");
    let err = dashboard(s, &other_officer(), &code("LA-01-001"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
}

async fn bad_claims_and_uploads_are_refused_and_store_nothing<S: Repo>(s: S) {
    let clock = TestClock::on(2021, 11, 1);
    huzhu_app::demo::load_demo(&s, &clock).await.unwrap();
    clock.set(2022, 6, 1);
    let member = a_member(&s).await;
    let me = actor(
        "me",
        Role::Member,
        "LA-01-001",
        OrgLevel::Grassroots,
        Some(member.0),
    );
    let req = |claim: serde_json::Value| ClaimRequest {
        member,
        policy: Some("hangzhou-2022".into()),
        claim,
        submit: true,
    };
    let mut negative = stay("2022-05-01", "2022-05-11", "X", None);
    negative["costs_fen"]["self_borne"] = json!(-1);
    let cases = [
        (negative, "claim.costs_fen.self_borne"),
        (
            stay("2022-05-11", "2022-05-01", "X", None),
            "claim.discharged",
        ),
        (json!({"kind": "spaceflight"}), "claim.kind"),
        (json!({"kind": "diagnosis", "id": "mine"}), "claim.id"),
    ];
    for (body, field) in cases {
        match create_claim(&s, &clock, &me, &req(body)).await {
            Err(AppError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    // Another member's claim cannot be made by a member.
    let forged = create_claim(
        &s,
        &clock,
        &me,
        &ClaimRequest {
            member: MemberId(member.0 + 1),
            ..req(stay("2022-05-01", "2022-05-02", "Y", None))
        },
    )
    .await;
    assert!(
        matches!(forged, Err(AppError::NotFound { .. })),
        "{forged:?}"
    );
    let c = create_claim(
        &s,
        &clock,
        &me,
        &req(stay("2022-05-01", "2022-05-02", "Y", None)),
    )
    .await
    .unwrap();
    let id = ClaimId(c.id);
    let up = |kind: &'static str, bytes: Vec<u8>| {
        let s = s.clone();
        let me = me.clone();
        let clock = &clock;
        async move { documents::upload(&s, clock, &me, id, kind, "f", bytes).await }
    };
    assert!(matches!(
        up("invoice", b"MZ\x90\x00".to_vec()).await,
        Err(AppError::Invalid { .. })
    ));
    assert!(matches!(
        up("selfie", png()).await,
        Err(AppError::Invalid { .. })
    ));
    let big = {
        let mut v = png();
        v.resize(documents::MAX_DOCUMENT_BYTES + 1, 0);
        v
    };
    assert!(matches!(
        up("invoice", big).await,
        Err(AppError::Invalid { .. })
    ));
    assert!(s.documents(id).await.unwrap().is_empty());
    // The same file twice is stored once and linked twice.
    up("invoice", png()).await.unwrap();
    up("bank_card", png()).await.unwrap();
    let docs = s.documents(id).await.unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].sha256, docs[1].sha256);
    let (_, bytes) = documents::download(&s, &me, id, docs[0].id).await.unwrap();
    assert_eq!(bytes, png());
    assert!(matches!(
        documents::download(&s, &other_officer(), id, docs[0].id).await,
        Err(AppError::NotFound { .. })
    ));
}

/// A money demo that began loading and did not finish (the server stopped half-way) is named as
/// such, and nothing more is written; a finished one is left alone.
async fn an_interrupted_money_demo_is_named_and_nothing_more_is_written<S: Repo>(s: S) {
    let clock = TestClock::on(2021, 11, 1);
    huzhu_app::demo::load_demo(&s, &clock).await.unwrap();
    s.set_setting("demo.money.started", "2026-11-30T00:00:00+00:00")
        .await
        .unwrap();
    match huzhu_app::demo_money::load_money_demo(&s).await {
        Err(AppError::Conflict(m)) => {
            assert!(m.contains("interrupted") && m.contains("中断"), "{m}");
            assert!(m.contains("2026-11-30T00:00:00+00:00"), "{m}");
        }
        other => panic!("an interrupted demo must be named: {other:?}"),
    }
    assert!(s
        .claims_of_policy("hangzhou-2022", None, 10)
        .await
        .unwrap()
        .is_empty());
    s.set_setting("demo.money", "2026-11-30T00:00:01+00:00")
        .await
        .unwrap();
    assert!(!huzhu_app::demo_money::load_money_demo(&s).await.unwrap());
}

/// Batch adjudication writes, claim by claim, what deciding that claim alone computes, and moves
/// nothing else: the demo's cycle has claims in every state, some with documents missing, and a
/// page of two claims makes members run over page ends.
async fn a_batch_writes_the_decisions_that_deciding_each_claim_computes<S: Repo>(s: S) {
    let clock = TestClock::on(2021, 11, 1);
    huzhu_app::demo::load_demo(&s, &clock).await.unwrap();
    huzhu_app::demo_money::load_money_demo(&s).await.unwrap();
    let policy = huzhu_app::policies::policy(&s, &clock, "hangzhou-2022")
        .await
        .unwrap();
    let before = s
        .claims_of_policy("hangzhou-2022", None, 10_000)
        .await
        .unwrap();
    let facts = s.ledger_facts(&LedgerScope::Everything).await.unwrap();
    let mut expected = Vec::new();
    for c in &before {
        let d = huzhu_app::claims::decide(&s, &policy, c)
            .await
            .unwrap()
            .decision;
        let mut json = String::new();
        d.write_json(&mut json);
        expected.push((json, d.payable));
    }

    let stats = huzhu_app::batch::adjudicate_cycle(&s, &clock, "hangzhou-2022", 2)
        .await
        .unwrap();

    let after = s
        .claims_of_policy("hangzhou-2022", None, 10_000)
        .await
        .unwrap();
    assert_eq!(after.len(), before.len());
    let (mut decided, mut skipped, mut payable, mut complete_stays) = (0, 0, 0, 0);
    let mut members = std::collections::BTreeSet::new();
    for ((old, new), (json, amount)) in before.iter().zip(&after).zip(&expected) {
        members.insert(old.member);
        let mut unchanged = new.clone();
        if matches!(
            old.fields.state,
            State::Draft | State::Returned | State::Rejected
        ) {
            skipped += 1;
            assert_eq!(new, old, "claim {} is left alone", old.id.0);
            continue;
        }
        decided += 1;
        payable += amount.fen();
        if old.kind == "hospital_stay" && json.contains("\"missing_documents\":[]") {
            complete_stays += 1;
        }
        assert_eq!(
            new.fields.decision.as_ref(),
            Some(json),
            "claim {}",
            old.id.0
        );
        assert_eq!(new.fields.payable, Some(*amount), "claim {}", old.id.0);
        assert_eq!(new.version, old.version + 1);
        unchanged.fields.decision = old.fields.decision.clone();
        unchanged.fields.payable = old.fields.payable;
        unchanged.version = old.version;
        assert_eq!(&unchanged, old, "only the decision moves");
    }
    assert!(
        decided > 5 && skipped > 0,
        "{decided} decided, {skipped} skipped"
    );
    assert!(
        complete_stays > 0,
        "a stay with every document uploaded: the batch reads documents"
    );
    assert_eq!(
        stats,
        huzhu_app::batch::BatchStats {
            claims: decided,
            skipped,
            members: members.len() as u64,
            payable_fen: payable,
            pages: before.len().div_ceil(2) as u64,
        }
    );
    assert_eq!(
        s.ledger_facts(&LedgerScope::Everything).await.unwrap(),
        facts,
        "the ledger is untouched"
    );
}

/// The answer to a submission is built from what was written, not read back: it must equal what
/// a read of the claim shows afterwards — for a member, an officer and district staff, a draft
/// and a submission, a first claim and a later one (a history), with a clock that has
/// nanoseconds. Scope stays as strict: another district's staff and an unknown member get 404.
async fn a_submission_answers_what_a_read_of_the_claim_shows<S: Repo>(s: S) {
    let clock = TestClock::on(2021, 11, 1);
    huzhu_app::demo::load_demo(&s, &clock).await.unwrap();
    *clock.0.lock().unwrap() = Utc.with_ymd_and_hms(2022, 6, 1, 2, 0, 0).unwrap()
        + chrono::TimeDelta::nanoseconds(123_456_789);
    let member = a_member(&s).await;
    let me = actor(
        "me",
        Role::Member,
        "LA-01-001",
        OrgLevel::Grassroots,
        Some(member.0),
    );
    let district = actor("la", Role::FederationStaff, "LA", OrgLevel::District, None);
    let other_district = actor("sc", Role::FederationStaff, "SC", OrgLevel::District, None);
    let cases = [
        (
            &me,
            stay("2022-05-01", "2022-05-11", "R-1", Some("md01")),
            true,
        ),
        (
            &officer(),
            stay("2022-05-20", "2022-05-22", "R-2", None),
            false,
        ),
        (
            &district,
            stay("2022-05-25", "2022-05-27", "R-3", None),
            true,
        ),
        (
            &district,
            json!({"kind": "diagnosis", "diagnoses": [{"disease": "md01",
            "date": "2022-05-03", "first_diagnosis": true}], "invoices": ["R-4"]}),
            true,
        ),
    ];
    for (who, claim, submit) in cases {
        let req = ClaimRequest {
            member,
            policy: Some("hangzhou-2022".into()),
            claim,
            submit,
        };
        let made = create_claim(&s, &clock, who, &req).await.unwrap();
        let read = get_claim(&s, &clock, who, ClaimId(made.id)).await.unwrap();
        assert_eq!(
            serde_json::to_value(&made).unwrap(),
            serde_json::to_value(&read).unwrap(),
            "{}",
            who.username
        );
        assert_eq!(made.events.len(), 1);
    }
    for (who, m) in [
        (&other_district, member),
        (&district, MemberId(999_999_999)),
    ] {
        let refused = create_claim(
            &s,
            &clock,
            who,
            &ClaimRequest {
                member: m,
                policy: Some("hangzhou-2022".into()),
                claim: stay("2022-05-01", "2022-05-02", "R-X", None),
                submit: true,
            },
        )
        .await;
        assert!(
            matches!(refused, Err(AppError::NotFound { .. })),
            "{refused:?}"
        );
    }
}

/// Many submissions at once (the writer serialises them): each is stored exactly once with its
/// one event, and each caller gets its own claim.
async fn concurrent_submissions_are_each_stored_once_with_their_event<S: Repo>(s: S) {
    let clock = TestClock::on(2021, 11, 1);
    huzhu_app::demo::load_demo(&s, &clock).await.unwrap();
    let member = a_member(&s).await;
    let fixed = std::sync::Arc::new(huzhu_app::FixedClock(
        Utc.with_ymd_and_hms(2022, 6, 1, 2, 0, 0).unwrap(),
    ));
    let before = s
        .member_claims(member, "hangzhou-2022")
        .await
        .unwrap()
        .len();
    let mut tasks = Vec::new();
    for i in 0..40 {
        let (s, fixed) = (s.clone(), fixed.clone());
        tasks.push(tokio::spawn(async move {
            let req = ClaimRequest {
                member,
                policy: Some("hangzhou-2022".into()),
                claim: stay("2022-05-01", "2022-05-03", &format!("C-{i}"), None),
                submit: true,
            };
            create_claim(&s, fixed.as_ref(), &officer(), &req)
                .await
                .unwrap()
        }));
    }
    let mut ids = std::collections::BTreeSet::new();
    for t in tasks {
        let made = t.await.unwrap();
        let invoice = made.claim["invoices"][0].as_str().unwrap().to_string();
        assert!(invoice.starts_with("C-"));
        assert!(ids.insert(made.id), "claim {} answered twice", made.id);
        assert_eq!(s.claim_events(ClaimId(made.id)).await.unwrap().len(), 1);
    }
    let stored = s.member_claims(member, "hangzhou-2022").await.unwrap();
    assert_eq!(stored.len(), before + 40);
    let invoices: std::collections::BTreeSet<String> =
        stored.iter().map(|c| c.fields.body.clone()).collect();
    assert_eq!(invoices.len(), stored.len(), "no claim stored twice");
    // The batches counted their claims in the statistics once each, across units and levels.
    assert_eq!(s.check_stats(20).await.unwrap(), Vec::<String>::new());
}

/// Claims that arrive together are committed together (group commit), yet one that fails —
/// an unknown policy breaks its INSERT, an unknown member or one outside the claim's scope
/// writes nothing — fails alone: every other claim of its batch is stored once with its event,
/// and each caller gets its own answer with the member as stored.
async fn a_failing_claim_in_a_batch_fails_alone<S: Repo>(s: S) {
    use huzhu_store::money::{ClaimEvent, ClaimFields, NewClaim};
    use huzhu_store::StoreError;
    let clock = TestClock::on(2021, 11, 1);
    huzhu_app::demo::load_demo(&s, &clock).await.unwrap();
    huzhu_app::policies::policy(&s, &clock, "hangzhou-2022")
        .await
        .unwrap();
    let member = a_member(&s).await;
    let at = Utc.with_ymd_and_hms(2022, 6, 1, 2, 0, 0).unwrap();
    let new = |i: usize, member: MemberId, policy: &str, within: &str| NewClaim {
        member,
        within: (!within.is_empty()).then(|| code(within)),
        policy: policy.into(),
        kind: "hospital_stay".into(),
        fields: ClaimFields {
            state: State::Submitted,
            body: format!("{{\"n\":{i}}}"),
            event_date: at.date_naive(),
            submitted_on: Some(at.date_naive()),
            decision: None,
            payable: None,
            approved: huzhu_domain::money::Money::ZERO,
            paid: huzhu_domain::money::Money::ZERO,
            flags: Vec::new(),
            review_reason: None,
            expert_cleared: false,
            returned_for: Vec::new(),
        },
        event: ClaimEvent {
            action: "submit".into(),
            from: None,
            to: State::Submitted,
            actor: "officer".into(),
            actor_role: "unit_officer".into(),
            reason: String::new(),
            at,
        },
    };
    let before = s
        .member_claims(member, "hangzhou-2022")
        .await
        .unwrap()
        .len();
    // Spawned together: the first is committed alone while the others queue, and the queue
    // then goes in as one batch holding the two bad claims in its middle.
    let mut tasks = Vec::new();
    for i in 0..30 {
        let c = match i {
            10 => new(i, member, "no-such-policy", ""),
            20 => new(i, MemberId(999_999_999), "hangzhou-2022", ""),
            // Another district's staff, and the member's own unit's next door: not in scope.
            5 => new(i, member, "hangzhou-2022", "SC"),
            25 => new(i, member, "hangzhou-2022", "LA-01-002"),
            // The city, the district and the unit itself are.
            3 => new(i, member, "hangzhou-2022", "HZ"),
            13 => new(i, member, "hangzhou-2022", "LA"),
            23 => new(i, member, "hangzhou-2022", "LA-01-001"),
            _ => new(i, member, "hangzhou-2022", ""),
        };
        let s = s.clone();
        tasks.push(tokio::spawn(async move { s.create_claim(&c).await }));
    }
    let mut ids = std::collections::BTreeSet::new();
    for (i, t) in tasks.into_iter().enumerate() {
        match (i, t.await.unwrap()) {
            (10, r) => assert!(r.is_err(), "an unknown policy fails: {r:?}"),
            (5 | 20 | 25, r) => assert!(matches!(r, Err(StoreError::NotFound(_))), "{i}: {r:?}"),
            (_, r) => {
                let made = r.unwrap();
                assert_eq!(made.member, s.member(member).await.unwrap());
                let c = made.claim;
                assert_eq!(c.unit, "LA-01-001");
                assert_eq!(c.fields.body, format!("{{\"n\":{i}}}"), "its own answer");
                assert!(ids.insert(c.id));
                assert_eq!(s.claim(c.id).await.unwrap().fields.body, c.fields.body);
                assert_eq!(s.claim_events(c.id).await.unwrap().len(), 1);
            }
        }
    }
    let stored = s.member_claims(member, "hangzhou-2022").await.unwrap();
    assert_eq!(
        stored.len(),
        before + 26,
        "each good claim stored exactly once"
    );
    assert_eq!(s.check_stats(20).await.unwrap(), Vec::<String>::new());
}

/// `lucheng-model-workers` says the federation pays: the bill of a unit enrolling in it is owed by
/// the federation (in the demo city no org is in Lucheng's region, so the city federation HZ),
/// its ledger entry is HZ's receivable, and only HZ's finance can record its payment.
async fn a_federation_paid_policy_bills_the_federation_not_the_unit<S: Repo>(s: S) {
    let clock = TestClock::on(2020, 11, 2);
    huzhu_app::demo::load_demo(&s, &clock).await.unwrap();
    let req = EnrolUnit {
        unit: code("LA-01-001"),
        policy: "lucheng-model-workers".into(),
        items: vec![("D".into(), 1), ("M".into(), 1)],
        members: None,
    };
    // `by = "federation"`: the unit's own officer may not enrol it; the federation does.
    match enrol_unit(&s, &clock, &officer(), &req).await {
        Err(AppError::Forbidden { capability }) => {
            assert!(
                capability.contains("enrolled by the federation"),
                "{capability}"
            )
        }
        other => panic!("a unit officer enrolled a federation-enrolled policy: {other:?}"),
    }
    assert!(list_bills(&s, &officer(), None).await.unwrap().is_empty());
    let out = enrol_unit(&s, &clock, &district_staff(), &req)
        .await
        .unwrap();
    let bill = out.bill;
    assert_eq!(
        (bill.unit.as_str(), bill.payer.as_str()),
        ("LA-01-001", "HZ")
    );
    assert_eq!(bill.amount.fen(), i64::from(out.members) * (12_000 + 8_000));
    let la = LedgerScope::Under(code("LA-01-001"));
    let hz = LedgerScope::Under(code("HZ"));
    let receivable = "receivable:HZ:lucheng-model-workers";
    let facts = s.ledger_facts(&hz).await.unwrap();
    assert_eq!(facts.balances[receivable], bill.amount.fen());
    assert!(!facts
        .balances
        .contains_key("receivable:LA-01-001:lucheng-model-workers"));
    assert!(ledger::check_store(&s, &hz).await.unwrap().ok);
    // The unit owes nothing: its ledger has no entry of the bill, yet its officer sees the bill.
    assert_eq!(s.ledger_facts(&la).await.unwrap().entries, 0);
    let seen = list_bills(&s, &officer(), None).await.unwrap();
    assert!(seen.iter().any(|b| b.id == bill.id && b.payer == "HZ"));

    // Neither the unit's officer nor the district's staff can pay it; HZ's finance does.
    for who in [officer(), district_staff()] {
        let refused = pay_bill(&s, &clock, &who, bill.id, "BANK-1").await;
        assert!(
            matches!(refused, Err(AppError::Forbidden { .. })),
            "{}: {refused:?}",
            who.username
        );
    }
    let paid = pay_bill(&s, &clock, &finance(), bill.id, "HZ-BANK-1")
        .await
        .unwrap();
    assert_eq!(paid.status, "paid");
    let facts = s.ledger_facts(&hz).await.unwrap();
    assert_eq!(facts.balances[receivable], 0);
    assert_eq!(facts.balances["bank"], bill.amount.fen());
    for scope in [hz, la, LedgerScope::Everything] {
        let report = ledger::check_store(&s, &scope).await.unwrap();
        assert!(report.ok, "{scope:?}: {:?}", report.problems);
    }

    // A unit-paid policy still bills the unit.
    clock.set(2021, 11, 1);
    let own = enrol_unit(
        &s,
        &clock,
        &officer(),
        &EnrolUnit {
            unit: code("LA-01-001"),
            policy: "hangzhou-2022".into(),
            items: vec![("A".into(), 1)],
            members: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(own.bill.payer, "LA-01-001");
    pay_bill(&s, &clock, &officer(), own.bill.id, "UNIT-1")
        .await
        .unwrap();
}

/// The demo city with LA-01-001 enrolled in A, B and C for 2022, the clock in June 2022 (past
/// the waiting period), and the unit's first in-service woman.
async fn an_enrolled_member<S: Repo>(s: &S, clock: &TestClock) -> MemberId {
    clock.set(2021, 11, 1);
    huzhu_app::demo::load_demo(s, clock).await.unwrap();
    enrol_unit(
        s,
        clock,
        &officer(),
        &EnrolUnit {
            unit: code("LA-01-001"),
            policy: "hangzhou-2022".into(),
            items: vec![("A".into(), 1), ("B".into(), 1), ("C".into(), 1)],
            members: None,
        },
    )
    .await
    .unwrap();
    clock.set(2022, 6, 1);
    a_member(s).await
}

/// Issue 14: the same invoice number written with a trailing space, a zero-width space, a
/// right-to-left mark, full-width digits or another letter case is the same invoice: flagged
/// `duplicate_invoice`, and stored in its one normal form. A claim stored before numbers were
/// normalised compares normalised too.
async fn an_invoice_look_alike_is_flagged_as_a_duplicate<S: Repo>(s: S) {
    use huzhu_store::money::{ClaimEvent, ClaimFields, NewClaim};
    let clock = TestClock::on(2021, 11, 1);
    let member = an_enrolled_member(&s, &clock).await;
    let make = |claim: serde_json::Value| ClaimRequest {
        member,
        policy: Some("hangzhou-2022".into()),
        claim,
        submit: true,
    };
    let first = create_claim(
        &s,
        &clock,
        &officer(),
        &make(stay("2022-01-10", "2022-01-12", "INV-2022-0001", None)),
    )
    .await
    .unwrap();
    assert_eq!(first.claim["invoices"], json!(["INV-2022-0001"]));
    let look_alikes = [
        "INV-2022-0001 ",
        "INV-2022\u{200B}-0001",
        "\u{200F}INV-2022-0001",
        "INV-２０２２-０００１",
        "inv-2022-0001",
    ];
    for (n, invoice) in look_alikes.iter().enumerate() {
        let day = 2 * n + 1;
        let c = create_claim(
            &s,
            &clock,
            &officer(),
            &make(stay(
                &format!("2022-03-{day:02}"),
                &format!("2022-03-{:02}", day + 1),
                invoice,
                None,
            )),
        )
        .await
        .unwrap();
        assert_eq!(
            c.claim["invoices"],
            json!(["INV-2022-0001"]),
            "{invoice:?} is stored normalised"
        );
        let id = ClaimId(c.id);
        upload_all(&s, &clock, &officer(), id).await;
        let c = act(&s, &clock, &city_staff(), id, Action::Accept)
            .await
            .unwrap();
        assert!(
            c.flags.contains(&"duplicate_invoice".to_string()),
            "{invoice:?}: {:?}",
            c.flags
        );
    }
    // A claim stored before normalisation, with its number as typed then.
    let mut old = huzhu_domain::scenario::Claim::from_json(
        &json!({"id": "old", "kind": "hospital_stay", "submitted": "2022-04-20",
                "admitted": "2022-04-01", "discharged": "2022-04-03", "hospital_grade": 3,
                "costs_fen": {"self_borne": 100_000}, "invoices": ["old-7 "]})
        .to_string(),
        "claim",
    )
    .unwrap();
    old.documents.clear();
    let at = Utc.with_ymd_and_hms(2022, 4, 20, 2, 0, 0).unwrap();
    s.create_claim(&NewClaim {
        member,
        within: None,
        policy: "hangzhou-2022".into(),
        kind: "hospital_stay".into(),
        fields: ClaimFields {
            state: State::Submitted,
            body: old.to_json(),
            event_date: old.event_date(),
            submitted_on: Some(at.date_naive()),
            decision: None,
            payable: None,
            approved: huzhu_domain::money::Money::ZERO,
            paid: huzhu_domain::money::Money::ZERO,
            flags: Vec::new(),
            review_reason: None,
            expert_cleared: false,
            returned_for: Vec::new(),
        },
        event: ClaimEvent {
            action: "submit".into(),
            from: None,
            to: State::Submitted,
            actor: "officer".into(),
            actor_role: "unit_officer".into(),
            reason: String::new(),
            at,
        },
    })
    .await
    .unwrap();
    let c = create_claim(
        &s,
        &clock,
        &officer(),
        &make(stay("2022-05-01", "2022-05-03", "OLD-7", None)),
    )
    .await
    .unwrap();
    let id = ClaimId(c.id);
    upload_all(&s, &clock, &officer(), id).await;
    let c = act(&s, &clock, &city_staff(), id, Action::Accept)
        .await
        .unwrap();
    assert!(
        c.flags.contains(&"duplicate_invoice".to_string()),
        "{:?}",
        c.flags
    );
}

/// Issue 14: costs that cannot be, dates before 1900 or after the submission, identifiers with
/// invisible or control characters and absurd sizes are refused naming the field, and nothing
/// is stored.
async fn a_claim_that_cannot_be_is_refused_naming_the_field_and_stores_nothing<S: Repo>(s: S) {
    let clock = TestClock::on(2021, 11, 1);
    let member = an_enrolled_member(&s, &clock).await;
    let ok = || stay("2022-05-01", "2022-05-11", "INV-9", Some("md01"));
    let with = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut c = ok();
        f(&mut c);
        c
    };
    let cases: Vec<(serde_json::Value, &str)> = vec![
        (
            with(&|c| c["costs_fen"] = json!({"total": 100_000, "self_borne": 1_200_000})),
            "claim.costs_fen.self_borne",
        ),
        (
            with(&|c| c["costs_fen"]["pooled_fund"] = json!(4_000_000)),
            "claim.costs_fen.total",
        ),
        (
            with(&|c| c["admitted"] = json!("1899-12-31")),
            "claim.admitted",
        ),
        (
            with(&|c| c["discharged"] = json!("2022-06-02")),
            "claim.discharged",
        ),
        (
            with(&|c| c["diagnoses"][0]["date"] = json!("2022-07-01")),
            "claim.diagnoses[0].date",
        ),
        (
            with(&|c| c["diagnoses"][0]["disease"] = json!("md\u{200B}01")),
            "claim.diagnoses[0].disease",
        ),
        (
            with(&|c| c["invoices"] = json!(["INV\u{0000}9"])),
            "claim.invoices[0]",
        ),
        (
            with(&|c| {
                c["invoices"] = json!((0..20_000).map(|i| format!("INV{i}")).collect::<Vec<_>>())
            }),
            "claim.invoices",
        ),
        (
            with(&|c| c["invoices"] = json!(["9".repeat(1_500_000)])),
            "claim.invoices[0]",
        ),
    ];
    for (body, field) in cases {
        let r = create_claim(
            &s,
            &clock,
            &officer(),
            &ClaimRequest {
                member,
                policy: Some("hangzhou-2022".into()),
                claim: body,
                submit: true,
            },
        )
        .await;
        match r {
            Err(AppError::Invalid { field: f, message }) => {
                assert_eq!(f, field, "{message}");
                assert!(message.contains('('), "Chinese with the English: {message}");
            }
            other => panic!("{field}: {other:?}"),
        }
    }
    assert!(s
        .member_claims(member, "hangzhou-2022")
        .await
        .unwrap()
        .is_empty());
    // A payment reference is an identifier too.
    let bills = list_bills(&s, &finance(), Some(&code("LA-01-001")))
        .await
        .unwrap();
    let bill = bills[0].id;
    for bad in ["BANK\u{200B}-1".to_string(), "9".repeat(100 * 1024)] {
        match pay_bill(&s, &clock, &finance(), bill, &bad).await {
            Err(AppError::Invalid { field, .. }) => assert_eq!(field, "payment_ref"),
            other => panic!("{other:?}"),
        }
    }
    pay_bill(&s, &clock, &finance(), bill, "BANK-1")
        .await
        .unwrap();
}

/// Issue 14, four eyes: the account that created or submitted a claim may not accept or
/// approve it, and the account that built a payout batch may not settle it; another may.
async fn one_account_cannot_both_make_and_pass_a_claim_or_a_batch<S: Repo>(s: S) {
    let clock = TestClock::on(2021, 11, 1);
    let member = an_enrolled_member(&s, &clock).await;
    let other_city = actor(
        "city.two",
        Role::FederationStaff,
        "HZ",
        OrgLevel::City,
        None,
    );
    let four_eyes = |r: Result<huzhu_app::claims::ClaimView, AppError>| match r {
        Err(e @ AppError::Transition(_)) => {
            assert!(e.to_string().contains("four eyes"), "{e}");
        }
        other => panic!("four eyes expected: {other:?}"),
    };
    // The federation's account makes and submits the claim itself.
    let c = create_claim(
        &s,
        &clock,
        &city_staff(),
        &ClaimRequest {
            member,
            policy: Some("hangzhou-2022".into()),
            claim: stay("2022-05-01", "2022-05-11", "INV-4E", None),
            submit: true,
        },
    )
    .await
    .unwrap();
    let id = ClaimId(c.id);
    upload_all(&s, &clock, &city_staff(), id).await;
    four_eyes(act(&s, &clock, &city_staff(), id, Action::Accept).await);
    act(&s, &clock, &other_city, id, Action::Accept)
        .await
        .unwrap();
    // Reviewing is not passing it: the maker may.
    act(&s, &clock, &city_staff(), id, Action::Review)
        .await
        .unwrap();
    four_eyes(act(&s, &clock, &city_staff(), id, Action::Approve).await);
    let approved = act(&s, &clock, &other_city, id, Action::Approve)
        .await
        .unwrap();
    assert_eq!(approved.state, "approved");
    // A draft made by the officer and submitted by the city: neither may accept it.
    let d = create_claim(
        &s,
        &clock,
        &officer(),
        &ClaimRequest {
            member,
            policy: Some("hangzhou-2022".into()),
            claim: stay("2022-05-20", "2022-05-22", "INV-4F", None),
            submit: false,
        },
    )
    .await
    .unwrap();
    let d = ClaimId(d.id);
    upload_all(&s, &clock, &officer(), d).await;
    act(&s, &clock, &city_staff(), d, Action::Submit)
        .await
        .unwrap();
    four_eyes(act(&s, &clock, &city_staff(), d, Action::Accept).await);
    act(&s, &clock, &other_city, d, Action::Accept)
        .await
        .unwrap();
    // The batch: finance builds it and may not settle it; the cashier does.
    let batch = payouts::build_batch(&s, &clock, &finance(), &code("HZ"))
        .await
        .unwrap();
    match payouts::settle_batch(&s, &clock, &finance(), batch.batch.id, &[]).await {
        Err(e @ AppError::Conflict(_)) => assert!(e.to_string().contains("four eyes"), "{e}"),
        other => panic!("four eyes expected: {other:?}"),
    }
    let settled = payouts::settle_batch(&s, &clock, &cashier(), batch.batch.id, &[])
        .await
        .unwrap();
    assert_eq!(settled.status, "paid");
    assert_eq!(settled.settled_by.as_deref(), Some("cashier"));
}

#[path = "money_path/review_audit.rs"]
mod review_audit;
use review_audit::*;

#[path = "money_path/grants.rs"]
mod grants;
use grants::*;
#[path = "money_path/archive.rs"]
mod archive;
use archive::*;
#[path = "money_path/campaign.rs"]
mod campaign_list;
use campaign_list::*;
#[path = "money_path/demo_programmes.rs"]
mod demo_programmes;
use demo_programmes::*;

#[path = "../../huzhu-store/tests/harness/mod.rs"]
#[macro_use]
mod harness;

mod demo;
use demo::{
    on_new_years_day_the_demo_holds_this_years_cycle_in_every_state,
    on_new_years_eve_a_new_claim_still_pays,
};

on_both!(
    on_new_years_day_the_demo_holds_this_years_cycle_in_every_state,
    on_new_years_eve_a_new_claim_still_pays,
    the_money_path_runs_from_enrolment_to_a_balanced_ledger,
    bad_claims_and_uploads_are_refused_and_store_nothing,
    a_batch_writes_the_decisions_that_deciding_each_claim_computes,
    a_submission_answers_what_a_read_of_the_claim_shows,
    concurrent_submissions_are_each_stored_once_with_their_event,
    a_failing_claim_in_a_batch_fails_alone,
    an_interrupted_money_demo_is_named_and_nothing_more_is_written,
    a_federation_paid_policy_bills_the_federation_not_the_unit,
    an_invoice_look_alike_is_flagged_as_a_duplicate,
    a_claim_that_cannot_be_is_refused_naming_the_field_and_stores_nothing,
    one_account_cannot_both_make_and_pass_a_claim_or_a_batch,
    an_expert_s_opinion_decides_the_claim_s_next_step,
    an_appeal_is_taken_until_the_deadline_the_letter_gives,
    every_change_of_money_writes_one_audit_entry_that_reads_in_yuan,
    the_audit_log_is_filtered_and_exported_and_the_export_is_logged,
    a_relief_goes_from_application_to_a_paid_batch_approved_at_its_level,
    a_campaign_refuses_a_second_listing_and_pays_through_the_batch,
    a_households_several_students_are_granted_in_one_application_all_or_nothing,
    approval_waits_for_the_documents_the_programme_requires,
    a_years_applications_replay_under_a_changed_programme_file_changing_nothing,
    a_household_is_archived_from_application_to_admission_through_the_use_cases,
    a_household_above_the_line_is_not_opened_and_its_arithmetic_says_why,
    a_campaign_lists_admitted_households_by_the_rule_and_never_twice,
    the_programme_demo_holds_every_state_and_the_ledger_balances,
    a_households_whole_support_lists_what_it_was_given_and_flags_double_support_and_gaps,
    // grant documents (issue 15)
    a_document_handed_in_to_a_pending_relief_lets_it_be_approved,
);
