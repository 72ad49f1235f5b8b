//! Accounts and sessions (SPEC section 1): creating an account, signing in and out, and turning a
//! session token back into the [`Actor`] a use case runs for.
//!
//! Passwords are stored as argon2id PHC strings with a random salt. A session token is 32 random
//! bytes in hex, handed to the client once; the store keeps only its SHA-256, so a copy of the
//! database cannot be replayed as sessions. Every sign-in, failed sign-in and sign-out is written
//! to the audit log.

use crate::digest::{hex, sha256_hex};
use crate::error::AuthFailure;
use crate::{AppError, Clock};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::TimeDelta;
use huzhu_domain::access::{Actor, Role};
use huzhu_domain::org::OrgCode;
use huzhu_store::{AccountStore, AuditEntry, NewUser, Store, StoreError, User, UserId};
use std::sync::OnceLock;

pub mod manage;

/// A session ends after this long without a request (sliding idle limit): a counter PC left
/// signed in over lunch is still usable, one left overnight is not.
pub const SESSION_IDLE: TimeDelta = TimeDelta::hours(8);

/// A session ends this long after sign-in, however busy: one working week plus a weekend.
pub const SESSION_ABSOLUTE: TimeDelta = TimeDelta::days(7);

/// A session's last-seen time is written at most this often, not on every request.
const TOUCH_EVERY: TimeDelta = TimeDelta::minutes(1);

pub const MIN_PASSWORD_CHARS: usize = 8;

/// What an administrator (or the CLI, or the demo) asks for when creating an account.
#[derive(Debug, Clone)]
pub struct UserInput {
    pub username: String,
    pub display_name: Option<String>,
    pub password: String,
    pub role: Role,
    pub org: OrgCode,
    /// For [`Role::Member`] only: the member (members.id) the account belongs to.
    pub member_id: Option<i64>,
}

fn invalid(field: &str, message: &str) -> AppError {
    AppError::Invalid {
        field: field.to_string(),
        message: message.to_string(),
    }
}

/// The PHC string (argon2id, random salt) of a password.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            invalid(
                "password",
                &format!("密码无法处理 (cannot hash the password): {e}"),
            )
        })
}

/// Whether `password` matches the stored PHC string; a malformed string matches nothing.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash to verify against when the username is unknown, so that an unknown user costs as much
/// time as a wrong password and the two cannot be told apart by timing.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut bytes = [0u8; 16];
        OsRng.fill_bytes(&mut bytes);
        hash_password(&hex(&bytes)).unwrap_or_default()
    })
}

/// The SHA-256 of a session token, as the store keeps it.
pub fn token_hash(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

/// Usernames are lower-case ASCII letters, digits, `.`, `_` and `-`, 3 to 64 of them, so that
/// they can be typed at any counter and never look like one another.
pub fn normalise_username(raw: &str) -> Result<String, AppError> {
    let u = raw.trim().to_ascii_lowercase();
    let ok = (3..=64).contains(&u.len())
        && u.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(u)
    } else {
        Err(invalid(
            "username",
            "用户名应为3到64位小写字母、数字或“._-” (username: 3–64 of a-z, 0-9, '.', '_', '-')",
        ))
    }
}

/// Creates an account after checking it: a valid username, a password of at least
/// [`MIN_PASSWORD_CHARS`], an existing org, and a member account naming a member who belongs
/// inside the account's org (other roles name no member). `by` is who asked, for the audit log.
pub async fn create_user<S: Store + AccountStore>(
    store: &S,
    clock: &dyn Clock,
    by: &str,
    input: &UserInput,
) -> Result<UserId, AppError> {
    let username = normalise_username(&input.username)?;
    if input.password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(invalid(
            "password",
            "密码至少8位 (the password needs at least 8 characters)",
        ));
    }
    match (input.role, input.member_id) {
        (Role::Member, None) => {
            return Err(invalid(
                "member_id",
                "会员账号必须指定会员 (a member account must name its member)",
            ))
        }
        (Role::Member, Some(member)) => {
            let inside = match store.member_org(member).await? {
                Some(unit) => store.org_within(&unit, &input.org).await?,
                None => false,
            };
            if !inside {
                return Err(invalid(
                    "member_id",
                    "该会员不在账号所属组织之下 (the member does not belong under the account's org)",
                ));
            }
        }
        (_, Some(_)) => {
            return Err(invalid(
                "member_id",
                "只有会员账号可以指定会员 (only a member account names a member)",
            ))
        }
        (_, None) => {}
    }
    let display_name = input
        .display_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(&username)
        .to_string();
    let new = NewUser {
        username: username.clone(),
        display_name,
        password_hash: hash_password(&input.password)?,
        role: input.role,
        org: input.org.clone(),
        member_id: input.member_id,
        created_at: clock.now(),
    };
    let id = match store.create_user(&new).await {
        Ok(id) => id,
        Err(StoreError::Conflict(_)) => {
            return Err(invalid(
                "username",
                "用户名已被使用 (the username is taken)",
            ))
        }
        Err(StoreError::NotFound(_)) => {
            return Err(invalid("org", "组织代码不存在 (no org with this code)"))
        }
        Err(e) => return Err(e.into()),
    };
    audit(
        store,
        clock,
        (by, Some(&input.org)),
        "user.create",
        &username,
        &format!(
            "角色 (role) {}；组织 (org) {}",
            input.role.label_zh(),
            input.org
        ),
    )
    .await?;
    Ok(id)
}

/// The actor an account acts as.
pub fn actor_of(user: &User) -> Actor {
    Actor {
        user_id: user.id.0,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: user.role,
        org: user.org.clone(),
        org_level: user.org_level,
        member_id: user.member_id,
    }
}

/// Records an account event under `org`: the org of the account it concerns (`None`: a sign-in
/// under an unknown name, which belongs to no tenant: no org's auditor reads it, only the
/// operator of the database does).
async fn audit<S: Store>(
    store: &S,
    clock: &dyn Clock,
    (actor, org): (&str, Option<&OrgCode>),
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<(), AppError> {
    store
        .audit(&AuditEntry {
            at: clock.now(),
            actor: actor.to_string(),
            action: action.to_string(),
            subject: subject.to_string(),
            detail: detail.to_string(),
            org: org.cloned(),
        })
        .await?;
    Ok(())
}

/// Signs in: a new session token (hand it to the client; it is not stored) and the actor. An
/// unknown username, a wrong password and a switched-off account all give
/// [`AuthFailure::BadCredentials`], after the same argon2 work.
pub async fn login<S: Store + AccountStore>(
    store: &S,
    clock: &dyn Clock,
    username: &str,
    password: &str,
) -> Result<(String, Actor), AppError> {
    let name = username.trim().to_ascii_lowercase();
    let user = store.user_by_username(&name).await?;
    let phc = user
        .as_ref()
        .map(|u| u.password_hash.as_str())
        .unwrap_or_else(|| dummy_hash());
    let password_ok = verify_password(password, phc);
    let refusal = match &user {
        None => Some("unknown user"),
        Some(_) if !password_ok => Some("wrong password"),
        Some(u) if !u.active => Some("account switched off"),
        Some(_) => None,
    };
    let user = match (user, refusal) {
        (Some(u), None) => u,
        (known, reason) => {
            let subject: String = name.chars().take(64).collect();
            let reason = reason.unwrap_or_default();
            let org = known.map(|u| u.org);
            if org.is_none() {
                // No tenant's audit log shows it: the server's log does, for its operator.
                tracing::warn!(username = %subject, "sign-in under an unknown name");
            }
            audit(
                store,
                clock,
                (&subject, org.as_ref()),
                "login.failed",
                &subject,
                reason,
            )
            .await?;
            return Err(AppError::Unauthenticated(AuthFailure::BadCredentials));
        }
    };
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = hex(&bytes);
    let now = clock.now();
    store
        .create_session(&token_hash(&token), user.id, now, now + SESSION_ABSOLUTE)
        .await?;
    audit(
        store,
        clock,
        (&user.username, Some(&user.org)),
        "login",
        &user.username,
        &format!("{} ({})", user.role.label_zh(), user.role.label_en()),
    )
    .await?;
    Ok((token, actor_of(&user)))
}

/// The actor of a session token, if the session is alive: known, within [`SESSION_ABSOLUTE`] of
/// sign-in and [`SESSION_IDLE`] of its last use, and its account switched on. Each use restarts
/// the idle clock.
pub async fn actor_for_token<S: AccountStore>(
    store: &S,
    clock: &dyn Clock,
    token: &str,
) -> Result<Actor, AppError> {
    let now = clock.now();
    let hash = token_hash(token);
    let Some((user, session)) = store.session_user(&hash, now).await? else {
        return Err(AppError::Unauthenticated(AuthFailure::NoSession));
    };
    if now - session.last_seen_at >= SESSION_IDLE || !user.active {
        store.delete_session(&hash).await?;
        return Err(AppError::Unauthenticated(AuthFailure::NoSession));
    }
    if now - session.last_seen_at >= TOUCH_EVERY {
        store.touch_session(&hash, now).await?;
    }
    Ok(actor_of(&user))
}

/// Signs out: the session is forgotten. An unknown token is already signed out.
pub async fn logout<S: Store + AccountStore>(
    store: &S,
    clock: &dyn Clock,
    token: &str,
) -> Result<(), AppError> {
    let hash = token_hash(token);
    if let Some((user, _)) = store.session_user(&hash, clock.now()).await? {
        store.delete_session(&hash).await?;
        audit(
            store,
            clock,
            (&user.username, Some(&user.org)),
            "logout",
            &user.username,
            "",
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_and_no_other() {
        let phc = hash_password("correct horse").unwrap();
        assert!(verify_password("correct horse", &phc));
        assert!(!verify_password("correct horse ", &phc));
        assert!(!verify_password("wrong", &phc));
        assert!(!verify_password("correct horse", "not a phc string"));
    }

    #[test]
    fn the_stored_string_is_argon2id_phc_and_never_holds_the_password() {
        let phc = hash_password("huzhu-demo-2022").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$"), "{phc}");
        assert!(!phc.contains("huzhu-demo-2022"));
        let again = hash_password("huzhu-demo-2022").unwrap();
        assert_ne!(phc, again, "a fresh salt every time");
    }

    #[test]
    fn usernames_are_normalised_and_checked() {
        assert_eq!(normalise_username(" City.Staff ").unwrap(), "city.staff");
        assert!(normalise_username("ab").is_err());
        assert!(normalise_username("张三").is_err());
        assert!(normalise_username("a b c").is_err());
    }

    #[test]
    fn a_token_is_stored_as_its_sha256() {
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
