//! Accounts, sessions and the scope questions the app asks of the tree (SPEC sections 1–2). A
//! second repository trait beside [`crate::Store`], implemented by both backends from the same SQL
//! text by [`impl_account_store!`]. Passwords arrive here already hashed and session tokens as
//! their SHA-256: this crate never sees a secret.

use crate::{Result, StoreError};
use chrono::{DateTime, Utc};
use huzhu_domain::access::Role;
use huzhu_domain::org::{OrgCode, OrgLevel};
use std::future::Future;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(pub i64);

/// An account to create. The password is a PHC hash string made by the app.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub org: OrgCode,
    pub member_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub tenant_id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub org: OrgCode,
    pub org_level: OrgLevel,
    pub member_id: Option<i64>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// What an administrator changes on an account, with the audit entry that records it: written
/// in one transaction. `None` leaves a field as it is. Any change ends the account's sessions,
/// so that the next request is made with the new role, org, state or password.
#[derive(Debug, Clone)]
pub struct UserChange<'a> {
    pub id: UserId,
    pub role: Option<Role>,
    /// Must be an org of the account's own tenant (city).
    pub org: Option<&'a OrgCode>,
    pub active: Option<bool>,
    pub password_hash: Option<&'a str>,
    /// Who changed it, the audit action (`user.change`, `user.disable`, …) and its detail.
    pub by: &'a str,
    pub action: &'a str,
    pub detail: &'a str,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub token_hash: String,
    pub user_id: UserId,
    pub created_at: DateTime<Utc>,
    /// The absolute limit; idle expiry is the app's rule, measured from `last_seen_at`.
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// Accounts and sessions. Implementations are cheap to clone (a pool handle).
pub trait AccountStore: Clone + Send + Sync + 'static {
    /// Creates an account in the org named by `user.org`; a taken username is
    /// [`StoreError::Conflict`], an unknown org [`StoreError::NotFound`].
    fn create_user(&self, user: &NewUser) -> impl Future<Output = Result<UserId>> + Send;

    fn user_by_username(&self, username: &str)
        -> impl Future<Output = Result<Option<User>>> + Send;

    fn user(&self, id: UserId) -> impl Future<Output = Result<User>> + Send;

    /// Accounts whose org lies in the subtree of `org`, by username.
    fn list_users_under(&self, org: &OrgCode) -> impl Future<Output = Result<Vec<User>>> + Send;

    fn set_password(
        &self,
        id: UserId,
        password_hash: &str,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Changes an account's role, org, state or password and writes the audit entry, in one
    /// transaction; ends all its sessions. An unknown account, or an org not in its tenant, is
    /// [`StoreError::NotFound`] and changes nothing.
    fn change_user(&self, change: &UserChange<'_>) -> impl Future<Output = Result<()>> + Send;

    /// Switches an account on or off; switching it off also ends all its sessions.
    fn set_active(&self, id: UserId, active: bool) -> impl Future<Output = Result<()>> + Send;

    fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        created_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> impl Future<Output = Result<()>> + Send;

    /// The session and its account, unless the session is unknown or past `expires_at`.
    fn session_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<(User, Session)>>> + Send;

    /// Records that the session was used at `now` (its idle clock restarts).
    fn touch_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<()>> + Send;

    fn delete_session(&self, token_hash: &str) -> impl Future<Output = Result<()>> + Send;

    /// Forgets sessions past their absolute limit; returns how many.
    fn delete_expired_sessions(
        &self,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Whether `org` is `ancestor` or lies in its subtree. Unknown codes are simply not within.
    fn org_within(
        &self,
        org: &OrgCode,
        ancestor: &OrgCode,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// The grassroots union the member belongs to now, or None for an unknown member.
    fn member_org(&self, member_id: i64) -> impl Future<Output = Result<Option<OrgCode>>> + Send;

    /// Whether the member exists and lies in what `visibility` allows.
    fn member_visible(
        &self,
        member_id: i64,
        visibility: &crate::Visibility,
    ) -> impl Future<Output = Result<bool>> + Send;
}

pub(crate) const USER_COLUMNS: &str = "u.id, u.tenant_id, u.username, u.display_name, \
     u.password_hash, u.role, o.code AS org_code, o.level AS org_level, u.member_id, u.active, \
     u.created_at";

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    pub id: i64,
    pub tenant_id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub org_code: String,
    pub org_level: i16,
    pub member_id: Option<i64>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

impl UserRow {
    pub fn into_user(self) -> Result<User> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("user {} {what}", self.username));
        Ok(User {
            id: UserId(self.id),
            tenant_id: self.tenant_id,
            role: Role::parse(&self.role).ok_or_else(|| corrupt("role"))?,
            org: OrgCode::parse(&self.org_code).map_err(|_| corrupt("org"))?,
            org_level: OrgLevel::from_number(i64::from(self.org_level))
                .ok_or_else(|| corrupt("org level"))?,
            member_id: self.member_id,
            active: self.active,
            created_at: self.created_at,
            display_name: self.display_name,
            password_hash: self.password_hash,
            username: self.username,
        })
    }
}

/// A session joined with its account: one query per uncached request.
#[derive(sqlx::FromRow)]
pub(crate) struct SessionUserRow {
    pub token_hash: String,
    pub session_created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    #[sqlx(flatten)]
    pub user: UserRow,
}

impl SessionUserRow {
    pub fn into_pair(self) -> Result<(User, Session)> {
        let user = self.user.into_user()?;
        let session = Session {
            token_hash: self.token_hash,
            user_id: user.id,
            created_at: self.session_created_at,
            expires_at: self.expires_at,
            last_seen_at: self.last_seen_at,
        };
        Ok((user, session))
    }
}

/// Expands [`AccountStore`] for one backend; `$store` has a field `pool`.
macro_rules! impl_account_store {
    ($store:ty) => {
        impl $crate::accounts::AccountStore for $store {
            async fn create_user(
                &self,
                user: &$crate::accounts::NewUser,
            ) -> $crate::Result<$crate::accounts::UserId> {
                let mut tx = self.write_tx().await?;
                let org: Option<(i64, i64)> =
                    sqlx::query_as("SELECT id, COALESCE(tenant_id, id) FROM orgs WHERE code = $1")
                        .bind(user.org.as_str())
                        .fetch_optional(&mut *tx)
                        .await?;
                let (org_id, tenant_id) =
                    org.ok_or_else(|| $crate::StoreError::NotFound(format!("org {}", user.org)))?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO users (tenant_id, username, display_name, password_hash, role, \
                     org_id, member_id, active, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8) RETURNING id",
                )
                .bind(tenant_id)
                .bind(&user.username)
                .bind(&user.display_name)
                .bind(&user.password_hash)
                .bind(user.role.code())
                .bind(org_id)
                .bind(user.member_id)
                .bind(user.created_at)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok($crate::accounts::UserId(id))
            }

            async fn user_by_username(
                &self,
                username: &str,
            ) -> $crate::Result<Option<$crate::accounts::User>> {
                use $crate::accounts::{UserRow, USER_COLUMNS};
                let row: Option<UserRow> = sqlx::query_as(&format!(
                    "SELECT {USER_COLUMNS} FROM users u JOIN orgs o ON o.id = u.org_id \
                     WHERE u.username = $1"
                ))
                .bind(username)
                .fetch_optional(&self.reader)
                .await?;
                row.map(UserRow::into_user).transpose()
            }

            async fn user(
                &self,
                id: $crate::accounts::UserId,
            ) -> $crate::Result<$crate::accounts::User> {
                use $crate::accounts::{UserRow, USER_COLUMNS};
                let row: Option<UserRow> = sqlx::query_as(&format!(
                    "SELECT {USER_COLUMNS} FROM users u JOIN orgs o ON o.id = u.org_id \
                     WHERE u.id = $1"
                ))
                .bind(id.0)
                .fetch_optional(&self.reader)
                .await?;
                row.ok_or_else(|| $crate::StoreError::NotFound(format!("user {}", id.0)))?
                    .into_user()
            }

            async fn list_users_under(
                &self,
                org: &huzhu_domain::org::OrgCode,
            ) -> $crate::Result<Vec<$crate::accounts::User>> {
                use $crate::accounts::{UserRow, USER_COLUMNS};
                let rows: Vec<UserRow> = sqlx::query_as(&format!(
                    "SELECT {USER_COLUMNS} FROM orgs a \
                     JOIN org_closure c ON c.ancestor_id = a.id \
                     JOIN users u ON u.org_id = c.descendant_id \
                     JOIN orgs o ON o.id = u.org_id \
                     WHERE a.code = $1 ORDER BY u.username"
                ))
                .bind(org.as_str())
                .fetch_all(&self.reader)
                .await?;
                rows.into_iter().map(UserRow::into_user).collect()
            }

            async fn set_password(
                &self,
                id: $crate::accounts::UserId,
                password_hash: &str,
            ) -> $crate::Result<()> {
                let mut tx = self.write_tx().await?;
                let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                    .bind(password_hash)
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                if done.rows_affected() == 0 {
                    return Err($crate::StoreError::NotFound(format!("user {}", id.0)));
                }
                Ok(())
            }

            async fn set_active(
                &self,
                id: $crate::accounts::UserId,
                active: bool,
            ) -> $crate::Result<()> {
                let mut tx = self.write_tx().await?;
                let done = sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
                    .bind(active)
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err($crate::StoreError::NotFound(format!("user {}", id.0)));
                }
                if !active {
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                        .bind(id.0)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                // After the commit: a read that began before it cannot re-insert its answer.
                self.sessions.forget_user(id);
                Ok(())
            }

            async fn change_user(
                &self,
                ch: &$crate::accounts::UserChange<'_>,
            ) -> $crate::Result<()> {
                let mut tx = self.write_tx().await?;
                let tenant: Option<i64> =
                    sqlx::query_scalar("SELECT tenant_id FROM users WHERE id = $1")
                        .bind(ch.id.0)
                        .fetch_optional(&mut *tx)
                        .await?;
                let tenant = tenant
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("user {}", ch.id.0)))?;
                let org_id: Option<i64> = match ch.org {
                    None => None,
                    Some(code) => {
                        let id: Option<i64> = sqlx::query_scalar(
                            "SELECT id FROM orgs WHERE code = $1 AND COALESCE(tenant_id, id) = $2",
                        )
                        .bind(code.as_str())
                        .bind(tenant)
                        .fetch_optional(&mut *tx)
                        .await?;
                        Some(id.ok_or_else(|| {
                            $crate::StoreError::NotFound(format!("org {code}"))
                        })?)
                    }
                };
                sqlx::query(
                    "UPDATE users SET role = COALESCE($1, role), org_id = COALESCE($2, org_id), \
                     active = COALESCE($3, active), password_hash = COALESCE($4, password_hash) \
                     WHERE id = $5",
                )
                .bind(ch.role.map(|r| r.code()))
                .bind(org_id)
                .bind(ch.active)
                .bind(ch.password_hash)
                .bind(ch.id.0)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(ch.id.0)
                    .execute(&mut *tx)
                    .await?;
                let (account_org, subject): (i64, String) =
                    sqlx::query_as("SELECT org_id, username FROM users WHERE id = $1")
                        .bind(ch.id.0)
                        .fetch_one(&mut *tx)
                        .await?;
                Self::audit_in(
                    &mut tx,
                    &$crate::bank::TxAudit {
                        at: ch.at,
                        actor: ch.by,
                        action: ch.action,
                        subject: &subject,
                        detail: ch.detail,
                        org_id: Some(account_org),
                    },
                )
                .await?;
                tx.commit().await?;
                // After the commit: a read that began before it cannot re-insert its answer.
                self.sessions.forget_user(ch.id);
                Ok(())
            }

            async fn create_session(
                &self,
                token_hash: &str,
                user: $crate::accounts::UserId,
                created_at: chrono::DateTime<chrono::Utc>,
                expires_at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<()> {
                let mut tx = self.write_tx().await?;
                sqlx::query(
                    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, \
                     last_seen_at) VALUES ($1, $2, $3, $4, $3)",
                )
                .bind(token_hash)
                .bind(user.0)
                .bind(created_at)
                .bind(expires_at)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn session_user(
                &self,
                token_hash: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<Option<($crate::accounts::User, $crate::accounts::Session)>> {
                use $crate::accounts::{SessionUserRow, USER_COLUMNS};
                if let Some(hit) = self.sessions.get(token_hash, now) {
                    return Ok(Some(hit));
                }
                let generation = self.sessions.generation();
                let row: Option<SessionUserRow> = sqlx::query_as(&format!(
                    "SELECT s.token_hash, s.created_at AS session_created_at, s.expires_at, \
                     s.last_seen_at, {USER_COLUMNS} FROM sessions s \
                     JOIN users u ON u.id = s.user_id JOIN orgs o ON o.id = u.org_id \
                     WHERE s.token_hash = $1 AND s.expires_at > $2"
                ))
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&self.reader)
                .await?;
                let Some(row) = row else {
                    return Ok(None);
                };
                let (user, session) = row.into_pair()?;
                self.sessions.put(generation, &user, &session, now);
                Ok(Some((user, session)))
            }

            async fn touch_session(
                &self,
                token_hash: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<()> {
                let mut tx = self.write_tx().await?;
                sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                    .bind(now)
                    .bind(token_hash)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                self.sessions.touched(token_hash, now);
                Ok(())
            }

            async fn delete_session(&self, token_hash: &str) -> $crate::Result<()> {
                let mut tx = self.write_tx().await?;
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                // After the delete: a read that began before it cannot re-insert its answer.
                self.sessions.forget(token_hash);
                Ok(())
            }

            async fn delete_expired_sessions(
                &self,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<u64> {
                let mut tx = self.write_tx().await?;
                let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(done.rows_affected())
            }

            async fn org_within(
                &self,
                org: &huzhu_domain::org::OrgCode,
                ancestor: &huzhu_domain::org::OrgCode,
            ) -> $crate::Result<bool> {
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM org_closure c \
                     JOIN orgs a ON a.id = c.ancestor_id \
                     JOIN orgs d ON d.id = c.descendant_id \
                     WHERE a.code = $1 AND d.code = $2",
                )
                .bind(ancestor.as_str())
                .bind(org.as_str())
                .fetch_one(&self.reader)
                .await?;
                Ok(n > 0)
            }

            async fn member_visible(
                &self,
                member_id: i64,
                visibility: &$crate::Visibility,
            ) -> $crate::Result<bool> {
                let n: i64 = sqlx::query_scalar(&format!(
                    "SELECT COUNT(*) FROM members m WHERE m.id = $1 AND {}",
                    $crate::model::visible_member("m.id", 2, 3)
                ))
                .bind(member_id)
                .bind(visibility.org())
                .bind(visibility.member())
                .fetch_one(&self.reader)
                .await?;
                Ok(n > 0)
            }

            async fn member_org(
                &self,
                member_id: i64,
            ) -> $crate::Result<Option<huzhu_domain::org::OrgCode>> {
                let code: Option<String> = sqlx::query_scalar(
                    "SELECT o.code FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.id = $1",
                )
                .bind(member_id)
                .fetch_optional(&self.reader)
                .await?;
                code.map(|c| {
                    huzhu_domain::org::OrgCode::parse(&c)
                        .map_err(|_| $crate::StoreError::Corrupt(format!("org code {c}")))
                })
                .transpose()
            }
        }
    };
}

pub(crate) use impl_account_store;
