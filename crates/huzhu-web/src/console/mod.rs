//! The web console: server-rendered pages (askama templates in `templates/`) with htmx for
//! partial updates, Chinese first and English switchable, every static file embedded.
//!
//! # How a page is built
//!
//! - A handler takes [`Console`] (the signed-in actor and the page context [`Ctx`]; without a
//!   live session it redirects to `/login`), calls the same use cases as the JSON API
//!   (`huzhu_app::*`, which check capability and scope), and returns a template through
//!   [`page`]. Errors are [`PageError`]: an HTML page (or, for htmx, a fragment for the flash
//!   area) with the same status and code as the API's.
//! - A handler that serves both a whole page and an htmx partial looks at [`Ctx::htmx`] and
//!   answers with `Vary: HX-Request` ([`page`] sets it on every console response).
//! - Templates: `templates/base.html` (layout, navigation, language switch),
//!   `templates/<area>/<page>.html`, `templates/<area>/<thing>_partial.html`. Text is written in
//!   both languages where it is shown: `{{ c.t("会员", "Members") }}`.
//!
//! # What every console request goes through
//!
//! - CSRF ([`csrf`]): every POST must carry the session's token, as the `_csrf` form field (the
//!   `{{ c.csrf_field() }}` of each form) or the `X-CSRF-Token` header (htmx sends it from
//!   `<body hx-headers>`); a cross-site Origin is refused outright. Sign-in, before there is a
//!   session, uses a double-submit cookie.
//! - Security headers ([`crate::headers`], shared with the JSON API): a strict
//!   Content-Security-Policy (scripts and styles from `/static` only), no framing, no MIME
//!   sniffing, same-origin referrers; pages are `no-store`.

mod accounts;
mod archive;
mod assets;
mod audit;
mod bank_changes;
mod campaigns;
mod claims;
pub mod csrf;
mod decision;
mod enrolment;
mod fund_report;
mod grants;
mod home;
pub mod i18n;
mod import;
mod ledger;
mod members;
mod orgs;
mod payouts;
mod programme_stats;
mod queues;
mod session;
mod stats;
mod support;
mod transfers;
pub mod words;
// recuperation, procurement (helper M)
mod recuperation;
// donation module (春风行动, issue 16)
mod donations;
// legal aid and recognition (issue 17)
mod legal_aid;
mod recognition;
// procurement's console pages apart from recuperation's (issue 17, helper B)
mod procurement;
// recognition's figures and the public objection form (issue 17, helper B)
mod recognition_figures;
mod recognition_public;
// cloud pairing and the 81890 directory (issue 16)
mod pairing;
mod services;
// employment help 春风就业 (helper D, issue 16)
mod employment;
// bank statements (helper D, issue 16)
mod statements;

use crate::{ApiError, AppState};
use askama::Template;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::NaiveDate;
use huzhu_app::AppError;
use huzhu_app::Backend;
use huzhu_domain::access::{Actor, Capability, Role};
use std::borrow::Borrow;

pub use claims::PendingUploads;
pub use i18n::Lang;

/// The console's routes (pages, forms and static files), behind the CSRF check and the
/// security headers.
pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/", get(home::home::<S>))
        .route("/lang", get(session::switch_lang))
        .route(
            "/login",
            get(session::login_page::<S>).post(session::login::<S>),
        )
        .route("/logout", axum::routing::post(session::logout::<S>))
        .merge(orgs::routes::<S>())
        .merge(members::routes::<S>())
        .merge(claims::routes::<S>())
        .merge(queues::routes::<S>())
        .merge(enrolment::routes::<S>())
        .merge(payouts::routes::<S>())
        .merge(import::routes::<S>())
        .merge(bank_changes::routes::<S>())
        .merge(transfers::routes::<S>())
        .merge(archive::routes::<S>())
        .merge(grants::routes::<S>())
        .merge(campaigns::routes::<S>())
        .merge(ledger::routes::<S>())
        .merge(fund_report::routes::<S>())
        .merge(audit::routes::<S>())
        .merge(stats::routes::<S>())
        .merge(programme_stats::routes::<S>())
        .merge(support::routes::<S>())
        .merge(accounts::routes::<S>())
        // recuperation, procurement (helper M)
        .merge(recuperation::routes::<S>())
        // donation module (春风行动, issue 16)
        .merge(donations::routes::<S>())
        // legal aid and recognition (issue 17)
        .merge(legal_aid::routes::<S>())
        .merge(recognition::routes::<S>())
        // procurement's console pages apart from recuperation's (issue 17, helper B)
        .merge(procurement::routes::<S>())
        // recognition's figures and the public objection form (issue 17, helper B)
        .merge(recognition_figures::routes::<S>())
        .merge(recognition_public::routes::<S>())
        // cloud pairing and the 81890 directory (issue 16)
        .merge(pairing::routes::<S>())
        .merge(services::routes::<S>())
        // employment help (helper D, issue 16)
        .merge(employment::routes::<S>())
        // bank statements (helper D, issue 16)
        .merge(statements::routes::<S>())
        .route("/static/{name}", get(assets::serve))
        .layer(middleware::from_fn(csrf::check))
        .layer(middleware::from_fn(crate::headers::console))
}

/// What every page needs besides its own data: language, the actor, the CSRF token, where it is.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub actor: Option<Actor>,
    /// This session's CSRF token (empty before sign-in).
    pub csrf: String,
    /// The request's path and query, for the language switch and the navigation.
    pub path: String,
    /// An htmx request (`HX-Request: true`): answer with the partial.
    pub htmx: bool,
    pub today: NaiveDate,
    /// The names of the orgs the actor sees, by code: pages name an org, not its code.
    pub org_names: std::sync::Arc<std::collections::BTreeMap<String, String>>,
    /// Every policy's (name, English name) by id: pages name a policy, not its file id.
    pub policy_names: std::sync::Arc<std::collections::BTreeMap<String, (String, Option<String>)>>,
}

/// An integer however a template holds it (askama passes values, references, or references to
/// references from loops).
pub trait Int {
    fn int(&self) -> i64;
}

impl Int for i64 {
    fn int(&self) -> i64 {
        *self
    }
}

impl<T: Int + ?Sized> Int for &T {
    fn int(&self) -> i64 {
        (**self).int()
    }
}

/// A row count however a template holds it (a `u64` total or a list's `usize` length, by value
/// or by reference). Kept apart from [`Int`], whose integer literals must stay `i64`.
pub trait Total {
    fn total(&self) -> i64;
}

impl Total for u64 {
    fn total(&self) -> i64 {
        i64::try_from(*self).unwrap_or(i64::MAX)
    }
}

impl Total for usize {
    fn total(&self) -> i64 {
        i64::try_from(*self).unwrap_or(i64::MAX)
    }
}

impl<T: Total + ?Sized> Total for &T {
    fn total(&self) -> i64 {
        (**self).total()
    }
}

/// One entry of the navigation.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

impl Ctx {
    pub fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        self.lang.t(zh, en)
    }

    /// A message written both ways (`中文 (English)`) in the page's language ([`words`]).
    pub fn words<T: AsRef<str>>(&self, text: T) -> String {
        words::message_in(self.lang, text.as_ref())
    }

    pub fn date<D: Borrow<NaiveDate>>(&self, d: D) -> String {
        self.lang.date(*d.borrow())
    }

    pub fn opt_date<D: Borrow<Option<NaiveDate>>>(&self, d: D) -> String {
        d.borrow()
            .map(|d| self.lang.date(d))
            .unwrap_or_else(|| "—".into())
    }

    /// An instant as a Shanghai date and time: `2022年3月2日 14:05`.
    pub fn datetime(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        let local = t.with_timezone(&huzhu_app::clock::shanghai());
        format!(
            "{} {}",
            self.lang.date(local.date_naive()),
            local.format("%H:%M")
        )
    }

    /// Officers and window staff submit claims on a member's behalf.
    pub fn can_submit_for_others(&self) -> bool {
        self.actor
            .as_ref()
            .is_some_and(|a| a.role != Role::Member && a.can(Capability::SubmitClaim))
    }

    pub fn yuan<F: Int>(&self, fen: F) -> String {
        i18n::yuan(fen.int())
    }

    pub fn opt_yuan<F: Borrow<Option<i64>>>(&self, fen: F) -> String {
        fen.borrow().map(i18n::yuan).unwrap_or_else(|| "—".into())
    }

    pub fn count<N: Int>(&self, n: N) -> String {
        i18n::count(n.int())
    }

    /// 共 N 条 / "N in all": how many rows a list holds, whatever page is shown.
    pub fn total<N: Total>(&self, n: N) -> String {
        let n = i18n::count(n.total());
        match self.lang {
            Lang::Zh => format!("共 {n} 条"),
            Lang::En => format!("{n} in all"),
        }
    }

    /// A label that the use cases give in Chinese (gender, employment status, tags, statistics
    /// rows), in the page's language: the known domain words are translated, the rest (names,
    /// codes) left as they are.
    /// A label's own code in parentheses (`重大疾病 (md)`, `未列病种 (none)`, `其他 (c)`) is not
    /// shown: it is for exports and logs, not for the people reading the page (issue 13).
    pub fn label(&self, zh: &str) -> String {
        let zh = without_code(zh);
        if self.lang == Lang::Zh {
            return zh.to_string();
        }
        if let Some(state) = huzhu_domain::workflow::ClaimState::ALL
            .iter()
            .find(|s| s.label_zh() == zh)
        {
            return state.label_en().to_string();
        }
        for (z, e) in DOMAIN_WORDS {
            if zh == *z {
                return (*e).to_string();
            }
            if let Some(rest) = zh.strip_prefix(z) {
                if rest.starts_with(' ') || rest.starts_with('(') || rest.starts_with('（') {
                    return format!("{e}{rest}");
                }
            }
        }
        zh.to_string()
    }

    /// A name from a policy in the page's language: its English name (`name_en`) on English
    /// pages where the policy gives one, else the Chinese name.
    pub fn name<'a>(&self, zh: &'a str, en: &'a Option<String>) -> &'a str {
        match (self.lang, en) {
            (Lang::En, Some(en)) => en,
            _ => zh,
        }
    }

    /// The policy as this page names it: on English pages its items, benefits and documents by
    /// their English names (`name_en`) where it has them.
    pub fn localised(&self, p: &huzhu_domain::policy::Policy) -> huzhu_domain::policy::Policy {
        match self.lang {
            Lang::En => p.in_english(),
            Lang::Zh => p.clone(),
        }
    }

    /// A clause as a page shows it: `hangzhou-2022 A.1` → `A.1` (the page names the policy).
    pub fn clause<'a>(&self, clause: &'a str) -> &'a str {
        match clause.split_once(' ') {
            Some((id, rest)) if id.contains('-') && id.is_ascii() && !rest.is_empty() => rest,
            _ => clause,
        }
    }

    /// A policy by its name in the page's language, never its file id (`hangzhou-2022`).
    pub fn policy<C: AsRef<str>>(&self, id: C) -> String {
        let id = id.as_ref();
        match self.policy_names.get(id) {
            Some((zh, en)) => self.name(zh, en).to_string(),
            None => id.to_string(),
        }
    }

    /// Stored text (a ledger memo) with the policy ids and org codes in it named: `LA-01-001
    /// 会费应收 (hangzhou-2022)` → `临安区…工会 会费应收 (杭州市…)`. Only whole words are replaced.
    pub fn named_text(&self, text: &str) -> String {
        text.split(' ')
            .map(|word| {
                let bare = word.trim_start_matches('(').trim_end_matches(')');
                let named = if self.policy_names.contains_key(bare) {
                    self.policy(bare)
                } else if self.org_names.contains_key(bare) {
                    self.org(bare)
                } else {
                    return word.to_string();
                };
                word.replace(bare, &named)
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// An org by its name where the actor sees it (else its code, all there is to show).
    pub fn org<C: std::fmt::Display>(&self, code: C) -> String {
        let code = code.to_string();
        self.org_names.get(&code).cloned().unwrap_or(code)
    }

    /// A claim state's label, by its code.
    pub fn state_label(&self, code: &str) -> &'static str {
        match huzhu_domain::workflow::ClaimState::parse(code) {
            Some(s) => self.lang.t(s.label_zh(), s.label_en()),
            None => "?",
        }
    }

    pub fn asset(&self, name: &str) -> String {
        assets::url(name)
    }

    /// The hidden form field carrying the CSRF token (already escaped: hex only).
    pub fn csrf_field(&self) -> String {
        format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            csrf::FIELD,
            self.csrf
        )
    }

    /// `hx-headers` for `<body>`: every htmx request carries the token.
    pub fn hx_headers(&self) -> String {
        format!("{{\"{}\": \"{}\"}}", csrf::HEADER, self.csrf)
    }

    /// The link that switches to the other language and comes back here.
    pub fn other_lang_href(&self) -> String {
        let other = match self.lang {
            Lang::Zh => "en",
            Lang::En => "zh",
        };
        format!("/lang?to={other}&next={}", url_encode(&self.path))
    }

    pub fn other_lang_label(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "English",
            Lang::En => "中文",
        }
    }

    pub fn role_label(&self) -> &'static str {
        match &self.actor {
            Some(a) => self.lang.t(a.role.label_zh(), a.role.label_en()),
            None => "",
        }
    }

    pub fn can(&self, capability: Capability) -> bool {
        self.actor.as_ref().is_some_and(|a| a.can(capability))
    }

    /// Staff who read the archive (and a household's whole support).
    pub fn can_read_archive(&self) -> bool {
        !self.is_member() && self.can(Capability::ReadArchive)
    }

    pub fn is_member(&self) -> bool {
        self.actor.as_ref().is_some_and(|a| a.role == Role::Member)
    }

    /// The navigation the actor's role calls for.
    pub fn nav(&self) -> Vec<NavItem> {
        let Some(actor) = &self.actor else {
            return Vec::new();
        };
        let l = self.lang;
        let mut items: Vec<(&'static str, &'static str)> = vec![("/", l.t("首页", "Home"))];
        if actor.role == Role::Member {
            items.push(("/claims", l.t("我的理赔", "My claims")));
            items.push(("/claims/new", l.t("申请理赔", "New claim")));
            items.push(("/my-grants", l.t("我的救助", "My reliefs")));
            items.push(("/legal-aid", l.t("法律援助", "Legal aid"))); // issue 17
            items.push(("/services", l.t("81890服务", "81890 services"))); // issue 16
            items.push((
                "/services/requests",
                l.t("我的服务申请", "My service requests"),
            ));
        } else {
            if actor.can(Capability::ReadMembers) {
                items.push(("/orgs", l.t("组织", "Organisations")));
                items.push(("/members", l.t("会员", "Members")));
            }
            if actor.can(Capability::ManageRoster) {
                items.push(("/import", l.t("名册导入", "Roster import")));
                items.push(("/bank-changes", l.t("银行账号变更", "Bank account changes")));
                items.push(("/transfers", l.t("会员调动", "Transfers")));
            }
            if actor.can(Capability::ReadArchive) {
                items.push(("/archive", l.t("困难职工档案", "Hardship archive")));
            }
            if actor.can(Capability::ReadMembers) {
                items.push(("/grants", l.t("救助申请", "Reliefs")));
            }
            if actor.can(Capability::SubmitClaim) {
                items.push(("/campaigns", l.t("送温暖", "Care campaigns")));
            }
            if grants::can_see_funds(actor) {
                items.push(("/funds", l.t("资金", "Funds")));
            }
            if actor.can(Capability::Enrol) || actor.can(Capability::RecordPayment) {
                items.push(("/enrolment", l.t("参保缴费", "Enrolment")));
            }
            items.push(("/claims", l.t("理赔", "Claims")));
            if actor.can(Capability::HandleClaims)
                || actor.can(Capability::ExpertReview)
                || actor.can(Capability::ApproveClaims)
            {
                items.push(("/queues", l.t("工作台", "Work queues")));
            }
            if actor.can(Capability::ManagePayouts) {
                items.push(("/payouts", l.t("支付批次", "Payouts")));
            }
            if actor.can(Capability::ReadLedger) {
                items.push(("/ledger", l.t("账簿", "Ledger")));
            }
            if actor.can(Capability::ReadMembers) {
                items.push(("/stats", l.t("统计", "Statistics")));
            }
            if actor.can(Capability::ReadArchive) {
                items.push(("/stats/programmes", l.t("帮扶统计", "Programme statistics")));
            }
            if actor.can(Capability::ReadAudit) {
                items.push(("/audit", l.t("审计日志", "Audit log")));
            }
            if actor.can(Capability::ManageUsers) {
                items.push(("/accounts", l.t("账号管理", "Accounts")));
            }
            // recuperation, procurement (helper M)
            if actor.can(Capability::SubmitClaim) && actor.role != Role::Member {
                items.push(("/recuperation", l.t("疗休养", "Recuperation")));
                items.push(("/procurement", l.t("消费帮扶", "Procurement")));
            }
            // donation module (春风行动, issue 16)
            if actor.can(Capability::ReadDonations) {
                items.push(("/donations", l.t("春风捐赠", "Donations")));
                items.push(("/donors", l.t("捐赠人", "Donors")));
            }
            // legal aid and recognition (issue 17)
            if actor.can(Capability::ReadLegalAid) {
                items.push(("/legal-aid", l.t("法律援助", "Legal aid")));
            }
            if actor.can(Capability::ReadRecognition) {
                items.push(("/recognition", l.t("数字工匠", "Craftsman recognition")));
            }
            // cloud pairing and the 81890 directory (issue 16)
            if actor.can(Capability::ManagePairing) {
                items.push(("/pairing/students", l.t("云结对", "Cloud pairing")));
            }
            if actor.can(Capability::ManageServices) {
                items.push(("/services/requests", l.t("81890服务", "81890 services")));
                items.push(("/stats/services", l.t("服务统计", "Service figures")));
            }
            // employment help (helper D, issue 16)
            if actor.can(Capability::ReadEmployment) {
                items.push(("/employment", l.t("就业帮扶", "Employment help")));
            }
            // bank statements (helper D, issue 16)
            if actor.can(Capability::ImportStatements) {
                items.push(("/statements", l.t("银行对账", "Bank statements")));
            }
        }
        let path = self.path.split('?').next().unwrap_or("/");
        let current = items
            .iter()
            .filter(|(href, _)| {
                *href == "/" && path == "/" || *href != "/" && path.starts_with(href)
            })
            .map(|(href, _)| href.len())
            .max();
        items
            .into_iter()
            .map(|(href, label)| NavItem {
                href,
                label,
                current: Some(href.len()) == current
                    && (href == "/" && path == "/" || href != "/" && path.starts_with(href)),
            })
            .collect()
    }

    /// The signed-in actor; pages behind [`Console`] always have one.
    pub fn actor(&self) -> Result<&Actor, PageError> {
        self.actor.as_ref().ok_or_else(|| {
            PageError::from(AppError::Unauthenticated(huzhu_app::AuthFailure::NoSession))
        })
    }
}

/// The Chinese words of the domain that use cases put in labels, with their English.
const DOMAIN_WORDS: &[(&str, &str)] = &[
    ("男", "Male"),
    ("女", "Female"),
    ("在职", "In service"),
    ("离退休", "Retired"),
    ("退休返聘", "Re-employed retiree"),
    ("劳模", "Model worker"),
    ("建档困难职工", "Hardship worker"),
    ("外来务工", "Migrant worker"),
    ("新就业形态", "New forms of employment"),
    ("工匠", "Craftsman"),
    ("合计", "Total"),
    ("重大疾病", "Major disease"),
    ("轻症", "Mild disease"),
    ("女职工特殊疾病", "Female special disease"),
    ("规定病种门诊", "Designated-disease outpatient"),
    ("未列病种", "No listed disease"),
    ("其他", "Other"),
    ("住院", "Hospital stay"),
    ("确诊", "Diagnosis"),
    ("关爱金", "Care payment"),
    // The assistance programmes' statistics (`huzhu_app::programme_stats`).
    ("深度困难", "Deep hardship"),
    ("相对困难", "Relative hardship"),
    ("意外致困", "Hardship by accident"),
    ("未定级", "No level"),
    ("未定", "Undetermined"),
    ("全国级", "National"),
    ("省级", "Provincial"),
    ("市县级", "City/county"),
    ("脱困", "Out of hardship"),
    ("退休", "Retired"),
    ("迁离", "Moved away"),
    ("去世", "Deceased"),
    ("本人申请退出", "By request"),
    ("在档户人口", "People of archived households"),
    ("脱档户人口", "People of households that exited"),
    ("困难职工档案", "Hardship archive"),
    ("爱心透析", "Dialysis relief"),
    ("病种+费用救助", "Major-illness relief"),
    ("金秋助学", "Golden-autumn study grant"),
    ("临时救助", "One-off relief"),
    ("两节送温暖", "Two-festivals warmth campaign"),
];

/// Percent-encoding for a query value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A path to come back to after sign-in or a language switch: local paths only.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

fn base_ctx<S>(parts: &Parts, state: &AppState<S>) -> Ctx {
    let path = parts
        .extensions
        .get::<OriginalUri>()
        .map(|u| u.0.clone())
        .unwrap_or_else(|| parts.uri.clone());
    Ctx {
        lang: Lang::of(&parts.headers),
        actor: None,
        csrf: String::new(),
        path: path
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into()),
        htmx: parts
            .headers
            .get("HX-Request")
            .is_some_and(|v| v.as_bytes() == b"true"),
        today: state.clock.today(),
        org_names: Default::default(),
        policy_names: Default::default(),
    }
}

/// A console request with a live session: the actor and the page context. Without one, the
/// request is sent to `/login` (htmx requests get `HX-Redirect`).
pub struct Console(pub Ctx);

impl<S: Backend> FromRequestParts<AppState<S>> for Console {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState<S>,
    ) -> Result<Self, Self::Rejection> {
        let mut ctx = base_ctx(parts, state);
        let token = crate::auth::session_token(&parts.headers);
        let actor = match &token {
            Some(t) => {
                huzhu_app::accounts::actor_for_token(&state.store, state.clock.as_ref(), t).await
            }
            None => Err(AppError::Unauthenticated(huzhu_app::AuthFailure::NoSession)),
        };
        match (actor, token) {
            (Ok(actor), Some(token)) => {
                ctx.csrf = csrf::token_for_session(&token);
                match org_names(state, &actor).await {
                    Ok(names) => ctx.org_names = names,
                    Err(e) => return Err(PageError::from(e).render(&ctx)),
                }
                match huzhu_app::policies::names(&state.store, state.clock.as_ref()).await {
                    Ok(names) => ctx.policy_names = std::sync::Arc::new(names),
                    Err(e) => return Err(PageError::from(e).render(&ctx)),
                }
                ctx.actor = Some(actor);
                Ok(Console(ctx))
            }
            (Err(AppError::Unauthenticated(_)), _) | (Ok(_), None) => Err(to_login(&ctx)),
            (Err(e), _) => Err(PageError::from(e).render(&ctx)),
        }
    }
}

/// The names of the orgs an actor sees, by code, for [`Ctx::org`] (cached by the app).
async fn org_names<S: Backend>(
    state: &AppState<S>,
    actor: &Actor,
) -> Result<std::sync::Arc<std::collections::BTreeMap<String, String>>, AppError> {
    huzhu_app::access::org_names(&state.store, actor).await
}

/// The page context of a request without a session (the sign-in page).
pub struct Visitor(pub Ctx);

impl<S: Backend> FromRequestParts<AppState<S>> for Visitor {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState<S>,
    ) -> Result<Self, Self::Rejection> {
        Ok(Visitor(base_ctx(parts, state)))
    }
}

/// A page anyone may open (the cloud-pairing list, the 81890 directory): with a live session it
/// carries the actor (navigation, a member's request button) and the session's CSRF token for
/// its forms; without one it is a visitor's page. A dead session is no error here.
pub struct Public(pub Ctx);

impl<S: Backend> FromRequestParts<AppState<S>> for Public {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState<S>,
    ) -> Result<Self, Self::Rejection> {
        if crate::auth::session_token(&parts.headers).is_none() {
            return Ok(Public(base_ctx(parts, state)));
        }
        match Console::from_request_parts(parts, state).await {
            Ok(Console(ctx)) => Ok(Public(ctx)),
            Err(_) => {
                let mut ctx = base_ctx(parts, state);
                // The form check reads the session cookie, live or not: the page's forms carry
                // the token it expects.
                if let Some(t) = crate::auth::session_token(&parts.headers) {
                    ctx.csrf = csrf::token_for_session(&t);
                }
                Ok(Public(ctx))
            }
        }
    }
}

fn to_login(ctx: &Ctx) -> Response {
    let target = format!("/login?next={}", url_encode(&ctx.path));
    if ctx.htmx {
        let mut r = StatusCode::NO_CONTENT.into_response();
        if let Ok(v) = HeaderValue::from_str(&target) {
            r.headers_mut().insert("HX-Redirect", v);
        }
        r
    } else {
        redirect(&target)
    }
}

/// 303 See Other to `to` (after a form: the browser GETs it).
pub fn redirect(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(LOCATION, v);
    }
    r
}

/// Renders a template as the response.
pub fn page<T: Template>(t: &T) -> Result<Response, PageError> {
    let body = t.render().map_err(|e| PageError::Render(e.to_string()))?;
    Ok(Html(body).into_response())
}

/// A console error: an error page (or flash fragment for htmx) with the API's status and code.
#[derive(Debug)]
pub enum PageError {
    Api(ApiError),
    Render(String),
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError::Api(e)
    }
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError::Api(ApiError::App(e))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    c: &'a Ctx,
    status: u16,
    code: String,
    message: String,
    field: Option<String>,
}

#[derive(Template)]
#[template(path = "error_partial.html")]
struct ErrorPartial<'a> {
    c: &'a Ctx,
    code: String,
    message: String,
    field: Option<String>,
}

impl PageError {
    /// An invalid form field, named.
    pub fn invalid(field: &str, message: impl Into<String>) -> PageError {
        PageError::Api(ApiError::invalid(field, message.into()))
    }

    /// The response for this error, in the context of the page that failed.
    pub fn render(self, ctx: &Ctx) -> Response {
        let (status, body) = match self {
            PageError::Api(ApiError::App(AppError::Unauthenticated(_))) => {
                return to_login(ctx);
            }
            PageError::Api(e) => e.parts(),
            PageError::Render(e) => ApiError::App(AppError::Io(std::io::Error::other(format!(
                "template: {e}"
            ))))
            .parts(),
        };
        // The page's language only, and the field in words (`words`).
        let message = words::message_in(ctx.lang, &body.message);
        let field = body
            .field
            .as_deref()
            .and_then(|f| words::field_label(ctx.lang, f));
        let html = if ctx.htmx {
            ErrorPartial {
                c: ctx,
                code: body.code,
                message,
                field,
            }
            .render()
        } else {
            ErrorPage {
                c: ctx,
                status: status.as_u16(),
                code: body.code,
                message,
                field,
            }
            .render()
        };
        let mut r = match html {
            Ok(h) => (status, Html(h)).into_response(),
            Err(_) => (status, "error").into_response(),
        };
        if ctx.htmx {
            // htmx swaps error answers into the flash area (see static/app.js).
            r.headers_mut()
                .insert("HX-Retarget", HeaderValue::from_static("#flash"));
            r.headers_mut()
                .insert("HX-Reswap", HeaderValue::from_static("innerHTML"));
        }
        r
    }
}

/// A console handler's result: the page, or the error rendered in the page's context.
pub type PageResult = Result<Response, PageError>;

/// Runs a handler body and renders its error in `ctx`.
pub fn finish(ctx: &Ctx, r: PageResult) -> Response {
    match r {
        Ok(r) => r,
        Err(e) => e.render(ctx),
    }
}

/// A download: bytes with a content type and a file name (RFC 5987, for Chinese names).
pub fn download(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    file_response(bytes, content_type, file_name, "attachment")
}

/// A file the browser shows itself (an image or a PDF opened from a claim's page), with its name
/// for when it is saved. Only for types huzhu checked by their bytes; `nosniff` is on every
/// console answer.
pub fn shown_inline(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    file_response(bytes, content_type, file_name, "inline")
}

fn file_response(
    bytes: Vec<u8>,
    content_type: &'static str,
    file_name: &str,
    disposition: &str,
) -> Response {
    let mut r = bytes.into_response();
    let h: &mut HeaderMap = r.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{}",
        url_encode(file_name)
    )) {
        h.insert("Content-Disposition", v);
    }
    r
}

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `重大疾病 (md)` → `重大疾病`: a trailing ` (code)` of ASCII letters, digits and `_` after a
/// Chinese label. Anything else (an English gloss with spaces, a Chinese parenthesis) stays.
fn without_code(label: &str) -> &str {
    let Some(open) = label.rfind(" (") else {
        return label;
    };
    let (head, tail) = label.split_at(open);
    let inner = tail
        .strip_prefix(" (")
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or("");
    let is_code = !inner.is_empty() && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if is_code && !head.is_ascii() {
        head
    } else {
        label
    }
}

#[cfg(test)]
mod label_tests {
    use super::without_code;

    #[test]
    fn a_labels_code_is_not_shown_but_a_gloss_is_kept() {
        assert_eq!(without_code("重大疾病 (md)"), "重大疾病");
        assert_eq!(without_code("未列病种 (none)"), "未列病种");
        assert_eq!(without_code("住院 (hospital_stay)"), "住院");
        assert_eq!(without_code("其他 (c)"), "其他");
        assert_eq!(
            without_code("无应付项目 (no payable item)"),
            "无应付项目 (no payable item)"
        );
        assert_eq!(without_code("Smith (jr)"), "Smith (jr)");
        assert_eq!(without_code("项目 A"), "项目 A");
    }
}
