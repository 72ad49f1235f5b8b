//! 消费帮扶 — the catalogue of designated poverty-relief products, units' festival-gift
//! purchases, the floor per org and year and the campaign gift packs valued from a purchase
//! (SPEC 7.10, 7.4; docs/procurement.md). Every method is one transaction; writes carry their
//! audit entry. The catalogue is the city federation's (every office reads it); purchases,
//! floors and the report are scoped to the org's subtree.

use crate::OrgScope;
use chrono::{DateTime, NaiveDate, Utc};
use huzhu_domain::org::OrgCode;
use serde::Serialize;
use std::future::Future;

/// A designated product of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct CatalogueEntry {
    pub id: i64,
    /// The region of origin (a 对口 region: 四川泸定, …).
    pub region: String,
    pub supplier: String,
    pub product: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A purchase as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Purchase {
    pub id: i64,
    pub org: String,
    pub org_name: String,
    pub catalogue_id: Option<i64>,
    pub supplier: String,
    pub product: String,
    pub quantity: i64,
    pub amount_fen: i64,
    pub purchased_on: NaiveDate,
    /// Computed from the catalogue, never typed.
    pub designated: bool,
    /// `hand` or `import`.
    pub source: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

pub(crate) const PURCHASE_SELECT: &str = "SELECT p.id, o.code AS org, o.name AS org_name, \
     p.catalogue_id, p.supplier, p.product, p.quantity, p.amount_fen, p.purchased_on, \
     p.designated, p.source, p.recorded_by, p.recorded_at \
     FROM procurement_purchases p JOIN orgs o ON o.id = p.org_id";

/// A purchase to record (validated by the caller).
#[derive(Debug, Clone)]
pub struct NewPurchase {
    pub supplier: String,
    pub product: String,
    pub quantity: i64,
    pub amount_fen: i64,
    pub purchased_on: NaiveDate,
}

/// One org of the report: its own purchases and its subtree's, and the floor that applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OrgPurchases {
    pub org_id: i64,
    pub code: String,
    pub name: String,
    pub level: i64,
    pub parent_id: Option<i64>,
    pub own_designated_fen: i64,
    pub own_total_fen: i64,
    pub subtree_designated_fen: i64,
    pub subtree_total_fen: i64,
    /// The floor set by the nearest org of the chain for the year, if any.
    pub floor_bp: Option<i64>,
}

/// A campaign's gift packs counted at a purchase's unit price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct GiftValue {
    pub campaign_id: i64,
    pub purchase_id: i64,
    pub supplier: String,
    pub product: String,
    pub designated: bool,
    pub unit_price_fen: i64,
    /// Gift packs on the campaign's list (in the reader's scope).
    pub packs: i64,
    pub value_fen: i64,
}

pub trait ProcurementStore: Send + Sync {
    /// Adds a product to the catalogue of the city federation of `org`.
    fn add_catalogue_entry(
        &self,
        org: &OrgCode,
        region: &str,
        supplier: &str,
        product: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<CatalogueEntry>> + Send;

    /// The catalogue of the city federation of `org`, by region, supplier and product.
    fn catalogue(
        &self,
        org: &OrgCode,
    ) -> impl Future<Output = crate::Result<Vec<CatalogueEntry>>> + Send;

    /// Records purchases of `unit` (in `scope`, else not found), each designated when its
    /// supplier and product are in the catalogue, all or none.
    #[allow(clippy::too_many_arguments)]
    fn record_purchases(
        &self,
        scope: &OrgScope,
        unit: &OrgCode,
        rows: &[NewPurchase],
        source: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Vec<Purchase>>> + Send;

    /// The purchases of the scope's subtree in `year`, newest first.
    fn purchases(
        &self,
        scope: &OrgScope,
        year: i32,
    ) -> impl Future<Output = crate::Result<Vec<Purchase>>> + Send;

    /// Sets the floor of `org`'s subtree (in `scope`) for `year`; answers the one replaced.
    #[allow(clippy::too_many_arguments)]
    fn set_floor(
        &self,
        scope: &OrgScope,
        org: &OrgCode,
        year: i32,
        floor_bp: u32,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Option<i64>>> + Send;

    /// Every org of the subtree of `org` (in `scope`) with its purchases in `year` and floor.
    fn procurement_report(
        &self,
        scope: &OrgScope,
        org: &OrgCode,
        year: i32,
    ) -> impl Future<Output = crate::Result<Vec<OrgPurchases>>> + Send;

    /// Values a campaign's gift packs (a campaign the scope sees) at the unit price of a
    /// purchase of the scope ([`huzhu_domain::procurement::unit_price_fen`]); replaces an
    /// earlier link.
    fn link_gift_purchase(
        &self,
        scope: &OrgScope,
        campaign: i64,
        purchase: i64,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<GiftValue>> + Send;

    /// The value of a campaign's gift packs, when linked to a purchase.
    fn gift_value(
        &self,
        scope: &OrgScope,
        campaign: i64,
    ) -> impl Future<Output = crate::Result<Option<GiftValue>>> + Send;
}

mod sql;
pub(crate) use sql::impl_procurement_store;
