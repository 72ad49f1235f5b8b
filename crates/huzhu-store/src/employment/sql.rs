//! [`super::EmploymentStore`] written once, expanded for each backend.

/// Expands [`super::EmploymentStore`] for one backend (after `impl_bank_store!`, whose
/// `audit_in` it uses, and the money store, whose `money_org` it uses).
macro_rules! impl_employment_store {
    ($store:ty) => {
        impl $store {
            async fn employment_audit<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                at: chrono::DateTime<chrono::Utc>,
                by: &str,
                action: &str,
                subject: &str,
                detail: &str,
                org_id: i64,
            ) -> $crate::Result<()> {
                Self::audit_in(
                    tx,
                    &$crate::bank::TxAudit {
                        at,
                        actor: by,
                        action,
                        subject,
                        detail,
                        org_id: Some(org_id),
                    },
                )
                .await
            }

            /// A fair the scope sees: of its subtree and above it (`chain`), or of its subtree.
            async fn employment_fair_in<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                id: i64,
                scope: &$crate::OrgScope,
                chain: bool,
            ) -> $crate::Result<$crate::employment::Fair> {
                use $crate::employment::{Fair, Post, FAIR_SELECT, POST_SELECT};
                let filter = if chain {
                    $crate::recuperation::in_chain("f.org_id", 2)
                } else {
                    $crate::archive::in_scope("f.org_id", 2)
                };
                let fair: Option<Fair> =
                    sqlx::query_as(&format!("{FAIR_SELECT} WHERE f.id = $1 AND {filter}"))
                        .bind(id)
                        .bind(scope.org())
                        .fetch_optional(&mut **tx)
                        .await?;
                let mut fair = fair.ok_or_else(|| {
                    $crate::StoreError::NotFound(format!("招聘会 {id} (job fair {id})"))
                })?;
                fair.posts = sqlx::query_as::<_, Post>(&format!(
                    "{POST_SELECT} WHERE p.fair_id = $1 ORDER BY p.id"
                ))
                .bind(id)
                .fetch_all(&mut **tx)
                .await?;
                Ok(fair)
            }

            async fn employment_seeker_in<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                id: i64,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<$crate::employment::Seeker> {
                use $crate::employment::SEEKER_SELECT;
                let s: Option<$crate::employment::Seeker> = sqlx::query_as(&format!(
                    "{SEEKER_SELECT} WHERE s.id = $1 AND {}",
                    $crate::archive::in_scope("s.org_id", 2)
                ))
                .bind(id)
                .bind(scope.org())
                .fetch_optional(&mut **tx)
                .await?;
                s.ok_or_else(|| {
                    $crate::StoreError::NotFound(format!("求职登记 {id} (job-seeker {id})"))
                })
            }

            async fn employment_course_in<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                id: i64,
                scope: &$crate::OrgScope,
                chain: bool,
            ) -> $crate::Result<$crate::employment::Course> {
                use $crate::employment::{Course, Trainee, COURSE_SELECT, TRAINEE_SELECT};
                let filter = if chain {
                    $crate::recuperation::in_chain("c.org_id", 2)
                } else {
                    $crate::archive::in_scope("c.org_id", 2)
                };
                let course: Option<Course> =
                    sqlx::query_as(&format!("{COURSE_SELECT} WHERE c.id = $1 AND {filter}"))
                        .bind(id)
                        .bind(scope.org())
                        .fetch_optional(&mut **tx)
                        .await?;
                let mut course = course.ok_or_else(|| {
                    $crate::StoreError::NotFound(format!("培训班 {id} (course {id})"))
                })?;
                // The course's own org (and those above it) sees every trainee; an org below it
                // sees the trainees of its subtree.
                course.trainees = sqlx::query_as::<_, Trainee>(&format!(
                    "{TRAINEE_SELECT} WHERE t.course_id = $1 AND ({} OR {}) ORDER BY t.id",
                    $crate::archive::in_scope("t.org_id", 2),
                    $crate::archive::in_scope("(SELECT c2.org_id FROM employment_courses c2 \
                     WHERE c2.id = t.course_id)", 2)
                ))
                .bind(id)
                .bind(scope.org())
                .fetch_all(&mut **tx)
                .await?;
                Ok(course)
            }

            async fn employment_trainee_in<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                id: i64,
            ) -> $crate::Result<$crate::employment::Trainee> {
                use $crate::employment::TRAINEE_SELECT;
                Ok(sqlx::query_as(&format!("{TRAINEE_SELECT} WHERE t.id = $1"))
                    .bind(id)
                    .fetch_one(&mut **tx)
                    .await?)
            }

            /// A trainee whose course lies in the scope's subtree: its course's id, org id,
            /// state and sessions, and the trainee's attendance and certificate.
            #[allow(clippy::type_complexity)]
            async fn employment_trainee_of_course<'c>(
                tx: &mut sqlx::Transaction<'c, <$store as $crate::sql::HasDb>::Db>,
                id: i64,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<(i64, i64, huzhu_domain::employment::CourseState, i64, i64, Option<String>)>
            {
                let row: Option<(i64, i64, String, i64, i64, Option<String>)> =
                    sqlx::query_as(&format!(
                        "SELECT c.id, c.org_id, c.state, c.sessions, t.attended, t.certificate_no \
                         FROM employment_trainees t \
                         JOIN employment_courses c \
                         ON c.tenant_id = t.tenant_id AND c.id = t.course_id \
                         WHERE t.id = $1 AND {}",
                        $crate::archive::in_scope("c.org_id", 2)
                    ))
                    .bind(id)
                    .bind(scope.org())
                    .fetch_optional(&mut **tx)
                    .await?;
                let (course, org_id, state, sessions, attended, cert) = row.ok_or_else(|| {
                    $crate::StoreError::NotFound(format!("学员 {id} (trainee {id})"))
                })?;
                let state = huzhu_domain::employment::CourseState::parse(&state)
                    .ok_or_else(|| $crate::StoreError::Corrupt(format!("course state {state}")))?;
                Ok((course, org_id, state, sessions, attended, cert))
            }
        }

        impl $crate::employment::EmploymentStore for $store {
            async fn create_fair(
                &self,
                new: &$crate::employment::NewFair<'_>,
            ) -> $crate::Result<$crate::employment::Fair> {
                let mut tx = self.write_tx().await?;
                let (org_id, tenant) = Self::money_org(&mut tx, new.org).await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO employment_fairs (tenant_id, org_id, name, mode, held_on, venue, \
                     state, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, 'planned', $7, $8) RETURNING id",
                )
                .bind(tenant)
                .bind(org_id)
                .bind(new.name)
                .bind(new.mode.code())
                .bind(new.held_on)
                .bind(new.venue)
                .bind(new.by)
                .bind(new.at)
                .fetch_one(&mut *tx)
                .await?;
                Self::employment_audit(
                    &mut tx,
                    new.at,
                    new.by,
                    "employment.create_fair",
                    &format!("job fair {id}"),
                    &format!(
                        "招聘会 (job fair) {} ({}, {}), {} at {}",
                        new.name,
                        new.mode.label_zh(),
                        new.mode.label_en(),
                        new.held_on,
                        new.venue
                    ),
                    org_id,
                )
                .await?;
                let fair =
                    Self::employment_fair_in(&mut tx, id, &$crate::OrgScope::Everything, false)
                        .await?;
                tx.commit().await?;
                Ok(fair)
            }

            async fn fairs(
                &self,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<Vec<$crate::employment::Fair>> {
                use $crate::employment::{Fair, FAIR_SELECT};
                Ok(sqlx::query_as::<_, Fair>(&format!(
                    "{FAIR_SELECT} WHERE {} ORDER BY f.held_on DESC, f.id DESC",
                    $crate::recuperation::in_chain("f.org_id", 1)
                ))
                .bind(scope.org())
                .fetch_all(&self.reader)
                .await?)
            }

            async fn fair(
                &self,
                id: i64,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<$crate::employment::Fair> {
                let mut tx = self.reader.begin().await?;
                let fair = Self::employment_fair_in(&mut tx, id, scope, true).await?;
                tx.commit().await?;
                Ok(fair)
            }

            async fn step_fair(
                &self,
                id: i64,
                scope: &$crate::OrgScope,
                step: huzhu_domain::employment::FairStep,
                reason: &str,
                today: chrono::NaiveDate,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::employment::Fair> {
                let mut tx = self.write_tx().await?;
                let fair = Self::employment_fair_in(&mut tx, id, scope, false).await?;
                let to = huzhu_domain::employment::fair_step(fair.state, fair.held_on, today, step)
                    .map_err($crate::employment::refused)?;
                let org_id: i64 =
                    sqlx::query_scalar("SELECT org_id FROM employment_fairs WHERE id = $1")
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await?;
                let changed = sqlx::query(
                    "UPDATE employment_fairs SET state = $1, stepped_by = $2, stepped_at = $3, \
                     reason = $4 WHERE id = $5 AND state = $6",
                )
                .bind(to.code())
                .bind(by)
                .bind(at)
                .bind(reason)
                .bind(id)
                .bind(fair.state.code())
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed != 1 {
                    return Err($crate::StoreError::Conflict(
                        "招聘会已被他人修改，请刷新 (the fair was changed meanwhile: reload it)"
                            .into(),
                    ));
                }
                Self::employment_audit(
                    &mut tx,
                    at,
                    by,
                    &format!("employment.fair_{}", step.code()),
                    &format!("job fair {id}"),
                    &format!(
                        "招聘会 (job fair) {}: {} ({}) {} ({}) → {} ({}); {reason}",
                        fair.name,
                        step.label_zh(),
                        step.label_en(),
                        fair.state.label_zh(),
                        fair.state.label_en(),
                        to.label_zh(),
                        to.label_en()
                    ),
                    org_id,
                )
                .await?;
                let fair =
                    Self::employment_fair_in(&mut tx, id, &$crate::OrgScope::Everything, false)
                        .await?;
                tx.commit().await?;
                Ok(fair)
            }

            async fn add_post(
                &self,
                scope: &$crate::OrgScope,
                new: &$crate::employment::NewPost<'_>,
            ) -> $crate::Result<$crate::employment::Post> {
                use $crate::employment::{Post, POST_SELECT};
                let mut tx = self.write_tx().await?;
                let fair = Self::employment_fair_in(&mut tx, new.fair_id, scope, false).await?;
                huzhu_domain::employment::check_post(fair.state, new.openings)
                    .map_err($crate::employment::refused)?;
                let (tenant, org_id): (i64, i64) = sqlx::query_as(
                    "SELECT tenant_id, org_id FROM employment_fairs WHERE id = $1",
                )
                .bind(new.fair_id)
                .fetch_one(&mut *tx)
                .await?;
                let employer: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM employment_employers WHERE fair_id = $1 AND name = $2",
                )
                .bind(new.fair_id)
                .bind(new.employer)
                .fetch_optional(&mut *tx)
                .await?;
                let employer = match employer {
                    Some(e) => e,
                    None => {
                        sqlx::query_scalar(
                            "INSERT INTO employment_employers (tenant_id, fair_id, name) \
                             VALUES ($1, $2, $3) RETURNING id",
                        )
                        .bind(tenant)
                        .bind(new.fair_id)
                        .bind(new.employer)
                        .fetch_one(&mut *tx)
                        .await?
                    }
                };
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO employment_posts (tenant_id, fair_id, employer_id, title, \
                     openings, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     RETURNING id",
                )
                .bind(tenant)
                .bind(new.fair_id)
                .bind(employer)
                .bind(new.title)
                .bind(new.openings)
                .bind(new.by)
                .bind(new.at)
                .fetch_one(&mut *tx)
                .await?;
                Self::employment_audit(
                    &mut tx,
                    new.at,
                    new.by,
                    "employment.add_post",
                    &format!("post {id}"),
                    &format!(
                        "招聘岗位 (post) at fair {}: {} — {}, {} openings",
                        new.fair_id, new.employer, new.title, new.openings
                    ),
                    org_id,
                )
                .await?;
                let post: Post = sqlx::query_as(&format!("{POST_SELECT} WHERE p.id = $1"))
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(post)
            }

            async fn register_seeker(
                &self,
                scope: &$crate::OrgScope,
                new: &$crate::employment::NewSeeker<'_>,
            ) -> $crate::Result<$crate::employment::Seeker> {
                use $crate::archive::in_scope;
                use $crate::employment::SeekerWho;
                let mut tx = self.write_tx().await?;
                let (tenant, org_id, kind, member, household, name) = match &new.who {
                    SeekerWho::Member(m) => {
                        let who: Option<(i64, i64, String)> = sqlx::query_as(&format!(
                            "SELECT m.tenant_id, m.org_id, m.name FROM members m \
                             WHERE m.id = $1 AND {}",
                            in_scope("m.org_id", 2)
                        ))
                        .bind(*m)
                        .bind(scope.org())
                        .fetch_optional(&mut *tx)
                        .await?;
                        let (tenant, org_id, name) = who.ok_or_else(|| {
                            $crate::StoreError::NotFound(format!("会员 {m} (member {m})"))
                        })?;
                        let live: Option<i64> = sqlx::query_scalar(
                            "SELECT id FROM employment_seekers \
                             WHERE member_id = $1 AND state = 'registered'",
                        )
                        .bind(*m)
                        .fetch_optional(&mut *tx)
                        .await?;
                        if let Some(other) = live {
                            return Err($crate::StoreError::Conflict(format!(
                                "{name}已有求职登记（登记{other}） ({name} is registered already: registration {other})"
                            )));
                        }
                        (tenant, org_id, "member", Some(*m), None, name)
                    }
                    SeekerWho::Graduate { household, name } => {
                        let h: Option<(i64, i64, String)> = sqlx::query_as(&format!(
                            "SELECT h.tenant_id, h.org_id, h.state FROM households h \
                             WHERE h.id = $1 AND {}",
                            in_scope("h.org_id", 2)
                        ))
                        .bind(*household)
                        .bind(scope.org())
                        .fetch_optional(&mut *tx)
                        .await?;
                        let (tenant, org_id, state) = h.ok_or_else(|| {
                            $crate::StoreError::NotFound(format!(
                                "困难职工档案 {household} (archived household {household})"
                            ))
                        })?;
                        if state != "admitted" {
                            return Err($crate::StoreError::Conflict(format!(
                                "档案{household}不在建档状态，不能登记阳光就业 (household {household} is not an admitted archive record: {state})"
                            )));
                        }
                        (tenant, org_id, "graduate", None, Some(*household), name.to_string())
                    }
                };
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO employment_seekers (tenant_id, org_id, kind, member_id, \
                     household_id, name, wanted, registered_on, state, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'registered', $9, $10) RETURNING id",
                )
                .bind(tenant)
                .bind(org_id)
                .bind(kind)
                .bind(member)
                .bind(household)
                .bind(&name)
                .bind(new.wanted)
                .bind(new.registered_on)
                .bind(new.by)
                .bind(new.at)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match $crate::StoreError::from(e) {
                    $crate::StoreError::Conflict(_) => $crate::StoreError::Conflict(format!(
                        "{name}已有求职登记 ({name} is registered already)"
                    )),
                    other => other,
                })?;
                Self::employment_audit(
                    &mut tx,
                    new.at,
                    new.by,
                    "employment.register",
                    &format!("job-seeker {id}"),
                    &format!(
                        "求职登记 (job-seeker registered): {kind} {}, wants {}",
                        match (member, household) {
                            (Some(m), _) => format!("member {m}"),
                            (_, Some(h)) => format!("household {h}"),
                            _ => String::new(),
                        },
                        new.wanted
                    ),
                    org_id,
                )
                .await?;
                let s =
                    Self::employment_seeker_in(&mut tx, id, &$crate::OrgScope::Everything).await?;
                tx.commit().await?;
                Ok(s)
            }

            async fn seekers(
                &self,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<Vec<$crate::employment::Seeker>> {
                use $crate::employment::{Seeker, SEEKER_SELECT};
                Ok(sqlx::query_as::<_, Seeker>(&format!(
                    "{SEEKER_SELECT} WHERE {} ORDER BY s.id DESC",
                    $crate::archive::in_scope("s.org_id", 1)
                ))
                .bind(scope.org())
                .fetch_all(&self.reader)
                .await?)
            }

            async fn seeker(
                &self,
                id: i64,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<$crate::employment::Seeker> {
                let mut tx = self.reader.begin().await?;
                let s = Self::employment_seeker_in(&mut tx, id, scope).await?;
                tx.commit().await?;
                Ok(s)
            }

            async fn place_seeker(
                &self,
                scope: &$crate::OrgScope,
                seeker: i64,
                post: i64,
                placed_on: chrono::NaiveDate,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::employment::Seeker> {
                use huzhu_domain::employment as rules;
                let mut tx = self.write_tx().await?;
                let s = Self::employment_seeker_in(&mut tx, seeker, scope).await?;
                let fair_id: Option<i64> =
                    sqlx::query_scalar("SELECT fair_id FROM employment_posts WHERE id = $1")
                        .bind(post)
                        .fetch_optional(&mut *tx)
                        .await?;
                let missing =
                    || $crate::StoreError::NotFound(format!("岗位 {post} (post {post})"));
                let fair_id = fair_id.ok_or_else(missing)?;
                let fair = Self::employment_fair_in(&mut tx, fair_id, scope, true)
                    .await
                    .map_err(|_| missing())?;
                rules::check_placement(s.state, fair.state, fair.held_on, placed_on)
                    .map_err($crate::employment::refused)?;
                let (tenant, org_id): (i64, i64) = sqlx::query_as(
                    "SELECT tenant_id, org_id FROM employment_seekers WHERE id = $1",
                )
                .bind(seeker)
                .fetch_one(&mut *tx)
                .await?;
                let changed = sqlx::query(
                    "UPDATE employment_seekers SET state = 'placed', stepped_by = $1, \
                     stepped_at = $2 WHERE id = $3 AND state = 'registered'",
                )
                .bind(by)
                .bind(at)
                .bind(seeker)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed != 1 {
                    return Err($crate::StoreError::Conflict(
                        "求职登记已被他人修改，请刷新 (the registration was changed meanwhile: reload it)"
                            .into(),
                    ));
                }
                // The guard: the post's counter moves only while an opening is left.
                let filled: Option<i64> = sqlx::query_scalar(
                    "UPDATE employment_posts SET filled = filled + 1 \
                     WHERE id = $1 AND filled < openings RETURNING filled",
                )
                .bind(post)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(filled) = filled else {
                    let openings: i64 =
                        sqlx::query_scalar("SELECT openings FROM employment_posts WHERE id = $1")
                            .bind(post)
                            .fetch_one(&mut *tx)
                            .await?;
                    return Err($crate::employment::refused(rules::EmploymentError::PostFull {
                        openings,
                    }));
                };
                sqlx::query(
                    "INSERT INTO employment_placements (tenant_id, seeker_id, post_id, org_id, \
                     placed_on, placed_by, placed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(tenant)
                .bind(seeker)
                .bind(post)
                .bind(org_id)
                .bind(placed_on)
                .bind(by)
                .bind(at)
                .execute(&mut *tx)
                .await?;
                Self::employment_audit(
                    &mut tx,
                    at,
                    by,
                    "employment.place",
                    &format!("job-seeker {seeker}"),
                    &format!(
                        "安置就业 (placed): {} in post {post} of fair {} on {placed_on} \
                         ({filled} placed)",
                        s.name, fair.name
                    ),
                    org_id,
                )
                .await?;
                let s = Self::employment_seeker_in(&mut tx, seeker, &$crate::OrgScope::Everything)
                    .await?;
                tx.commit().await?;
                Ok(s)
            }

            async fn withdraw_seeker(
                &self,
                scope: &$crate::OrgScope,
                seeker: i64,
                reason: &str,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::employment::Seeker> {
                use huzhu_domain::employment as rules;
                let mut tx = self.write_tx().await?;
                let s = Self::employment_seeker_in(&mut tx, seeker, scope).await?;
                let to = rules::seeker_step(s.state, rules::SeekerStep::Withdraw)
                    .map_err($crate::employment::refused)?;
                let org_id: i64 =
                    sqlx::query_scalar("SELECT org_id FROM employment_seekers WHERE id = $1")
                        .bind(seeker)
                        .fetch_one(&mut *tx)
                        .await?;
                let changed = sqlx::query(
                    "UPDATE employment_seekers SET state = $1, stepped_by = $2, stepped_at = $3, \
                     reason = $4 WHERE id = $5 AND state = 'registered'",
                )
                .bind(to.code())
                .bind(by)
                .bind(at)
                .bind(reason)
                .bind(seeker)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed != 1 {
                    return Err($crate::StoreError::Conflict(
                        "求职登记已被他人修改，请刷新 (the registration was changed meanwhile: reload it)"
                            .into(),
                    ));
                }
                Self::employment_audit(
                    &mut tx,
                    at,
                    by,
                    "employment.withdraw",
                    &format!("job-seeker {seeker}"),
                    &format!("退出登记 (withdrawn): {}; {reason}", s.name),
                    org_id,
                )
                .await?;
                let s = Self::employment_seeker_in(&mut tx, seeker, &$crate::OrgScope::Everything)
                    .await?;
                tx.commit().await?;
                Ok(s)
            }

            async fn create_course(
                &self,
                new: &$crate::employment::NewCourse<'_>,
            ) -> $crate::Result<$crate::employment::Course> {
                let mut tx = self.write_tx().await?;
                let (org_id, tenant) = Self::money_org(&mut tx, new.org).await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO employment_courses (tenant_id, org_id, name, trade, start_on, \
                     end_on, sessions, state, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9) RETURNING id",
                )
                .bind(tenant)
                .bind(org_id)
                .bind(new.name)
                .bind(new.trade)
                .bind(new.start_on)
                .bind(new.end_on)
                .bind(new.sessions)
                .bind(new.by)
                .bind(new.at)
                .fetch_one(&mut *tx)
                .await?;
                Self::employment_audit(
                    &mut tx,
                    new.at,
                    new.by,
                    "employment.create_course",
                    &format!("course {id}"),
                    &format!(
                        "技能培训班 (course) {} ({}): {} – {}, {} sessions",
                        new.name, new.trade, new.start_on, new.end_on, new.sessions
                    ),
                    org_id,
                )
                .await?;
                let c =
                    Self::employment_course_in(&mut tx, id, &$crate::OrgScope::Everything, false)
                        .await?;
                tx.commit().await?;
                Ok(c)
            }

            async fn courses(
                &self,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<Vec<$crate::employment::Course>> {
                use $crate::employment::{Course, COURSE_SELECT};
                Ok(sqlx::query_as::<_, Course>(&format!(
                    "{COURSE_SELECT} WHERE {} ORDER BY c.start_on DESC, c.id DESC",
                    $crate::recuperation::in_chain("c.org_id", 1)
                ))
                .bind(scope.org())
                .fetch_all(&self.reader)
                .await?)
            }

            async fn course(
                &self,
                id: i64,
                scope: &$crate::OrgScope,
            ) -> $crate::Result<$crate::employment::Course> {
                let mut tx = self.reader.begin().await?;
                let c = Self::employment_course_in(&mut tx, id, scope, true).await?;
                tx.commit().await?;
                Ok(c)
            }

            async fn enrol_trainee(
                &self,
                scope: &$crate::OrgScope,
                course: i64,
                seeker: i64,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::employment::Trainee> {
                use huzhu_domain::employment as rules;
                let mut tx = self.write_tx().await?;
                let c = Self::employment_course_in(&mut tx, course, scope, true).await?;
                let s = Self::employment_seeker_in(&mut tx, seeker, scope).await?;
                rules::course_step(c.state, rules::CourseStep::Enrol)
                    .map_err($crate::employment::refused)?;
                if s.state == rules::SeekerState::Withdrawn {
                    return Err($crate::employment::refused(
                        rules::EmploymentError::SeekerWithdrawn,
                    ));
                }
                let (tenant, org_id): (i64, i64) = sqlx::query_as(
                    "SELECT tenant_id, org_id FROM employment_seekers WHERE id = $1",
                )
                .bind(seeker)
                .fetch_one(&mut *tx)
                .await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO employment_trainees (tenant_id, course_id, seeker_id, org_id, \
                     enrolled_by, enrolled_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(tenant)
                .bind(course)
                .bind(seeker)
                .bind(org_id)
                .bind(by)
                .bind(at)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match $crate::StoreError::from(e) {
                    $crate::StoreError::Conflict(_) => $crate::StoreError::Conflict(format!(
                        "{}已报名该培训班 ({} is enrolled in this course already)",
                        s.name, s.name
                    )),
                    other => other,
                })?;
                Self::employment_audit(
                    &mut tx,
                    at,
                    by,
                    "employment.enrol",
                    &format!("trainee {id}"),
                    &format!("报名参训 (enrolled): {} in course {course} ({})", s.name, c.name),
                    org_id,
                )
                .await?;
                let t = Self::employment_trainee_in(&mut tx, id).await?;
                tx.commit().await?;
                Ok(t)
            }

            async fn record_attendance(
                &self,
                scope: &$crate::OrgScope,
                trainee: i64,
                attended: i64,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::employment::Trainee> {
                use huzhu_domain::employment as rules;
                let mut tx = self.write_tx().await?;
                let (course, org_id, state, sessions, before, _) =
                    Self::employment_trainee_of_course(&mut tx, trainee, scope).await?;
                rules::course_step(state, rules::CourseStep::Attend)
                    .map_err($crate::employment::refused)?;
                rules::check_attendance(attended, sessions).map_err($crate::employment::refused)?;
                sqlx::query("UPDATE employment_trainees SET attended = $1 WHERE id = $2")
                    .bind(attended)
                    .bind(trainee)
                    .execute(&mut *tx)
                    .await?;
                Self::employment_audit(
                    &mut tx,
                    at,
                    by,
                    "employment.attend",
                    &format!("trainee {trainee}"),
                    &format!(
                        "记录出勤 (attendance) course {course}: {attended}/{sessions}; old: {before}"
                    ),
                    org_id,
                )
                .await?;
                let t = Self::employment_trainee_in(&mut tx, trainee).await?;
                tx.commit().await?;
                Ok(t)
            }

            async fn finish_course(
                &self,
                scope: &$crate::OrgScope,
                course: i64,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::employment::Course> {
                use huzhu_domain::employment as rules;
                let mut tx = self.write_tx().await?;
                let c = Self::employment_course_in(&mut tx, course, scope, false).await?;
                rules::course_step(c.state, rules::CourseStep::Finish)
                    .map_err($crate::employment::refused)?;
                let org_id: i64 =
                    sqlx::query_scalar("SELECT org_id FROM employment_courses WHERE id = $1")
                        .bind(course)
                        .fetch_one(&mut *tx)
                        .await?;
                let changed = sqlx::query(
                    "UPDATE employment_courses SET state = 'finished', finished_by = $1, \
                     finished_at = $2 WHERE id = $3 AND state = 'open'",
                )
                .bind(by)
                .bind(at)
                .bind(course)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed != 1 {
                    return Err($crate::StoreError::Conflict(
                        "培训班已被他人修改，请刷新 (the course was changed meanwhile: reload it)"
                            .into(),
                    ));
                }
                Self::employment_audit(
                    &mut tx,
                    at,
                    by,
                    "employment.finish_course",
                    &format!("course {course}"),
                    &format!(
                        "培训班结业 (course finished): {}, {} trainees",
                        c.name, c.trainee_count
                    ),
                    org_id,
                )
                .await?;
                let c =
                    Self::employment_course_in(&mut tx, course, &$crate::OrgScope::Everything, false)
                        .await?;
                tx.commit().await?;
                Ok(c)
            }

            async fn certify_trainee(
                &self,
                scope: &$crate::OrgScope,
                trainee: i64,
                today: chrono::NaiveDate,
                by: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::employment::Trainee> {
                use huzhu_domain::employment as rules;
                let mut tx = self.write_tx().await?;
                let (course, org_id, state, sessions, attended, cert) =
                    Self::employment_trainee_of_course(&mut tx, trainee, scope).await?;
                rules::check_certificate(state, cert.as_deref(), attended, sessions)
                    .map_err($crate::employment::refused)?;
                let number = rules::certificate_number(today, trainee);
                let changed = sqlx::query(
                    "UPDATE employment_trainees SET certificate_no = $1, certified_on = $2 \
                     WHERE id = $3 AND certificate_no IS NULL",
                )
                .bind(&number)
                .bind(today)
                .bind(trainee)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed != 1 {
                    return Err($crate::StoreError::Conflict(
                        "证书已被他人发放，请刷新 (the certificate was issued meanwhile: reload it)"
                            .into(),
                    ));
                }
                Self::employment_audit(
                    &mut tx,
                    at,
                    by,
                    "employment.certify",
                    &format!("trainee {trainee}"),
                    &format!(
                        "发放证书 (certificate) {number}, course {course}: {attended}/{sessions} attended"
                    ),
                    org_id,
                )
                .await?;
                let t = Self::employment_trainee_in(&mut tx, trainee).await?;
                tx.commit().await?;
                Ok(t)
            }

            async fn employment_facts(
                &self,
                scope: &$crate::OrgScope,
                from: chrono::NaiveDate,
                to: chrono::NaiveDate,
            ) -> $crate::Result<Vec<huzhu_domain::employment::Fact>> {
                use huzhu_domain::employment::{Fact, FactKind};
                use $crate::archive::in_scope;
                // Each query: the org (code), the day, how many; $1 scope, $2..$3 the period.
                let queries: [(FactKind, String); 8] = [
                    (
                        FactKind::FairHeld,
                        format!(
                            "SELECT o.code, f.held_on, CAST(1 AS BIGINT) FROM employment_fairs f \
                             JOIN orgs o ON o.id = f.org_id WHERE f.state = 'held' \
                             AND f.held_on >= $2 AND f.held_on <= $3 AND {}",
                            in_scope("f.org_id", 1)
                        ),
                    ),
                    (
                        FactKind::Employer,
                        format!(
                            "SELECT o.code, f.held_on, CAST(1 AS BIGINT) \
                             FROM employment_employers e \
                             JOIN employment_fairs f \
                             ON f.tenant_id = e.tenant_id AND f.id = e.fair_id \
                             JOIN orgs o ON o.id = f.org_id WHERE f.state = 'held' \
                             AND f.held_on >= $2 AND f.held_on <= $3 AND {}",
                            in_scope("f.org_id", 1)
                        ),
                    ),
                    (
                        FactKind::PostsOffered,
                        format!(
                            "SELECT o.code, f.held_on, p.openings FROM employment_posts p \
                             JOIN employment_fairs f \
                             ON f.tenant_id = p.tenant_id AND f.id = p.fair_id \
                             JOIN orgs o ON o.id = f.org_id WHERE f.state = 'held' \
                             AND f.held_on >= $2 AND f.held_on <= $3 AND {}",
                            in_scope("f.org_id", 1)
                        ),
                    ),
                    (
                        FactKind::Registered,
                        format!(
                            "SELECT o.code, s.registered_on, CAST(1 AS BIGINT) \
                             FROM employment_seekers s JOIN orgs o ON o.id = s.org_id \
                             WHERE s.registered_on >= $2 AND s.registered_on <= $3 AND {}",
                            in_scope("s.org_id", 1)
                        ),
                    ),
                    (
                        FactKind::Placed,
                        format!(
                            "SELECT o.code, p.placed_on, CAST(1 AS BIGINT) \
                             FROM employment_placements p JOIN orgs o ON o.id = p.org_id \
                             WHERE p.placed_on >= $2 AND p.placed_on <= $3 AND {}",
                            in_scope("p.org_id", 1)
                        ),
                    ),
                    (
                        FactKind::Course,
                        format!(
                            "SELECT o.code, c.start_on, CAST(1 AS BIGINT) \
                             FROM employment_courses c JOIN orgs o ON o.id = c.org_id \
                             WHERE c.start_on >= $2 AND c.start_on <= $3 AND {}",
                            in_scope("c.org_id", 1)
                        ),
                    ),
                    (
                        FactKind::Trainee,
                        format!(
                            "SELECT o.code, c.start_on, CAST(1 AS BIGINT) \
                             FROM employment_trainees t \
                             JOIN employment_courses c \
                             ON c.tenant_id = t.tenant_id AND c.id = t.course_id \
                             JOIN orgs o ON o.id = c.org_id \
                             WHERE c.start_on >= $2 AND c.start_on <= $3 AND {}",
                            in_scope("c.org_id", 1)
                        ),
                    ),
                    (
                        FactKind::Certificate,
                        format!(
                            "SELECT o.code, t.certified_on, CAST(1 AS BIGINT) \
                             FROM employment_trainees t \
                             JOIN employment_courses c \
                             ON c.tenant_id = t.tenant_id AND c.id = t.course_id \
                             JOIN orgs o ON o.id = c.org_id WHERE t.certified_on IS NOT NULL \
                             AND t.certified_on >= $2 AND t.certified_on <= $3 AND {}",
                            in_scope("c.org_id", 1)
                        ),
                    ),
                ];
                let mut tx = self.reader.begin().await?;
                let mut facts = Vec::new();
                for (kind, q) in &queries {
                    let rows: Vec<(String, chrono::NaiveDate, i64)> = sqlx::query_as(q)
                        .bind(scope.org())
                        .bind(from)
                        .bind(to)
                        .fetch_all(&mut *tx)
                        .await?;
                    facts.extend(rows.into_iter().map(|(org, on, n)| Fact {
                        org,
                        on,
                        kind: *kind,
                        n,
                    }));
                }
                tx.commit().await?;
                Ok(facts)
            }
        }
    };
}

pub(crate) use impl_employment_store;
