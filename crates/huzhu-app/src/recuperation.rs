//! 疗休养 — recuperation (SPEC 7.9; docs/recuperation.md). Federation staff admit bases (at
//! least 20% off, for two years), review them (renew or remove), schedule batches with places and
//! unit quotas and record each batch's spend; offices sign their in-service members up (once in
//! two years, within the unit's quota and the batch's places) and cancel sign-ups. A base whose
//! end date has passed unrenewed is lapsed, computed from the clock: it takes no new batch or
//! sign-up. Figures by region and base come out as a dashboard (chart and Excel).

use crate::access::{ensure_org_in_scope, not_found, read_scope, require};
use crate::stats::{Column, ColumnKind, Dashboard, StatRow, StatTable};
use crate::{AppError, Clock};
use chrono::NaiveDate;
use huzhu_domain::access::{Actor, Capability};
use huzhu_domain::org::OrgCode;
use huzhu_domain::recuperation::{self as rules, BaseStep, TEXT_MAX};
use huzhu_store::recuperation::{Base, Batch, NewBase, NewBatch, SignUp, Spend};
use huzhu_store::{OrgScope, Repo};
use std::collections::BTreeMap;

fn scope(actor: &Actor) -> OrgScope {
    OrgScope::Under(actor.org.clone())
}

/// Offices read and sign up (a member account does neither): `SubmitClaim`, as campaigns.
fn require_office(actor: &Actor) -> Result<(), AppError> {
    crate::access::require_office(actor, "Recuperation")
}

/// Bases, batches and spend are the federation staff's (`ApproveClaims`).
fn require_federation(actor: &Actor) -> Result<(), AppError> {
    require(actor, Capability::ApproveClaims)
}

fn text(field: &str, raw: &str, required: bool) -> Result<String, AppError> {
    let t = raw.trim();
    if required && t.is_empty() {
        return Err(AppError::invalid(
            field,
            format!("{field} 不能为空 ({field} is required)"),
        ));
    }
    if t.chars().count() > TEXT_MAX {
        return Err(AppError::invalid(
            field,
            format!("{field} 不能超过{TEXT_MAX}字 ({field} is longer than {TEXT_MAX} characters)"),
        ));
    }
    Ok(t.to_string())
}

/// The base as it stands on `today` (admitted past its end date reads lapsed).
fn on(mut b: Base, today: NaiveDate) -> Base {
    b.state = b.state.effective(b.valid_until, today);
    b
}

/// What a base's admission carries.
#[derive(Debug, Clone)]
pub struct AdmitBase {
    pub name: String,
    pub region: String,
    pub partner_region: bool,
    /// Off the list price, basis points (2000 = 20%).
    pub discount_bp: u32,
    /// Defaults to today.
    pub admitted_on: Option<NaiveDate>,
}

/// 基地认定 — admits a base for two years from its admission, when it gives at least 20% off.
pub async fn admit_base<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    input: AdmitBase,
) -> Result<Base, AppError> {
    require_federation(actor)?;
    let name = text("name", &input.name, true)?;
    let region = text("region", &input.region, true)?;
    rules::check_discount(input.discount_bp)
        .map_err(|e| AppError::invalid("discount_bp", e.to_string()))?;
    let today = clock.today();
    let admitted_on = input.admitted_on.unwrap_or(today);
    if admitted_on > today {
        return Err(AppError::invalid(
            "admitted_on",
            format!(
                "认定日期{admitted_on}晚于今天 (the admission date {admitted_on} is in the future)"
            ),
        ));
    }
    let base = store
        .admit_base(&NewBase {
            org: &actor.org,
            name: &name,
            region: &region,
            partner_region: input.partner_region,
            discount_bp: input.discount_bp,
            admitted_on,
            valid_until: rules::term_end(admitted_on),
            by: &actor.username,
            at: clock.now(),
        })
        .await?;
    Ok(on(base, today))
}

pub async fn bases<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
) -> Result<Vec<Base>, AppError> {
    require_office(actor)?;
    let today = clock.today();
    Ok(store
        .recuperation_bases(&scope(actor))
        .await?
        .into_iter()
        .map(|b| on(b, today))
        .collect())
}

pub async fn base<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
) -> Result<Base, AppError> {
    require_office(actor)?;
    let b = store
        .recuperation_base(id, &scope(actor))
        .await
        .map_err(|_| not_found(&format!("疗休养基地 {id} (recuperation base {id})")))?;
    Ok(on(b, clock.today()))
}

/// 复审 — renews (two more years from the end date) or removes a base, with the reason.
pub async fn review_base<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    step: BaseStep,
    reason: &str,
) -> Result<Base, AppError> {
    require_federation(actor)?;
    let reason = text("reason", reason, true)?;
    let today = clock.today();
    let b = store
        .review_base(
            id,
            &scope(actor),
            step,
            &reason,
            today,
            &actor.username,
            clock.now(),
        )
        .await?;
    Ok(on(b, today))
}

/// What a batch carries.
#[derive(Debug, Clone)]
pub struct NewBatchInput {
    pub base_id: i64,
    pub name: String,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub capacity: i64,
    /// Unit code and places (optional).
    pub quotas: Vec<(String, i64)>,
}

/// 安排批次 — a batch at an admitted base, within its term.
pub async fn create_batch<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    input: NewBatchInput,
) -> Result<Batch, AppError> {
    require_federation(actor)?;
    let name = text("name", &input.name, true)?;
    if !(1..=rules::MAX_CAPACITY).contains(&input.capacity) {
        return Err(AppError::invalid(
            "capacity",
            rules::RecuperationError::Capacity.to_string(),
        ));
    }
    if input.end_on < input.start_on {
        return Err(AppError::invalid(
            "end_on",
            rules::RecuperationError::BatchDates {
                start: input.start_on,
                end: input.end_on,
            }
            .to_string(),
        ));
    }
    let mut quotas = Vec::with_capacity(input.quotas.len());
    for (code, q) in &input.quotas {
        let code =
            OrgCode::parse(code.trim()).map_err(|e| AppError::invalid("quotas", format!("{e}")))?;
        if !(1..=input.capacity).contains(q) {
            return Err(AppError::invalid(
                "quotas",
                format!("单位{code}的名额须在1至{}之间 (unit {code}'s quota must be between 1 and the capacity)", input.capacity),
            ));
        }
        ensure_org_in_scope(store, actor, &code).await?;
        quotas.push((code, *q));
    }
    Ok(store
        .create_recuperation_batch(
            &scope(actor),
            &NewBatch {
                org: &actor.org,
                base_id: input.base_id,
                name: &name,
                start_on: input.start_on,
                end_on: input.end_on,
                capacity: input.capacity,
                quotas: &quotas,
                today: clock.today(),
                by: &actor.username,
                at: clock.now(),
            },
        )
        .await?)
}

pub async fn batches<S: Repo>(
    store: &S,
    actor: &Actor,
    base: Option<i64>,
) -> Result<Vec<Batch>, AppError> {
    require_office(actor)?;
    Ok(store.recuperation_batches(&scope(actor), base).await?)
}

pub async fn batch<S: Repo>(store: &S, actor: &Actor, id: i64) -> Result<Batch, AppError> {
    require_office(actor)?;
    store
        .recuperation_batch(id, &scope(actor))
        .await
        .map_err(|_| not_found(&format!("疗休养批次 {id} (recuperation batch {id})")))
}

/// 报名 — signs a member of the actor's subtree up to a batch.
pub async fn sign_up<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    batch: i64,
    member: i64,
) -> Result<SignUp, AppError> {
    require_office(actor)?;
    Ok(store
        .sign_up(
            &scope(actor),
            batch,
            member,
            clock.today(),
            &actor.username,
            clock.now(),
        )
        .await?)
}

/// 取消报名 — frees the place, with the reason.
pub async fn cancel_sign_up<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    reason: &str,
) -> Result<SignUp, AppError> {
    require_office(actor)?;
    let reason = text("reason", reason, true)?;
    Ok(store
        .cancel_sign_up(&scope(actor), id, &reason, &actor.username, clock.now())
        .await?)
}

pub async fn sign_ups<S: Repo>(
    store: &S,
    actor: &Actor,
    batch: i64,
) -> Result<Vec<SignUp>, AppError> {
    require_office(actor)?;
    store
        .sign_ups(&scope(actor), batch)
        .await
        .map_err(|e| match e {
            huzhu_store::StoreError::NotFound(_) => {
                not_found(&format!("疗休养批次 {batch} (recuperation batch {batch})"))
            }
            other => other.into(),
        })
}

/// The largest spend of one kind on one batch: 100,000,000.00 元.
const MAX_SPEND_FEN: i64 = 10_000_000_000;

/// 记录支出 — a batch's lodging, transport and local purchases, fen.
pub async fn record_spend<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    batch: i64,
    spend: Spend,
) -> Result<Batch, AppError> {
    require_federation(actor)?;
    for (field, v) in [
        ("lodging_fen", spend.lodging_fen),
        ("transport_fen", spend.transport_fen),
        ("purchases_fen", spend.purchases_fen),
    ] {
        if !(0..=MAX_SPEND_FEN).contains(&v) {
            return Err(AppError::invalid(
                field,
                format!(
                    "{field} 须在0至1亿元之间 ({field} must be between 0 and 100,000,000 yuan)"
                ),
            ));
        }
    }
    Ok(store
        .record_spend(&scope(actor), batch, spend, &actor.username, clock.now())
        .await?)
}

const fn col(
    key: &'static str,
    label_zh: &'static str,
    label_en: &'static str,
    kind: ColumnKind,
) -> Column {
    Column {
        key,
        label_zh,
        label_en,
        kind,
    }
}

const COLUMNS: [Column; 3] = [
    col("batches", "批次", "Batches", ColumnKind::Count),
    col("participants", "人数", "Participants", ColumnKind::Count),
    col("spend_fen", "支出", "Spend", ColumnKind::Fen),
];

/// 疗休养统计 — batches, participants and spend of `org`'s subtree (the actor's own org by
/// default) for batches starting within `from..=to`: by region (each org directly under `org`,
/// and `org` itself for what it runs) and by base. Batches and spend count where the batch was
/// organised; participants where they signed up from [choice].
pub async fn figures<S: Repo>(
    store: &S,
    actor: &Actor,
    org: Option<&OrgCode>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Dashboard, AppError> {
    if from > to {
        return Err(AppError::invalid(
            "from",
            "起始日期晚于截止日期 (the start date is after the end date)".into(),
        ));
    }
    require_office(actor)?;
    let scope = read_scope(store, actor, Capability::SubmitClaim, org).await?;
    let code = org.unwrap_or(&actor.org).clone();
    let orgs = huzhu_store::Store::orgs_under(store, Some(&code)).await?;
    let root = orgs
        .iter()
        .find(|o| o.code == code)
        .ok_or_else(|| not_found(&format!("org {code}")))?;
    // Each org of the subtree counts under the child of the root on its path (or the root).
    let by_code: BTreeMap<&OrgCode, &huzhu_store::Org> =
        orgs.iter().map(|o| (&o.code, o)).collect();
    let mut region_of: BTreeMap<i64, (String, String)> = BTreeMap::new();
    for o in &orgs {
        let mut cur = o;
        while let Some(parent) = cur.parent.as_ref().and_then(|p| by_code.get(p)) {
            if parent.code == root.code {
                break;
            }
            cur = parent;
        }
        let key = if o.code == root.code { root } else { cur };
        region_of.insert(o.id, (key.code.to_string(), key.name.clone()));
    }
    let (batches, people) = store.recuperation_figures(&scope, from, to).await?;
    let mut regions: BTreeMap<String, (String, [i64; 3])> = BTreeMap::new();
    let mut bases: BTreeMap<i64, (String, [i64; 3])> = BTreeMap::new();
    for b in &batches {
        if let Some((k, name)) = region_of.get(&b.org_id) {
            let e = regions.entry(k.clone()).or_insert((name.clone(), [0; 3]));
            e.1[0] += 1;
            e.1[2] = e.1[2].saturating_add(b.spend_fen);
        }
        let label = if b.partner_region {
            format!("{}（对口协作）", b.base_name)
        } else {
            b.base_name.clone()
        };
        let e = bases.entry(b.base_id).or_insert((label, [0; 3]));
        e.1[0] += 1;
        e.1[2] = e.1[2].saturating_add(b.spend_fen);
    }
    for p in &people {
        if let Some((k, name)) = region_of.get(&p.org_id) {
            let e = regions.entry(k.clone()).or_insert((name.clone(), [0; 3]));
            e.1[1] += p.participants;
        }
        if let Some(e) = bases.get_mut(&p.base_id) {
            e.1[1] += p.participants;
        }
    }
    let total = regions.values().fold([0i64; 3], |mut acc, (_, v)| {
        for i in 0..3 {
            acc[i] = acc[i].saturating_add(v[i]);
        }
        acc
    });
    let mut region_rows: Vec<StatRow> = regions
        .into_iter()
        .map(|(key, (label, v))| StatRow {
            label: format!("{label}（{key}）"),
            key,
            values: v.to_vec(),
        })
        .collect();
    region_rows.push(StatRow {
        key: String::new(),
        label: "合计".into(),
        values: total.to_vec(),
    });
    let base_rows = bases
        .into_iter()
        .map(|(id, (label, v))| StatRow {
            key: id.to_string(),
            label,
            values: v.to_vec(),
        })
        .collect();
    Ok(Dashboard {
        org: code.to_string(),
        org_name: root.name.clone(),
        policy: Some(format!("{from} – {to}")),
        tables: vec![
            StatTable {
                id: "recuperation_by_region",
                title_zh: "疗休养（按地区）",
                title_en: "Recuperation by region",
                columns: COLUMNS.to_vec(),
                rows: region_rows,
            },
            StatTable {
                id: "recuperation_by_base",
                title_zh: "疗休养（按基地）",
                title_en: "Recuperation by base",
                columns: COLUMNS.to_vec(),
                rows: base_rows,
            },
        ],
    })
}
