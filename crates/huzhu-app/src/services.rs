//! 81890 服务目录 — the service directory (SPEC 7.6; docs/services.md). Staff and unit officers
//! (`ManageServices`) register volunteer teams and their services and take requests through
//! their steps within their subtree; anyone signed in searches the directory; a member requests a
//! service for themselves (an officer for a member of their subtree) and, once it is completed,
//! scores it 1–5. The service centre's figures by org and month come from these records.

use crate::access::{not_found, require};
use crate::{AppError, Clock};
use chrono::NaiveDate;
use huzhu_domain::access::{Actor, Capability, Role};
use huzhu_domain::org::OrgCode;
use huzhu_domain::services::{self as ds, Figures, RequestState, RequestStep, ServiceError};
use huzhu_store::services::{Offer, RequestChange, RequestScope, ServiceRequest, Team};
use huzhu_store::{MemberId, OrgScope, Repo, StoreError};
use std::collections::BTreeMap;

fn scope(actor: &Actor) -> OrgScope {
    OrgScope::Under(actor.org.clone())
}

fn rule(e: ServiceError) -> AppError {
    match e {
        ServiceError::Invalid { field, message } => AppError::invalid(field, message),
        other => AppError::Conflict(other.to_string()),
    }
}

fn request_scope(actor: &Actor) -> RequestScope {
    match (actor.role, actor.member_id) {
        (Role::Member, Some(m)) => RequestScope::Member(MemberId(m)),
        (Role::Member, None) => RequestScope::Member(MemberId(-1)),
        _ => RequestScope::Orgs(scope(actor)),
    }
}

fn missing(what: String) -> impl FnOnce(StoreError) -> AppError {
    move |e| match e {
        StoreError::NotFound(_) => not_found(&what),
        other => other.into(),
    }
}

pub async fn create_team<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    org: Option<&OrgCode>,
    name: &str,
    contact: &str,
) -> Result<Team, AppError> {
    require(actor, Capability::ManageServices)?;
    let name = ds::text("name", name, 100).map_err(rule)?;
    let contact = ds::text("contact", contact, 100).map_err(rule)?;
    let org = org.cloned().unwrap_or_else(|| actor.org.clone());
    store
        .create_team(
            &org,
            &scope(actor),
            &name,
            &contact,
            &actor.username,
            clock.now(),
        )
        .await
        .map_err(missing(format!("组织 {org} (org {org})")))
}

/// What a service is.
#[derive(Debug, Clone)]
pub struct OfferInput {
    pub team: i64,
    pub kind: String,
    pub area: String,
    pub hours: String,
    pub contact: String,
}

pub async fn add_offer<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    input: &OfferInput,
) -> Result<Offer, AppError> {
    require(actor, Capability::ManageServices)?;
    let kind = ds::text("kind", &input.kind, 50).map_err(rule)?;
    let area = ds::text("area", &input.area, 100).map_err(rule)?;
    let hours = ds::text("hours", &input.hours, 100).map_err(rule)?;
    let contact = ds::text("contact", &input.contact, 100).map_err(rule)?;
    store
        .add_offer(
            input.team,
            &scope(actor),
            &kind,
            &area,
            &hours,
            &contact,
            &actor.username,
            clock.now(),
        )
        .await
        .map_err(missing(format!(
            "服务队 {} (team {})",
            input.team, input.team
        )))
}

pub async fn teams<S: Repo>(store: &S, actor: &Actor) -> Result<Vec<Team>, AppError> {
    require(actor, Capability::ReadMembers)?;
    Ok(store.teams(&scope(actor)).await?)
}

/// The directory, searched by kind, area or team (anyone signed in, and the public page).
pub async fn search<S: Repo>(store: &S, q: &str) -> Result<Vec<Offer>, AppError> {
    if q.chars().count() > 50 {
        return Err(AppError::invalid(
            "q",
            "搜索词不超过50字 (q: at most 50 characters)".into(),
        ));
    }
    Ok(store.search_offers(q, 200).await?)
}

/// One service of the directory (public, like the directory itself): the request form names it.
pub async fn offer<S: Repo>(store: &S, id: i64) -> Result<Offer, AppError> {
    store
        .offer(id)
        .await
        .map_err(missing(format!("服务 {id} (service {id})")))
}

/// A request for `member` (a member account: themselves only, whatever it names).
pub async fn request<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    member: Option<MemberId>,
    offer: i64,
    note: &str,
) -> Result<ServiceRequest, AppError> {
    let note = note.trim();
    if note.chars().count() > 500 {
        return Err(AppError::invalid(
            "note",
            "说明不超过500字 (note: at most 500 characters)".into(),
        ));
    }
    let (member, sc) = if actor.role == Role::Member {
        let own = actor
            .member_id
            .map(MemberId)
            .ok_or_else(|| AppError::Forbidden {
                capability: "RequestService".into(),
            })?;
        if member.is_some_and(|m| m != own) {
            return Err(not_found(&format!(
                "会员 {} (member {})",
                member.map(|m| m.0).unwrap_or_default(),
                member.map(|m| m.0).unwrap_or_default()
            )));
        }
        (own, OrgScope::Everything)
    } else {
        require(actor, Capability::ManageServices)?;
        let m = member
            .ok_or_else(|| AppError::invalid("member", "请指定会员 (member is required)".into()))?;
        (m, scope(actor))
    };
    store
        .request_service(
            member,
            &sc,
            offer,
            note,
            clock.today(),
            &actor.username,
            clock.now(),
        )
        .await
        .map_err(missing(format!(
            "会员 {} 或服务 {offer} (member {} or service {offer})",
            member.0, member.0
        )))
}

pub async fn requests<S: Repo>(store: &S, actor: &Actor) -> Result<Vec<ServiceRequest>, AppError> {
    require(actor, Capability::ReadMembers)?;
    Ok(store.service_requests(&request_scope(actor), 500).await?)
}

pub async fn get<S: Repo>(store: &S, actor: &Actor, id: i64) -> Result<ServiceRequest, AppError> {
    store
        .service_request(id, &request_scope(actor))
        .await
        .map_err(missing(format!("服务申请 {id} (service request {id})")))
}

/// What a step carries.
#[derive(Debug, Clone, Default)]
pub struct StepInput {
    pub team: Option<i64>,
    pub reason: Option<String>,
    pub score: Option<i64>,
}

/// Takes `step` on request `id`: accept (by a team), complete, cancel (with a reason) by staff
/// of the subtree; score (1–5) by the member, once completed. An illegal step is 409.
pub async fn step<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    step: RequestStep,
    input: &StepInput,
) -> Result<ServiceRequest, AppError> {
    let rs = request_scope(actor);
    if step == RequestStep::Score {
        if actor.role != Role::Member {
            return Err(AppError::Forbidden {
                capability: "ScoreService: 仅申请的会员本人可评价 (only the member scores)".into(),
            });
        }
    } else {
        require(actor, Capability::ManageServices)?;
    }
    let current = get(store, actor, id).await?;
    let to = ds::transition(current.state, step).map_err(rule)?;
    let score = match step {
        RequestStep::Score => {
            if current.score.is_some() {
                return Err(rule(ServiceError::AlreadyScored));
            }
            Some(ds::score(input.score.unwrap_or(0)).map_err(rule)?)
        }
        _ => None,
    };
    let reason = match step {
        RequestStep::Cancel => {
            Some(ds::text("reason", input.reason.as_deref().unwrap_or(""), 500).map_err(rule)?)
        }
        _ => None,
    };
    let team = match step {
        RequestStep::Accept => {
            let t = input.team.ok_or_else(|| {
                AppError::invalid("team", "请选择受理的服务队 (team is required)".into())
            })?;
            let mine = store.teams(&scope(actor)).await?;
            if !mine.iter().any(|x| x.id == t) {
                return Err(not_found(&format!("服务队 {t} (team {t})")));
            }
            Some(t)
        }
        _ => None,
    };
    store
        .change_request(
            &RequestChange {
                request: id,
                from: current.state,
                to,
                step,
                team,
                reason: reason.as_deref(),
                score,
                by: &actor.username,
                at: clock.now(),
            },
            &rs,
        )
        .await
        .map_err(missing(format!("服务申请 {id} (service request {id})")))
}

/// One row of the figures: an org and a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureRow {
    pub org: String,
    pub month: String,
    pub figures: Figures,
}

/// The figures of the actor's subtree for requests made in `[from, to]`, by org and month.
pub async fn figures<S: Repo>(
    store: &S,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<FigureRow>, AppError> {
    require(actor, Capability::ManageServices)?;
    if to < from {
        return Err(AppError::invalid(
            "to",
            "结束日期早于开始日期 (to is before from)".into(),
        ));
    }
    let facts = store.service_facts(&scope(actor), from, to).await?;
    let all: BTreeMap<(String, String), Figures> = ds::figures(&facts);
    Ok(all
        .into_iter()
        .map(|((org, month), figures)| FigureRow {
            org,
            month,
            figures,
        })
        .collect())
}

/// Labels of a request's state.
pub fn state_words(s: RequestState) -> (&'static str, &'static str) {
    (s.label_zh(), s.label_en())
}

const fn col(
    key: &'static str,
    label_zh: &'static str,
    label_en: &'static str,
) -> crate::stats::Column {
    crate::stats::Column {
        key,
        label_zh,
        label_en,
        kind: crate::stats::ColumnKind::Count,
    }
}

/// The figures as the statistics page's table (chart and Excel export): one row per org and
/// month; rates as whole percent [choice] (the JSON keeps basis points).
pub async fn dashboard<S: Repo>(
    store: &S,
    actor: &Actor,
    rows: &[FigureRow],
) -> Result<crate::stats::Dashboard, AppError> {
    let org_name = huzhu_store::Store::org(store, &actor.org).await?.name;
    let names: BTreeMap<String, String> = huzhu_store::Store::orgs_under(store, Some(&actor.org))
        .await?
        .into_iter()
        .map(|o| (o.code.to_string(), o.name))
        .collect();
    let table = crate::stats::StatTable {
        id: "services_by_org_month",
        title_zh: "81890服务统计",
        title_en: "81890 services by org and month",
        columns: vec![
            col("items", "受理事项", "Items handled"),
            col("people_served", "服务人数", "People served"),
            col("completed", "已完成", "Completed"),
            col("completion_pct", "完成率（%）", "Completion rate (%)"),
            col("scored", "评价数", "Scores given"),
            col("satisfaction_pct", "满意率（%）", "Satisfaction rate (%)"),
        ],
        rows: rows
            .iter()
            .map(|r| crate::stats::StatRow {
                key: format!("{}:{}", r.org, r.month),
                label: format!(
                    "{} {}",
                    names.get(&r.org).cloned().unwrap_or_else(|| r.org.clone()),
                    r.month
                ),
                values: vec![
                    r.figures.items as i64,
                    r.figures.people_served as i64,
                    r.figures.completed as i64,
                    (r.figures.completion_bp() / 100) as i64,
                    r.figures.scored as i64,
                    (r.figures.satisfaction_bp() / 100) as i64,
                ],
            })
            .collect(),
    };
    Ok(crate::stats::Dashboard {
        org: actor.org.to_string(),
        org_name,
        policy: None,
        tables: vec![table],
    })
}
