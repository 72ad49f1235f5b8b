//! The demo's money path (issue 5): the 2022 cycle of `hangzhou-2022` for the 临安 district —
//! its twelve units enrolled and billed (all but two bills paid), and claims in every state of
//! the workflow, one paid in a settled payout batch and one sent back in a failed line — so that
//! every screen and report has something real to show. It runs the same use cases as the API,
//! with the demo accounts as actors and a clock set to the cycle's dates, and loads once. Four
//! eyes as everywhere: unit officers make the claims, city staff accept and approve them,
//! `finance` builds the payout batch and `cashier` settles it.

use crate::claims::{act, create_claim, ClaimRequest};
use crate::enrolment::{enrol_unit, pay_bill, EnrolUnit};
use crate::{documents, payouts, AppError, Clock, SettableClock};
use chrono::{TimeZone, Utc};
use huzhu_domain::access::{Actor, Role};
use huzhu_domain::member::EmploymentStatus;
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_domain::workflow::Action;
use huzhu_domain::Gender;
use huzhu_store::money::ClaimId;
use huzhu_store::{MemberId, Page, Repo};
use serde_json::json;

const SETTING: &str = "demo.money";
/// Set when loading begins: a start without an end was interrupted, and the demo cannot resume
/// (its steps are the use cases themselves, each committed on its own).
const STARTED: &str = "demo.money.started";
const POLICY: &str = "hangzhou-2022";

pub(crate) fn actor(name: &str, role: Role, org: &str, level: OrgLevel) -> Result<Actor, AppError> {
    Ok(Actor {
        user_id: 0,
        username: name.into(),
        display_name: name.into(),
        role,
        org: OrgCode::parse(org).map_err(|e| AppError::invalid("org", e.to_string()))?,
        org_level: level,
        member_id: None,
    })
}

/// The documents a stay with a diagnosis needs (the split statement for members insured outside
/// Hangzhou); the bytes are a tiny PNG signature and a label.
const DOCS: [&str; 8] = [
    "split_statement",
    "application_form",
    "id_copy",
    "bank_card",
    "settlement_statement",
    "discharge_record",
    "invoice",
    "pathology_report",
];

pub(crate) fn png(label: &str) -> Vec<u8> {
    let mut v = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    v.extend_from_slice(label.as_bytes());
    v
}

fn stay(n: u32, disease: Option<&str>, self_borne_yuan: i64) -> serde_json::Value {
    let day = 1 + (n % 20);
    let admitted = format!("2022-05-{day:02}");
    let discharged = format!("2022-05-{:02}", day + 5 + n % 4);
    let mut c = json!({
        "kind": "hospital_stay", "admitted": admitted, "discharged": discharged,
        "hospital_grade": 2 + (n % 2),
        "costs_fen": {"total": self_borne_yuan * 400, "pooled_fund": self_borne_yuan * 250,
                      "personal_account": self_borne_yuan * 30, "self_borne": self_borne_yuan * 100,
                      "self_pay_class_b": self_borne_yuan * 10, "self_pay_excluded": self_borne_yuan * 10},
        "invoices": [format!("330122{:07}", 4000 + n)]
    });
    if let Some(d) = disease {
        c["diagnoses"] = json!([{"disease": d, "date": admitted, "first_diagnosis": true}]);
    }
    c
}

/// Loads the money demo unless it is there. Returns whether it loaded now.
pub async fn load_money_demo<S: Repo>(store: &S) -> Result<bool, AppError> {
    if store.setting(SETTING).await?.is_some() {
        return Ok(false);
    }
    if let Some(at) = store.setting(STARTED).await? {
        return Err(AppError::Conflict(format!(
            "演示的 2022 年度数据曾于 {at} 开始载入但未完成（可能被中断），无法续载：\
             请删除数据目录或数据库后重新运行 serve --demo \
             (loading the demo's 2022 cycle began at {at} and did not finish, perhaps \
             interrupted; it cannot resume: delete the data directory or database and run \
             serve --demo again)"
        )));
    }
    store
        .set_setting(
            STARTED,
            &crate::Clock::now(&crate::SystemClock).to_rfc3339(),
        )
        .await?;
    let clock = SettableClock::new(
        Utc.with_ymd_and_hms(2021, 11, 2, 2, 0, 0)
            .single()
            .unwrap_or_default(),
    );
    let city = actor("city.staff", Role::FederationStaff, "HZ", OrgLevel::City)?;
    let finance = actor("finance", Role::Finance, "HZ", OrgLevel::City)?;
    // Four eyes: finance builds the payout batch, the cashier settles it.
    let cashier = actor("cashier", Role::Finance, "HZ", OrgLevel::City)?;
    let la = OrgCode::parse("LA").map_err(|e| AppError::invalid("org", e.to_string()))?;
    let units: Vec<OrgCode> = store
        .orgs_under(Some(&la))
        .await?
        .into_iter()
        .filter(|o| o.level == OrgLevel::Grassroots)
        .map(|o| o.code)
        .collect();
    // Enrolment in the window: every unit of 临安; two bills left unpaid.
    let mut claimants: Vec<(OrgCode, MemberId)> = Vec::new();
    for (i, unit) in units.iter().enumerate() {
        let officer = Actor {
            org: unit.clone(),
            org_level: OrgLevel::Grassroots,
            ..actor("officer", Role::UnitOfficer, "HZ", OrgLevel::City)?
        };
        let out = enrol_unit(
            store,
            &clock,
            &officer,
            &EnrolUnit {
                unit: unit.clone(),
                policy: POLICY.into(),
                items: vec![("A".into(), 1), ("B".into(), 1), ("C".into(), 1)],
                members: None,
            },
        )
        .await?;
        if i < units.len().saturating_sub(2) {
            pay_bill(
                store,
                &clock,
                &finance,
                out.bill.id,
                &format!("DEMO-2021-{:03}", i + 1),
            )
            .await?;
        }
        let page = store
            .members_under(
                unit,
                Page {
                    after: None,
                    limit: 64,
                },
            )
            .await?;
        if let Some(m) = page.iter().find(|m| {
            m.record.status == EmploymentStatus::InService
                && m.record.gender == Gender::Female
                && m.record.bank_account.is_some()
        }) {
            claimants.push((unit.clone(), m.id));
        }
    }
    // Claims in June 2022, past the waiting period; each stops at a different state.
    clock.set(
        Utc.with_ymd_and_hms(2022, 6, 15, 2, 0, 0)
            .single()
            .unwrap_or_default(),
    );
    let plan: [(&str, Option<&str>, i64); 11] = [
        ("draft", None, 3_000),
        ("submitted", None, 4_000),
        ("returned", Some("md01"), 9_000),
        ("computed", None, 6_000),
        ("reviewed", None, 8_000),
        ("expert_review", Some("mi01"), 5_000),
        ("approved", None, 12_000),
        ("rejected", None, 2_000),
        ("paid", Some("md05"), 15_000),
        ("failed_line", None, 7_000),
        ("appealed", None, 11_000),
    ];
    let mut ids: Vec<(&str, ClaimId, Actor)> = Vec::new();
    for (n, ((target, disease, amount), (unit, member))) in
        plan.iter().zip(claimants.iter().cycle()).enumerate()
    {
        let officer = Actor {
            username: format!("officer.{}", unit.as_str().replace('-', "").to_lowercase()),
            org: unit.clone(),
            org_level: OrgLevel::Grassroots,
            ..actor("officer", Role::UnitOfficer, "HZ", OrgLevel::City)?
        };
        let n = u32::try_from(n).unwrap_or(0);
        let c = create_claim(
            store,
            &clock,
            &officer,
            &ClaimRequest {
                member: *member,
                policy: Some(POLICY.into()),
                claim: stay(n, *disease, *amount),
                submit: *target != "draft",
            },
        )
        .await?;
        let id = ClaimId(c.id);
        if !matches!(*target, "draft" | "submitted" | "returned") {
            for kind in DOCS {
                documents::upload(
                    store,
                    &clock,
                    &officer,
                    id,
                    kind,
                    &format!("{kind}.png"),
                    png(kind),
                )
                .await?;
            }
        }
        ids.push((target, id, officer));
    }
    for (target, id, _) in &ids {
        let id = *id;
        let to_review = || async {
            act(store, &clock, &city, id, Action::Accept).await?;
            act(store, &clock, &city, id, Action::Review).await
        };
        match *target {
            "returned" => {
                act(
                    store,
                    &clock,
                    &city,
                    id,
                    Action::Return {
                        missing: vec!["pathology_report".into(), "discharge_record".into()],
                    },
                )
                .await?;
            }
            "computed" => {
                act(store, &clock, &city, id, Action::Accept).await?;
            }
            "reviewed" => {
                to_review().await?;
            }
            "expert_review" => {
                to_review().await?;
                act(
                    store,
                    &clock,
                    &city,
                    id,
                    Action::SendToExpert {
                        reason: "原位癌诊断需核实病理报告 (verify the pathology report)".into(),
                    },
                )
                .await?;
            }
            "approved" | "paid" | "failed_line" | "appealed" => {
                to_review().await?;
                act(store, &clock, &city, id, Action::Approve).await?;
            }
            "rejected" => {
                to_review().await?;
                act(
                    store,
                    &clock,
                    &city,
                    id,
                    Action::Reject {
                        reason: "住院期间另有单位报销，重复申请 (already reimbursed elsewhere)"
                            .into(),
                    },
                )
                .await?;
            }
            _ => {}
        }
    }
    // One batch, settled in July: the "failed_line" claim's line fails and returns to the queue.
    clock.set(
        Utc.with_ymd_and_hms(2022, 7, 1, 2, 0, 0)
            .single()
            .unwrap_or_default(),
    );
    let batch = payouts::build_batch(store, &clock, &finance, &la).await?;
    let keep_approved: Vec<ClaimId> = ids
        .iter()
        .filter(|(t, _, _)| *t == "approved" || *t == "failed_line")
        .map(|(_, id, _)| *id)
        .collect();
    let failures: Vec<(i64, String)> = batch
        .lines
        .iter()
        .filter(|l| {
            l.subject
                .claim()
                .is_some_and(|c| keep_approved.contains(&c))
        })
        .map(|l| {
            (
                l.id,
                "户名与账号不符 (name does not match the account)".to_string(),
            )
        })
        .collect();
    payouts::settle_batch(store, &clock, &cashier, batch.batch.id, &failures).await?;
    if let Some((_, id, officer)) = ids.iter().find(|(t, _, _)| *t == "appealed") {
        act(
            store,
            &clock,
            officer,
            *id,
            Action::Appeal {
                reason: "住院天数计算有误，请复核 (the days were miscounted)".into(),
            },
        )
        .await?;
    }
    store
        .set_setting(SETTING, &clock.now().to_rfc3339())
        .await?;
    Ok(true)
}
