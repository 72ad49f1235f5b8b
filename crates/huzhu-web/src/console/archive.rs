//! 困难职工档案 — the archive's pages (SPEC 7.2, issue 15): the list with filters, the unit's
//! application form with the household's people, a record's page with the category's arithmetic,
//! its notice and objections, its timeline and the steps the signed-in role may take; and the
//! public notice page `/notices`, readable without signing in (masked names, unit, category).

use super::{finish, page, redirect, Console, Ctx, PageError, Visitor};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use huzhu_app::archive::{self, HouseholdView, ListFilter, OpenInput, PublicNoticeView};
use huzhu_app::model::HouseholdEvent;
use huzhu_app::Backend;
use huzhu_domain::access::{Capability, Role};
use huzhu_domain::archive::{
    ExitReason, FactsInput, HouseholdState, Level, PersonInput, Relation, SchoolLevel, StepKind,
};
use huzhu_domain::notice::ObjectionOutcome;
use huzhu_domain::org::OrgLevel;
use serde::Deserialize;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/archive", get(list::<S>).post(create::<S>))
        .route("/archive/new", get(new_form))
        .route("/archive/{id}", get(detail::<S>))
        .route("/archive/{id}/step/{step}", post(take_step::<S>))
        .route("/archive/notices/{id}/objections", post(object::<S>))
        .route("/archive/objections/{id}/settle", post(settle::<S>))
        .route("/notices", get(public::<S>))
}

/// 深度困难 (deep) …: a category's words, never its code.
pub fn category_words(c: &Ctx, code: &str) -> String {
    let (zh, en) = match code {
        "deep" => ("深度困难", "deep hardship"),
        "relative" => ("相对困难", "relative hardship"),
        "accident" => ("意外致困", "hardship by accident"),
        "" => ("—", "—"),
        _ => ("其他", "other"),
    };
    c.t(zh, en).to_string()
}

fn words(c: &Ctx, zh: &str, en: &str) -> String {
    c.t(zh, en).to_string()
}

/// The words of a state, level, reason, relation, school level, step or outcome.
pub struct Words<'a>(pub &'a Ctx);

impl Words<'_> {
    pub fn state(&self, s: &HouseholdState) -> String {
        words(self.0, s.label_zh(), s.label_en())
    }
    pub fn category(&self, code: &Option<String>) -> String {
        category_words(self.0, code.as_deref().unwrap_or(""))
    }
    pub fn level(&self, l: &Option<Level>) -> String {
        l.map(|l| words(self.0, l.label_zh(), l.label_en()))
            .unwrap_or_else(|| "—".into())
    }
    pub fn exit(&self, r: &Option<ExitReason>) -> String {
        r.map(|r| words(self.0, r.label_zh(), r.label_en()))
            .unwrap_or_default()
    }
    pub fn relation(&self, code: &str) -> String {
        Relation::parse(code)
            .map(|r| words(self.0, r.label_zh(), r.label_en()))
            .unwrap_or_else(|| code.into())
    }
    pub fn school(&self, code: &str) -> String {
        SchoolLevel::parse(code)
            .map(|r| words(self.0, r.label_zh(), r.label_en()))
            .unwrap_or_else(|| code.into())
    }
    pub fn step(&self, s: &StepKind) -> String {
        words(self.0, s.label_zh(), s.label_en())
    }
    pub fn outcome(&self, o: &Option<ObjectionOutcome>) -> String {
        match o {
            Some(o) => words(self.0, o.label_zh(), o.label_en()),
            None => words(self.0, "待处理", "not yet settled"),
        }
    }
    pub fn notice_state(&self, s: &str) -> String {
        match s {
            "running" => words(self.0, "公示中", "running"),
            "ended" => words(self.0, "公示期满", "ended"),
            _ => words(self.0, "已结束", "concluded"),
        }
    }
    pub fn relations(&self) -> Vec<(&'static str, String)> {
        Relation::ALL
            .iter()
            .filter(|r| **r != Relation::Head)
            .map(|r| (r.code(), words(self.0, r.label_zh(), r.label_en())))
            .collect()
    }
    pub fn schools(&self) -> Vec<(&'static str, String)> {
        SchoolLevel::ALL
            .iter()
            .map(|r| (r.code(), words(self.0, r.label_zh(), r.label_en())))
            .collect()
    }
    pub fn levels(&self) -> Vec<(&'static str, String)> {
        Level::ALL
            .iter()
            .map(|l| (l.code(), words(self.0, l.label_zh(), l.label_en())))
            .collect()
    }
    pub fn exits(&self) -> Vec<(&'static str, String)> {
        ExitReason::ALL
            .iter()
            .filter(|r| **r != ExitReason::OutOfHardship)
            .map(|r| (r.code(), words(self.0, r.label_zh(), r.label_en())))
            .collect()
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    state: String,
    #[serde(default)]
    category: String,
}

#[derive(Template)]
#[template(path = "archive/list.html")]
struct ListPage<'a> {
    c: &'a Ctx,
    w: Words<'a>,
    list: Vec<HouseholdView>,
    state: String,
    category: String,
    can_apply: bool,
}

pub async fn list<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<ListQuery>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let filter = ListFilter {
            org: None,
            state: HouseholdState::parse(&q.state),
            category: (!q.category.trim().is_empty()).then(|| q.category.trim().to_string()),
            level: None,
        };
        let list = archive::list(&state.store, state.clock.as_ref(), actor, &filter).await?;
        page(&ListPage {
            c: &c,
            w: Words(&c),
            list,
            state: q.state.clone(),
            category: q.category.clone(),
            can_apply: actor.can(Capability::ApplyArchive),
        })
    }
    .await;
    finish(&c, r)
}

fn selected(a: &str, b: &str) -> &'static str {
    if a == b {
        " selected"
    } else {
        ""
    }
}

impl ListPage<'_> {
    fn state_options(&self) -> Vec<(&'static str, String, &'static str)> {
        HouseholdState::ALL
            .iter()
            .map(|s| (s.code(), self.w.state(s), selected(&self.state, s.code())))
            .collect()
    }

    fn category_options(&self) -> Vec<(&'static str, String, &'static str)> {
        ["deep", "relative", "accident"]
            .into_iter()
            .map(|code| {
                (
                    code,
                    category_words(self.c, code),
                    selected(&self.category, code),
                )
            })
            .collect()
    }
}

/// Rows of people the form offers.
pub(super) const PEOPLE_ROWS: usize = 4;

#[derive(Template)]
#[template(path = "archive/new.html")]
struct NewPage<'a> {
    c: &'a Ctx,
    w: Words<'a>,
    rows: Vec<usize>,
}

pub async fn new_form(Console(c): Console) -> Response {
    let r = async {
        let actor = c.actor()?;
        if !actor.can(Capability::ApplyArchive) {
            return Err(PageError::from(huzhu_app::AppError::Forbidden {
                capability: "ApplyArchive".into(),
            }));
        }
        page(&NewPage {
            c: &c,
            w: Words(&c),
            rows: (0..PEOPLE_ROWS).collect(),
        })
    }
    .await;
    finish(&c, r)
}

/// Yuan as typed (`1234.5`) into fen; empty is 0.
pub(super) fn fen(field: &str, raw: &str) -> Result<i64, PageError> {
    let t = raw.trim().replace(',', "");
    if t.is_empty() {
        return Ok(0);
    }
    huzhu_domain::money::Money::parse_yuan(&t)
        .map(|m| m.fen())
        .map_err(|e| PageError::invalid(field, e.to_string()))
}

/// The application form: the head's ID number, the facts in yuan, rows of people.
#[derive(Deserialize, Default)]
pub struct FactsForm {
    #[serde(default)]
    head_id_number: String,
    #[serde(default)]
    size: String,
    #[serde(default)]
    annual_income: String,
    #[serde(default)]
    medical_self_paid: String,
    #[serde(default)]
    education: String,
    #[serde(default)]
    education_abroad: String,
    #[serde(default)]
    disaster_loss: String,
    #[serde(default)]
    note: String,
    #[serde(flatten)]
    pub(super) rows: std::collections::BTreeMap<String, String>,
}

impl FactsForm {
    pub(super) fn facts(&self) -> Result<FactsInput, PageError> {
        let size = self.size.trim().parse::<u32>().map_err(|_| {
            PageError::invalid(
                "size",
                "家庭人口应为整数 (household size is a whole number)",
            )
        })?;
        let cell = |i: usize, k: &str| {
            self.rows
                .get(&format!("p{i}_{k}"))
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        let people = (0..PEOPLE_ROWS)
            .filter(|i| !cell(*i, "id_number").is_empty() || !cell(*i, "name").is_empty())
            .map(|i| PersonInput {
                id_number: cell(i, "id_number"),
                name: cell(i, "name"),
                relation: cell(i, "relation"),
                school_level: Some(cell(i, "school_level")),
                dialysis: cell(i, "dialysis") == "on",
            })
            .collect();
        Ok(FactsInput {
            size,
            annual_income_fen: fen("annual_income", &self.annual_income)?,
            medical_self_paid_fen: fen("medical_self_paid", &self.medical_self_paid)?,
            education_fen: fen("education", &self.education)?,
            education_abroad_self_funded_fen: fen("education_abroad", &self.education_abroad)?,
            disaster_loss_fen: fen("disaster_loss", &self.disaster_loss)?,
            people,
        })
    }
}

pub async fn create<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Form(f): Form<FactsForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let head = archive::head_by_id_number(&state.store, actor, &f.head_id_number).await?;
        let input = OpenInput {
            head,
            facts: f.facts()?,
        };
        let h = archive::open(&state.store, state.clock.as_ref(), actor, &input).await?;
        Ok(redirect(&format!("/archive/{}", h.id)))
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "archive/detail.html")]
struct DetailPage<'a> {
    c: &'a Ctx,
    w: Words<'a>,
    h: HouseholdView,
    events: Vec<HouseholdEvent>,
    /// The steps the signed-in account may offer, by code.
    steps: Vec<&'static str>,
    rows: Vec<usize>,
}

impl DetailPage<'_> {
    fn offers(&self, step: &str) -> bool {
        self.steps.contains(&step)
    }
}

/// The steps the actor's role and level may take on a record in `state` (the app decides; this
/// only chooses which buttons to show).
fn steps_for(c: &Ctx, h: &HouseholdView) -> Vec<&'static str> {
    let state = h.state;
    let Some(a) = &c.actor else {
        return Vec::new();
    };
    if a.role != Role::FederationStaff || !a.can(Capability::ManageArchive) {
        return Vec::new();
    }
    let street = a.is_at_or_above(OrgLevel::Street);
    let district = a.is_at_or_above(OrgLevel::District);
    let mut v = Vec::new();
    use HouseholdState as S;
    match state {
        S::Applied if street => v.push("visit"),
        S::Visited if district && h.visited_by.as_deref() != Some(a.username.as_str()) => {
            v.push("review")
        }
        S::Reviewed if district => v.push("notice"),
        S::InNotice => {
            if street {
                v.push("objection");
            }
            if district {
                v.extend(["settle", "admit"]);
            }
        }
        S::Admitted | S::Lapsed if district => v.extend(["yearly_review", "exit"]),
        _ => {}
    }
    if district && matches!(state, S::Applied | S::Visited | S::Reviewed | S::InNotice) {
        v.push("refuse");
    }
    v
}

pub(super) fn record_id(raw: &str) -> Result<i64, PageError> {
    raw.parse()
        .map_err(|_| PageError::invalid("id", "编号应为数字 (the id is a number)"))
}

pub async fn detail<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = record_id(&id)?;
        let h = archive::get(&state.store, state.clock.as_ref(), actor, id).await?;
        let events = archive::timeline(&state.store, actor, id).await?;
        let steps = steps_for(&c, &h);
        page(&DetailPage {
            c: &c,
            w: Words(&c),
            h,
            events,
            steps,
            rows: (0..PEOPLE_ROWS).collect(),
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct StepForm {
    #[serde(default)]
    on: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    level_date: String,
    #[serde(flatten)]
    facts: FactsForm,
}

pub(super) fn date(field: &str, raw: &str) -> Result<NaiveDate, PageError> {
    raw.trim()
        .parse()
        .map_err(|_| PageError::invalid(field, "日期格式应为 2026-03-02 (a date like 2026-03-02)"))
}

pub async fn take_step<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path((id, step)): Path<(String, String)>,
    Form(f): Form<StepForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = record_id(&id)?;
        let (s, clock) = (&state.store, state.clock.as_ref());
        match step.as_str() {
            "visit" => {
                archive::visit(s, clock, actor, id, date("on", &f.on)?, &f.note).await?;
            }
            "review" => {
                archive::review(s, clock, actor, id, &f.note).await?;
            }
            "notice" => {
                archive::start_notice(s, clock, actor, id).await?;
            }
            "admit" => {
                let level = Level::parse(&f.level)
                    .ok_or_else(|| PageError::invalid("level", "请选择级别 (choose a level)"))?;
                let on = date("level_date", &f.level_date)?;
                archive::admit(s, clock, actor, id, level, on, &f.note).await?;
            }
            "refuse" => {
                archive::refuse(s, clock, actor, id, &f.reason).await?;
            }
            "exit" => {
                let reason = ExitReason::parse(&f.reason).ok_or_else(|| {
                    PageError::invalid("reason", "请选择退出原因 (choose a reason)")
                })?;
                archive::exit(s, clock, actor, id, reason, &f.note).await?;
            }
            "yearly_review" => {
                let facts = f.facts.facts()?;
                archive::yearly_review(s, clock, actor, id, &facts, &f.facts.note).await?;
            }
            _ => {
                return Err(PageError::invalid(
                    "step",
                    "没有这一步骤 (there is no such step)",
                ))
            }
        }
        Ok(redirect(&format!("/archive/{id}")))
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct ObjectionForm {
    #[serde(default)]
    household: String,
    #[serde(default)]
    received_on: String,
    #[serde(default)]
    from_whom: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    reason: String,
}

pub async fn object<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Form(f): Form<ObjectionForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let notice = record_id(&id)?;
        archive::record_objection(
            &state.store,
            state.clock.as_ref(),
            actor,
            notice,
            date("received_on", &f.received_on)?,
            Some(f.from_whom.as_str()),
            &f.content,
        )
        .await?;
        Ok(redirect(&format!("/archive/{}", record_id(&f.household)?)))
    }
    .await;
    finish(&c, r)
}

pub async fn settle<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Form(f): Form<ObjectionForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let objection = record_id(&id)?;
        let outcome = ObjectionOutcome::parse(&f.outcome)
            .ok_or_else(|| PageError::invalid("outcome", "请选择处理结果 (choose an outcome)"))?;
        archive::settle_objection(
            &state.store,
            state.clock.as_ref(),
            actor,
            objection,
            outcome,
            &f.reason,
        )
        .await?;
        Ok(redirect(&format!("/archive/{}", record_id(&f.household)?)))
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "archive/public.html")]
struct PublicPage<'a> {
    c: &'a Ctx,
    list: Vec<PublicNoticeView>,
    /// The craftsman recognition's nominees in notice (issue 17).
    nominations: Vec<PublicNoticeView>,
    /// An objection from this page was just received (issue 17).
    received: bool,
    /// The longest objection the form takes.
    objection_max: usize,
}

#[derive(Deserialize, Default)]
pub struct PublicQuery {
    /// `received` after an objection was sent.
    #[serde(default)]
    objection: String,
}

impl PublicPage<'_> {
    fn category(&self, code: &str) -> String {
        category_words(self.c, code)
    }
}

/// 公示 — no sign-in: what SPEC 7.2 allows and nothing more.
pub async fn public<S: Backend>(
    State(state): State<AppState<S>>,
    Visitor(c): Visitor,
    Query(q): Query<PublicQuery>,
) -> Response {
    let r = async {
        let (nominations, list) = archive::public_notices(&state.store, state.clock.as_ref())
            .await?
            .into_iter()
            .partition(|n| n.subject_kind == "nomination");
        page(&PublicPage {
            c: &c,
            list,
            nominations,
            received: q.objection == "received",
            objection_max: huzhu_app::recognition::PUBLIC_OBJECTION_MAX,
        })
    }
    .await;
    finish(&c, r)
}
