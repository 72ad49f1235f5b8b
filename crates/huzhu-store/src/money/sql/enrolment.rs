//! 参保与缴费 — enrolment and bills (`enrolments`, `bills`): a unit enrols its members and pays
//! its bill, with statistics, ledger entries and the audit entry in the same transaction.

/// Expands enrolment and bills for one backend. `store`: its methods, inside
/// `impl MoneyStore`.
macro_rules! money_enrolment {
    (store $store:ty) => {
        async fn enrol_unit(
            &self,
            e: &$crate::money::UnitEnrolment<'_>,
        ) -> $crate::Result<$crate::money::BillId> {
            let mut tx = self.write_tx().await?;
            let (org_id, tenant) = Self::money_org(&mut tx, e.unit).await?;
            let payer = match e.payer.filter(|p| *p != e.unit) {
                None => None,
                Some(p) => {
                    let (payer_id, payer_tenant) = Self::money_org(&mut tx, p).await?;
                    if payer_tenant != tenant {
                        return Err($crate::StoreError::Conflict(format!(
                            "缴费组织 {p} 与 {} 不在同一总工会 (payer {p} is not in the unit's tenant)",
                            e.unit
                        )));
                    }
                    Some(payer_id)
                }
            };
            let bill: i64 = sqlx::query_scalar(
                "INSERT INTO bills (tenant_id, org_id, payer_org_id, policy_id, members, \
                 amount_fen, status, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 'unpaid', $7, $8) RETURNING id",
            )
            .bind(tenant)
            .bind(org_id)
            .bind(payer)
            .bind(e.policy)
            .bind(i32::try_from(e.members).unwrap_or(i32::MAX))
            .bind(e.total.fen())
            .bind(e.actor)
            .bind(e.at)
            .fetch_one(&mut *tx)
            .await?;
            // The entry names the policy (its name, not its file id), and goes in with the
            // bill: an enrolment refused below rolls both back.
            let policy_name: Option<String> =
                sqlx::query_scalar("SELECT name FROM policies WHERE id = $1")
                    .bind(e.policy)
                    .fetch_optional(&mut *tx)
                    .await?;
            Self::audit_in(
                &mut tx,
                &$crate::bank::TxAudit {
                    at: e.at,
                    actor: e.actor,
                    action: "enrolment",
                    subject: &$crate::money::audit::bill_subject(bill),
                    detail: &$crate::money::audit::enrolment_detail(
                        policy_name.as_deref().unwrap_or(e.policy),
                        e.members,
                        e.lines.len(),
                        e.total,
                    ),
                    org_id: Some(org_id),
                },
            )
            .await?;
            for l in e.lines {
                let done = sqlx::query(
                    "INSERT INTO enrolments (tenant_id, member_id, policy_id, item, shares, \
                     start_date, renewal, org_id, bill_id, contribution_fen, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(tenant)
                .bind(l.member.0)
                .bind(e.policy)
                .bind(&l.item)
                .bind(i32::try_from(l.shares).unwrap_or(i32::MAX))
                .bind(l.start)
                .bind(l.renewal)
                .bind(org_id)
                .bind(bill)
                .bind(l.contribution.fen())
                .bind(e.at)
                .execute(&mut *tx)
                .await;
                if let Err(err) = done {
                    return Err(match $crate::StoreError::from(err) {
                        $crate::StoreError::Conflict(_) => $crate::StoreError::Conflict(format!(
                            "会员 #{} 已参加项目 {}（{}） (member #{} is already enrolled in item {} of {})",
                            l.member.0, l.item, e.policy, l.member.0, l.item, e.policy
                        )),
                        other => other,
                    });
                }
            }
            Self::stat_apply_enrolments(&mut tx, "e.bill_id = $1", bill, None, 1).await?;
            if let Some(entry) = e.entry {
                let refs = $crate::money::EntryRefs {
                    bill: Some($crate::money::BillId(bill)),
                    ..Default::default()
                };
                Self::money_post(&mut tx, tenant, entry, refs, None, e.actor, e.at).await?;
            }
            tx.commit().await?;
            Ok($crate::money::BillId(bill))
        }

        async fn member_enrolments(
            &self,
            member: $crate::MemberId,
        ) -> $crate::Result<Vec<$crate::money::StoredEnrolment>> {
            use $crate::money::rows::{EnrolmentRow, ENROLMENT_COLUMNS};
            let rows: Vec<EnrolmentRow> = sqlx::query_as(&format!(
                "SELECT {ENROLMENT_COLUMNS} FROM enrolments e \
                 JOIN policies p ON p.id = e.policy_id JOIN orgs o ON o.id = e.org_id \
                 WHERE e.member_id = $1 ORDER BY p.cycle_start, e.policy_id, e.item"
            ))
            .bind(member.0)
            .fetch_all(&self.reader)
            .await?;
            Ok(rows.into_iter().map(Into::into).collect())
        }

        async fn unit_enrolments(
            &self,
            unit: &huzhu_domain::org::OrgCode,
            policy: &str,
        ) -> $crate::Result<Vec<$crate::money::StoredEnrolment>> {
            use $crate::money::rows::{EnrolmentRow, ENROLMENT_COLUMNS};
            let rows: Vec<EnrolmentRow> = sqlx::query_as(&format!(
                "SELECT {ENROLMENT_COLUMNS} FROM enrolments e \
                 JOIN policies p ON p.id = e.policy_id JOIN orgs o ON o.id = e.org_id \
                 WHERE o.code = $1 AND e.policy_id = $2 ORDER BY e.member_id, e.item"
            ))
            .bind(unit.as_str())
            .bind(policy)
            .fetch_all(&self.reader)
            .await?;
            Ok(rows.into_iter().map(Into::into).collect())
        }

        async fn members_with_enrolments(
            &self,
            members: &[$crate::MemberId],
            policy: &str,
        ) -> $crate::Result<
            Vec<($crate::StoredMember, Vec<$crate::money::StoredEnrolment>)>,
        > {
            use $crate::money::rows::{EnrolmentRow, ENROLMENT_COLUMNS};
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
                let found = q.fetch_all(&self.reader).await?;
                let sql = format!(
                    "SELECT {ENROLMENT_COLUMNS} FROM enrolments e \
                     JOIN policies p ON p.id = e.policy_id JOIN orgs o ON o.id = e.org_id \
                     WHERE e.policy_id = $1 AND e.member_id IN ({}) \
                     ORDER BY e.member_id, e.item",
                    placeholders(2, chunk.len())
                );
                let mut q = sqlx::query_as::<_, EnrolmentRow>(&sql).bind(policy);
                for id in chunk {
                    q = q.bind(*id);
                }
                let mut enrolments = q.fetch_all(&self.reader).await?.into_iter().peekable();
                for row in found {
                    let member = row.into_stored()?;
                    let mut own = Vec::new();
                    while let Some(e) = enrolments.next_if(|e| e.member_id <= member.id.0) {
                        if e.member_id == member.id.0 {
                            own.push(e.into());
                        }
                    }
                    out.push((member, own));
                }
            }
            Ok(out)
        }

        async fn bill(&self, id: $crate::money::BillId) -> $crate::Result<$crate::money::Bill> {
            use $crate::money::rows::{BillRow, BILL_COLUMNS};
            let row: Option<BillRow> = sqlx::query_as(&format!(
                "SELECT {BILL_COLUMNS} FROM bills b JOIN orgs o ON o.id = b.org_id \
                 LEFT JOIN orgs po ON po.id = b.payer_org_id WHERE b.id = $1"
            ))
            .bind(id.0)
            .fetch_optional(&self.reader)
            .await?;
            row.map(Into::into)
                .ok_or_else(|| $crate::StoreError::NotFound(format!("bill {}", id.0)))
        }

        async fn bill_under(
            &self,
            id: $crate::money::BillId,
            scope: &$crate::OrgScope,
        ) -> $crate::Result<$crate::money::Bill> {
            use $crate::money::rows::{BillRow, BILL_COLUMNS};
            let row: Option<BillRow> = sqlx::query_as(&format!(
                "SELECT {BILL_COLUMNS} FROM bills b JOIN orgs o ON o.id = b.org_id \
                 LEFT JOIN orgs po ON po.id = b.payer_org_id WHERE b.id = $1 AND {}",
                $crate::model::org_under("b.org_id", 2)
            ))
            .bind(id.0)
            .bind(scope.org())
            .fetch_optional(&self.reader)
            .await?;
            row.map(Into::into)
                .ok_or_else(|| $crate::StoreError::NotFound(format!("bill {}", id.0)))
        }

        async fn bills_under(
            &self,
            org: &huzhu_domain::org::OrgCode,
        ) -> $crate::Result<Vec<$crate::money::Bill>> {
            use $crate::money::rows::{BillRow, BILL_COLUMNS};
            let rows: Vec<BillRow> = sqlx::query_as(&format!(
                "SELECT {BILL_COLUMNS} FROM orgs top \
                 JOIN org_closure c ON c.ancestor_id = top.id \
                 JOIN bills b ON b.org_id = c.descendant_id \
                 JOIN orgs o ON o.id = b.org_id \
                 LEFT JOIN orgs po ON po.id = b.payer_org_id \
                 WHERE top.code = $1 ORDER BY b.id DESC"
            ))
            .bind(org.as_str())
            .fetch_all(&self.reader)
            .await?;
            Ok(rows.into_iter().map(Into::into).collect())
        }

        async fn pay_bill(
            &self,
            id: $crate::money::BillId,
            payment_ref: &str,
            entry: &huzhu_domain::ledger::Entry,
            actor: &str,
            at: chrono::DateTime<chrono::Utc>,
        ) -> $crate::Result<$crate::money::Bill> {
            let mut tx = self.write_tx().await?;
            let paid: Option<(i64, i64, i64)> = sqlx::query_as(
                "UPDATE bills SET status = 'paid', payment_ref = $1, paid_by = $2, \
                 paid_at = $3 WHERE id = $4 AND status = 'unpaid' \
                 RETURNING tenant_id, COALESCE(payer_org_id, org_id), amount_fen",
            )
            .bind(payment_ref)
            .bind(actor)
            .bind(at)
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((tenant, org_id, amount)) = paid else {
                return Err($crate::StoreError::Conflict(format!(
                    "账单 {} 不存在或已付 (bill {} is unknown or already paid)",
                    id.0, id.0
                )));
            };
            let refs = $crate::money::EntryRefs {
                bill: Some(id),
                ..Default::default()
            };
            Self::money_post(&mut tx, tenant, entry, refs, None, actor, at).await?;
            Self::audit_in(
                &mut tx,
                &$crate::bank::TxAudit {
                    at,
                    actor,
                    action: "bill.paid",
                    subject: &$crate::money::audit::bill_subject(id.0),
                    detail: &$crate::money::audit::bill_paid_detail(
                        huzhu_domain::money::Money::from_fen(amount),
                        payment_ref,
                    ),
                    org_id: Some(org_id),
                },
            )
            .await?;
            tx.commit().await?;
            self.bill(id).await
        }
    };
}

pub(crate) use money_enrolment;
