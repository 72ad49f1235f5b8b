//! The demo's current cycle (issue 13, "a demo that works today"): on the first and on the last
//! day of a year, a fresh demo holds that year's cycle with claims in every state and last year's
//! few hundred decided claims, loads once, and lets member.demo and officer.la01001 enrol and
//! make a claim that pays.

use chrono::{DateTime, Datelike, TimeZone, Utc};
use huzhu_app::claims::{act, create_claim, ClaimRequest};
use huzhu_app::enrolment::{coverage, enrol_unit, EnrolUnit};
use huzhu_app::{demo, demo_cycle, demo_money, documents, Clock, FixedClock};
use huzhu_domain::access::{Actor, Role};
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_domain::workflow::Action;
use huzhu_store::money::{ClaimFilter, ClaimId, StoredClaim};
use huzhu_store::{Page, Repo};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

fn code(c: &str) -> OrgCode {
    OrgCode::parse(c).unwrap()
}

fn person(name: &str, role: Role, org: &str, level: OrgLevel, member: Option<i64>) -> Actor {
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

async fn all_claims<S: Repo>(s: &S, policy: &str) -> Vec<StoredClaim> {
    let mut out: Vec<StoredClaim> = Vec::new();
    loop {
        let page = s
            .claims_of_policy(policy, out.last().map(|c| c.id), 500)
            .await
            .unwrap();
        if page.is_empty() {
            return out;
        }
        out.extend(page);
    }
}

/// Loads the whole demo as `serve --demo` does, on `clock`.
async fn fresh_demo<S: Repo>(s: &S, clock: &FixedClock) -> String {
    demo::load_demo(s, clock).await.unwrap();
    demo_money::load_money_demo(s).await.unwrap();
    demo_cycle::load_cycle_demo(s, clock)
        .await
        .unwrap()
        .expect("this year's cycle is loaded")
}

/// member.demo makes a claim for a stay that ended today; the window accepts it and the engine
/// finds it payable, neither late nor in a waiting period. The officer enrols the members of
/// LA-01-001 left for them, as renewals.
async fn a_new_user_enrols_and_makes_a_claim_that_pays<S: Repo>(
    s: &S,
    clock: &FixedClock,
    policy: &str,
) {
    let today = clock.today();
    let first = s
        .members_under(
            &code("LA-01-001"),
            Page {
                after: None,
                limit: 1,
            },
        )
        .await
        .unwrap()[0]
        .id;
    let member = person(
        "member.demo",
        Role::Member,
        "LA-01-001",
        OrgLevel::Grassroots,
        Some(first.0),
    );
    let cover = coverage(s, clock, &member, first).await.unwrap();
    assert_eq!(cover.policy, policy, "the cover is this year's");
    assert_eq!(cover.on, today);
    assert!(!cover.items.is_empty());
    let officer = person(
        "officer.la01001",
        Role::UnitOfficer,
        "LA-01-001",
        OrgLevel::Grassroots,
        None,
    );
    let c = create_claim(
        s,
        clock,
        &member,
        &ClaimRequest {
            member: first,
            policy: None,
            claim: json!({"kind": "hospital_stay", "admitted": today.to_string(),
                "discharged": today.to_string(), "hospital_grade": 3,
                "costs_fen": {"total": 2_000_000, "pooled_fund": 1_200_000, "personal_account": 100_000,
                              "self_borne": 500_000, "self_pay_class_b": 100_000, "self_pay_excluded": 100_000},
                "invoices": ["DEMO-USER-0001"]}),
            submit: true,
        },
    )
    .await
    .unwrap();
    assert_eq!(c.policy, policy);
    let id = ClaimId(c.id);
    for kind in &c.missing_documents {
        let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        png.extend_from_slice(kind.as_bytes());
        documents::upload(s, clock, &officer, id, kind, "doc.png", png)
            .await
            .unwrap();
    }
    let city = person(
        "city.staff",
        Role::FederationStaff,
        "HZ",
        OrgLevel::City,
        None,
    );
    let decided = act(s, clock, &city, id, Action::Accept).await.unwrap();
    assert_eq!(decided.state, "computed");
    // A: 50% × (5,000 − 1,000) = 2,000.00; B: one day at 50.00.
    assert_eq!(decided.payable_fen, Some(205_000), "{:?}", decided.decision);
    let words = decided.decision.unwrap().to_string();
    for refused in [
        "late_submission",
        "waiting_period",
        "not_enrolled",
        "outside_cycle",
    ] {
        assert!(!words.contains(refused), "{refused}: {words}");
    }
    let enrolled = enrol_unit(
        s,
        clock,
        &officer,
        &EnrolUnit {
            unit: code("LA-01-001"),
            policy: policy.into(),
            items: vec![("A".into(), 1), ("B".into(), 1)],
            members: None,
        },
    )
    .await
    .unwrap();
    assert!(
        enrolled.members >= 1 && enrolled.members <= 4,
        "{enrolled:?}"
    );
    assert_eq!(enrolled.new_enrolments, 0, "they renew last year's cover");
}

/// The first day of 2027 in Shanghai (1 January, 10:00): the shortest span of a year there is.
pub async fn on_new_years_day_the_demo_holds_this_years_cycle_in_every_state<S: Repo>(s: S) {
    let clock = FixedClock(Utc.with_ymd_and_hms(2027, 1, 1, 2, 0, 0).unwrap());
    let policy = fresh_demo(&s, &clock).await;
    assert_eq!(policy, "hangzhou-2027");
    let p = huzhu_app::policies::policy(&s, &clock, &policy)
        .await
        .unwrap();
    let today = clock.today();
    assert!(p.cycle.start <= today && today <= p.cycle.end);
    assert!(
        p.enrolment.window.contains(today),
        "enrolling today is in the window"
    );
    assert!(today <= p.claim_deadline);

    let now = all_claims(&s, &policy).await;
    let mut states: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &now {
        *states.entry(c.fields.state.code()).or_default() += 1;
        assert!(c.created_at <= clock.now() && c.updated_at <= clock.now());
        assert_eq!(c.fields.event_date.year(), 2027);
    }
    for state in [
        "draft",
        "submitted",
        "returned",
        "computed",
        "reviewed",
        "expert_review",
        "approved",
        "rejected",
        "appealed",
        "paid",
    ] {
        assert!(
            states.get(state).copied().unwrap_or(0) > 0,
            "{state}: {states:?}"
        );
    }
    // In a payout batch at the bank: approved, no longer awaiting payout.
    let approved = states["approved"];
    let awaiting = s
        .claims_under(
            &code("HZ"),
            &ClaimFilter {
                awaiting_payout: true,
                policy: Some(policy.clone()),
                limit: 1000,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .len();
    assert!(
        awaiting > 0 && awaiting < approved,
        "{awaiting} of {approved}"
    );

    let last = all_claims(&s, "hangzhou-2026").await;
    let decided: Vec<&StoredClaim> = last
        .iter()
        .filter(|c| matches!(c.fields.state.code(), "paid" | "rejected" | "approved"))
        .collect();
    assert!(decided.len() >= 300, "{} decided", decided.len());
    let districts: BTreeSet<&str> = decided.iter().map(|c| &c.unit[..2]).collect();
    assert_eq!(districts.len(), 4, "{districts:?}");
    let units: BTreeSet<&str> = decided.iter().map(|c| c.unit.as_str()).collect();
    assert!(units.len() >= 40, "{} units", units.len());
    let kinds: BTreeSet<&str> = decided.iter().map(|c| c.kind.as_str()).collect();
    assert!(kinds.len() >= 3, "{kinds:?}");
    let paid = decided
        .iter()
        .filter(|c| c.fields.state.code() == "paid")
        .count();
    let refused = decided
        .iter()
        .filter(|c| c.fields.state.code() == "rejected")
        .count();
    assert!(
        paid >= 200 && refused >= 20,
        "{paid} paid, {refused} refused"
    );
    let amounts: BTreeSet<i64> = decided.iter().map(|c| c.fields.paid.fen()).collect();
    assert!(amounts.len() >= 100, "{} distinct amounts", amounts.len());
    let mut reasons = BTreeSet::new();
    for c in decided
        .iter()
        .filter(|c| c.fields.state.code() == "rejected")
    {
        for e in s.claim_events(c.id).await.unwrap() {
            if e.action == "reject" {
                reasons.insert(e.reason.clone());
            }
        }
    }
    assert!(reasons.len() >= 5, "{reasons:?}");

    // Loading again adds nothing.
    assert_eq!(demo_cycle::load_cycle_demo(&s, &clock).await.unwrap(), None);
    assert_eq!(all_claims(&s, &policy).await.len(), now.len());
    assert_eq!(all_claims(&s, "hangzhou-2026").await.len(), last.len());

    a_new_user_enrols_and_makes_a_claim_that_pays(&s, &clock, &policy).await;
}

/// The last day of 2026 (31 December, 20:00 in Shanghai): the claims spread over the year.
pub async fn on_new_years_eve_a_new_claim_still_pays<S: Repo>(s: S) {
    let at: DateTime<Utc> = Utc.with_ymd_and_hms(2026, 12, 31, 12, 0, 0).unwrap();
    let clock = FixedClock(at);
    let policy = fresh_demo(&s, &clock).await;
    assert_eq!(policy, "hangzhou-2026");
    let now = all_claims(&s, &policy).await;
    let months: BTreeSet<u32> = now.iter().map(|c| c.fields.event_date.month()).collect();
    assert!(months.len() >= 4, "{months:?}");
    a_new_user_enrols_and_makes_a_claim_that_pays(&s, &clock, &policy).await;
}
