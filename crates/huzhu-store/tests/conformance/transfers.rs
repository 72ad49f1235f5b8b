//! Issue 14: a member moves between units by a transfer request that the giving side confirms.

use super::*;

fn under(c: &str) -> OrgScope {
    OrgScope::Under(code(c))
}

fn members_of(v: &huzhu_store::stats::StatsView) -> i64 {
    v.members.values().sum()
}

/// `tree`, member 1 (张三) of SC-XH-001, and a request by LA-JN-001's officer naming them.
async fn requested<S: Store + TransferStore>(s: &S, id_number: &str, name: &str) -> Transfer {
    tree(s).await;
    let imp = start(s, ImportKind::Members, "sc.csv").await;
    let out = s
        .import_member_batch(
            imp,
            &OrgScope::Everything,
            &[(2, member(1, "张三", "SC-XH-001"))],
            at(2),
        )
        .await
        .unwrap();
    assert_eq!(out, vec![(2, MemberOutcome::Created)]);
    s.request_transfer(
        &NewTransfer {
            id_number,
            name,
            to: &code("LA-JN-001"),
            reason: "工作调动",
            by: "la.officer",
        },
        at(3),
    )
    .await
    .unwrap()
}

async fn a_confirmed_transfer_moves_the_member_with_history_statistics_and_audit_under_both_units<
    S: Store + TransferStore + StatsStore,
>(
    s: S,
) {
    let t = requested(&s, id(1).as_str(), "张三").await;
    assert_eq!(t.status, "pending");
    let before = s.member_by_id_number(id(1).as_str()).await.unwrap();
    assert_eq!(t.member, Some(before.id));
    assert_eq!(t.from, Some(code("SC-XH-001")));
    let la = s.stats(&code("LA-JN-001"), None).await.unwrap();
    assert_eq!(members_of(&la), 0);
    // The giving unit sees it; the receiving unit's own scope does not decide it.
    assert_eq!(
        s.pending_transfers(&under("SC-XH-001")).await.unwrap(),
        vec![t.clone()]
    );
    assert!(s
        .pending_transfers(&under("LA-JN-001"))
        .await
        .unwrap()
        .is_empty());
    assert!(s.pending_transfers(&under("LA")).await.unwrap().is_empty());
    assert!(matches!(
        s.decide_transfer(
            t.id,
            Decision::Confirm,
            None,
            "la.staff",
            &under("LA"),
            at(4)
        )
        .await,
        Err(StoreError::NotFound(_))
    ));

    let done = s
        .decide_transfer(
            t.id,
            Decision::Confirm,
            None,
            "sc.officer",
            &under("SC-XH-001"),
            at(4),
        )
        .await
        .unwrap();
    assert_eq!(
        (done.status.as_str(), done.decided_by.as_deref()),
        ("confirmed", Some("sc.officer"))
    );
    let after = s.member_by_id_number(id(1).as_str()).await.unwrap();
    assert_eq!(after.record.org, code("LA-JN-001"));
    assert_eq!(after.version, before.version + 1);
    let history = s.member_history(after.id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].snapshot.org, "SC-XH-001");
    assert_eq!(history[0].changed, ["org"]);
    assert_eq!(
        members_of(&s.stats(&code("LA-JN-001"), None).await.unwrap()),
        1
    );
    assert_eq!(members_of(&s.stats(&code("SC"), None).await.unwrap()), 0);
    assert!(
        s.check_stats(10).await.unwrap().is_empty(),
        "statistics stay exact"
    );
    let audit = s.audit_log(10).await.unwrap();
    let moves: Vec<_> = audit
        .iter()
        .filter(|e| e.action == "member.transfer")
        .collect();
    let mut units: Vec<_> = moves.iter().map(|e| e.org.clone()).collect();
    units.sort();
    assert_eq!(units, [Some(code("LA-JN-001")), Some(code("SC-XH-001"))]);
    assert!(
        moves
            .iter()
            .all(|e| e.detail.contains(&format!("(transfer request) {}", t.id))),
        "{moves:?}"
    );

    // Decided: a second decision is a conflict, and the request is no longer pending.
    assert!(matches!(
        s.decide_transfer(
            t.id,
            Decision::Refuse,
            Some("不同意"),
            "sc.officer",
            &under("SC-XH-001"),
            at(5)
        )
        .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(s
        .pending_transfers(&under("SC-XH-001"))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        s.transfers_requested_by("la.officer").await.unwrap()[0].status,
        "confirmed"
    );
}

async fn the_requester_cannot_decide_their_own_transfer_request<S: Store + TransferStore>(s: S) {
    let t = requested(&s, id(1).as_str(), "张三").await;
    assert!(matches!(
        s.decide_transfer(t.id, Decision::Confirm, None, "la.officer", &OrgScope::Everything, at(4))
            .await,
        Err(StoreError::Conflict(m)) if m == huzhu_store::transfers::SAME_PERSON
    ));
    let after = s.member_by_id_number(id(1).as_str()).await.unwrap();
    assert_eq!(after.record.org, code("SC-XH-001"));
}

async fn a_request_matching_no_member_moves_nothing_and_only_federation_staff_above_the_receiving_unit_refuse_it<
    S: Store + TransferStore + StatsStore,
>(
    s: S,
) {
    // The right ID number under another name matches no one.
    let t = requested(&s, id(1).as_str(), "李四").await;
    assert_eq!(
        (t.status.as_str(), t.member, t.from.as_ref()),
        ("pending", None, None)
    );
    let other = s
        .request_transfer(
            &NewTransfer {
                id_number: id(7).as_str(),
                name: "王五",
                to: &code("LA-JN-001"),
                reason: "工作调动",
                by: "la.officer",
            },
            at(3),
        )
        .await
        .unwrap();
    assert_eq!(other.member, None);
    assert!(s
        .pending_transfers(&under("SC-XH-001"))
        .await
        .unwrap()
        .is_empty());
    assert!(s
        .pending_transfers(&under("LA-JN-001"))
        .await
        .unwrap()
        .is_empty());
    let la = s.pending_transfers(&under("LA")).await.unwrap();
    assert_eq!(
        la.iter().map(|t| t.id).collect::<Vec<_>>(),
        [t.id, other.id]
    );
    assert!(matches!(
        s.decide_transfer(
            t.id,
            Decision::Confirm,
            None,
            "la.staff",
            &under("LA"),
            at(4)
        )
        .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.decide_transfer(
            t.id,
            Decision::Refuse,
            Some("查无此人"),
            "sc.officer",
            &under("SC-XH-001"),
            at(4)
        )
        .await,
        Err(StoreError::NotFound(_))
    ));
    let refused = s
        .decide_transfer(
            t.id,
            Decision::Refuse,
            Some("查无此人"),
            "la.staff",
            &under("LA"),
            at(4),
        )
        .await
        .unwrap();
    assert_eq!(refused.status, "refused");
    assert_eq!(refused.decision_reason.as_deref(), Some("查无此人"));
    let m = s.member_by_id_number(id(1).as_str()).await.unwrap();
    assert_eq!((m.record.org, m.version), (code("SC-XH-001"), 1));
    assert!(s.member_history(m.id).await.unwrap().is_empty());
    assert!(s.check_stats(10).await.unwrap().is_empty());
    let mine = s.transfers_requested_by("la.officer").await.unwrap();
    assert_eq!(
        mine.iter().map(|t| t.status.as_str()).collect::<Vec<_>>(),
        ["pending", "refused"],
        "newest first"
    );
}

on_both!(
    a_confirmed_transfer_moves_the_member_with_history_statistics_and_audit_under_both_units,
    the_requester_cannot_decide_their_own_transfer_request,
    a_request_matching_no_member_moves_nothing_and_only_federation_staff_above_the_receiving_unit_refuse_it,
);
