//! 数字工匠 — craftsman recognition's use cases (SPEC 7.8, issue 17; docs/recognition.md).
//!
//! Who does what (`ManageRecognition`, federation staff): the city opens a call with its quota
//! per nominating union and its qualification rules; district and industry unions nominate
//! members of their subtree (the rules are applied from the call's data, each failed rule kept
//! as the refusal's reason; the quota is held by the database); the city confirms the
//! qualification, keeps the experts, records their scores (an expert never scores a nominee of
//! their own unit or nominating union), approves the ranking, starts the 公示 of 7 working days,
//! records and settles objections (upheld: the nominee is withdrawn) and awards once every
//! notice has ended with its objections settled.

use crate::access::require;
use crate::stats::{Column, ColumnKind, Dashboard, StatRow, StatTable};
use crate::{AppError, Clock};
use chrono::NaiveDate;
use huzhu_domain::access::{Actor, Capability};
use huzhu_domain::notice::{NoticeWindow, ObjectionOutcome, WorkCalendar};
use huzhu_domain::org::{OrgCode, OrgLevel};
use huzhu_domain::recognition::{self as domain, Facts, Rules, NOTICE_WORKING_DAYS};
use huzhu_store::archive::{NewObjection, Objection};
use huzhu_store::recognition::{Call, Expert, NewCall, NewNomination, Nomination, Score};
use huzhu_store::{ArchiveStore, MemberId, OrgScope, RecognitionStore};
use std::collections::BTreeMap;

/// The longest name, field, achievements, note or reason kept, in characters.
pub const TEXT_MAX: usize = 2000;

fn text(field: &str, raw: &str, required: bool) -> Result<String, AppError> {
    let t = raw.trim();
    if required && t.is_empty() {
        return Err(AppError::invalid(
            field,
            "请填写此项 (this field is required)".into(),
        ));
    }
    if t.chars().count() > TEXT_MAX {
        return Err(AppError::invalid(
            field,
            format!("最多{TEXT_MAX}个字符 (at most {TEXT_MAX} characters)"),
        ));
    }
    Ok(t.to_string())
}

fn read(actor: &Actor) -> Result<OrgScope, AppError> {
    require(actor, Capability::ReadRecognition)?;
    Ok(OrgScope::Under(actor.org.clone()))
}

/// `ManageRecognition` at the city level (the call's owner).
fn city(actor: &Actor) -> Result<OrgScope, AppError> {
    require(actor, Capability::ManageRecognition)?;
    if !actor.is_at_or_above(OrgLevel::City) {
        return Err(AppError::Forbidden {
            capability: "ManageRecognition: 市总工会 (the city federation)".into(),
        });
    }
    Ok(OrgScope::Under(actor.org.clone()))
}

/// What the city sends to open a call.
#[derive(Debug, Clone)]
pub struct CallInput {
    pub year: i32,
    pub name: String,
    pub quota: i32,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    /// The qualification rules; SPEC 7.8's when none are given.
    pub rules: Option<Rules>,
}

/// Opens a call (city).
pub async fn open_call<S: RecognitionStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    input: &CallInput,
) -> Result<Call, AppError> {
    let scope = city(actor)?;
    let name = text("name", &input.name, true)?;
    if !(2000..=2100).contains(&input.year) {
        return Err(AppError::invalid(
            "year",
            "年度须在2000至2100之间 (the year is between 2000 and 2100)".into(),
        ));
    }
    if !(1..=1000).contains(&input.quota) {
        return Err(AppError::invalid(
            "quota",
            "每单位名额须在1至1000之间 (the quota per union is between 1 and 1000)".into(),
        ));
    }
    if input.closes_on < input.opens_on {
        return Err(AppError::invalid(
            "closes_on",
            "截止日期早于开始日期 (the call closes before it opens)".into(),
        ));
    }
    let rules = input.rules.unwrap_or_default();
    if rules.min_field_years > 60 || rules.min_city_years > 60 {
        return Err(AppError::invalid(
            "rules",
            "年限要求须在0至60年之间 (a years rule is between 0 and 60)".into(),
        ));
    }
    Ok(store
        .open_call(
            &scope,
            &NewCall {
                year: input.year,
                name: &name,
                quota: input.quota,
                opens_on: input.opens_on,
                closes_on: input.closes_on,
                rules,
                by: &actor.username,
            },
            clock.now(),
        )
        .await?)
}

/// The calls of the actor's city federation.
pub async fn calls<S: RecognitionStore>(store: &S, actor: &Actor) -> Result<Vec<Call>, AppError> {
    let scope = read(actor)?;
    Ok(store.calls(&scope).await?)
}

/// One call.
pub async fn call<S: RecognitionStore>(
    store: &S,
    actor: &Actor,
    id: i64,
) -> Result<Call, AppError> {
    let scope = read(actor)?;
    Ok(store.call(&scope, id).await?)
}

/// What a district or industry union sends to nominate.
#[derive(Debug, Clone)]
pub struct NominationInput {
    pub call: i64,
    pub member: MemberId,
    pub field: String,
    pub achievements: String,
    pub facts: Facts,
}

/// Nominates a member of the actor's subtree (district and industry unions only): the call's
/// rules are applied; a nomination that fails one is kept as refused with every reason (and takes
/// no place of the quota); a full quota is 409.
pub async fn nominate<S: RecognitionStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    input: &NominationInput,
) -> Result<Nomination, AppError> {
    require(actor, Capability::ManageRecognition)?;
    if actor.org_level != OrgLevel::District {
        return Err(AppError::Forbidden {
            capability: "ManageRecognition: 区县总工会或产业工会推荐 (district and industry unions nominate)"
                .into(),
        });
    }
    let scope = OrgScope::Under(actor.org.clone());
    let field = text("field", &input.field, true)?;
    let achievements = text("achievements", &input.achievements, true)?;
    if input.facts.field_years > 70 || input.facts.city_years > 70 {
        return Err(AppError::invalid(
            "facts",
            "年限须在0至70年之间 (years are between 0 and 70)".into(),
        ));
    }
    let call = store.call(&scope, input.call).await?;
    let refusals = domain::qualify(&call.rules, &input.facts);
    Ok(store
        .nominate(
            &scope,
            &NewNomination {
                call: input.call,
                nominating_org: &actor.org,
                member: input.member,
                field: &field,
                achievements: &achievements,
                facts: input.facts,
                refusals: &refusals,
                by: &actor.username,
                today: clock.today(),
            },
            clock.now(),
        )
        .await?)
}

/// The nominations of a call the actor sees (a district: its own; the city: all).
pub async fn nominations<S: RecognitionStore>(
    store: &S,
    actor: &Actor,
    call: i64,
) -> Result<Vec<Nomination>, AppError> {
    let scope = read(actor)?;
    store.call(&scope, call).await?;
    Ok(store.nominations(&scope, call).await?)
}

/// One nomination with its scores.
pub async fn nomination<S: RecognitionStore>(
    store: &S,
    actor: &Actor,
    id: i64,
) -> Result<(Nomination, Vec<Score>), AppError> {
    let scope = read(actor)?;
    let n = store.nomination(&scope, id).await?;
    let scores = store.nomination_scores(&scope, id).await?;
    Ok((n, scores))
}

/// The officer confirms the qualification (city).
pub async fn confirm<S: RecognitionStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
) -> Result<Nomination, AppError> {
    let scope = city(actor)?;
    Ok(store
        .confirm_nomination(&scope, id, &actor.username, clock.now())
        .await?)
}

/// Adds an expert with their unit (city).
pub async fn add_expert<S: RecognitionStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    org: &OrgCode,
    name: &str,
    title: &str,
) -> Result<Expert, AppError> {
    let scope = city(actor)?;
    let name = text("name", name, true)?;
    let title = text("title", title, false)?;
    Ok(store
        .add_expert(&scope, org, &name, &title, &actor.username, clock.now())
        .await?)
}

/// The experts of the actor's city federation.
pub async fn experts<S: RecognitionStore>(
    store: &S,
    actor: &Actor,
) -> Result<Vec<Expert>, AppError> {
    let scope = read(actor)?;
    Ok(store.experts(&scope).await?)
}

/// Records an expert's score (city); a conflict of interest is 409 with its reason.
pub async fn score<S: RecognitionStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    nomination: i64,
    expert: i64,
    score: i64,
    note: &str,
) -> Result<Score, AppError> {
    let scope = city(actor)?;
    domain::check_score(score).map_err(|e| AppError::invalid("score", e.to_string()))?;
    let note = text("note", note, false)?;
    let note = (!note.is_empty()).then_some(note.as_str());
    Ok(store
        .record_score(
            &scope,
            nomination,
            expert,
            score,
            note,
            &actor.username,
            clock.now(),
        )
        .await?)
}

/// Approves the ranking and selects the first `award_count` (city).
pub async fn approve_ranking<S: RecognitionStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    call: i64,
    award_count: i32,
) -> Result<Vec<Nomination>, AppError> {
    let scope = city(actor)?;
    if !(1..=10_000).contains(&award_count) {
        return Err(AppError::invalid(
            "award_count",
            "授予名额须在1至10000之间 (the number to award is between 1 and 10000)".into(),
        ));
    }
    Ok(store
        .approve_ranking(&scope, call, award_count, &actor.username, clock.now())
        .await?)
}

/// Starts the 公示 of the selected nominees: 7 working days from today (city).
pub async fn start_notice<S: RecognitionStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    call: i64,
) -> Result<Vec<Nomination>, AppError> {
    let scope = city(actor)?;
    let calendar = WorkCalendar::builtin().map_err(|e| AppError::Conflict(e.to_string()))?;
    let window = NoticeWindow::open(&calendar, clock.today(), NOTICE_WORKING_DAYS)
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    Ok(store
        .start_recognition_notice(
            &scope,
            call,
            window,
            NOTICE_WORKING_DAYS,
            &actor.username,
            clock.now(),
        )
        .await?)
}

/// Records an objection to a nominee's notice, received from the public or staff (city).
pub async fn record_objection<S: ArchiveStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    notice: i64,
    received_on: NaiveDate,
    from_whom: Option<&str>,
    content: &str,
) -> Result<Objection, AppError> {
    let scope = city(actor)?;
    let content = text("content", content, true)?;
    if received_on > clock.today() {
        return Err(AppError::invalid(
            "received_on",
            "收到日期晚于今天 (the date received is in the future)".into(),
        ));
    }
    let from = from_whom.map(str::trim).filter(|f| !f.is_empty());
    Ok(store
        .record_objection(
            &scope,
            notice,
            &NewObjection {
                received_on,
                from_whom: from,
                content: &content,
                by: &actor.username,
            },
            clock.now(),
        )
        .await?)
}

/// The most a member of the public may write in one objection (characters).
pub const PUBLIC_OBJECTION_MAX: usize = 500;

/// 公众异议 — an objection sent from the public 公示 page, without signing in (issue 17): only
/// to a craftsman nominee's notice running today (any other notice id is not found, as a
/// missing one), at most [`PUBLIC_OBJECTION_MAX`] characters, received today, from nobody named.
/// It is recorded against the notice for the city's staff to settle, with its audit entry.
pub async fn public_objection<S: ArchiveStore>(
    store: &S,
    clock: &dyn Clock,
    notice: i64,
    content: &str,
) -> Result<Objection, AppError> {
    let content = content.trim();
    if content.is_empty() {
        return Err(AppError::invalid(
            "content",
            "请写明异议的内容 (write what the objection is)".into(),
        ));
    }
    if content.chars().count() > PUBLIC_OBJECTION_MAX {
        return Err(AppError::invalid(
            "content",
            format!(
                "异议不能超过{PUBLIC_OBJECTION_MAX}字 (an objection is at most {PUBLIC_OBJECTION_MAX} characters)"
            ),
        ));
    }
    let today = clock.today();
    let running = store
        .public_notices(today)
        .await?
        .iter()
        .any(|n| n.id == notice && n.subject_kind == "nomination");
    if !running {
        return Err(crate::access::not_found(&format!(
            "公示{notice} (notice {notice})"
        )));
    }
    Ok(store
        .record_objection(
            &OrgScope::Everything,
            notice,
            &NewObjection {
                received_on: today,
                from_whom: None,
                content,
                by: PUBLIC_ACTOR,
            },
            clock.now(),
        )
        .await?)
}

/// Who recorded an objection sent from the public page (the audit log's actor).
pub const PUBLIC_ACTOR: &str = "public";

/// Settles an objection (city): upheld withdraws the nominee; dismissed keeps them, with the
/// reason.
///
/// The objection is named with its nominee: one that is not an objection to this nomination's
/// notice (another nominee's, a household's) is not found, as a missing one.
pub async fn settle_objection<S: ArchiveStore + RecognitionStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    nomination: i64,
    objection: i64,
    outcome: ObjectionOutcome,
    reason: &str,
) -> Result<Objection, AppError> {
    let scope = city(actor)?;
    let reason = text("reason", reason, true)?;
    let n = store.nomination(&scope, nomination).await?;
    if !n
        .notice
        .iter()
        .flat_map(|notice| notice.objections.iter())
        .any(|o| o.id == objection)
    {
        return Err(crate::access::not_found(&format!(
            "候选人{nomination}的异议{objection} (objection {objection} to nomination {nomination})"
        )));
    }
    Ok(store
        .settle_objection(
            &scope,
            objection,
            outcome,
            &reason,
            &actor.username,
            clock.now(),
        )
        .await?)
}

/// Awards the nominees still in the notice once every window has ended and every objection is
/// settled (409 otherwise) (city).
pub async fn award<S: RecognitionStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    call: i64,
) -> Result<Vec<Nomination>, AppError> {
    let scope = city(actor)?;
    Ok(store
        .award(&scope, call, clock.today(), &actor.username, clock.now())
        .await?)
}

const fn count_col(key: &'static str, label_zh: &'static str, label_en: &'static str) -> Column {
    Column {
        key,
        label_zh,
        label_en,
        kind: ColumnKind::Count,
    }
}

/// Nominations, refused by the rules, awarded, withdrawn (an objection upheld).
const FIGURE_COLUMNS: [Column; 4] = [
    count_col("nominations", "推荐人数", "Nominations"),
    count_col("refused", "资格不符", "Refused"),
    count_col("awarded", "授予", "Awarded"),
    count_col("withdrawn", "撤销", "Withdrawn"),
];

/// 数字工匠统计 — the calls of `year` the actor sees: nominations by nominating union (district
/// and industry unions) and by field, each with those refused by the rules, awarded and
/// withdrawn, and a total line; a dashboard for the chart and the Excel export. `org_name` is
/// the actor's org as the page names it.
pub async fn figures<S: RecognitionStore>(
    store: &S,
    actor: &Actor,
    org_name: &str,
    year: i32,
) -> Result<Dashboard, AppError> {
    use huzhu_domain::recognition::NominationState as N;
    let scope = read(actor)?;
    let mut by_org: BTreeMap<String, (String, [i64; 4])> = BTreeMap::new();
    let mut by_field: BTreeMap<String, [i64; 4]> = BTreeMap::new();
    let mut total = [0i64; 4];
    for call in store
        .calls(&scope)
        .await?
        .into_iter()
        .filter(|c| c.year == year)
    {
        for n in store.nominations(&scope, call.id).await? {
            let mut v = [1, 0, 0, 0];
            match n.state {
                N::Refused => v[1] = 1,
                N::Awarded => v[2] = 1,
                N::Withdrawn => v[3] = 1,
                _ => {}
            }
            let o = by_org
                .entry(n.nominating_org.clone())
                .or_insert_with(|| (n.nominating_org_name.clone(), [0; 4]));
            let f = by_field.entry(n.field.clone()).or_insert([0; 4]);
            for i in 0..4 {
                o.1[i] += v[i];
                f[i] += v[i];
                total[i] += v[i];
            }
        }
    }
    let total_row = || StatRow {
        key: String::new(),
        label: "合计".into(),
        values: total.to_vec(),
    };
    let mut org_rows: Vec<StatRow> = by_org
        .into_iter()
        .map(|(code, (name, v))| StatRow {
            label: format!("{name}（{code}）"),
            key: code,
            values: v.to_vec(),
        })
        .collect();
    org_rows.push(total_row());
    let mut field_rows: Vec<StatRow> = by_field
        .into_iter()
        .map(|(field, v)| StatRow {
            key: field.clone(),
            label: field,
            values: v.to_vec(),
        })
        .collect();
    field_rows.push(total_row());
    Ok(Dashboard {
        org: actor.org.to_string(),
        org_name: org_name.to_string(),
        policy: Some(format!("{year}")),
        tables: vec![
            StatTable {
                id: "recognition_by_union",
                title_zh: "数字工匠·按推荐单位",
                title_en: "Craftsman recognition by nominating union",
                columns: FIGURE_COLUMNS.to_vec(),
                rows: org_rows,
            },
            StatTable {
                id: "recognition_by_field",
                title_zh: "数字工匠·按专业领域",
                title_en: "Craftsman recognition by field",
                columns: FIGURE_COLUMNS.to_vec(),
                rows: field_rows,
            },
        ],
    })
}
