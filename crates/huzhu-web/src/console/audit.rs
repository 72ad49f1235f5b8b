//! 审计日志: the append-only audit log for auditors and administrators — newest first, a page
//! at a time, filtered by days, the account that acted, the org (a subtree) and the action, and
//! exported to Excel as filtered — within the actor's subtree ([`huzhu_app::audit`] says which
//! entries that is; each export is itself logged).

use super::{download, finish, page, url_encode, Console, Ctx, PageError, PageResult, XLSX};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use huzhu_app::audit::{self, AuditFilter};
use huzhu_app::model::AuditRecord;
use huzhu_app::Backend;
use huzhu_domain::org::OrgCode;
use serde::Deserialize;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/audit", get(show::<S>))
        .route("/audit/export.xlsx", get(export::<S>))
}

const PAGE_SIZE: u32 = 50;

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    org: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    before: Option<i64>,
}

impl AuditQuery {
    /// The org to read under (None: the actor's own) and the filter, or why the form is wrong.
    fn parts(&self) -> Result<(Option<OrgCode>, AuditFilter), PageError> {
        let text = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
        let day = |field: &str, v: &str| {
            text(v)
                .map(|d| {
                    d.parse::<chrono::NaiveDate>().map_err(|_| {
                        PageError::invalid(
                            field,
                            format!("日期“{d}”应为 YYYY-MM-DD (date `{d}` must be YYYY-MM-DD)"),
                        )
                    })
                })
                .transpose()
        };
        let org = text(&self.org)
            .map(|o| OrgCode::parse(&o).map_err(|e| PageError::invalid("org", e.to_string())))
            .transpose()?;
        Ok((
            org,
            AuditFilter {
                action: text(&self.action),
                actor: text(&self.actor),
                from: day("from", &self.from)?,
                to: day("to", &self.to)?,
            },
        ))
    }

    /// The query string of the filter (without `before`).
    fn href(&self, path: &str) -> String {
        format!(
            "{path}?from={}&to={}&actor={}&org={}&action={}",
            url_encode(self.from.trim()),
            url_encode(self.to.trim()),
            url_encode(self.actor.trim()),
            url_encode(self.org.trim()),
            url_encode(self.action.trim())
        )
    }
}

pub struct ActionChoice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "audit/list.html")]
struct AuditPage<'a> {
    c: &'a Ctx,
    /// Document names by id, for the documents a claim was returned for.
    documents: std::collections::BTreeMap<String, (String, Option<String>)>,
    q: AuditQuery,
    actions: Vec<ActionChoice>,
    rows: Vec<AuditRecord>,
    next: Option<String>,
    first_page: Option<String>,
    export: String,
}

impl AuditPage<'_> {
    /// A stored subject or detail in the page's language, document ids named.
    fn shown(&self, text: &str) -> String {
        let text = self.c.words(text);
        let mut out = String::with_capacity(text.len());
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut String| {
            match self.documents.get(word.as_str()) {
                Some((zh, en)) => {
                    out.push_str(self.c.t(zh, en.as_deref().unwrap_or(zh)));
                }
                _ => out.push_str(word),
            }
            word.clear();
        };
        for ch in text.chars() {
            if ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_' {
                word.push(ch);
            } else {
                flush(&mut word, &mut out);
                out.push(ch);
            }
        }
        flush(&mut word, &mut out);
        out
    }

    /// What an action code means, in the page's language ("" for one not known).
    fn action_label(&self, code: &str) -> String {
        audit::action_words(code).map_or_else(String::new, |(zh, en)| {
            self.c.t(zh.as_ref(), en.as_ref()).to_string()
        })
    }

    /// A subject with the kind of object it names in the page's language (`法律援助案件 12`).
    fn subject(&self, text: &str) -> String {
        match audit::subject_words(text) {
            Some((zh, en)) => self.shown(self.c.t(&zh, &en)),
            None => self.shown(text),
        }
    }
}

pub async fn show<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<AuditQuery>,
) -> Response {
    let r = show_page(&state, &c, q).await;
    finish(&c, r)
}

async fn show_page<S: Backend>(state: &AppState<S>, c: &Ctx, q: AuditQuery) -> PageResult {
    let actor = c.actor()?;
    let (org, filter) = q.parts()?;
    let rows = audit::log(
        &state.store,
        actor,
        org.as_ref(),
        q.before,
        &filter,
        PAGE_SIZE,
    )
    .await?;
    let chosen = filter.action.clone().unwrap_or_default();
    let actions = audit::actions(&state.store, actor, org.as_ref())
        .await?
        .into_iter()
        .map(|a| ActionChoice {
            selected: a == chosen,
            label: audit::action_words(&a)
                .map(|(zh, en)| c.t(zh.as_ref(), en.as_ref()).to_string())
                .unwrap_or_else(|| a.clone()),
            value: a,
        })
        .collect();
    let base = q.href("/audit");
    let next = (rows.len() == PAGE_SIZE as usize)
        .then(|| rows.last().map(|r| format!("{base}&before={}", r.id)))
        .flatten();
    let first_page = q.before.is_some().then(|| base.clone());
    let export = q.href("/audit/export.xlsx");
    let documents = huzhu_app::policies::document_names(&state.store, state.clock.as_ref()).await?;
    page(&AuditPage {
        c,
        documents,
        q,
        actions,
        rows,
        next,
        first_page,
        export,
    })
}

/// The log as it is filtered, as an Excel workbook (the export is logged).
pub async fn export<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<AuditQuery>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let (org, filter) = q.parts()?;
        let bytes = audit::export_xlsx(
            &state.store,
            state.clock.as_ref(),
            actor,
            org.as_ref(),
            &filter,
        )
        .await?;
        let within = org.unwrap_or_else(|| actor.org.clone());
        Ok(download(bytes, XLSX, &format!("审计日志-{within}.xlsx")))
    }
    .await;
    finish(&c, r)
}
