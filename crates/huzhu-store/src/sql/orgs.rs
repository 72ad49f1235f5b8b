//! 组织 — the organisation tree (`orgs`, `org_closure`): read by code and by subtree, imported
//! batch by batch, moved with its closure and statistics kept exact.

use crate::model::*;
use crate::StoreError;
use huzhu_domain::org::{OrgCode, OrgLevel, RegionCode};

pub(crate) const ORG_COLUMNS: &str = "o.id, COALESCE(o.tenant_id, o.id) AS tenant_id, o.code, \
     o.name, p.code AS parent_code, o.level, o.region_code";

#[derive(sqlx::FromRow)]
pub(crate) struct OrgRow {
    pub id: i64,
    pub tenant_id: i64,
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
    pub level: i16,
    pub region_code: String,
}

impl OrgRow {
    pub fn into_org(self) -> Result<Org, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("org {} {what}", self.code));
        Ok(Org {
            id: self.id,
            tenant_id: self.tenant_id,
            code: OrgCode::parse(&self.code).map_err(|_| corrupt("code"))?,
            parent: self
                .parent_code
                .as_deref()
                .map(OrgCode::parse)
                .transpose()
                .map_err(|_| corrupt("parent"))?,
            level: OrgLevel::from_number(i64::from(self.level)).ok_or_else(|| corrupt("level"))?,
            region: RegionCode::parse(&self.region_code).map_err(|_| corrupt("region"))?,
            name: self.name,
        })
    }
}

/// Expands the organisation tree's part of [`crate::Store`] for one backend. `store`: its methods, inside
/// `impl Store`; `helpers`: the transaction helpers it (and others) use.
macro_rules! store_orgs {
    (store $store:ty) => {
        async fn import_org_batch(
            &self,
            import: $crate::ImportId,
            rows: &[(u64, huzhu_domain::org::NewOrg)],
            at: chrono::DateTime<chrono::Utc>,
        ) -> $crate::Result<Vec<(u64, $crate::OrgOutcome)>> {
            use $crate::sql::{OrgRow, ORG_COLUMNS};
            use $crate::OrgOutcome;
            let mut tx = self.write_tx().await?;
            let mut out = Vec::with_capacity(rows.len());
            let mut counts = $crate::ImportCounts::default();
            for (row, org) in rows {
                counts.read += 1;
                let existing: Option<OrgRow> = sqlx::query_as(&format!(
                    "SELECT {ORG_COLUMNS} FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id \
                     WHERE o.code = $1"
                ))
                .bind(org.code.as_str())
                .fetch_optional(&mut *tx)
                .await?;
                let parent: Option<OrgRow> = match &org.parent {
                    None => None,
                    Some(code) => {
                        let p: Option<OrgRow> = sqlx::query_as(&format!(
                            "SELECT {ORG_COLUMNS} FROM orgs o \
                             LEFT JOIN orgs p ON p.id = o.parent_id WHERE o.code = $1"
                        ))
                        .bind(code.as_str())
                        .fetch_optional(&mut *tx)
                        .await?;
                        match p {
                            Some(p) => Some(p),
                            None => {
                                counts.rejected += 1;
                                out.push((*row, OrgOutcome::UnknownParent(code.clone())));
                                continue;
                            }
                        }
                    }
                };
                if let Some(p) = &parent {
                    let level = huzhu_domain::org::OrgLevel::from_number(i64::from(p.level))
                        .unwrap_or(huzhu_domain::org::OrgLevel::Grassroots);
                    if let Err(e) = org.check_parent_level(level) {
                        counts.rejected += 1;
                        out.push((*row, OrgOutcome::Rejected(e.to_string())));
                        continue;
                    }
                }
                let outcome = match existing {
                    None => {
                        let id: i64 = sqlx::query_scalar(
                            "INSERT INTO orgs (tenant_id, code, name, parent_id, level, \
                             region_code, created_at, updated_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
                        )
                        .bind(parent.as_ref().map(|p| p.tenant_id))
                        .bind(org.code.as_str())
                        .bind(&org.name)
                        .bind(parent.as_ref().map(|p| p.id))
                        .bind(org.level.number() as i16)
                        .bind(org.region.to_string())
                        .bind(at)
                        .fetch_one(&mut *tx)
                        .await?;
                        if parent.is_none() {
                            sqlx::query("UPDATE orgs SET tenant_id = id WHERE id = $1")
                                .bind(id)
                                .execute(&mut *tx)
                                .await?;
                        }
                        sqlx::query(
                            "INSERT INTO org_closure (ancestor_id, descendant_id, depth) \
                             SELECT ancestor_id, $1, depth + 1 FROM org_closure \
                             WHERE descendant_id = $2 \
                             UNION ALL SELECT $1, $1, 0",
                        )
                        .bind(id)
                        .bind(parent.as_ref().map(|p| p.id).unwrap_or(-1))
                        .execute(&mut *tx)
                        .await?;
                        counts.created += 1;
                        OrgOutcome::Created
                    }
                    Some(old) => {
                        let same_parent = old.parent_code.as_deref()
                            == org.parent.as_ref().map(|c| c.as_str());
                        let same = same_parent
                            && old.name == org.name
                            && i64::from(old.level) == org.level.number()
                            && old.region_code == org.region.to_string();
                        if same {
                            counts.unchanged += 1;
                            OrgOutcome::Unchanged
                        } else if let Some(reason) =
                            Self::check_move(&mut tx, &old, parent.as_ref(), org).await?
                        {
                            counts.rejected += 1;
                            OrgOutcome::Rejected(reason)
                        } else {
                            sqlx::query(
                                "UPDATE orgs SET name = $1, level = $2, region_code = $3, \
                                 parent_id = $4, updated_at = $5 WHERE id = $6",
                            )
                            .bind(&org.name)
                            .bind(org.level.number() as i16)
                            .bind(org.region.to_string())
                            .bind(parent.as_ref().map(|p| p.id))
                            .bind(at)
                            .bind(old.id)
                            .execute(&mut *tx)
                            .await?;
                            if !same_parent {
                                // The subtree's figures leave the old ancestors' rows and
                                // join the new ones'.
                                Self::stat_move_subtree(&mut tx, old.id, -1).await?;
                                Self::reparent(&mut tx, old.id, parent.as_ref().map(|p| p.id))
                                    .await?;
                                Self::stat_move_subtree(&mut tx, old.id, 1).await?;
                            }
                            counts.updated += 1;
                            OrgOutcome::Updated
                        }
                    }
                };
                out.push((*row, outcome));
            }
            Self::add_counts(&mut tx, import, &counts).await?;
            tx.commit().await?;
            Ok(out)
        }

        async fn org(&self, code: &huzhu_domain::org::OrgCode) -> $crate::Result<$crate::Org> {
            use $crate::sql::{OrgRow, ORG_COLUMNS};
            let row: Option<OrgRow> = sqlx::query_as(&format!(
                "SELECT {ORG_COLUMNS} FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id \
                 WHERE o.code = $1"
            ))
            .bind(code.as_str())
            .fetch_optional(&self.reader)
            .await?;
            row.ok_or_else(|| $crate::StoreError::NotFound(format!("org {code}")))?
                .into_org()
        }

        async fn orgs_under(
            &self,
            under: Option<&huzhu_domain::org::OrgCode>,
        ) -> $crate::Result<Vec<$crate::Org>> {
            use $crate::sql::{OrgRow, ORG_COLUMNS};
            let rows: Vec<OrgRow> = match under {
                None => {
                    sqlx::query_as(&format!(
                        "SELECT {ORG_COLUMNS} FROM orgs o \
                         LEFT JOIN orgs p ON p.id = o.parent_id ORDER BY o.level, o.code"
                    ))
                    .fetch_all(&self.reader)
                    .await?
                }
                Some(code) => {
                    let top = self.org(code).await?;
                    sqlx::query_as(&format!(
                        "SELECT {ORG_COLUMNS} FROM org_closure c \
                         JOIN orgs o ON o.id = c.descendant_id \
                         LEFT JOIN orgs p ON p.id = o.parent_id \
                         WHERE c.ancestor_id = $1 ORDER BY o.level, o.code"
                    ))
                    .bind(top.id)
                    .fetch_all(&self.reader)
                    .await?
                }
            };
            rows.into_iter().map(OrgRow::into_org).collect()
        }
    };
    (helpers $store:ty) => {
        impl $store {
            /// Whether `old` may move under `parent` with the values of `org`: not under itself
            /// or its own subtree, not to another city, children still deeper than it.
            async fn check_move<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                old: &$crate::sql::OrgRow,
                parent: Option<&$crate::sql::OrgRow>,
                org: &huzhu_domain::org::NewOrg,
            ) -> $crate::Result<Option<String>> {
                if let Some(p) = parent {
                    let inside: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM org_closure WHERE ancestor_id = $1 \
                         AND descendant_id = $2",
                    )
                    .bind(old.id)
                    .bind(p.id)
                    .fetch_one(&mut **tx)
                    .await?;
                    if inside > 0 {
                        return Ok(Some(format!(
                            "上级组织{}在本组织之下，不能形成环 ({} is inside this org's own subtree)",
                            p.code, p.code
                        )));
                    }
                    if p.tenant_id != old.tenant_id {
                        return Ok(Some(
                            "不能把组织移到另一个市总工会之下 (an org cannot move to another city federation)"
                                .to_string(),
                        ));
                    }
                } else if old.parent_code.is_some() {
                    return Ok(Some(
                        "已有上级的组织不能改为市级 (an org with a parent cannot become a city federation)"
                            .to_string(),
                    ));
                }
                let deepest_child: Option<i16> = sqlx::query_scalar(
                    "SELECT MIN(level) FROM orgs WHERE parent_id = $1",
                )
                .bind(old.id)
                .fetch_one(&mut **tx)
                .await?;
                if let Some(child) = deepest_child {
                    if i64::from(child) <= org.level.number() {
                        return Ok(Some(format!(
                            "下级组织的层级必须低于本组织 (children at level {child} must sit below level {})",
                            org.level.number()
                        )));
                    }
                }
                let members: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM members WHERE org_id = $1")
                        .bind(old.id)
                        .fetch_one(&mut **tx)
                        .await?;
                if members > 0 && org.level != huzhu_domain::org::OrgLevel::Grassroots {
                    return Ok(Some(
                        "已有会员的基层工会不能改为其他层级 (a grassroots union with members must stay grassroots)"
                            .to_string(),
                    ));
                }
                Ok(None)
            }

            /// Moves the subtree of `org` under `parent` in the closure table.
            async fn reparent<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                org: i64,
                parent: Option<i64>,
            ) -> $crate::Result<()> {
                sqlx::query(
                    "DELETE FROM org_closure WHERE descendant_id IN \
                     (SELECT descendant_id FROM org_closure WHERE ancestor_id = $1) \
                     AND ancestor_id NOT IN \
                     (SELECT descendant_id FROM org_closure WHERE ancestor_id = $1)",
                )
                .bind(org)
                .execute(&mut **tx)
                .await?;
                if let Some(parent) = parent {
                    sqlx::query(
                        "INSERT INTO org_closure (ancestor_id, descendant_id, depth) \
                         SELECT a.ancestor_id, d.descendant_id, a.depth + d.depth + 1 \
                         FROM org_closure a, org_closure d \
                         WHERE a.descendant_id = $1 AND d.ancestor_id = $2",
                    )
                    .bind(parent)
                    .bind(org)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }
        }
    };
}

pub(crate) use store_orgs;
