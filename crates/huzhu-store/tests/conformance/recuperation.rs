//! Issue 17: recuperation bases, batches and sign-ups (SPEC 7.9), and consumption-poverty
//! procurement (SPEC 7.10), on both backends.

use super::*;
use huzhu_domain::recuperation::{self as rules, BaseState, BaseStep, SignUpState};
use huzhu_store::procurement::{NewPurchase, ProcurementStore};
use huzhu_store::recuperation::{Base, NewBase, NewBatch, RecuperationStore};

fn under(c: &str) -> OrgScope {
    OrgScope::Under(code(c))
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const SURNAMES: [&str; 10] = ["张", "李", "王", "赵", "刘", "陈", "杨", "黄", "周", "吴"];
const GIVEN: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// The tree and `n` in-service members of `unit`, serials from `first`.
async fn members<S: Store>(s: &S, unit: &str, first: u32, n: u32) -> Vec<MemberId> {
    let imp = start(s, ImportKind::Members, &format!("m-{unit}-{first}.csv")).await;
    let mut rows = Vec::new();
    for k in first..first + n {
        let name = format!(
            "{}{}{}",
            SURNAMES[(k % 10) as usize],
            GIVEN[((k / 10) % 10) as usize],
            GIVEN[(k % 10) as usize]
        );
        rows.push((u64::from(k) + 1, member(k, &name, unit)));
    }
    s.import_member_batch(imp, &OrgScope::Everything, &rows, at(2))
        .await
        .unwrap();
    let mut ids = Vec::new();
    for k in first..first + n {
        ids.push(s.member_by_id_number(id(k).as_str()).await.unwrap().id);
    }
    ids
}

async fn admit<S: RecuperationStore>(s: &S, name: &str, admitted_on: &str) -> Base {
    let on = day(admitted_on);
    s.admit_base(&NewBase {
        org: &code("HZ"),
        name,
        region: "淳安",
        partner_region: false,
        discount_bp: 2_500,
        admitted_on: on,
        valid_until: rules::term_end(on),
        by: "hz.staff",
        at: at(3),
    })
    .await
    .unwrap()
}

async fn batch<S: RecuperationStore>(
    s: &S,
    base: i64,
    start: &str,
    capacity: i64,
    quotas: &[(OrgCode, i64)],
    today: NaiveDate,
) -> Result<huzhu_store::recuperation::Batch, StoreError> {
    let start_on = day(start);
    s.create_recuperation_batch(
        &under("HZ"),
        &NewBatch {
            org: &code("HZ"),
            base_id: base,
            name: "第一批",
            start_on,
            end_on: start_on + chrono::Days::new(4),
            capacity,
            quotas,
            today,
            by: "hz.staff",
            at: at(4),
        },
    )
    .await
}

async fn a_hundred_concurrent_sign_ups_for_thirty_places_give_exactly_thirty<
    S: Store + RecuperationStore,
>(
    s: S,
) {
    tree(&s).await;
    let people = members(&s, "LA-JN-001", 1, 100).await;
    let base = admit(&s, "千岛湖基地", "2026-01-10").await;
    let b = batch(&s, base.id, "2026-12-10", 30, &[], today())
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for m in people.clone() {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.sign_up(&under("LA"), b.id, m.0, today(), "la.officer", at(5))
                .await
        }));
    }
    let (mut ok, mut full) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok(su) => {
                assert_eq!(su.state, SignUpState::SignedUp);
                ok += 1;
            }
            Err(StoreError::Conflict(why)) if why.contains("批次已满") => full += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!((ok, full), (30, 70));
    let read = s.recuperation_batch(b.id, &under("LA")).await.unwrap();
    assert_eq!(read.taken, 30);
    let list = s.sign_ups(&under("LA"), b.id).await.unwrap();
    assert_eq!(list.len(), 30);
    // A cancellation frees its place, once; the place goes to the next sign-up.
    let freed = s
        .cancel_sign_up(&under("LA"), list[0].id, "家中有事", "la.officer", at(6))
        .await
        .unwrap();
    assert_eq!(freed.state, SignUpState::Cancelled);
    let again = s
        .cancel_sign_up(&under("LA"), list[0].id, "再次取消", "la.officer", at(6))
        .await;
    assert!(
        matches!(&again, Err(StoreError::Conflict(w)) if w.contains("已取消")),
        "{again:?}"
    );
    assert_eq!(
        s.recuperation_batch(b.id, &under("LA"))
            .await
            .unwrap()
            .taken,
        29
    );
    let signed: std::collections::BTreeSet<i64> = list.iter().map(|x| x.member_id).collect();
    let waiting = people.iter().find(|m| !signed.contains(&m.0)).unwrap();
    s.sign_up(&under("LA"), b.id, waiting.0, today(), "la.officer", at(7))
        .await
        .unwrap();
    let last = people.iter().rfind(|m| !signed.contains(&m.0)).unwrap();
    let refused = s
        .sign_up(&under("LA"), b.id, last.0, today(), "la.officer", at(7))
        .await;
    assert!(
        matches!(&refused, Err(StoreError::Conflict(w)) if w.contains("30个名额已全部报满")),
        "{refused:?}"
    );
    let audit = s.audit_log(500).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == "recuperation.sign_up")
            .count(),
        31
    );
}

async fn a_lapsed_or_removed_base_takes_no_new_batch_or_sign_up<S: Store + RecuperationStore>(
    s: S,
) {
    tree(&s).await;
    let m = members(&s, "LA-JN-001", 1, 2).await;
    // Admitted 2024-01-01: its term ended 2025-12-31, unrenewed — lapsed on 2026-11-23.
    let old = admit(&s, "旧基地", "2024-01-01").await;
    assert_eq!(old.valid_until, day("2025-12-31"));
    let refused = batch(&s, old.id, "2026-12-10", 10, &[], today()).await;
    assert!(
        matches!(&refused, Err(StoreError::Conflict(w)) if w.contains("已失效")),
        "{refused:?}"
    );
    // A lapsed base is not renewed (a conflict naming state and step), but may be removed.
    let renew = s
        .review_base(
            old.id,
            &under("HZ"),
            BaseStep::Renew,
            "复审",
            today(),
            "hz.staff",
            at(5),
        )
        .await;
    assert!(
        matches!(&renew, Err(StoreError::Conflict(w)) if w.contains("已失效") && w.contains("复审续期")),
        "{renew:?}"
    );
    // A batch made while the base was admitted takes no sign-up once it lapsed.
    let ok = batch(&s, old.id, "2025-12-20", 10, &[], day("2025-11-01"))
        .await
        .unwrap();
    let late = s
        .sign_up(&under("LA"), ok.id, m[0].0, day("2025-12-01"), "la", at(5))
        .await;
    assert!(late.is_ok(), "{late:?}");
    let lapsed = s
        .sign_up(&under("LA"), ok.id, m[1].0, day("2026-01-02"), "la", at(5))
        .await;
    assert!(
        matches!(&lapsed, Err(StoreError::Conflict(w)) if w.contains("已失效")),
        "{lapsed:?}"
    );
    // Renewed within its term: two more years from the end date. Removed: nothing new.
    let live = admit(&s, "千岛湖基地", "2026-01-10").await;
    let renewed = s
        .review_base(
            live.id,
            &under("HZ"),
            BaseStep::Renew,
            "复审合格",
            today(),
            "hz",
            at(5),
        )
        .await
        .unwrap();
    assert_eq!(renewed.valid_until, day("2030-01-09"));
    assert_eq!(renewed.state, BaseState::Admitted);
    let b = batch(&s, live.id, "2026-12-10", 10, &[], today())
        .await
        .unwrap();
    let removed = s
        .review_base(
            live.id,
            &under("HZ"),
            BaseStep::Remove,
            "服务投诉",
            today(),
            "hz",
            at(6),
        )
        .await
        .unwrap();
    assert_eq!(removed.state, BaseState::Removed);
    let after = s
        .sign_up(&under("LA"), b.id, m[1].0, today(), "la", at(6))
        .await;
    assert!(
        matches!(&after, Err(StoreError::Conflict(w)) if w.contains("已撤销")),
        "{after:?}"
    );
    assert!(batch(&s, live.id, "2026-12-20", 10, &[], today())
        .await
        .is_err());
    // A district cannot review the city's base: not found.
    let outside = s
        .review_base(
            old.id,
            &under("LA"),
            BaseStep::Remove,
            "x",
            today(),
            "la",
            at(6),
        )
        .await;
    assert!(
        matches!(outside, Err(StoreError::NotFound(_))),
        "{outside:?}"
    );
    let audit = s.audit_log(50).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "recuperation.remove"));
    assert!(audit.iter().any(|e| e.action == "recuperation.renew"));
}

async fn sign_ups_keep_two_years_apart_within_quotas_and_scope<S: Store + RecuperationStore>(s: S) {
    tree(&s).await;
    let la = members(&s, "LA-JN-001", 1, 3).await;
    let sc = members(&s, "SC-XH-001", 50, 1).await;
    let base = admit(&s, "千岛湖基地", "2026-01-10").await;
    let first = batch(&s, base.id, "2026-12-10", 10, &[], today())
        .await
        .unwrap();
    s.sign_up(&under("LA"), first.id, la[0].0, today(), "la", at(5))
        .await
        .unwrap();
    // The same member twice in one batch: refused.
    let twice = s
        .sign_up(&under("LA"), first.id, la[0].0, today(), "la", at(5))
        .await;
    assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");
    // Within two years of 2026-12-10: refused naming the earlier batch.
    let soon = batch(&s, base.id, "2027-06-01", 10, &[], today())
        .await
        .unwrap();
    let again = s
        .sign_up(&under("LA"), soon.id, la[0].0, today(), "la", at(5))
        .await;
    assert!(
        matches!(&again, Err(StoreError::Conflict(w)) if w.contains("两年内")),
        "{again:?}"
    );
    // Quotas: LA-JN-001 has one place; a unit without a quota has none.
    let q = batch(
        &s,
        base.id,
        "2027-01-05",
        10,
        &[(code("LA-JN-001"), 1)],
        today(),
    )
    .await
    .unwrap();
    assert_eq!(q.quotas.len(), 1);
    s.sign_up(&under("LA"), q.id, la[1].0, today(), "la", at(5))
        .await
        .unwrap();
    let over = s
        .sign_up(&under("LA"), q.id, la[2].0, today(), "la", at(5))
        .await;
    assert!(
        matches!(&over, Err(StoreError::Conflict(w)) if w.contains("名额已报满")),
        "{over:?}"
    );
    let none = s
        .sign_up(&under("SC"), q.id, sc[0].0, today(), "sc", at(5))
        .await;
    assert!(
        matches!(&none, Err(StoreError::Conflict(w)) if w.contains("没有名额")),
        "{none:?}"
    );
    // Another district's member is not found for LA's office; nor its sign-ups listed.
    let outside = s
        .sign_up(&under("LA"), first.id, sc[0].0, today(), "la", at(5))
        .await;
    assert!(
        matches!(outside, Err(StoreError::NotFound(_))),
        "{outside:?}"
    );
    assert!(s.sign_ups(&under("SC"), first.id).await.unwrap().is_empty());
    // Figures: the city sees the batches it runs and the participants by unit.
    s.record_spend(
        &under("HZ"),
        first.id,
        huzhu_store::recuperation::Spend {
            lodging_fen: 300_000,
            transport_fen: 50_000,
            purchases_fen: 10_000,
        },
        "hz",
        at(6),
    )
    .await
    .unwrap();
    let (batches, people) = s
        .recuperation_figures(&under("HZ"), day("2026-01-01"), day("2027-12-31"))
        .await
        .unwrap();
    assert_eq!(batches.len(), 3);
    assert_eq!(batches.iter().map(|b| b.spend_fen).sum::<i64>(), 360_000);
    assert_eq!(people.iter().map(|p| p.participants).sum::<i64>(), 2);
    // LA may not record the city's batch's spend.
    let spend = s
        .record_spend(
            &under("LA"),
            first.id,
            huzhu_store::recuperation::Spend::default(),
            "la",
            at(6),
        )
        .await;
    assert!(matches!(spend, Err(StoreError::NotFound(_))), "{spend:?}");
}

fn purchase(supplier: &str, product: &str, quantity: i64, yuan: i64) -> NewPurchase {
    NewPurchase {
        supplier: supplier.into(),
        product: product.into(),
        quantity,
        amount_fen: yuan * 100,
        purchased_on: day("2026-01-15"),
    }
}

async fn purchases_are_designated_from_the_catalogue_and_reported_against_the_floor<
    S: Store + ProcurementStore,
>(
    s: S,
) {
    tree(&s).await;
    s.add_catalogue_entry(&code("HZ"), "四川泸定", "泸定果业", "苹果", "hz", at(3))
        .await
        .unwrap();
    let dup = s
        .add_catalogue_entry(&code("HZ"), "四川泸定", "泸定果业", "苹果", "hz", at(3))
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    // LA-JN-001: 480 boxes of apples (designated, 48,000元) of 300,000元: 16%, below 20%.
    let rows = s
        .record_purchases(
            &under("LA"),
            &code("LA-JN-001"),
            &[
                purchase("泸定果业", "苹果", 480, 48_000),
                purchase("本地超市", "礼盒", 1_000, 252_000),
            ],
            "hand",
            "la",
            at(4),
        )
        .await
        .unwrap();
    assert_eq!(
        rows.iter().map(|p| p.designated).collect::<Vec<_>>(),
        [true, false]
    );
    // LA-JN-002: all designated.
    s.record_purchases(
        &under("LA"),
        &code("LA-JN-002"),
        &[purchase("泸定果业", "苹果", 100, 10_000)],
        "import",
        "la",
        at(4),
    )
    .await
    .unwrap();
    // Outside the actor's subtree: not found, nothing written.
    let outside = s
        .record_purchases(
            &under("SC"),
            &code("LA-JN-001"),
            &[purchase("x", "y", 1, 1)],
            "hand",
            "sc",
            at(4),
        )
        .await;
    assert!(
        matches!(outside, Err(StoreError::NotFound(_))),
        "{outside:?}"
    );
    let report = s
        .procurement_report(&under("LA"), &code("LA"), 2026)
        .await
        .unwrap();
    let line = |c: &str| report.iter().find(|r| r.code == c).unwrap().clone();
    let u1 = line("LA-JN-001");
    assert_eq!(
        (u1.own_designated_fen, u1.own_total_fen),
        (4_800_000, 30_000_000)
    );
    assert_eq!(u1.floor_bp, None);
    let la = line("LA");
    assert_eq!(
        (la.subtree_designated_fen, la.subtree_total_fen),
        (5_800_000, 31_000_000)
    );
    // The city sets 15% for 2026 on LA's subtree: LA-JN-001 meets it.
    s.set_floor(&under("HZ"), &code("LA"), 2026, 1_500, "hz", at(5))
        .await
        .unwrap();
    let report = s
        .procurement_report(&under("LA"), &code("LA"), 2026)
        .await
        .unwrap();
    assert!(report.iter().all(|r| r.floor_bp == Some(1_500)));
    // Another year has no floor set and no purchases.
    let other = s
        .procurement_report(&under("LA"), &code("LA"), 2025)
        .await
        .unwrap();
    assert!(other
        .iter()
        .all(|r| r.floor_bp.is_none() && r.own_total_fen == 0));
    assert_eq!(s.purchases(&under("LA-JN"), 2026).await.unwrap().len(), 3);
    assert!(s.purchases(&under("SC"), 2026).await.unwrap().is_empty());
}

/// Twenty sign-ups of one member to twenty batches at once: one goes through, the others are
/// refused as within two years — on PostgreSQL too, where each reads the member's sign-ups in
/// its own transaction (the member's row is locked first).
async fn twenty_concurrent_sign_ups_of_one_member_to_twenty_batches_give_one<
    S: Store + RecuperationStore,
>(
    s: S,
) {
    tree(&s).await;
    let m = members(&s, "LA-JN-001", 1, 1).await[0].0;
    let base = admit(&s, "千岛湖基地", "2026-01-10").await;
    let mut batches = Vec::new();
    for k in 0..20u64 {
        let start = day("2026-12-10") + chrono::Days::new(7 * k);
        let b = batch(&s, base.id, &start.to_string(), 30, &[], today())
            .await
            .unwrap();
        batches.push(b.id);
    }
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(batches.len()));
    let mut tasks = Vec::new();
    for b in batches.clone() {
        let (s, barrier) = (s.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            s.sign_up(&under("LA"), b, m, today(), "la.officer", at(5))
                .await
        }));
    }
    let (mut ok, mut too_soon) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(StoreError::Conflict(why)) if why.contains("两年内已参加") => too_soon += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!((ok, too_soon), (1, 19));
    let mut live = 0;
    for b in batches {
        live += s.sign_ups(&under("LA"), b).await.unwrap().len();
    }
    assert_eq!(live, 1);
}

on_both!(
    twenty_concurrent_sign_ups_of_one_member_to_twenty_batches_give_one,
    a_hundred_concurrent_sign_ups_for_thirty_places_give_exactly_thirty,
    a_lapsed_or_removed_base_takes_no_new_batch_or_sign_up,
    sign_ups_keep_two_years_apart_within_quotas_and_scope,
    purchases_are_designated_from_the_catalogue_and_reported_against_the_floor,
);
