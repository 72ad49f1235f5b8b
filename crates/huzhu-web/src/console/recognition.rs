//! 数字工匠 — craftsman recognition's pages (SPEC 7.8, issue 17): the calls with the form that
//! opens one; a call's page with its nominations (ranked), the nomination form of a district or
//! industry union, and the city's steps (ranking, notice, award); a nomination's page with its
//! scores, the expert score form and the notice's objections; the experts; the certificates, a
//! printable page per awardee.

use super::archive::{date, record_id};
use super::{finish, page, redirect, Console, Ctx, PageError};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use huzhu_app::model::{Call, Expert, MemberId, Nomination, Score};
use huzhu_app::recognition::{self, CallInput, NominationInput};
use huzhu_app::Backend;
use huzhu_domain::access::Capability;
use huzhu_domain::notice::ObjectionOutcome;
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_domain::recognition::{CallState, Facts, NominationState};
use serde::Deserialize;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/recognition", get(list::<S>).post(create::<S>))
        .route(
            "/recognition/experts",
            get(experts::<S>).post(add_expert::<S>),
        )
        .route("/recognition/{id}", get(detail::<S>))
        .route("/recognition/{id}/nominate", post(nominate::<S>))
        .route("/recognition/{id}/certificates", get(certificates::<S>))
        .route("/recognition/{id}/step/{step}", post(call_step::<S>))
        .route("/recognition/nominations/{id}", get(nomination::<S>))
        .route(
            "/recognition/nominations/{id}/{step}",
            post(nomination_step::<S>),
        )
}

/// A call's state in words.
fn call_words(c: &Ctx, s: CallState) -> String {
    c.t(s.label_zh(), s.label_en()).to_string()
}

/// A nomination's state in words.
fn nomination_words(c: &Ctx, s: NominationState) -> String {
    c.t(s.label_zh(), s.label_en()).to_string()
}

/// A mean score in hundredths as 87.33.
fn mean(v: Option<i64>) -> String {
    v.map(|m| format!("{}.{:02}", m / 100, m % 100))
        .unwrap_or_else(|| "—".into())
}

fn is_city(c: &Ctx) -> bool {
    c.actor
        .as_ref()
        .is_some_and(|a| a.can(Capability::ManageRecognition) && a.is_at_or_above(OrgLevel::City))
}

#[derive(Template)]
#[template(path = "recognition/list.html")]
struct ListPage<'a> {
    c: &'a Ctx,
    list: Vec<(Call, String)>,
    can_open: bool,
}

pub async fn list<S: Backend>(State(state): State<AppState<S>>, Console(c): Console) -> Response {
    let r = async {
        let actor = c.actor()?;
        let list = recognition::calls(&state.store, actor)
            .await?
            .into_iter()
            .map(|k| {
                let s = call_words(&c, k.state);
                (k, s)
            })
            .collect();
        page(&ListPage {
            c: &c,
            list,
            can_open: is_city(&c),
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct CallForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    quota: String,
    #[serde(default)]
    opens_on: String,
    #[serde(default)]
    closes_on: String,
}

fn number<T: std::str::FromStr>(field: &str, raw: &str) -> Result<T, PageError> {
    raw.trim()
        .parse()
        .map_err(|_| PageError::invalid(field, "应为整数 (a whole number)"))
}

pub async fn create<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Form(f): Form<CallForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let k = recognition::open_call(
            &state.store,
            state.clock.as_ref(),
            actor,
            &CallInput {
                year: number("year", &f.year)?,
                name: f.name,
                quota: number("quota", &f.quota)?,
                opens_on: date("opens_on", &f.opens_on)?,
                closes_on: date("closes_on", &f.closes_on)?,
                rules: None,
            },
        )
        .await?;
        Ok(redirect(&format!("/recognition/{}", k.id)))
    }
    .await;
    finish(&c, r)
}

struct Row {
    n: Nomination,
    state: String,
    mean: String,
    refusals: Vec<String>,
}

fn rows(c: &Ctx, list: Vec<Nomination>) -> Vec<Row> {
    list.into_iter()
        .map(|n| Row {
            state: nomination_words(c, n.state),
            mean: mean(n.mean_centi),
            refusals: n.refusals.iter().map(|r| c.words(r.to_string())).collect(),
            n,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "recognition/detail.html")]
struct DetailPage<'a> {
    c: &'a Ctx,
    k: Call,
    state: String,
    rows: Vec<Row>,
    can_nominate: bool,
    is_city: bool,
}

impl DetailPage<'_> {
    fn at(&self, s: &str) -> bool {
        self.k.state.code() == s
    }
}

pub async fn detail<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = record_id(&id)?;
        let k = recognition::call(&state.store, actor, id).await?;
        let list = recognition::nominations(&state.store, actor, id).await?;
        page(&DetailPage {
            c: &c,
            state: call_words(&c, k.state),
            k,
            rows: rows(&c, list),
            can_nominate: actor.can(Capability::ManageRecognition)
                && actor.org_level == OrgLevel::District,
            is_city: is_city(&c),
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct NominationForm {
    #[serde(default)]
    member_id: String,
    #[serde(default)]
    field: String,
    #[serde(default)]
    achievements: String,
    #[serde(default)]
    field_years: String,
    #[serde(default)]
    city_years: String,
    #[serde(default)]
    civil_servant: Option<String>,
    #[serde(default)]
    leading_cadre: Option<String>,
}

pub async fn nominate<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Form(f): Form<NominationForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = record_id(&id)?;
        let n = recognition::nominate(
            &state.store,
            state.clock.as_ref(),
            actor,
            &NominationInput {
                call: id,
                member: MemberId(number("member_id", &f.member_id)?),
                field: f.field,
                achievements: f.achievements,
                facts: Facts {
                    field_years: number("field_years", &f.field_years)?,
                    city_years: number("city_years", &f.city_years)?,
                    civil_servant: f.civil_servant.is_some(),
                    leading_cadre: f.leading_cadre.is_some(),
                },
            },
        )
        .await?;
        Ok(redirect(&format!("/recognition/nominations/{}", n.id)))
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct CallStepForm {
    #[serde(default)]
    award_count: String,
}

pub async fn call_step<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path((id, step)): Path<(String, String)>,
    Form(f): Form<CallStepForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = record_id(&id)?;
        let (store, clock) = (&state.store, state.clock.as_ref());
        match step.as_str() {
            "ranking" => {
                recognition::approve_ranking(
                    store,
                    clock,
                    actor,
                    id,
                    number("award_count", &f.award_count)?,
                )
                .await?
            }
            "notice" => recognition::start_notice(store, clock, actor, id).await?,
            "award" => recognition::award(store, clock, actor, id).await?,
            _ => return Err(PageError::invalid("step", "未知操作 (unknown step)")),
        };
        Ok(redirect(&format!("/recognition/{id}")))
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "recognition/nomination.html")]
struct NominationPage<'a> {
    c: &'a Ctx,
    row: Row,
    scores: Vec<Score>,
    experts: Vec<Expert>,
    is_city: bool,
}

impl NominationPage<'_> {
    fn at(&self, s: &str) -> bool {
        self.row.n.state.code() == s
    }

    fn outcome(&self, o: &Option<ObjectionOutcome>) -> String {
        match o {
            Some(x) => self.c.t(x.label_zh(), x.label_en()).to_string(),
            None => self.c.t("待处理", "open").to_string(),
        }
    }
}

pub async fn nomination<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = record_id(&id)?;
        let (n, scores) = recognition::nomination(&state.store, actor, id).await?;
        let experts = recognition::experts(&state.store, actor).await?;
        let row = rows(&c, vec![n])
            .pop()
            .ok_or_else(|| PageError::invalid("id", "未找到候选人 (no such nomination)"))?;
        page(&NominationPage {
            c: &c,
            row,
            scores,
            experts,
            is_city: is_city(&c),
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct NominationStepForm {
    #[serde(default)]
    expert_id: String,
    #[serde(default)]
    score: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    received_on: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    objection_id: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    reason: String,
}

pub async fn nomination_step<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path((id, step)): Path<(String, String)>,
    Form(f): Form<NominationStepForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = record_id(&id)?;
        let (store, clock) = (&state.store, state.clock.as_ref());
        match step.as_str() {
            "confirm" => {
                recognition::confirm(store, clock, actor, id).await?;
            }
            "score" => {
                recognition::score(
                    store,
                    clock,
                    actor,
                    id,
                    number("expert_id", &f.expert_id)?,
                    number("score", &f.score)?,
                    &f.note,
                )
                .await?;
            }
            "objection" => {
                let (n, _) = recognition::nomination(store, actor, id).await?;
                let notice = n.notice.ok_or_else(|| {
                    PageError::invalid(
                        "notice",
                        "该候选人未在公示中 (the nominee is not in notice)",
                    )
                })?;
                recognition::record_objection(
                    store,
                    clock,
                    actor,
                    notice.id,
                    date("received_on", &f.received_on)?,
                    None,
                    &f.content,
                )
                .await?;
            }
            "settle" => {
                let outcome = ObjectionOutcome::parse(&f.outcome).ok_or_else(|| {
                    PageError::invalid("outcome", "请选择处理结果 (choose the outcome)")
                })?;
                recognition::settle_objection(
                    store,
                    clock,
                    actor,
                    id,
                    number("objection_id", &f.objection_id)?,
                    outcome,
                    &f.reason,
                )
                .await?;
            }
            _ => return Err(PageError::invalid("step", "未知操作 (unknown step)")),
        }
        Ok(redirect(&format!("/recognition/nominations/{id}")))
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "recognition/experts.html")]
struct ExpertsPage<'a> {
    c: &'a Ctx,
    list: Vec<Expert>,
    is_city: bool,
}

pub async fn experts<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let list = recognition::experts(&state.store, actor).await?;
        page(&ExpertsPage {
            c: &c,
            list,
            is_city: is_city(&c),
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct ExpertForm {
    #[serde(default)]
    org: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    title: String,
}

pub async fn add_expert<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Form(f): Form<ExpertForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let org =
            OrgCode::parse(f.org.trim()).map_err(|e| PageError::invalid("org", e.to_string()))?;
        recognition::add_expert(
            &state.store,
            state.clock.as_ref(),
            actor,
            &org,
            &f.name,
            &f.title,
        )
        .await?;
        Ok(redirect("/recognition/experts"))
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "recognition/certificates.html")]
struct CertificatesPage<'a> {
    c: &'a Ctx,
    k: Call,
    list: Vec<Nomination>,
}

pub async fn certificates<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = record_id(&id)?;
        let k = recognition::call(&state.store, actor, id).await?;
        let list = recognition::nominations(&state.store, actor, id)
            .await?
            .into_iter()
            .filter(|n| n.state == NominationState::Awarded)
            .collect();
        page(&CertificatesPage { c: &c, k, list })
    }
    .await;
    finish(&c, r)
}
