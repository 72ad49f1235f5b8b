//! 账号管理 — an administrator manages the accounts of their subtree (SPEC section 1): lists
//! them, creates an officer's or a staff account for an org, changes its role or org, switches it
//! off and on, and resets its password. Every change is written with its audit entry in one
//! transaction (the store's [`AccountStore::change_user`]; a new account is audited as
//! [`super::create_user`] does for the CLI), and ends the account's sessions.
//!
//! Scope: the account and the org it is moved to must both lie in the administrator's subtree;
//! anything else answers not found, like an account that does not exist. Member accounts belong
//! to a member and are made with the member (the CLI's `--member-id-number`): the console neither
//! creates one nor turns one into another role. An administrator cannot change, switch off or
//! reset their own account here, so that no one locks themselves out by a slip.

use super::{create_user, hash_password, UserInput, MIN_PASSWORD_CHARS};
use crate::access::{ensure_org_in_scope, not_found, require};
use crate::{AppError, Clock};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use huzhu_domain::access::{Actor, Capability, Role};
use huzhu_domain::org::OrgCode;
use huzhu_store::{AccountStore, Store, StoreError, User, UserChange, UserId};
use std::collections::BTreeMap;

/// An account as the administrator sees it: never its password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org: OrgCode,
    pub org_name: String,
    pub active: bool,
    /// A member's own account (managed with the member, not here).
    pub is_member: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A new officer's or staff account.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub display_name: Option<String>,
    pub role: Role,
    pub org: OrgCode,
    /// The administrator's choice; `None`: a temporary password is made and shown once.
    pub password: Option<String>,
}

/// The characters of a temporary password: no 0/O, 1/l/I, so that it can be read out at a
/// counter.
const TEMP_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const TEMP_CHARS: usize = 12;

/// A temporary password of [`TEMP_CHARS`] random characters.
pub fn temporary_password() -> String {
    let mut bytes = [0u8; TEMP_CHARS];
    OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| TEMP_ALPHABET[usize::from(*b) % TEMP_ALPHABET.len()] as char)
        .collect()
}

fn checked_password(raw: Option<&str>) -> Result<String, AppError> {
    match raw.filter(|p| !p.is_empty()) {
        None => Ok(temporary_password()),
        Some(p) if p.chars().count() >= MIN_PASSWORD_CHARS => Ok(p.to_string()),
        Some(_) => Err(AppError::invalid(
            "password",
            "密码至少8位 (the password needs at least 8 characters)".into(),
        )),
    }
}

fn account_not_found() -> AppError {
    not_found("账号 (account)")
}

fn no_member_role(role: Role) -> Result<(), AppError> {
    if role == Role::Member {
        return Err(AppError::invalid(
            "role",
            "会员账号随会员创建，请在命令行用 --member-id-number 创建 (a member's account is made \
             with the member: use the CLI's --member-id-number)"
                .into(),
        ));
    }
    Ok(())
}

/// The accounts under the administrator's org, by username.
pub async fn list<S: Store + AccountStore>(
    store: &S,
    actor: &Actor,
) -> Result<Vec<AccountView>, AppError> {
    require(actor, Capability::ManageUsers)?;
    let names: BTreeMap<OrgCode, String> = store
        .orgs_under(Some(&actor.org))
        .await?
        .into_iter()
        .map(|o| (o.code, o.name))
        .collect();
    let users = store.list_users_under(&actor.org).await?;
    Ok(users.into_iter().map(|u| view(u, &names)).collect())
}

fn view(u: User, names: &BTreeMap<OrgCode, String>) -> AccountView {
    AccountView {
        id: u.id.0,
        org_name: names
            .get(&u.org)
            .cloned()
            .unwrap_or_else(|| u.org.to_string()),
        username: u.username,
        display_name: u.display_name,
        role: u.role,
        org: u.org,
        active: u.active,
        is_member: u.member_id.is_some() || u.role == Role::Member,
        created_at: u.created_at,
    }
}

/// One account of the administrator's subtree.
pub async fn get<S: Store + AccountStore>(
    store: &S,
    actor: &Actor,
    id: i64,
) -> Result<AccountView, AppError> {
    let user = managed(store, actor, id).await?;
    let org = store.org(&user.org).await?;
    let names = BTreeMap::from([(org.code, org.name)]);
    Ok(view(user, &names))
}

/// The account, if the actor may manage it: an administrator, the account in their subtree.
async fn managed<S: AccountStore>(store: &S, actor: &Actor, id: i64) -> Result<User, AppError> {
    require(actor, Capability::ManageUsers)?;
    let user = match store.user(UserId(id)).await {
        Ok(u) => u,
        Err(StoreError::NotFound(_)) => return Err(account_not_found()),
        Err(e) => return Err(e.into()),
    };
    if !store.org_within(&user.org, &actor.org).await? {
        return Err(account_not_found());
    }
    Ok(user)
}

/// A change the administrator may make to this account: not their own, not a member's.
async fn changeable<S: AccountStore>(store: &S, actor: &Actor, id: i64) -> Result<User, AppError> {
    let user = managed(store, actor, id).await?;
    if user.id.0 == actor.user_id {
        return Err(AppError::Conflict(
            "不能在此修改自己的账号 (you cannot change your own account here)".into(),
        ));
    }
    if user.role == Role::Member || user.member_id.is_some() {
        return Err(AppError::Conflict(
            "会员账号随会员管理，不能在此修改 (a member's account is managed with the member)"
                .into(),
        ));
    }
    Ok(user)
}

/// Creates an officer's or a staff account under the administrator's org. The password is the
/// administrator's (at least [`MIN_PASSWORD_CHARS`]) or a temporary one; it is returned to be
/// shown once and is never stored or logged in the clear.
pub async fn create<S: Store + AccountStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    input: &NewAccount,
) -> Result<(AccountView, String), AppError> {
    require(actor, Capability::ManageUsers)?;
    no_member_role(input.role)?;
    ensure_org_in_scope(store, actor, &input.org)
        .await
        .map_err(|_| {
            AppError::invalid(
                "org",
                "组织不在您的管理范围内 (no such org under yours)".into(),
            )
        })?;
    let password = checked_password(input.password.as_deref())?;
    let id = create_user(
        store,
        clock,
        &actor.username,
        &UserInput {
            username: input.username.clone(),
            display_name: input.display_name.clone(),
            password: password.clone(),
            role: input.role,
            org: input.org.clone(),
            member_id: None,
        },
    )
    .await?;
    Ok((get(store, actor, id.0).await?, password))
}

/// Changes an account's role and org (both in the administrator's subtree).
pub async fn change<S: Store + AccountStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    role: Role,
    org: &OrgCode,
) -> Result<(), AppError> {
    let user = changeable(store, actor, id).await?;
    no_member_role(role)?;
    ensure_org_in_scope(store, actor, org).await.map_err(|_| {
        AppError::invalid(
            "org",
            "组织不在您的管理范围内 (no such org under yours)".into(),
        )
    })?;
    if user.role == role && &user.org == org {
        return Ok(());
    }
    let detail = format!(
        "角色 (role) {} → {}；组织 (org) {} → {}",
        user.role.label_zh(),
        role.label_zh(),
        user.org,
        org
    );
    store
        .change_user(&UserChange {
            id: user.id,
            role: Some(role),
            org: Some(org),
            active: None,
            password_hash: None,
            by: &actor.username,
            action: "user.change",
            detail: &detail,
            at: clock.now(),
        })
        .await?;
    Ok(())
}

/// Switches an account off (its sessions end at once) or on again.
pub async fn set_active<S: Store + AccountStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    active: bool,
) -> Result<(), AppError> {
    let user = changeable(store, actor, id).await?;
    if user.active == active {
        return Ok(());
    }
    let (action, detail) = if active {
        ("user.enable", "启用账号 (account switched on)")
    } else {
        ("user.disable", "停用账号 (account switched off)")
    };
    store
        .change_user(&UserChange {
            id: user.id,
            role: None,
            org: None,
            active: Some(active),
            password_hash: None,
            by: &actor.username,
            action,
            detail,
            at: clock.now(),
        })
        .await?;
    Ok(())
}

/// Sets a new password — the administrator's, or a temporary one — and returns it to be shown
/// once. The account's sessions end.
pub async fn reset_password<S: Store + AccountStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    password: Option<&str>,
) -> Result<String, AppError> {
    let user = changeable(store, actor, id).await?;
    let password = checked_password(password)?;
    let hash = hash_password(&password)?;
    store
        .change_user(&UserChange {
            id: user.id,
            role: None,
            org: None,
            active: None,
            password_hash: Some(&hash),
            by: &actor.username,
            action: "user.password_reset",
            detail: "重置密码 (password reset)",
            at: clock.now(),
        })
        .await?;
    Ok(password)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_temporary_password_is_long_enough_and_unambiguous() {
        let p = temporary_password();
        assert_eq!(p.chars().count(), TEMP_CHARS);
        assert!(p.chars().count() >= MIN_PASSWORD_CHARS);
        assert!(!p.contains(['0', 'O', '1', 'l', 'I']), "{p}");
        assert_ne!(p, temporary_password());
    }

    #[test]
    fn a_short_password_is_refused_and_none_makes_a_temporary_one() {
        assert!(checked_password(Some("short")).is_err());
        assert_eq!(
            checked_password(Some("long enough")).unwrap(),
            "long enough"
        );
        assert_eq!(checked_password(None).unwrap().len(), TEMP_CHARS);
        assert_eq!(checked_password(Some("")).unwrap().len(), TEMP_CHARS);
    }
}
