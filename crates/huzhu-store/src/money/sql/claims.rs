//! 理赔 — claims (`claims`, `claim_events`): written (alone or by group commit), listed by scope,
//! decided and changed with their events, statistics, ledger entries and audit entries.

/// Expands claims for one backend. `store`: its methods, inside
/// `impl MoneyStore`; `helpers`: the transaction helpers it (and others) use.
macro_rules! money_claims {
    (store $store:ty) => {
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

        async fn claim_visible(
            &self,
            id: $crate::money::ClaimId,
            visibility: &$crate::Visibility,
        ) -> $crate::Result<$crate::money::StoredClaim> {
            use $crate::money::rows::{ClaimRow, CLAIM_COLUMNS};
            let row: Option<ClaimRow> = sqlx::query_as(&format!(
                "SELECT {CLAIM_COLUMNS} FROM claims c JOIN orgs o ON o.id = c.org_id \
                 WHERE c.id = $1 AND {}",
                $crate::model::visible_member("c.member_id", 2, 3)
            ))
            .bind(id.0)
            .bind(visibility.org())
            .bind(visibility.member())
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
    };
    (helpers $store:ty) => {
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

pub(crate) use money_claims;
