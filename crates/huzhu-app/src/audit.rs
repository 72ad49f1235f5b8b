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
use std::borrow::Cow;

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
                .map(|(zh, _)| zh.into_owned())
                .unwrap_or_default(),
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
pub fn action_words(code: &str) -> Option<(Cow<'static, str>, Cow<'static, str>)> {
    let (zh, en) = match code {
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
        "claim.export" => ("导出理赔列表", "Exported the claim list"),
        "claim.search_id_number" => ("按身份证号查找理赔", "Searched claims by ID number"),
        "user.change" => ("修改账号", "Account changed"),
        "user.disable" => ("停用账号", "Account disabled"),
        "user.enable" => ("启用账号", "Account enabled"),
        "user.password_reset" => ("重置密码", "Password reset"),
        "campaign.create" => ("发起送温暖活动", "Care campaign created"),
        "campaign.list" => ("拟定慰问名单", "Recipient list drawn up"),
        "campaign.visit" => ("走访慰问", "Recipient visited"),
        "campaign.gift" => ("发放慰问品", "Gift pack handed out"),
        "campaign.grant" => ("发放慰问金", "Care grants paid"),
        "grant.apply" => ("申请救助", "Relief applied for"),
        "grant.document" => ("补交申请材料", "Document handed in"),
        "grant.check" => ("街道审核救助", "Relief checked"),
        "grant.approve" => ("批准救助", "Relief approved"),
        "grant.refuse" => ("不予救助", "Relief refused"),
        "grant.withdraw" => ("撤回救助申请", "Relief withdrawn"),
        "grant.batch" => ("救助金列入支付批次", "Relief put in a payout batch"),
        "grant.pay" => ("救助金已支付", "Relief paid"),
        "grant.fail" => ("救助金退回", "Relief payment returned"),
        "fund.deposit" => ("资金入账", "Fund deposit"),
        "donation.record" => ("登记捐赠", "Donation recorded"),
        "donation.receive" => ("捐赠到账", "Donation received"),
        "receipt.void" => ("作废收据", "Receipt voided"),
        "pairing.publish" => ("发布结对学生", "Student published for pairing"),
        "pairing.claim" => ("认领结对学生", "Student claimed"),
        "pairing.confirm" => ("确认结对承诺", "Pledge confirmed"),
        "pairing.consent" => ("资助人公开致谢意愿", "Sponsor's consent to thanks"),
        "pairing.payment" => ("登记结对资助款", "Pairing payment recorded"),
        "pairing.report" => ("发布学生进展", "Progress report posted"),
        "pairing.withdraw" => ("撤下结对学生", "Student withdrawn from pairing"),
        "services.team" => ("登记志愿服务队", "Volunteer team registered"),
        "services.offer" => ("发布服务项目", "Service offered"),
        "services.request" => ("申请服务", "Service requested"),
        "services.accept" => ("受理服务申请", "Service request accepted"),
        "services.complete" => ("服务完成", "Service completed"),
        "services.cancel" => ("取消服务申请", "Service request cancelled"),
        "services.score" => ("服务满意度评价", "Service scored"),
        "legal_aid.add_lawyer" => ("登记援助律师", "Lawyer added to the panel"),
        "legal_aid.lawyer_active" => ("律师在册状态变更", "Lawyer's panel status changed"),
        "notice.objection" => ("收到公示异议", "Objection to a notice received"),
        "notice.objection.settled" => ("处理公示异议", "Objection to a notice settled"),
        "recuperation.admit_base" => ("认定疗休养基地", "Recuperation base admitted"),
        "recuperation.renew" => ("疗休养基地复审续期", "Recuperation base renewed"),
        "recuperation.remove" => ("疗休养基地复审撤销", "Recuperation base removed"),
        "recuperation.create_batch" => ("安排疗休养批次", "Recuperation batch scheduled"),
        "recuperation.sign_up" => ("疗休养报名", "Signed up for recuperation"),
        "recuperation.cancel" => ("取消疗休养报名", "Recuperation sign-up cancelled"),
        "recuperation.spend" => ("登记疗休养费用", "Recuperation spend recorded"),
        "procurement.catalogue_add" => ("登记消费帮扶产品", "Product added to the catalogue"),
        "procurement.floor" => ("设定消费帮扶采购下限", "Purchase floor set"),
        "procurement.record" => ("登记消费帮扶采购", "Purchase recorded"),
        "procurement.gift_link" => ("慰问品关联消费帮扶", "Gift packs linked to purchases"),
        code => return step_words(code),
    };
    Some((Cow::Borrowed(zh), Cow::Borrowed(en)))
}

/// The steps of the case workflows, whose audit codes are `module.step` with the step's own
/// code: the module's name and the step's label.
fn step_words(code: &str) -> Option<(Cow<'static, str>, Cow<'static, str>)> {
    use huzhu_domain::{archive, legal_aid, recognition};
    let (module, step) = code.split_once('.')?;
    macro_rules! from {
        ($steps:path) => {{
            use $steps as Steps;
            Steps::ALL
                .iter()
                .find(|s| s.code() == step)
                .map(|s| (s.label_zh(), s.label_en()))
        }};
    }
    // The module named with the step ("困难职工档案：建档").
    let ((zh, en), (module_zh, module_en)) = match module {
        "archive" => (
            from!(archive::StepKind)?,
            ("困难职工档案", "Hardship archive"),
        ),
        "legal_aid" => (from!(legal_aid::StepKind)?, ("法律援助", "Legal aid")),
        "recognition" => (from!(recognition::StepKind)?, ("工匠评选", "Recognition")),
        _ => return None,
    };
    Some((
        Cow::Owned(format!("{module_zh}：{zh}")),
        Cow::Owned(format!("{module_en}: {en}")),
    ))
}

/// The kind of object an audit entry's subject names (`legal_aid_case 12`), in both
/// languages; `None` for a subject that starts otherwise.
pub fn subject_words(subject: &str) -> Option<(String, String)> {
    const KINDS: &[(&str, &str, &str)] = &[
        ("bank statement", "银行对账单", "bank statement"),
        ("statement line", "对账单行", "statement line"),
        ("service request", "服务申请", "service request"),
        ("service team", "志愿服务队", "volunteer team"),
        ("service", "服务项目", "service"),
        ("legal_aid_case", "法律援助案件", "legal aid case"),
        ("legal_aid_lawyer", "援助律师", "lawyer"),
        ("recuperation_base", "疗休养基地", "recuperation base"),
        ("recuperation_batch", "疗休养批次", "recuperation batch"),
        ("recuperation_signup", "疗休养报名", "recuperation sign-up"),
        ("procurement_catalogue", "消费帮扶产品", "catalogue product"),
        ("campaign", "送温暖活动", "campaign"),
        ("recipient", "慰问对象", "recipient"),
        ("household", "困难职工家庭", "household"),
        ("nomination", "推荐对象", "nomination"),
        ("notice", "公示", "notice"),
        ("pairing", "结对学生", "pairing student"),
        ("donation", "捐赠", "donation"),
        ("deposit", "资金入账", "deposit"),
        ("grant", "救助", "grant"),
        ("transfer", "调动", "transfer"),
        ("member", "会员", "member"),
        ("claim", "理赔", "claim"),
        ("batch", "支付批次", "batch"),
        ("bill", "缴费单", "bill"),
        ("import", "导入", "import"),
        ("policy", "政策", "policy"),
        ("user", "账号", "account"),
        ("org", "组织", "org"),
    ];
    KINDS.iter().find_map(|(kind, zh, en)| {
        let rest = subject.strip_prefix(kind)?;
        (rest.is_empty() || rest.starts_with([' ', '#']))
            .then(|| (format!("{zh}{rest}"), format!("{en}{rest}")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use huzhu_domain::workflow::Action;
    use std::path::Path;

    /// Every `action: "…"` literal and every `format!("module.{}", …)` prefix in the workspace's
    /// sources, read from the files.
    fn written_actions() -> (Vec<String>, Vec<String>) {
        fn walk(dir: &Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut sources = Vec::new();
        for krate in ["huzhu-app", "huzhu-store", "huzhu-web", "huzhu"] {
            walk(&crates.join(krate).join("src"), &mut sources);
        }
        let (mut fixed, mut prefixes) = (Vec::new(), Vec::new());
        for text in &sources {
            for part in text.split("action: \"").skip(1) {
                fixed.push(part.split('"').next().unwrap().to_string());
            }
            for part in text.split("action: &format!(\"").skip(1) {
                prefixes.push(part.split(".{").next().unwrap().to_string());
            }
        }
        (fixed, prefixes)
    }

    #[test]
    fn every_action_the_code_writes_has_words_in_both_languages() {
        let (fixed, prefixes) = written_actions();
        assert!(fixed.len() > 40, "the scan found {} actions", fixed.len());
        // A code is lower case; one without a module may be a claim event's (`claim.pay`).
        let unlabelled: Vec<&String> = fixed
            .iter()
            .filter(|a| {
                a.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
            })
            .filter(|a| {
                action_words(a).is_none()
                    && (a.contains('.') || action_words(&format!("claim.{a}")).is_none())
            })
            .collect();
        assert!(unlabelled.is_empty(), "no words for {unlabelled:?}");
        // The workflow steps written as `module.step`, step by step.
        let mut steps: Vec<String> = Vec::new();
        let claims = [
            Action::Submit,
            Action::Accept,
            Action::Return { missing: vec![] },
            Action::Compute,
            Action::Review,
            Action::SendToExpert {
                reason: String::new(),
            },
            Action::ExpertClear {
                opinion: String::new(),
            },
            Action::ExpertDisagree {
                reasons: String::new(),
            },
            Action::ExpertMoreDocuments { documents: vec![] },
            Action::Approve,
            Action::Reject {
                reason: String::new(),
            },
            Action::Pay,
            Action::Appeal {
                reason: String::new(),
            },
            Action::Reopen,
        ];
        steps.extend(claims.iter().map(|a| format!("claim.{}", a.code())));
        use huzhu_domain::grant::GrantAction as G;
        let grants = [
            G::Check,
            G::Approve,
            G::Refuse {
                reason: String::new(),
            },
            G::Withdraw,
            G::Batch,
            G::Pay,
            G::Fail,
        ];
        steps.extend(grants.iter().map(|a| format!("grant.{}", a.code())));
        use huzhu_domain::services::RequestStep as R;
        steps.extend(
            [R::Accept, R::Complete, R::Cancel, R::Score]
                .iter()
                .map(|s| format!("services.{}", s.code())),
        );
        use huzhu_domain::recuperation::BaseStep as B;
        steps.extend(
            [B::Renew, B::Remove]
                .iter()
                .map(|s| format!("recuperation.{}", s.code())),
        );
        for s in huzhu_domain::archive::StepKind::ALL {
            steps.push(format!("archive.{}", s.code()));
        }
        for s in huzhu_domain::legal_aid::StepKind::ALL {
            steps.push(format!("legal_aid.{}", s.code()));
        }
        for s in huzhu_domain::recognition::StepKind::ALL {
            steps.push(format!("recognition.{}", s.code()));
        }
        let unlabelled: Vec<&String> = steps.iter().filter(|a| action_words(a).is_none()).collect();
        assert!(unlabelled.is_empty(), "no words for {unlabelled:?}");
        // Every module that writes `module.{step}` is one of those checked above.
        let known = [
            "claim",
            "grant",
            "services",
            "recuperation",
            "archive",
            "legal_aid",
            "recognition",
        ];
        for p in &prefixes {
            assert!(known.contains(&p.as_str()), "steps of {p} are not checked");
        }
        let (zh, en) = action_words("legal_aid.assign").unwrap();
        assert_eq!(
            (zh.as_ref(), en.as_ref()),
            ("法律援助：指派律师", "Legal aid: lawyer assigned")
        );
    }

    #[test]
    fn a_subject_names_its_kind_in_words() {
        assert_eq!(
            subject_words("legal_aid_case 12"),
            Some(("法律援助案件 12".into(), "legal aid case 12".into()))
        );
        assert_eq!(
            subject_words("service request 3").map(|w| w.0),
            Some("服务申请 3".into())
        );
        assert_eq!(
            subject_words("member #4 3301**********0024").map(|w| w.0),
            Some("会员 #4 3301**********0024".into())
        );
        // A prefix of another word is not a kind.
        assert_eq!(subject_words("members of GS"), None);
        assert_eq!(subject_words("导出会员名单 member list of GS"), None);
    }
}
