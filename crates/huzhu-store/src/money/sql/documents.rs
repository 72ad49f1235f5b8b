//! 材料 — a claim's documents (`documents`, `blobs`): kinds, uploads, the bytes.

/// Expands documents for one backend. `store`: its methods, inside
/// `impl MoneyStore`.
macro_rules! money_documents {
    (store $store:ty) => {
        async fn document_kinds(
            &self,
            claims: &[$crate::money::ClaimId],
        ) -> $crate::Result<std::collections::BTreeMap<$crate::money::ClaimId, Vec<String>>> {
            use $crate::sql::placeholders;
            let mut out: std::collections::BTreeMap<$crate::money::ClaimId, Vec<String>> =
                std::collections::BTreeMap::new();
            for chunk in claims.chunks($crate::money::sql::IN_CHUNK) {
                let sql = format!(
                    "SELECT claim_id, kind FROM documents WHERE claim_id IN ({}) \
                     ORDER BY claim_id, id",
                    placeholders(1, chunk.len())
                );
                let mut q = sqlx::query_as::<_, (i64, String)>(&sql);
                for c in chunk {
                    q = q.bind(c.0);
                }
                for (claim, kind) in q.fetch_all(&self.reader).await? {
                    out.entry($crate::money::ClaimId(claim))
                        .or_default()
                        .push(kind);
                }
            }
            Ok(out)
        }

        async fn add_document(
            &self,
            d: &$crate::money::NewDocument,
        ) -> $crate::Result<$crate::money::StoredDocument> {
            let mut tx = self.write_tx().await?;
            let tenant: i64 = sqlx::query_scalar("SELECT tenant_id FROM claims WHERE id = $1")
                .bind(d.claim.0)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| $crate::StoreError::NotFound(format!("claim {}", d.claim.0)))?;
            let size = i64::try_from(d.bytes.len()).unwrap_or(i64::MAX);
            sqlx::query(
                "INSERT INTO blobs (sha256, content_type, size, bytes, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING",
            )
            .bind(&d.sha256)
            .bind(&d.content_type)
            .bind(size)
            .bind(&d.bytes)
            .bind(d.at)
            .execute(&mut *tx)
            .await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO documents (tenant_id, claim_id, kind, sha256, file_name, \
                 content_type, size, uploaded_by, uploaded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(tenant)
            .bind(d.claim.0)
            .bind(&d.kind)
            .bind(&d.sha256)
            .bind(&d.file_name)
            .bind(&d.content_type)
            .bind(size)
            .bind(&d.uploaded_by)
            .bind(d.at)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok($crate::money::StoredDocument {
                id,
                claim: d.claim,
                kind: d.kind.clone(),
                sha256: d.sha256.clone(),
                file_name: d.file_name.clone(),
                content_type: d.content_type.clone(),
                size,
                uploaded_by: d.uploaded_by.clone(),
                uploaded_at: d.at,
            })
        }

        async fn documents(
            &self,
            claim: $crate::money::ClaimId,
        ) -> $crate::Result<Vec<$crate::money::StoredDocument>> {
            let rows: Vec<$crate::money::rows::DocumentRow> = sqlx::query_as(
                "SELECT id, claim_id, kind, sha256, file_name, content_type, size, \
                 uploaded_by, uploaded_at FROM documents WHERE claim_id = $1 ORDER BY id",
            )
            .bind(claim.0)
            .fetch_all(&self.reader)
            .await?;
            Ok(rows.into_iter().map(Into::into).collect())
        }

        async fn blob(&self, sha256: &str) -> $crate::Result<(String, Vec<u8>)> {
            let row: Option<(String, Vec<u8>)> =
                sqlx::query_as("SELECT content_type, bytes FROM blobs WHERE sha256 = $1")
                    .bind(sha256)
                    .fetch_optional(&self.reader)
                    .await?;
            row.ok_or_else(|| $crate::StoreError::NotFound(format!("file {sha256}")))
        }
    };
}

pub(crate) use money_documents;
