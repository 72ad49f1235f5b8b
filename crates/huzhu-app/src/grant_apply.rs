//! Applying for a relief: the case is built from the member's record, the facts the application
//! carries (household, archive, medical, donations, the officer's amount, documents: SPEC 11's
//! case fields) and the grants made already anywhere in the city federation; the programme's
//! engine decides; the application is stored with its assessment — refused with the reasons when
//! the programme refuses it. A household with several subjects (patients, students) gives one
//! grant per subject key, each unique on its own.

use super::scope;
use crate::access::{not_found, require};
use crate::{AppError, Clock};
use huzhu_domain::access::{Actor, Capability, Role};
use huzhu_domain::grant::{approval_level, case_tag, FundKind, GrantState};
use huzhu_domain::money::Money;
use huzhu_domain::programme::{self, Assessment, Case};
use huzhu_store::grant::{self as sg, Grant, GrantFilter, NewGrant};
use huzhu_store::{MemberId, OrgScope, Repo};
use serde::Serialize;
use std::collections::BTreeMap;

/// An application as a unit officer makes it.
#[derive(Debug, Clone)]
pub struct ApplyRequest {
    pub programme: String,
    pub member: MemberId,
    /// SPEC 11's case fields other than `as_of`, `member` and `grants` (huzhu fills those).
    pub facts: serde_json::Map<String, serde_json::Value>,
}

/// What became of one subject of an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Applied {
    /// Stored as applied (waiting for the street's check) or refused by the programme.
    Recorded {
        #[serde(skip)]
        grant: Grant,
    },
    /// The key was granted already: stored refused `already_granted`, naming the first grant.
    AlreadyGranted {
        #[serde(skip)]
        grant: Grant,
        #[serde(skip)]
        first: Box<Grant>,
    },
}

impl Applied {
    pub fn grant(&self) -> &Grant {
        match self {
            Applied::Recorded { grant } | Applied::AlreadyGranted { grant, .. } => grant,
        }
    }
}

/// The case fields a request may carry.
const FACTS: [&str; 6] = [
    "household",
    "archive",
    "medical",
    "donations",
    "requested_fen",
    "documents",
];

/// 申请救助 — a unit officer (or federation staff) applies for a member of their subtree.
pub async fn apply<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    req: ApplyRequest,
) -> Result<Vec<Applied>, AppError> {
    require(actor, Capability::SubmitClaim)?;
    if actor.role == Role::Member {
        return Err(AppError::Forbidden {
            capability: "ApplyForRelief".into(),
        });
    }
    let p = match programme::builtin(req.programme.trim()) {
        Some(Ok(p)) => p,
        _ => {
            return Err(AppError::invalid(
                "programme",
                format!("未知的帮扶项目“{}” (unknown programme)", req.programme),
            ))
        }
    };
    let fund: FundKind = p.fund;
    for k in req.facts.keys() {
        if !FACTS.contains(&k.as_str()) {
            return Err(AppError::invalid(
                &format!("facts.{k}"),
                format!("未知字段“{k}” (unknown field; one of {})", FACTS.join(", ")),
            ));
        }
    }
    let member = store
        .member_under(req.member, &actor.org)
        .await?
        .ok_or_else(|| not_found(&format!("会员 {} (member {})", req.member.0, req.member.0)))?;
    let today = clock.today();
    // The grants made already, anywhere in the city federation (SPEC 7.1, 11).
    let earlier = store
        .grants_under(
            &OrgScope::Everything,
            &GrantFilter {
                member: Some(member.id),
                limit: 500,
                ..Default::default()
            },
        )
        .await?;
    let grants: Vec<serde_json::Value> = earlier
        .iter()
        .filter(|g| g.state.is_live())
        .map(|g| {
            serde_json::json!({
                "programme": g.programme_id, "key": g.key, "amount_fen": g.amount.fen(),
                "date": g.applied_at.date_naive(),
            })
        })
        .collect();
    let r = &member.record;
    let mut case = req.facts.clone();
    // donation module (春风反哺): the member's gifts and the mutual aid paid to them come from
    // huzhu's own records when the officer does not give them.
    crate::donation::fill_repay_case(store, &p, &member, today, &mut case).await?;
    // Documents not named are documents not handed in: the engine lists every required one
    // missing, and approval waits for them (docs/grants.md). The CLI's `assess` reads an absent
    // list as "not checked"; an application always checks.
    case.entry("documents")
        .or_insert_with(|| serde_json::Value::Array(Vec::new()));
    case.insert("as_of".into(), serde_json::json!(today));
    case.insert(
        "member".into(),
        serde_json::json!({
            "id_number": r.id_number.as_str(),
            "status": r.status.code(),
            "tags": r.tags.iter().map(case_tag).collect::<Vec<_>>(),
            "employed_in_city_since": r.hire_date,
        }),
    );
    case.insert("grants".into(), serde_json::Value::Array(grants));
    // Kept with the application: `huzhu replay --programme` re-decides it under another file.
    let case_json = serde_json::Value::Object(case).to_string();
    let case =
        Case::from_json(&case_json).map_err(|e| AppError::invalid(&e.field, e.problem.clone()))?;
    let a =
        programme::assess(&p, &case).map_err(|e| AppError::invalid(&e.field, e.problem.clone()))?;
    let json = a.to_json();
    let subjects = subjects(&a);
    let mut rows = Vec::with_capacity(subjects.len());
    for (key, amount) in &subjects {
        let subject = key
            .split(':')
            .nth(1)
            .unwrap_or(r.id_number.as_str())
            .to_string();
        let reason = if a.eligible {
            None
        } else {
            // The engine's words name the grant made already by its key, which holds an ID
            // number: stored masked (the assessment keeps the whole, as the case does).
            Some(huzhu_domain::personal::mask_id_numbers_in(
                &a.refusals
                    .iter()
                    .map(|f| format!("{}: {}", f.reason, f.explain))
                    .collect::<Vec<_>>()
                    .join("; "),
            ))
        };
        rows.push((subject, reason, key, *amount));
    }
    let level = approval_level(a.approval.as_deref().unwrap_or("city"));
    let now = clock.now();
    let grants: Vec<NewGrant<'_>> = rows
        .iter()
        .map(|(subject, reason, key, amount)| NewGrant {
            programme_id: &a.programme,
            programme_version: &a.version,
            cycle: &a.cycle,
            key,
            subject_id_number: subject,
            member: member.id,
            fund,
            amount: *amount,
            state: if a.eligible {
                GrantState::Applied
            } else {
                GrantState::Refused
            },
            assessment: &json,
            case_json: Some(&case_json),
            approval_level: level,
            reason: reason.as_deref(),
            by: &actor.username,
            at: now,
        })
        .collect();
    // One application, one transaction: a household's several subjects are all recorded or none.
    let applied = store.apply_grants(&grants, &scope(actor)).await?;
    Ok(applied
        .into_iter()
        .map(|applied| match applied {
            sg::Applied::Recorded(grant) => Applied::Recorded { grant },
            sg::Applied::AlreadyGranted { refused, first } => Applied::AlreadyGranted {
                grant: refused,
                first,
            },
        })
        .collect())
}

/// SPEC 11's `household` from the facts an officer types (the archive's form): the people
/// without their names, which the case does not read.
pub fn household_case(f: &huzhu_domain::archive::FactsInput) -> serde_json::Value {
    serde_json::json!({
        "size": f.size,
        "annual_income_fen": f.annual_income_fen,
        "medical_self_paid_fen": f.medical_self_paid_fen,
        "education_fen": f.education_fen,
        "education_abroad_self_funded_fen": f.education_abroad_self_funded_fen,
        "disaster_loss_fen": f.disaster_loss_fen,
        "people": f.people.iter().map(|p| {
            let mut person = serde_json::json!({
                "id_number": huzhu_domain::id_number::normalise(&p.id_number),
                "relation": p.relation,
                "dialysis": p.dialysis,
            });
            if let Some(level) = p.school_level.as_deref().filter(|l| !l.trim().is_empty()) {
                person["school_level"] = serde_json::json!(level.trim());
            }
            person
        }).collect::<Vec<_>>(),
    })
}

/// The member an officer applies for, found by ID number in the actor's subtree (else 404).
pub async fn applicant<S: Repo>(
    store: &S,
    actor: &Actor,
    id_number: &str,
) -> Result<MemberId, AppError> {
    require(actor, Capability::SubmitClaim)?;
    crate::access::member_by_id_number(store, actor, id_number).await
}

/// The subjects an assessment pays, by key, with their amounts: one per line key when the lines
/// name their subjects (several patients or students), else the assessment's key and amount.
fn subjects(a: &Assessment) -> Vec<(String, Money)> {
    let mut by_key: BTreeMap<String, i64> = BTreeMap::new();
    if a.eligible {
        for l in &a.lines {
            if let Some(k) = &l.key {
                *by_key.entry(k.clone()).or_insert(0) += l.amount_fen;
            }
        }
    }
    if by_key.is_empty() {
        let amount = if a.eligible { a.amount_fen } else { 0 };
        return vec![(a.key.clone(), Money::from_fen(amount))];
    }
    by_key
        .into_iter()
        .map(|(k, fen)| (k, Money::from_fen(fen)))
        .collect()
}
