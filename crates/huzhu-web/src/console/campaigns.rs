//! 两节送温暖 — the care campaigns' pages (SPEC 7.4, issue 15): the campaigns with the form that
//! opens one; a campaign's page with its recipients (masked ID, org names, cash in 元 with the
//! clause, gift pack, visit, grant state), the buttons that list from the archive and from tags,
//! the form that adds by hand with a reason, and the cash grant with its total and the fund's
//! balance shown before confirming. What a listing did — a refused duplicate naming the first
//! listing's org — is said in words on the page it returns to.

use super::archive::{date, fen, record_id};
use super::{finish, page, redirect, Console, Ctx, PageError, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use huzhu_app::campaign::{self, ArchiveListed, GrantPreview};
use huzhu_app::model::{Campaign, CampaignGranted, Listed, Recipient};
use huzhu_app::Backend;
use huzhu_domain::access::Capability;
use huzhu_domain::grant::FundKind;
use huzhu_domain::money::Money;
use huzhu_domain::personal::mask_middle;
use huzhu_domain::programme;
use serde::Deserialize;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/campaigns", get(list::<S>).post(create::<S>))
        .route("/campaigns/{id}", get(detail::<S>))
        .route("/campaigns/{id}/from-archive", post(from_archive::<S>))
        .route("/campaigns/{id}/from-tags", post(from_tags::<S>))
        .route("/campaigns/{id}/recipients", post(add::<S>))
        .route("/campaigns/{id}/grant", post(grant::<S>))
        .route(
            "/campaigns/{id}/recipients/{recipient}/{step}",
            post(recipient_step::<S>),
        )
}

fn say(c: &Ctx, zh: String, en: String) -> String {
    c.t(&zh, &en).to_string()
}

/// The campaign's name as the page's language has it (the programme's English name).
fn title(c: &Ctx, campaign: &Campaign) -> String {
    let en = programme::builtin(&campaign.programme_id)
        .and_then(Result::ok)
        .and_then(|p| p.name_en);
    c.name(&campaign.name, &en).to_string()
}

fn org_name(c: &Ctx, code: &str) -> String {
    c.org_names
        .get(code)
        .cloned()
        .unwrap_or_else(|| c.t("其他组织", "another organisation").to_string())
}

fn state_words(c: &Ctx, state: &str) -> String {
    match state {
        "open" => c.t("进行中", "open"),
        _ => c.t("已结束", "closed"),
    }
    .to_string()
}

fn basis_words(c: &Ctx, basis: &str) -> String {
    match basis {
        "archive" => c.t("困难职工档案", "hardship archive"),
        "tag" => c.t("会员标签", "member tags"),
        _ => c.t("手工添加", "added by hand"),
    }
    .to_string()
}

/// A programme refusal's words (`category_not_covered` …), never its code.
fn refusal_words(c: &Ctx, code: &str) -> String {
    match code {
        "category_not_covered" => c.t("困难类别不在本活动范围", "category not covered"),
        "outside_window" => c.t("不在活动期间", "outside the campaign's window"),
        "not_in_list" => c.t(
            "既无有效档案也无名单标签",
            "no active record and no listed tag",
        ),
        "archive_inactive" => c.t("档案未生效", "archive record inactive"),
        "already_granted" => c.t("本活动已发放过", "granted in this campaign already"),
        _ => c.t("不符合活动条件", "not eligible"),
    }
    .to_string()
}

/// One recipient as the page shows them.
struct Row {
    id: i64,
    member: i64,
    name: String,
    id_number: String,
    unit: String,
    listed_by: String,
    basis: String,
    cash_fen: i64,
    /// The rule's clause (the programme's), or the officer's reason when added by hand.
    why: String,
    /// The whole stored reason, for the cell's title.
    reason: String,
    gift: String,
    gift_due: bool,
    visit: Option<String>,
    grant: String,
}

impl Row {
    fn of(c: &Ctx, r: Recipient) -> Row {
        let why = if r.basis == "manual" {
            r.reason.clone()
        } else {
            // "two-festivals-2026 2.1 取最高 …": the clause is the first two words.
            r.reason.split(' ').take(2).collect::<Vec<_>>().join(" ")
        };
        let gift = match (r.gift_pack, r.gift_handed_at) {
            (false, _) => "—".to_string(),
            (true, None) => c.t("待发放", "to hand out").to_string(),
            (true, Some(at)) => format!("{} {}", c.t("已发放", "handed out"), c.datetime(&at)),
        };
        let grant = match (r.grant, r.grant_state) {
            (Some(g), Some(s)) => format!("#{} {}", g.0, c.t(s.words().0, s.words().1)),
            _ if r.cash.fen() > 0 => c.t("未发放", "not granted").to_string(),
            _ => "—".to_string(),
        };
        Row {
            id: r.id,
            member: r.member.0,
            name: r.member_name,
            id_number: mask_middle(&r.id_number, 4, 4),
            unit: r.unit_name,
            listed_by: format!("{} · {}", r.listed_by_org_name, r.listed_by),
            basis: basis_words(c, &r.basis),
            cash_fen: r.cash.fen(),
            why,
            reason: r.reason,
            gift_due: r.gift_pack && r.gift_handed_at.is_none(),
            gift,
            visit: r
                .visit_date
                .map(|d| format!("{} {}", c.date(d), r.visitor.unwrap_or_default())),
            grant,
        }
    }
}

#[derive(Template)]
#[template(path = "campaigns/list.html")]
struct ListPage<'a> {
    c: &'a Ctx,
    list: Vec<(Campaign, String, String, String)>,
    can_open: bool,
    programmes: Vec<(String, String)>,
}

pub async fn list<S: Backend>(State(state): State<AppState<S>>, Console(c): Console) -> Response {
    let r = async {
        let actor = c.actor()?;
        let list = campaign::list(&state.store, actor)
            .await?
            .into_iter()
            .map(|k| {
                let (t, o, s) = (
                    title(&c, &k),
                    org_name(&c, &k.org),
                    state_words(&c, &k.state),
                );
                (k, t, o, s)
            })
            .collect();
        let programmes = programme::builtin_names()
            .filter_map(|n| programme::builtin(n).and_then(Result::ok))
            .filter(|p| p.fund == FundKind::Campaign)
            .map(|p| (p.id.clone(), c.name(&p.name, &p.name_en).to_string()))
            .collect();
        page(&ListPage {
            c: &c,
            list,
            can_open: actor.can(Capability::ApproveClaims),
            programmes,
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct OpenForm {
    #[serde(default)]
    programme: String,
    #[serde(default)]
    window_start: String,
    #[serde(default)]
    window_end: String,
}

pub async fn create<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Form(f): Form<OpenForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let window = (
            date("window_start", &f.window_start)?,
            date("window_end", &f.window_end)?,
        );
        let k = campaign::create(
            &state.store,
            state.clock.as_ref(),
            actor,
            &f.programme,
            window,
        )
        .await?;
        Ok(redirect(&format!("/campaigns/{}", k.id)))
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "campaigns/detail.html")]
struct DetailPage<'a> {
    c: &'a Ctx,
    k: Campaign,
    title: String,
    org: String,
    state: String,
    rows: Vec<Row>,
    /// The next page's first id, when there is one.
    next: Option<i64>,
    /// What the action just taken did, in words.
    outcome: Vec<String>,
    can_list: bool,
    preview: Option<GrantPreview>,
}

impl DetailPage<'_> {
    fn covered(&self, p: &GrantPreview) -> bool {
        p.fund_balance >= p.total
    }
}

/// Rows a page shows.
const PAGE_ROWS: u32 = 200;

#[derive(Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    after: Option<i64>,
}

async fn show<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
    id: i64,
    after: i64,
    outcome: Vec<String>,
) -> PageResult {
    let actor = c.actor()?;
    let k = campaign::get(&state.store, actor, id).await?;
    let list = campaign::recipients(&state.store, actor, id, after, PAGE_ROWS).await?;
    let next = (list.len() as u32 == PAGE_ROWS)
        .then(|| list.last().map(|r| r.id))
        .flatten();
    let preview = if actor.can(Capability::ApproveClaims) {
        Some(campaign::grant_preview(&state.store, actor, id).await?)
    } else {
        None
    };
    page(&DetailPage {
        c,
        title: title(c, &k),
        org: org_name(c, &k.org),
        state: state_words(c, &k.state),
        k,
        rows: list.into_iter().map(|r| Row::of(c, r)).collect(),
        next,
        outcome,
        can_list: actor.can(Capability::SubmitClaim),
        preview,
    })
}

pub async fn detail<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let r = async {
        let id = record_id(&id)?;
        show(&state, &c, id, q.after.unwrap_or(0), Vec::new()).await
    }
    .await;
    finish(&c, r)
}

/// What a listing did, in words: how many were listed, and each member listed already naming
/// the org whose list has them.
fn listed_words(c: &Ctx, l: &Listed) -> Vec<String> {
    let mut out = vec![say(
        c,
        format!("列入名单 {} 人。", l.added),
        format!("{} listed.", l.added),
    )];
    for a in &l.already {
        out.push(say(
            c,
            format!(
                "会员 #{} 已在{}的名单上（{} 列入），不重复列入。",
                a.member.0, a.org_name, a.listed_by
            ),
            format!(
                "Member #{} is on the list of {} already (listed by {}); not listed twice.",
                a.member.0, a.org_name, a.listed_by
            ),
        ));
    }
    for m in &l.not_found {
        out.push(say(
            c,
            format!("会员 #{} 不在您的管辖范围内。", m.0),
            format!("Member #{} is not in your organisation.", m.0),
        ));
    }
    out
}

fn archive_words(c: &Ctx, a: &ArchiveListed) -> Vec<String> {
    let mut out = listed_words(c, &a.listed);
    for n in &a.not_eligible {
        let why: Vec<String> = n
            .refusals
            .iter()
            .map(|r| refusal_words(c, &r.reason))
            .collect();
        out.push(say(
            c,
            format!(
                "档案 #{}（户主会员 #{}）不符合本活动条件：{}。",
                n.household,
                n.member.0,
                why.join("；")
            ),
            format!(
                "Record #{} (head, member #{}) does not qualify: {}.",
                n.household,
                n.member.0,
                why.join("; ")
            ),
        ));
    }
    out
}

fn granted_words(c: &Ctx, g: &CampaignGranted) -> Vec<String> {
    let total = c.yuan(g.total.fen());
    let mut out = vec![say(
        c,
        format!("发放慰问金 {} 人，合计 {total}。", g.granted),
        format!("Cash granted to {}, {total} in all.", g.granted),
    )];
    for r in &g.refused {
        let org = org_name(c, &r.first_org);
        out.push(say(
            c,
            format!(
                "会员 #{} 已由{}发放（救助 #{}），不重复发放。",
                r.member.0, org, r.first.0
            ),
            format!(
                "Member #{} was granted by {} already (grant #{}); not granted twice.",
                r.member.0, org, r.first.0
            ),
        ));
    }
    out
}

pub async fn from_archive<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let id = record_id(&id)?;
        let a =
            campaign::list_from_archive(&state.store, state.clock.as_ref(), c.actor()?, id).await?;
        show(&state, &c, id, 0, archive_words(&c, &a)).await
    }
    .await;
    finish(&c, r)
}

pub async fn from_tags<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let id = record_id(&id)?;
        let l =
            campaign::list_from_tags(&state.store, state.clock.as_ref(), c.actor()?, id).await?;
        show(&state, &c, id, 0, listed_words(&c, &l)).await
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct AddForm {
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    cash: String,
    #[serde(default)]
    gift_pack: String,
}

pub async fn add<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Form(f): Form<AddForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = record_id(&id)?;
        let member = campaign::member_by_id_number(&state.store, actor, &f.id_number).await?;
        let l = campaign::add_by_hand(
            &state.store,
            state.clock.as_ref(),
            actor,
            id,
            campaign::ByHand {
                member,
                reason: &f.reason,
                cash: Money::from_fen(fen("cash", &f.cash)?),
                gift_pack: f.gift_pack == "on",
            },
        )
        .await?;
        show(&state, &c, id, 0, listed_words(&c, &l)).await
    }
    .await;
    finish(&c, r)
}

pub async fn grant<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let id = record_id(&id)?;
        let g = campaign::grant(&state.store, state.clock.as_ref(), c.actor()?, id).await?;
        show(&state, &c, id, 0, granted_words(&c, &g)).await
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct VisitForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    visitor: String,
}

/// 走访 (`visit`) or 慰问品发放 (`gift`) of one recipient, back to the campaign's page.
pub async fn recipient_step<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path((id, recipient, step)): Path<(String, String, String)>,
    Form(f): Form<VisitForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let (id, recipient) = (record_id(&id)?, record_id(&recipient)?);
        let (s, clock) = (&state.store, state.clock.as_ref());
        match step.as_str() {
            "visit" => {
                let on = date("date", &f.date)?;
                campaign::record_visit(s, clock, actor, recipient, on, &f.visitor).await?;
            }
            "gift" => {
                campaign::hand_gift(s, clock, actor, recipient).await?;
            }
            _ => {
                return Err(PageError::invalid(
                    "step",
                    "没有这一步骤 (there is no such step)",
                ))
            }
        }
        Ok(redirect(&format!("/campaigns/{id}")))
    }
    .await;
    finish(&c, r)
}
