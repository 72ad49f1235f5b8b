//! 云结对 — cloud pairing's pages (SPEC 7.6, issue 16).
//!
//! Public, no sign-in, phone first: `/pairing` lists the students free to claim (surname only,
//! grade, school level, district, yearly need — nothing else of SPEC 7.6's student leaves); a
//! student's link `/pairing/{token}` shows them with the claim form; a winning claim goes to the
//! sponsor's own unguessable link `/pairing/sponsor/{token}`, which shows the 30-minute hold with
//! its end and the pledge form, and afterwards the pledge, the payments and the progress
//! reports. A hold that ends unconfirmed frees the student: the list shows them again.
//!
//! Staff (`ManagePairing`): `/pairing/students` lists the published students of the subtree with
//! their holds and pledges and the golden-autumn grants waiting to be published; a student's page
//! records pledged payments, progress reports, the household's consent and a withdrawal.

use super::archive::{date, fen, record_id};
use super::{finish, page, redirect, Console, Ctx, PageError, Public};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use huzhu_app::model::{
    Grant, GrantFilter, PairingPayment, PairingReport, PairingStudent, PublicListing,
    SponsorRecord, SponsorView,
};
use huzhu_app::pairing::{self, ClaimInput, PublishInput};
use huzhu_app::{grant, Backend};
use huzhu_domain::pairing::{self as dp, PairingState, SponsorKind};
use serde::Deserialize;
use std::collections::BTreeSet;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/pairing", get(public_list::<S>))
        .route("/pairing/students", get(staff_list::<S>).post(publish::<S>))
        .route("/pairing/students/{id}", get(staff_detail::<S>))
        .route("/pairing/students/{id}/{action}", post(staff_action::<S>))
        .route("/pairing/sponsor/{token}", get(sponsor::<S>))
        .route("/pairing/sponsor/{token}/confirm", post(confirm::<S>))
        .route("/pairing/{token}", get(public_show::<S>))
        .route("/pairing/{token}/claim", post(claim::<S>))
}

pub fn state_words(c: &Ctx, s: PairingState) -> String {
    c.t(s.label_zh(), s.label_en()).to_string()
}

fn level_words(c: &Ctx, code: &str) -> String {
    c.t(dp::school_level_zh(code), dp::school_level_en(code))
        .to_string()
}

fn grade_words(c: &Ctx, grade: i32) -> String {
    let g = u8::try_from(grade).unwrap_or(0);
    match c.lang {
        super::Lang::Zh => dp::grade_zh(g),
        super::Lang::En => format!("year {g}"),
    }
}

fn kind_words(c: &Ctx, code: &str) -> String {
    SponsorKind::parse(code)
        .map(|k| c.t(k.label_zh(), k.label_en()).to_string())
        .unwrap_or_default()
}

/// A published student as the public sees them: SPEC 7.6's fields, in words.
pub struct Card {
    pub token: String,
    pub name: String,
    pub grade: String,
    pub level: String,
    pub district: String,
    pub need_fen: i64,
    pub year: String,
    pub state: String,
    pub free: bool,
    pub held: bool,
    pub hold_until: Option<String>,
}

impl Card {
    fn of(c: &Ctx, l: &PublicListing) -> Card {
        Card {
            token: l.token.clone(),
            name: l.public_name.clone(),
            grade: grade_words(c, l.grade),
            level: level_words(c, &l.school_level),
            district: l.district.clone(),
            need_fen: l.need.fen(),
            year: year_words(c, &l.academic_year),
            state: state_words(c, l.state),
            free: l.state == PairingState::Published,
            held: l.state == PairingState::Held,
            hold_until: match l.state {
                PairingState::Held => l.hold_until.map(|t| c.datetime(&t)),
                _ => None,
            },
        }
    }
}

/// `2026` → 2026学年 / academic year 2026–27.
fn year_words(c: &Ctx, year: &str) -> String {
    match (c.lang, year.parse::<i32>()) {
        (super::Lang::Zh, _) => format!("{year}学年"),
        (super::Lang::En, Ok(y)) => format!("academic year {y}–{:02}", (y + 1) % 100),
        (super::Lang::En, Err(_)) => format!("academic year {year}"),
    }
}

#[derive(Template)]
#[template(path = "pairing/public_list.html")]
struct PublicListPage<'a> {
    c: &'a Ctx,
    cards: Vec<Card>,
}

/// 云结对 — no sign-in: the students free to claim now.
pub async fn public_list<S: Backend>(
    State(state): State<AppState<S>>,
    Public(c): Public,
) -> Response {
    let r = async {
        let list = pairing::public_list(&state.store, state.clock.as_ref()).await?;
        page(&PublicListPage {
            c: &c,
            cards: list.iter().map(|l| Card::of(&c, l)).collect(),
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "pairing/public_show.html")]
struct PublicShowPage<'a> {
    c: &'a Ctx,
    s: Card,
    kinds: Vec<(&'static str, String, bool)>,
    hold_minutes: i64,
}

/// The sponsor kinds for the claim form, an outside person chosen first.
fn sponsor_kinds(c: &Ctx) -> Vec<(&'static str, String, bool)> {
    SponsorKind::ALL
        .into_iter()
        .map(|k| {
            (
                k.code(),
                c.t(k.label_zh(), k.label_en()).to_string(),
                k == SponsorKind::Person,
            )
        })
        .collect()
}

/// One student by their link, with the claim form while they are free.
pub async fn public_show<S: Backend>(
    State(state): State<AppState<S>>,
    Public(c): Public,
    Path(token): Path<String>,
) -> Response {
    let r = async {
        let l = pairing::public_get(&state.store, state.clock.as_ref(), &token).await?;
        page(&PublicShowPage {
            c: &c,
            s: Card::of(&c, &l),
            kinds: sponsor_kinds(&c),
            hold_minutes: dp::HOLD_MINUTES,
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct ClaimForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
}

/// 认领 — one winner however many press at once; the winner goes to their sponsor link.
pub async fn claim<S: Backend>(
    State(state): State<AppState<S>>,
    Public(c): Public,
    Path(token): Path<String>,
    Form(f): Form<ClaimForm>,
) -> Response {
    let r = async {
        let won = pairing::claim(
            &state.store,
            state.clock.as_ref(),
            &token,
            &ClaimInput {
                kind: f.kind.clone(),
                name: f.name.clone(),
                phone: f.phone.clone(),
            },
        )
        .await?;
        Ok(redirect(&format!("/pairing/sponsor/{}", won.sponsor_token)))
    }
    .await;
    finish(&c, r)
}

/// The sponsor's record in words (phone masked by the app).
pub struct SponsorLine {
    pub kind: String,
    pub name: String,
    pub phone: String,
    pub claimed_at: String,
    pub hold_until: String,
    pub confirmed_on: Option<String>,
    pub per_year_fen: Option<i64>,
    pub years: Option<i64>,
    pub pledged_fen: Option<i64>,
    pub due_fen: i64,
    pub paid_fen: i64,
}

impl SponsorLine {
    fn of(c: &Ctx, s: &SponsorRecord) -> SponsorLine {
        SponsorLine {
            kind: kind_words(c, &s.kind),
            name: s.name.clone(),
            phone: s.phone.clone(),
            claimed_at: c.datetime(&s.claimed_at),
            hold_until: c.datetime(&s.hold_until),
            confirmed_on: s.confirmed_on.map(|d| c.date(d)),
            per_year_fen: s.pledge.map(|p| p.per_year.fen()),
            years: s.pledge.map(|p| p.years),
            pledged_fen: s.pledge.map(|p| p.total().fen()),
            due_fen: pairing::due(s.confirmed_on, s.pledge, c.today).fen(),
            paid_fen: s.paid.fen(),
        }
    }
}

#[derive(Template)]
#[template(path = "pairing/sponsor.html")]
struct SponsorPage<'a> {
    c: &'a Ctx,
    s: Card,
    me: SponsorLine,
    /// Holding now: the pledge form is shown.
    holding: bool,
    pledged: bool,
    payments: Vec<PairingPayment>,
    reports: Vec<PairingReport>,
    identity: Option<String>,
    token: String,
    max_years: i64,
    /// The yearly need in yuan as the pledge form takes it (`4000.00`).
    need_yuan: String,
}

fn sponsor_page(c: &Ctx, token: &str, v: SponsorView) -> Result<Response, PageError> {
    let holding = v.current && v.listing.state == PairingState::Held;
    let pledged = v.current && v.listing.state == PairingState::Pledged;
    page(&SponsorPage {
        c,
        s: Card::of(c, &v.listing),
        me: SponsorLine::of(c, &v.sponsor),
        holding,
        pledged,
        payments: v.payments,
        reports: v.reports,
        identity: v.identity,
        token: token.to_string(),
        max_years: dp::MAX_YEARS,
        need_yuan: {
            let fen = v.listing.need.fen();
            format!("{}.{:02}", fen / 100, fen % 100)
        },
    })
}

/// The sponsor's link: the hold and its end, the pledge form; later the pledge, payments and
/// progress reports.
pub async fn sponsor<S: Backend>(
    State(state): State<AppState<S>>,
    Public(c): Public,
    Path(token): Path<String>,
) -> Response {
    let r = async {
        let v = pairing::sponsor(&state.store, state.clock.as_ref(), &token).await?;
        sponsor_page(&c, &token, v)
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct ConfirmForm {
    /// Yuan a year, as typed.
    #[serde(default)]
    per_year: String,
    #[serde(default)]
    years: String,
}

fn whole(field: &str, raw: &str) -> Result<i64, PageError> {
    raw.trim()
        .parse()
        .map_err(|_| PageError::invalid(field, "应为整数 (a whole number)"))
}

/// 确认结对 — while the hold runs.
pub async fn confirm<S: Backend>(
    State(state): State<AppState<S>>,
    Public(c): Public,
    Path(token): Path<String>,
    Form(f): Form<ConfirmForm>,
) -> Response {
    let r = async {
        let per_year = fen("amount_per_year_fen", &f.per_year)?;
        let years = whole("years", &f.years)?;
        pairing::confirm(&state.store, state.clock.as_ref(), &token, per_year, years).await?;
        Ok(redirect(&format!("/pairing/sponsor/{token}")))
    }
    .await;
    finish(&c, r)
}

/// A published student in the staff's list.
pub struct StaffRow {
    pub id: i64,
    pub card: Card,
    pub org: String,
    pub sponsor: Option<SponsorLine>,
}

impl StaffRow {
    fn of(c: &Ctx, s: &PairingStudent) -> StaffRow {
        StaffRow {
            id: s.id,
            card: Card::of(c, &s.listing),
            org: s.org_name.clone(),
            sponsor: s.sponsor.as_ref().map(|x| SponsorLine::of(c, x)),
        }
    }
}

/// A golden-autumn grant not yet published.
pub struct Candidate {
    pub grant: i64,
    pub member: String,
    pub org: String,
    pub year: String,
    pub state: String,
    pub amount_fen: i64,
}

#[derive(Template)]
#[template(path = "pairing/staff_list.html")]
struct StaffListPage<'a> {
    c: &'a Ctx,
    rows: Vec<StaffRow>,
    candidates: Vec<Candidate>,
    levels: Vec<(&'static str, String)>,
}

async fn candidates<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
    published: &BTreeSet<i64>,
) -> Result<Vec<Candidate>, PageError> {
    let actor = c.actor()?;
    let grants: Vec<Grant> = grant::list(
        &state.store,
        actor,
        &GrantFilter {
            programme: Some(pairing::PROGRAMME.into()),
            limit: 500,
            ..Default::default()
        },
    )
    .await?;
    Ok(grants
        .into_iter()
        .filter(|g| g.state.is_live() && !published.contains(&g.id.0))
        .map(|g| {
            let (zh, en) = g.state.words();
            Candidate {
                grant: g.id.0,
                member: g.member_name.clone(),
                org: c.org(&g.org),
                year: year_words(c, &g.cycle),
                state: c.t(zh, en).to_string(),
                amount_fen: g.amount.fen(),
            }
        })
        .collect())
}

/// 云结对 (staff): the published students with their holds and pledges, and the golden-autumn
/// grants waiting to be published with the publication form.
pub async fn staff_list<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let list = pairing::list(&state.store, state.clock.as_ref(), actor).await?;
        let published: BTreeSet<i64> = list.iter().map(|s| s.grant.0).collect();
        let candidates = candidates(&state, &c, &published).await?;
        page(&StaffListPage {
            c: &c,
            rows: list.iter().map(|s| StaffRow::of(&c, s)).collect(),
            candidates,
            levels: dp::SCHOOL_LEVELS
                .into_iter()
                .map(|l| (l, level_words(&c, l)))
                .collect(),
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct PublishForm {
    #[serde(default)]
    grant: String,
    #[serde(default)]
    grade: String,
    /// Yuan a year.
    #[serde(default)]
    need: String,
    #[serde(default)]
    school_level: String,
}

/// 发布 — only what SPEC 7.6 allows is kept public.
pub async fn publish<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Form(f): Form<PublishForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let grade = f
            .grade
            .trim()
            .parse::<u8>()
            .map_err(|_| PageError::invalid("grade", "年级应为数字 (grade is a number)"))?;
        let s = pairing::publish(
            &state.store,
            state.clock.as_ref(),
            actor,
            &PublishInput {
                grant: huzhu_app::model::GrantId(record_id(&f.grant)?),
                grade,
                need_fen: fen("need_fen", &f.need)?,
                school_level: Some(f.school_level.clone()).filter(|l| !l.trim().is_empty()),
            },
        )
        .await?;
        Ok(redirect(&format!("/pairing/students/{}", s.id)))
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "pairing/staff_detail.html")]
struct StaffDetailPage<'a> {
    c: &'a Ctx,
    row: StaffRow,
    grant: i64,
    consent: bool,
    published_by: String,
    published_at: String,
    payments: Vec<PairingPayment>,
    reports: Vec<PairingReport>,
    can_withdraw: bool,
    can_pay: bool,
}

pub async fn staff_detail<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let (s, payments, reports) =
            pairing::get(&state.store, state.clock.as_ref(), actor, record_id(&id)?).await?;
        page(&StaffDetailPage {
            c: &c,
            grant: s.grant.0,
            consent: s.consent,
            published_by: s.published_by.clone(),
            published_at: c.datetime(&s.published_at),
            can_withdraw: s.listing.state == PairingState::Published,
            can_pay: s.listing.state == PairingState::Pledged,
            row: StaffRow::of(&c, &s),
            payments,
            reports,
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct ActionForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    paid_on: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    consent: Option<String>,
}

/// A staff step on a published student: a payment, a progress report, the consent, withdrawal.
pub async fn staff_action<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<ActionForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = record_id(&id)?;
        let (store, clock) = (&state.store, state.clock.as_ref());
        match action.as_str() {
            "payments" => {
                let on = match f.paid_on.trim() {
                    "" => c.today,
                    raw => date("paid_on", raw)?,
                };
                pairing::record_payment(
                    store,
                    clock,
                    actor,
                    id,
                    fen("amount_fen", &f.amount)?,
                    on,
                    &f.reference,
                )
                .await?;
            }
            "reports" => {
                pairing::write_report(store, clock, actor, id, &f.body).await?;
            }
            "consent" => {
                pairing::set_consent(store, clock, actor, id, f.consent.is_some()).await?;
            }
            "withdraw" => {
                pairing::withdraw(store, clock, actor, id).await?;
            }
            _ => {
                return Err(PageError::from(huzhu_app::AppError::NotFound {
                    what: "操作 (action)".into(),
                }))
            }
        }
        Ok(redirect(&format!("/pairing/students/{id}")))
    }
    .await;
    finish(&c, r)
}
