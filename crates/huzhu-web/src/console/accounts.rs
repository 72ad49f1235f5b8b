//! 账号管理: an administrator's accounts page — the accounts of their subtree with role, org and
//! state, a form to create an officer's or a staff account, and each account's page to change
//! its role or org, switch it off or on, or reset its password. The use cases are
//! [`huzhu_app::accounts::manage`] (scope, rules, audit); a new or reset password is shown once,
//! on the answer to the form, and nowhere else.

use super::{finish, page, redirect, Console, Ctx, PageError, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use huzhu_app::access::orgs_in_scope;
use huzhu_app::accounts::manage::{self, AccountView, NewAccount};
use huzhu_app::Backend;
use huzhu_domain::access::Role;
use huzhu_domain::org::OrgCode;
use serde::Deserialize;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/accounts", get(list::<S>).post(create::<S>))
        .route("/accounts/{id}", get(show::<S>))
        .route("/accounts/{id}/change", post(change::<S>))
        .route("/accounts/{id}/active", post(set_active::<S>))
        .route("/accounts/{id}/password", post(reset_password::<S>))
}

/// An org the form offers, with its name.
pub struct OrgChoice {
    pub code: String,
    pub name: String,
    /// Indented by its level, so the tree reads in the list.
    pub depth: usize,
}

/// The roles an administrator gives here: every role but a member's.
pub fn staff_roles() -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|r| *r != Role::Member)
        .collect()
}

#[derive(Template)]
#[template(path = "accounts/list.html")]
struct ListPage<'a> {
    c: &'a Ctx,
    accounts: Vec<AccountView>,
    orgs: Vec<OrgChoice>,
    roles: Vec<Role>,
    /// The account just made and its password, shown this once.
    created: Option<(AccountView, String)>,
    form: CreateForm,
    error: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "accounts/show.html")]
struct ShowPage<'a> {
    c: &'a Ctx,
    account: AccountView,
    orgs: Vec<OrgChoice>,
    roles: Vec<Role>,
    /// A password just set, shown this once.
    password: Option<String>,
    /// What was just done (`?done=`), said in words.
    done: Option<&'static str>,
    me: bool,
}

impl ListPage<'_> {
    fn err(&self, field: &str) -> bool {
        self.error.as_ref().is_some_and(|(f, _)| f == field)
    }
}

async fn org_choices<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
) -> Result<Vec<OrgChoice>, PageError> {
    let actor = c.actor()?;
    let top = actor.org_level as usize;
    Ok(orgs_in_scope(&state.store, actor, None)
        .await?
        .into_iter()
        .map(|o| OrgChoice {
            depth: (o.level as usize).saturating_sub(top),
            code: o.code.to_string(),
            name: o.name,
        })
        .collect())
}

#[derive(Deserialize, Default, Clone)]
pub struct CreateForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    org: String,
    #[serde(default)]
    password: String,
}

async fn list_page<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
    created: Option<(AccountView, String)>,
    form: CreateForm,
    error: Option<(String, String)>,
) -> PageResult {
    let actor = c.actor()?;
    let accounts = manage::list(&state.store, actor).await?;
    let invalid = error.is_some();
    let mut r = page(&ListPage {
        c,
        accounts,
        orgs: org_choices(state, c).await?,
        roles: staff_roles(),
        created,
        form,
        error,
    })?;
    if invalid {
        *r.status_mut() = axum::http::StatusCode::BAD_REQUEST;
    }
    Ok(r)
}

pub async fn list<S: Backend>(State(state): State<AppState<S>>, Console(c): Console) -> Response {
    let r = list_page(&state, &c, None, CreateForm::default(), None).await;
    finish(&c, r)
}

fn parse_role(raw: &str) -> Result<Role, PageError> {
    Role::parse(raw).ok_or_else(|| PageError::invalid("role", "请选择角色 (choose a role)"))
}

fn parse_org(raw: &str) -> Result<OrgCode, PageError> {
    OrgCode::parse(raw.trim())
        .map_err(|_| PageError::invalid("org", "请选择组织 (choose an organisation)"))
}

pub async fn create<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Form(f): Form<CreateForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let input = parse_role(&f.role).and_then(|role| {
            Ok(NewAccount {
                username: f.username.clone(),
                display_name: Some(f.display_name.clone()),
                role,
                org: parse_org(&f.org)?,
                password: Some(f.password.clone()),
            })
        });
        let made = match input {
            Ok(input) => manage::create(&state.store, state.clock.as_ref(), actor, &input)
                .await
                .map_err(PageError::from),
            Err(e) => Err(e),
        };
        match made {
            Ok(made) => list_page(&state, &c, Some(made), CreateForm::default(), None).await,
            Err(e) => match invalid_field(e) {
                Ok(field) => {
                    let mut form = f.clone();
                    form.password.clear();
                    list_page(&state, &c, None, form, Some(field)).await
                }
                Err(e) => Err(e),
            },
        }
    }
    .await;
    finish(&c, r)
}

/// A form mistake (field and message), to show beside the form; anything else stays an error.
fn invalid_field(e: PageError) -> Result<(String, String), PageError> {
    match e {
        PageError::Api(crate::ApiError::App(huzhu_app::AppError::Invalid { field, message }))
        | PageError::Api(crate::ApiError::Invalid { field, message }) => Ok((field, message)),
        e => Err(e),
    }
}

fn account_id(raw: &str) -> Result<i64, PageError> {
    raw.parse()
        .map_err(|_| PageError::invalid("id", "账号编号应为数字 (the account id is a number)"))
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    done: String,
}

async fn show_page<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
    id: i64,
    password: Option<String>,
    done: &str,
) -> PageResult {
    let actor = c.actor()?;
    let account = manage::get(&state.store, actor, id).await?;
    let done = match done {
        "changed" => Some(c.t("已修改角色和组织。", "Role and organisation changed.")),
        "disabled" => Some(c.t(
            "账号已停用，其登录已全部退出。",
            "Account switched off; its sessions have ended.",
        )),
        "enabled" => Some(c.t("账号已启用。", "Account switched on.")),
        _ => None,
    };
    page(&ShowPage {
        c,
        me: account.id == actor.user_id,
        account,
        orgs: org_choices(state, c).await?,
        roles: staff_roles(),
        password,
        done,
    })
}

pub async fn show<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Response {
    let r = async { show_page(&state, &c, account_id(&id)?, None, &q.done).await }.await;
    finish(&c, r)
}

#[derive(Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    org: String,
}

pub async fn change<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Form(f): Form<ChangeForm>,
) -> Response {
    let r = async {
        let id = account_id(&id)?;
        let (role, org) = (parse_role(&f.role)?, parse_org(&f.org)?);
        manage::change(
            &state.store,
            state.clock.as_ref(),
            c.actor()?,
            id,
            role,
            &org,
        )
        .await?;
        Ok(redirect(&format!("/accounts/{id}?done=changed")))
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize)]
pub struct ActiveForm {
    #[serde(default)]
    active: String,
}

pub async fn set_active<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Form(f): Form<ActiveForm>,
) -> Response {
    let r = async {
        let id = account_id(&id)?;
        let active = match f.active.as_str() {
            "true" => true,
            "false" => false,
            _ => {
                return Err(PageError::invalid(
                    "active",
                    "应为启用或停用 (switch on or off)",
                ))
            }
        };
        manage::set_active(&state.store, state.clock.as_ref(), c.actor()?, id, active).await?;
        let done = if active { "enabled" } else { "disabled" };
        Ok(redirect(&format!("/accounts/{id}?done={done}")))
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
}

pub async fn reset_password<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Form(f): Form<PasswordForm>,
) -> Response {
    let r = async {
        let id = account_id(&id)?;
        let chosen = Some(f.password.as_str()).filter(|p| !p.is_empty());
        let password =
            manage::reset_password(&state.store, state.clock.as_ref(), c.actor()?, id, chosen)
                .await?;
        show_page(&state, &c, id, Some(password), "").await
    }
    .await;
    finish(&c, r)
}
