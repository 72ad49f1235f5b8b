//! Grants of the assistance programmes (SPEC 7.1, 7.3, 7.4): a relief application's closed set of
//! states, who may move it, and its ledger postings. Pure: no I/O, no clock.
//!
//! 救助申请 — a relief application, and once approved the grant it becomes:
//!
//! ```text
//! applied ──check (street)──► checked ──approve (the assessment's level)──► approved
//!    │                           │                                             │ batch
//!    └──refuse (reason)──────────┴──refuse (reason)──► refused                 ▼
//!    └──withdraw (its unit) ──► withdrawn                                   in_batch
//!                                                     paid ◄──pay──────────────┤
//!                                                 approved ◄──fail (bank)──────┘
//! ```
//!
//! A case the programme refuses is recorded `refused` at once, with the refusals; a campaign's
//! cash is granted `approved` at once (the list is the decision, SPEC 7.4).

use crate::ledger::{Account, Entry, EntryKind, LedgerError};
use crate::money::Money;
use crate::OrgLevel;
use std::fmt;

/// 资金 — the fund a programme pays from (SPEC 7.1): the programme file's `fund`, one type.
pub use crate::programme::Fund as FundKind;

impl FundKind {
    pub const ALL: [FundKind; 3] = [
        FundKind::Hardship,
        FundKind::SpringBreeze,
        FundKind::Campaign,
    ];

    /// (Chinese, English).
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            FundKind::Hardship => ("帮扶资金", "hardship fund"),
            FundKind::SpringBreeze => ("春风基金", "spring breeze fund"),
            FundKind::Campaign => ("送温暖经费", "care campaign fund"),
        }
    }
}

impl fmt::Display for FundKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A grant's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantState {
    Applied,
    Checked,
    Approved,
    Refused,
    Withdrawn,
    InBatch,
    Paid,
}

impl GrantState {
    pub const ALL: [GrantState; 7] = [
        GrantState::Applied,
        GrantState::Checked,
        GrantState::Approved,
        GrantState::Refused,
        GrantState::Withdrawn,
        GrantState::InBatch,
        GrantState::Paid,
    ];

    pub fn code(self) -> &'static str {
        match self {
            GrantState::Applied => "applied",
            GrantState::Checked => "checked",
            GrantState::Approved => "approved",
            GrantState::Refused => "refused",
            GrantState::Withdrawn => "withdrawn",
            GrantState::InBatch => "in_batch",
            GrantState::Paid => "paid",
        }
    }

    pub fn parse(raw: &str) -> Option<GrantState> {
        GrantState::ALL.into_iter().find(|s| s.code() == raw)
    }

    /// (Chinese, English): how a page names the state.
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            GrantState::Applied => ("已申请", "applied"),
            GrantState::Checked => ("街道已审核", "checked by the street"),
            GrantState::Approved => ("已批准", "approved"),
            GrantState::Refused => ("不予救助", "refused"),
            GrantState::Withdrawn => ("已撤回", "withdrawn"),
            GrantState::InBatch => ("支付中", "in a payout batch"),
            GrantState::Paid => ("已发放", "paid"),
        }
    }

    /// Whether the grant holds its key: every state but refused and withdrawn (the partial
    /// unique index of the store says the same).
    pub fn is_live(self) -> bool {
        !matches!(self, GrantState::Refused | GrantState::Withdrawn)
    }
}

/// What is done to a grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantAction {
    /// 街道审核 — the street checks the application.
    Check,
    /// 批准 — approved at the assessment's level.
    Approve,
    /// 不予批准 — refused with a reason.
    Refuse { reason: String },
    /// 撤回 — withdrawn by the applying side before it is checked.
    Withdraw,
    /// Put in a payout batch (finance).
    Batch,
    /// The bank paid the line.
    Pay,
    /// The bank returned the line: approved again, for the next batch.
    Fail,
}

impl GrantAction {
    pub fn code(&self) -> &'static str {
        match self {
            GrantAction::Check => "check",
            GrantAction::Approve => "approve",
            GrantAction::Refuse { .. } => "refuse",
            GrantAction::Withdraw => "withdraw",
            GrantAction::Batch => "batch",
            GrantAction::Pay => "pay",
            GrantAction::Fail => "fail",
        }
    }
}

/// Who acts, as far as the rule needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GrantActor {
    /// The level of the actor's organisation.
    pub level: OrgLevel,
    /// Whether the actor applied for this grant (四眼: never checks, approves or refuses it).
    pub applied_it: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error("状态为“{}”的救助申请不能{action} (a grant {} cannot be {action})", .from.words().0, .from.code())]
    NotAllowed { from: GrantState, action: String },
    #[error("须由{}或以上一级审批，当前账号属{} (approval needs the {} level or above; this account is at the {} level)", .needed.label_zh(), .actual.label_zh(), .needed.label_en(), .actual.label_en())]
    LevelTooLow { needed: OrgLevel, actual: OrgLevel },
    #[error("四眼原则：申请人不能审核、批准或拒绝自己提交的救助申请 (four eyes: who applied may not check, approve or refuse the application)")]
    OwnApplication,
    #[error("拒绝须写明理由 (a refusal needs a reason)")]
    NoReason,
    /// The programme's required documents the application did not hand in, named in the
    /// programme file's order: Chinese names, English names.
    #[error("缺少材料：{zh}，补齐前不能批准 (documents missing: {en}; the application cannot be approved without them)")]
    MissingDocuments { zh: String, en: String },
    /// A document handed in to an application no longer waiting for a decision.
    #[error("状态为“{}”的救助申请不能再补交材料 (documents can be added only while the application waits for its check or approval; this one is {})", .from.words().0, .from.words().1)]
    DocumentsClosed { from: GrantState },
}

/// Whether a document may still be handed in (docs/grants.md): while the application waits for
/// the street's check or for approval; once decided, withdrawn or paid, never.
pub fn documents_open(from: GrantState) -> Result<(), GrantError> {
    match from {
        GrantState::Applied | GrantState::Checked => Ok(()),
        _ => Err(GrantError::DocumentsClosed { from }),
    }
}

/// Approval waits for every required document (docs/grants.md): `missing` are the pinned
/// assessment's `missing_documents` as (Chinese name, English name), in the file's order.
pub fn documents_complete(missing: &[(String, String)]) -> Result<(), GrantError> {
    if missing.is_empty() {
        return Ok(());
    }
    let zh = missing.iter().map(|(z, _)| z.as_str()).collect::<Vec<_>>();
    let en = missing.iter().map(|(_, e)| e.as_str()).collect::<Vec<_>>();
    Err(GrantError::MissingDocuments {
        zh: zh.join("、"),
        en: en.join(", "),
    })
}

/// The pinned assessment and the kept case once a document of `kind` is handed in: `kind` leaves
/// the assessment's `missing_documents` and joins the case's `documents` (once each). Nothing
/// else of the decision changes — documents never change the amount (docs/programme-format.md) —
/// so the pinned version's answer stands without asking the engine again.
pub fn hand_in(
    assessment: &str,
    case: Option<&str>,
    kind: &str,
) -> Result<(String, Option<String>), serde_json::Error> {
    let mut a: serde_json::Value = serde_json::from_str(assessment)?;
    if let Some(missing) = a
        .get_mut("missing_documents")
        .and_then(serde_json::Value::as_array_mut)
    {
        missing.retain(|d| d.as_str() != Some(kind));
    }
    let case = match case {
        Some(raw) => {
            let mut c: serde_json::Value = serde_json::from_str(raw)?;
            if let Some(obj) = c.as_object_mut() {
                let docs = obj
                    .entry("documents")
                    .or_insert_with(|| serde_json::Value::Array(Vec::new()));
                if let Some(list) = docs.as_array_mut() {
                    if !list.iter().any(|d| d.as_str() == Some(kind)) {
                        list.push(serde_json::Value::String(kind.to_string()));
                    }
                }
            }
            Some(c.to_string())
        }
        None => None,
    };
    Ok((a.to_string(), case))
}

/// Reads the assessment's approval level (`street`, `district`, `city`); anything else is the
/// city: a typo never lowers the bar (as for claims).
pub fn approval_level(raw: &str) -> OrgLevel {
    match raw {
        "street" => OrgLevel::Street,
        "district" => OrgLevel::District,
        _ => OrgLevel::City,
    }
}

/// The state after `action`, or why not. `approval` is the level the assessment names.
pub fn transition(
    from: GrantState,
    action: &GrantAction,
    actor: GrantActor,
    approval: OrgLevel,
) -> Result<GrantState, GrantError> {
    use GrantAction as A;
    use GrantState as S;
    let not_allowed = || GrantError::NotAllowed {
        from,
        action: action.code().to_string(),
    };
    let at_least = |needed: OrgLevel| {
        if (actor.level as u8) <= (needed as u8) {
            Ok(())
        } else {
            Err(GrantError::LevelTooLow {
                needed,
                actual: actor.level,
            })
        }
    };
    let not_own = || {
        if actor.applied_it {
            Err(GrantError::OwnApplication)
        } else {
            Ok(())
        }
    };
    match (from, action) {
        (S::Applied, A::Check) => {
            not_own()?;
            at_least(OrgLevel::Street)?;
            Ok(S::Checked)
        }
        (S::Checked, A::Approve) => {
            not_own()?;
            at_least(approval)?;
            Ok(S::Approved)
        }
        (S::Applied | S::Checked, A::Refuse { reason }) => {
            not_own()?;
            if reason.trim().is_empty() {
                return Err(GrantError::NoReason);
            }
            // The street refuses at its check; a checked case is refused by who may approve it.
            at_least(if from == S::Applied {
                OrgLevel::Street
            } else {
                approval
            })?;
            Ok(S::Refused)
        }
        (S::Applied, A::Withdraw) => Ok(S::Withdrawn),
        (S::Approved, A::Batch) => Ok(S::InBatch),
        (S::InBatch, A::Pay) => Ok(S::Paid),
        (S::InBatch, A::Fail) => Ok(S::Approved),
        _ => Err(not_allowed()),
    }
}

/// A grant's key for one subject in one cycle (SPEC 11: `CYCLE:ID-NUMBER`): how a campaign keys
/// its recipients, so that a member is granted once a campaign anywhere in the federation.
pub fn subject_key(cycle: &str, id_number: &str) -> String {
    format!("{cycle}:{id_number}")
}

/// A member tag as a programme case names it (SPEC 11, 7.4: `model_worker`, `new_form_worker`,
/// `migrant_worker`, …).
pub fn case_tag(t: &crate::member::MemberTag) -> &'static str {
    use crate::member::MemberTag as T;
    match t {
        T::ModelWorker(_) => "model_worker",
        T::Hardship => "hardship",
        T::Migrant => "migrant_worker",
        T::NewForm => "new_form_worker",
        T::Craftsman(_) => "craftsman",
    }
}

/// 资金拨入 — the federation appropriates money to a fund: the bank holds it for the fund.
pub fn fund_deposited(fund: FundKind, amount: Money, memo: &str) -> Result<Entry, LedgerError> {
    Entry::transfer(
        EntryKind::FundDeposited,
        format!("{} 拨入 {memo}", fund.words().0),
        Account::Bank,
        Account::ProgrammeFund { fund },
        amount,
    )
}

/// A grant approved: the programme's fund now owes the member.
pub fn grant_approved(
    fund: FundKind,
    member: i64,
    grant: i64,
    amount: Money,
) -> Result<Entry, LedgerError> {
    Entry::transfer(
        EntryKind::GrantApproved,
        format!("救助 {grant} 批准"),
        Account::ProgrammeFund { fund },
        Account::MemberPayable { member },
        amount,
    )
}

/// A grant's payout line paid from the bank to the member.
pub fn grant_paid(member: i64, grant: i64, amount: Money) -> Result<Entry, LedgerError> {
    Entry::transfer(
        EntryKind::GrantPaid,
        format!("救助 {grant} 支付"),
        Account::MemberPayable { member },
        Account::Bank,
        amount,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::balances;

    fn actor(level: OrgLevel) -> GrantActor {
        GrantActor {
            level,
            applied_it: false,
        }
    }

    #[test]
    fn a_relief_goes_from_application_to_payment() {
        let street = actor(OrgLevel::Street);
        let district = actor(OrgLevel::District);
        let finance = actor(OrgLevel::City);
        let mut s = GrantState::Applied;
        s = transition(s, &GrantAction::Check, street, OrgLevel::District).unwrap_or(s);
        assert_eq!(s, GrantState::Checked);
        s = transition(s, &GrantAction::Approve, district, OrgLevel::District).unwrap_or(s);
        assert_eq!(s, GrantState::Approved);
        s = transition(s, &GrantAction::Batch, finance, OrgLevel::District).unwrap_or(s);
        assert_eq!(s, GrantState::InBatch);
        assert_eq!(
            transition(s, &GrantAction::Fail, finance, OrgLevel::District),
            Ok(GrantState::Approved)
        );
        assert_eq!(
            transition(s, &GrantAction::Pay, finance, OrgLevel::District),
            Ok(GrantState::Paid)
        );
    }

    #[test]
    fn an_actor_below_the_assessment_level_cannot_approve() {
        let street = actor(OrgLevel::Street);
        assert_eq!(
            transition(
                GrantState::Checked,
                &GrantAction::Approve,
                street,
                OrgLevel::City
            ),
            Err(GrantError::LevelTooLow {
                needed: OrgLevel::City,
                actual: OrgLevel::Street
            })
        );
        let unit = actor(OrgLevel::Grassroots);
        assert!(transition(
            GrantState::Applied,
            &GrantAction::Check,
            unit,
            OrgLevel::Street
        )
        .is_err());
    }

    #[test]
    fn the_applicant_never_decides_and_a_refusal_needs_a_reason() {
        let own = GrantActor {
            level: OrgLevel::City,
            applied_it: true,
        };
        assert_eq!(
            transition(
                GrantState::Applied,
                &GrantAction::Check,
                own,
                OrgLevel::Street
            ),
            Err(GrantError::OwnApplication)
        );
        let refuse = GrantAction::Refuse {
            reason: "  ".into(),
        };
        assert_eq!(
            transition(
                GrantState::Applied,
                &refuse,
                actor(OrgLevel::Street),
                OrgLevel::Street
            ),
            Err(GrantError::NoReason)
        );
    }

    #[test]
    fn no_state_is_left_by_an_action_it_does_not_have() {
        let city = actor(OrgLevel::City);
        for s in [GrantState::Refused, GrantState::Withdrawn, GrantState::Paid] {
            for a in [
                GrantAction::Check,
                GrantAction::Approve,
                GrantAction::Withdraw,
                GrantAction::Batch,
                GrantAction::Pay,
                GrantAction::Fail,
                GrantAction::Refuse { reason: "x".into() },
            ] {
                assert!(
                    transition(s, &a, city, OrgLevel::Street).is_err(),
                    "{s:?} {a:?}"
                );
            }
        }
    }

    #[test]
    fn a_document_handed_in_leaves_the_missing_list_and_joins_the_case_once() {
        let a = r#"{"amount_fen":100000,"missing_documents":["application_form","income_proof"]}"#;
        let c = r#"{"documents":[],"requested_fen":100000}"#;
        let (a2, c2) = hand_in(a, Some(c), "income_proof").unwrap();
        let a2: serde_json::Value = serde_json::from_str(&a2).unwrap();
        assert_eq!(
            a2["missing_documents"],
            serde_json::json!(["application_form"])
        );
        assert_eq!(a2["amount_fen"], 100000);
        let (_, c3) = hand_in(&a2.to_string(), c2.as_deref(), "income_proof").unwrap();
        let c3: serde_json::Value = serde_json::from_str(&c3.unwrap()).unwrap();
        assert_eq!(c3["documents"], serde_json::json!(["income_proof"]));
        assert_eq!(hand_in(a, None, "x").unwrap().1, None);
        assert!(hand_in("not json", None, "x").is_err());
    }

    #[test]
    fn documents_are_handed_in_only_while_the_application_waits() {
        for s in GrantState::ALL {
            let open = documents_open(s).is_ok();
            assert_eq!(
                open,
                matches!(s, GrantState::Applied | GrantState::Checked),
                "{s:?}"
            );
        }
        let e = documents_open(GrantState::Approved)
            .unwrap_err()
            .to_string();
        assert!(e.contains("已批准") && e.contains("approved"), "{e}");
    }

    #[test]
    fn an_unknown_approval_level_is_the_city() {
        assert_eq!(approval_level("street"), OrgLevel::Street);
        assert_eq!(approval_level("district"), OrgLevel::District);
        assert_eq!(approval_level("distrct"), OrgLevel::City);
    }

    #[test]
    fn a_deposit_then_a_paid_grant_leave_the_rest_in_the_fund() {
        let entries = [
            fund_deposited(FundKind::Hardship, Money::from_yuan(10_000), "拨款"),
            grant_approved(FundKind::Hardship, 7, 1, Money::from_yuan(4_500)),
            grant_paid(7, 1, Money::from_yuan(4_500)),
        ];
        let postings: Vec<(String, i64)> = entries
            .iter()
            .flat_map(|e| {
                e.as_ref()
                    .map(|e| e.postings().to_vec())
                    .unwrap_or_default()
            })
            .map(|p| (p.account.key(), p.fen))
            .collect();
        let b = balances(postings.iter().map(|(k, v)| (k.as_str(), *v)));
        assert_eq!(b["programme_fund:hardship"], -550_000);
        assert_eq!(b["bank"], 550_000);
        assert_eq!(b["payable:7"], 0);
    }

    #[test]
    fn fund_codes_parse_back() {
        for f in FundKind::ALL {
            assert_eq!(FundKind::parse(f.code()), Some(f));
            assert_eq!(
                Account::parse(&Account::ProgrammeFund { fund: f }.key()),
                Ok(Account::ProgrammeFund { fund: f })
            );
        }
        assert_eq!(FundKind::parse("hardshp"), None);
    }
}
