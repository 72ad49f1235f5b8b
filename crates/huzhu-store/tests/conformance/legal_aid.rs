//! Issue 17: legal aid 法律援助 (SPEC 7.7) — the case's steps in the transaction, the panel,
//! scope, and one step winning when two race.

use super::*;
use huzhu_domain::legal_aid::{ActivityKind, CaseState, DisputeKind, Outcome, StepKind};
use huzhu_store::legal_aid::{CaseChange, CaseFilter, LegalCase, NewCase, NewLawyer};

fn under(c: &str) -> OrgScope {
    OrgScope::Under(code(c))
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// `tree` and members 张三 (LA-JN-001), 王五 (SC-XH-001).
async fn roster<S: Store>(s: &S) -> (MemberId, MemberId) {
    tree(s).await;
    let imp = start(s, ImportKind::Members, "m.csv").await;
    s.import_member_batch(
        imp,
        &OrgScope::Everything,
        &[
            (2, member(1, "张三", "LA-JN-001")),
            (3, member(3, "王五", "SC-XH-001")),
        ],
        at(1),
    )
    .await
    .unwrap();
    let m = |n| async move { s.member_by_id_number(id(n).as_str()).await.unwrap().id };
    (m(1).await, m(3).await)
}

async fn open<S: LegalAidStore>(
    s: &S,
    scope: &OrgScope,
    m: MemberId,
) -> Result<LegalCase, StoreError> {
    s.open_case(
        scope,
        &NewCase {
            member: m,
            kind: DisputeKind::Wages,
            summary: "拖欠工资三个月",
            approval_due: d("2026-03-09"),
            by: "la.officer",
            on: d("2026-03-02"),
        },
        at(2),
    )
    .await
}

fn conflict<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Err(StoreError::Conflict(m)) => m,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

async fn a_case_runs_from_intake_to_closing_with_its_timeline<S: Store + LegalAidStore>(s: S) {
    let (zhang, _) = roster(&s).await;
    let c = open(&s, &under("LA-JN-001"), zhang).await.unwrap();
    assert_eq!(c.state, CaseState::Intake);
    assert_eq!(c.org, code("LA-JN-001"));
    assert_eq!(c.approval_due, d("2026-03-09"));
    let la = under("LA");
    let step = |change: CaseChange<'static>, today: &'static str| {
        let s = s.clone();
        let la = la.clone();
        async move {
            s.legal_case_step(&la, c.id, &change, "la.staff", d(today), at(3))
                .await
        }
    };
    // Approval before the eligibility check: 409 naming the state and the step.
    let m = conflict(
        step(
            CaseChange::Approve {
                handling_due: d("2026-06-01"),
                note: "",
            },
            "2026-03-03",
        )
        .await,
    );
    assert!(
        m.contains("已受理") && m.contains("district approval"),
        "{m}"
    );
    let c1 = step(
        CaseChange::Check {
            eligible: true,
            reason: None,
        },
        "2026-03-03",
    )
    .await
    .unwrap();
    assert_eq!(c1.state, CaseState::Eligible);
    let c2 = step(
        CaseChange::Approve {
            handling_due: d("2026-06-02"),
            note: "同意援助",
        },
        "2026-03-04",
    )
    .await
    .unwrap();
    assert_eq!(c2.state, CaseState::Approved);
    assert_eq!(c2.approved_on, Some(d("2026-03-04")));
    assert_eq!(c2.handling_due, Some(d("2026-06-02")));
    // A lawyer of the district's panel; one of another district's panel is not found.
    let lawyer = s
        .add_lawyer(
            &la,
            &NewLawyer {
                org: &code("LA"),
                name: "陈律师",
                firm: "浙江某律师事务所",
                phone: None,
                by: "la.staff",
            },
            at(3),
        )
        .await
        .unwrap();
    let other = s
        .add_lawyer(
            &under("SC"),
            &NewLawyer {
                org: &code("SC"),
                name: "周律师",
                firm: "某所",
                phone: None,
                by: "sc.staff",
            },
            at(3),
        )
        .await
        .unwrap();
    assert!(matches!(
        step(
            CaseChange::Assign {
                lawyer: other.id,
                note: ""
            },
            "2026-03-05"
        )
        .await,
        Err(StoreError::NotFound(_))
    ));
    // Off the panel: refused.
    s.set_lawyer_active(&la, lawyer.id, false, "la.staff", at(3))
        .await
        .unwrap();
    conflict(
        step(
            CaseChange::Assign {
                lawyer: lawyer.id,
                note: "",
            },
            "2026-03-05",
        )
        .await,
    );
    s.set_lawyer_active(&la, lawyer.id, true, "la.staff", at(3))
        .await
        .unwrap();
    let c3 = step(
        CaseChange::Assign {
            lawyer: lawyer.id,
            note: "",
        },
        "2026-03-05",
    )
    .await
    .unwrap();
    assert_eq!(c3.state, CaseState::Assigned);
    assert_eq!(c3.lawyer_name.as_deref(), Some("陈律师"));
    // An activity dated before the assignment is refused.
    conflict(
        step(
            CaseChange::Record {
                on: d("2026-03-04"),
                activity: ActivityKind::Advice,
                note: "咨询",
            },
            "2026-03-06",
        )
        .await,
    );
    let c4 = step(
        CaseChange::Record {
            on: d("2026-03-05"),
            activity: ActivityKind::Advice,
            note: "法律咨询",
        },
        "2026-03-06",
    )
    .await
    .unwrap();
    assert_eq!(c4.state, CaseState::Handling);
    step(
        CaseChange::Record {
            on: d("2026-03-20"),
            activity: ActivityKind::Mediation,
            note: "调解",
        },
        "2026-03-20",
    )
    .await
    .unwrap();
    // Money recovered on a lost case is refused.
    conflict(
        step(
            CaseChange::Close {
                outcome: Outcome::Lost,
                recovered_fen: 100,
                note: "",
            },
            "2026-03-21",
        )
        .await,
    );
    let c5 = step(
        CaseChange::Close {
            outcome: Outcome::Mediated,
            recovered_fen: 1_234_500,
            note: "调解结案",
        },
        "2026-03-21",
    )
    .await
    .unwrap();
    assert_eq!(c5.state, CaseState::Closed);
    assert_eq!(c5.recovered_fen, 1_234_500);
    assert_eq!(c5.outcome, Some(Outcome::Mediated));
    let events = s
        .legal_case_events(&Visibility::Member(zhang), c.id)
        .await
        .unwrap();
    let steps: Vec<StepKind> = events.iter().map(|e| e.step).collect();
    assert_eq!(
        steps,
        [
            StepKind::Open,
            StepKind::Check,
            StepKind::Approve,
            StepKind::Assign,
            StepKind::Record,
            StepKind::Record,
            StepKind::Close
        ]
    );
    assert_eq!(events[5].on, d("2026-03-20"));
    assert_eq!(events[5].activity, Some(ActivityKind::Mediation));
    assert!(events
        .iter()
        .all(|e| e.actor == "la.staff" || e.actor == "la.officer"));
    // Figures: one case, closed, mediated, the amount.
    let f = s
        .legal_aid_figures(&under("LA"), d("2026-01-01"), d("2026-12-31"))
        .await
        .unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].cases, 1);
    assert_eq!(f[0].recovered_fen, 1_234_500);
    assert_eq!(f[0].lawyer.as_deref(), Some("陈律师"));
    assert!(s
        .legal_aid_figures(&under("SC"), d("2026-01-01"), d("2026-12-31"))
        .await
        .unwrap()
        .is_empty());
}

async fn cases_outside_the_scope_are_not_found<S: Store + LegalAidStore>(s: S) {
    let (zhang, wang) = roster(&s).await;
    // A member of another district cannot be opened for.
    assert!(matches!(
        open(&s, &under("LA"), wang).await,
        Err(StoreError::NotFound(_))
    ));
    let c = open(&s, &under("LA"), zhang).await.unwrap();
    let sc = Visibility::Orgs(under("SC"));
    assert!(matches!(
        s.legal_case(&sc, c.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.legal_case(&Visibility::Member(wang), c.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        s.legal_case(&Visibility::Member(zhang), c.id)
            .await
            .unwrap()
            .id,
        c.id
    );
    assert!(s
        .legal_cases(
            &sc,
            &CaseFilter {
                limit: 50,
                ..CaseFilter::default()
            }
        )
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        s.legal_cases(
            &Visibility::Orgs(under("HZ")),
            &CaseFilter {
                open_only: true,
                limit: 50,
                ..CaseFilter::default()
            }
        )
        .await
        .unwrap()
        .len(),
        1
    );
    assert!(matches!(
        s.legal_case_step(
            &under("SC"),
            c.id,
            &CaseChange::Refuse { reason: "x" },
            "sc.staff",
            d("2026-03-03"),
            at(3)
        )
        .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.legal_case_events(&sc, c.id).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn two_racing_steps_on_a_case_change_it_once<S: Store + LegalAidStore>(s: S) {
    let (zhang, _) = roster(&s).await;
    let c = open(&s, &under("LA"), zhang).await.unwrap();
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let change = CaseChange::Check {
                eligible: true,
                reason: None,
            };
            s.legal_case_step(
                &under("LA"),
                c.id,
                &change,
                "la.staff",
                d("2026-03-03"),
                at(3),
            )
            .await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(StoreError::Conflict(_)) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(ok, 1, "exactly one step wins");
    let events = s
        .legal_case_events(&Visibility::Orgs(under("LA")), c.id)
        .await
        .unwrap();
    assert_eq!(events.len(), 2, "open and one step");
}

/// Two lawyers of the panel with one name, each assigned a case: the figures keep them apart
/// (grouped by the lawyer's id, each line with its name and firm).
async fn two_lawyers_of_one_name_are_two_lines_of_the_figures<S: Store + LegalAidStore>(s: S) {
    let (zhang, _) = roster(&s).await;
    let la = under("LA");
    let mut lawyers = Vec::new();
    for firm in ["甲律师事务所", "乙律师事务所"] {
        let l = s
            .add_lawyer(
                &la,
                &NewLawyer {
                    org: &code("LA"),
                    name: "陈律师",
                    firm,
                    phone: None,
                    by: "la.staff",
                },
                at(3),
            )
            .await
            .unwrap();
        lawyers.push(l.id);
    }
    for lawyer in &lawyers {
        let c = open(&s, &under("LA-JN-001"), zhang).await.unwrap();
        for change in [
            CaseChange::Check {
                eligible: true,
                reason: None,
            },
            CaseChange::Approve {
                handling_due: d("2026-06-02"),
                note: "",
            },
            CaseChange::Assign {
                lawyer: *lawyer,
                note: "",
            },
        ] {
            s.legal_case_step(&la, c.id, &change, "la.staff", d("2026-03-04"), at(3))
                .await
                .unwrap();
        }
    }
    let f = s
        .legal_aid_figures(&la, d("2026-01-01"), d("2026-12-31"))
        .await
        .unwrap();
    type Line<'a> = (Option<i64>, Option<&'a str>, Option<&'a str>, i64);
    let mut seen: Vec<Line> = f
        .iter()
        .map(|x| {
            (
                x.lawyer_id,
                x.lawyer.as_deref(),
                x.lawyer_firm.as_deref(),
                x.cases,
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            (Some(lawyers[0]), Some("陈律师"), Some("甲律师事务所"), 1),
            (Some(lawyers[1]), Some("陈律师"), Some("乙律师事务所"), 1),
        ]
    );
}

on_both!(
    two_lawyers_of_one_name_are_two_lines_of_the_figures,
    a_case_runs_from_intake_to_closing_with_its_timeline,
    cases_outside_the_scope_are_not_found,
    two_racing_steps_on_a_case_change_it_once,
);
