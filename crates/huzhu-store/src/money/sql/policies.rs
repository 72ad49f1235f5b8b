//! 保障方案 — the policies loaded into the store (`policies`): loaded, read by id, listed.

/// Expands the policies' part of [`crate::money::MoneyStore`] for one backend. `store`: its methods, inside
/// `impl MoneyStore`.
macro_rules! money_policies {
    (store $store:ty) => {
        async fn load_policy(&self, p: &$crate::money::PolicyRecord) -> $crate::Result<()> {
            let mut tx = self.write_tx().await?;
            let existing: Option<String> =
                sqlx::query_scalar("SELECT sha256 FROM policies WHERE id = $1")
                    .bind(&p.id)
                    .fetch_optional(&mut *tx)
                    .await?;
            match existing {
                Some(sha) if sha == p.sha256 => return Ok(()),
                Some(_) => {
                    return Err($crate::StoreError::Conflict(format!(
                        "政策 {} 已载入且内容不同；修改后的政策须使用新的编号 \
                         (policy {} is loaded with other content; a changed policy needs a new id)",
                        p.id, p.id
                    )))
                }
                None => {}
            }
            let done = sqlx::query(
                "INSERT INTO policies (id, name, cycle_start, cycle_end, sha256, source, \
                 loaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&p.id)
            .bind(&p.name)
            .bind(p.cycle_start)
            .bind(p.cycle_end)
            .bind(&p.sha256)
            .bind(&p.source)
            .bind(p.loaded_at)
            .execute(&mut *tx)
            .await;
            match done.map_err($crate::StoreError::from) {
                // Loaded meanwhile by a concurrent first use (PostgreSQL runs them side by
                // side): the same text is what was asked for.
                Err($crate::StoreError::Conflict(e)) => {
                    drop(tx);
                    let now: Option<String> =
                        sqlx::query_scalar("SELECT sha256 FROM policies WHERE id = $1")
                            .bind(&p.id)
                            .fetch_optional(&self.pool)
                            .await?;
                    if now.as_deref() == Some(p.sha256.as_str()) {
                        Ok(())
                    } else {
                        Err($crate::StoreError::Conflict(e))
                    }
                }
                Err(e) => Err(e),
                Ok(_) => {
                    tx.commit().await?;
                    Ok(())
                }
            }
        }

        async fn policy_record(&self, id: &str) -> $crate::Result<$crate::money::PolicyRecord> {
            let row: Option<$crate::money::rows::PolicyRow> = sqlx::query_as(
                "SELECT id, name, cycle_start, cycle_end, sha256, source, loaded_at \
                 FROM policies WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
            row.map(Into::into)
                .ok_or_else(|| $crate::StoreError::NotFound(format!("policy {id}")))
        }

        async fn policy_records(&self) -> $crate::Result<Vec<$crate::money::PolicyRecord>> {
            let rows: Vec<$crate::money::rows::PolicyRow> = sqlx::query_as(
                "SELECT id, name, cycle_start, cycle_end, sha256, source, loaded_at \
                 FROM policies ORDER BY cycle_start, id",
            )
            .fetch_all(&self.reader)
            .await?;
            Ok(rows.into_iter().map(Into::into).collect())
        }
    };
}

pub(crate) use money_policies;
