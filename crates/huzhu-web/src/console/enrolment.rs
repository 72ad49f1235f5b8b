//! 参保缴费: a unit officer (or federation staff, for a unit in scope) enrols the unit's
//! in-service members for a cycle — by default every one of them, one share of each item the
//! policy offers — inside the enrolment window; the unit's bills; a bill with its lines; and
//! recording that the bill was paid.

use super::{finish, page, redirect, Console, Ctx, PageError, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use huzhu_app::access::{ensure_org_in_scope, members_in_scope, not_found, orgs_in_scope};
use huzhu_app::enrolment::{self, EnrolOutcome, EnrolUnit};
use huzhu_app::members::MemberSummary;
use huzhu_app::model::{Bill, BillId};
use huzhu_app::model::{MemberId, Page};
use huzhu_app::policies;
use huzhu_app::Backend;
use huzhu_domain::access::Capability;
use huzhu_domain::member::EmploymentStatus;
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_domain::policy::Policy;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/enrolment", get(form::<S>).post(enrol::<S>))
        .route("/enrolment/bills/{id}", get(bill::<S>))
        .route("/enrolment/bills/{id}/payment", post(pay::<S>))
}

#[derive(Deserialize, Default)]
pub struct FormQuery {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    policy: String,
}

/// A choice of a select box.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A member of the unit as the form lists them.
pub struct MemberRow {
    pub m: MemberSummary,
    /// Items of this cycle the member is enrolled in already.
    pub enrolled: Vec<String>,
}

/// An item of the policy with its contribution per share.
pub struct ItemRow {
    pub id: String,
    pub name: String,
    pub contribution: i64,
    pub only_for: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "enrolment/form.html")]
struct FormPage<'a> {
    c: &'a Ctx,
    units: Vec<Choice>,
    policies: Vec<Choice>,
    unit: Option<String>,
    policy: Option<Arc<Policy>>,
    window_open: bool,
    items: Vec<ItemRow>,
    members: Vec<MemberRow>,
    not_in_service: usize,
    bills: Vec<Bill>,
    max_shares: u32,
    can_enrol: bool,
}

async fn policy_ids<S: Backend>(state: &AppState<S>) -> Result<BTreeSet<String>, PageError> {
    Ok(policies::enrollable_ids(&state.store).await?)
}

async fn view_policy<S: Backend>(state: &AppState<S>, id: &str) -> Result<Arc<Policy>, PageError> {
    Ok(policies::view(&state.store, state.clock.as_ref(), id).await?)
}

async fn all_members<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
    unit: &OrgCode,
) -> Result<Vec<huzhu_app::model::StoredMember>, PageError> {
    let actor = c.actor()?;
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = members_in_scope(&state.store, actor, unit, Page { after, limit: 1000 }).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        out.extend(page);
    }
    Ok(out)
}

pub async fn form<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<FormQuery>,
) -> Response {
    let r = form_page(&state, &c, q).await;
    finish(&c, r)
}

async fn form_page<S: Backend>(state: &AppState<S>, c: &Ctx, q: FormQuery) -> PageResult {
    let actor = c.actor()?;
    // Finance records payments: it sees the bills here, without the enrolment form.
    let can_enrol = c.can(Capability::Enrol);
    if !can_enrol {
        huzhu_app::access::require(actor, Capability::RecordPayment)?;
    }
    let scope = orgs_in_scope(&state.store, actor, None).await?;
    let grassroots: Vec<_> = scope
        .iter()
        .filter(|o| o.level == OrgLevel::Grassroots)
        .collect();
    let unit = match q.unit.trim() {
        "" if grassroots.len() == 1 => grassroots.first().map(|o| o.code.clone()),
        "" => None,
        raw => Some(OrgCode::parse(raw).map_err(|e| PageError::invalid("unit", e.to_string()))?),
    };
    if let Some(u) = &unit {
        ensure_org_in_scope(&state.store, actor, u).await?;
    }
    let today = c.today;
    let ids = policy_ids(state).await?;
    let mut listed = Vec::new();
    for id in &ids {
        listed.push(view_policy(state, id).await?);
    }
    let chosen_id = match q.policy.trim() {
        "" => listed
            .iter()
            .find(|p| p.enrolment.window.start <= today && today <= p.enrolment.window.end)
            .or_else(|| {
                listed
                    .iter()
                    .find(|p| p.cycle.start <= today && today <= p.cycle.end)
            })
            .or(listed.first())
            .map(|p| p.id.clone()),
        raw => Some(raw.to_string()),
    };
    let policy = match &chosen_id {
        Some(id) => Some(view_policy(state, id).await?),
        None => None,
    };
    let policies = listed
        .iter()
        .map(|p| Choice {
            value: p.id.clone(),
            label: format!(
                "{} · {} {}–{}",
                c.name(&p.name, &p.name_en),
                c.t("参保期", "enrolment"),
                c.date(p.enrolment.window.start),
                c.date(p.enrolment.window.end)
            ),
            selected: Some(&p.id) == chosen_id.as_ref(),
        })
        .collect();
    let units = grassroots
        .iter()
        .take(500)
        .map(|o| Choice {
            value: o.code.to_string(),
            label: format!("{} ({})", o.name, o.code),
            selected: Some(&o.code) == unit.as_ref(),
        })
        .collect();
    let (mut members, mut not_in_service, mut items) = (Vec::new(), 0, Vec::new());
    let mut window_open = false;
    let mut max_shares = 1;
    if let Some(p) = &policy {
        window_open = p.enrolment.window.start <= today && today <= p.enrolment.window.end;
        max_shares = p.enrolment.max_shares.max(1);
        items = p
            .items
            .iter()
            .map(|i| ItemRow {
                id: i.id.clone(),
                name: i.name.clone(),
                contribution: i.contribution.fen(),
                only_for: i.gender.map(|g| match g {
                    huzhu_domain::Gender::Female => c.t("限女性", "women only"),
                    huzhu_domain::Gender::Male => c.t("限男性", "men only"),
                }),
            })
            .collect();
    }
    if let (Some(u), Some(p), true) = (&unit, &policy, can_enrol) {
        let mut enrolled: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for e in enrolment::unit_enrolments(&state.store, c.actor()?, u, &p.id).await? {
            enrolled.entry(e.member.0).or_default().push(e.item);
        }
        for m in all_members(state, c, u).await? {
            let in_service = m.record.status == EmploymentStatus::InService;
            if !in_service {
                not_in_service += 1;
                continue;
            }
            members.push(MemberRow {
                enrolled: enrolled.remove(&m.id.0).unwrap_or_default(),
                m: MemberSummary::of(&m),
            });
        }
    }
    let bills = match &unit {
        Some(u) => enrolment::list_bills(&state.store, actor, Some(u)).await?,
        None => enrolment::list_bills(&state.store, actor, None).await?,
    };
    page(&FormPage {
        c,
        units,
        policies,
        unit: unit.map(|u| u.to_string()),
        policy,
        window_open,
        items,
        members,
        not_in_service,
        bills: bills.into_iter().take(200).collect(),
        max_shares,
        can_enrol,
    })
}

#[derive(Template)]
#[template(path = "enrolment/done.html")]
struct DonePage<'a> {
    c: &'a Ctx,
    out: EnrolOutcome,
}

/// Reads the enrolment form: `unit`, `policy`, `shares_<item>` (0 leaves the item out) and one
/// `member` per member ticked.
fn enrol_request(form: &[(String, String)]) -> Result<EnrolUnit, PageError> {
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let unit =
        OrgCode::parse(&field("unit")).map_err(|e| PageError::invalid("unit", e.to_string()))?;
    let mut items = Vec::new();
    for (k, v) in form {
        let Some(item) = k.strip_prefix("shares_") else {
            continue;
        };
        let shares: u32 = v.trim().parse().map_err(|_| {
            PageError::invalid(
                k,
                format!(
                    "项目 {item} 的份数应为整数 (shares of item {item} must be a whole number)"
                ),
            )
        })?;
        if shares > 0 {
            items.push((item.to_string(), shares));
        }
    }
    let mut members = Vec::new();
    for (k, v) in form {
        if k == "member" {
            let id: i64 = v.parse().map_err(|_| {
                PageError::invalid("member", format!("无效的会员号 (bad member) {v}"))
            })?;
            members.push(MemberId(id));
        }
    }
    if members.is_empty() {
        return Err(PageError::invalid(
            "member",
            "请至少选择一名会员 (tick at least one member)",
        ));
    }
    Ok(EnrolUnit {
        unit,
        policy: field("policy"),
        items,
        members: Some(members),
    })
}

pub async fn enrol<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let req = enrol_request(&form)?;
        let out = enrolment::enrol_unit(&state.store, state.clock.as_ref(), actor, &req).await?;
        page(&DonePage { c: &c, out })
    }
    .await;
    finish(&c, r)
}

/// One item's line of a bill, from the enrolments the bill carries.
#[derive(Default)]
pub struct BillLine {
    pub item: String,
    pub members: u32,
    pub shares: u32,
    pub renewals: u32,
    pub amount: i64,
}

#[derive(Template)]
#[template(path = "enrolment/bill.html")]
struct BillPage<'a> {
    c: &'a Ctx,
    bill: Bill,
    lines: Vec<BillLine>,
    can_pay: bool,
}

fn bill_id(raw: &str) -> Result<BillId, PageError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(BillId)
        .ok_or_else(|| not_found("bill").into())
}

pub async fn bill<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let bill = enrolment::get_bill(&state.store, actor, bill_id(&id)?).await?;
        let unit = OrgCode::parse(&bill.unit).map_err(|_| not_found("bill"))?;
        let mut lines: BTreeMap<String, BillLine> = BTreeMap::new();
        for e in enrolment::unit_enrolments(&state.store, actor, &unit, &bill.policy).await? {
            if e.bill != bill.id {
                continue;
            }
            let l = lines.entry(e.item.clone()).or_insert_with(|| BillLine {
                item: e.item.clone(),
                ..BillLine::default()
            });
            l.members += 1;
            l.shares += e.shares;
            l.renewals += u32::from(e.renewal);
            l.amount += e.contribution.fen();
        }
        page(&BillPage {
            can_pay: bill.status == "unpaid"
                && c.can(Capability::RecordPayment)
                && (bill.payer == bill.unit || c.can(Capability::RecordFederationPayment)),
            c: &c,
            bill,
            lines: lines.into_values().collect(),
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize)]
pub struct PayForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    reference: String,
}

/// Records the bill's payment; the reference kept is the bank's, with the day it arrived.
pub async fn pay<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Form(f): Form<PayForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = bill_id(&id)?;
        let day = NaiveDate::parse_from_str(f.date.trim(), "%Y-%m-%d").map_err(|_| {
            PageError::invalid("date", "到账日期格式应为 2022-03-02 (date as 2022-03-02)")
        })?;
        if day > c.today {
            return Err(PageError::invalid(
                "date",
                "到账日期不能晚于今天 (the date cannot be in the future)",
            ));
        }
        let reference = f.reference.trim();
        if reference.is_empty() {
            return Err(PageError::invalid(
                "reference",
                "须填写付款凭证号 (a payment reference is required)",
            ));
        }
        enrolment::pay_bill(
            &state.store,
            state.clock.as_ref(),
            actor,
            id,
            &format!("{reference} ({day})"),
        )
        .await?;
        Ok(redirect(&format!("/enrolment/bills/{}", id.0)))
    }
    .await;
    finish(&c, r)
}
