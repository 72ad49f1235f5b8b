//! The SQL of the money path, shared by both backends like `crate::sql`; [`impl_money_store!`]
//! expands [`super::MoneyStore`] once per backend.

macro_rules! impl_money_store {
    ($store:ty) => {
        impl $crate::money::MoneyStore for $store {
            fn identity(&self) -> usize {
                self.instance
            }

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

            async fn member_unit(
                &self,
                member: $crate::MemberId,
            ) -> $crate::Result<(String, i64)> {
                let row: Option<(String, i64)> = sqlx::query_as(
                    "SELECT o.code, m.tenant_id FROM members m JOIN orgs o ON o.id = m.org_id \
                     WHERE m.id = $1",
                )
                .bind(member.0)
                .fetch_optional(&self.reader)
                .await?;
                row.ok_or_else(|| $crate::StoreError::NotFound(format!("member {}", member.0)))
            }

            async fn member(
                &self,
                member: $crate::MemberId,
            ) -> $crate::Result<$crate::StoredMember> {
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

            async fn member_claims(
                &self,
                member: $crate::MemberId,
                policy: &str,
            ) -> $crate::Result<Vec<$crate::money::StoredClaim>> {
                use $crate::money::rows::{ClaimRow, CLAIM_COLUMNS};
                let rows: Vec<ClaimRow> = sqlx::query_as(&format!(
                    "SELECT {CLAIM_COLUMNS} FROM claims c JOIN orgs o ON o.id = c.org_id \
                     WHERE c.member_id = $1 AND c.policy_id = $2 ORDER BY c.id"
                ))
                .bind(member.0)
                .bind(policy)
                .fetch_all(&self.reader)
                .await?;
                rows.into_iter().map(ClaimRow::into_claim).collect()
            }

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

            async fn create_claim(
                &self,
                c: &$crate::money::NewClaim,
            ) -> $crate::Result<$crate::money::CreatedClaim> {
                let store = self.clone();
                self.claim_writes
                    .submit(c.clone(), move |batch| async move {
                        store.money_write_claims(batch).await
                    })
                    .await
                    .unwrap_or_else(|| {
                        Err($crate::StoreError::Corrupt(
                            "the batch holding the claim ended without an answer".into(),
                        ))
                    })
            }

            async fn claim(
                &self,
                id: $crate::money::ClaimId,
            ) -> $crate::Result<$crate::money::StoredClaim> {
                use $crate::money::rows::{ClaimRow, CLAIM_COLUMNS};
                let row: Option<ClaimRow> = sqlx::query_as(&format!(
                    "SELECT {CLAIM_COLUMNS} FROM claims c JOIN orgs o ON o.id = c.org_id \
                     WHERE c.id = $1"
                ))
                .bind(id.0)
                .fetch_optional(&self.reader)
                .await?;
                row.ok_or_else(|| $crate::StoreError::NotFound(format!("claim {}", id.0)))?
                    .into_claim()
            }

            async fn claims_under(
                &self,
                org: &huzhu_domain::org::OrgCode,
                filter: &$crate::money::ClaimFilter,
            ) -> $crate::Result<Vec<$crate::money::StoredClaim>> {
                use $crate::money::rows::{ClaimRow, CLAIM_COLUMNS};
                use $crate::money::FilterBind;
                let (conditions, binds) = filter.conditions(3);
                let n = 3 + binds.len();
                let sql = format!(
                    "SELECT {CLAIM_COLUMNS} FROM orgs top \
                     JOIN org_closure cl ON cl.ancestor_id = top.id \
                     JOIN claims c ON c.org_id = cl.descendant_id \
                     JOIN orgs o ON o.id = c.org_id \
                     WHERE top.code = $1 AND c.id > $2{conditions} ORDER BY c.id LIMIT ${n}"
                );
                let mut q = sqlx::query_as::<_, ClaimRow>(&sql)
                    .bind(org.as_str())
                    .bind(filter.after.map(|c| c.0).unwrap_or(0));
                for b in binds {
                    q = match b {
                        FilterBind::Int(i) => q.bind(i),
                        FilterBind::Text(t) => q.bind(t),
                    };
                }
                let limit = if filter.limit == 0 { 100 } else { filter.limit };
                let rows = q.bind(i64::from(limit)).fetch_all(&self.reader).await?;
                rows.into_iter().map(ClaimRow::into_claim).collect()
            }

            async fn count_claims_under(
                &self,
                org: &huzhu_domain::org::OrgCode,
                filter: &$crate::money::ClaimFilter,
            ) -> $crate::Result<u64> {
                use $crate::money::FilterBind;
                let (conditions, binds) = filter.conditions(2);
                let sql = format!(
                    "SELECT COUNT(*) FROM orgs top \
                     JOIN org_closure cl ON cl.ancestor_id = top.id \
                     JOIN claims c ON c.org_id = cl.descendant_id \
                     WHERE top.code = $1{conditions}"
                );
                let mut q = sqlx::query_scalar::<_, i64>(&sql).bind(org.as_str());
                for b in binds {
                    q = match b {
                        FilterBind::Int(i) => q.bind(i),
                        FilterBind::Text(t) => q.bind(t),
                    };
                }
                let n = q.fetch_one(&self.reader).await?;
                Ok(u64::try_from(n).unwrap_or(0))
            }

            async fn claims_of_policy(
                &self,
                policy: &str,
                after: Option<$crate::money::ClaimId>,
                limit: u32,
            ) -> $crate::Result<Vec<$crate::money::StoredClaim>> {
                use $crate::money::rows::{ClaimRow, CLAIM_COLUMNS};
                let rows: Vec<ClaimRow> = sqlx::query_as(&format!(
                    "SELECT {CLAIM_COLUMNS} FROM claims c JOIN orgs o ON o.id = c.org_id \
                     WHERE c.policy_id = $1 AND c.id > $2 ORDER BY c.id LIMIT $3"
                ))
                .bind(policy)
                .bind(after.map(|c| c.0).unwrap_or(0))
                .bind(i64::from(limit))
                .fetch_all(&self.reader)
                .await?;
                rows.into_iter().map(ClaimRow::into_claim).collect()
            }

            async fn claims_page_by_member(
                &self,
                policy: &str,
                after: Option<($crate::MemberId, $crate::money::ClaimId)>,
                limit: u32,
            ) -> $crate::Result<Vec<$crate::money::StoredClaim>> {
                use $crate::money::rows::{ClaimRow, CLAIM_COLUMNS};
                let (member, claim) = after.map(|(m, c)| (m.0, c.0)).unwrap_or((i64::MIN, 0));
                let rows: Vec<ClaimRow> = sqlx::query_as(&format!(
                    "SELECT {CLAIM_COLUMNS} FROM claims c JOIN orgs o ON o.id = c.org_id \
                     WHERE c.policy_id = $1 AND (c.member_id, c.id) > ($2, $3) \
                     ORDER BY c.member_id, c.id LIMIT $4"
                ))
                .bind(policy)
                .bind(member)
                .bind(claim)
                .bind(i64::from(limit))
                .fetch_all(&self.reader)
                .await?;
                rows.into_iter().map(ClaimRow::into_claim).collect()
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

            async fn document_kinds(
                &self,
                claims: &[$crate::money::ClaimId],
            ) -> $crate::Result<
                std::collections::BTreeMap<$crate::money::ClaimId, Vec<String>>,
            > {
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

            async fn record_decisions(
                &self,
                decisions: &[($crate::money::ClaimId, String, huzhu_domain::money::Money)],
            ) -> $crate::Result<u64> {
                let mut tx = self.write_tx().await?;
                let mut written = 0u64;
                let mut delta = $crate::stats::ClaimDelta::new();
                for chunk in decisions.chunks($crate::money::sql::UPDATE_CHUNK) {
                    let ids: Vec<i64> = chunk.iter().map(|(c, _, _)| c.0).collect();
                    let new: std::collections::HashMap<i64, (&str, i64)> = chunk
                        .iter()
                        .map(|(c, d, p)| (c.0, (d.as_str(), p.fen())))
                        .collect();
                    for r in Self::stat_claim_rows(&mut tx, &ids).await? {
                        r.add_to(&mut delta, -1);
                        if let Some((d, p)) = new.get(&r.id) {
                            let mut after = r;
                            after.decision = Some((*d).to_string());
                            after.payable_fen = Some(*p);
                            after.add_to(&mut delta, 1);
                        }
                    }
                    // `UPDATE … FROM (VALUES …)`: PostgreSQL and SQLite (≥ 3.33) both take it,
                    // and both name the columns of a VALUES list column1, column2, …
                    let rows = (0..chunk.len())
                        .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let sql = format!(
                        "UPDATE claims SET decision = v.column2, payable_fen = v.column3, \
                         version = claims.version + 1 FROM (VALUES {rows}) AS v \
                         WHERE claims.id = v.column1"
                    );
                    let mut q = sqlx::query(&sql);
                    for (claim, decision, payable) in chunk {
                        q = q.bind(claim.0).bind(decision.as_str()).bind(payable.fen());
                    }
                    let done = q.execute(&mut *tx).await?.rows_affected();
                    if done != chunk.len() as u64 {
                        return Err($crate::StoreError::NotFound(format!(
                            "{} of {} claims",
                            chunk.len() as u64 - done,
                            chunk.len()
                        )));
                    }
                    written += done;
                }
                Self::stat_apply_claims(&mut tx, &delta).await?;
                tx.commit().await?;
                Ok(written)
            }

            async fn change_claim(
                &self,
                c: &$crate::money::ClaimChange,
            ) -> $crate::Result<$crate::money::StoredClaim> {
                let mut tx = self.write_tx().await?;
                let mut delta = $crate::stats::ClaimDelta::new();
                Self::money_apply_change(&mut tx, c, &mut delta).await?;
                Self::stat_apply_claims(&mut tx, &delta).await?;
                tx.commit().await?;
                self.claim(c.claim).await
            }

            async fn claim_events(
                &self,
                id: $crate::money::ClaimId,
            ) -> $crate::Result<Vec<$crate::money::ClaimEvent>> {
                let rows: Vec<$crate::money::rows::EventRow> = sqlx::query_as(
                    "SELECT action, from_state, to_state, actor, actor_role, reason, at \
                     FROM claim_events WHERE claim_id = $1 ORDER BY id",
                )
                .bind(id.0)
                .fetch_all(&self.reader)
                .await?;
                rows.into_iter().map(|r| r.into_event()).collect()
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

            async fn create_batch(
                &self,
                org: &huzhu_domain::org::OrgCode,
                lines: &[$crate::money::NewPayoutLine],
                skipped: usize,
                actor: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::money::Batch> {
                let mut tx = self.write_tx().await?;
                let (org_id, tenant) = Self::money_org(&mut tx, org).await?;
                let total: i64 = lines.iter().map(|l| l.amount.fen()).sum();
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO payout_batches (tenant_id, org_id, status, lines, total_fen, \
                     created_by, created_at) VALUES ($1, $2, 'open', $3, $4, $5, $6) RETURNING id",
                )
                .bind(tenant)
                .bind(org_id)
                .bind(i32::try_from(lines.len()).unwrap_or(i32::MAX))
                .bind(total)
                .bind(actor)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                for l in lines {
                    let (claim, grant) = (l.subject.claim(), l.subject.grant());
                    // The claim or grant must still be approved with this amount owed:
                    // re-checked here, inside the transaction, so a batch never carries one that
                    // moved. A grant moves to `in_batch` with it.
                    let owed: Option<i64> = match (claim, grant) {
                        (Some(c), _) => {
                            sqlx::query_scalar(
                                "SELECT approved_fen - paid_fen FROM claims \
                                 WHERE id = $1 AND state = 'approved'",
                            )
                            .bind(c.0)
                            .fetch_optional(&mut *tx)
                            .await?
                        }
                        (None, Some(g)) => {
                            sqlx::query_scalar(
                                "UPDATE grants SET state = 'in_batch', version = version + 1 \
                                 WHERE id = $1 AND state = 'approved' RETURNING amount_fen - paid_fen",
                            )
                            .bind(g.0)
                            .fetch_optional(&mut *tx)
                            .await?
                        }
                        (None, None) => None,
                    };
                    let what = match (claim, grant) {
                        (Some(c), _) => format!("申请 {} (claim {})", c.0, c.0),
                        (None, g) => {
                            let g = g.map_or(0, |g| g.0);
                            format!("救助 {g} (grant {g})")
                        }
                    };
                    if owed != Some(l.amount.fen()) {
                        return Err($crate::StoreError::Conflict(format!(
                            "{what} 不是待支付状态或金额已变 (not awaiting payment of this amount)"
                        )));
                    }
                    let done = sqlx::query(
                        "INSERT INTO payout_lines (tenant_id, batch_id, claim_id, grant_id, \
                         member_id, amount_fen, account_name, bank_account, status, bank_branch) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9)",
                    )
                    .bind(tenant)
                    .bind(id)
                    .bind(claim.map(|c| c.0))
                    .bind(grant.map(|g| g.0))
                    .bind(l.member.0)
                    .bind(l.amount.fen())
                    .bind(&l.account_name)
                    .bind(&l.bank_account)
                    .bind(&l.bank_branch)
                    .execute(&mut *tx)
                    .await;
                    if let Err(err) = done {
                        return Err(match $crate::StoreError::from(err) {
                            $crate::StoreError::Conflict(_) => $crate::StoreError::Conflict(format!(
                                "{what} 已在另一支付批次中 (already in a live batch)"
                            )),
                            other => other,
                        });
                    }
                }
                // The entry goes in with the batch (issue 13: every money change, in its
                // transaction).
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor,
                        action: "payout.build",
                        subject: &$crate::money::audit::batch_subject(id),
                        detail: &$crate::money::audit::batch_built_detail(
                            lines.len(),
                            huzhu_domain::money::Money::from_fen(total),
                            skipped,
                        ),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                tx.commit().await?;
                Ok(self.batch($crate::money::BatchId(id)).await?.0)
            }

            async fn batch(
                &self,
                id: $crate::money::BatchId,
            ) -> $crate::Result<($crate::money::Batch, Vec<$crate::money::PayoutLine>)> {
                use $crate::money::rows::{BatchRow, LineRow, BATCH_COLUMNS};
                let row: Option<BatchRow> = sqlx::query_as(&format!(
                    "SELECT {BATCH_COLUMNS} FROM payout_batches b JOIN orgs o ON o.id = b.org_id \
                     WHERE b.id = $1"
                ))
                .bind(id.0)
                .fetch_optional(&self.reader)
                .await?;
                let batch = row
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("batch {}", id.0)))?;
                let lines: Vec<LineRow> = sqlx::query_as(
                    "SELECT id, batch_id, claim_id, grant_id, member_id, amount_fen, account_name, \
                     bank_account, bank_branch, status, failure FROM payout_lines \
                     WHERE batch_id = $1 \
                     ORDER BY id",
                )
                .bind(id.0)
                .fetch_all(&self.reader)
                .await?;
                Ok((batch.into(), lines.into_iter().map(Into::into).collect()))
            }

            async fn batches_under(
                &self,
                org: &huzhu_domain::org::OrgCode,
            ) -> $crate::Result<Vec<$crate::money::Batch>> {
                use $crate::money::rows::{BatchRow, BATCH_COLUMNS};
                let rows: Vec<BatchRow> = sqlx::query_as(&format!(
                    "SELECT {BATCH_COLUMNS} FROM orgs top \
                     JOIN org_closure cl ON cl.ancestor_id = top.id \
                     JOIN payout_batches b ON b.org_id = cl.descendant_id \
                     JOIN orgs o ON o.id = b.org_id WHERE top.code = $1 ORDER BY b.id DESC"
                ))
                .bind(org.as_str())
                .fetch_all(&self.reader)
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn settle_batch(
                &self,
                id: $crate::money::BatchId,
                outcomes: &[$crate::money::LineOutcome],
                changes: &[$crate::money::ClaimChange],
                grants: &[$crate::money::GrantPayment],
                actor: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::money::Batch> {
                let mut tx = self.write_tx().await?;
                let failed = outcomes.iter().filter(|o| o.failure.is_some()).count();
                let status = if failed == 0 { "paid" } else { "partly_failed" };
                let moved = sqlx::query(
                    "UPDATE payout_batches SET status = $1, settled_by = $2, settled_at = $3 \
                     WHERE id = $4 AND status = 'open'",
                )
                .bind(status)
                .bind(actor)
                .bind(at)
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
                if moved.rows_affected() != 1 {
                    return Err($crate::StoreError::Conflict(format!(
                        "支付批次 {} 不存在或已结算 (batch {} is unknown or already settled)",
                        id.0, id.0
                    )));
                }
                for o in outcomes {
                    let (status, failure) = match &o.failure {
                        None => ("paid", None),
                        Some(f) => ("failed", Some(f.as_str())),
                    };
                    let done: Option<(Option<i64>, i64, i64)> = sqlx::query_as(
                        "UPDATE payout_lines SET status = $1, failure = $2 \
                         WHERE id = $3 AND batch_id = $4 AND status = 'pending' \
                         RETURNING grant_id, amount_fen, tenant_id",
                    )
                    .bind(status)
                    .bind(failure)
                    .bind(o.line)
                    .bind(id.0)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some((grant, amount, tenant)) = done else {
                        return Err($crate::StoreError::Conflict(format!(
                            "支付明细 {} 不属于批次 {} (line {} is not a pending line of batch {})",
                            o.line, id.0, o.line, id.0
                        )));
                    };
                    // A grant's line: paid moves it to `paid` with its entry; failed, back to
                    // `approved` for the next batch.
                    if let Some(grant) = grant {
                        let payment = grants.iter().find(|g| g.grant.0 == grant);
                        let (to, entry) = match (&o.failure, payment) {
                            (None, Some(p)) => ("paid", Some(&p.entry)),
                            (None, None) => {
                                return Err($crate::StoreError::Conflict(format!(
                                    "救助 {grant} 的支付分录缺失 (grant {grant} has no payment entry)"
                                )))
                            }
                            (Some(_), _) => ("approved", None),
                        };
                        let moved = sqlx::query(
                            "UPDATE grants SET state = $1, paid_fen = paid_fen + $2, \
                             version = version + 1 WHERE id = $3 AND state = 'in_batch'",
                        )
                        .bind(to)
                        .bind(if entry.is_some() { amount } else { 0 })
                        .bind(grant)
                        .execute(&mut *tx)
                        .await?;
                        if moved.rows_affected() != 1 {
                            return Err($crate::StoreError::Conflict(format!(
                                "救助 {grant} 不在支付中 (grant {grant} is not in a batch)"
                            )));
                        }
                        if let Some(entry) = entry {
                            Self::grant_post(&mut tx, tenant, entry, Some(grant), None, actor, at)
                                .await?;
                        }
                    }
                }
                let mut delta = $crate::stats::ClaimDelta::new();
                for c in changes {
                    Self::money_apply_change(&mut tx, c, &mut delta).await?;
                }
                Self::stat_apply_claims(&mut tx, &delta).await?;
                let org_id: i64 =
                    sqlx::query_scalar("SELECT org_id FROM payout_batches WHERE id = $1")
                        .bind(id.0)
                        .fetch_one(&mut *tx)
                        .await?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor,
                        action: "payout.settle",
                        subject: &$crate::money::audit::batch_subject(id.0),
                        detail: &$crate::money::audit::batch_settled_detail(
                            status,
                            failed,
                            outcomes.len(),
                        ),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                tx.commit().await?;
                Ok(self.batch(id).await?.0)
            }

            async fn ledger_entries(
                &self,
                scope: &$crate::money::LedgerScope,
                before: Option<i64>,
                limit: u32,
            ) -> $crate::Result<Vec<$crate::money::LedgerEntryView>> {
                use $crate::money::rows::EntryRow;
                use $crate::sql::placeholders;
                let n = scope.next_param();
                let sql = format!(
                    "SELECT id, kind, memo, claim_id, bill_id, batch_id, reverses, actor, at \
                     FROM ({}) s WHERE id < ${n} ORDER BY id DESC LIMIT ${}",
                    scope.entries(
                        "e.id, e.kind, e.memo, e.claim_id, e.bill_id, e.batch_id, e.reverses, \
                         e.actor, e.at"
                    ),
                    n + 1
                );
                let mut q = sqlx::query_as::<_, EntryRow>(&sql);
                if let Some(org) = scope.org() {
                    q = q.bind(org);
                }
                let rows = q
                    .bind(before.unwrap_or(i64::MAX))
                    .bind(i64::from(limit))
                    .fetch_all(&self.reader)
                    .await?;
                // The postings of the whole page in one query.
                let mut postings: std::collections::HashMap<i64, Vec<(String, i64)>> =
                    std::collections::HashMap::new();
                let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                for chunk in ids.chunks($crate::money::sql::IN_CHUNK) {
                    let sql = format!(
                        "SELECT entry_id, account, fen FROM ledger_postings \
                         WHERE entry_id IN ({}) ORDER BY id",
                        placeholders(1, chunk.len())
                    );
                    let mut q = sqlx::query_as::<_, (i64, String, i64)>(&sql);
                    for id in chunk {
                        q = q.bind(*id);
                    }
                    for (entry, account, fen) in q.fetch_all(&self.reader).await? {
                        postings.entry(entry).or_default().push((account, fen));
                    }
                }
                Ok(rows
                    .into_iter()
                    .map(|r| $crate::money::LedgerEntryView {
                        postings: postings.remove(&r.id).unwrap_or_default(),
                        id: r.id,
                        kind: r.kind,
                        memo: r.memo,
                        claim: r.claim_id,
                        bill: r.bill_id,
                        batch: r.batch_id,
                        reverses: r.reverses,
                        actor: r.actor,
                        at: r.at,
                    })
                    .collect())
            }

            async fn ledger_facts(
                &self,
                scope: &$crate::money::LedgerScope,
            ) -> $crate::Result<$crate::money::LedgerFacts> {
                /// Binds the scope's org as `$1` when it has one.
                macro_rules! scoped {
                    ($sql:expr) => {{
                        let q = sqlx::query_as($sql);
                        match scope.org() {
                            Some(org) => q.bind(org),
                            None => q,
                        }
                    }};
                }
                let mut f = $crate::money::LedgerFacts::default();
                let ids = scope.entries("e.id");
                let counts_sql = format!(
                    "SELECT (SELECT COUNT(*) FROM ({ids}) s), \
                     (SELECT COUNT(*) FROM ({ids}) s JOIN ledger_postings p ON p.entry_id = s.id)"
                );
                let (entries, postings): (i64, i64) = scoped!(&counts_sql)
                    .fetch_one(&self.reader)
                    .await?;
                f.entries = u64::try_from(entries).unwrap_or(0);
                f.postings = u64::try_from(postings).unwrap_or(0);
                let unbalanced_sql = format!(
                    "SELECT s.id, CAST(COALESCE(SUM(p.fen), 0) AS BIGINT) FROM ({ids}) s \
                     LEFT JOIN ledger_postings p ON p.entry_id = s.id GROUP BY s.id \
                     HAVING COALESCE(SUM(p.fen), 0) <> 0 OR COUNT(p.id) < 2 ORDER BY s.id"
                );
                f.unbalanced = scoped!(&unbalanced_sql)
                    .fetch_all(&self.reader)
                    .await?;
                let balances_sql = format!(
                    "SELECT p.account, CAST(SUM(p.fen) AS BIGINT) FROM ({ids}) s \
                     JOIN ledger_postings p ON p.entry_id = s.id \
                     GROUP BY p.account ORDER BY p.account"
                );
                let balances: Vec<(String, i64)> = scoped!(&balances_sql)
                    .fetch_all(&self.reader)
                    .await?;
                f.balances = balances.into_iter().collect();
                let bills = scope.bills();
                let billed_sql = format!(
                    "SELECT b.policy_id, CAST(SUM(b.amount_fen) AS BIGINT), \
                     CAST(SUM(CASE WHEN b.status = 'paid' THEN b.amount_fen ELSE 0 END) \
                     AS BIGINT) {bills} GROUP BY b.policy_id"
                );
                let billed: Vec<(String, i64, i64)> = scoped!(&billed_sql)
                    .fetch_all(&self.reader)
                    .await?;
                f.bills = billed.into_iter().map(|(p, a, b)| (p, (a, b))).collect();
                let unpaid_sql = format!(
                    "SELECT bo.code, b.policy_id, CAST(SUM(b.amount_fen) AS BIGINT) {bills} \
                     AND b.status = 'unpaid' GROUP BY bo.code, b.policy_id"
                );
                let unpaid: Vec<(String, String, i64)> = scoped!(&unpaid_sql)
                    .fetch_all(&self.reader)
                    .await?;
                f.unpaid_by_unit = unpaid.into_iter().map(|(u, p, a)| ((u, p), a)).collect();
                let claims = scope.claims();
                let approved_sql = format!(
                    "SELECT c.policy_id, CAST(SUM(c.approved_fen) AS BIGINT), \
                     CAST(SUM(c.paid_fen) AS BIGINT) {claims} GROUP BY c.policy_id"
                );
                let approved: Vec<(String, i64, i64)> = scoped!(&approved_sql)
                    .fetch_all(&self.reader)
                    .await?;
                f.claims = approved.into_iter().map(|(p, a, b)| (p, (a, b))).collect();
                let owed_sql = format!(
                    "SELECT c.member_id, CAST(SUM(c.approved_fen - c.paid_fen) AS BIGINT) \
                     {claims} GROUP BY c.member_id HAVING SUM(c.approved_fen - c.paid_fen) <> 0"
                );
                let owed: Vec<(i64, i64)> = scoped!(&owed_sql)
                    .fetch_all(&self.reader)
                    .await?;
                f.owed_to_members = owed.into_iter().collect();
                // Grants and funds (docs/grants.md): what each fund received and paid out, and
                // what the members are owed by grants approved and not yet paid.
                let grants = scope.grants();
                let granted_sql = format!(
                    "SELECT g.fund, CAST(SUM(CASE WHEN g.state IN ('approved', 'in_batch', 'paid') \
                     THEN g.amount_fen ELSE 0 END) AS BIGINT), CAST(SUM(g.paid_fen) AS BIGINT) \
                     {grants} GROUP BY g.fund"
                );
                let granted: Vec<(String, i64, i64)> = scoped!(&granted_sql)
                    .fetch_all(&self.reader)
                    .await?;
                for (fund, approved, paid) in granted {
                    let e = f.funds.entry(fund).or_insert((0, 0, 0));
                    e.1 += approved;
                    e.2 += paid;
                }
                let deposits = scope.deposits();
                let deposited_sql = format!(
                    "SELECT d.fund, CAST(SUM(d.amount_fen) AS BIGINT) {deposits} GROUP BY d.fund"
                );
                let deposited: Vec<(String, i64)> = scoped!(&deposited_sql)
                    .fetch_all(&self.reader)
                    .await?;
                for (fund, amount) in deposited {
                    f.funds.entry(fund).or_insert((0, 0, 0)).0 += amount;
                }
                let grant_owed_sql = format!(
                    "SELECT g.member_id, CAST(SUM(g.amount_fen - g.paid_fen) AS BIGINT) {grants} \
                     AND g.state IN ('approved', 'in_batch', 'paid') GROUP BY g.member_id \
                     HAVING SUM(g.amount_fen - g.paid_fen) <> 0"
                );
                let grant_owed: Vec<(i64, i64)> = scoped!(&grant_owed_sql)
                    .fetch_all(&self.reader)
                    .await?;
                for (member, owed) in grant_owed {
                    let e = f.owed_to_members.entry(member).or_insert(0);
                    *e += owed;
                    if *e == 0 {
                        f.owed_to_members.remove(&member);
                    }
                }
                if let $crate::OrgScope::Everything = scope {
                    let table: Vec<(String, i64)> = sqlx::query_as(
                        "SELECT fund, CAST(SUM(balance_fen) AS BIGINT) FROM programme_funds \
                         GROUP BY fund",
                    )
                    .fetch_all(&self.reader)
                    .await?;
                    f.fund_table = table.into_iter().collect();
                }
                Ok(f)
            }
        }

        impl $store {
            /// Writes claims gathered by group commit (`crate::group_commit`): all in one
            /// transaction; if any statement fails, that transaction is rolled back and each claim
            /// is written alone, so one bad claim fails alone and the others are still committed.
            async fn money_write_claims(
                &self,
                batch: Vec<$crate::money::NewClaim>,
            ) -> Vec<$crate::Result<$crate::money::CreatedClaim>> {
                if batch.len() > 1 {
                    match self.money_claims_in_one(&batch).await {
                        Ok(done) => return done,
                        Err(e) => tracing::warn!(
                            claims = batch.len(),
                            error = %e,
                            "a batch of claims failed; writing them one by one"
                        ),
                    }
                }
                let mut out = Vec::with_capacity(batch.len());
                for c in &batch {
                    out.push(match self.money_claims_in_one(std::slice::from_ref(c)).await {
                        Ok(mut one) => one.pop().unwrap_or_else(|| {
                            Err($crate::StoreError::Corrupt("no answer for a claim".into()))
                        }),
                        Err(e) => Err(e),
                    });
                }
                out
            }

            /// One transaction for all of `batch`: each claim with its event, or nothing at all
            /// (Err). An unknown member, or one outside the claim's `within`, writes nothing and
            /// is answered NotFound.
            ///
            /// The batch costs the same few statements however many claims it holds, and the
            /// request that made a claim reads nothing itself: the claims' ids are taken first (so
            /// that each written row is known for its claim), then all claims in one INSERT that
            /// also checks each member's scope, their members in one SELECT, all events in one
            /// INSERT, and the statistics in one more.
            async fn money_claims_in_one(
                &self,
                batch: &[$crate::money::NewClaim],
            ) -> $crate::Result<Vec<$crate::Result<$crate::money::CreatedClaim>>> {
                use $crate::money::rows::json_list;
                use $crate::sql::{HasDb, MemberRow, MEMBER_COLUMNS};
                const CLAIM_COLS: usize = 19;
                let mut tx = self.write_tx().await?;
                let ids: Vec<i64> = sqlx::query_scalar(<$store as HasDb>::NEW_CLAIM_IDS)
                    .bind($crate::sql::i64_of(batch.len() as u64))
                    .fetch_all(&mut *tx)
                    .await?;
                if ids.len() != batch.len() {
                    return Err($crate::StoreError::Corrupt(format!(
                        "{} claim ids for {} claims",
                        ids.len(),
                        batch.len()
                    )));
                }
                // The member's unit and tenant are read in the statement that writes the claim,
                // with the scope check: the unit of this instant, and no member in scope means
                // no row.
                let mut written: std::collections::HashMap<i64, (i64, i64)> =
                    std::collections::HashMap::with_capacity(batch.len());
                let jobs: Vec<(i64, &$crate::money::NewClaim)> =
                    ids.iter().copied().zip(batch.iter()).collect();
                for chunk in jobs.chunks($crate::sql::PARAMS_PER_STATEMENT / CLAIM_COLS) {
                    let sql = format!(
                        "INSERT INTO claims (id, tenant_id, member_id, org_id, policy_id, kind, \
                         state, body, event_date, submitted_on, decision, payable_fen, \
                         approved_fen, paid_fen, flags, review_reason, expert_cleared, \
                         returned_for, created_by, created_at, updated_at, version) \
                         SELECT v.column1, m.tenant_id, m.id, m.org_id, v.column3, v.column4, \
                         v.column5, v.column6, v.column7, v.column8, v.column9, v.column10, \
                         v.column11, v.column12, v.column13, v.column14, v.column15, v.column16, \
                         v.column17, v.column18, v.column18, 1 \
                         FROM (VALUES {}) AS v JOIN members m ON m.id = v.column2 \
                         WHERE v.column19 IS NULL OR EXISTS (SELECT 1 FROM org_closure oc \
                         JOIN orgs a ON a.id = oc.ancestor_id \
                         WHERE a.code = v.column19 AND oc.descendant_id = m.org_id) \
                         RETURNING id, tenant_id, org_id",
                        $crate::sql::value_rows::<$store>(1, chunk.len(), CLAIM_COLS)
                    );
                    let mut q = sqlx::query_as::<_, (i64, i64, i64)>(&sql);
                    for (id, c) in chunk {
                        let f = &c.fields;
                        q = q
                            .bind(*id)
                            .bind(c.member.0)
                            .bind(&c.policy)
                            .bind(&c.kind)
                            .bind(f.state.code())
                            .bind(&f.body)
                            .bind(f.event_date)
                            .bind(f.submitted_on)
                            .bind(&f.decision)
                            .bind(f.payable.map(|m| m.fen()))
                            .bind(f.approved.fen())
                            .bind(f.paid.fen())
                            .bind(json_list(&f.flags))
                            .bind(&f.review_reason)
                            .bind(f.expert_cleared)
                            .bind(json_list(&f.returned_for))
                            .bind(&c.event.actor)
                            .bind(c.event.at)
                            .bind(c.within.as_ref().map(|o| o.as_str()));
                    }
                    for (id, tenant, org) in q.fetch_all(&mut *tx).await? {
                        written.insert(id, (tenant, org));
                    }
                }
                // The members of the written claims, as they stand in this transaction.
                let mut member_ids: Vec<i64> = jobs
                    .iter()
                    .filter(|(id, _)| written.contains_key(id))
                    .map(|(_, c)| c.member.0)
                    .collect();
                member_ids.sort_unstable();
                member_ids.dedup();
                let mut members: std::collections::HashMap<i64, MemberRow> =
                    std::collections::HashMap::with_capacity(member_ids.len());
                for chunk in member_ids.chunks($crate::money::sql::IN_CHUNK) {
                    let sql = format!(
                        "SELECT {MEMBER_COLUMNS} FROM members m JOIN orgs o ON o.id = m.org_id \
                         WHERE m.id IN ({})",
                        $crate::sql::placeholders(1, chunk.len())
                    );
                    let mut q = sqlx::query_as::<_, MemberRow>(&sql);
                    for id in chunk {
                        q = q.bind(*id);
                    }
                    for row in q.fetch_all(&mut *tx).await? {
                        members.insert(row.id, row);
                    }
                }
                let events: Vec<(i64, i64, &$crate::money::ClaimEvent)> = jobs
                    .iter()
                    .filter_map(|(id, c)| written.get(id).map(|(t, _)| (*t, *id, &c.event)))
                    .collect();
                Self::money_events(&mut tx, &events).await?;
                // One audit entry per claim written, under its unit, in this transaction.
                let audits: Vec<(i64, String, String, String, &$crate::money::ClaimEvent)> = jobs
                    .iter()
                    .filter_map(|(id, c)| {
                        written.get(id).map(|(_, org)| {
                            (
                                *org,
                                $crate::money::audit::claim_action(&c.event),
                                $crate::money::audit::claim_subject(*id),
                                $crate::money::audit::claim_detail(&c.event, &c.fields),
                                &c.event,
                            )
                        })
                    })
                    .collect();
                Self::money_audits(&mut tx, &audits).await?;
                // The statistics count the new claims in the same transaction, from what was
                // written and the members just read.
                let mut delta = $crate::stats::ClaimDelta::new();
                let mut out = Vec::with_capacity(jobs.len());
                for (id, c) in jobs {
                    let Some(&(tenant, org)) = written.get(&id) else {
                        out.push(Err($crate::StoreError::NotFound(format!(
                            "member {}",
                            c.member.0
                        ))));
                        continue;
                    };
                    let Some(row) = members.get(&c.member.0) else {
                        return Err($crate::StoreError::Corrupt(format!(
                            "claim {id} was written for member {} who cannot be read back",
                            c.member.0
                        )));
                    };
                    let f = &c.fields;
                    $crate::stats::ClaimStatRow {
                        id,
                        tenant_id: tenant,
                        org_id: org,
                        policy_id: c.policy.clone(),
                        kind: c.kind.clone(),
                        state: f.state.code().to_string(),
                        event_date: f.event_date,
                        body: f.body.clone(),
                        decision: f.decision.clone(),
                        payable_fen: f.payable.map(|m| m.fen()),
                        approved_fen: f.approved.fen(),
                        paid_fen: f.paid.fen(),
                        gender: row.gender.clone(),
                    }
                    .add_to(&mut delta, 1);
                    let unit = row.org_code.clone();
                    out.push(Ok($crate::money::CreatedClaim {
                        claim: $crate::money::StoredClaim {
                            id: $crate::money::ClaimId(id),
                            tenant_id: tenant,
                            member: c.member,
                            unit,
                            policy: c.policy.clone(),
                            kind: c.kind.clone(),
                            fields: c.fields.clone(),
                            created_by: c.event.actor.clone(),
                            created_at: c.event.at,
                            updated_at: c.event.at,
                            version: 1,
                        },
                        member: row.clone().into_stored()?,
                    }));
                }
                Self::stat_apply_claims(&mut tx, &delta).await?;
                tx.commit().await?;
                Ok(out)
            }

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

            /// Writes one ledger entry and its postings inside `tx`.
            async fn money_post<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                tenant: i64,
                entry: &huzhu_domain::ledger::Entry,
                refs: $crate::money::EntryRefs,
                reverses: Option<i64>,
                actor: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<i64> {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO ledger_entries (tenant_id, kind, memo, claim_id, bill_id, \
                     batch_id, reverses, actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     RETURNING id",
                )
                .bind(tenant)
                .bind(entry.kind().code())
                .bind(entry.memo())
                .bind(refs.claim.map(|c| c.0))
                .bind(refs.bill.map(|b| b.0))
                .bind(refs.batch.map(|b| b.0))
                .bind(reverses)
                .bind(actor)
                .bind(at)
                .fetch_one(&mut **tx)
                .await?;
                for p in entry.postings() {
                    sqlx::query(
                        "INSERT INTO ledger_postings (tenant_id, entry_id, account, fen) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(tenant)
                    .bind(id)
                    .bind(p.account.key())
                    .bind(p.fen)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(id)
            }

            /// Writes one claim event inside `tx`.
            async fn money_event<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                tenant: i64,
                claim: i64,
                e: &$crate::money::ClaimEvent,
            ) -> $crate::Result<()> {
                Self::money_events(tx, &[(tenant, claim, e)]).await
            }

            /// Writes claim events `(tenant, claim, event)` inside `tx`, many to a statement.
            async fn money_events<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                events: &[(i64, i64, &$crate::money::ClaimEvent)],
            ) -> $crate::Result<()> {
                const EVENT_COLS: usize = 9;
                for chunk in events.chunks($crate::sql::PARAMS_PER_STATEMENT / EVENT_COLS) {
                    let sql = format!(
                        "INSERT INTO claim_events (tenant_id, claim_id, action, from_state, \
                         to_state, actor, actor_role, reason, at) VALUES {}",
                        $crate::sql::value_rows::<$store>(1, chunk.len(), EVENT_COLS)
                    );
                    let mut q = sqlx::query(&sql);
                    for (tenant, claim, e) in chunk {
                        q = q
                            .bind(*tenant)
                            .bind(*claim)
                            .bind(&e.action)
                            .bind(e.from.map(|s| s.code()))
                            .bind(e.to.code())
                            .bind(&e.actor)
                            .bind(&e.actor_role)
                            .bind(&e.reason)
                            .bind(e.at);
                    }
                    q.execute(&mut **tx).await?;
                }
                Ok(())
            }

            /// Writes audit entries `(org id, action, subject, detail, event)` inside `tx`, many
            /// to a statement; the event gives the instant and the actor.
            async fn money_audits<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                rows: &[(i64, String, String, String, &$crate::money::ClaimEvent)],
            ) -> $crate::Result<()> {
                const AUDIT_COLS: usize = 6;
                for chunk in rows.chunks($crate::sql::PARAMS_PER_STATEMENT / AUDIT_COLS) {
                    let sql = format!(
                        "INSERT INTO audit_log (at, actor, action, subject, detail, org_id) \
                         VALUES {}",
                        $crate::sql::value_rows::<$store>(1, chunk.len(), AUDIT_COLS)
                    );
                    let mut q = sqlx::query(&sql);
                    for (org, action, subject, detail, e) in chunk {
                        q = q
                            .bind(e.at)
                            .bind(&e.actor)
                            .bind(action)
                            .bind(subject)
                            .bind(detail)
                            .bind(*org);
                    }
                    q.execute(&mut **tx).await?;
                }
                Ok(())
            }

            /// Applies a claim change if the claim is still at the expected version: its fields,
            /// its event, its ledger entries; adds the change of its statistics to `delta` (for the
            /// caller to apply before committing). Returns the claim's tenant.
            async fn money_apply_change<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                c: &$crate::money::ClaimChange,
                delta: &mut $crate::stats::ClaimDelta,
            ) -> $crate::Result<i64> {
                use $crate::money::rows::json_list;
                let f = &c.fields;
                let before = Self::stat_claim_rows(tx, &[c.claim.0]).await?;
                let written: Option<(i64, i64)> = sqlx::query_as(
                    "UPDATE claims SET state = $1, body = $2, event_date = $3, submitted_on = $4, \
                     decision = $5, payable_fen = $6, approved_fen = $7, paid_fen = $8, \
                     flags = $9, review_reason = $10, expert_cleared = $11, returned_for = $12, \
                     updated_at = $13, version = version + 1 \
                     WHERE id = $14 AND version = $15 RETURNING tenant_id, org_id",
                )
                .bind(f.state.code())
                .bind(&f.body)
                .bind(f.event_date)
                .bind(f.submitted_on)
                .bind(&f.decision)
                .bind(f.payable.map(|m| m.fen()))
                .bind(f.approved.fen())
                .bind(f.paid.fen())
                .bind(json_list(&f.flags))
                .bind(&f.review_reason)
                .bind(f.expert_cleared)
                .bind(json_list(&f.returned_for))
                .bind(c.event.at)
                .bind(c.claim.0)
                .bind(c.expected_version)
                .fetch_optional(&mut **tx)
                .await?;
                let Some((tenant, org_id)) = written else {
                    return Err($crate::StoreError::Conflict(format!(
                        "申请 {} 已被他人处理，请刷新后重试 (claim {} changed meanwhile; reload and retry)",
                        c.claim.0, c.claim.0
                    )));
                };
                for r in &before {
                    r.add_to(delta, -1);
                    r.with_fields(f).add_to(delta, 1);
                }
                Self::money_event(tx, tenant, c.claim.0, &c.event).await?;
                // The audit entry of the step, under the claim's unit, in this transaction.
                Self::audit_in(
                    tx,
                    &$crate::bank::TxAudit {
                        at: c.event.at,
                        actor: &c.event.actor,
                        action: &$crate::money::audit::claim_action(&c.event),
                        subject: &$crate::money::audit::claim_subject(c.claim.0),
                        detail: &$crate::money::audit::change_detail(c),
                        org_id: Some(org_id),
                    },
                )
                .await?;
                let refs = $crate::money::EntryRefs {
                    claim: Some(c.claim),
                    ..Default::default()
                };
                for e in &c.entries {
                    Self::money_post(tx, tenant, e, refs, None, &c.event.actor, c.event.at)
                        .await?;
                }
                Ok(tenant)
            }
        }
    };
}

pub(crate) use impl_money_store;

/// Ids per `IN (…)` list: well under either backend's limit on bound parameters (SQLite 32,766,
/// PostgreSQL 65,535), and few distinct statement shapes for the statement cache.
pub(crate) const IN_CHUNK: usize = 1_000;

/// Claims per multi-row `UPDATE` (three parameters each).
pub(crate) const UPDATE_CHUNK: usize = 500;
