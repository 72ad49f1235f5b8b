//! Issue 13, what an office expects: claims found by the member's name or the end of their ID
//! number and counted as filtered, member searches counted, and the bank branch (开户行) kept
//! with the member — held with a new account until it is confirmed.

use super::*;
use huzhu_domain::money::Money;
use huzhu_domain::personal::{BankAccount, BankBranch};
use huzhu_domain::workflow::ClaimState;
use huzhu_store::money::*;

const ACCOUNT_A: &str = "6222020200112233445";
const ACCOUNT_B: &str = "6228480000999988887";

fn policy() -> PolicyRecord {
    PolicyRecord {
        id: "p-2026".into(),
        name: "p-2026 政策".into(),
        cycle_start: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        cycle_end: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        sha256: "sha-p".into(),
        source: "id = \"p-2026\"".into(),
        loaded_at: at(1),
    }
}

async fn claim<S: MoneyStore>(s: &S, member: MemberId, state: ClaimState) -> ClaimId {
    s.create_claim(&NewClaim {
        member,
        within: None,
        policy: "p-2026".into(),
        kind: "diagnosis".into(),
        fields: ClaimFields {
            state,
            body: "{\"kind\":\"diagnosis\"}".into(),
            event_date: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            submitted_on: Some(NaiveDate::from_ymd_opt(2026, 3, 9).unwrap()),
            decision: None,
            payable: None,
            approved: Money::ZERO,
            paid: Money::ZERO,
            flags: Vec::new(),
            review_reason: None,
            expert_cleared: false,
            returned_for: Vec::new(),
        },
        event: ClaimEvent {
            action: "submit".into(),
            from: None,
            to: state,
            actor: "test".into(),
            actor_role: "unit_officer".into(),
            reason: String::new(),
            at: at(2),
        },
    })
    .await
    .unwrap()
    .claim
    .id
}

async fn claims_are_found_by_the_members_name_or_id_tail_and_counted_as_filtered<
    S: Store + MoneyStore,
>(
    s: S,
) {
    tree(&s).await;
    let imp = start(&s, ImportKind::Members, "m.csv").await;
    s.import_member_batch(
        imp,
        &OrgScope::Everything,
        &[
            (2, member(1, "张三", "LA-JN-001")),
            (3, member(2, "张三丰", "SC-XH-001")),
            (4, member(3, "李四", "LA-JN-001")),
        ],
        at(1),
    )
    .await
    .unwrap();
    let m = |n| {
        let s = s.clone();
        async move { s.member_by_id_number(id(n).as_str()).await.unwrap().id }
    };
    let (m1, m2, m3) = (m(1).await, m(2).await, m(3).await);
    s.load_policy(&policy()).await.unwrap();
    let c1 = claim(&s, m1, ClaimState::Submitted).await;
    let c1b = claim(&s, m1, ClaimState::Approved).await;
    let c2 = claim(&s, m2, ClaimState::Submitted).await;
    let c3 = claim(&s, m3, ClaimState::Submitted).await;
    let found = |under: &'static str, f: ClaimFilter| {
        let s = s.clone();
        async move {
            let ids: Vec<ClaimId> = s
                .claims_under(&code(under), &f)
                .await
                .unwrap()
                .iter()
                .map(|c| c.id)
                .collect();
            let n = s.count_claims_under(&code(under), &f).await.unwrap();
            assert_eq!(n, ids.len() as u64, "the count agrees with the rows");
            ids
        }
    };
    let by_name = |n: &str| ClaimFilter {
        member_name: Some(n.into()),
        limit: 100,
        ..ClaimFilter::default()
    };
    assert_eq!(found("HZ", by_name("张三")).await, vec![c1, c1b, c2]);
    assert_eq!(found("LA", by_name("张三")).await, vec![c1, c1b], "scope");
    assert_eq!(found("LA", by_name("李四")).await, vec![c3]);
    assert!(
        found("HZ", by_name("_")).await.is_empty(),
        "a LIKE wildcard matches itself only"
    );
    assert!(found("HZ", by_name("%")).await.is_empty());
    let tail = |t: &str| ClaimFilter {
        id_tail: Some(t.into()),
        limit: 100,
        ..ClaimFilter::default()
    };
    assert_eq!(found("HZ", tail(&id(2).as_str()[14..])).await, vec![c2]);
    assert_eq!(found("HZ", tail(id(1).as_str())).await, vec![c1, c1b]);
    assert!(found("LA", tail(id(2).as_str())).await.is_empty());
    // With the other conditions: state, and paging aside for the count.
    let approved = ClaimFilter {
        states: vec![ClaimState::Approved],
        ..by_name("张三")
    };
    assert_eq!(found("HZ", approved).await, vec![c1b]);
    let paged = ClaimFilter {
        after: Some(c1),
        limit: 1,
        ..by_name("张三")
    };
    assert_eq!(
        s.count_claims_under(&code("HZ"), &paged).await.unwrap(),
        3,
        "a count ignores the page"
    );
    assert_eq!(
        s.count_claims_under(&code("HZ"), &ClaimFilter::default())
            .await
            .unwrap(),
        4
    );
}

async fn member_searches_are_counted_as_filtered<S: Store>(s: S) {
    tree(&s).await;
    let imp = start(&s, ImportKind::Members, "m.csv").await;
    let mut retired = member(3, "王五", "LA-JN-001");
    retired.status = EmploymentStatus::Retired;
    s.import_member_batch(
        imp,
        &OrgScope::Everything,
        &[
            (2, member(1, "张三", "LA-JN-001")),
            (3, member(2, "张三丰", "SC-XH-001")),
            (4, retired),
        ],
        at(1),
    )
    .await
    .unwrap();
    let count = |under: &'static str, f: MemberFilter| {
        let s = s.clone();
        async move { s.count_search_members(&code(under), &f).await.unwrap() }
    };
    assert_eq!(count("HZ", MemberFilter::default()).await, 3);
    assert_eq!(count("LA", MemberFilter::default()).await, 2);
    let name = MemberFilter {
        name: Some("张三".into()),
        ..MemberFilter::default()
    };
    assert_eq!(count("HZ", name.clone()).await, 2);
    assert_eq!(count("SC", name).await, 1);
    let retired = MemberFilter {
        status: Some("retired".into()),
        ..MemberFilter::default()
    };
    assert_eq!(count("HZ", retired).await, 1);
    let either = MemberFilter {
        name: Some("王五".into()),
        id_tail: Some(id(1).as_str()[14..].to_string()),
        any_text: true,
        ..MemberFilter::default()
    };
    assert_eq!(count("LA", either).await, 2);
}

fn banked(n: u32, account: &str, branch: Option<&str>) -> MemberRecord {
    let mut m = member(n, "张三", "LA-JN-001");
    m.bank_account = Some(BankAccount::parse(account).unwrap());
    m.bank_branch = branch.map(|b| BankBranch::parse(b).unwrap());
    m
}

async fn a_bank_branch_is_kept_with_the_member_and_held_with_a_new_account<
    S: Store + BankChangeStore,
>(
    s: S,
) {
    tree(&s).await;
    let imp = start(&s, ImportKind::Members, "a.csv").await;
    let out = s
        .import_member_batch(
            imp,
            &OrgScope::Everything,
            &[(2, banked(1, ACCOUNT_A, Some("中国工商银行临安支行")))],
            at(2),
        )
        .await
        .unwrap();
    assert_eq!(out, vec![(2, MemberOutcome::Created)]);
    let branch = |m: &StoredMember| {
        m.record
            .bank_branch
            .as_ref()
            .map(|b| b.as_str().to_string())
    };
    let m = s.member_by_id_number(id(1).as_str()).await.unwrap();
    assert_eq!(branch(&m).as_deref(), Some("中国工商银行临安支行"));

    // An empty cell keeps it; another branch of the same account is a change with history.
    let imp = start(&s, ImportKind::Members, "b.csv").await;
    let out = s
        .import_member_batch(
            imp,
            &OrgScope::Everything,
            &[(2, banked(1, ACCOUNT_A, None))],
            at(3),
        )
        .await
        .unwrap();
    assert_eq!(out, vec![(2, MemberOutcome::Unchanged)]);
    let imp = start(&s, ImportKind::Members, "b2.csv").await;
    let out = s
        .import_member_batch(
            imp,
            &OrgScope::Everything,
            &[(2, banked(1, ACCOUNT_A, Some("中国工商银行临安城中支行")))],
            at(3),
        )
        .await
        .unwrap();
    assert_eq!(
        out,
        vec![(
            2,
            MemberOutcome::Updated {
                changed: vec!["bank_branch"]
            }
        )]
    );
    let m = s.member_by_id_number(id(1).as_str()).await.unwrap();
    assert_eq!(branch(&m).as_deref(), Some("中国工商银行临安城中支行"));
    let history = s.member_history(m.id).await.unwrap();
    assert_eq!(
        history.last().unwrap().snapshot.bank_branch.as_deref(),
        Some("中国工商银行临安支行")
    );

    // A new account with its branch: both wait; confirming applies both.
    let imp = start(&s, ImportKind::Members, "c.csv").await;
    let out = s
        .import_member_batch(
            imp,
            &OrgScope::Under(code("LA-JN-001")),
            &[(2, banked(1, ACCOUNT_B, Some("中国农业银行临安支行")))],
            at(4),
        )
        .await
        .unwrap();
    assert!(
        matches!(&out[0].1, MemberOutcome::Held { changed } if changed.is_empty()),
        "{out:?}"
    );
    let m = s.member_by_id_number(id(1).as_str()).await.unwrap();
    assert_eq!(branch(&m).as_deref(), Some("中国工商银行临安城中支行"));
    let pending = s
        .pending_bank_changes(&OrgScope::Under(code("LA")))
        .await
        .unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        pending[0].new_branch.as_deref(),
        Some("中国农业银行临安支行")
    );
    s.decide_bank_change(
        pending[0].id,
        Decision::Confirm,
        None,
        "la.staff",
        &OrgScope::Under(code("LA")),
        at(5),
    )
    .await
    .unwrap();
    let m = s.member_by_id_number(id(1).as_str()).await.unwrap();
    assert_eq!(
        m.record.bank_account.as_ref().map(|a| a.as_str()),
        Some(ACCOUNT_B)
    );
    assert_eq!(branch(&m).as_deref(), Some("中国农业银行临安支行"));
    assert_eq!(
        s.member_history(m.id)
            .await
            .unwrap()
            .last()
            .unwrap()
            .changed,
        ["bank_account", "bank_branch"]
    );
}

on_both!(
    claims_are_found_by_the_members_name_or_id_tail_and_counted_as_filtered,
    member_searches_are_counted_as_filtered,
    a_bank_branch_is_kept_with_the_member_and_held_with_a_new_account,
);
