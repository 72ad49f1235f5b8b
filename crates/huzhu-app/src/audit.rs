//! 审计日志 — reading the append-only audit log (sign-ins, ID reveals, claims from submission to
//! payment, enrolments, bill payments, roster imports, bank files, rule changes): auditors and
//! administrators only.
//!
//! Like everything else (SPEC 1–2) the log is read within the actor's subtree, or the part of it
//! under `org` (404 outside it): the entries whose org (the org in whose subtree the action
//! happened, [`huzhu_store::AuditEntry::org`]) lies there. Entries with no org — written by the
//! command line or demo loading, a sign-in under an unknown name, and every entry older than
//! the column — are read only from an org with no parent, the top of the tree.
//!
//! It can be filtered by days (in China's time), by the account that acted and by action, and
//! exported as a workbook as filtered; each export is itself written to the log.

use crate::access::read_scope;
use crate::{AppError, Clock};
use chrono::{DateTime, NaiveDate, Utc};
use huzhu_domain::access::{Actor, Capability};
use huzhu_domain::org::OrgCode;
use huzhu_store::{AccountStore, AuditEntry, AuditQuery, AuditRecord, Store};

/// What to read of the log, beside the scope: each part applies when given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub action: Option<String>,
    /// The account (username) that acted.
    pub actor: Option<String>,
    /// The first day included (China's date).
    pub from: Option<NaiveDate>,
    /// The last day included (China's date).
    pub to: Option<NaiveDate>,
}

impl AuditFilter {
    /// The filter as the export's audit entry describes it.
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(a) = &self.action {
            parts.push(format!("操作 action {a}"));
        }
        if let Some(a) = &self.actor {
            parts.push(format!("操作人 actor {a}"));
        }
        if let Some(d) = self.from {
            parts.push(format!("自 from {d}"));
        }
        if let Some(d) = self.to {
            parts.push(format!("至 to {d}"));
        }
        if parts.is_empty() {
            "全部 (everything)".into()
        } else {
            parts.join("，")
        }
    }

    fn check(&self) -> Result<(), AppError> {
        if let (Some(f), Some(t)) = (self.from, self.to) {
            if f > t {
                return Err(AppError::invalid(
                    "from",
                    format!("起始日期 {f} 晚于截止日期 {t} (the first day, {f}, is after the last, {t})"),
                ));
            }
        }
        Ok(())
    }
}

/// The first instant of a day in China.
fn day_start(d: NaiveDate) -> Option<DateTime<Utc>> {
    d.and_hms_opt(0, 0, 0)?
        .and_local_timezone(crate::clock::shanghai())
        .single()
        .map(|t| t.with_timezone(&Utc))
}

fn query(
    scope: huzhu_store::AuditScope,
    filter: &AuditFilter,
    before: Option<i64>,
    limit: u32,
) -> AuditQuery {
    AuditQuery {
        scope,
        before,
        action: filter.action.clone(),
        actor: filter.actor.clone(),
        from: filter.from.and_then(day_start),
        until: filter.to.and_then(|d| d.succ_opt()).and_then(day_start),
        limit,
    }
}

/// A page of the log within the actor's subtree (or under `org`), newest first: entries older
/// than `before` that match `filter`.
pub async fn log<S: Store + AccountStore>(
    store: &S,
    actor: &Actor,
    org: Option<&OrgCode>,
    before: Option<i64>,
    filter: &AuditFilter,
    limit: u32,
) -> Result<Vec<AuditRecord>, AppError> {
    filter.check()?;
    let scope = read_scope(store, actor, Capability::ReadAudit, org).await?;
    Ok(store
        .audit_page(&query(scope, filter, before, limit.clamp(1, 500)))
        .await?)
}

/// The actions found in the log within the actor's subtree (or under `org`), for the filter.
pub async fn actions<S: Store + AccountStore>(
    store: &S,
    actor: &Actor,
    org: Option<&OrgCode>,
) -> Result<Vec<String>, AppError> {
    let scope = read_scope(store, actor, Capability::ReadAudit, org).await?;
    Ok(store.audit_actions(&scope).await?)
}

/// At most this many entries in one export (a longer period is exported a month at a time).
pub const EXPORT_MAX_ROWS: usize = 100_000;

/// The entries within the actor's subtree (or under `org`) that match `filter`, newest first, as
/// an Excel workbook; the export is written to the log (with its filter and row count) after
/// the entries are read, so it is not among them.
pub async fn export_xlsx<S: Store + AccountStore>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    org: Option<&OrgCode>,
    filter: &AuditFilter,
) -> Result<Vec<u8>, AppError> {
    filter.check()?;
    let scope = read_scope(store, actor, Capability::ReadAudit, org).await?;
    let mut rows: Vec<AuditRecord> = Vec::new();
    let mut before = None;
    loop {
        let page = store
            .audit_page(&query(scope.clone(), filter, before, 500))
            .await?;
        let Some(last) = page.last() else { break };
        before = Some(last.id);
        let full = page.len() == 500;
        rows.extend(page);
        if rows.len() >= EXPORT_MAX_ROWS {
            rows.truncate(EXPORT_MAX_ROWS);
            break;
        }
        if !full {
            break;
        }
    }
    let bytes = audit_xlsx(&rows)?;
    let within = org.unwrap_or(&actor.org);
    store
        .audit(&AuditEntry {
            at: clock.now(),
            actor: actor.username.clone(),
            action: "audit.export".into(),
            subject: format!("导出审计日志 audit log of {within}"),
            detail: format!("{} 条 entries；{}", rows.len(), filter.describe()),
            org: Some(within.clone()),
        })
        .await?;
    Ok(bytes)
}

/// Entries as a workbook: number, time (China), who, org, action with its words, subject, detail.
pub fn audit_xlsx(rows: &[AuditRecord]) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let xl = |e: rust_xlsxwriter::XlsxError| AppError::Io(std::io::Error::other(e.to_string()));
    let header = [
        "编号",
        "时间",
        "操作人",
        "组织",
        "操作",
        "操作说明",
        "对象",
        "详情",
    ];
    let widths = [10, 20, 16, 14, 24, 20, 28, 60];
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("审计日志").map_err(xl)?;
    let bold = Format::new().set_bold();
    for (c, (h, w)) in header.iter().zip(widths).enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        ws.write_string_with_format(0, c, *h, &bold).map_err(xl)?;
        ws.set_column_width(c, w).map_err(xl)?;
    }
    for (r, rec) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        let e = &rec.entry;
        let at =
            e.at.with_timezone(&crate::clock::shanghai())
                .format("%Y-%m-%d %H:%M:%S")
                .to_string();
        ws.write_number(r, 0, rec.id as f64).map_err(xl)?;
        let cells = [
            at,
            e.actor.clone(),
            e.org.as_ref().map(|o| o.to_string()).unwrap_or_default(),
            e.action.clone(),
            action_words(&e.action)
                .map(|(zh, _)| zh)
                .unwrap_or("")
                .to_string(),
            e.subject.clone(),
            e.detail.clone(),
        ];
        for (c, v) in cells.iter().enumerate() {
            let c = u16::try_from(c + 1).unwrap_or(u16::MAX);
            ws.write_string(r, c, v).map_err(xl)?;
        }
    }
    wb.save_to_buffer().map_err(xl)
}

/// What an action code of the log means: (Chinese, English); None for one not known here.
pub fn action_words(code: &str) -> Option<(&'static str, &'static str)> {
    Some(match code {
        "login" => ("登录", "Signed in"),
        "login.failed" => ("登录失败", "Failed sign-in"),
        "logout" => ("退出", "Signed out"),
        "member.reveal_id_number" => ("查看完整身份证号", "Revealed an ID number"),
        "member.export" => ("导出会员名单", "Exported the member list"),
        "member.search_id_number" => ("按身份证号查找会员", "Searched by ID number"),
        "member.transfer" => ("会员调动", "Member transferred"),
        "member.transfer.requested" => ("申请调入会员", "Transfer requested"),
        "member.transfer.refused" => ("拒绝调动", "Transfer refused"),
        "member.bank_change.proposed" => ("提出银行账号变更", "Bank account change proposed"),
        "member.bank_change.confirmed" => ("确认银行账号变更", "Bank account change confirmed"),
        "member.bank_change.rejected" => ("驳回银行账号变更", "Bank account change rejected"),
        "user.create" => ("创建账号", "Account created"),
        "payout.bank_file" => ("下载银行文件", "Downloaded a bank file"),
        "payout.build" => ("生成支付批次", "Built a payout batch"),
        "payout.settle" => ("支付批次结算", "Settled a payout batch"),
        "review.rule" => ("设置抽审规则", "Set the review rule"),
        "review.rule.removed" => ("删除抽审规则", "Removed the review rule"),
        "claim.create" => ("保存理赔草稿", "Claim saved as a draft"),
        "claim.submit" => ("提交理赔申请", "Claim submitted"),
        "claim.accept" => ("受理申请", "Claim accepted"),
        "claim.return" => ("退回补件", "Returned for documents"),
        "claim.compute" => ("核算", "Claim computed"),
        "claim.review" => ("审核通过", "Claim reviewed"),
        "claim.send_to_expert" => ("送专家审核", "Sent to expert review"),
        "claim.expert_clear" => ("专家意见：同意", "Expert agrees"),
        "claim.expert_disagree" => ("专家意见：不同意", "Expert disagrees"),
        "claim.expert_more_documents" => ("专家意见：需补充材料", "Expert asks for documents"),
        "claim.approve" => ("审批通过", "Claim approved"),
        "claim.reject" => ("不予补助", "Claim rejected"),
        "claim.pay" => ("已支付", "Claim paid"),
        "claim.appeal" => ("申诉", "Appealed"),
        "claim.reopen" => ("重新受理", "Reopened"),
        "enrolment" => ("单位参保", "Unit enrolment"),
        "bill.paid" => ("缴费到账", "Bill paid"),
        "import.members" => ("导入会员名单", "Roster import"),
        "audit.export" => ("导出审计日志", "Exported the audit log"),
        // employment help and bank statements (helper D, issue 16)
        "employment.create_fair" => ("举办招聘会", "Job fair organised"),
        "employment.add_post" => ("发布招聘岗位", "Post added"),
        "employment.fair_hold" => ("招聘会已举办", "Job fair held"),
        "employment.fair_cancel" => ("取消招聘会", "Job fair cancelled"),
        "employment.register" => ("求职登记", "Job-seeker registered"),
        "employment.place" => ("安置就业", "Job-seeker placed"),
        "employment.withdraw" => ("退出求职登记", "Job-seeker withdrawn"),
        "employment.create_course" => ("开设技能培训班", "Skills course opened"),
        "employment.enrol" => ("报名参训", "Trainee enrolled"),
        "employment.attend" => ("记录出勤", "Attendance recorded"),
        "employment.finish_course" => ("培训班结业", "Course finished"),
        "employment.certify" => ("发放培训证书", "Certificate issued"),
        "statement.import" => ("导入银行对账单", "Bank statement imported"),
        "statement.settle" => ("对账单行手工匹配", "Statement line settled to a donor"),
        "statement.dismiss" => ("对账单行标为非捐赠", "Statement line marked not a donation"),
        _ => return None,
    })
}
