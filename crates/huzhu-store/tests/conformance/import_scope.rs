//! Issue 14: a roster import changes only members it may change, moves between units are
//! transfers, and a new bank account waits for a second person.

use super::*;
use huzhu_domain::personal::BankAccount;

const ACCOUNT_A: &str = "6222020200112233445";
const ACCOUNT_B: &str = "6228480000999988887";
const ACCOUNT_C: &str = "6217000011112222333";

fn with_account(mut m: MemberRecord, account: &str) -> MemberRecord {
    m.bank_account = Some(BankAccount::parse(account).unwrap());
    m
}

fn under(c: &str) -> OrgScope {
    OrgScope::Under(code(c))
}

/// `tree`, and member 1 (张三) of SC-XH-001 with account A, imported from the command line.
async fn sc_member<S: Store>(s: &S) -> StoredMember {
    tree(s).await;
    let imp = start(s, ImportKind::Members, "sc.csv").await;
    let row = with_account(member(1, "张三", "SC-XH-001"), ACCOUNT_A);
    let out = s
        .import_member_batch(imp, &OrgScope::Everything, &[(2, row)], at(2))
        .await
        .unwrap();
    assert_eq!(out, vec![(2, MemberOutcome::Created)]);
    s.member_by_id_number(id(1).as_str()).await.unwrap()
}

async fn an_officer_importing_another_districts_member_gets_the_generic_refusal_and_nothing_changes<
    S: Store + BankChangeStore,
>(
    s: S,
) {
    let before = sc_member(&s).await;
    // LA-JN-001's officer names SC's member, with their own unit and a new account.
    let imp = start(&s, ImportKind::Members, "takeover.csv").await;
    let row = with_account(member(1, "张三", "LA-JN-001"), ACCOUNT_B);
    let out = s
        .import_member_batch(imp, &under("LA-JN-001"), &[(2, row)], at(3))
        .await
        .unwrap();
    assert_eq!(
        out,
        vec![(2, MemberOutcome::Rejected(MemberRejection::NotRegistrable))]
    );
    let after = s.member_by_id_number(id(1).as_str()).await.unwrap();
    assert_eq!(after.record.org, code("SC-XH-001"));
    assert_eq!(
        after.record.bank_account.as_ref().map(|b| b.as_str()),
        Some(ACCOUNT_A)
    );
    assert_eq!(
        (after.version, after.updated_at),
        (before.version, before.updated_at)
    );
    assert!(s.member_history(after.id).await.unwrap().is_empty());
    assert!(s
        .pending_bank_changes(&OrgScope::Everything)
        .await
        .unwrap()
        .is_empty());
    let sc = s
        .members_under(
            &code("SC"),
            Page {
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(sc.iter().map(|m| m.id).collect::<Vec<_>>(), vec![after.id]);
    assert_eq!(s.count_members_under(&code("LA")).await.unwrap(), 0);
    // A unit outside the subtree, or none at all, is one answer about the unit.
    let out = s
        .import_member_batch(
            imp,
            &under("LA-JN-001"),
            &[
                (3, member(2, "李四", "SC-XH-001")),
                (4, member(3, "王五", "NOPE")),
            ],
            at(3),
        )
        .await
        .unwrap();
    assert_eq!(
        out,
        vec![
            (
                3,
                MemberOutcome::Rejected(MemberRejection::OrgOutOfScope(code("SC-XH-001")))
            ),
            (
                4,
                MemberOutcome::Rejected(MemberRejection::OrgOutOfScope(code("NOPE")))
            ),
        ]
    );
    assert_eq!(s.count_members_under(&code("HZ")).await.unwrap(), 1);
}

async fn an_id_number_of_another_city_is_refused_with_the_same_words<S: Store>(s: S) {
    tree(&s).await;
    let imp = start(&s, ImportKind::Orgs, "wz.csv").await;
    let rows = vec![
        (2, org("WZ", None, OrgLevel::City)),
        (3, org("LC", Some("WZ"), OrgLevel::District)),
        (4, org("LC-01", Some("LC"), OrgLevel::Street)),
        (5, org("LC-01-001", Some("LC-01"), OrgLevel::Grassroots)),
    ];
    s.import_org_batch(imp, &rows, at(1)).await.unwrap();
    let imp = start(&s, ImportKind::Members, "wz-m.csv").await;
    s.import_member_batch(
        imp,
        &OrgScope::Everything,
        &[
            (2, member(1, "张三", "LC-01-001")),
            (3, member(2, "李四", "SC-XH-001")),
        ],
        at(2),
    )
    .await
    .unwrap();

    let imp = start(&s, ImportKind::Members, "la.csv").await;
    let out = s
        .import_member_batch(
            imp,
            &under("LA-JN-001"),
            &[
                (2, member(1, "张三", "LA-JN-001")),
                (3, member(2, "李四", "LA-JN-001")),
            ],
            at(3),
        )
        .await
        .unwrap();
    let words: Vec<String> = out
        .iter()
        .map(|(_, o)| match o {
            MemberOutcome::Rejected(why) => why.to_string(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        words[0], words[1],
        "another city and another district: one wording"
    );
    assert_eq!(
        words[0],
        "该身份证号无法登记到本单位，请核对或联系上级工会 (this ID number cannot be registered to \
         this unit: check it or contact the federation above)"
    );
    // The command line gets the same words for another city's member.
    let imp = start(&s, ImportKind::Members, "cli.csv").await;
    let out = s
        .import_member_batch(
            imp,
            &OrgScope::Everything,
            &[(2, member(1, "张三", "LA-JN-001"))],
            at(3),
        )
        .await
        .unwrap();
    assert_eq!(
        out,
        vec![(2, MemberOutcome::Rejected(MemberRejection::NotRegistrable))]
    );
    let wz = s.member_by_id_number(id(1).as_str()).await.unwrap();
    assert_eq!(wz.record.org, code("LC-01-001"));
}

async fn a_move_inside_a_district_by_the_district_is_applied_and_audited_as_a_transfer<S: Store>(
    s: S,
) {
    tree(&s).await;
    let imp = start(&s, ImportKind::Members, "la.csv").await;
    s.import_member_batch(
        imp,
        &OrgScope::Everything,
        &[(2, member(1, "张三", "LA-JN-001"))],
        at(2),
    )
    .await
    .unwrap();
    let m = s.member_by_id_number(id(1).as_str()).await.unwrap();

    // The receiving unit alone cannot take the member: it does not see them.
    let imp = start(&s, ImportKind::Members, "take.csv").await;
    let out = s
        .import_member_batch(
            imp,
            &under("LA-JN-002"),
            &[(2, member(1, "张三", "LA-JN-002"))],
            at(3),
        )
        .await
        .unwrap();
    assert_eq!(
        out,
        vec![(2, MemberOutcome::Rejected(MemberRejection::NotRegistrable))]
    );
    assert_eq!(
        s.member_by_id_number(id(1).as_str())
            .await
            .unwrap()
            .record
            .org,
        code("LA-JN-001")
    );

    // The district above both moves them.
    let imp = start(&s, ImportKind::Members, "move.csv").await;
    let out = s
        .import_member_batch(
            imp,
            &under("LA"),
            &[(2, member(1, "张三", "LA-JN-002"))],
            at(4),
        )
        .await
        .unwrap();
    assert_eq!(
        out,
        vec![(
            2,
            MemberOutcome::Updated {
                changed: vec!["org"]
            }
        )]
    );
    let moved = s.member_by_id_number(id(1).as_str()).await.unwrap();
    assert_eq!((moved.record.org.as_str(), moved.version), ("LA-JN-002", 2));
    let transfers: Vec<AuditEntry> = s
        .audit_log(10)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "member.transfer")
        .collect();
    let mut orgs: Vec<_> = transfers.iter().map(|e| e.org.clone()).collect();
    orgs.sort();
    assert_eq!(orgs, [Some(code("LA-JN-001")), Some(code("LA-JN-002"))]);
    for e in &transfers {
        assert_eq!(e.actor, "test");
        assert_eq!(e.subject, format!("member {}", m.id.0));
        assert!(
            e.detail.contains("from LA-JN-001 to LA-JN-002"),
            "{}",
            e.detail
        );
        assert_eq!(e.at, at(4));
    }
}

async fn a_new_bank_account_is_held_until_another_account_confirms_it<
    S: Store + BankChangeStore,
>(
    s: S,
) {
    tree(&s).await;
    let imp = start(&s, ImportKind::Members, "la.csv").await;
    let row = with_account(member(1, "张三", "LA-JN-001"), ACCOUNT_A);
    s.import_member_batch(imp, &OrgScope::Everything, &[(2, row)], at(2))
        .await
        .unwrap();
    let m = s.member_by_id_number(id(1).as_str()).await.unwrap();

    // The unit's own import names account B (and a new phone): the phone changes, B waits.
    let imp = start(&s, ImportKind::Members, "bank.csv").await;
    let mut row = with_account(member(1, "张三", "LA-JN-001"), ACCOUNT_B);
    row.phone = Some(Phone::parse("13900139000").unwrap());
    let out = s
        .import_member_batch(imp, &under("LA-JN-001"), &[(2, row.clone())], at(3))
        .await
        .unwrap();
    assert_eq!(
        out,
        vec![(
            2,
            MemberOutcome::Held {
                changed: vec!["phone"]
            }
        )]
    );
    let held = s.member_by_id_number(id(1).as_str()).await.unwrap();
    assert_eq!(
        held.record.bank_account.as_ref().map(|b| b.as_str()),
        Some(ACCOUNT_A)
    );
    assert_eq!(
        held.record.phone.as_ref().map(|p| p.as_str()),
        Some("13900139000")
    );
    let pending = s.pending_bank_changes(&under("LA")).await.unwrap();
    assert_eq!(pending.len(), 1);
    let change = &pending[0];
    assert_eq!(
        (
            change.old_account.as_deref(),
            change.new_account.as_str(),
            change.proposed_by.as_str()
        ),
        (Some(ACCOUNT_A), ACCOUNT_B, "test")
    );
    assert_eq!((change.member, change.org.as_str()), (m.id, "LA-JN-001"));
    assert!(s
        .pending_bank_changes(&under("SC"))
        .await
        .unwrap()
        .is_empty());

    // The same file again proposes nothing new.
    let again = start(&s, ImportKind::Members, "bank.csv").await;
    let out = s
        .import_member_batch(again, &under("LA-JN-001"), &[(2, row)], at(4))
        .await
        .unwrap();
    assert_eq!(out, vec![(2, MemberOutcome::Unchanged)]);
    assert_eq!(s.pending_bank_changes(&under("LA")).await.unwrap().len(), 1);

    // Not by its proposer, not from outside the member's subtree.
    let confirm = Decision::Confirm;
    assert!(matches!(
        s.decide_bank_change(change.id, confirm, None, "test", &under("LA"), at(5))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.decide_bank_change(change.id, confirm, None, "sc.officer", &under("SC"), at(5))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        s.member_by_id_number(id(1).as_str())
            .await
            .unwrap()
            .record
            .bank_account
            .map(|b| b.as_str().to_string()),
        Some(ACCOUNT_A.to_string())
    );

    let done = s
        .decide_bank_change(change.id, confirm, None, "la.staff", &under("LA"), at(5))
        .await
        .unwrap();
    assert_eq!(
        (done.status.as_str(), done.decided_by.as_deref()),
        ("confirmed", Some("la.staff"))
    );
    let now = s.member_by_id_number(id(1).as_str()).await.unwrap();
    assert_eq!(
        now.record.bank_account.as_ref().map(|b| b.as_str()),
        Some(ACCOUNT_B)
    );
    assert_eq!(now.version, held.version + 1);
    let history = s.member_history(now.id).await.unwrap();
    assert_eq!(history.last().unwrap().changed, ["bank_account"]);
    assert_eq!(
        history.last().unwrap().snapshot.bank_account.as_deref(),
        Some(ACCOUNT_A)
    );
    assert!(s
        .pending_bank_changes(&under("LA"))
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        s.decide_bank_change(change.id, confirm, None, "la.staff", &under("LA"), at(5))
            .await,
        Err(StoreError::NotFound(_))
    ));

    // A later proposal rejected leaves B.
    let imp = start(&s, ImportKind::Members, "bank2.csv").await;
    let row = with_account(member(1, "张三", "LA-JN-001"), ACCOUNT_C);
    s.import_member_batch(imp, &OrgScope::Everything, &[(2, row)], at(6))
        .await
        .unwrap();
    let next = s.pending_bank_changes(&OrgScope::Everything).await.unwrap();
    assert_eq!(next[0].old_account.as_deref(), Some(ACCOUNT_B));
    // A rejection without a reason is refused; with one, the reason is kept.
    assert!(matches!(
        s.decide_bank_change(
            next[0].id,
            Decision::Refuse,
            Some(" "),
            "la.staff",
            &under("LA"),
            at(7)
        )
        .await,
        Err(StoreError::Conflict(_))
    ));
    let rejected = s
        .decide_bank_change(
            next[0].id,
            Decision::Refuse,
            Some("账号有误"),
            "la.staff",
            &under("LA"),
            at(7),
        )
        .await
        .unwrap();
    assert_eq!(
        (
            rejected.status.as_str(),
            rejected.decision_reason.as_deref()
        ),
        ("rejected", Some("账号有误"))
    );
    let now = s.member_by_id_number(id(1).as_str()).await.unwrap();
    assert_eq!(
        now.record.bank_account.as_ref().map(|b| b.as_str()),
        Some(ACCOUNT_B)
    );

    // Proposed, confirmed, proposed, rejected: each audited under the unit, accounts masked.
    let log = s.audit_log(20).await.unwrap();
    let bank: Vec<&AuditEntry> = log
        .iter()
        .filter(|e| e.action.starts_with("member.bank_change."))
        .collect();
    let actions: Vec<&str> = bank.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "member.bank_change.proposed",
            "member.bank_change.confirmed",
            "member.bank_change.proposed",
            "member.bank_change.rejected"
        ]
    );
    for e in &bank {
        assert_eq!(e.org, Some(code("LA-JN-001")));
        for full in [ACCOUNT_A, ACCOUNT_B, ACCOUNT_C] {
            assert!(!e.detail.contains(full), "{}", e.detail);
        }
    }
    assert!(
        bank[3]
            .detail
            .contains("6222***********3445 → 6228***********8887"),
        "{}",
        bank[3].detail
    );
}

on_both!(
    an_officer_importing_another_districts_member_gets_the_generic_refusal_and_nothing_changes,
    an_id_number_of_another_city_is_refused_with_the_same_words,
    a_move_inside_a_district_by_the_district_is_applied_and_audited_as_a_transfer,
    a_new_bank_account_is_held_until_another_account_confirms_it,
);
