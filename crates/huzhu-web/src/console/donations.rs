//! 春风行动 — the donation pages (SPEC 7.5, issue 16): the window's list with the form that
//! records a gift and goes straight to its printable receipt 捐赠收据; a donation's page with
//! every receipt (voided ones kept), the void-and-reissue form and, for an expected bank
//! transfer, the button that confirms the money; donors with their history and yearly totals;
//! and the public thank-you list `/thanks` (no sign-in, consenting donors only, no amounts).

use super::archive::{date, fen, record_id};
use super::{finish, page, redirect, Console, Ctx, PageError, Visitor};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use huzhu_app::donation::{self, DonationRequest, DonorHistory, ThanksLine};
use huzhu_app::model::{Donation, DonationFilter, DonorSummary, Receipt};
use huzhu_app::Backend;
use huzhu_domain::access::Capability;
use huzhu_domain::donation::{amount_in_capitals, Channel, DonationState, DonorKind, ReceiptState};
use huzhu_domain::programme;
use serde::Deserialize;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/donations", get(list::<S>).post(create::<S>))
        .route("/donations/{id}", get(detail::<S>))
        .route("/donations/{id}/receipt", get(receipt::<S>))
        .route("/donations/{id}/receive", post(receive::<S>))
        .route("/receipts/{id}/void", post(void::<S>))
        .route("/donors", get(donors::<S>))
        .route("/donors/{id}", get(donor::<S>))
        .route("/thanks", get(thanks::<S>))
}

pub fn channel_words(c: &Ctx, ch: Channel) -> String {
    let (zh, en) = ch.words();
    c.t(zh, en).to_string()
}

pub fn kind_words(c: &Ctx, k: DonorKind) -> String {
    let (zh, en) = k.words();
    c.t(zh, en).to_string()
}

pub fn state_words(c: &Ctx, s: DonationState) -> String {
    let (zh, en) = s.words();
    c.t(zh, en).to_string()
}

pub fn receipt_state_words(c: &Ctx, s: ReceiptState) -> String {
    let (zh, en) = s.words();
    c.t(zh, en).to_string()
}

/// A programme's name in the page's language, never its id.
pub fn programme_words(c: &Ctx, id: &Option<String>) -> String {
    match id {
        None => c.t("不限定", "unrestricted").to_string(),
        Some(id) => programme::builtin(id)
            .and_then(Result::ok)
            .map(|p| c.name(&p.name, &p.name_en).to_string())
            .unwrap_or_else(|| c.t("其他项目", "another programme").to_string()),
    }
}

/// One donation as a list shows it.
struct Row {
    id: i64,
    date: String,
    donor: String,
    donor_id: i64,
    channel: String,
    amount_fen: i64,
    programme: String,
    state: String,
    receipt: String,
}

impl Row {
    fn of(c: &Ctx, d: &Donation) -> Row {
        Row {
            id: d.id,
            date: c.date(d.on),
            donor: d.donor.name.clone(),
            donor_id: d.donor.id,
            channel: channel_words(c, d.channel),
            amount_fen: d.amount.fen(),
            programme: programme_words(c, &d.programme),
            state: state_words(c, d.state),
            receipt: d
                .receipt()
                .map(|r| r.number.clone())
                .unwrap_or_else(|| "—".into()),
        }
    }
}

#[derive(Template)]
#[template(path = "donations/list.html")]
struct ListPage<'a> {
    c: &'a Ctx,
    rows: Vec<Row>,
    can_record: bool,
    channels: Vec<(&'static str, String)>,
    kinds: Vec<(&'static str, String)>,
    programmes: Vec<(String, String)>,
    today: String,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    state: Option<String>,
}

pub async fn list<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<ListQuery>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let st = q.state.as_deref().and_then(DonationState::parse);
        let list = donation::list(
            &state.store,
            actor,
            &DonationFilter {
                donor: None,
                state: st,
                limit: 200,
            },
        )
        .await?;
        let programmes = programme::builtin_names()
            .filter_map(|n| programme::builtin(n).and_then(Result::ok))
            .map(|p| (p.id.clone(), c.name(&p.name, &p.name_en).to_string()))
            .collect();
        page(&ListPage {
            c: &c,
            rows: list.iter().map(|d| Row::of(&c, d)).collect(),
            can_record: actor.can(Capability::RecordDonations),
            channels: Channel::ALL
                .into_iter()
                .map(|ch| (ch.code(), channel_words(&c, ch)))
                .collect(),
            kinds: DonorKind::ALL
                .into_iter()
                .map(|k| (k.code(), kind_words(&c, k)))
                .collect(),
            programmes,
            today: c.today.to_string(),
        })
    }
    .await;
    finish(&c, r)
}

/// The window's form: yuan as typed, the donor described or chosen by id.
#[derive(Deserialize, Default)]
pub struct DonationForm {
    #[serde(default)]
    donor_id: String,
    #[serde(default)]
    donor_kind: String,
    #[serde(default)]
    donor_name: String,
    #[serde(default)]
    member_id: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    bank_account: String,
    #[serde(default)]
    consent: Option<String>,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    programme: String,
    #[serde(default)]
    expected: Option<String>,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    note: String,
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn opt_id(field: &str, s: &str) -> Result<Option<i64>, PageError> {
    match opt(s) {
        None => Ok(None),
        Some(t) => t
            .parse()
            .map(Some)
            .map_err(|_| PageError::invalid(field, "编号应为数字 (the id is a number)")),
    }
}

pub async fn create<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Form(f): Form<DonationForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let req = DonationRequest {
            org: None,
            donor_id: opt_id("donor_id", &f.donor_id)?,
            donor_kind: opt(&f.donor_kind),
            donor_name: opt(&f.donor_name),
            member_id: opt_id("member_id", &f.member_id)?,
            phone: opt(&f.phone),
            bank_account: opt(&f.bank_account),
            consent: f.consent.is_some(),
            channel: f.channel.clone(),
            amount_fen: fen("amount", &f.amount)?,
            date: match opt(&f.date) {
                None => None,
                Some(d) => Some(date("date", &d)?),
            },
            programme: opt(&f.programme),
            received: f.expected.as_ref().map(|_| false),
            reference: opt(&f.reference),
            note: opt(&f.note),
        };
        let d = donation::record(&state.store, state.clock.as_ref(), actor, &req).await?;
        if d.receipt().is_some() {
            Ok(redirect(&format!("/donations/{}/receipt", d.id)))
        } else {
            Ok(redirect(&format!("/donations/{}", d.id)))
        }
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "donations/detail.html")]
struct DetailPage<'a> {
    c: &'a Ctx,
    d: Donation,
    channel: String,
    kind: String,
    state: String,
    programme: String,
    receipts: Vec<(Receipt, String)>,
    can_record: bool,
    expected: bool,
}

pub async fn detail<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let d = donation::get(&state.store, actor, record_id(&id)?).await?;
        page(&DetailPage {
            c: &c,
            channel: channel_words(&c, d.channel),
            kind: kind_words(&c, d.donor.kind),
            state: state_words(&c, d.state),
            programme: programme_words(&c, &d.programme),
            receipts: d
                .receipts
                .iter()
                .rev()
                .map(|r| (r.clone(), receipt_state_words(&c, r.state)))
                .collect(),
            can_record: actor.can(Capability::RecordDonations),
            expected: d.state == DonationState::Expected,
            d,
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "donations/receipt.html")]
struct ReceiptPage<'a> {
    c: &'a Ctx,
    d: Donation,
    r: Receipt,
    capitals: String,
    channel: String,
    programme: String,
    voided: bool,
}

#[derive(Deserialize, Default)]
pub struct ReceiptQuery {
    /// A voided receipt of the donation (default: the one in force).
    #[serde(default)]
    number: Option<String>,
}

/// 捐赠收据 — the printable receipt (Chinese, amount in figures and in capitals).
pub async fn receipt<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Query(q): Query<ReceiptQuery>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let d = donation::get(&state.store, actor, record_id(&id)?).await?;
        let r = match q.number.as_deref() {
            Some(n) => d.receipts.iter().find(|r| r.number == n).cloned(),
            None => d.receipt().cloned(),
        }
        .ok_or_else(|| {
            PageError::from(huzhu_app::AppError::NotFound {
                what: "收据 (receipt)".into(),
            })
        })?;
        page(&ReceiptPage {
            c: &c,
            capitals: amount_in_capitals(r.amount),
            channel: channel_words(&c, d.channel),
            programme: programme_words(&c, &d.programme),
            voided: r.state == ReceiptState::Voided,
            r,
            d,
        })
    }
    .await;
    finish(&c, r)
}

pub async fn receive<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let d =
            donation::receive(&state.store, state.clock.as_ref(), actor, record_id(&id)?).await?;
        Ok(redirect(&format!("/donations/{}/receipt", d.id)))
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct VoidForm {
    #[serde(default)]
    reason: String,
}

pub async fn void<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Form(f): Form<VoidForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let d = donation::void(
            &state.store,
            state.clock.as_ref(),
            actor,
            record_id(&id)?,
            &f.reason,
        )
        .await?;
        Ok(redirect(&format!("/donations/{}/receipt", d.id)))
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "donations/donors.html")]
struct DonorsPage<'a> {
    c: &'a Ctx,
    q: String,
    list: Vec<(DonorSummary, String)>,
}

#[derive(Deserialize, Default)]
pub struct DonorQuery {
    #[serde(default)]
    q: String,
}

/// 捐赠人 — the window's donor search.
pub async fn donors<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<DonorQuery>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let list = donation::donors(&state.store, actor, &q.q)
            .await?
            .into_iter()
            .map(|s| {
                let k = kind_words(&c, s.donor.kind);
                (s, k)
            })
            .collect();
        page(&DonorsPage {
            c: &c,
            q: q.q.clone(),
            list,
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "donations/donor.html")]
struct DonorPage<'a> {
    c: &'a Ctx,
    h: DonorHistory,
    kind: String,
    rows: Vec<Row>,
}

pub async fn donor<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let h = donation::donor(&state.store, actor, record_id(&id)?).await?;
        page(&DonorPage {
            c: &c,
            kind: kind_words(&c, h.donor.kind),
            rows: h.gifts.iter().map(|d| Row::of(&c, d)).collect(),
            h,
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "donations/thanks.html")]
struct ThanksPage<'a> {
    c: &'a Ctx,
    list: Vec<(ThanksLine, String)>,
}

/// 鸣谢名单 — no sign-in.
pub async fn thanks<S: Backend>(State(state): State<AppState<S>>, Visitor(c): Visitor) -> Response {
    let r = async {
        let list = donation::thanks(&state.store, None)
            .await?
            .into_iter()
            .map(|t| {
                let k = DonorKind::parse(&t.kind)
                    .map(|k| kind_words(&c, k))
                    .unwrap_or_default();
                (t, k)
            })
            .collect();
        page(&ThanksPage { c: &c, list })
    }
    .await;
    finish(&c, r)
}
