//! 81890 服务目录 — the service directory's pages (SPEC 7.6, issue 16).
//!
//! Public, no sign-in, phone first: `/services` searches the volunteer teams' services by kind,
//! area or team and shows each with its area, hours and contact (a tap calls the number). Signed
//! in, a member requests a service for themselves (an officer or staff for a member of their
//! subtree) at `/services/offers/{id}/request`; `/services/requests` lists the requests (a
//! member's own, staff's subtree), and a request's page takes it through its steps — accepted by
//! a team, completed or cancelled with a reason — and lets the member score it 1–5 once
//! completed. `/services/teams` registers teams and their services; `/stats/services` shows the
//! service centre's figures by org and month with a chart, exported to Excel.

use super::archive::{date, record_id};
use super::stats::{shown, ShownTable};
use super::{download, finish, page, redirect, Console, Ctx, PageError, PageResult, Public, XLSX};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Datelike, NaiveDate};
use huzhu_app::model::{MemberId, Offer, ServiceRequest, Team};
use huzhu_app::services::{self, OfferInput, StepInput};
use huzhu_app::stats::{self, Dashboard};
use huzhu_app::Backend;
use huzhu_domain::access::{Capability, Role};
use huzhu_domain::services::{RequestState, RequestStep};
use serde::Deserialize;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/services", get(directory::<S>))
        .route(
            "/services/offers/{id}/request",
            get(request_form::<S>).post(request::<S>),
        )
        .route("/services/requests", get(requests::<S>))
        .route("/services/requests/{id}", get(detail::<S>))
        .route("/services/requests/{id}/{step}", post(take_step::<S>))
        .route("/services/teams", get(teams::<S>).post(create_team::<S>))
        .route("/services/teams/{id}/offers", post(add_offer::<S>))
        .route("/stats/services", get(figures::<S>))
        .route("/stats/services/export.xlsx", get(export::<S>))
}

pub fn state_words(c: &Ctx, s: RequestState) -> String {
    c.t(s.label_zh(), s.label_en()).to_string()
}

/// The digits and `-` of a contact, for a `tel:` link (`0571-81890 转 1` → `0571-81890`).
fn tel(contact: &str) -> String {
    contact
        .split_whitespace()
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '-' || *c == '+')
        .collect()
}

/// Who may request from the directory: a member for themselves, an officer or staff for a
/// member of their subtree.
fn may_request(c: &Ctx) -> bool {
    c.actor.as_ref().is_some_and(|a| {
        a.role == Role::Member && a.member_id.is_some() || a.can(Capability::ManageServices)
    })
}

#[derive(Template)]
#[template(path = "services/directory.html")]
struct DirectoryPage<'a> {
    c: &'a Ctx,
    q: String,
    offers: Vec<(Offer, String)>,
    signed_in: bool,
    may_request: bool,
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// 81890 — no sign-in: the directory, searched.
pub async fn directory<S: Backend>(
    State(state): State<AppState<S>>,
    Public(c): Public,
    Query(q): Query<SearchQuery>,
) -> Response {
    let r = async {
        let offers = services::search(&state.store, q.q.trim())
            .await?
            .into_iter()
            .map(|o| {
                let t = tel(&o.contact);
                (o, t)
            })
            .collect();
        page(&DirectoryPage {
            c: &c,
            q: q.q.trim().to_string(),
            offers,
            signed_in: c.actor.is_some(),
            may_request: may_request(&c),
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "services/request.html")]
struct RequestPage<'a> {
    c: &'a Ctx,
    o: Offer,
    for_member: bool,
}

/// The request form for one service.
pub async fn request_form<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        if !may_request(&c) {
            return Err(PageError::from(huzhu_app::AppError::Forbidden {
                capability: "RequestService".into(),
            }));
        }
        let o = services::offer(&state.store, record_id(&id)?).await?;
        page(&RequestPage {
            c: &c,
            o,
            for_member: actor.role != Role::Member,
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct RequestForm {
    #[serde(default)]
    member: String,
    #[serde(default)]
    note: String,
}

pub async fn request<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Form(f): Form<RequestForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let member = match f.member.trim() {
            "" => None,
            raw => Some(MemberId(record_id(raw).map_err(|_| {
                PageError::invalid("member", "会员编号应为数字 (the member number is a number)")
            })?)),
        };
        let req = services::request(
            &state.store,
            state.clock.as_ref(),
            actor,
            member,
            record_id(&id)?,
            &f.note,
        )
        .await?;
        Ok(redirect(&format!("/services/requests/{}", req.id)))
    }
    .await;
    finish(&c, r)
}

/// A request as a list shows it.
pub struct Row {
    pub r: ServiceRequest,
    pub state: String,
}

#[derive(Template)]
#[template(path = "services/requests.html")]
struct RequestsPage<'a> {
    c: &'a Ctx,
    rows: Vec<Row>,
    is_member: bool,
    can_manage: bool,
}

pub async fn requests<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let rows = services::requests(&state.store, actor)
            .await?
            .into_iter()
            .map(|r| Row {
                state: state_words(&c, r.state),
                r,
            })
            .collect();
        page(&RequestsPage {
            c: &c,
            rows,
            is_member: actor.role == Role::Member,
            can_manage: actor.can(Capability::ManageServices),
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "services/detail.html")]
struct DetailPage<'a> {
    c: &'a Ctx,
    r: ServiceRequest,
    state: String,
    teams: Vec<Team>,
    can_accept: bool,
    can_complete: bool,
    can_cancel: bool,
    can_score: bool,
}

pub async fn detail<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let r = services::get(&state.store, actor, record_id(&id)?).await?;
        let staff = actor.can(Capability::ManageServices);
        let teams = if staff && r.state == RequestState::Requested {
            services::teams(&state.store, actor).await?
        } else {
            Vec::new()
        };
        page(&DetailPage {
            c: &c,
            state: state_words(&c, r.state),
            can_accept: staff && r.state == RequestState::Requested,
            can_complete: staff && r.state == RequestState::Accepted,
            can_cancel: staff
                && matches!(r.state, RequestState::Requested | RequestState::Accepted),
            can_score: actor.role == Role::Member
                && r.state == RequestState::Completed
                && r.score.is_none(),
            teams,
            r,
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct StepForm {
    #[serde(default)]
    team: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    score: String,
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
        let step = match step.as_str() {
            "accept" => RequestStep::Accept,
            "complete" => RequestStep::Complete,
            "cancel" => RequestStep::Cancel,
            "score" => RequestStep::Score,
            _ => {
                return Err(PageError::from(huzhu_app::AppError::NotFound {
                    what: "操作 (step)".into(),
                }))
            }
        };
        let number = |field: &str, raw: &str| -> Result<Option<i64>, PageError> {
            match raw.trim() {
                "" => Ok(None),
                t => t
                    .parse()
                    .map(Some)
                    .map_err(|_| PageError::invalid(field, "应为数字 (a number)")),
            }
        };
        let input = StepInput {
            team: number("team", &f.team)?,
            reason: Some(f.reason.clone()).filter(|r| !r.trim().is_empty()),
            score: number("score", &f.score)?,
        };
        services::step(&state.store, state.clock.as_ref(), actor, id, step, &input).await?;
        Ok(redirect(&format!("/services/requests/{id}")))
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "services/teams.html")]
struct TeamsPage<'a> {
    c: &'a Ctx,
    teams: Vec<(Team, Vec<Offer>)>,
    can_manage: bool,
}

/// 志愿服务队 — the teams of the subtree with their services, and the forms that add them.
pub async fn teams<S: Backend>(State(state): State<AppState<S>>, Console(c): Console) -> Response {
    let r = async {
        let actor = c.actor()?;
        let teams = services::teams(&state.store, actor).await?;
        let offers = services::search(&state.store, "").await?;
        page(&TeamsPage {
            c: &c,
            teams: teams
                .into_iter()
                .map(|t| {
                    let mine = offers.iter().filter(|o| o.team == t.id).cloned().collect();
                    (t, mine)
                })
                .collect(),
            can_manage: actor.can(Capability::ManageServices),
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct TeamForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    contact: String,
}

pub async fn create_team<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Form(f): Form<TeamForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        services::create_team(
            &state.store,
            state.clock.as_ref(),
            actor,
            None,
            &f.name,
            &f.contact,
        )
        .await?;
        Ok(redirect("/services/teams"))
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct OfferForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    contact: String,
}

pub async fn add_offer<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Form(f): Form<OfferForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        services::add_offer(
            &state.store,
            state.clock.as_ref(),
            actor,
            &OfferInput {
                team: record_id(&id)?,
                kind: f.kind.clone(),
                area: f.area.clone(),
                hours: f.hours.clone(),
                contact: f.contact.clone(),
            },
        )
        .await?;
        Ok(redirect("/services/teams"))
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct FiguresQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    table: String,
}

#[derive(Template)]
#[template(path = "services/figures.html")]
struct FiguresPage<'a> {
    c: &'a Ctx,
    d: Dashboard,
    from: NaiveDate,
    to: NaiveDate,
    tables: Vec<ShownTable>,
    query: String,
    export: &'static str,
    /// No request in the period.
    empty: bool,
}

async fn load<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
    q: &FiguresQuery,
) -> Result<(Dashboard, NaiveDate, NaiveDate), PageError> {
    let actor = c.actor()?;
    let to = match q.to.trim() {
        "" => state.clock.today(),
        raw => date("to", raw)?,
    };
    let from = match q.from.trim() {
        "" => NaiveDate::from_ymd_opt(to.year(), 1, 1).unwrap_or(to),
        raw => date("from", raw)?,
    };
    let rows = services::figures(&state.store, actor, from, to).await?;
    let d = services::dashboard(&state.store, actor, &rows).await?;
    Ok((d, from, to))
}

/// 81890服务统计 — items handled, people served, completion and satisfaction by org and month.
pub async fn figures<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<FiguresQuery>,
) -> Response {
    let r = async {
        let (d, from, to) = load(&state, &c, &q).await?;
        page(&FiguresPage {
            c: &c,
            empty: d.tables.iter().all(|t| t.rows.is_empty()),
            tables: shown(&c, &d),
            d,
            from,
            to,
            query: format!("from={from}&to={to}"),
            export: "/stats/services/export.xlsx",
        })
    }
    .await;
    finish(&c, r)
}

pub async fn export<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<FiguresQuery>,
) -> Response {
    let r: PageResult = async {
        let (mut d, from, to) = load(&state, &c, &q).await?;
        super::stats::only_table(&mut d, &q.table)?;
        let bytes = stats::dashboard_xlsx(&d)?;
        Ok(download(
            bytes,
            XLSX,
            &format!("81890服务统计-{}-{from}至{to}.xlsx", d.org),
        ))
    }
    .await;
    finish(&c, r)
}
