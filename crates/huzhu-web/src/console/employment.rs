//! 春风就业 — employment help in the console (SPEC 7.11; docs/employment.md): the fairs,
//! registrations and courses of the office with the forms that create them; a fair's page with
//! its posts and the forms that add a post, hold or cancel the fair and place a seeker; a
//! course's page with its trainees, attendance, the finish and certificates; the figures by org
//! and month (chart and Excel). Each form shows only to a role that may use it
//! (`employment::may_organise`, `may_register`): an auditor reads, a unit officer registers,
//! places and enrols, district and city staff also organise.

use super::archive::{date, record_id};
use super::stats::{only_table, shown, ShownTable};
use super::{download, finish, page, redirect, Console, Ctx, PageError, PageResult, XLSX};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Datelike, NaiveDate};
use huzhu_app::employment::{self, CourseInput, FairInput, PostInput, SeekerInput};
use huzhu_app::model::{Course, Fair, Seeker};
use huzhu_app::stats::{self, Dashboard};
use huzhu_app::Backend;
use huzhu_domain::employment::{FairMode, FairStep, SeekerState};
use serde::Deserialize;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/employment", get(show::<S>))
        .route("/employment/export.xlsx", get(export::<S>))
        .route("/employment/fairs", post(create_fair::<S>))
        .route("/employment/fairs/{id}", get(fair_page::<S>))
        .route("/employment/fairs/{id}/posts", post(add_post::<S>))
        .route("/employment/fairs/{id}/step", post(step_fair::<S>))
        .route("/employment/fairs/{id}/place", post(place::<S>))
        .route("/employment/seekers", post(register::<S>))
        .route("/employment/seekers/{id}/withdraw", post(withdraw::<S>))
        .route("/employment/courses", post(create_course::<S>))
        .route("/employment/courses/{id}", get(course_page::<S>))
        .route("/employment/courses/{id}/{step}", post(course_step::<S>))
}

fn number(field: &str, raw: &str) -> Result<i64, PageError> {
    raw.trim()
        .parse()
        .map_err(|_| PageError::invalid(field, format!("{field} 应为数字 ({field} is a number)")))
}

#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    table: String,
}

#[derive(Template)]
#[template(path = "employment/index.html")]
struct IndexPage<'a> {
    c: &'a Ctx,
    fairs: Vec<Fair>,
    seekers: Vec<Seeker>,
    courses: Vec<Course>,
    modes: Vec<(&'static str, String)>,
    d: Dashboard,
    from: NaiveDate,
    to: NaiveDate,
    tables: Vec<ShownTable>,
    query: String,
    export: &'static str,
    /// The forms that organise fairs and courses.
    can_organise: bool,
    /// The form that registers job-seekers.
    can_register: bool,
}

async fn figures<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
    q: &PeriodQuery,
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
    let d = employment::figures(&state.store, actor, None, from, to).await?;
    Ok((d, from, to))
}

pub async fn show<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let fairs = employment::fairs(&state.store, actor).await?;
        let seekers = employment::seekers(&state.store, actor).await?;
        let courses = employment::courses(&state.store, actor).await?;
        let (d, from, to) = figures(&state, &c, &q).await?;
        page(&IndexPage {
            c: &c,
            fairs,
            seekers,
            courses,
            modes: FairMode::ALL
                .iter()
                .map(|m| (m.code(), c.t(m.label_zh(), m.label_en()).to_string()))
                .collect(),
            tables: shown(&c, &d),
            d,
            from,
            to,
            query: format!("from={from}&to={to}"),
            export: "/employment/export.xlsx",
            can_organise: employment::may_organise(actor),
            can_register: employment::may_register(actor),
        })
    }
    .await;
    finish(&c, r)
}

/// The figures as an Excel workbook.
pub async fn export<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let r: PageResult = async {
        let (mut d, from, to) = figures(&state, &c, &q).await?;
        only_table(&mut d, &q.table)?;
        let bytes = stats::dashboard_xlsx(&d)?;
        Ok(download(
            bytes,
            XLSX,
            &format!("就业帮扶统计-{}-{from}至{to}.xlsx", d.org),
        ))
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct FairForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    venue: String,
}

pub async fn create_fair<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Form(f): Form<FairForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let mode = FairMode::parse(&f.mode).ok_or_else(|| {
            PageError::invalid("mode", "请选择招聘方式 (choose online or on site)")
        })?;
        let fair = employment::create_fair(
            &state.store,
            state.clock.as_ref(),
            actor,
            FairInput {
                name: f.name,
                mode,
                held_on: date("held_on", &f.held_on)?,
                venue: f.venue,
            },
        )
        .await?;
        Ok(redirect(&format!("/employment/fairs/{}", fair.id)))
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "employment/fair.html")]
struct FairPage<'a> {
    c: &'a Ctx,
    f: Fair,
    /// Registered seekers of the actor's subtree, for the placement form.
    waiting: Vec<Seeker>,
    placed: Vec<Seeker>,
    can_organise: bool,
    can_register: bool,
}

impl FairPage<'_> {
    fn is(&self, s: &str) -> bool {
        self.f.state.code() == s
    }
}

pub async fn fair_page<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = record_id(&id)?;
        let f = employment::fair(&state.store, actor, id).await?;
        let all = employment::seekers(&state.store, actor).await?;
        let (waiting, placed): (Vec<Seeker>, Vec<Seeker>) = all
            .into_iter()
            .filter(|s| s.state == SeekerState::Registered || s.fair_id == Some(id))
            .partition(|s| s.state == SeekerState::Registered);
        page(&FairPage {
            c: &c,
            f,
            waiting,
            placed,
            can_organise: employment::may_organise(actor),
            can_register: employment::may_register(actor),
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct PostForm {
    #[serde(default)]
    employer: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    openings: String,
}

pub async fn add_post<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Form(f): Form<PostForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = record_id(&id)?;
        employment::add_post(
            &state.store,
            state.clock.as_ref(),
            actor,
            id,
            PostInput {
                employer: f.employer,
                title: f.title,
                openings: number("openings", &f.openings)?,
            },
        )
        .await?;
        Ok(redirect(&format!("/employment/fairs/{id}")))
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct StepForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    reason: String,
}

pub async fn step_fair<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Form(f): Form<StepForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = record_id(&id)?;
        let step = FairStep::parse(&f.step)
            .ok_or_else(|| PageError::invalid("step", "未知操作 (unknown step)"))?;
        employment::step_fair(
            &state.store,
            state.clock.as_ref(),
            actor,
            id,
            step,
            &f.reason,
        )
        .await?;
        Ok(redirect(&format!("/employment/fairs/{id}")))
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct PlaceForm {
    #[serde(default)]
    seeker: String,
    #[serde(default)]
    post: String,
    /// Empty for today.
    #[serde(default)]
    placed_on: String,
}

pub async fn place<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Form(f): Form<PlaceForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = record_id(&id)?;
        let placed_on = match f.placed_on.trim() {
            "" => None,
            raw => Some(date("placed_on", raw)?),
        };
        employment::place(
            &state.store,
            state.clock.as_ref(),
            actor,
            number("seeker", &f.seeker)?,
            number("post", &f.post)?,
            placed_on,
        )
        .await?;
        Ok(redirect(&format!("/employment/fairs/{id}")))
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct SeekerForm {
    /// `member` or `graduate`.
    #[serde(default)]
    kind: String,
    #[serde(default)]
    member_id: String,
    #[serde(default)]
    household_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    wanted: String,
}

pub async fn register<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Form(f): Form<SeekerForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let who = if f.kind == "graduate" {
            SeekerInput::Graduate {
                household: number("household_id", &f.household_id)?,
                name: f.name,
            }
        } else {
            SeekerInput::Member(number("member_id", &f.member_id)?)
        };
        employment::register(&state.store, state.clock.as_ref(), actor, who, &f.wanted).await?;
        Ok(redirect("/employment#seekers"))
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

pub async fn withdraw<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Form(f): Form<ReasonForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = record_id(&id)?;
        employment::withdraw(&state.store, state.clock.as_ref(), actor, id, &f.reason).await?;
        Ok(redirect("/employment#seekers"))
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct CourseForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    trade: String,
    #[serde(default)]
    start_on: String,
    #[serde(default)]
    end_on: String,
    #[serde(default)]
    sessions: String,
}

pub async fn create_course<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Form(f): Form<CourseForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let course = employment::create_course(
            &state.store,
            state.clock.as_ref(),
            actor,
            CourseInput {
                name: f.name,
                trade: f.trade,
                start_on: date("start_on", &f.start_on)?,
                end_on: date("end_on", &f.end_on)?,
                sessions: number("sessions", &f.sessions)?,
            },
        )
        .await?;
        Ok(redirect(&format!("/employment/courses/{}", course.id)))
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "employment/course.html")]
struct CoursePage<'a> {
    c: &'a Ctx,
    k: Course,
    /// Registered or placed seekers of the actor's subtree not yet enrolled.
    candidates: Vec<Seeker>,
    can_organise: bool,
    can_register: bool,
}

pub async fn course_page<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = record_id(&id)?;
        let k = employment::course(&state.store, actor, id).await?;
        let candidates = employment::seekers(&state.store, actor)
            .await?
            .into_iter()
            .filter(|s| {
                s.state != SeekerState::Withdrawn && !k.trainees.iter().any(|t| t.seeker_id == s.id)
            })
            .collect();
        page(&CoursePage {
            c: &c,
            k,
            candidates,
            can_organise: employment::may_organise(actor),
            can_register: employment::may_register(actor),
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct CourseStepForm {
    #[serde(default)]
    seeker: String,
    #[serde(default)]
    trainee: String,
    #[serde(default)]
    attended: String,
}

pub async fn course_step<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path((id, step)): Path<(String, String)>,
    Form(f): Form<CourseStepForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = record_id(&id)?;
        let (store, clock) = (&state.store, state.clock.as_ref());
        match step.as_str() {
            "enrol" => {
                employment::enrol(store, clock, actor, id, number("seeker", &f.seeker)?).await?;
            }
            "attend" => {
                employment::attend(
                    store,
                    clock,
                    actor,
                    number("trainee", &f.trainee)?,
                    number("attended", &f.attended)?,
                )
                .await?;
            }
            "finish" => {
                employment::finish(store, clock, actor, id).await?;
            }
            "certify" => {
                employment::certify(store, clock, actor, number("trainee", &f.trainee)?).await?;
            }
            _ => return Err(PageError::invalid("step", "未知操作 (unknown step)")),
        }
        Ok(redirect(&format!("/employment/courses/{id}")))
    }
    .await;
    finish(&c, r)
}
