//! 春风就业 — employment help (SPEC 7.11; docs/employment.md). Union offices organise job fairs
//! (online and on site) and add the employers' posts; they register job-seekers (members, and
//! 阳光就业 graduates of archived hardship households), place them in posts of held fairs, run
//! skills courses and record attendance and certificates. The figures the seeds quote — fairs
//! held, employers, posts offered, people registered and placed, courses, trainees,
//! certificates — come out by org and month as a dashboard (chart and Excel).
//!
//! Who may do what has its own capabilities (`huzhu_domain::access`): fairs and courses are
//! organised by federation staff at district level or above (`OrganiseEmployment`: the city,
//! the districts and their service centres); job-seekers are registered, placed and enrolled by
//! unit officers and federation staff (`RegisterSeekers`); those and auditors read
//! (`ReadEmployment`). A member's own account does none of it. The scope is the actor's
//! subtree, handed to the store as a value.

use crate::access::{not_found, read_scope, require};
use crate::stats::{Column, ColumnKind, Dashboard, StatRow, StatTable};
use crate::{AppError, Clock};
use chrono::NaiveDate;
use huzhu_domain::access::{Actor, Capability};
use huzhu_domain::employment::{self as rules, FairMode, FairStep, Figures, TEXT_MAX};
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_store::employment::{
    Course, Fair, NewCourse, NewFair, NewPost, NewSeeker, Post, Seeker, SeekerWho, Trainee,
};
use huzhu_store::{OrgScope, Repo, StoreError};
use std::collections::BTreeMap;

fn scope(actor: &Actor) -> OrgScope {
    OrgScope::Under(actor.org.clone())
}

/// Organising fairs and courses: the capability, held at district level or above (a street's
/// staff register seekers, the district organises).
fn require_organiser(actor: &Actor) -> Result<(), AppError> {
    require(actor, Capability::OrganiseEmployment)?;
    if !actor.is_at_or_above(OrgLevel::District) {
        return Err(AppError::Forbidden {
            capability: "OrganiseEmployment (district or city level)".into(),
        });
    }
    Ok(())
}

/// Whether the actor may organise fairs and courses: what the console offers them.
pub fn may_organise(actor: &Actor) -> bool {
    require_organiser(actor).is_ok()
}

/// Whether the actor may register, place and enrol job-seekers.
pub fn may_register(actor: &Actor) -> bool {
    actor.can(Capability::RegisterSeekers)
}

fn require_read(actor: &Actor) -> Result<(), AppError> {
    require(actor, Capability::ReadEmployment)
}

fn require_register(actor: &Actor) -> Result<(), AppError> {
    require(actor, Capability::RegisterSeekers)
}

fn text(field: &str, raw: &str, required: bool) -> Result<String, AppError> {
    let t = raw.trim();
    if required && t.is_empty() {
        return Err(AppError::invalid(
            field,
            format!("{field} 不能为空 ({field} is required)"),
        ));
    }
    if t.chars().count() > TEXT_MAX {
        return Err(AppError::invalid(
            field,
            format!("{field} 不能超过{TEXT_MAX}字 ({field} is longer than {TEXT_MAX} characters)"),
        ));
    }
    Ok(t.to_string())
}

/// A store's "not found" as the app's 404 naming `what`; anything else as it is.
fn missing(what: String) -> impl FnOnce(StoreError) -> AppError {
    move |e| match e {
        StoreError::NotFound(_) => not_found(&what),
        other => other.into(),
    }
}

/// What a fair carries.
#[derive(Debug, Clone)]
pub struct FairInput {
    pub name: String,
    pub mode: FairMode,
    pub held_on: NaiveDate,
    /// The place, or the website of an online fair.
    pub venue: String,
}

/// 举办招聘会 — a fair of the actor's org, planned.
pub async fn create_fair<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    input: FairInput,
) -> Result<Fair, AppError> {
    require_organiser(actor)?;
    let name = text("name", &input.name, true)?;
    let venue = text("venue", &input.venue, true)?;
    Ok(store
        .create_fair(&NewFair {
            org: &actor.org,
            name: &name,
            mode: input.mode,
            held_on: input.held_on,
            venue: &venue,
            by: &actor.username,
            at: clock.now(),
        })
        .await?)
}

/// The fairs of the actor's subtree and of the orgs above it.
pub async fn fairs<S: Repo>(store: &S, actor: &Actor) -> Result<Vec<Fair>, AppError> {
    require_read(actor)?;
    Ok(store.fairs(&scope(actor)).await?)
}

/// One fair with its posts.
pub async fn fair<S: Repo>(store: &S, actor: &Actor, id: i64) -> Result<Fair, AppError> {
    require_read(actor)?;
    store
        .fair(id, &scope(actor))
        .await
        .map_err(missing(format!("招聘会 {id} (job fair {id})")))
}

/// 举办 / 取消 — records that a fair took place (on or after its date) or cancels it.
pub async fn step_fair<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    step: FairStep,
    reason: &str,
) -> Result<Fair, AppError> {
    require_organiser(actor)?;
    let reason = text("reason", reason, step == FairStep::Cancel)?;
    store
        .step_fair(
            id,
            &scope(actor),
            step,
            &reason,
            clock.today(),
            &actor.username,
            clock.now(),
        )
        .await
        .map_err(missing(format!("招聘会 {id} (job fair {id})")))
}

/// What a post carries.
#[derive(Debug, Clone)]
pub struct PostInput {
    pub employer: String,
    pub title: String,
    pub openings: i64,
}

/// 发布岗位 — an employer's post at a fair of the actor's subtree.
pub async fn add_post<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    fair: i64,
    input: PostInput,
) -> Result<Post, AppError> {
    require_organiser(actor)?;
    let employer = text("employer", &input.employer, true)?;
    let title = text("title", &input.title, true)?;
    if !(1..=rules::MAX_OPENINGS).contains(&input.openings) {
        return Err(AppError::invalid(
            "openings",
            rules::EmploymentError::Openings.to_string(),
        ));
    }
    store
        .add_post(
            &scope(actor),
            &NewPost {
                fair_id: fair,
                employer: &employer,
                title: &title,
                openings: input.openings,
                by: &actor.username,
                at: clock.now(),
            },
        )
        .await
        .map_err(missing(format!("招聘会 {fair} (job fair {fair})")))
}

/// Who is registered.
#[derive(Debug, Clone)]
pub enum SeekerInput {
    /// A member of the actor's subtree.
    Member(i64),
    /// 阳光就业: a graduate of an admitted household of the actor's subtree.
    Graduate { household: i64, name: String },
}

/// 求职登记 — registers a job-seeker on today's date.
pub async fn register<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    who: SeekerInput,
    wanted: &str,
) -> Result<Seeker, AppError> {
    require_register(actor)?;
    let wanted = text("wanted", wanted, false)?;
    let graduate: String;
    let (who, what) = match &who {
        SeekerInput::Member(m) => (SeekerWho::Member(*m), format!("会员 {m} (member {m})")),
        SeekerInput::Graduate { household, name } => {
            graduate = text("name", name, true)?;
            huzhu_domain::personal::PersonName::parse(&graduate)
                .map_err(|e| AppError::invalid("name", e.to_string()))?;
            (
                SeekerWho::Graduate {
                    household: *household,
                    name: &graduate,
                },
                format!("困难职工档案 {household} (archived household {household})"),
            )
        }
    };
    store
        .register_seeker(
            &scope(actor),
            &NewSeeker {
                who,
                wanted: &wanted,
                registered_on: clock.today(),
                by: &actor.username,
                at: clock.now(),
            },
        )
        .await
        .map_err(missing(what))
}

/// The registrations of the actor's subtree, newest first.
pub async fn seekers<S: Repo>(store: &S, actor: &Actor) -> Result<Vec<Seeker>, AppError> {
    require_read(actor)?;
    Ok(store.seekers(&scope(actor)).await?)
}

pub async fn seeker<S: Repo>(store: &S, actor: &Actor, id: i64) -> Result<Seeker, AppError> {
    require_read(actor)?;
    store
        .seeker(id, &scope(actor))
        .await
        .map_err(missing(format!("求职登记 {id} (job-seeker {id})")))
}

/// 安置就业 — places a registered seeker in a post of a held fair (today when no date is given;
/// never a day in the future).
pub async fn place<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    seeker: i64,
    post: i64,
    placed_on: Option<NaiveDate>,
) -> Result<Seeker, AppError> {
    require_register(actor)?;
    let today = clock.today();
    let placed_on = placed_on.unwrap_or(today);
    if placed_on > today {
        return Err(AppError::invalid(
            "placed_on",
            format!(
                "安置日期{placed_on}晚于今天 (the placement date {placed_on} is in the future)"
            ),
        ));
    }
    Ok(store
        .place_seeker(
            &scope(actor),
            seeker,
            post,
            placed_on,
            &actor.username,
            clock.now(),
        )
        .await?)
}

/// 退出登记 — withdraws a registered seeker, with the reason.
pub async fn withdraw<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    seeker: i64,
    reason: &str,
) -> Result<Seeker, AppError> {
    require_register(actor)?;
    let reason = text("reason", reason, true)?;
    Ok(store
        .withdraw_seeker(&scope(actor), seeker, &reason, &actor.username, clock.now())
        .await?)
}

/// What a course carries.
#[derive(Debug, Clone)]
pub struct CourseInput {
    pub name: String,
    pub trade: String,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub sessions: i64,
}

/// 开设技能培训班 — a course of the actor's org, open.
pub async fn create_course<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    input: CourseInput,
) -> Result<Course, AppError> {
    require_organiser(actor)?;
    let name = text("name", &input.name, true)?;
    let trade = text("trade", &input.trade, true)?;
    rules::check_course(input.start_on, input.end_on, input.sessions).map_err(|e| {
        let field = match e {
            rules::EmploymentError::Sessions => "sessions",
            _ => "end_on",
        };
        AppError::invalid(field, e.to_string())
    })?;
    Ok(store
        .create_course(&NewCourse {
            org: &actor.org,
            name: &name,
            trade: &trade,
            start_on: input.start_on,
            end_on: input.end_on,
            sessions: input.sessions,
            by: &actor.username,
            at: clock.now(),
        })
        .await?)
}

pub async fn courses<S: Repo>(store: &S, actor: &Actor) -> Result<Vec<Course>, AppError> {
    require_read(actor)?;
    Ok(store.courses(&scope(actor)).await?)
}

pub async fn course<S: Repo>(store: &S, actor: &Actor, id: i64) -> Result<Course, AppError> {
    require_read(actor)?;
    store
        .course(id, &scope(actor))
        .await
        .map_err(missing(format!("培训班 {id} (course {id})")))
}

/// 报名参训 — a registered seeker of the actor's subtree in an open course.
pub async fn enrol<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    course: i64,
    seeker: i64,
) -> Result<Trainee, AppError> {
    require_register(actor)?;
    Ok(store
        .enrol_trainee(&scope(actor), course, seeker, &actor.username, clock.now())
        .await?)
}

/// 记录出勤 — the sessions a trainee attended (the course's organiser, while it is open).
pub async fn attend<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    trainee: i64,
    attended: i64,
) -> Result<Trainee, AppError> {
    require_organiser(actor)?;
    if attended < 0 {
        return Err(AppError::invalid(
            "attended",
            "出勤次数不能为负 (attendance cannot be negative)".into(),
        ));
    }
    Ok(store
        .record_attendance(
            &scope(actor),
            trainee,
            attended,
            &actor.username,
            clock.now(),
        )
        .await?)
}

/// 结业 — finishes an open course of the actor's subtree.
pub async fn finish<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    course: i64,
) -> Result<Course, AppError> {
    require_organiser(actor)?;
    Ok(store
        .finish_course(&scope(actor), course, &actor.username, clock.now())
        .await?)
}

/// 发放证书 — a trainee's certificate, once, after the finish, at 80% attendance.
pub async fn certify<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    trainee: i64,
) -> Result<Trainee, AppError> {
    require_organiser(actor)?;
    Ok(store
        .certify_trainee(
            &scope(actor),
            trainee,
            clock.today(),
            &actor.username,
            clock.now(),
        )
        .await?)
}

/// One row of the figures: an org and a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureRow {
    pub org: String,
    pub month: String,
    pub figures: Figures,
}

const fn col(key: &'static str, label_zh: &'static str, label_en: &'static str) -> Column {
    Column {
        key,
        label_zh,
        label_en,
        kind: ColumnKind::Count,
    }
}

/// The columns of the figures, in the order of [`Figures::values`].
pub const COLUMNS: [Column; 8] = [
    col("fairs_held", "招聘会场次", "Job fairs held"),
    col("employers", "参会企业", "Employers"),
    col("posts_offered", "提供岗位", "Posts offered"),
    col("registered", "求职登记", "People registered"),
    col("placed", "实现就业", "People placed"),
    col("courses", "培训班", "Courses"),
    col("trainees", "培训人数", "Trainees"),
    col("certificates", "发放证书", "Certificates"),
];

/// 就业帮扶统计 — the figures of `org`'s subtree (the actor's own org by default) for
/// `from..=to`, by org and month, with a total row. Fairs, employers and posts count on the
/// fair's date where it was organised; registrations and placements on their dates where the
/// seeker was registered; courses and trainees on the course's start, certificates on their
/// issue, where the course was run.
pub async fn figures<S: Repo>(
    store: &S,
    actor: &Actor,
    org: Option<&OrgCode>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Dashboard, AppError> {
    require_read(actor)?;
    if from > to {
        return Err(AppError::invalid(
            "from",
            "起始日期晚于截止日期 (the start date is after the end date)".into(),
        ));
    }
    let scope = read_scope(store, actor, Capability::ReadEmployment, org).await?;
    let code = org.unwrap_or(&actor.org).clone();
    let names: BTreeMap<String, String> = huzhu_store::Store::orgs_under(store, Some(&code))
        .await?
        .into_iter()
        .map(|o| (o.code.to_string(), o.name))
        .collect();
    let org_name = names.get(code.as_str()).cloned().unwrap_or_default();
    let facts = store.employment_facts(&scope, from, to).await?;
    let by: BTreeMap<(String, String), Figures> = rules::figures(&facts);
    let mut total = [0i64; 8];
    let mut rows: Vec<StatRow> = by
        .into_iter()
        .map(|((org, month), f)| {
            let values = f.values();
            for (t, v) in total.iter_mut().zip(values) {
                *t = t.saturating_add(v);
            }
            StatRow {
                key: format!("{org}:{month}"),
                label: format!(
                    "{}（{org}） {month}",
                    names.get(&org).cloned().unwrap_or_else(|| org.clone())
                ),
                values: values.to_vec(),
            }
        })
        .collect();
    rows.push(StatRow {
        key: String::new(),
        label: "合计".into(),
        values: total.to_vec(),
    });
    Ok(Dashboard {
        org: code.to_string(),
        org_name,
        policy: Some(format!("{from} – {to}")),
        tables: vec![StatTable {
            id: "employment_by_org_month",
            title_zh: "就业帮扶（按组织、月份）",
            title_en: "Employment help by org and month",
            columns: COLUMNS.to_vec(),
            rows,
        }],
    })
}
