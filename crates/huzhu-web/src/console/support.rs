//! 帮扶全貌 — the whole support of an archived household (`/archive/{id}/support`) or of a
//! member's household (`/members/{id}/support`), issue 15: every payout, relief, campaign cash
//! and gift pack, the totals of each year, and the flags (double support, gaps) in words.

use super::archive::{category_words, Words};
use super::{finish, page, Console, Ctx, PageError};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use huzhu_app::support::{self, ShownLine, SupportKind, SupportSubject, SupportView};
use huzhu_app::Backend;
use huzhu_domain::archive::HouseholdState;
use huzhu_domain::grant::GrantState;
use huzhu_domain::workflow::ClaimState;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/archive/{id}/support", get(household::<S>))
        .route("/members/{id}/support", get(member::<S>))
}

#[derive(Template)]
#[template(path = "archive/support.html")]
struct SupportPage<'a> {
    c: &'a Ctx,
    v: SupportView,
    /// The member the page was asked for (`/members/{id}/support`).
    member: Option<i64>,
}

impl SupportPage<'_> {
    fn household_state(&self, code: &str) -> String {
        HouseholdState::parse(code)
            .map(|s| Words(self.c).state(&s))
            .unwrap_or_else(|| "—".into())
    }

    fn category(&self, code: &Option<String>) -> String {
        category_words(self.c, code.as_deref().unwrap_or(""))
    }

    fn kind(&self, l: &ShownLine) -> &'static str {
        match (l.line.kind, l.line.campaign_id) {
            (SupportKind::Claim, _) => self.c.t("互助保障给付", "Mutual-aid payout"),
            (SupportKind::Grant, Some(_)) => self.c.t("慰问金", "Campaign cash"),
            (SupportKind::Grant, None) => self.c.t("救助", "Relief"),
            (SupportKind::GiftPack, _) => self.c.t("慰问品", "Gift pack"),
        }
    }

    fn programme(&self, l: &ShownLine) -> String {
        match l.line.kind {
            SupportKind::Claim => self.c.policy(&l.line.programme),
            _ => self.c.t(&l.programme_zh, &l.programme_en).to_string(),
        }
    }

    fn state(&self, l: &ShownLine) -> String {
        let code = l.line.state.as_str();
        match l.line.kind {
            SupportKind::Claim => ClaimState::parse(code)
                .map(|s| self.c.t(s.label_zh(), s.label_en()).to_string())
                .unwrap_or_else(|| "—".into()),
            SupportKind::Grant => GrantState::parse(code)
                .map(|s| {
                    let (zh, en) = s.words();
                    self.c.t(zh, en).to_string()
                })
                .unwrap_or_else(|| "—".into()),
            SupportKind::GiftPack if code == "handed" => self.c.t("已发放", "handed").into(),
            SupportKind::GiftPack => self.c.t("待发放", "due").into(),
        }
    }
}

fn number(raw: &str) -> Result<i64, PageError> {
    raw.trim()
        .parse()
        .map_err(|_| PageError::invalid("id", "编号应为数字 (the id is a number)"))
}

async fn show<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
    subject: SupportSubject,
) -> Result<Response, PageError> {
    let actor = c.actor()?;
    let v = support::whole_support(&state.store, state.clock.as_ref(), actor, subject).await?;
    let member = match subject {
        SupportSubject::Member(id) => Some(id),
        SupportSubject::Household(_) => None,
    };
    page(&SupportPage { c, v, member })
}

pub async fn household<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = async { show(&state, &c, SupportSubject::Household(number(&id)?)).await }.await;
    finish(&c, r)
}

pub async fn member<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = async { show(&state, &c, SupportSubject::Member(number(&id)?)).await }.await;
    finish(&c, r)
}
