//! Listing members for officers and scripts. Personal data leaves here masked: whole values are
//! reached only through [`reveal_id_number`], which writes the audit log.

use crate::{AppError, Clock};
use chrono::{Datelike, NaiveDate};
use huzhu_domain::org::OrgCode;
use huzhu_store::{AuditEntry, MemberId, Page, Store, StoredMember};
use serde::Serialize;

/// A member as lists and exports show it: ID number, phone and bank account masked, and the
/// birth year rather than the birth date. A resident ID number is its region (6 digits), the birth
/// date (8), a serial (3) and a check character: a masked number (first 4, last 4) beside the
/// whole birth date and the unit's region code gave the number back (issue 14: 63 of 64 rebuilt),
/// so nothing shown beside a masked number carries the birth date; the year alone leaves hundreds
/// of candidates, and confirming one by searching is itself logged ([`search`]).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MemberSummary {
    pub id: i64,
    pub name: String,
    pub id_number: String,
    pub gender: String,
    /// 出生年份 — the year only (see above).
    pub birth_year: i32,
    pub phone: Option<String>,
    pub org: String,
    pub status: String,
    pub join_date: Option<NaiveDate>,
    pub social_security_region: Option<String>,
    pub tags: Vec<String>,
    pub bank_account: Option<String>,
    /// 开户行 — shown whole: it names a branch, not the person.
    pub bank_branch: Option<String>,
    pub version: i32,
}

impl MemberSummary {
    pub fn of(m: &StoredMember) -> MemberSummary {
        let r = &m.record;
        MemberSummary {
            id: m.id.0,
            name: r.name.as_str().to_string(),
            id_number: r.id_number.masked(),
            gender: r.gender.label_zh().to_string(),
            birth_year: r.birth_date.year(),
            phone: r.phone.as_ref().map(|p| p.masked()),
            org: r.org.as_str().to_string(),
            status: r.status.label_zh().to_string(),
            join_date: r.join_date,
            social_security_region: r.social_security_region.map(|c| c.to_string()),
            tags: r.tags.iter().map(|t| t.label_zh()).collect(),
            bank_account: r.bank_account.as_ref().map(|b| b.masked()),
            bank_branch: r.bank_branch.as_ref().map(|b| b.as_str().to_string()),
            version: m.version,
        }
    }
}

/// Streams the members under `org` page by page to `each`, in id order.
pub async fn for_each_member_under<S: Store>(
    store: &S,
    org: &OrgCode,
    page_size: u32,
    mut each: impl FnMut(MemberSummary) -> Result<(), AppError>,
) -> Result<u64, AppError> {
    let mut after: Option<MemberId> = None;
    let mut n = 0;
    loop {
        let page = store
            .members_under(
                org,
                Page {
                    after,
                    limit: page_size,
                },
            )
            .await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        for m in &page {
            each(MemberSummary::of(m))?;
            n += 1;
        }
    }
    Ok(n)
}

/// Shows one member's whole ID number to `actor`, and records that it was shown and why.
pub async fn reveal_id_number<S: Store>(
    store: &S,
    id_number_masked_or_whole: &str,
    actor: &str,
    reason: &str,
    clock: &dyn Clock,
) -> Result<String, AppError> {
    let m = store.member_by_id_number(id_number_masked_or_whole).await?;
    store
        .audit(&AuditEntry {
            at: clock.now(),
            actor: actor.to_string(),
            action: "member.reveal_id_number".into(),
            subject: m.record.id_number.masked(),
            detail: reason.to_string(),
            org: Some(m.record.org.clone()),
        })
        .await?;
    Ok(m.record.id_number.as_str().to_string())
}

/// One page of the members under `org` that match `filter`, masked, for an officer or staff in
/// whose subtree `org` lies. Members search nobody (they have their own page). A search by more
/// than the last four characters of an ID number is written to the audit log.
pub async fn search<S: huzhu_store::Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &huzhu_domain::access::Actor,
    org: &OrgCode,
    filter: &huzhu_store::MemberFilter,
    page: huzhu_store::Page,
) -> Result<Vec<MemberSummary>, AppError> {
    use huzhu_domain::access::{Capability, Role};
    crate::access::require(actor, Capability::ReadMembers)?;
    if actor.role == Role::Member {
        return Err(crate::access::not_found(&format!("org {org}")));
    }
    crate::access::ensure_org_in_scope(store, actor, org).await?;
    let found = store.search_members(org, filter, page).await?;
    if let Some(text) = id_number_search(filter) {
        // A search by more of an ID number than a masked one shows confirms a guessed number:
        // it is a reveal, logged like one (issue 14), whoever searches. The log holds the
        // guess masked, and which members it found.
        let hits: Vec<String> = found.iter().map(|m| format!("#{}", m.id.0)).collect();
        store
            .audit(&AuditEntry {
                at: clock.now(),
                actor: actor.username.clone(),
                action: "member.search_id_number".into(),
                subject: format!(
                    "按身份证号查询 search by ID number {}",
                    mask_text(text, 4, 4)
                ),
                detail: if hits.is_empty() {
                    "0 found".into()
                } else {
                    format!("{} found: {}", hits.len(), hits.join(", "))
                },
                org: Some(org.clone()),
            })
            .await?;
    }
    Ok(found.iter().map(MemberSummary::of).collect())
}

/// How many members under `org` match `filter` (the 共 N 条 of the list), within the actor's
/// scope as [`search`] reads it.
pub async fn count<S: huzhu_store::Repo>(
    store: &S,
    actor: &huzhu_domain::access::Actor,
    org: &OrgCode,
    filter: &huzhu_store::MemberFilter,
) -> Result<u64, AppError> {
    use huzhu_domain::access::{Capability, Role};
    crate::access::require(actor, Capability::ReadMembers)?;
    if actor.role == Role::Member {
        return Err(crate::access::not_found(&format!("org {org}")));
    }
    crate::access::ensure_org_in_scope(store, actor, org).await?;
    Ok(store.count_search_members(org, filter).await?)
}

/// How many characters of an ID number a masked number shows at its end: a search by at most
/// this many is what a masked list already tells.
const MASKED_TAIL: usize = 4;

/// The ID-number text of a search, when it asks for more than a masked number shows.
fn id_number_search(filter: &huzhu_store::MemberFilter) -> Option<&str> {
    filter
        .id_tail
        .as_deref()
        .map(str::trim)
        .filter(|t| t.chars().count() > MASKED_TAIL)
}

/// A member's page: the masked record, its unit, its change history and its enrolments.
#[derive(Debug, Clone)]
pub struct MemberDetail {
    pub summary: MemberSummary,
    pub unit_name: String,
    pub history: Vec<huzhu_store::HistoryEntry>,
    /// The names of the units of the member's history, by code: pages name a unit, not its code.
    pub history_units: std::collections::BTreeMap<String, String>,
    pub enrolments: Vec<huzhu_store::money::StoredEnrolment>,
}

/// The member, if they are in the actor's scope (else not found, as for a forged id).
pub async fn detail<S: huzhu_store::Repo>(
    store: &S,
    actor: &huzhu_domain::access::Actor,
    member: huzhu_store::MemberId,
) -> Result<MemberDetail, AppError> {
    let m = crate::access::visible_member(store, actor, member).await?;
    let unit_name = store.org(&m.record.org).await?.name;
    let mut history = store.member_history(member).await?;
    // Personal fields of past versions are masked like the current one.
    for h in &mut history {
        h.snapshot.id_number = mask_text(&h.snapshot.id_number, 4, 4);
        h.snapshot.phone = h.snapshot.phone.as_deref().map(|p| mask_text(p, 3, 4));
        h.snapshot.bank_account = h
            .snapshot
            .bank_account
            .as_deref()
            .map(|b| mask_text(b, 0, 4));
    }
    let mut history_units = std::collections::BTreeMap::new();
    for h in &history {
        if history_units.contains_key(&h.snapshot.org) {
            continue;
        }
        if let Ok(code) = huzhu_domain::org::OrgCode::parse(&h.snapshot.org) {
            if let Ok(org) = store.org(&code).await {
                history_units.insert(h.snapshot.org.clone(), org.name);
            }
        }
    }
    let enrolments = store.member_enrolments(member).await?;
    Ok(MemberDetail {
        summary: MemberSummary::of(&m),
        unit_name,
        history,
        history_units,
        enrolments,
    })
}

/// `keep_head` and `keep_tail` characters shown, the rest starred.
fn mask_text(s: &str, keep_head: usize, keep_tail: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= keep_head + keep_tail {
        return "*".repeat(chars.len());
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < keep_head || i >= chars.len() - keep_tail {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

/// Shows a member's whole ID number to an actor allowed to see personal data whole, for a
/// stated reason, and records it in the audit log. Outside scope it is not found.
pub async fn reveal_member_id_number<S: huzhu_store::Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &huzhu_domain::access::Actor,
    member: huzhu_store::MemberId,
    reason: &str,
) -> Result<String, AppError> {
    use huzhu_domain::access::Capability;
    let m = crate::access::visible_member(store, actor, member).await?;
    crate::access::require(actor, Capability::RevealPersonal)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::Invalid {
            field: "reason".into(),
            message:
                "请填写查看完整身份证号的事由 (give the reason for seeing the whole ID number)"
                    .into(),
        });
    }
    store
        .audit(&AuditEntry {
            at: clock.now(),
            actor: actor.username.clone(),
            action: "member.reveal_id_number".into(),
            subject: format!("member #{} {}", member.0, m.record.id_number.masked()),
            detail: reason.chars().take(200).collect(),
            org: Some(m.record.org.clone()),
        })
        .await?;
    Ok(m.record.id_number.as_str().to_string())
}

/// At most this many rows in one export (a city's list is exported unit by unit or district by
/// district).
pub const EXPORT_MAX_ROWS: usize = 200_000;

/// The members under `org` that match `filter`, masked as every list is, as an Excel workbook
/// (issue 13: an office could not export the member list). The export is written to the audit
/// log with its org, filter and row count; a filter by more of an ID number than a masked one
/// shows is logged as such, as a search is.
pub async fn export_xlsx<S: huzhu_store::Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &huzhu_domain::access::Actor,
    org: &OrgCode,
    filter: &huzhu_store::MemberFilter,
) -> Result<Vec<u8>, AppError> {
    use huzhu_domain::access::{Capability, Role};
    crate::access::require(actor, Capability::ReadMembers)?;
    if actor.role == Role::Member {
        return Err(crate::access::not_found(&format!("org {org}")));
    }
    crate::access::ensure_org_in_scope(store, actor, org).await?;
    let mut rows: Vec<MemberSummary> = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .search_members(
                org,
                filter,
                Page {
                    after,
                    limit: 1_000,
                },
            )
            .await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        rows.extend(page.iter().map(MemberSummary::of));
        if rows.len() >= EXPORT_MAX_ROWS {
            rows.truncate(EXPORT_MAX_ROWS);
            break;
        }
    }
    let searched = id_number_search(filter)
        .map(|t| format!("，按身份证号 {} (by ID number)", mask_text(t, 4, 4)))
        .unwrap_or_default();
    store
        .audit(&AuditEntry {
            at: clock.now(),
            actor: actor.username.clone(),
            action: "member.export".into(),
            subject: format!("导出会员名单 member list of {org}"),
            detail: format!("{} 行 rows{searched}", rows.len()),
            org: Some(org.clone()),
        })
        .await?;
    members_xlsx(&rows)
}

/// Members as a workbook: the list's columns, personal data masked, ID numbers as text.
pub fn members_xlsx(rows: &[MemberSummary]) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let xl = |e: rust_xlsxwriter::XlsxError| AppError::Io(std::io::Error::other(e.to_string()));
    let header = [
        "姓名",
        "身份证号（已遮蔽）",
        "性别",
        "出生年份",
        "手机号（已遮蔽）",
        "工会代码",
        "在职状态",
        "入会日期",
        "标签",
        "银行账号（已遮蔽）",
        "开户行",
    ];
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("会员名单").map_err(xl)?;
    let bold = Format::new().set_bold();
    for (c, h) in header.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        ws.write_string_with_format(0, c, *h, &bold).map_err(xl)?;
        ws.set_column_width(c, 16).map_err(xl)?;
    }
    for (r, m) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        let cells = [
            m.name.clone(),
            m.id_number.clone(),
            m.gender.clone(),
            m.birth_year.to_string(),
            m.phone.clone().unwrap_or_default(),
            m.org.clone(),
            m.status.clone(),
            m.join_date.map(|d| d.to_string()).unwrap_or_default(),
            m.tags.join("、"),
            m.bank_account.clone().unwrap_or_default(),
            m.bank_branch.clone().unwrap_or_default(),
        ];
        for (c, v) in cells.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            ws.write_string(r, c, v).map_err(xl)?;
        }
    }
    wb.save_to_buffer().map_err(xl)
}
