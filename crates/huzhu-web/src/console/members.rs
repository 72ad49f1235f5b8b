//! 会员: the member list (search, filters, paging), a member's page (record, enrolments,
//! claims, change history), and showing a whole ID number — an explicit, logged action.

use super::{download, finish, page, Console, Ctx, PageError, PageResult, XLSX};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use huzhu_app::claims::{list_claims, ClaimQuery, ClaimSummary};
use huzhu_app::members::{self, MemberDetail, MemberSummary};
use huzhu_app::model::{MemberFilter, MemberId, Org, Page};
use huzhu_app::Backend;
use huzhu_domain::org::OrgCode;
use serde::Deserialize;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/members", get(list::<S>))
        .route("/members/export.xlsx", get(export::<S>))
        .route("/members/{id}", get(show::<S>))
        .route("/members/{id}/reveal", post(reveal::<S>))
}

/// Rows per page of the member list.
const PAGE_SIZE: u32 = 50;

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    /// One search box: a name (or part of one), or the last digits of an ID or phone number.
    #[serde(default)]
    pub q: String,
    /// The unit (or any organisation) to search under; default the actor's own.
    #[serde(default)]
    pub org: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub tag: String,
    /// The last member id of the previous page.
    pub after: Option<i64>,
}

impl ListQuery {
    fn filter(&self) -> MemberFilter {
        let q = self.q.trim();
        let digits = !q.is_empty()
            && q.chars()
                .all(|c| c.is_ascii_digit() || c == 'x' || c == 'X' || c == '*');
        let tail = q.trim_start_matches('*').to_string();
        MemberFilter {
            name: (!q.is_empty() && !digits).then(|| q.to_string()),
            id_tail: digits.then(|| tail.clone()),
            phone_tail: (digits && tail.chars().all(|c| c.is_ascii_digit())).then_some(tail),
            status: Some(self.status.clone()).filter(|s| !s.is_empty()),
            tag: Some(self.tag.clone()).filter(|s| !s.is_empty()),
            any_text: true,
        }
    }

    /// The query string of this search, for its Excel export.
    pub fn export_href(&self) -> String {
        format!(
            "/members/export.xlsx?q={}&org={}&status={}&tag={}",
            super::url_encode(&self.q),
            super::url_encode(&self.org),
            super::url_encode(&self.status),
            super::url_encode(&self.tag)
        )
    }

    /// The query string of this search for another page.
    pub fn with_after(&self, after: i64) -> String {
        format!(
            "/members?q={}&org={}&status={}&tag={}&after={after}",
            super::url_encode(&self.q),
            super::url_encode(&self.org),
            super::url_encode(&self.status),
            super::url_encode(&self.tag)
        )
    }
}

/// A choice of a select box: value, label, selected.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn choices(c: &Ctx, current: &str, options: &[(&str, &str, &str)]) -> Vec<Choice> {
    let mut out = vec![Choice {
        value: String::new(),
        label: c.t("全部", "All").to_string(),
        selected: current.is_empty(),
    }];
    out.extend(options.iter().map(|(v, zh, en)| Choice {
        value: v.to_string(),
        label: c.t(zh, en).to_string(),
        selected: current == *v,
    }));
    out
}

#[derive(Template)]
#[template(path = "members/list.html")]
struct ListPage<'a> {
    c: &'a Ctx,
    q: ListQuery,
    units: Vec<Choice>,
    statuses: Vec<Choice>,
    tags: Vec<Choice>,
    rows: Vec<MemberSummary>,
    total: u64,
    next: Option<String>,
    first_page: Option<String>,
}

#[derive(Template)]
#[template(path = "members/list_partial.html")]
struct ListPartial<'a> {
    c: &'a Ctx,
    rows: Vec<MemberSummary>,
    total: u64,
    next: Option<String>,
    first_page: Option<String>,
}

/// The list as it is filtered, as an Excel workbook (masked; logged).
pub async fn export<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<ListQuery>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let org = match q.org.trim() {
            "" => actor.org.clone(),
            raw => OrgCode::parse(raw).map_err(|e| PageError::invalid("org", e.to_string()))?,
        };
        let bytes =
            members::export_xlsx(&state.store, state.clock.as_ref(), actor, &org, &q.filter())
                .await?;
        Ok(download(bytes, XLSX, &format!("会员名单-{org}.xlsx")))
    }
    .await;
    finish(&c, r)
}

pub async fn list<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<ListQuery>,
) -> Response {
    let r = list_page(&state, &c, q).await;
    finish(&c, r)
}

async fn list_page<S: Backend>(state: &AppState<S>, c: &Ctx, q: ListQuery) -> PageResult {
    let actor = c.actor()?;
    let org = match q.org.trim() {
        "" => actor.org.clone(),
        raw => OrgCode::parse(raw).map_err(|e| PageError::invalid("org", e.to_string()))?,
    };
    let rows = members::search(
        &state.store,
        state.clock.as_ref(),
        actor,
        &org,
        &q.filter(),
        Page {
            after: q.after.map(MemberId),
            limit: PAGE_SIZE,
        },
    )
    .await?;
    let total = members::count(&state.store, actor, &org, &q.filter()).await?;
    let next = (rows.len() == PAGE_SIZE as usize)
        .then(|| rows.last().map(|m| q.with_after(m.id)))
        .flatten();
    let first_page = q.after.is_some().then(|| {
        let mut first = q.clone();
        first.after = None;
        first.with_after(0).replace("&after=0", "")
    });
    if c.htmx {
        return page(&ListPartial {
            c,
            rows,
            total,
            next,
            first_page,
        });
    }
    let scope = huzhu_app::access::orgs_in_scope(&state.store, actor, None).await?;
    let units = org_choices(c, &scope, &q.org);
    let statuses = choices(
        c,
        &q.status,
        &[
            ("in_service", "在职", "In service"),
            ("retired", "离退休", "Retired"),
            ("reemployed_retiree", "退休返聘", "Re-employed retiree"),
        ],
    );
    let tags = choices(
        c,
        &q.tag,
        &[
            ("hardship", "困难职工", "Hardship worker"),
            ("model_worker", "劳模", "Model worker"),
            ("migrant", "外来务工", "Migrant worker"),
            ("new_form", "新就业形态", "New forms of employment"),
            ("craftsman", "工匠", "Craftsman"),
        ],
    );
    page(&ListPage {
        c,
        q,
        units,
        statuses,
        tags,
        rows,
        total,
        next,
        first_page,
    })
}

fn org_choices(c: &Ctx, scope: &[Org], current: &str) -> Vec<Choice> {
    let mut out = vec![Choice {
        value: String::new(),
        label: c.t("本级及下级全部", "Everything in my scope").to_string(),
        selected: current.is_empty(),
    }];
    // A city's scope has thousands of units: the select lists at most the first 500.
    out.extend(scope.iter().take(500).map(|o| Choice {
        value: o.code.to_string(),
        label: format!(
            "{}{} ({})",
            "　".repeat((o.level as usize).saturating_sub(1)),
            o.name,
            o.code
        ),
        selected: current.eq_ignore_ascii_case(o.code.as_str()),
    }));
    out
}

#[derive(Template)]
#[template(path = "members/show.html")]
struct ShowPage<'a> {
    c: &'a Ctx,
    m: MemberDetail,
    claims: Vec<ClaimSummary>,
    revealed: Option<String>,
    can_reveal: bool,
    /// The enrolments' policies by id: (name, English name).
    policy_names: std::collections::BTreeMap<String, (String, Option<String>)>,
}

impl ShowPage<'_> {
    /// A policy's name in the page's language, never its file id.
    fn policy_name(&self, id: &str) -> String {
        match self.policy_names.get(id) {
            Some((zh, en)) => self.c.name(zh, en).to_string(),
            None => id.to_string(),
        }
    }

    /// A unit of the member's history, by name.
    fn unit_name(&self, code: &str) -> String {
        self.m
            .history_units
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }

    /// The fields a version changed, in words.
    fn changed(&self, fields: &[String]) -> String {
        let c = self.c;
        fields
            .iter()
            .map(|f| match f.as_str() {
                "id_kind" => c.t("证件类型", "ID kind"),
                "name" => c.t("姓名", "name"),
                "gender" => c.t("性别", "gender"),
                "birth_date" => c.t("出生日期", "birth date"),
                "phone" => c.t("手机", "phone"),
                "org" => c.t("单位", "unit"),
                "status" => c.t("在职状态", "employment status"),
                "hire_date" => c.t("入职日期", "hire date"),
                "join_date" => c.t("入会日期", "union membership date"),
                "ss_region" => c.t("社保统筹地", "social security region"),
                "tags" => c.t("标签", "tags"),
                "bank_account" => c.t("银行账号", "bank account"),
                _ => c.t("其他", "other"),
            })
            .collect::<Vec<_>>()
            .join(c.t("、", ", "))
    }

    /// An employment status code in words.
    fn status(&self, code: &str) -> String {
        match huzhu_domain::member::EmploymentStatus::parse(code) {
            Some(s) => self.c.label(s.label_zh()),
            None => code.to_string(),
        }
    }
}

pub async fn show<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = show_page(&state, &c, &id, None).await;
    finish(&c, r)
}

fn member_id(raw: &str) -> Result<MemberId, PageError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(MemberId)
        .ok_or_else(|| huzhu_app::access::not_found("member").into())
}

async fn show_page<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
    raw_id: &str,
    revealed: Option<String>,
) -> PageResult {
    let actor = c.actor()?;
    let id = member_id(raw_id)?;
    let m = members::detail(&state.store, actor, id).await?;
    let claims = list_claims(
        &state.store,
        state.clock.as_ref(),
        actor,
        &ClaimQuery {
            org: (actor.role != huzhu_domain::access::Role::Member).then(|| actor.org.clone()),
            member: Some(id),
            limit: 100,
            ..ClaimQuery::default()
        },
    )
    .await?;
    let mut policy_names = std::collections::BTreeMap::new();
    for e in &m.enrolments {
        if !policy_names.contains_key(&e.policy) {
            let p =
                huzhu_app::policies::policy(&state.store, state.clock.as_ref(), &e.policy).await?;
            policy_names.insert(e.policy.clone(), (p.name.clone(), p.name_en.clone()));
        }
    }
    page(&ShowPage {
        c,
        m,
        claims,
        revealed,
        can_reveal: c.can(huzhu_domain::access::Capability::RevealPersonal),
        policy_names,
    })
}

#[derive(Deserialize)]
pub struct RevealForm {
    #[serde(default)]
    reason: String,
}

/// Shows the whole ID number on the member's page, once, for the reason given; the audit log
/// records who saw it, when and why.
pub async fn reveal<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Form(f): Form<RevealForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let member = member_id(&id)?;
        let whole = members::reveal_member_id_number(
            &state.store,
            state.clock.as_ref(),
            actor,
            member,
            &f.reason,
        )
        .await?;
        show_page(&state, &c, &id, Some(whole)).await
    }
    .await;
    finish(&c, r)
}
