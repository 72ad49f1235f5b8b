//! 法律援助 — legal aid's pages (SPEC 7.7, issue 17): the work queue with overdue flags, the
//! form that opens a case (a member for themselves, an officer or staff for a member), a case's
//! page with its timeline and the forms of the next steps, the panel of lawyers, and the figures
//! drawn and exported like the statistics page.

use super::archive::{date, fen, record_id};
use super::stats::{shown, ShownTable};
use super::{download, finish, page, redirect, Console, Ctx, PageError, PageResult, XLSX};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Datelike, NaiveDate};
use huzhu_app::legal_aid::{self, CaseView, ListFilter, OpenInput};
use huzhu_app::model::{CaseEvent, Lawyer, MemberId};
use huzhu_app::stats::{self, Dashboard};
use huzhu_app::Backend;
use huzhu_domain::access::{Capability, Role};
use huzhu_domain::legal_aid::{ActivityKind, CaseState, DisputeKind, Outcome};
use serde::Deserialize;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/legal-aid", get(list::<S>).post(create::<S>))
        .route(
            "/legal-aid/lawyers",
            get(lawyers::<S>).post(add_lawyer::<S>),
        )
        .route("/legal-aid/{id}", get(detail::<S>))
        .route("/legal-aid/{id}/{step}", post(take_step::<S>))
        .route("/stats/legal-aid", get(figures::<S>))
        .route("/stats/legal-aid/export.xlsx", get(export::<S>))
}

/// A case's state in words.
pub fn state_words(c: &Ctx, s: CaseState) -> String {
    c.t(s.label_zh(), s.label_en()).to_string()
}

/// A dispute kind in words.
pub fn kind_words(c: &Ctx, k: DisputeKind) -> String {
    c.t(k.label_zh(), k.label_en()).to_string()
}

fn overdue_words(c: &Ctx, v: &CaseView) -> String {
    v.overdue
        .map(|o| c.t(o.label_zh(), o.label_en()).to_string())
        .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "legal_aid/list.html")]
struct ListPage<'a> {
    c: &'a Ctx,
    rows: Vec<(CaseView, String, String, String)>,
    all: bool,
    can_open: bool,
    is_member: bool,
    kinds: Vec<(&'static str, String)>,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    /// `all` for every case; the open ones (the work queue) otherwise.
    #[serde(default)]
    show: String,
}

pub async fn list<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<ListQuery>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let all = q.show == "all";
        let list = legal_aid::list(
            &state.store,
            state.clock.as_ref(),
            actor,
            &ListFilter {
                open_only: !all,
                ..ListFilter::default()
            },
        )
        .await?;
        let rows = list
            .into_iter()
            .map(|v| {
                let (k, s, o) = (
                    kind_words(&c, v.kind),
                    state_words(&c, v.state),
                    overdue_words(&c, &v),
                );
                (v, k, s, o)
            })
            .collect();
        page(&ListPage {
            c: &c,
            rows,
            all,
            can_open: actor.can(Capability::OpenLegalAid),
            is_member: actor.role == Role::Member,
            kinds: DisputeKind::ALL
                .iter()
                .map(|k| (k.code(), kind_words(&c, *k)))
                .collect(),
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct OpenForm {
    #[serde(default)]
    member_id: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    summary: String,
}

pub async fn create<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Form(f): Form<OpenForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let kind = DisputeKind::parse(&f.kind).ok_or_else(|| {
            PageError::invalid("kind", "请选择争议类型 (choose the dispute kind)")
        })?;
        let member = match f.member_id.trim() {
            "" => None,
            raw => Some(MemberId(raw.parse().map_err(|_| {
                PageError::invalid("member_id", "会员编号应为数字 (the member id is a number)")
            })?)),
        };
        let v = legal_aid::open(
            &state.store,
            state.clock.as_ref(),
            actor,
            &OpenInput {
                member,
                kind,
                summary: f.summary,
            },
        )
        .await?;
        Ok(redirect(&format!("/legal-aid/{}", v.id)))
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "legal_aid/detail.html")]
struct DetailPage<'a> {
    c: &'a Ctx,
    v: CaseView,
    kind: String,
    state: String,
    overdue: String,
    outcome: String,
    events: Vec<(CaseEvent, String, String)>,
    lawyers: Vec<Lawyer>,
    can_manage: bool,
    activities: Vec<(&'static str, String)>,
    outcomes: Vec<(&'static str, String)>,
}

impl DetailPage<'_> {
    fn at(&self, s: &str) -> bool {
        self.v.state.code() == s
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
        let v = legal_aid::case(&state.store, state.clock.as_ref(), actor, id).await?;
        let events = legal_aid::events(&state.store, actor, id)
            .await?
            .into_iter()
            .map(|e| {
                let step = c.t(e.step.label_zh(), e.step.label_en()).to_string();
                let what = e
                    .activity
                    .map(|a| c.t(a.label_zh(), a.label_en()).to_string())
                    .unwrap_or_default();
                (e, step, what)
            })
            .collect();
        let can_manage = actor.can(Capability::ManageLegalAid);
        let lawyers = if can_manage {
            legal_aid::lawyers(&state.store, actor)
                .await?
                .into_iter()
                .filter(|l| l.active)
                .collect()
        } else {
            Vec::new()
        };
        page(&DetailPage {
            c: &c,
            kind: kind_words(&c, v.kind),
            state: state_words(&c, v.state),
            overdue: overdue_words(&c, &v),
            outcome: v
                .outcome
                .map(|o| c.t(o.label_zh(), o.label_en()).to_string())
                .unwrap_or_default(),
            v,
            events,
            lawyers,
            can_manage,
            activities: ActivityKind::ALL
                .iter()
                .map(|a| (a.code(), c.t(a.label_zh(), a.label_en()).to_string()))
                .collect(),
            outcomes: Outcome::ALL
                .iter()
                .map(|o| (o.code(), c.t(o.label_zh(), o.label_en()).to_string()))
                .collect(),
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct StepForm {
    #[serde(default)]
    note: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    lawyer_id: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    activity: String,
    #[serde(default)]
    outcome: String,
    /// 元
    #[serde(default)]
    recovered: String,
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
        let (store, clock) = (&state.store, state.clock.as_ref());
        match step.as_str() {
            "check" => legal_aid::check(store, clock, actor, id).await?,
            "refuse" => legal_aid::refuse(store, clock, actor, id, &f.reason).await?,
            "approve" => legal_aid::approve(store, clock, actor, id, &f.note).await?,
            "assign" => {
                let lawyer =
                    f.lawyer_id.trim().parse().map_err(|_| {
                        PageError::invalid("lawyer_id", "请选择律师 (choose a lawyer)")
                    })?;
                legal_aid::assign(store, clock, actor, id, lawyer, &f.note).await?
            }
            "record" => {
                let activity = ActivityKind::parse(&f.activity).ok_or_else(|| {
                    PageError::invalid("activity", "请选择办理方式 (choose the activity)")
                })?;
                legal_aid::record(
                    store,
                    clock,
                    actor,
                    id,
                    date("on", &f.on)?,
                    activity,
                    &f.note,
                )
                .await?
            }
            "close" => {
                let outcome = Outcome::parse(&f.outcome).ok_or_else(|| {
                    PageError::invalid("outcome", "请选择结案结果 (choose the outcome)")
                })?;
                let recovered = fen("recovered", &f.recovered)?;
                legal_aid::close(store, clock, actor, id, outcome, recovered, &f.note).await?
            }
            _ => return Err(PageError::invalid("step", "未知操作 (unknown step)")),
        };
        Ok(redirect(&format!("/legal-aid/{id}")))
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "legal_aid/lawyers.html")]
struct LawyersPage<'a> {
    c: &'a Ctx,
    list: Vec<Lawyer>,
    can_manage: bool,
}

pub async fn lawyers<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let list = legal_aid::lawyers(&state.store, actor).await?;
        page(&LawyersPage {
            c: &c,
            list,
            can_manage: actor.can(Capability::ManageLegalAid),
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct LawyerForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    firm: String,
    #[serde(default)]
    phone: String,
}

pub async fn add_lawyer<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Form(f): Form<LawyerForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        legal_aid::add_lawyer(
            &state.store,
            state.clock.as_ref(),
            actor,
            None,
            &f.name,
            &f.firm,
            Some(&f.phone),
        )
        .await?;
        Ok(redirect("/legal-aid/lawyers"))
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
#[template(path = "legal_aid/figures.html")]
struct FiguresPage<'a> {
    c: &'a Ctx,
    d: Dashboard,
    from: NaiveDate,
    to: NaiveDate,
    tables: Vec<ShownTable>,
    query: String,
    export: &'static str,
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
    let f = legal_aid::figures(&state.store, actor, from, to).await?;
    let name = c
        .org_names
        .get(actor.org.as_str())
        .cloned()
        .unwrap_or_default();
    Ok((
        legal_aid::dashboard(&f, actor.org.as_str(), &name),
        from,
        to,
    ))
}

pub async fn figures<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<FiguresQuery>,
) -> Response {
    let r = async {
        let (d, from, to) = load(&state, &c, &q).await?;
        page(&FiguresPage {
            c: &c,
            tables: shown(&c, &d),
            d,
            from,
            to,
            query: format!("from={from}&to={to}"),
            export: "/stats/legal-aid/export.xlsx",
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
            &format!("法律援助统计-{}-{from}至{to}.xlsx", d.org),
        ))
    }
    .await;
    finish(&c, r)
}
