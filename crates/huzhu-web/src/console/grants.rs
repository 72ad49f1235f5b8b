//! 救助申请 — the reliefs' pages (SPEC 7.3, issue 15; docs/grants.md): the list with filters
//! (programme, state, org) in the actor's subtree, the apply form with the programme's facts, a
//! grant's page with the engine's decision line by line, the approval level and the steps the
//! signed-in account may take, the printable notice 救助决定书, the member's own grants on their
//! phone, and the funds 资金 with their appropriations.
//!
//! Every step goes through `huzhu_app::grant`, which checks capability, scope and the domain's
//! rule; this module only chooses which buttons to show, asking the same rule
//! ([`huzhu_domain::grant::transition`]).

use super::archive::{FactsForm, Words as ArchiveWords, PEOPLE_ROWS};
use super::decision::{DecisionForm, RefusalForm};
use super::{finish, page, redirect, Console, Ctx, PageError};
use crate::AppState;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use huzhu_app::grant::{self, Applied, ApplyRequest, Notice};
use huzhu_app::model::{FundBalance, FundDeposit, Grant, GrantFilter, GrantId, MemberId};
use huzhu_app::Backend;
use huzhu_domain::access::{Actor, Capability, Role};
use huzhu_domain::grant::{FundKind, GrantAction, GrantActor, GrantState};
use huzhu_domain::money::Money;
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_domain::personal::{mask_id_numbers_in, mask_middle};
use huzhu_domain::programme::{self, ConditionRule, Programme, ProgrammeKind};
use serde::Deserialize;
use std::sync::OnceLock;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/grants", get(list::<S>).post(apply::<S>))
        .route("/grants/new", get(new_form))
        .route("/grants/{id}", get(detail::<S>))
        .route("/grants/{id}/notice", get(notice::<S>))
        // grant documents (issue 15): hand one in, open one
        .route(
            "/grants/{id}/documents",
            post(add_document::<S>).layer(DefaultBodyLimit::max(DOCUMENT_FORM_LIMIT)),
        )
        .route("/grants/{id}/documents/{doc}", get(document::<S>))
        .route("/grants/{id}/{step}", post(take_step::<S>))
        .route("/my-grants", get(mine::<S>))
        .route("/funds", get(funds::<S>))
        .route("/funds/{fund}/deposits", post(deposit::<S>))
}

/// The built-in programmes, parsed once.
fn programmes() -> &'static [Programme] {
    static ALL: OnceLock<Vec<Programme>> = OnceLock::new();
    ALL.get_or_init(|| {
        programme::builtin_names()
            .filter_map(|n| programme::builtin(n).and_then(Result::ok))
            .collect()
    })
}

fn programme_of(id: &str) -> Option<&'static Programme> {
    programmes().iter().find(|p| p.id == id)
}

/// The reliefs an officer applies for, in the order the form offers them.
fn reliefs() -> impl Iterator<Item = &'static Programme> {
    programmes()
        .iter()
        .filter(|p| p.kind == ProgrammeKind::Relief)
}

/// The words of a grant's programme, state, fund, level and refusals.
pub struct Words<'a>(pub &'a Ctx);

impl Words<'_> {
    pub fn programme(&self, id: &str) -> String {
        match programme_of(id) {
            Some(p) => self.0.name(&p.name, &p.name_en).to_string(),
            None => self.0.t("其他帮扶项目", "another programme").to_string(),
        }
    }
    pub fn state(&self, s: &GrantState) -> String {
        let (zh, en) = s.words();
        self.0.t(zh, en).to_string()
    }
    pub fn fund(&self, f: &FundKind) -> String {
        let (zh, en) = f.words();
        self.0.t(zh, en).to_string()
    }
    /// 区县级或以上 — who may approve.
    pub fn level(&self, l: &OrgLevel) -> String {
        match self.0.lang {
            super::Lang::Zh => format!("{}级或以上", l.label_zh()),
            super::Lang::En => format!("the {} level or above", l.label_en()),
        }
    }
    /// A stored reason in words: each `code: text` of the engine or the store with the code's
    /// words; a person's reason as written.
    pub fn reason(&self, raw: &str) -> String {
        mask_id_numbers_in(raw)
            .split("; ")
            .map(|part| match part.split_once(": ") {
                Some((code, rest)) if refusal_words(code).is_some() => {
                    let (zh, en) = refusal_words(code).unwrap_or_default();
                    format!("{}：{}", self.0.t(zh, en), self.0.words(rest))
                }
                _ => self.0.words(part),
            })
            .collect::<Vec<_>>()
            .join("；")
    }
    /// A refusal code in words.
    pub fn refusal(&self, code: &str) -> String {
        match refusal_words(code) {
            Some((zh, en)) => self.0.t(zh, en).to_string(),
            None => self.0.t("不符合条件", "not eligible").to_string(),
        }
    }
}

/// SPEC 11's refusal codes and huzhu's additions, in words.
fn refusal_words(code: &str) -> Option<(&'static str, &'static str)> {
    Some(match code {
        "not_archived" => ("未建档", "not in the hardship archive"),
        "archive_inactive" => ("档案不在有效期", "the archive record is not active"),
        "category_not_covered" => ("困难类别不在救助范围", "category not covered"),
        "income_above_line" => ("收入高于困难标准", "income above the line"),
        "employment_too_short" => ("在本市就业时间不足", "employed in the city too briefly"),
        "not_in_list" => ("不在救助范围", "not in the list"),
        "below_threshold" => ("自付费用未达起付标准", "out-of-pocket below the threshold"),
        "no_student" => ("家庭没有在学学生", "no student in the household"),
        "no_dialysis" => ("家庭没有透析病人", "no dialysis patient in the household"),
        "already_granted" => ("已获同一救助", "already granted"),
        "cap_reached" => ("超过年度救助上限", "yearly cap reached"),
        "amount_out_of_range" => ("申请金额超出范围", "amount out of range"),
        "too_many_grants" => ("超过年度救助次数", "too many grants this year"),
        "too_few_donations" => ("捐赠次数不足", "too few donations"),
        "no_illness" => ("本年度无重大疾病诊断", "no diagnosis in the year"),
        "outside_window" => ("不在活动期间", "outside the window"),
        "fund_exhausted" => ("资金余额不足", "the fund holds too little"),
        _ => return None,
    })
}

/// The subject's ID number, masked; the key with it masked.
fn masked_subject(g: &Grant) -> String {
    mask_middle(&g.subject_id_number, 4, 4)
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    programme: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    org: String,
}

#[derive(Template)]
#[template(path = "grants/list.html")]
struct ListPage<'a> {
    c: &'a Ctx,
    w: Words<'a>,
    list: Vec<Grant>,
    q: ListQuery,
    can_apply: bool,
    can_funds: bool,
}

fn selected(a: &str, b: &str) -> &'static str {
    if a == b {
        " selected"
    } else {
        ""
    }
}

impl ListPage<'_> {
    fn programme_options(&self) -> Vec<(String, String, &'static str)> {
        programmes()
            .iter()
            .filter(|p| p.kind != ProgrammeKind::Archive)
            .map(|p| {
                (
                    p.id.clone(),
                    self.w.programme(&p.id),
                    selected(&self.q.programme, &p.id),
                )
            })
            .collect()
    }
    fn state_options(&self) -> Vec<(&'static str, String, &'static str)> {
        GrantState::ALL
            .iter()
            .map(|s| (s.code(), self.w.state(s), selected(&self.q.state, s.code())))
            .collect()
    }
    fn org_options(&self) -> Vec<(String, String, &'static str)> {
        self.c
            .org_names
            .iter()
            .map(|(code, name)| (code.clone(), name.clone(), selected(&self.q.org, code)))
            .collect()
    }
    fn subject(&self, g: &Grant) -> String {
        masked_subject(g)
    }
}

pub async fn list<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<ListQuery>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let states = match q.state.trim() {
            "" => Vec::new(),
            raw => vec![GrantState::parse(raw)
                .ok_or_else(|| PageError::invalid("state", "未知状态 (unknown state)"))?],
        };
        let org = match q.org.trim() {
            "" => None,
            raw => Some(
                OrgCode::parse(raw)
                    .map_err(|_| PageError::invalid("org", "组织代码无效 (unknown org)"))?,
            ),
        };
        let filter = GrantFilter {
            states,
            programme: (!q.programme.trim().is_empty()).then(|| q.programme.trim().to_string()),
            limit: 500,
            ..Default::default()
        };
        let mut list = grant::list_in(&state.store, actor, org.as_ref(), &filter).await?;
        list.reverse();
        page(&ListPage {
            c: &c,
            w: Words(&c),
            list,
            can_apply: can_apply(actor),
            can_funds: can_see_funds(actor),
            q,
        })
    }
    .await;
    finish(&c, r)
}

fn can_apply(a: &Actor) -> bool {
    a.role != Role::Member && a.can(Capability::SubmitClaim)
}

/// Who sees the funds page (the app's rule for `grant::funds`).
pub fn can_see_funds(a: &Actor) -> bool {
    a.can(Capability::ReadLedger) || a.can(Capability::ApproveClaims)
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    programme: String,
}

/// A diagnosis the major-illness form offers: code, name.
type Disease = (String, String);

#[derive(Template)]
#[template(path = "grants/new.html")]
struct NewPage<'a> {
    c: &'a Ctx,
    w: Words<'a>,
    aw: ArchiveWords<'a>,
    p: &'static Programme,
    rows: Vec<usize>,
    diseases: Vec<Disease>,
}

impl NewPage<'_> {
    fn relief_options(&self) -> Vec<(String, String, &'static str)> {
        reliefs()
            .map(|r| {
                (
                    r.id.clone(),
                    self.w.programme(&r.id),
                    selected(&self.p.id, &r.id),
                )
            })
            .collect()
    }
    fn needs(&self, what: &str) -> bool {
        needs(self.p, what)
    }
    fn doc_name(&self, d: &programme::Document) -> String {
        self.c.name(&d.name, &d.name_en).to_string()
    }
}

/// Which facts a programme reads: `household`, `archive`, `medical`, `requested`.
fn needs(p: &Programme, what: &str) -> bool {
    p.conditions.iter().any(|c| {
        matches!(
            (what, &c.rule),
            ("household", ConditionRule::HasDialysisPatient)
                | ("household", ConditionRule::HasStudent { .. })
                | ("archive", ConditionRule::ArchiveActive { .. })
                | ("medical", ConditionRule::DiagnosisInList { .. })
                | ("medical", ConditionRule::OutOfPocketAtLeast { .. })
                | ("requested", ConditionRule::RequestedBetween { .. })
        )
    }) || (what == "archive"
        && p.amounts
            .iter()
            .any(|a| matches!(a.rule, programme::AmountKind::CategoryUplift { .. })))
}

/// The diseases a programme's diagnosis condition lists, with their policy names.
fn diseases(p: &Programme) -> Vec<Disease> {
    let mut out = Vec::new();
    for c in &p.conditions {
        if let ConditionRule::DiagnosisInList { policy, codes, .. } = &c.rule {
            let Some(Ok(pol)) = huzhu_domain::policy::builtin(policy) else {
                continue;
            };
            for code in codes {
                let name = pol.disease_name(code).unwrap_or(code).to_string();
                out.push((code.clone(), name));
            }
        }
    }
    out
}

pub async fn new_form(Console(c): Console, Query(q): Query<NewQuery>) -> Response {
    let r = async {
        let actor = c.actor()?;
        if !can_apply(actor) {
            return Err(PageError::from(huzhu_app::AppError::Forbidden {
                capability: "ApplyForRelief".into(),
            }));
        }
        let p = match q.programme.trim() {
            "" => reliefs().next(),
            id => reliefs().find(|p| p.id == id),
        }
        .ok_or_else(|| PageError::invalid("programme", "未知的帮扶项目 (unknown programme)"))?;
        page(&NewPage {
            c: &c,
            w: Words(&c),
            aw: ArchiveWords(&c),
            p,
            rows: (0..PEOPLE_ROWS).collect(),
            diseases: diseases(p),
        })
    }
    .await;
    finish(&c, r)
}

/// The apply form: the programme, the member's ID number, the facts the programme reads.
#[derive(Deserialize, Default)]
pub struct ApplyForm {
    #[serde(default)]
    programme: String,
    #[serde(default)]
    member_id_number: String,
    #[serde(default)]
    requested: String,
    #[serde(default)]
    archive_category: String,
    #[serde(default)]
    archive_since: String,
    #[serde(default)]
    disease: String,
    #[serde(default)]
    diagnosed_on: String,
    #[serde(default)]
    total_cost: String,
    #[serde(default)]
    insurance_paid: String,
    #[serde(default)]
    mutual_aid_paid: String,
    /// `doc_<id>` = on for each document handed in, and the household's fields and people.
    #[serde(flatten)]
    household: FactsForm,
}

fn yuan(field: &str, raw: &str) -> Result<i64, PageError> {
    super::archive::fen(field, raw)
}

impl ApplyForm {
    /// SPEC 11's case facts from the form, for the programme's needs.
    fn facts(
        &self,
        p: &Programme,
    ) -> Result<serde_json::Map<String, serde_json::Value>, PageError> {
        use serde_json::json;
        let mut f = serde_json::Map::new();
        if needs(p, "household") {
            let h = self.household.facts()?;
            f.insert("household".into(), grant::household_case(&h));
        }
        if needs(p, "archive") {
            let category = self.archive_category.trim();
            let archive = if category.is_empty() {
                serde_json::Value::Null
            } else {
                let since = self.archive_since.trim();
                json!({"category": category, "active": true,
                       "since": if since.is_empty() { serde_json::Value::Null } else { json!(since) }})
            };
            f.insert("archive".into(), archive);
        }
        if needs(p, "medical") {
            f.insert(
                "medical".into(),
                json!({
                    "diagnoses": if self.disease.trim().is_empty() { json!([]) } else {
                        json!([{"disease": self.disease.trim(), "date": self.diagnosed_on.trim()}])
                    },
                    "total_cost_fen": yuan("total_cost", &self.total_cost)?,
                    "insurance_paid_fen": yuan("insurance_paid", &self.insurance_paid)?,
                    "mutual_aid_paid_fen": yuan("mutual_aid_paid", &self.mutual_aid_paid)?,
                }),
            );
        }
        if needs(p, "requested") {
            f.insert(
                "requested_fen".into(),
                json!(yuan("requested", &self.requested)?),
            );
        }
        let handed_in: Vec<&str> = p
            .documents
            .iter()
            .filter(|d| {
                self.household
                    .rows
                    .get(&format!("doc_{}", d.id))
                    .is_some_and(|v| v == "on")
            })
            .map(|d| d.id.as_str())
            .collect();
        f.insert("documents".into(), json!(handed_in));
        Ok(f)
    }
}

pub async fn apply<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Form(f): Form<ApplyForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let p = reliefs()
            .find(|p| p.id == f.programme.trim())
            .ok_or_else(|| PageError::invalid("programme", "未知的帮扶项目 (unknown programme)"))?;
        let member = grant::applicant(&state.store, actor, &f.member_id_number).await?;
        let out = grant::apply(
            &state.store,
            state.clock.as_ref(),
            actor,
            ApplyRequest {
                programme: p.id.clone(),
                member,
                facts: f.facts(p)?,
            },
        )
        .await?;
        let first = out
            .first()
            .map(|a: &Applied| a.grant().id.0)
            .ok_or_else(|| PageError::invalid("programme", "没有受助对象 (no subject)"))?;
        Ok(redirect(&format!("/grants/{first}")))
    }
    .await;
    finish(&c, r)
}

/// A line of the decision as the page shows it.
pub struct Line {
    pub clause: String,
    pub explain: String,
    pub amount: Money,
}

/// One dated step of a grant's life.
pub struct Event {
    pub at: chrono::DateTime<chrono::Utc>,
    pub what: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "grants/detail.html")]
struct DetailPage<'a> {
    c: &'a Ctx,
    w: Words<'a>,
    g: Grant,
    subject: String,
    lines: Vec<Line>,
    refusals: Vec<(String, Line)>,
    missing: Vec<String>,
    /// Documents handed in since the application was made.
    documents: Vec<HandedIn>,
    /// The hand-in form's choices, when the actor may hand one in: the missing ones first.
    doc_choices: Vec<DocChoice>,
    /// The confirmation after a document was handed in: its name.
    added: Option<String>,
    events: Vec<Event>,
    can_check: bool,
    can_refuse: bool,
    can_withdraw: bool,
    /// Approve or refuse a checked grant: the pending-decision form.
    decision: Option<DecisionForm>,
}

/// A document handed in, as the page lists it.
pub struct HandedIn {
    pub id: i64,
    pub name: String,
    pub file_name: String,
    pub size_kib: i64,
    pub by: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// One choice of the hand-in form: the document id, its name, whether it is missing.
pub struct DocChoice {
    pub id: String,
    pub name: String,
    pub missing: bool,
}

/// The hand-in form carries one file of at most 10 MiB and a few fields.
const DOCUMENT_FORM_LIMIT: usize = huzhu_app::documents::MAX_DOCUMENT_BYTES + 64 * 1024;

/// Whether `actor` may hand a document in to `g`: the applying side (not a member) while the
/// application waits (the app checks it again).
fn can_hand_in(actor: &Actor, g: &Grant) -> bool {
    actor.role != Role::Member
        && actor.can(Capability::SubmitClaim)
        && huzhu_domain::grant::documents_open(g.state).is_ok()
}

/// The steps `actor` may take on `g`, by the domain's rule and the app's capabilities.
fn allowed(actor: &Actor, g: &Grant, action: &GrantAction, capability: Capability) -> bool {
    if actor.role == Role::Member || !actor.can(capability) {
        return false;
    }
    let who = GrantActor {
        level: actor.org_level,
        applied_it: g.applied_by == actor.username,
    };
    huzhu_domain::grant::transition(g.state, action, who, g.approval_level).is_ok()
}

fn refuse_action() -> GrantAction {
    GrantAction::Refuse {
        reason: "—".into()
    }
}

/// The lines (or refusals) of the pinned assessment that concern this grant.
fn decision_lines(c: &Ctx, n: &Notice) -> Vec<Line> {
    n.lines
        .iter()
        .map(|l| Line {
            clause: l.clause.clone(),
            explain: mask_id_numbers_in(&c.words(&l.explain)),
            amount: l.amount,
        })
        .collect()
}

fn refusals(g: &Grant) -> Vec<(String, Line)> {
    let a: serde_json::Value = serde_json::from_str(&g.assessment).unwrap_or_default();
    a["refusals"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r["reason"].as_str().unwrap_or_default().to_string(),
                Line {
                    clause: r["clause"].as_str().unwrap_or_default().to_string(),
                    explain: mask_id_numbers_in(r["explain"].as_str().unwrap_or_default()),
                    amount: Money::from_fen(0),
                },
            )
        })
        .collect()
}

fn events(c: &Ctx, w: &Words<'_>, g: &Grant) -> Vec<Event> {
    let mut v = vec![Event {
        at: g.applied_at,
        what: c.t("申请", "Applied").to_string(),
        by: g.applied_by.clone(),
    }];
    if let (Some(at), Some(by)) = (g.checked_at, &g.checked_by) {
        v.push(Event {
            at,
            what: c.t("街道审核", "Checked by the street").to_string(),
            by: by.clone(),
        });
    }
    if let (Some(at), Some(by)) = (g.decided_at, &g.decided_by) {
        let what = match g.state {
            GrantState::Refused | GrantState::Withdrawn => w.state(&g.state),
            _ => c.t("批准", "Approved").to_string(),
        };
        v.push(Event {
            at,
            what,
            by: by.clone(),
        });
    }
    v
}

fn grant_id(raw: &str) -> Result<GrantId, PageError> {
    raw.parse()
        .map(GrantId)
        .map_err(|_| PageError::invalid("id", "编号应为数字 (the id is a number)"))
}

#[derive(Deserialize, Default)]
pub struct DetailQuery {
    /// The document just handed in (its id), for the confirmation.
    #[serde(default)]
    added: String,
}

pub async fn detail<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let g = grant::get(&state.store, actor, grant_id(&id)?).await?;
        let documents = grant::documents(&state.store, actor, g.id)
            .await?
            .into_iter()
            .map(|d| {
                let (zh, en) = grant::document_name(&g.programme_id, &d.kind);
                HandedIn {
                    id: d.id,
                    name: c.t(&zh, &en).to_string(),
                    file_name: d.file_name,
                    size_kib: (d.size + 1023) / 1024,
                    by: d.uploaded_by,
                    at: d.uploaded_at,
                }
            })
            .collect();
        let missing_ids = grant::missing_document_ids(&g);
        let doc_choices = if can_hand_in(actor, &g) {
            let mut v: Vec<DocChoice> = grant::programme_documents(&g.programme_id)
                .into_iter()
                .map(|(id, zh, en)| DocChoice {
                    missing: missing_ids.contains(&id),
                    name: c.t(&zh, &en).to_string(),
                    id,
                })
                .collect();
            // The missing ones first, each group in the programme file's order.
            v.sort_by_key(|d| !d.missing);
            v
        } else {
            Vec::new()
        };
        let added = (!q.added.is_empty())
            .then(|| {
                let (zh, en) = grant::document_name(&g.programme_id, &q.added);
                grant::programme_documents(&g.programme_id)
                    .iter()
                    .any(|(k, _, _)| *k == q.added)
                    .then(|| c.t(&zh, &en).to_string())
            })
            .flatten();
        let w = Words(&c);
        let n = grant::notice_of(&g);
        let lines = if g.state == GrantState::Refused {
            Vec::new()
        } else {
            decision_lines(&c, &n)
        };
        let missing = grant::missing_documents(&g)
            .into_iter()
            .map(|(zh, en)| c.t(&zh, &en).to_string())
            .collect();
        let can_approve = allowed(actor, &g, &GrantAction::Approve, Capability::ApproveClaims);
        let can_refuse = allowed(actor, &g, &refuse_action(), Capability::HandleClaims);
        let decision = (g.state == GrantState::Checked
            && (can_approve || can_refuse || g.applied_by == actor.username))
            .then(|| DecisionForm {
                path: format!("/grants/{}", g.id.0),
                id: g.id.0,
                own: g.applied_by == actor.username,
                can_confirm: can_approve,
                confirm_prompt: (
                    "批准这笔救助并从资金中列支？",
                    "Approve this relief and take it from the fund?",
                ),
            });
        page(&DetailPage {
            c: &c,
            subject: masked_subject(&g),
            refusals: refusals(&g),
            events: events(&c, &w, &g),
            can_check: allowed(actor, &g, &GrantAction::Check, Capability::HandleClaims),
            can_refuse: can_refuse && g.state == GrantState::Applied,
            can_withdraw: allowed(actor, &g, &GrantAction::Withdraw, Capability::SubmitClaim),
            decision,
            lines,
            missing,
            documents,
            doc_choices,
            added,
            w,
            g,
        })
    }
    .await;
    finish(&c, r)
}

pub async fn take_step<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path((id, step)): Path<(String, String)>,
    Form(f): Form<RefusalForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = grant_id(&id)?;
        let (s, clock) = (&state.store, state.clock.as_ref());
        match step.as_str() {
            "check" => grant::check(s, clock, actor, id).await?,
            // The decision form's confirm is the approval.
            "approve" | "confirm" => grant::approve(s, clock, actor, id).await?,
            "refuse" => grant::refuse(s, clock, actor, id, &f.reason).await?,
            "withdraw" => grant::withdraw(s, clock, actor, id).await?,
            _ => {
                return Err(PageError::invalid(
                    "step",
                    "没有这一步骤 (there is no such step)",
                ))
            }
        };
        Ok(redirect(&format!("/grants/{}", id.0)))
    }
    .await;
    finish(&c, r)
}

/// 补交材料 — the grant page's hand-in form (multipart: `_csrf`, `kind`, `file`): the document
/// goes through `huzhu_app::grant::add_document`, and the page shows it handed in. A mistake (no
/// file, a file too large or not a JPEG, PNG or PDF, a decided application) is the error page
/// naming it, and nothing is kept.
pub async fn add_document<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    mp: Multipart,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = grant_id(&id)?;
        let (kind, file_name, bytes) = read_document_form(mp).await?;
        let (_, doc) = grant::add_document(
            &state.store,
            state.clock.as_ref(),
            actor,
            id,
            &kind,
            &file_name,
            bytes,
        )
        .await?;
        Ok(redirect(&format!(
            "/grants/{}?added={}#documents",
            id.0, doc.kind
        )))
    }
    .await;
    finish(&c, r)
}

/// Reads the hand-in form: the document kind and the one file, refusing a file over the limit
/// while it is read.
async fn read_document_form(mut mp: Multipart) -> Result<(String, String, Vec<u8>), PageError> {
    use huzhu_app::documents::MAX_DOCUMENT_BYTES;
    let too_large = || {
        PageError::invalid(
            "file",
            format!(
                "文件过大，不超过 {} MB (file too large: at most {} MB)",
                MAX_DOCUMENT_BYTES / 1024 / 1024,
                MAX_DOCUMENT_BYTES / 1024 / 1024
            ),
        )
    };
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            PageError::invalid(
                "file",
                format!(
                    "表单无法读取 (the form could not be read): {}",
                    e.body_text()
                ),
            )
        }
    };
    let mut kind = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(mut field) = mp.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "kind" => kind = field.text().await.map_err(unreadable)?,
            "file" => {
                let name = field.file_name().unwrap_or_default().to_string();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                    if bytes.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                        return Err(too_large());
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    match file {
        Some((name, bytes)) if !(name.is_empty() && bytes.is_empty()) => Ok((kind, name, bytes)),
        _ => Err(PageError::invalid(
            "file",
            "请选择要上传的文件 (choose a file to upload)",
        )),
    }
}

#[derive(Deserialize, Default)]
pub struct DocumentQuery {
    #[serde(default)]
    download: String,
}

/// A document handed in to a grant: shown in the browser (an image or a PDF), or downloaded.
pub async fn document<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path((id, doc)): Path<(String, String)>,
    Query(q): Query<DocumentQuery>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = grant_id(&id)?;
        let doc: i64 = doc
            .parse()
            .map_err(|_| PageError::from(huzhu_app::access::not_found("材料 (document)")))?;
        let (d, bytes) = grant::document_file(&state.store, actor, id, doc).await?;
        let content_type: &'static str = match d.content_type.as_str() {
            "image/jpeg" => "image/jpeg",
            "image/png" => "image/png",
            "application/pdf" => "application/pdf",
            _ => "application/octet-stream",
        };
        Ok(
            if q.download.is_empty() && content_type != "application/octet-stream" {
                super::shown_inline(bytes, content_type, &d.file_name)
            } else {
                super::download(bytes, content_type, &d.file_name)
            },
        )
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "grants/notice.html")]
struct NoticePage<'a> {
    c: &'a Ctx,
    w: Words<'a>,
    g: Grant,
    n: Notice,
    lines: Vec<Line>,
    subject: String,
    /// Where "back" goes: the member's list or the grant's page.
    back: String,
    federation: String,
}

impl NoticePage<'_> {
    fn decided(&self) -> bool {
        matches!(
            self.g.state,
            GrantState::Approved | GrantState::InBatch | GrantState::Paid | GrantState::Refused
        )
    }
    fn pays(&self) -> bool {
        self.decided() && self.g.state != GrantState::Refused
    }
}

pub async fn notice<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let g = grant::get(&state.store, actor, grant_id(&id)?).await?;
        let n = grant::notice_of(&g);
        let back = if actor.role == Role::Member {
            "/my-grants".to_string()
        } else {
            format!("/grants/{}", g.id.0)
        };
        let federation = c
            .org_names
            .iter()
            .find(|(code, _)| !code.contains('-'))
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| c.t("工会", "The trade union").to_string());
        page(&NoticePage {
            lines: decision_lines(&c, &n),
            subject: masked_subject(&g),
            w: Words(&c),
            c: &c,
            back,
            federation,
            g,
            n,
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "grants/mine.html")]
struct MinePage<'a> {
    c: &'a Ctx,
    w: Words<'a>,
    list: Vec<Grant>,
}

/// 我的救助 — the member's own grants, on their phone.
pub async fn mine<S: Backend>(State(state): State<AppState<S>>, Console(c): Console) -> Response {
    let r = async {
        let actor = c.actor()?;
        let me = actor.member_id.ok_or_else(|| {
            PageError::from(huzhu_app::AppError::Forbidden {
                capability: "MemberOnly".into(),
            })
        })?;
        let list = grant::member_grants(&state.store, actor, MemberId(me)).await?;
        page(&MinePage {
            c: &c,
            w: Words(&c),
            list,
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "grants/funds.html")]
struct FundsPage<'a> {
    c: &'a Ctx,
    w: Words<'a>,
    funds: Vec<FundBalance>,
    deposits: Vec<FundDeposit>,
    can_deposit: bool,
}

pub async fn funds<S: Backend>(State(state): State<AppState<S>>, Console(c): Console) -> Response {
    let r = async {
        let actor = c.actor()?;
        let funds = grant::funds(&state.store, actor).await?;
        let deposits = grant::deposits(&state.store, actor, 200).await?;
        page(&FundsPage {
            c: &c,
            w: Words(&c),
            funds,
            deposits,
            can_deposit: actor.can(Capability::ManagePayouts),
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct DepositForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reference: String,
}

pub async fn deposit<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(fund): Path<String>,
    Form(f): Form<DepositForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let fund = grant::fund(&fund)?;
        let amount = Money::from_fen(yuan("amount", &f.amount)?);
        grant::deposit(
            &state.store,
            state.clock.as_ref(),
            actor,
            fund,
            amount,
            &f.reference,
        )
        .await?;
        Ok(redirect("/funds"))
    }
    .await;
    finish(&c, r)
}
