//! 法律援助 — legal aid's use cases (SPEC 7.7, issue 17; docs/legal-aid.md).
//!
//! Who does what: a member opens a case for themselves, a unit officer or federation staff for a
//! member of a unit in their subtree (`OpenLegalAid`); staff (`ManageLegalAid`) check the
//! eligibility, refuse with a reason, assign a lawyer of the panel, record the dated activities
//! and close the case; only staff at district level or above approve. Everything reads and
//! writes through the actor's subtree (a member: their own cases); a case outside it is not
//! found (404). The approval's deadline is computed on the working-day calendar from the date of
//! intake, which comes from the clock handed in.

use crate::access::{not_found, require, visibility};
use crate::stats::{Column, ColumnKind, Dashboard, StatRow, StatTable};
use crate::{AppError, Clock};
use chrono::NaiveDate;
use huzhu_domain::access::{Actor, Capability, Role};
use huzhu_domain::legal_aid::{
    self as domain, ActivityKind, Applicant, CaseState, DisputeKind, Outcome, Overdue, TEXT_MAX,
};
use huzhu_domain::notice::WorkCalendar;
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_domain::personal::mask_middle;
use huzhu_store::legal_aid::{
    CaseChange, CaseEvent, CaseFigure, CaseFilter, Lawyer, LegalCase, NewCase, NewLawyer,
};
use huzhu_store::{LegalAidStore, MemberId, OrgScope, Visibility};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A case as staff and the member see it: the ID number masked, the overdue flag of the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CaseView {
    pub id: i64,
    pub org: String,
    pub org_name: String,
    pub member_id: i64,
    pub member_name: String,
    /// Masked.
    pub member_id_number: String,
    /// `wages`, `labour_contract`, `work_injury`, `social_insurance`, `dismissal`, `other`.
    #[schema(value_type = String)]
    pub kind: DisputeKind,
    pub summary: String,
    /// `intake`, `eligible`, `refused`, `approved`, `assigned`, `handling`, `closed`.
    #[schema(value_type = String)]
    pub state: CaseState,
    pub opened_by: String,
    pub opened_on: NaiveDate,
    pub approval_due: NaiveDate,
    pub approved_by: Option<String>,
    pub approved_on: Option<NaiveDate>,
    pub handling_due: Option<NaiveDate>,
    pub lawyer_id: Option<i64>,
    pub lawyer_name: Option<String>,
    pub lawyer_firm: Option<String>,
    pub assigned_on: Option<NaiveDate>,
    /// `won`, `mediated`, `withdrawn`, `lost`.
    #[schema(value_type = Option<String>)]
    pub outcome: Option<Outcome>,
    pub recovered_fen: i64,
    pub closed_on: Option<NaiveDate>,
    /// Why it was refused, or the closing note.
    pub reason: Option<String>,
    /// `approval` or `handling` when overdue today.
    #[schema(value_type = Option<String>)]
    pub overdue: Option<Overdue>,
}

impl CaseView {
    pub fn of(c: &LegalCase, today: NaiveDate) -> CaseView {
        CaseView {
            id: c.id,
            org: c.org.as_str().to_string(),
            org_name: c.org_name.clone(),
            member_id: c.member.0,
            member_name: c.member_name.clone(),
            member_id_number: mask_middle(&c.member_id_number, 4, 4),
            kind: c.kind,
            summary: c.summary.clone(),
            state: c.state,
            opened_by: c.opened_by.clone(),
            opened_on: c.opened_on,
            approval_due: c.approval_due,
            approved_by: c.approved_by.clone(),
            approved_on: c.approved_on,
            handling_due: c.handling_due,
            lawyer_id: c.lawyer_id,
            lawyer_name: c.lawyer_name.clone(),
            lawyer_firm: c.lawyer_firm.clone(),
            assigned_on: c.assigned_on,
            outcome: c.outcome,
            recovered_fen: c.recovered_fen,
            closed_on: c.closed_on,
            reason: c.reason.clone(),
            overdue: domain::overdue(c.state, c.approval_due, c.handling_due, today),
        }
    }
}

/// What is sent to open a case.
#[derive(Debug, Clone)]
pub struct OpenInput {
    /// The member the case is for; a member account may leave it out (themselves).
    pub member: Option<MemberId>,
    pub kind: DisputeKind,
    pub summary: String,
}

/// The list's filters.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub state: Option<CaseState>,
    pub kind: Option<DisputeKind>,
    /// The work queue: open cases only.
    pub open_only: bool,
    /// Only the overdue ones (of the open cases).
    pub overdue_only: bool,
}

fn text(field: &str, raw: &str, required: bool) -> Result<String, AppError> {
    let t = raw.trim();
    if required && t.is_empty() {
        return Err(AppError::invalid(
            field,
            "请填写说明 (this text is required)".into(),
        ));
    }
    if t.chars().count() > TEXT_MAX {
        return Err(AppError::invalid(
            field,
            format!("最多{TEXT_MAX}个字符 (at most {TEXT_MAX} characters)"),
        ));
    }
    Ok(t.to_string())
}

fn manage(actor: &Actor) -> Result<OrgScope, AppError> {
    require(actor, Capability::ManageLegalAid)?;
    Ok(OrgScope::Under(actor.org.clone()))
}

fn vis(actor: &Actor) -> Result<Visibility, AppError> {
    require(actor, Capability::ReadLegalAid)?;
    visibility(actor).ok_or_else(|| not_found("legal aid case"))
}

/// Adds a lawyer to the panel of `org` (the actor's own federation when none is named), an org
/// in the actor's subtree.
pub async fn add_lawyer<S: LegalAidStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    org: Option<OrgCode>,
    name: &str,
    firm: &str,
    phone: Option<&str>,
) -> Result<Lawyer, AppError> {
    let scope = manage(actor)?;
    let name = text("name", name, true)?;
    let firm = text("firm", firm, true)?;
    let phone = phone.map(str::trim).filter(|p| !p.is_empty());
    if let Some(p) = phone {
        if p.chars().count() > 30 {
            return Err(AppError::invalid(
                "phone",
                "电话最多30个字符 (a phone has at most 30 characters)".into(),
            ));
        }
    }
    let org = org.unwrap_or_else(|| actor.org.clone());
    Ok(store
        .add_lawyer(
            &scope,
            &NewLawyer {
                org: &org,
                name: &name,
                firm: &firm,
                phone,
                by: &actor.username,
            },
            clock.now(),
        )
        .await?)
}

/// Takes a lawyer off the panel (or back on).
pub async fn set_lawyer_active<S: LegalAidStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    active: bool,
) -> Result<Lawyer, AppError> {
    let scope = manage(actor)?;
    Ok(store
        .set_lawyer_active(&scope, id, active, &actor.username, clock.now())
        .await?)
}

/// The panel the actor may assign from: its subtree's and the federations' above it.
pub async fn lawyers<S: LegalAidStore>(store: &S, actor: &Actor) -> Result<Vec<Lawyer>, AppError> {
    require(actor, Capability::ReadLegalAid)?;
    if actor.role == Role::Member {
        return Err(AppError::Forbidden {
            capability: "ManageLegalAid".into(),
        });
    }
    Ok(store.lawyers(&OrgScope::Under(actor.org.clone())).await?)
}

/// Opens a case (受理): a member for themselves; an officer or staff for a member of their
/// subtree. The approval is due [`domain::APPROVAL_WORKING_DAYS`] working days after today.
pub async fn open<S: LegalAidStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    input: &OpenInput,
) -> Result<CaseView, AppError> {
    require(actor, Capability::OpenLegalAid)?;
    let member = if actor.role == Role::Member {
        let own = actor
            .member_id
            .map(MemberId)
            .ok_or_else(|| not_found("member"))?;
        match input.member {
            Some(m) if m != own => return Err(not_found("member")),
            _ => own,
        }
    } else {
        input
            .member
            .ok_or_else(|| AppError::invalid("member_id", "请指定会员 (name the member)".into()))?
    };
    let summary = text("summary", &input.summary, true)?;
    let today = clock.today();
    let calendar = WorkCalendar::builtin().map_err(|e| AppError::Conflict(e.to_string()))?;
    let approval_due =
        domain::approval_due(&calendar, today).map_err(|e| AppError::Conflict(e.to_string()))?;
    let case = store
        .open_case(
            &OrgScope::Under(actor.org.clone()),
            &NewCase {
                member,
                kind: input.kind,
                summary: &summary,
                approval_due,
                by: &actor.username,
                on: today,
            },
            clock.now(),
        )
        .await?;
    Ok(CaseView::of(&case, today))
}

/// One case, if visible.
pub async fn case<S: LegalAidStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
) -> Result<CaseView, AppError> {
    let v = vis(actor)?;
    Ok(CaseView::of(
        &store.legal_case(&v, id).await?,
        clock.today(),
    ))
}

/// A case's timeline.
pub async fn events<S: LegalAidStore>(
    store: &S,
    actor: &Actor,
    id: i64,
) -> Result<Vec<CaseEvent>, AppError> {
    let v = vis(actor)?;
    Ok(store.legal_case_events(&v, id).await?)
}

/// Visible cases, newest first; the work queue is `open_only`, flagged by the day's overdue.
pub async fn list<S: LegalAidStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    filter: &ListFilter,
) -> Result<Vec<CaseView>, AppError> {
    let v = vis(actor)?;
    let today = clock.today();
    let rows = store
        .legal_cases(
            &v,
            &CaseFilter {
                state: filter.state,
                kind: filter.kind,
                open_only: filter.open_only || filter.overdue_only,
                before: None,
                limit: 1000,
            },
        )
        .await?;
    Ok(rows
        .iter()
        .map(|c| CaseView::of(c, today))
        .filter(|c| !filter.overdue_only || c.overdue.is_some())
        .collect())
}

async fn step<S: LegalAidStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    scope: OrgScope,
    id: i64,
    change: &CaseChange<'_>,
) -> Result<CaseView, AppError> {
    let today = clock.today();
    let c = store
        .legal_case_step(&scope, id, change, &actor.username, today, clock.now())
        .await?;
    Ok(CaseView::of(&c, today))
}

/// 资格审查: the member in service and the dispute kind covered; refused with the reason in
/// words otherwise.
pub async fn check<S: LegalAidStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
) -> Result<CaseView, AppError> {
    let scope = manage(actor)?;
    let current = store
        .legal_case(&Visibility::Orgs(scope.clone()), id)
        .await?;
    let verdict = domain::check_eligibility(&Applicant {
        status: current.member_status,
        kind: current.kind,
    });
    let reason = verdict.err().map(|e| e.to_string());
    step(
        store,
        clock,
        actor,
        scope,
        id,
        &CaseChange::Check {
            eligible: reason.is_none(),
            reason: reason.as_deref(),
        },
    )
    .await
}

/// 不予援助, with the reason in words.
pub async fn refuse<S: LegalAidStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    reason: &str,
) -> Result<CaseView, AppError> {
    let scope = manage(actor)?;
    let reason = text("reason", reason, true)?;
    step(
        store,
        clock,
        actor,
        scope,
        id,
        &CaseChange::Refuse { reason: &reason },
    )
    .await
}

/// 区级批准: staff at district level or above; the handling is due [`domain::HANDLING_DAYS`]
/// days later.
pub async fn approve<S: LegalAidStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    note: &str,
) -> Result<CaseView, AppError> {
    let scope = manage(actor)?;
    if !actor.is_at_or_above(OrgLevel::District) {
        return Err(AppError::Forbidden {
            capability: "ManageLegalAid: 区县及以上 (district level or above)".into(),
        });
    }
    let note = text("note", note, false)?;
    let handling_due = domain::handling_due(clock.today());
    step(
        store,
        clock,
        actor,
        scope,
        id,
        &CaseChange::Approve {
            handling_due,
            note: &note,
        },
    )
    .await
}

/// 指派律师: a lawyer of the panel of a federation at or above the case's unit.
pub async fn assign<S: LegalAidStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    lawyer: i64,
    note: &str,
) -> Result<CaseView, AppError> {
    let scope = manage(actor)?;
    let note = text("note", note, false)?;
    step(
        store,
        clock,
        actor,
        scope,
        id,
        &CaseChange::Assign {
            lawyer,
            note: &note,
        },
    )
    .await
}

/// 记录办理: a dated activity with its note.
pub async fn record<S: LegalAidStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    on: NaiveDate,
    activity: ActivityKind,
    note: &str,
) -> Result<CaseView, AppError> {
    let scope = manage(actor)?;
    let note = text("note", note, true)?;
    step(
        store,
        clock,
        actor,
        scope,
        id,
        &CaseChange::Record {
            on,
            activity,
            note: &note,
        },
    )
    .await
}

/// 结案 with the outcome and the amount recovered for the worker (fen, ≥ 0).
pub async fn close<S: LegalAidStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    outcome: Outcome,
    recovered_fen: i64,
    note: &str,
) -> Result<CaseView, AppError> {
    let scope = manage(actor)?;
    if !(0..=domain::MAX_RECOVERED_FEN).contains(&recovered_fen) {
        return Err(AppError::invalid(
            "recovered_fen",
            "追回金额须在0至100,000,000.00元之间 (the amount recovered must be between 0 and \
             100,000,000.00 yuan)"
                .into(),
        ));
    }
    let note = text("note", note, false)?;
    step(
        store,
        clock,
        actor,
        scope,
        id,
        &CaseChange::Close {
            outcome,
            recovered_fen,
            note: &note,
        },
    )
    .await
}

/// One line of the figures: a group's counts, rates in basis points, money in fen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct FigureLine {
    /// The unit's code, the lawyer's id or the kind's code.
    pub key: String,
    pub label: String,
    pub cases: i64,
    pub closed: i64,
    pub won: i64,
    pub mediated: i64,
    pub recovered_fen: i64,
    /// Closed of all cases (refused ones excluded), in basis points.
    pub close_rate_bp: i64,
    /// Won of the closed, in basis points.
    pub win_rate_bp: i64,
    /// Mediated of the closed, in basis points.
    pub mediation_rate_bp: i64,
}

impl FigureLine {
    fn add(&mut self, f: &CaseFigure) {
        if f.state == CaseState::Refused {
            return;
        }
        self.cases += f.cases;
        if f.state == CaseState::Closed {
            self.closed += f.cases;
        }
        match f.outcome {
            Some(Outcome::Won) => self.won += f.cases,
            Some(Outcome::Mediated) => self.mediated += f.cases,
            _ => {}
        }
        self.recovered_fen += f.recovered_fen;
    }

    fn finish(mut self) -> FigureLine {
        self.close_rate_bp = domain::rate_bp(self.closed, self.cases);
        self.win_rate_bp = domain::rate_bp(self.won, self.closed);
        self.mediation_rate_bp = domain::rate_bp(self.mediated, self.closed);
        self
    }
}

/// The figures of SPEC 7.7 for cases opened within a period: by dispute kind, by unit, by
/// lawyer, and in all; refused cases are counted apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Figures {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub total: FigureLine,
    pub refused: i64,
    pub by_kind: Vec<FigureLine>,
    pub by_org: Vec<FigureLine>,
    pub by_lawyer: Vec<FigureLine>,
}

/// The figures of the actor's subtree (staff and auditors).
pub async fn figures<S: LegalAidStore>(
    store: &S,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Figures, AppError> {
    require(actor, Capability::ReadLegalAid)?;
    if actor.role == Role::Member {
        return Err(AppError::Forbidden {
            capability: "ReadLegalAid: figures".into(),
        });
    }
    if to < from {
        return Err(AppError::invalid(
            "to",
            "结束日期早于开始日期 (the period ends before it starts)".into(),
        ));
    }
    let rows = store
        .legal_aid_figures(&OrgScope::Under(actor.org.clone()), from, to)
        .await?;
    let mut total = FigureLine {
        key: "total".into(),
        label: "合计 (total)".into(),
        ..FigureLine::default()
    };
    let mut refused = 0;
    let mut by_kind: BTreeMap<&'static str, FigureLine> = BTreeMap::new();
    let mut by_org: BTreeMap<String, FigureLine> = BTreeMap::new();
    // By the lawyer's id, named with the firm: two lawyers of one name are two lines.
    let mut by_lawyer: BTreeMap<i64, FigureLine> = BTreeMap::new();
    for f in &rows {
        if f.state == CaseState::Refused {
            refused += f.cases;
        }
        total.add(f);
        by_kind
            .entry(f.kind.code())
            .or_insert_with(|| FigureLine {
                key: f.kind.code().into(),
                label: format!("{} ({})", f.kind.label_zh(), f.kind.label_en()),
                ..FigureLine::default()
            })
            .add(f);
        by_org
            .entry(f.org.clone())
            .or_insert_with(|| FigureLine {
                key: f.org.clone(),
                label: f.org_name.clone(),
                ..FigureLine::default()
            })
            .add(f);
        if let Some(id) = f.lawyer_id {
            by_lawyer
                .entry(id)
                .or_insert_with(|| FigureLine {
                    key: id.to_string(),
                    label: match (&f.lawyer, &f.lawyer_firm) {
                        (Some(name), Some(firm)) if !firm.is_empty() => {
                            format!("{name}（{firm}）")
                        }
                        (Some(name), _) => name.clone(),
                        (None, _) => format!("#{id}"),
                    },
                    ..FigureLine::default()
                })
                .add(f);
        }
    }
    Ok(Figures {
        from,
        to,
        total: total.finish(),
        refused,
        by_kind: by_kind.into_values().map(FigureLine::finish).collect(),
        by_org: by_org.into_values().map(FigureLine::finish).collect(),
        by_lawyer: by_lawyer.into_values().map(FigureLine::finish).collect(),
    })
}

const FIGURE_COLUMNS: [Column; 8] = [
    Column {
        key: "cases",
        label_zh: "案件数",
        label_en: "Cases",
        kind: ColumnKind::Count,
    },
    Column {
        key: "closed",
        label_zh: "已结案",
        label_en: "Closed",
        kind: ColumnKind::Count,
    },
    Column {
        key: "won",
        label_zh: "胜诉",
        label_en: "Won",
        kind: ColumnKind::Count,
    },
    Column {
        key: "mediated",
        label_zh: "调解结案",
        label_en: "Mediated",
        kind: ColumnKind::Count,
    },
    Column {
        key: "recovered_fen",
        label_zh: "追回金额",
        label_en: "Recovered",
        kind: ColumnKind::Fen,
    },
    Column {
        key: "close_rate",
        label_zh: "结案率",
        label_en: "Close rate",
        kind: ColumnKind::Percent,
    },
    Column {
        key: "win_rate",
        label_zh: "胜诉率",
        label_en: "Win rate",
        kind: ColumnKind::Percent,
    },
    Column {
        key: "mediation_rate",
        label_zh: "调解率",
        label_en: "Mediation rate",
        kind: ColumnKind::Percent,
    },
];

fn figure_row(l: &FigureLine) -> StatRow {
    StatRow {
        key: l.key.clone(),
        label: l.label.clone(),
        values: vec![
            l.cases,
            l.closed,
            l.won,
            l.mediated,
            l.recovered_fen,
            l.close_rate_bp,
            l.win_rate_bp,
            l.mediation_rate_bp,
        ],
    }
}

/// The figures as the statistics pages' tables (chart and Excel export): by kind (with the
/// total), by unit, by lawyer.
pub fn dashboard(f: &Figures, org: &str, org_name: &str) -> Dashboard {
    let table = |id, title_zh, title_en, lines: &[FigureLine], total: bool| StatTable {
        id,
        title_zh,
        title_en,
        columns: FIGURE_COLUMNS.to_vec(),
        rows: lines
            .iter()
            .chain(total.then_some(&f.total))
            .map(figure_row)
            .collect(),
    };
    Dashboard {
        org: org.to_string(),
        org_name: org_name.to_string(),
        policy: Some(format!("{} — {}", f.from, f.to)),
        tables: vec![
            table(
                "legal_aid_by_kind",
                "法律援助·按争议类型",
                "Legal aid by dispute kind",
                &f.by_kind,
                true,
            ),
            table(
                "legal_aid_by_org",
                "法律援助·按单位",
                "Legal aid by unit",
                &f.by_org,
                false,
            ),
            table(
                "legal_aid_by_lawyer",
                "法律援助·按律师",
                "Legal aid by lawyer",
                &f.by_lawyer,
                false,
            ),
        ],
    }
}
