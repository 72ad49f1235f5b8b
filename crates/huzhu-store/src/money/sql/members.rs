//! 会员 — the member as the money path reads them: their unit, their record, in a subtree; and
//! the organisation an amount is booked under.

/// Expands the money path's member reads for one backend. `store`: its methods, inside
/// `impl MoneyStore`; `helpers`: the transaction helpers it (and others) use.
macro_rules! money_members {
    (store $store:ty) => {
        async fn member_unit(&self, member: $crate::MemberId) -> $crate::Result<(String, i64)> {
            let row: Option<(String, i64)> = sqlx::query_as(
                "SELECT o.code, m.tenant_id FROM members m JOIN orgs o ON o.id = m.org_id \
                 WHERE m.id = $1",
            )
            .bind(member.0)
            .fetch_optional(&self.reader)
            .await?;
            row.ok_or_else(|| $crate::StoreError::NotFound(format!("member {}", member.0)))
        }

        async fn member(&self, member: $crate::MemberId) -> $crate::Result<$crate::StoredMember> {
            use $crate::sql::{MemberRow, MEMBER_COLUMNS};
            let row: Option<MemberRow> = sqlx::query_as(&format!(
                "SELECT {MEMBER_COLUMNS} FROM members m JOIN orgs o ON o.id = m.org_id \
                 WHERE m.id = $1"
            ))
            .bind(member.0)
            .fetch_optional(&self.reader)
            .await?;
            row.ok_or_else(|| $crate::StoreError::NotFound(format!("member {}", member.0)))?
                .into_stored()
        }

        async fn member_under(
            &self,
            member: $crate::MemberId,
            ancestor: &huzhu_domain::org::OrgCode,
        ) -> $crate::Result<Option<$crate::StoredMember>> {
            use $crate::sql::{MemberRow, MEMBER_COLUMNS};
            let row: Option<MemberRow> = sqlx::query_as(&format!(
                "SELECT {MEMBER_COLUMNS} FROM members m JOIN orgs o ON o.id = m.org_id \
                 WHERE m.id = $1 AND EXISTS (SELECT 1 FROM org_closure c \
                 JOIN orgs a ON a.id = c.ancestor_id \
                 WHERE a.code = $2 AND c.descendant_id = m.org_id)"
            ))
            .bind(member.0)
            .bind(ancestor.as_str())
            .fetch_optional(&self.reader)
            .await?;
            row.map(MemberRow::into_stored).transpose()
        }

        async fn members(
            &self,
            members: &[$crate::MemberId],
        ) -> $crate::Result<Vec<$crate::StoredMember>> {
            use $crate::sql::{placeholders, MemberRow, MEMBER_COLUMNS};
            let mut ids: Vec<i64> = members.iter().map(|m| m.0).collect();
            ids.sort_unstable();
            ids.dedup();
            let mut out = Vec::with_capacity(ids.len());
            for chunk in ids.chunks($crate::money::sql::IN_CHUNK) {
                let sql = format!(
                    "SELECT {MEMBER_COLUMNS} FROM members m JOIN orgs o ON o.id = m.org_id \
                     WHERE m.id IN ({}) ORDER BY m.id",
                    placeholders(1, chunk.len())
                );
                let mut q = sqlx::query_as::<_, MemberRow>(&sql);
                for id in chunk {
                    q = q.bind(*id);
                }
                for row in q.fetch_all(&self.reader).await? {
                    out.push(row.into_stored()?);
                }
            }
            Ok(out)
        }
    };
    (helpers $store:ty) => {
        impl $store {
            /// An organisation's id and tenant, by code, inside `tx`.
            async fn money_org<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                org: &huzhu_domain::org::OrgCode,
            ) -> $crate::Result<(i64, i64)> {
                sqlx::query_as("SELECT id, COALESCE(tenant_id, id) FROM orgs WHERE code = $1")
                    .bind(org.as_str())
                    .fetch_optional(&mut **tx)
                    .await?
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("org {org}")))
            }
        }
    };
}

pub(crate) use money_members;
