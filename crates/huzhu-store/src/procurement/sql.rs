//! [`super::ProcurementStore`] written once, expanded for each backend.

/// Expands [`super::ProcurementStore`] for one backend (after the bank and money stores, whose
/// `audit_in` and `money_org` it uses).
macro_rules! impl_procurement_store {
    ($store:ty) => {
        impl $store {
            async fn procurement_purchase_in<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                id: i64,
            ) -> $crate::Result<$crate::procurement::Purchase> {
                Ok(sqlx::query_as(&format!(
                    "{} WHERE p.id = $1",
                    $crate::procurement::PURCHASE_SELECT
                ))
                .bind(id)
                .fetch_one(&mut **tx)
                .await?)
            }

            async fn procurement_gift_value_in<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                scope: &$crate::OrgScope,
                campaign: i64,
            ) -> $crate::Result<Option<$crate::procurement::GiftValue>> {
                let row: Option<(i64, String, String, bool, i64)> = sqlx::query_as(
                    "SELECT g.purchase_id, p.supplier, p.product, p.designated, g.unit_price_fen \
                     FROM campaign_gift_purchases g \
                     JOIN procurement_purchases p \
                     ON p.tenant_id = g.tenant_id AND p.id = g.purchase_id \
                     WHERE g.campaign_id = $1",
                )
                .bind(campaign)
                .fetch_optional(&mut **tx)
                .await?;
                let Some((purchase_id, supplier, product, designated, unit_price_fen)) = row else {
                    return Ok(None);
                };
                let packs: i64 = sqlx::query_scalar(&format!(
                    "SELECT COUNT(*) FROM campaign_recipients r \
                     WHERE r.campaign_id = $1 AND r.gift_pack AND {}",
                    $crate::archive::in_scope("r.org_id", 2)
                ))
                .bind(campaign)
                .bind(scope.org())
                .fetch_one(&mut **tx)
                .await?;
                Ok(Some($crate::procurement::GiftValue {
                    campaign_id: campaign,
                    purchase_id,
                    supplier,
                    product,
                    designated,
                    unit_price_fen,
                    packs,
                    value_fen: packs.saturating_mul(unit_price_fen),
                }))
            }
        }

        impl $crate::procurement::ProcurementStore for $store {
            async fn add_catalogue_entry(
                &self,
                org: &huzhu_domain::org::OrgCode,
                region: &str,
                supplier: &str,
                product: &str,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::procurement::CatalogueEntry> {
                let mut tx = self.write_tx().await?;
                let (org_id, tenant) = Self::money_org(&mut tx, org).await?;
                let entry: $crate::procurement::CatalogueEntry = sqlx::query_as(
                    "INSERT INTO procurement_catalogue (tenant_id, region, supplier, product, \
                     created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
                     RETURNING id, region, supplier, product, created_by, created_at",
                )
                .bind(tenant)
                .bind(region)
                .bind(supplier)
                .bind(product)
                .bind(by)
                .bind(at)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match $crate::StoreError::from(e) {
                    $crate::StoreError::Conflict(_) => $crate::StoreError::Conflict(format!(
                        "目录中已有 {supplier} 的 {product} ({product} of {supplier} is in the catalogue already)"
                    )),
                    other => other,
                })?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: "procurement.catalogue_add",
                        subject: &format!("procurement_catalogue {}", entry.id),
                        detail: &format!(
                            "帮扶产品目录 (catalogue): {region} / {supplier} / {product}"
                        ),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                tx.commit().await?;
                Ok(entry)
            }

            async fn catalogue(
                &self,
                org: &huzhu_domain::org::OrgCode,
            ) -> $crate::Result<Vec<$crate::procurement::CatalogueEntry>> {
                Ok(sqlx::query_as(
                    "SELECT id, region, supplier, product, created_by, created_at \
                     FROM procurement_catalogue WHERE tenant_id = \
                     (SELECT COALESCE(tenant_id, id) FROM orgs WHERE code = $1) \
                     ORDER BY region, supplier, product",
                )
                .bind(org.as_str())
                .fetch_all(&self.reader)
                .await?)
            }

            async fn record_purchases(
                &self,
                scope: &$crate::OrgScope,
                unit: &huzhu_domain::org::OrgCode,
                rows: &[$crate::procurement::NewPurchase],
                source: &str,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<Vec<$crate::procurement::Purchase>> {
                use chrono::Datelike;
                let mut tx = self.write_tx().await?;
                let found: Option<(i64, i64)> = sqlx::query_as(&format!(
                    "SELECT o.id, COALESCE(o.tenant_id, o.id) FROM orgs o WHERE o.code = $1 AND {}",
                    $crate::archive::in_scope("o.id", 2)
                ))
                .bind(unit.as_str())
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let (org_id, tenant) =
                    found.ok_or_else(|| $crate::StoreError::NotFound(format!("org {unit}")))?;
                let mut ids = Vec::with_capacity(rows.len());
                let (mut designated_fen, mut total_fen) = (0i64, 0i64);
                for r in rows {
                    let entry: Option<i64> = sqlx::query_scalar(
                        "SELECT id FROM procurement_catalogue WHERE tenant_id = $1 \
                         AND supplier = $2 AND product = $3",
                    )
                    .bind(tenant)
                    .bind(&r.supplier)
                    .bind(&r.product)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO procurement_purchases (tenant_id, org_id, catalogue_id, \
                         supplier, product, quantity, amount_fen, purchased_on, year, designated, \
                         source, recorded_by, recorded_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
                    )
                    .bind(tenant)
                    .bind(org_id)
                    .bind(entry)
                    .bind(&r.supplier)
                    .bind(&r.product)
                    .bind(r.quantity)
                    .bind(r.amount_fen)
                    .bind(r.purchased_on)
                    .bind(r.purchased_on.year())
                    .bind(entry.is_some())
                    .bind(source)
                    .bind(by)
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await?;
                    total_fen = total_fen.saturating_add(r.amount_fen);
                    if entry.is_some() {
                        designated_fen = designated_fen.saturating_add(r.amount_fen);
                    }
                    ids.push(id);
                }
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: "procurement.record",
                        subject: &format!("org {unit}"),
                        detail: &format!(
                            "节日慰问品采购 (gift purchases, {source}): {} rows, {} fen, {} fen designated",
                            rows.len(),
                            total_fen,
                            designated_fen
                        ),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let mut out = Vec::with_capacity(ids.len());
                for id in ids {
                    out.push(Self::procurement_purchase_in(&mut tx, id).await?);
                }
                tx.commit().await?;
                Ok(out)
            }

            async fn purchases(
                &self,
                scope: &$crate::OrgScope,
                year: i32,
            ) -> $crate::Result<Vec<$crate::procurement::Purchase>> {
                Ok(sqlx::query_as(&format!(
                    "{} WHERE p.year = $2 AND {} ORDER BY p.purchased_on DESC, p.id DESC",
                    $crate::procurement::PURCHASE_SELECT,
                    $crate::archive::in_scope("p.org_id", 1)
                ))
                .bind(scope.org())
                .bind(year)
                .fetch_all(&self.reader)
                .await?)
            }

            async fn set_floor(
                &self,
                scope: &$crate::OrgScope,
                org: &huzhu_domain::org::OrgCode,
                year: i32,
                floor_bp: u32,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<Option<i64>> {
                let mut tx = self.write_tx().await?;
                let found: Option<(i64, i64)> = sqlx::query_as(&format!(
                    "SELECT o.id, COALESCE(o.tenant_id, o.id) FROM orgs o WHERE o.code = $1 AND {}",
                    $crate::archive::in_scope("o.id", 2)
                ))
                .bind(org.as_str())
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let (org_id, tenant) =
                    found.ok_or_else(|| $crate::StoreError::NotFound(format!("org {org}")))?;
                let old: Option<i64> = sqlx::query_scalar(
                    "SELECT CAST(floor_bp AS BIGINT) FROM procurement_floors \
                     WHERE org_id = $1 AND year = $2",
                )
                .bind(org_id)
                .bind(year)
                .fetch_optional(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO procurement_floors (tenant_id, org_id, year, floor_bp, set_by, \
                     set_at) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (tenant_id, org_id, year) DO UPDATE \
                     SET floor_bp = EXCLUDED.floor_bp, set_by = EXCLUDED.set_by, \
                     set_at = EXCLUDED.set_at",
                )
                .bind(tenant)
                .bind(org_id)
                .bind(year)
                .bind(i32::try_from(floor_bp).unwrap_or(i32::MAX))
                .bind(by)
                .bind(at)
                .execute(&mut *tx)
                .await?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: "procurement.floor",
                        subject: &format!("org {org}"),
                        detail: &format!(
                            "消费帮扶比例下限 (floor) {year}: {}; old: {}",
                            huzhu_domain::recuperation::percent(floor_bp),
                            old.map_or_else(|| "(none)".into(), |o| o.to_string())
                        ),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                tx.commit().await?;
                Ok(old)
            }

            async fn procurement_report(
                &self,
                scope: &$crate::OrgScope,
                org: &huzhu_domain::org::OrgCode,
                year: i32,
            ) -> $crate::Result<Vec<$crate::procurement::OrgPurchases>> {
                let mut tx = self.reader.begin().await?;
                let seen: Option<i64> = sqlx::query_scalar(&format!(
                    "SELECT o.id FROM orgs o WHERE o.code = $1 AND {}",
                    $crate::archive::in_scope("o.id", 2)
                ))
                .bind(org.as_str())
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let root = seen.ok_or_else(|| $crate::StoreError::NotFound(format!("org {org}")))?;
                let rows: Vec<$crate::procurement::OrgPurchases> = sqlx::query_as(
                    "SELECT o.id AS org_id, o.code, o.name, CAST(o.level AS BIGINT) AS level, \
                     o.parent_id, \
                     CAST(COALESCE((SELECT SUM(p.amount_fen) FROM procurement_purchases p \
                       WHERE p.org_id = o.id AND p.year = $2 AND p.designated), 0) AS BIGINT) \
                       AS own_designated_fen, \
                     CAST(COALESCE((SELECT SUM(p.amount_fen) FROM procurement_purchases p \
                       WHERE p.org_id = o.id AND p.year = $2), 0) AS BIGINT) AS own_total_fen, \
                     CAST(COALESCE((SELECT SUM(p.amount_fen) FROM procurement_purchases p \
                       JOIN org_closure d ON d.descendant_id = p.org_id \
                       WHERE d.ancestor_id = o.id AND p.year = $2 AND p.designated), 0) AS BIGINT) \
                       AS subtree_designated_fen, \
                     CAST(COALESCE((SELECT SUM(p.amount_fen) FROM procurement_purchases p \
                       JOIN org_closure d ON d.descendant_id = p.org_id \
                       WHERE d.ancestor_id = o.id AND p.year = $2), 0) AS BIGINT) \
                       AS subtree_total_fen, \
                     (SELECT CAST(f.floor_bp AS BIGINT) FROM procurement_floors f \
                       JOIN org_closure u ON u.ancestor_id = f.org_id \
                       WHERE u.descendant_id = o.id AND f.year = $2 \
                       ORDER BY u.depth LIMIT 1) AS floor_bp \
                     FROM orgs o JOIN org_closure c ON c.descendant_id = o.id \
                     WHERE c.ancestor_id = $1 ORDER BY o.level, o.code",
                )
                .bind(root)
                .bind(year)
                .fetch_all(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(rows)
            }

            async fn link_gift_purchase(
                &self,
                scope: &$crate::OrgScope,
                campaign: i64,
                purchase: i64,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::procurement::GiftValue> {
                let mut tx = self.write_tx().await?;
                let c: Option<(i64, i64)> = sqlx::query_as(&format!(
                    "SELECT c.tenant_id, c.org_id FROM campaigns c WHERE c.id = $1 AND {}",
                    $crate::campaign::campaign_tenant(2)
                ))
                .bind(campaign)
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                let (tenant, org_id) = c
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("campaign {campaign}")))?;
                let p: Option<(i64, i64)> = sqlx::query_as(&format!(
                    "SELECT p.amount_fen, p.quantity FROM procurement_purchases p \
                     WHERE p.id = $1 AND p.tenant_id = $3 AND {}",
                    $crate::archive::in_scope("p.org_id", 2)
                ))
                .bind(purchase)
                .bind(scope.org())
                .bind(tenant)
                .fetch_optional(&mut *tx)
                .await?;
                let (amount, quantity) = p
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("purchase {purchase}")))?;
                let unit = huzhu_domain::procurement::unit_price_fen(amount, quantity);
                sqlx::query(
                    "INSERT INTO campaign_gift_purchases (tenant_id, campaign_id, purchase_id, \
                     unit_price_fen, linked_by, linked_at) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (tenant_id, campaign_id) \
                     DO UPDATE SET purchase_id = EXCLUDED.purchase_id, \
                     unit_price_fen = EXCLUDED.unit_price_fen, linked_by = EXCLUDED.linked_by, \
                     linked_at = EXCLUDED.linked_at",
                )
                .bind(tenant)
                .bind(campaign)
                .bind(purchase)
                .bind(unit)
                .bind(by)
                .bind(at)
                .execute(&mut *tx)
                .await?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action: "procurement.gift_link",
                        subject: &format!("campaign {campaign}"),
                        detail: &format!(
                            "慰问品按采购计价 (gift packs valued at purchase {purchase}): {unit} fen each"
                        ),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let v = Self::procurement_gift_value_in(&mut tx, scope, campaign)
                    .await?
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("campaign {campaign}")))?;
                tx.commit().await?;
                Ok(v)
            }

            async fn gift_value(
                &self,
                scope: &$crate::OrgScope,
                campaign: i64,
            ) -> $crate::Result<Option<$crate::procurement::GiftValue>> {
                let mut tx = self.reader.begin().await?;
                let seen: Option<i64> = sqlx::query_scalar(&format!(
                    "SELECT c.id FROM campaigns c WHERE c.id = $1 AND {}",
                    $crate::campaign::campaign_tenant(2)
                ))
                .bind(campaign)
                .bind(scope.org())
                .fetch_optional(&mut *tx)
                .await?;
                if seen.is_none() {
                    return Err($crate::StoreError::NotFound(format!("campaign {campaign}")));
                }
                let v = Self::procurement_gift_value_in(&mut tx, scope, campaign).await?;
                tx.commit().await?;
                Ok(v)
            }
        }
    };
}

pub(crate) use impl_procurement_store;
