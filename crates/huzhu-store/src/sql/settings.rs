//! 设置 — settings (`settings`): read, set, and changed with an audit entry.

/// Expands the settings' part of [`crate::Store`] for one backend. `store`: its methods, inside
/// `impl Store`.
macro_rules! store_settings {
    (store $store:ty) => {
        async fn setting(&self, key: &str) -> $crate::Result<Option<String>> {
            Ok(
                sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&self.reader)
                    .await?,
            )
        }

        async fn set_setting(&self, key: &str, value: &str) -> $crate::Result<()> {
            let mut tx = self.write_tx().await?;
            sqlx::query(
                "INSERT INTO settings (key, value) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(key)
            .bind(value)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        }

        async fn change_setting(
            &self,
            key: &str,
            value: Option<&str>,
            entry: &$crate::AuditEntry,
        ) -> $crate::Result<Option<String>> {
            let mut tx = self.write_tx().await?;
            let old: Option<String> =
                sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&mut *tx)
                    .await?;
            match value {
                Some(value) => {
                    sqlx::query(
                        "INSERT INTO settings (key, value) VALUES ($1, $2) \
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    )
                    .bind(key)
                    .bind(value)
                    .execute(&mut *tx)
                    .await?;
                }
                None => {
                    sqlx::query("DELETE FROM settings WHERE key = $1")
                        .bind(key)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            let entry = $crate::AuditEntry {
                detail: format!(
                    "{}; old: {}",
                    entry.detail,
                    old.as_deref().unwrap_or("(none)")
                ),
                ..entry.clone()
            };
            Self::insert_audit(&mut *tx, &entry).await?;
            tx.commit().await?;
            Ok(old)
        }
    };
}

pub(crate) use store_settings;
