//! Care campaigns listed from the hardship archive (SPEC 7.4, issue 15), on both backends: the
//! heads of admitted households are listed with the amount of the programme's rule and its
//! clause; a member listed already (by hand, by another org) is not listed twice and the answer
//! names the first listing's org; a second listing from the archive adds nobody.

use super::*;
use huzhu_app::archive::{self, OpenInput};
use huzhu_app::campaign;
use huzhu_domain::archive::{FactsInput, Level};
use huzhu_domain::money::Money;

fn street_staff() -> Actor {
    actor(
        "street",
        Role::FederationStaff,
        "LA-01",
        OrgLevel::Street,
        None,
    )
}

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

/// Untagged in-service members of LA-01-001 (no migrant rule in the way).
async fn plain_members<S: Store>(s: &S, n: usize) -> Vec<MemberId> {
    let page = s
        .members_under(
            &code("LA-01-001"),
            huzhu_store::Page {
                after: None,
                limit: 200,
            },
        )
        .await
        .unwrap();
    let found: Vec<MemberId> = page
        .iter()
        .filter(|m| {
            m.record.status == huzhu_domain::member::EmploymentStatus::InService
                && m.record.tags.is_empty()
        })
        .map(|m| m.id)
        .take(n)
        .collect();
    assert_eq!(found.len(), n, "the demo unit has {n} untagged members");
    found
}

/// Takes a household of three with `income_fen` a year from application to admission, starting
/// on Monday 5 January 2026 (the notice's 5 working days end on Friday 9 January).
async fn admitted<S: Repo>(s: &S, clock: &TestClock, head: MemberId, income_fen: i64) -> i64 {
    clock.set(2026, 1, 5);
    let facts = FactsInput {
        size: 3,
        annual_income_fen: income_fen,
        ..FactsInput::default()
    };
    let h = archive::open(s, clock, &officer(), &OpenInput { head, facts })
        .await
        .unwrap();
    archive::visit(
        s,
        clock,
        &street_staff(),
        h.id,
        day("2026-01-05"),
        "入户核实",
    )
    .await
    .unwrap();
    archive::review(s, clock, &district_staff(), h.id, "同意")
        .await
        .unwrap();
    archive::start_notice(s, clock, &district_staff(), h.id)
        .await
        .unwrap();
    clock.set(2026, 1, 12);
    archive::admit(
        s,
        clock,
        &district_staff(),
        h.id,
        Level::CityCounty,
        day("2026-01-12"),
        "",
    )
    .await
    .unwrap();
    h.id
}

pub(super) async fn a_campaign_lists_admitted_households_by_the_rule_and_never_twice<S: Repo>(
    s: S,
) {
    let clock = TestClock::on(2026, 1, 5);
    huzhu_app::demo::load_demo(&s, &clock).await.unwrap();
    let m = plain_members(&s, 3).await;
    // p = 3,000,000 / 12 / 3 = 83,333 fen < 1,250元: deep (2,000元).
    admitted(&s, &clock, m[0], 3_000_000).await;
    // p = 6,000,000 / 12 / 3 = 166,666 fen: relative (1,000元).
    let relative = admitted(&s, &clock, m[1], 6_000_000).await;
    // The district lists the second head by hand first.
    let by_hand = campaign::create(
        &s,
        &clock,
        &city_staff(),
        "two-festivals-2026",
        (day("2026-01-01"), day("2026-02-28")),
    )
    .await
    .unwrap();
    campaign::add_by_hand(
        &s,
        &clock,
        &district_staff(),
        by_hand.id,
        campaign::ByHand {
            member: m[1],
            reason: "区总走访名单",
            cash: Money::from_yuan(800),
            gift_pack: false,
        },
    )
    .await
    .unwrap();
    // A unit officer elsewhere sees no household of LA: nothing is listed.
    let elsewhere = campaign::list_from_archive(&s, &clock, &other_officer(), by_hand.id)
        .await
        .unwrap();
    assert_eq!(elsewhere.listed.added, 0);
    assert!(elsewhere.listed.already.is_empty());
    let city = campaign::list_from_archive(&s, &clock, &city_staff(), by_hand.id)
        .await
        .unwrap();
    assert_eq!(city.listed.added, 1, "{city:?}");
    assert!(city.not_eligible.is_empty(), "{city:?}");
    assert_eq!(city.listed.already.len(), 1);
    let first = &city.listed.already[0];
    assert_eq!((first.member, first.org.as_str()), (m[1], "LA"));
    assert!(!first.org_name.is_empty() && first.org_name != "LA");
    assert_eq!(first.listed_by, "district");
    let list = campaign::recipients(&s, &city_staff(), by_hand.id, 0, 10)
        .await
        .unwrap();
    assert_eq!(list.len(), 2);
    let deep = list.iter().find(|r| r.member == m[0]).unwrap();
    assert_eq!(deep.basis, "archive");
    assert_eq!(deep.cash, Money::from_yuan(2_000));
    assert!(
        deep.reason.starts_with("two-festivals-2026 2.1"),
        "{}",
        deep.reason
    );
    assert_eq!(deep.listed_by_org, "HZ");
    let manual = list.iter().find(|r| r.member == m[1]).unwrap();
    assert_eq!(
        (manual.basis.as_str(), manual.cash),
        ("manual", Money::from_yuan(800))
    );
    // Listing again adds nobody; the third member, in no household, is never listed.
    let again = campaign::list_from_archive(&s, &clock, &district_staff(), by_hand.id)
        .await
        .unwrap();
    assert_eq!((again.listed.added, again.listed.already.len()), (0, 2));
    assert!(list.iter().all(|r| r.member != m[2]));
    // An exited household is no longer listed: the relative one's head leaves the archive and
    // only one admitted household remains.
    archive::exit(
        &s,
        &clock,
        &district_staff(),
        relative,
        huzhu_domain::archive::ExitReason::MovedAway,
        "迁出",
    )
    .await
    .unwrap();
    let after_exit = campaign::list_from_archive(&s, &clock, &city_staff(), by_hand.id)
        .await
        .unwrap();
    assert_eq!(after_exit.listed.already.len(), 1);
}

/// Counts the statements sqlx runs that read members by id: one at a time (`m.id = $1`, the
/// `member` read) or many at once (`m.id IN (…)`). Installed as the process's subscriber:
/// nextest runs each test in a process of its own.
#[derive(Default)]
struct MemberReads {
    one: std::sync::atomic::AtomicUsize,
    many: std::sync::atomic::AtomicUsize,
}

struct Statement(String);

impl tracing::field::Visit for Statement {
    fn record_str(&mut self, _: &tracing::field::Field, value: &str) {
        self.0.push_str(value);
    }
    fn record_debug(&mut self, _: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!("{value:?}"));
    }
}

impl tracing::Subscriber for &'static MemberReads {
    fn enabled(&self, m: &tracing::Metadata<'_>) -> bool {
        m.target().starts_with("sqlx")
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, e: &tracing::Event<'_>) {
        use std::sync::atomic::Ordering;
        let mut s = Statement(String::new());
        e.record(&mut s);
        let flat: String =
            s.0.chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_lowercase();
        if !flat.contains("frommembersmjoinorgso") {
            return;
        }
        if flat.contains("wherem.id=$1") {
            self.one.fetch_add(1, Ordering::SeqCst);
        } else if flat.contains("wherem.idin(") {
            self.many.fetch_add(1, Ordering::SeqCst);
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// Listing from the archive reads the households' heads together, not one read per head
/// (issue 15: N+1 queries).
#[tokio::test]
async fn listing_from_the_archive_reads_the_heads_in_one_query() {
    use std::sync::atomic::Ordering;
    let reads: &'static MemberReads = Box::leak(Box::default());
    if tracing::subscriber::set_global_default(reads).is_err() {
        eprintln!("another subscriber is installed: run with nextest (a process per test)");
        return;
    }
    harness::on_sqlite(|s| async move {
        let clock = TestClock::on(2026, 1, 5);
        huzhu_app::demo::load_demo(&s, &clock).await.unwrap();
        let m = plain_members(&s, 3).await;
        for (head, income) in m.iter().zip([3_000_000, 6_000_000, 3_600_000]) {
            admitted(&s, &clock, *head, income).await;
        }
        let c = campaign::create(
            &s,
            &clock,
            &city_staff(),
            "two-festivals-2026",
            (day("2026-01-01"), day("2026-02-28")),
        )
        .await
        .unwrap();
        reads.one.store(0, Ordering::SeqCst);
        reads.many.store(0, Ordering::SeqCst);
        let listed = campaign::list_from_archive(&s, &clock, &city_staff(), c.id)
            .await
            .unwrap();
        assert_eq!(listed.listed.added, 3, "{listed:?}");
        assert_eq!(reads.one.load(Ordering::SeqCst), 0, "no head read alone");
        assert_eq!(
            reads.many.load(Ordering::SeqCst),
            1,
            "the heads in one query"
        );
    })
    .await;
}
