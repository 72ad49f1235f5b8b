//! 账号管理 through the use cases, on SQLite and on PostgreSQL: an administrator creates an
//! officer's account under their org, changes its role and org, switches it off and on, resets
//! its password — each change in the audit log, the account's sessions ended — and nothing
//! outside their subtree, their own account or a member's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, TimeZone, Utc};
use huzhu_app::accounts::manage::{self, NewAccount};
use huzhu_app::accounts::{actor_for_token, create_user, login, UserInput};
use huzhu_app::{AppError, Clock};
use huzhu_domain::access::Role;
use huzhu_domain::org::OrgCode;
use huzhu_store::{AccountStore, Store};

struct FixedClock(DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

fn code(c: &str) -> OrgCode {
    OrgCode::parse(c).unwrap()
}

fn clock() -> FixedClock {
    FixedClock(Utc.with_ymd_and_hms(2022, 3, 1, 2, 0, 0).unwrap())
}

async fn actions<S: Store>(s: &S) -> Vec<(String, String, String)> {
    s.audit_log(500)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action.starts_with("user."))
        .map(|e| (e.action, e.actor, e.subject))
        .collect()
}

async fn an_administrator_manages_the_accounts_of_their_subtree<S: Store + AccountStore>(s: S) {
    let clock = clock();
    huzhu_app::demo::load_demo(&s, &clock).await.unwrap();
    let (_, admin) = login(&s, &clock, "admin", huzhu_app::demo::DEMO_PASSWORD)
        .await
        .unwrap();

    // Created with a temporary password, which signs in.
    let (made, password) = manage::create(
        &s,
        &clock,
        &admin,
        &NewAccount {
            username: "Officer.LA01002".into(),
            display_name: Some("李干事".into()),
            role: Role::UnitOfficer,
            org: code("LA-01-002"),
            password: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(made.username, "officer.la01002");
    assert_eq!(made.role, Role::UnitOfficer);
    assert!(made.active);
    assert!(!made.org_name.is_empty() && made.org_name != "LA-01-002");
    let (token, _) = login(&s, &clock, "officer.la01002", &password)
        .await
        .unwrap();
    assert!(actor_for_token(&s, &clock, &token).await.is_ok());

    // Listed under HZ with its role and org.
    let all = manage::list(&s, &admin).await.unwrap();
    let row = all
        .iter()
        .find(|a| a.username == "officer.la01002")
        .unwrap();
    assert_eq!(row.org, code("LA-01-002"));

    // A member's role, a short password, an org outside HZ: refused, nothing made.
    for (role, org, pw, field) in [
        (Role::Member, "LA-01-002", None, "role"),
        (Role::UnitOfficer, "LA-01-002", Some("short"), "password"),
        (Role::UnitOfficer, "NOPE", None, "org"),
    ] {
        let e = manage::create(
            &s,
            &clock,
            &admin,
            &NewAccount {
                username: "someone.else".into(),
                display_name: None,
                role,
                org: code(org),
                password: pw.map(str::to_string),
            },
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid { field: f, .. } if f == field),
            "{field}: {e:?}"
        );
    }
    assert!(s.user_by_username("someone.else").await.unwrap().is_none());

    // Role and org changed: the session ends at once, the audit log says so.
    manage::change(
        &s,
        &clock,
        &admin,
        made.id,
        Role::FederationStaff,
        &code("LA"),
    )
    .await
    .unwrap();
    let now = manage::get(&s, &admin, made.id).await.unwrap();
    assert_eq!(
        (now.role, now.org.clone()),
        (Role::FederationStaff, code("LA"))
    );
    assert!(actor_for_token(&s, &clock, &token).await.is_err());

    // Switched off: cannot sign in; on again: can.
    manage::set_active(&s, &clock, &admin, made.id, false)
        .await
        .unwrap();
    assert!(login(&s, &clock, "officer.la01002", &password)
        .await
        .is_err());
    manage::set_active(&s, &clock, &admin, made.id, true)
        .await
        .unwrap();
    assert!(login(&s, &clock, "officer.la01002", &password)
        .await
        .is_ok());

    // A password chosen by the administrator replaces the old one.
    let new = manage::reset_password(&s, &clock, &admin, made.id, Some("chosen-password-1"))
        .await
        .unwrap();
    assert_eq!(new, "chosen-password-1");
    assert!(login(&s, &clock, "officer.la01002", &password)
        .await
        .is_err());
    assert!(login(&s, &clock, "officer.la01002", &new).await.is_ok());

    let log = actions(&s).await;
    for action in [
        "user.create",
        "user.change",
        "user.disable",
        "user.enable",
        "user.password_reset",
    ] {
        assert_eq!(
            log.iter()
                .filter(|(a, by, subject)| a == action
                    && by == "admin"
                    && subject == "officer.la01002")
                .count(),
            1,
            "{action}: {log:?}"
        );
    }
    let entries = s.audit_log(500).await.unwrap();
    assert!(
        entries
            .iter()
            .all(|e| !e.detail.contains(&password) && !e.detail.contains(&new)),
        "no password in the audit log"
    );

    // Their own account and a member's are not changed here.
    let own = manage::set_active(&s, &clock, &admin, admin.user_id, false).await;
    assert!(matches!(own, Err(AppError::Conflict(_))), "{own:?}");
    let member = s.user_by_username("member.demo").await.unwrap().unwrap();
    let m = manage::change(&s, &clock, &admin, member.id.0, Role::Auditor, &code("HZ")).await;
    assert!(matches!(m, Err(AppError::Conflict(_))), "{m:?}");

    // A district's administrator: only its own subtree, the rest answers not found.
    create_user(
        &s,
        &clock,
        "admin",
        &UserInput {
            username: "admin.la".into(),
            display_name: None,
            password: "district-admin-1".into(),
            role: Role::Administrator,
            org: code("LA"),
            member_id: None,
        },
    )
    .await
    .unwrap();
    let (_, la_admin) = login(&s, &clock, "admin.la", "district-admin-1")
        .await
        .unwrap();
    let seen = manage::list(&s, &la_admin).await.unwrap();
    assert!(
        seen.iter().all(|a| a.org.as_str().starts_with("LA")),
        "{seen:?}"
    );
    assert!(seen.iter().any(|a| a.username == "officer.la01001"));
    let sc = s
        .user_by_username("officer.sc01001")
        .await
        .unwrap()
        .unwrap();
    for r in [
        manage::get(&s, &la_admin, sc.id.0).await.map(|_| ()),
        manage::set_active(&s, &clock, &la_admin, sc.id.0, false).await,
        manage::reset_password(&s, &clock, &la_admin, sc.id.0, None)
            .await
            .map(|_| ()),
    ] {
        assert!(matches!(r, Err(AppError::NotFound { .. })), "{r:?}");
    }
    let la = s
        .user_by_username("officer.la01001")
        .await
        .unwrap()
        .unwrap();
    let moved = manage::change(
        &s,
        &clock,
        &la_admin,
        la.id.0,
        Role::UnitOfficer,
        &code("SC-01-001"),
    )
    .await;
    assert!(matches!(moved, Err(AppError::Invalid { .. })), "{moved:?}");
    assert_eq!(s.user(la.id).await.unwrap().org, code("LA-01-001"));

    // Other roles may not manage accounts at all.
    let (_, staff) = login(&s, &clock, "city.staff", huzhu_app::demo::DEMO_PASSWORD)
        .await
        .unwrap();
    assert!(matches!(
        manage::list(&s, &staff).await,
        Err(AppError::Forbidden { .. })
    ));
}

#[path = "../../huzhu-store/tests/harness/mod.rs"]
#[macro_use]
mod harness;

on_both!(an_administrator_manages_the_accounts_of_their_subtree);
