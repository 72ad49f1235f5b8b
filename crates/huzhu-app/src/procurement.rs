//! 消费帮扶 — consumption-poverty procurement (SPEC 7.10; docs/procurement.md). Federation staff
//! keep the catalogue of designated poverty-relief products and set the floor per org and year;
//! offices record their festival-gift purchases by hand or from an xlsx/csv list; the report
//! gives each unit's and each subtree's designated share against its floor and lists the units
//! below it. A campaign's gift packs are valued at a purchase's unit price (SPEC 7.4).

use crate::access::{ensure_org_in_scope, not_found, require};
use crate::stats::{Column, ColumnKind, Dashboard, StatRow, StatTable};
use crate::{AppError, Clock};
use chrono::NaiveDate;
use huzhu_domain::access::{Actor, Capability};
use huzhu_domain::org::OrgCode;
use huzhu_domain::procurement::{
    check_floor, check_purchase, share_bp, FloorStanding, DEFAULT_FLOOR_BP, NAME_MAX,
};
use huzhu_import::{Roster, Row, RowError};
use huzhu_store::procurement::{CatalogueEntry, GiftValue, NewPurchase, Purchase};
use huzhu_store::{OrgScope, Repo};
use serde::Serialize;

fn scope(actor: &Actor) -> OrgScope {
    OrgScope::Under(actor.org.clone())
}

fn require_office(actor: &Actor) -> Result<(), AppError> {
    crate::access::require_office(actor, "Procurement")
}

fn name(field: &str, raw: &str) -> Result<String, AppError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(AppError::invalid(
            field,
            format!("{field} 不能为空 ({field} is required)"),
        ));
    }
    if t.chars().count() > NAME_MAX {
        return Err(AppError::invalid(
            field,
            format!("{field} 不能超过{NAME_MAX}字 ({field} is longer than {NAME_MAX} characters)"),
        ));
    }
    Ok(t.to_string())
}

/// 帮扶产品目录 — adds a designated product (federation staff).
pub async fn add_catalogue_entry<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    region: &str,
    supplier: &str,
    product: &str,
) -> Result<CatalogueEntry, AppError> {
    require(actor, Capability::ApproveClaims)?;
    let region = name("region", region)?;
    let supplier = name("supplier", supplier)?;
    let product = name("product", product)?;
    Ok(store
        .add_catalogue_entry(
            &actor.org,
            &region,
            &supplier,
            &product,
            &actor.username,
            clock.now(),
        )
        .await?)
}

pub async fn catalogue<S: Repo>(store: &S, actor: &Actor) -> Result<Vec<CatalogueEntry>, AppError> {
    require_office(actor)?;
    Ok(store.catalogue(&actor.org).await?)
}

/// The unit a purchase is recorded for: the named org (in the actor's subtree) or their own.
async fn unit<S: Repo>(store: &S, actor: &Actor, org: Option<&str>) -> Result<OrgCode, AppError> {
    match org.map(str::trim).filter(|o| !o.is_empty()) {
        None => Ok(actor.org.clone()),
        Some(raw) => {
            let code = OrgCode::parse(raw).map_err(|e| AppError::invalid("org", format!("{e}")))?;
            ensure_org_in_scope(store, actor, &code).await?;
            Ok(code)
        }
    }
}

/// A purchase typed in by hand.
#[derive(Debug, Clone)]
pub struct PurchaseInput {
    pub org: Option<String>,
    pub supplier: String,
    pub product: String,
    pub quantity: i64,
    pub amount_fen: i64,
    pub purchased_on: NaiveDate,
}

/// 录入采购 — one purchase; designated when its supplier and product are in the catalogue.
pub async fn record_purchase<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    input: PurchaseInput,
) -> Result<Purchase, AppError> {
    require_office(actor)?;
    let supplier = name("supplier", &input.supplier)?;
    let product = name("product", &input.product)?;
    check_purchase(input.quantity, input.amount_fen).map_err(|e| {
        let field = match e {
            huzhu_domain::procurement::ProcurementError::Quantity => "quantity",
            _ => "amount_fen",
        };
        AppError::invalid(field, e.to_string())
    })?;
    if input.purchased_on > clock.today() {
        return Err(AppError::invalid(
            "purchased_on",
            "采购日期晚于今天 (the purchase date is in the future)".into(),
        ));
    }
    let unit = unit(store, actor, input.org.as_deref()).await?;
    let rows = [NewPurchase {
        supplier,
        product,
        quantity: input.quantity,
        amount_fen: input.amount_fen,
        purchased_on: input.purchased_on,
    }];
    let mut out = store
        .record_purchases(
            &scope(actor),
            &unit,
            &rows,
            "hand",
            &actor.username,
            clock.now(),
        )
        .await?;
    out.pop().ok_or_else(|| not_found("purchase"))
}

/// What a purchase list's import did: every row recorded, or none and the errors row by row.
#[derive(Debug, Clone, Serialize)]
pub struct PurchaseImport {
    pub rows: u64,
    pub recorded: Vec<Purchase>,
    pub errors: Vec<RowError>,
}

/// 导入采购清单 — an xlsx or csv list read like a roster. A list with any bad row records
/// nothing: the errors come back row by row to be fixed and the file sent again [choice].
pub async fn import_purchases<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    org: Option<&str>,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<PurchaseImport, AppError> {
    require_office(actor)?;
    let unit = unit(store, actor, org).await?;
    let today = clock.today();
    let mut roster = Roster::open_detect(std::io::Cursor::new(bytes), file_name)?;
    let mut good = Vec::new();
    let mut errors = Vec::new();
    let mut count = 0u64;
    for row in roster.purchases()? {
        count += 1;
        match row? {
            Row::Good { row, value } => {
                if value.purchased_on > today {
                    errors.push(RowError {
                        row,
                        column: "采购日期".into(),
                        reason: "采购日期晚于今天 (the purchase date is in the future)".into(),
                    });
                    continue;
                }
                good.push(NewPurchase {
                    supplier: value.supplier,
                    product: value.product,
                    quantity: value.quantity,
                    amount_fen: value.amount_fen,
                    purchased_on: value.purchased_on,
                });
            }
            Row::Bad { errors: e, .. } => errors.extend(e),
        }
    }
    if !errors.is_empty() || good.is_empty() {
        if good.is_empty() && errors.is_empty() {
            return Err(AppError::invalid(
                "file",
                "文件中没有采购记录 (the file lists no purchases)".into(),
            ));
        }
        return Ok(PurchaseImport {
            rows: count,
            recorded: Vec::new(),
            errors,
        });
    }
    let recorded = store
        .record_purchases(
            &scope(actor),
            &unit,
            &good,
            "import",
            &actor.username,
            clock.now(),
        )
        .await?;
    Ok(PurchaseImport {
        rows: count,
        recorded,
        errors,
    })
}

pub async fn purchases<S: Repo>(
    store: &S,
    actor: &Actor,
    year: i32,
) -> Result<Vec<Purchase>, AppError> {
    require_office(actor)?;
    Ok(store.purchases(&scope(actor), year).await?)
}

/// 设定比例下限 — the floor of an org's subtree for a year (federation staff).
pub async fn set_floor<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    org: Option<&str>,
    year: i32,
    floor_bp: u32,
) -> Result<Option<i64>, AppError> {
    require(actor, Capability::ApproveClaims)?;
    check_floor(floor_bp).map_err(|e| AppError::invalid("floor_bp", e.to_string()))?;
    if !(2000..=2100).contains(&year) {
        return Err(AppError::invalid(
            "year",
            format!("年份{year}无效 (year {year} is not valid)"),
        ));
    }
    let org = unit(store, actor, org).await?;
    Ok(store
        .set_floor(
            &scope(actor),
            &org,
            year,
            floor_bp,
            &actor.username,
            clock.now(),
        )
        .await?)
}

/// One org's line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShareLine {
    pub org: String,
    pub name: String,
    pub level: i64,
    /// Its own purchases.
    pub designated_fen: i64,
    pub total_fen: i64,
    pub share_bp: u32,
    /// Its whole subtree's.
    pub subtree_designated_fen: i64,
    pub subtree_total_fen: i64,
    pub subtree_share_bp: u32,
    /// The floor for the year (the nearest org of the chain that set one, else 20%).
    pub floor_bp: u32,
    /// Its own share against the floor.
    pub standing: FloorStanding,
}

/// The report of a subtree for a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcurementReport {
    pub org: String,
    pub org_name: String,
    pub year: i32,
    pub lines: Vec<ShareLine>,
    /// The orgs whose own purchases fall below their floor.
    pub below: Vec<ShareLine>,
}

/// 消费帮扶报表 — each org of `org`'s subtree (the actor's own by default) for `year`.
pub async fn report<S: Repo>(
    store: &S,
    actor: &Actor,
    org: Option<&str>,
    year: i32,
) -> Result<ProcurementReport, AppError> {
    require_office(actor)?;
    let code = unit(store, actor, org).await?;
    let rows = store.procurement_report(&scope(actor), &code, year).await?;
    let lines: Vec<ShareLine> = rows
        .into_iter()
        .map(|r| {
            let floor = r
                .floor_bp
                .and_then(|f| u32::try_from(f).ok())
                .unwrap_or(DEFAULT_FLOOR_BP);
            ShareLine {
                org: r.code,
                name: r.name,
                level: r.level,
                designated_fen: r.own_designated_fen,
                total_fen: r.own_total_fen,
                share_bp: share_bp(r.own_designated_fen, r.own_total_fen),
                subtree_designated_fen: r.subtree_designated_fen,
                subtree_total_fen: r.subtree_total_fen,
                subtree_share_bp: share_bp(r.subtree_designated_fen, r.subtree_total_fen),
                floor_bp: floor,
                standing: FloorStanding::of(r.own_designated_fen, r.own_total_fen, floor),
            }
        })
        .collect();
    let below = lines
        .iter()
        .filter(|l| l.standing == FloorStanding::Below)
        .cloned()
        .collect();
    let org_name = lines
        .iter()
        .find(|l| l.org == code.as_str())
        .map(|l| l.name.clone())
        .unwrap_or_default();
    Ok(ProcurementReport {
        org: code.to_string(),
        org_name,
        year,
        lines,
        below,
    })
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

/// The report as a dashboard (chart and Excel): each org's subtree figures, and the units below.
pub fn dashboard(r: &ProcurementReport) -> Dashboard {
    let columns = vec![
        col(
            "designated_fen",
            "帮扶产品金额",
            "Designated",
            ColumnKind::Fen,
        ),
        col("total_fen", "采购总额", "Total", ColumnKind::Fen),
        col(
            "share_bp",
            "占比（万分点）",
            "Share (bp)",
            ColumnKind::Count,
        ),
        col(
            "floor_bp",
            "下限（万分点）",
            "Floor (bp)",
            ColumnKind::Count,
        ),
    ];
    let row = |l: &ShareLine, subtree: bool| StatRow {
        key: l.org.clone(),
        label: format!("{}（{}）", l.name, l.org),
        values: if subtree {
            vec![
                l.subtree_designated_fen,
                l.subtree_total_fen,
                i64::from(l.subtree_share_bp),
                i64::from(l.floor_bp),
            ]
        } else {
            vec![
                l.designated_fen,
                l.total_fen,
                i64::from(l.share_bp),
                i64::from(l.floor_bp),
            ]
        },
    };
    Dashboard {
        org: r.org.clone(),
        org_name: r.org_name.clone(),
        policy: Some(r.year.to_string()),
        tables: vec![
            StatTable {
                id: "procurement_by_subtree",
                title_zh: "消费帮扶（按组织及下级）",
                title_en: "Procurement by subtree",
                columns: columns.clone(),
                rows: r.lines.iter().map(|l| row(l, true)).collect(),
            },
            StatTable {
                id: "procurement_below_floor",
                title_zh: "未达比例下限的单位",
                title_en: "Units below the floor",
                columns,
                rows: r.below.iter().map(|l| row(l, false)).collect(),
            },
        ],
    }
}

/// 慰问品计价 — counts a campaign's gift packs at a purchase's unit price (amount ÷ quantity,
/// rounded half up to the fen [choice]).
pub async fn link_gift_purchase<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    campaign: i64,
    purchase: i64,
) -> Result<GiftValue, AppError> {
    require(actor, Capability::ApproveClaims)?;
    Ok(store
        .link_gift_purchase(
            &scope(actor),
            campaign,
            purchase,
            &actor.username,
            clock.now(),
        )
        .await?)
}

pub async fn gift_value<S: Repo>(
    store: &S,
    actor: &Actor,
    campaign: i64,
) -> Result<Option<GiftValue>, AppError> {
    require_office(actor)?;
    Ok(store.gift_value(&scope(actor), campaign).await?)
}
