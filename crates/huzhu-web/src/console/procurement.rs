//! 消费帮扶 in the console (SPEC 7.10; docs/procurement.md): each org's designated share against
//! its floor, the units below it, the catalogue and the year's purchases, with charts and Excel;
//! for federation staff the forms that add a designated product and set a floor; for offices a
//! purchase typed by hand and a list uploaded as xlsx/csv (a list with a bad row records
//! nothing: the errors come back row by row).

use super::archive::fen;
use super::stats::{only_table, shown, ShownTable};
use super::{download, finish, page, redirect, Console, Ctx, PageError, PageResult, XLSX};
use crate::AppState;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::Datelike;
use huzhu_app::model::{CatalogueEntry, Purchase};
use huzhu_app::procurement::{self, ProcurementReport, PurchaseImport, PurchaseInput};
use huzhu_app::stats;
use huzhu_app::Backend;
use huzhu_domain::access::Capability;
use serde::Deserialize;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/procurement", get(show_procurement::<S>))
        .route("/procurement/export.xlsx", get(export_procurement::<S>))
        .route("/procurement/catalogue", post(add_entry::<S>))
        .route("/procurement/floors", post(set_floor::<S>))
        .route("/procurement/purchases", post(record::<S>))
        .route(
            "/procurement/purchases/import",
            post(import::<S>).layer(DefaultBodyLimit::max(
                super::import::UPLOAD_LIMIT + 64 * 1024,
            )),
        )
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    table: String,
}

#[derive(Template)]
#[template(path = "procurement/index.html")]
struct ProcurementPage<'a> {
    c: &'a Ctx,
    r: ProcurementReport,
    catalogue: Vec<CatalogueEntry>,
    purchases: Vec<Purchase>,
    /// Federation staff: the catalogue and the floors.
    is_federation: bool,
    tables: Vec<ShownTable>,
    query: String,
    export: &'static str,
}

fn year<S: Backend>(state: &AppState<S>, raw: &str) -> Result<i32, PageError> {
    match raw.trim() {
        "" => Ok(state.clock.today().year()),
        s => s
            .parse()
            .map_err(|_| PageError::invalid("year", format!("年份无效 (not a year): {s}"))),
    }
}

pub async fn show_procurement<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<YearQuery>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let y = year(&state, &q.year)?;
        let r = procurement::report(&state.store, actor, None, y).await?;
        let catalogue = procurement::catalogue(&state.store, actor).await?;
        let purchases = procurement::purchases(&state.store, actor, y).await?;
        let d = procurement::dashboard(&r);
        page(&ProcurementPage {
            c: &c,
            tables: shown(&c, &d),
            query: format!("year={y}"),
            r,
            catalogue,
            purchases,
            is_federation: actor.can(Capability::ApproveClaims),
            export: "/procurement/export.xlsx",
        })
    }
    .await;
    finish(&c, r)
}

pub async fn export_procurement<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<YearQuery>,
) -> Response {
    let r: PageResult = async {
        let actor = c.actor()?;
        let y = year(&state, &q.year)?;
        let r = procurement::report(&state.store, actor, None, y).await?;
        let mut d = procurement::dashboard(&r);
        only_table(&mut d, &q.table)?;
        let bytes = stats::dashboard_xlsx(&d)?;
        Ok(download(
            bytes,
            XLSX,
            &format!("消费帮扶-{}-{y}.xlsx", d.org),
        ))
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct EntryForm {
    #[serde(default)]
    region: String,
    #[serde(default)]
    supplier: String,
    #[serde(default)]
    product: String,
}

/// 帮扶产品目录 — a designated product of a supplier from a partner region (federation staff).
pub async fn add_entry<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Form(f): Form<EntryForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        procurement::add_catalogue_entry(
            &state.store,
            state.clock.as_ref(),
            actor,
            &f.region,
            &f.supplier,
            &f.product,
        )
        .await?;
        Ok(redirect("/procurement"))
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct FloorForm {
    /// Empty for the actor's own org.
    #[serde(default)]
    org: String,
    #[serde(default)]
    year: String,
    /// Percent, a whole number or with two decimals.
    #[serde(default)]
    floor: String,
}

/// A percentage typed as `20` or `22.5`, in basis points; no floats.
pub(super) fn percent_bp(field: &str, raw: &str) -> Result<u32, PageError> {
    let bad = || {
        PageError::invalid(
            field,
            format!("应为百分数，如 20 或 22.5 (a percentage like 20 or 22.5): {raw}"),
        )
    };
    let t = raw.trim().trim_end_matches(['%', '％']).trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() || frac.len() > 2 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let whole: u32 = whole.parse().map_err(|_| bad())?;
    let frac: u32 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().map_err(|_| bad())?
    };
    whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(frac))
        .ok_or_else(bad)
}

/// 设定比例下限 — the floor of an org's subtree for a year (federation staff).
pub async fn set_floor<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Form(f): Form<FloorForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let y = year(&state, &f.year)?;
        procurement::set_floor(
            &state.store,
            state.clock.as_ref(),
            actor,
            Some(&f.org),
            y,
            percent_bp("floor", &f.floor)?,
        )
        .await?;
        Ok(redirect(&format!("/procurement?year={y}")))
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct PurchaseForm {
    /// Empty for the actor's own org.
    #[serde(default)]
    org: String,
    #[serde(default)]
    supplier: String,
    #[serde(default)]
    product: String,
    #[serde(default)]
    quantity: String,
    /// 元
    #[serde(default)]
    amount: String,
    #[serde(default)]
    purchased_on: String,
}

/// 录入采购 — one gift purchase, designated when its supplier and product are in the catalogue.
pub async fn record<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Form(f): Form<PurchaseForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let quantity = f.quantity.trim().parse().map_err(|_| {
            PageError::invalid("quantity", "数量应为整数 (the quantity is a whole number)")
        })?;
        let purchased_on = super::programme_stats::date("purchased_on", &f.purchased_on)?
            .unwrap_or_else(|| state.clock.today());
        let p = procurement::record_purchase(
            &state.store,
            state.clock.as_ref(),
            actor,
            PurchaseInput {
                org: Some(f.org),
                supplier: f.supplier,
                product: f.product,
                quantity,
                amount_fen: fen("amount", &f.amount)?,
                purchased_on,
            },
        )
        .await?;
        Ok(redirect(&format!(
            "/procurement?year={}",
            p.purchased_on.year()
        )))
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "procurement/import.html")]
struct ImportPage<'a> {
    c: &'a Ctx,
    file: String,
    done: PurchaseImport,
}

/// 导入采购清单 — an xlsx or csv list; any bad row and nothing is recorded, the errors shown
/// row by row (422).
pub async fn import<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    mut mp: Multipart,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        // The unit (optional) comes before the file in the form.
        let mut org = String::new();
        let (file, bytes) = loop {
            let Some(field) = mp.next_field().await.map_err(|e| {
                PageError::invalid("file", format!("上传内容无法读取 (unreadable upload): {e}"))
            })?
            else {
                return Err(PageError::invalid(
                    "file",
                    "请选择要上传的文件 (choose a file to upload)",
                ));
            };
            let part = field.name().map(str::to_string);
            match part.as_deref() {
                Some("org") => {
                    org = field.text().await.map_err(|e| {
                        PageError::invalid("org", format!("单位无法读取 (unreadable unit): {e}"))
                    })?;
                }
                Some("file") => {
                    let name = field.file_name().unwrap_or_default().to_string();
                    let bytes = field.bytes().await.map_err(|e| {
                        PageError::invalid("file", format!("上传中断 (the upload broke off): {e}"))
                    })?;
                    break (name, bytes.to_vec());
                }
                _ => {}
            }
        };
        let done = procurement::import_purchases(
            &state.store,
            state.clock.as_ref(),
            actor,
            Some(&org),
            &file,
            bytes,
        )
        .await?;
        let bad = !done.errors.is_empty();
        let mut resp = page(&ImportPage { c: &c, file, done })?;
        if bad {
            *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        }
        Ok(resp)
    }
    .await;
    finish(&c, r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_floor_is_read_as_a_percentage_without_floats() {
        assert_eq!(percent_bp("floor", "20").ok(), Some(2_000));
        assert_eq!(percent_bp("floor", "22.5%").ok(), Some(2_250));
        for bad in ["", "x", "20.001", "-1"] {
            assert!(percent_bp("floor", bad).is_err(), "{bad}");
        }
    }
}
