//! 困难职工档案 — the hardship-worker archive's use cases (SPEC 7.2, issue 15; docs/archive.md).
//!
//! Who does what: the unit officer (`ApplyArchive`) opens a household's record with its facts;
//! federation staff (`ManageArchive`) at street level or above record the home visit and the
//! objections to the notice; staff at district level or above review, start the notice 公示,
//! settle objections, admit with the level, refuse, review yearly, exit and run the lapse sweep.
//! Everything reads and writes through an [`OrgScope`] of the actor's subtree: a record outside
//! it is not found (404).
//!
//! The category is never typed in: it is computed from the facts by the programme engine
//! (`huzhu_domain::programme::assess` on the built-in `hardship-archive`), and its answer — the
//! arithmetic included — is stored with the record, pinned to the programme's version.

use crate::access::{ensure_org_in_scope, require};
use crate::{AppError, Clock};
use chrono::NaiveDate;
use huzhu_domain::access::{Actor, Capability};
use huzhu_domain::archive::{
    ExitReason, FactsInput, HouseholdFacts, HouseholdState, Level, NOTE_MAX,
};
use huzhu_domain::notice::{NoticeWindow, ObjectionOutcome, WorkCalendar, ARCHIVE_NOTICE_DAYS};
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_domain::personal::mask_middle;
use huzhu_domain::programme::{self, Assessment, Case, Programme};
use huzhu_store::archive::{
    ArchiveChange, Computed, Household, HouseholdEvent, HouseholdFilter, NewHousehold,
    NewObjection, Objection, PublicNotice,
};
use huzhu_store::{AccountStore, ArchiveStore, MemberId, MoneyStore, OrgScope};
use serde::Serialize;

/// The built-in programme the category is computed by.
pub const PROGRAMME: &str = "hardship-archive";

/// What the unit officer sends to open a record.
#[derive(Debug, Clone)]
pub struct OpenInput {
    /// The member who heads the household (a member of a unit in the actor's subtree).
    pub head: MemberId,
    pub facts: FactsInput,
}

/// A line of the category's arithmetic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reasoning {
    pub rule: String,
    pub clause: String,
    pub explain: String,
}

/// A person of the household as staff see them: the ID number masked (SPEC 3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonView {
    pub id_number: String,
    pub name: String,
    pub relation: String,
    pub school_level: String,
    pub dialysis: bool,
}

/// The notice of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeView {
    pub id: i64,
    pub public_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub working_days: u32,
    /// `running` or `ended` on the day asked; `concluded` once decided.
    pub state: String,
    pub objections: Vec<Objection>,
}

/// A household's record as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HouseholdView {
    pub id: i64,
    pub org: String,
    pub org_name: String,
    pub head_member_id: i64,
    pub head_name: String,
    /// Masked.
    pub head_id_number: String,
    pub state: HouseholdState,
    /// `deep`, `relative`, `accident`; none when out of hardship.
    pub category: Option<String>,
    pub per_head_monthly_income_fen: i64,
    /// How the category was computed (the engine's lines), then why not (its refusals).
    pub reasoning: Vec<Reasoning>,
    pub refusals: Vec<Reasoning>,
    pub size: u32,
    pub annual_income_fen: i64,
    pub medical_self_paid_fen: i64,
    pub education_fen: i64,
    pub education_abroad_self_funded_fen: i64,
    pub disaster_loss_fen: i64,
    pub people: Vec<PersonView>,
    pub programme: String,
    pub programme_version: String,
    pub level: Option<Level>,
    pub level_date: Option<NaiveDate>,
    pub opened_by: String,
    pub opened_on: NaiveDate,
    /// Who visited: the review is someone else's.
    pub visited_by: Option<String>,
    pub visited_on: Option<NaiveDate>,
    pub admitted_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub exit_reason: Option<ExitReason>,
    /// Why it was refused or exited.
    pub reason: Option<String>,
    pub notice: Option<NoticeView>,
}

#[derive(serde::Deserialize)]
struct StoredAnswer {
    #[serde(default)]
    lines: Vec<StoredLine>,
    #[serde(default)]
    refusals: Vec<StoredLine>,
}

#[derive(serde::Deserialize)]
struct StoredLine {
    #[serde(default)]
    rule: String,
    #[serde(default)]
    reason: String,
    clause: String,
    explain: String,
}

impl HouseholdView {
    fn of(h: &Household, today: NaiveDate) -> HouseholdView {
        let answer: StoredAnswer = serde_json::from_str(&h.assessment).unwrap_or(StoredAnswer {
            lines: Vec::new(),
            refusals: Vec::new(),
        });
        let reasoning = |v: Vec<StoredLine>| {
            v.into_iter()
                .map(|l| Reasoning {
                    rule: if l.rule.is_empty() { l.reason } else { l.rule },
                    clause: l.clause,
                    explain: l.explain,
                })
                .collect()
        };
        let f = &h.facts;
        HouseholdView {
            id: h.id,
            org: h.org.as_str().to_string(),
            org_name: h.org_name.clone(),
            head_member_id: h.head.0,
            head_name: h.head_name.clone(),
            head_id_number: mask_middle(&h.head_id_number, 4, 4),
            state: h.state,
            category: h.category.clone(),
            per_head_monthly_income_fen: h.per_head_monthly_income_fen,
            reasoning: reasoning(answer.lines),
            refusals: reasoning(answer.refusals),
            size: f.size,
            annual_income_fen: f.annual_income_fen,
            medical_self_paid_fen: f.medical_self_paid_fen,
            education_fen: f.education_fen,
            education_abroad_self_funded_fen: f.education_abroad_self_funded_fen,
            disaster_loss_fen: f.disaster_loss_fen,
            people: f
                .people
                .iter()
                .map(|p| PersonView {
                    id_number: mask_middle(&p.id_number, 4, 4),
                    name: p.name.clone(),
                    relation: p.relation.code().to_string(),
                    school_level: p.school_level.code().to_string(),
                    dialysis: p.dialysis,
                })
                .collect(),
            programme: h.programme_id.clone(),
            programme_version: h.programme_version.clone(),
            level: h.level,
            level_date: h.level_date,
            opened_by: h.opened_by.clone(),
            opened_on: h.opened_on,
            visited_by: h.visited_by.clone(),
            visited_on: h.visited_on,
            admitted_on: h.admitted_on,
            valid_until: h.valid_until,
            exit_reason: h.exit_reason,
            reason: h.reason.clone(),
            notice: h.notice.as_ref().map(|n| NoticeView {
                id: n.id,
                public_name: n.public_name.clone(),
                starts_on: n.window.starts_on,
                ends_on: n.window.ends_on,
                working_days: n.working_days,
                state: if n.status == "open" {
                    n.window.state(today).code().to_string()
                } else {
                    n.status.clone()
                },
                objections: n.objections.clone(),
            }),
        }
    }
}

/// A notice on the public page: masked name, unit, category; no ID, no income (SPEC 7.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicNoticeView {
    pub id: i64,
    /// What is announced: `household` for the archive.
    pub subject_kind: String,
    pub public_name: String,
    pub unit_name: String,
    /// The category's code for a household.
    pub summary: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl PublicNoticeView {
    fn of(n: PublicNotice) -> PublicNoticeView {
        PublicNoticeView {
            id: n.id,
            subject_kind: n.subject_kind,
            public_name: n.public_name,
            unit_name: n.unit_name,
            summary: n.summary,
            starts_on: n.starts_on,
            ends_on: n.ends_on,
        }
    }
}

/// The list's filters; `org` narrows the actor's subtree.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub org: Option<OrgCode>,
    pub state: Option<HouseholdState>,
    pub category: Option<String>,
    pub level: Option<Level>,
}

fn archive_programme() -> Result<Programme, AppError> {
    match programme::builtin(PROGRAMME) {
        Some(Ok(p)) => Ok(p),
        _ => Err(AppError::Conflict(format!(
            "内置项目{PROGRAMME}无法读取 (the built-in programme {PROGRAMME} does not load)"
        ))),
    }
}

/// The engine's answer for a household on `as_of`. A migrant worker's employment in the city is
/// read from the member's hire date (huzhu's reading: the roster's 入职日期).
pub fn assess_household(
    head: &huzhu_domain::member::MemberRecord,
    facts: &HouseholdFacts,
    as_of: NaiveDate,
) -> Result<(Programme, Assessment), AppError> {
    let p = archive_programme()?;
    let people: Vec<serde_json::Value> = facts
        .people
        .iter()
        .filter(|x| x.relation != huzhu_domain::archive::Relation::Head)
        .map(|x| {
            serde_json::json!({
                "id_number": x.id_number, "relation": x.relation.code(),
                "school_level": x.school_level.code(), "dialysis": x.dialysis,
            })
        })
        .collect();
    let tags: Vec<&str> = head
        .tags
        .iter()
        .map(huzhu_domain::grant::case_tag)
        .collect();
    let mut member = serde_json::json!({
        "id_number": head.id_number.as_str(),
        "status": head.status.code(),
        "tags": tags,
    });
    if let (Some(since), Some(m)) = (head.hire_date, member.as_object_mut()) {
        m.insert("employed_in_city_since".into(), serde_json::json!(since));
    }
    let case = serde_json::json!({
        "as_of": as_of,
        "member": member,
        "household": {
            "size": facts.size,
            "annual_income_fen": facts.annual_income_fen,
            "medical_self_paid_fen": facts.medical_self_paid_fen,
            "education_fen": facts.education_fen,
            "education_abroad_self_funded_fen": facts.education_abroad_self_funded_fen,
            "disaster_loss_fen": facts.disaster_loss_fen,
            "people": people,
        },
    });
    let case = Case::from_json(&case.to_string())
        .map_err(|e| AppError::invalid("facts", e.to_string()))?;
    let answer = programme::assess(&p, &case).map_err(|e| {
        AppError::invalid(
            "facts",
            format!("缺少计算所需的信息 (a fact the category needs is missing): {e}"),
        )
    })?;
    Ok((p, answer))
}

fn category_of(a: &Assessment) -> Option<&'static str> {
    a.category.flatten().map(|c| c.code())
}

fn text(field: &str, raw: &str, required: bool) -> Result<String, AppError> {
    let t = raw.trim();
    if required && t.is_empty() {
        return Err(AppError::invalid(
            field,
            "请填写说明 (this text is required)".into(),
        ));
    }
    if t.chars().count() > NOTE_MAX {
        return Err(AppError::invalid(
            field,
            format!("最多{NOTE_MAX}个字符 (at most {NOTE_MAX} characters)"),
        ));
    }
    Ok(t.to_string())
}

/// `ManageArchive` at `level` or above.
fn require_level(actor: &Actor, level: OrgLevel) -> Result<OrgScope, AppError> {
    require(actor, Capability::ManageArchive)?;
    if !actor.is_at_or_above(level) {
        let who = match level {
            OrgLevel::Street => "街道（乡镇）及以上 (street level or above)",
            _ => "区县及以上 (district level or above)",
        };
        return Err(AppError::Forbidden {
            capability: format!("ManageArchive: {who}"),
        });
    }
    Ok(OrgScope::Under(actor.org.clone()))
}

fn facts_of(
    input: &FactsInput,
    head: &huzhu_domain::member::MemberRecord,
    today: NaiveDate,
) -> Result<HouseholdFacts, AppError> {
    input
        .validate(head.id_number.as_str(), head.name.as_str(), today)
        .map_err(|e| AppError::invalid(&e.field, e.message))
}

/// Opens the household's record: the head must be a member of a unit in the actor's subtree;
/// the category is computed, and a household the programme refuses is not opened (the refusal
/// and its arithmetic are the error).
pub async fn open<S: ArchiveStore + MoneyStore + AccountStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    input: &OpenInput,
) -> Result<HouseholdView, AppError> {
    require(actor, Capability::ApplyArchive)?;
    let today = clock.today();
    let head = store
        .member_under(input.head, &actor.org)
        .await?
        .ok_or_else(|| crate::access::not_found("member"))?;
    let facts = facts_of(&input.facts, &head.record, today)?;
    let (p, answer) = assess_household(&head.record, &facts, today)?;
    let Some(category) = category_of(&answer) else {
        let why: Vec<String> = answer.refusals.iter().map(|r| r.explain.clone()).collect();
        return Err(AppError::invalid(
            "facts",
            format!(
                "按家庭情况不符合建档条件 (the household does not qualify): {}",
                why.join("; ")
            ),
        ));
    };
    let json = answer.to_json();
    let h = store
        .open_household(
            &OrgScope::Under(actor.org.clone()),
            &NewHousehold {
                head: input.head,
                facts: &facts,
                computed: Computed {
                    category: Some(category),
                    per_head_monthly_income_fen: answer.per_head_monthly_income_fen.unwrap_or(0),
                    assessment: &json,
                    programme_id: &p.id,
                    programme_version: &p.version,
                },
                by: &actor.username,
                on: today,
            },
            clock.now(),
        )
        .await?;
    Ok(HouseholdView::of(&h, today))
}

async fn step<S: ArchiveStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    scope: OrgScope,
    id: i64,
    change: &ArchiveChange<'_>,
) -> Result<HouseholdView, AppError> {
    let today = clock.today();
    let h = store
        .archive_step(&scope, id, change, &actor.username, today, clock.now())
        .await?;
    Ok(HouseholdView::of(&h, today))
}

/// 入户核查: the street's home visit, dated `on` (not before the application, not in the future).
pub async fn visit<S: ArchiveStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    on: NaiveDate,
    note: &str,
) -> Result<HouseholdView, AppError> {
    let scope = require_level(actor, OrgLevel::Street)?;
    let note = text("note", note, true)?;
    step(
        store,
        clock,
        actor,
        scope,
        id,
        &ArchiveChange::Visit { on, note: &note },
    )
    .await
}

/// 区级审核, by someone other than the visitor.
pub async fn review<S: ArchiveStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    note: &str,
) -> Result<HouseholdView, AppError> {
    let scope = require_level(actor, OrgLevel::District)?;
    let note = text("note", note, false)?;
    step(
        store,
        clock,
        actor,
        scope,
        id,
        &ArchiveChange::Review { note: &note },
    )
    .await
}

/// 开始公示 today, for the programme's working days on the holiday calendar.
pub async fn start_notice<S: ArchiveStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
) -> Result<HouseholdView, AppError> {
    let scope = require_level(actor, OrgLevel::District)?;
    let days = archive_programme()
        .map(|p| p.notice.working_days)
        .unwrap_or(ARCHIVE_NOTICE_DAYS)
        .max(1);
    let calendar = WorkCalendar::builtin().map_err(|e| AppError::Conflict(e.to_string()))?;
    let window = NoticeWindow::open(&calendar, clock.today(), days)
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    step(
        store,
        clock,
        actor,
        scope,
        id,
        &ArchiveChange::StartNotice {
            window,
            working_days: days,
        },
    )
    .await
}

/// 建档 with the level the federation gives and its date.
pub async fn admit<S: ArchiveStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    level: Level,
    level_date: NaiveDate,
    note: &str,
) -> Result<HouseholdView, AppError> {
    let scope = require_level(actor, OrgLevel::District)?;
    let note = text("note", note, false)?;
    step(
        store,
        clock,
        actor,
        scope,
        id,
        &ArchiveChange::Admit {
            level,
            level_date,
            note: &note,
        },
    )
    .await
}

/// 不予建档, with a reason, at any step before admission.
pub async fn refuse<S: ArchiveStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    reason: &str,
) -> Result<HouseholdView, AppError> {
    let scope = require_level(actor, OrgLevel::District)?;
    let reason = text("reason", reason, true)?;
    step(
        store,
        clock,
        actor,
        scope,
        id,
        &ArchiveChange::Refuse { reason: &reason },
    )
    .await
}

/// 年度复核: new facts, the category recomputed (out of hardship → exit `out_of_hardship`).
pub async fn yearly_review<S: ArchiveStore + MoneyStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    facts: &FactsInput,
    note: &str,
) -> Result<HouseholdView, AppError> {
    let scope = require_level(actor, OrgLevel::District)?;
    let note = text("note", note, false)?;
    let today = clock.today();
    let current = store.household(&scope, id).await?;
    let head = store.member(current.head).await?;
    let facts = facts_of(facts, &head.record, today)?;
    let (p, answer) = assess_household(&head.record, &facts, today)?;
    let json = answer.to_json();
    step(
        store,
        clock,
        actor,
        scope,
        id,
        &ArchiveChange::YearlyReview {
            facts: &facts,
            computed: Computed {
                category: category_of(&answer),
                per_head_monthly_income_fen: answer.per_head_monthly_income_fen.unwrap_or(0),
                assessment: &json,
                programme_id: &p.id,
                programme_version: &p.version,
            },
            note: &note,
        },
    )
    .await
}

/// 退出 with a reason (out of hardship comes from a yearly review).
pub async fn exit<S: ArchiveStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    reason: ExitReason,
    note: &str,
) -> Result<HouseholdView, AppError> {
    let scope = require_level(actor, OrgLevel::District)?;
    let note = text("note", note, false)?;
    step(
        store,
        clock,
        actor,
        scope,
        id,
        &ArchiveChange::Exit {
            reason,
            note: &note,
        },
    )
    .await
}

/// Marks lapsed the admitted records in the actor's subtree not reviewed within 30 days after
/// their anniversary, as of `today` (passed in: the CLI or a scheduler names the day).
pub async fn lapse_sweep<S: ArchiveStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    today: NaiveDate,
) -> Result<Vec<i64>, AppError> {
    let scope = require_level(actor, OrgLevel::District)?;
    Ok(store
        .lapse_households(&scope, today, &actor.username, clock.now())
        .await?)
}

/// Records an objection to notice `notice_id` received on `received_on`.
pub async fn record_objection<S: ArchiveStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    notice_id: i64,
    received_on: NaiveDate,
    from_whom: Option<&str>,
    content: &str,
) -> Result<Objection, AppError> {
    let scope = require_level(actor, OrgLevel::Street)?;
    let content = text("content", content, true)?;
    let from = from_whom
        .map(|f| text("from_whom", f, false))
        .transpose()?
        .filter(|f| !f.is_empty());
    if received_on > clock.today() {
        return Err(AppError::invalid(
            "received_on",
            "收到日期晚于今天 (the date received is in the future)".into(),
        ));
    }
    Ok(store
        .record_objection(
            &scope,
            notice_id,
            &NewObjection {
                received_on,
                from_whom: from.as_deref(),
                content: &content,
                by: &actor.username,
            },
            clock.now(),
        )
        .await?)
}

/// Settles objection `id`: upheld or dismissed, with the reason.
pub async fn settle_objection<S: ArchiveStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    outcome: ObjectionOutcome,
    reason: &str,
) -> Result<Objection, AppError> {
    let scope = require_level(actor, OrgLevel::District)?;
    let reason = text("reason", reason, true)?;
    Ok(store
        .settle_objection(&scope, id, outcome, &reason, &actor.username, clock.now())
        .await?)
}

/// One record in the actor's subtree.
pub async fn get<S: ArchiveStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
) -> Result<HouseholdView, AppError> {
    require(actor, Capability::ReadArchive)?;
    let h = store
        .household(&OrgScope::Under(actor.org.clone()), id)
        .await?;
    Ok(HouseholdView::of(&h, clock.today()))
}

/// The record's timeline, oldest first.
pub async fn timeline<S: ArchiveStore>(
    store: &S,
    actor: &Actor,
    id: i64,
) -> Result<Vec<HouseholdEvent>, AppError> {
    require(actor, Capability::ReadArchive)?;
    Ok(store
        .household_events(&OrgScope::Under(actor.org.clone()), id)
        .await?)
}

/// Records in the actor's subtree (or under `filter.org` within it), newest first, at most 500.
pub async fn list<S: ArchiveStore + AccountStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    filter: &ListFilter,
) -> Result<Vec<HouseholdView>, AppError> {
    require(actor, Capability::ReadArchive)?;
    let org = filter.org.as_ref().unwrap_or(&actor.org);
    ensure_org_in_scope(store, actor, org).await?;
    let list = store
        .households(
            &OrgScope::Under(org.clone()),
            &HouseholdFilter {
                state: filter.state,
                category: filter.category.clone(),
                level: filter.level,
                before: None,
                limit: 500,
            },
        )
        .await?;
    let today = clock.today();
    Ok(list.iter().map(|h| HouseholdView::of(h, today)).collect())
}

/// The notices running today, for the public page: no sign-in, no actor.
pub async fn public_notices<S: ArchiveStore>(
    store: &S,
    clock: &dyn Clock,
) -> Result<Vec<PublicNoticeView>, AppError> {
    Ok(store
        .public_notices(clock.today())
        .await?
        .into_iter()
        .map(PublicNoticeView::of)
        .collect())
}

/// The member with this ID number in the actor's subtree (the head a console form names), else
/// not found — whether they exist elsewhere or not at all.
pub async fn head_by_id_number<S: MoneyStore + huzhu_store::Store>(
    store: &S,
    actor: &Actor,
    id_number: &str,
) -> Result<MemberId, AppError> {
    require(actor, Capability::ApplyArchive)?;
    crate::access::member_by_id_number(store, actor, id_number).await
}

#[cfg(test)]
mod one_tag_name {
    /// A member tag is named for the programmes in one place, `huzhu_domain::grant::case_tag`
    /// (issue 15: the archive had a copy of its own that could drift from the grants' one).
    #[test]
    fn the_use_cases_name_member_tags_only_through_the_domain() {
        let tag = ["\"", "new_form", "_worker\""].concat();
        for (file, text) in [
            ("archive.rs", include_str!("archive.rs")),
            ("campaign.rs", include_str!("campaign.rs")),
            ("grant_apply.rs", include_str!("grant_apply.rs")),
        ] {
            assert!(
                !text.contains(&tag),
                "{file} names a member tag itself; use huzhu_domain::grant::case_tag"
            );
            assert!(
                text.contains("case_tag"),
                "{file} reads tags through case_tag"
            );
        }
    }
}
