//! What an office does with the claim list besides paging it (issue 13): find a claim by the
//! member's name or ID number, count the list (共 N 条), export it to Excel as it is filtered,
//! and follow a review flag to the claim it conflicts with. Everything is read within the
//! actor's scope, as [`crate::claims::list_claims`] reads it; a search by more of an ID number
//! than a masked one shows is written to the audit log (`claim.search_id_number`), and so is
//! every export (`claim.export`).

use crate::access::{ensure_org_in_scope, not_found, require};
use crate::claims::{self, ClaimQuery, ClaimSummary};
use crate::{policies, review, AppError, Clock};
use huzhu_domain::access::{Actor, Capability, Role};
use huzhu_domain::org::OrgCode;
use huzhu_domain::review::ReviewFlag;
use huzhu_domain::scenario::Claim;
use huzhu_domain::workflow::ClaimState;
use huzhu_store::money::{ClaimFilter, ClaimId, StoredClaim};
use huzhu_store::{AuditEntry, MemberId, Repo};
use std::collections::hash_map::Entry;

/// How many characters of an ID number a masked one shows at its end: a search by at most this
/// many tells no more than the masked list.
const MASKED_TAIL: usize = 4;

/// At most this many rows in one export (a city's claims are exported district by district).
pub const EXPORT_MAX_ROWS: usize = 200_000;

/// The one search box: the end of an ID number (digits, with `X` for a check character) or a
/// name (anything else).
fn split_search(search: &str) -> (Option<String>, Option<String>) {
    let t = search.trim().trim_start_matches('*');
    if t.is_empty() {
        return (None, None);
    }
    let id_like = t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == 'x' || c == 'X');
    if id_like {
        (None, Some(t.to_ascii_uppercase()))
    } else {
        (Some(search.trim().to_string()), None)
    }
}

/// The ID-number text of a search, when it asks for more than a masked number shows.
pub(crate) fn id_number_searched(q: &ClaimQuery) -> Option<&str> {
    let t = q.search.trim().trim_start_matches('*');
    matches!(split_search(t), (None, Some(_)))
        .then_some(t)
        .filter(|t| t.chars().count() > MASKED_TAIL)
}

/// The org and filter of a query for this actor, or None when a member account has no unit
/// (nothing to list). A member sees their own claims only; anyone else the claims under an org
/// of their subtree (default their own).
pub(crate) async fn resolve<S: Repo>(
    store: &S,
    actor: &Actor,
    q: &ClaimQuery,
) -> Result<Option<(OrgCode, ClaimFilter)>, AppError> {
    let limit = q.limit.clamp(1, 500);
    let (org, member) = if actor.role == Role::Member {
        let me = actor.member_id.map(MemberId);
        if q.member.is_some() && q.member != me {
            return Err(not_found("member"));
        }
        let Some(me) = me else {
            return Ok(None);
        };
        let Some(unit) = store.member_org(me.0).await? else {
            return Ok(None);
        };
        (unit, Some(me))
    } else {
        let org = q.org.clone().unwrap_or_else(|| actor.org.clone());
        ensure_org_in_scope(store, actor, &org).await?;
        (org, q.member)
    };
    let (member_name, id_tail) = split_search(&q.search);
    Ok(Some((
        org,
        ClaimFilter {
            states: q.states.clone(),
            member,
            member_name,
            id_tail,
            after: q.after,
            limit,
            ..ClaimFilter::default()
        },
    )))
}

/// Writes a search of the claim list by (more than the masked part of) an ID number to the
/// audit log, as a member search by ID number is: the number masked, the claims found.
pub(crate) async fn audit_id_search<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    org: &OrgCode,
    text: &str,
    found: &[StoredClaim],
) -> Result<(), AppError> {
    let hits: Vec<String> = found.iter().map(|c| format!("#{}", c.id.0)).collect();
    store
        .audit(&AuditEntry {
            at: clock.now(),
            actor: actor.username.clone(),
            action: "claim.search_id_number".into(),
            subject: format!(
                "按身份证号查询理赔 search claims by ID number {}",
                huzhu_domain::personal::mask_middle(text, 4, 4)
            ),
            detail: if hits.is_empty() {
                "0 found".into()
            } else {
                format!("{} found: {}", hits.len(), hits.join(", "))
            },
            org: Some(org.clone()),
        })
        .await?;
    Ok(())
}

/// How many claims the query matches (its `after` and `limit` aside), within the actor's scope:
/// the 共 N 条 of the claim list and the size of each work queue.
pub async fn count_claims<S: Repo>(
    store: &S,
    actor: &Actor,
    q: &ClaimQuery,
) -> Result<u64, AppError> {
    match resolve(store, actor, q).await? {
        Some((org, filter)) => Ok(store.count_claims_under(&org, &filter).await?),
        None => Ok(0),
    }
}

/// The claim list as it is filtered (every page of it, at most [`EXPORT_MAX_ROWS`]) as an Excel
/// workbook: the member's ID number masked as on every list, amounts in 元 as numbers, kinds and
/// states in words. Written to the audit log with its org, filter and row count. Members export
/// nothing (they have their own page).
pub async fn export_xlsx<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    q: &ClaimQuery,
) -> Result<Vec<u8>, AppError> {
    require(actor, Capability::ReadMembers)?;
    if actor.role == Role::Member {
        return Err(not_found("claims"));
    }
    let Some((org, mut filter)) = resolve(store, actor, q).await? else {
        return Err(not_found("claims"));
    };
    filter.limit = 500;
    filter.after = None;
    let mut rows: Vec<StoredClaim> = Vec::new();
    loop {
        let page = store.claims_under(&org, &filter).await?;
        let Some(last) = page.last() else { break };
        filter.after = Some(last.id);
        rows.extend(page);
        if rows.len() >= EXPORT_MAX_ROWS {
            rows.truncate(EXPORT_MAX_ROWS);
            break;
        }
    }
    let mut members: std::collections::HashMap<i64, (String, String)> =
        std::collections::HashMap::new();
    let mut policy_names: std::collections::HashMap<String, String> =
        std::collections::HashMap::new();
    let mut lines = Vec::with_capacity(rows.len());
    for c in &rows {
        if let Entry::Vacant(e) = members.entry(c.member.0) {
            let m = store.member(c.member).await?;
            e.insert((
                m.record.name.as_str().to_string(),
                m.record.id_number.masked(),
            ));
        }
        if let Entry::Vacant(e) = policy_names.entry(c.policy.clone()) {
            let name = match store.policy_record(&c.policy).await {
                Ok(p) => p.name,
                Err(_) => c.policy.clone(),
            };
            e.insert(name);
        }
        let (name, id_number) = members.get(&c.member.0).cloned().unwrap_or_default();
        lines.push(ExportLine {
            id: c.id.0,
            member_name: name,
            id_number,
            unit: c.unit.clone(),
            policy: policy_names.get(&c.policy).cloned().unwrap_or_default(),
            kind: kind_zh(&c.kind),
            state: c.fields.state.label_zh(),
            event_date: c.fields.event_date.to_string(),
            submitted_on: c
                .fields
                .submitted_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            payable_fen: c.fields.payable.map(|m| m.fen()),
            approved_fen: c.fields.approved.fen(),
            paid_fen: c.fields.paid.fen(),
            flags: c
                .fields
                .flags
                .iter()
                .map(|f| flag_zh(f).to_string())
                .collect::<Vec<_>>()
                .join("、"),
        });
    }
    let mut filtered = Vec::new();
    if !q.states.is_empty() {
        let states: Vec<&str> = q.states.iter().map(|s| s.label_zh()).collect();
        filtered.push(format!("状态 state {}", states.join("/")));
    }
    if let Some(m) = q.member {
        filtered.push(format!("会员 member #{}", m.0));
    }
    match split_search(&q.search) {
        (Some(name), _) => filtered.push(format!("姓名 name “{name}”")),
        (None, Some(tail)) => filtered.push(format!(
            "身份证号 ID number {}",
            huzhu_domain::personal::mask_middle(&tail, 4, 4)
        )),
        (None, None) => {}
    }
    store
        .audit(&AuditEntry {
            at: clock.now(),
            actor: actor.username.clone(),
            action: "claim.export".into(),
            subject: format!("导出理赔列表 claim list of {org}"),
            detail: if filtered.is_empty() {
                format!("{} 行 rows", lines.len())
            } else {
                format!("{} 行 rows；{}", lines.len(), filtered.join("，"))
            },
            org: Some(org.clone()),
        })
        .await?;
    claims_xlsx(&lines)
}

/// One row of the claim export.
struct ExportLine {
    id: i64,
    member_name: String,
    id_number: String,
    unit: String,
    policy: String,
    kind: &'static str,
    state: &'static str,
    event_date: String,
    submitted_on: String,
    payable_fen: Option<i64>,
    approved_fen: i64,
    paid_fen: i64,
    flags: String,
}

fn kind_zh(code: &str) -> &'static str {
    huzhu_domain::scenario::kind_words(code).map_or("其他", |(zh, _)| zh)
}

const FLAGS: [ReviewFlag; 4] = [
    ReviewFlag::DuplicateInvoice,
    ReviewFlag::OverlappingStay,
    ReviewFlag::AboveNorm,
    ReviewFlag::WaitingPeriod,
];

fn flag_zh(code: &str) -> &str {
    FLAGS
        .iter()
        .find(|f| f.code() == code)
        .map(|f| f.label_zh())
        .unwrap_or(code)
}

/// Claims as a workbook: ID numbers masked and written as text, amounts as numbers in 元.
fn claims_xlsx(lines: &[ExportLine]) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let xl = |e: rust_xlsxwriter::XlsxError| AppError::Io(std::io::Error::other(e.to_string()));
    let header = [
        "申请编号",
        "会员姓名",
        "身份证号（已遮蔽）",
        "工会代码",
        "保障期",
        "类型",
        "状态",
        "事件日期",
        "提交日期",
        "应付金额（元）",
        "已审批金额（元）",
        "已支付金额（元）",
        "审核标记",
    ];
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("理赔列表").map_err(xl)?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    for (c, h) in header.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        ws.write_string_with_format(0, c, *h, &bold).map_err(xl)?;
        ws.set_column_width(c, 14).map_err(xl)?;
    }
    for (r, l) in lines.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        ws.write_number(r, 0, l.id as f64).map_err(xl)?;
        let text = [
            &l.member_name,
            &l.id_number,
            &l.unit,
            &l.policy,
            l.kind,
            l.state,
            &l.event_date,
            &l.submitted_on,
        ];
        for (c, v) in text.iter().enumerate() {
            let c = u16::try_from(c + 1).unwrap_or(u16::MAX);
            ws.write_string(r, c, *v).map_err(xl)?;
        }
        let amounts = [l.payable_fen, Some(l.approved_fen), Some(l.paid_fen)];
        for (c, fen) in amounts.iter().enumerate() {
            let c = u16::try_from(c + 9).unwrap_or(u16::MAX);
            if let Some(fen) = fen {
                ws.write_number_with_format(r, c, crate::stats::yuan(*fen), &money)
                    .map_err(xl)?;
            }
        }
        ws.write_string(r, 12, &l.flags).map_err(xl)?;
    }
    wb.save_to_buffer().map_err(xl)
}

/// Where a review flag points: the other claim it conflicts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub flag: ReviewFlag,
    /// The other claim's number.
    pub other: i64,
    /// The other claim, when the actor's scope covers it (else only that it exists elsewhere).
    pub seen: Option<ConflictSeen>,
}

/// What the page shows of a conflicting claim the actor may open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictSeen {
    pub state: ClaimState,
    pub event_date: chrono::NaiveDate,
    pub kind: String,
}

/// The claims a claim's duplicate-invoice and overlapping-stay flags rest on (issue 13: follow a
/// flag to the claim it conflicts with). The notes are worked out again as the computation did
/// (`huzhu_domain::review::flags`, against the member's other claims of the cycle) and only
/// those of a flag the claim carries are kept. A conflicting claim outside the actor's scope is
/// named by number only, with nothing of it shown.
pub async fn conflicts<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: ClaimId,
) -> Result<Vec<Conflict>, AppError> {
    let claim = claims::visible_claim(store, actor, id).await?;
    let carried: Vec<ReviewFlag> = FLAGS
        .iter()
        .copied()
        .filter(|f| {
            matches!(
                f,
                ReviewFlag::DuplicateInvoice | ReviewFlag::OverlappingStay
            )
        })
        .filter(|f| claim.fields.flags.iter().any(|c| c == f.code()))
        .collect();
    if carried.is_empty() {
        return Ok(Vec::new());
    }
    let policy = policies::policy(store, clock, &claim.policy).await?;
    let decided = claims::decide(store, &policy, &claim).await?;
    let others: Vec<Claim> = store
        .member_claims(claim.member, &claim.policy)
        .await?
        .iter()
        .filter(|o| o.id != claim.id && o.fields.state != ClaimState::Draft)
        .filter_map(|o| claims::stored_body(o, Vec::new()).ok())
        .collect();
    let others: Vec<&Claim> = others.iter().collect();
    let norms = review::norms(store, clock, &claim.policy).await?;
    let notes = huzhu_domain::review::flags(&decided.claim, &decided.decision, &others, &norms);
    let mut out: Vec<Conflict> = Vec::new();
    for n in notes {
        let flag = n.flag();
        let Some(other) = n.other_claim().and_then(|o| o.parse::<i64>().ok()) else {
            continue;
        };
        if !carried.contains(&flag) || out.iter().any(|c| c.flag == flag && c.other == other) {
            continue;
        }
        let seen = match claims::visible_claim(store, actor, ClaimId(other)).await {
            Ok(o) => Some(ConflictSeen {
                state: o.fields.state,
                event_date: o.fields.event_date,
                kind: o.kind,
            }),
            Err(AppError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        out.push(Conflict { flag, other, seen });
    }
    Ok(out)
}

/// The claims of a list page as summaries, for callers that hold a query already.
pub async fn page<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    q: &ClaimQuery,
) -> Result<(Vec<ClaimSummary>, u64), AppError> {
    let rows = claims::list_claims(store, clock, actor, q).await?;
    let total = count_claims(store, actor, q).await?;
    Ok((rows, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_box_reads_digits_as_the_end_of_an_id_number_and_anything_else_as_a_name() {
        assert_eq!(split_search(" 张三 "), (Some("张三".into()), None));
        assert_eq!(split_search("1234"), (None, Some("1234".into())));
        assert_eq!(split_search("***123x"), (None, Some("123X".into())));
        assert_eq!(split_search("X"), (Some("X".into()), None));
        assert_eq!(split_search("  "), (None, None));
    }

    #[test]
    fn only_a_search_by_more_than_the_masked_tail_is_an_id_number_search() {
        let q = |s: &str| ClaimQuery {
            search: s.into(),
            ..ClaimQuery::default()
        };
        assert_eq!(id_number_searched(&q("1234")), None);
        assert_eq!(id_number_searched(&q("01234")), Some("01234"));
        assert_eq!(id_number_searched(&q("张三丰李四")), None);
    }
}
