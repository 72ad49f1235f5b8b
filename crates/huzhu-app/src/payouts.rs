//! Payout batches (SPEC 5, 6): finance gathers approved claims of its subtree into a batch,
//! exports the bank file, and marks the batch paid or partly failed when the bank answers. A
//! paid line moves its claim to `paid` with a ledger entry, in the same transaction; a failed
//! line leaves its claim approved, free for the next batch.

use crate::access::{ensure_org_in_scope, not_found, require};
use crate::claims::visible_claim;
use crate::{AppError, Clock};
use huzhu_domain::access::{Actor, Capability};
use huzhu_domain::ledger;
use huzhu_domain::money::Money;
use huzhu_domain::org::OrgCode;
use huzhu_domain::workflow::{transition, Action, ClaimState, Guards};
use huzhu_store::grant::{GrantFilter, GrantId};
use huzhu_store::money::{
    Batch, BatchId, ClaimChange, ClaimEvent, ClaimFilter, GrantPayment, LineOutcome, NewPayoutLine,
    PayoutLine, PayoutSubject,
};
use huzhu_store::{AuditEntry, OrgScope, Repo};
use serde::Serialize;

/// A claim that could not go into the batch, and why.
/// A payout batch's or line's state in words, (Chinese, English); `None` for an unknown code.
/// One list for the console and the audit log.
pub fn status_words(code: &str) -> Option<(&'static str, &'static str)> {
    huzhu_store::money::audit::batch_status_words(code)
}

/// Why an approved claim was left out of a batch.
pub const NO_BANK_ACCOUNT: &str = "会员未登记银行账号 (member has no bank account)";

#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub claim: i64,
    pub reason: String,
}

/// A grant that could not go into the batch, and why (docs/grants.md: grants share batches).
#[derive(Debug, Clone, Serialize)]
pub struct SkippedGrant {
    pub grant: i64,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BatchView {
    pub batch: Batch,
    pub lines: Vec<PayoutLine>,
    pub skipped: Vec<Skipped>,
    pub skipped_grants: Vec<SkippedGrant>,
}

/// The most claims one batch carries; the rest wait for the next.
pub const MAX_BATCH_LINES: u32 = 5_000;

/// Builds a batch of every approved, unpaid claim of the subtree under `org` (members without a
/// bank account are skipped and named).
pub async fn build_batch<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    org: &OrgCode,
) -> Result<BatchView, AppError> {
    require(actor, Capability::ManagePayouts)?;
    ensure_org_in_scope(store, actor, org).await?;
    let claims = store
        .claims_under(
            org,
            &ClaimFilter {
                awaiting_payout: true,
                limit: MAX_BATCH_LINES,
                ..Default::default()
            },
        )
        .await?;
    let mut lines = Vec::new();
    let mut skipped = Vec::new();
    for c in claims {
        let m = store.member(c.member).await?;
        let Some(account) = &m.record.bank_account else {
            skipped.push(Skipped {
                claim: c.id.0,
                reason: NO_BANK_ACCOUNT.into(),
            });
            continue;
        };
        lines.push(NewPayoutLine {
            subject: PayoutSubject::Claim(c.id),
            member: c.member,
            amount: Money::from_fen(c.fields.approved.fen() - c.fields.paid.fen()),
            account_name: m.record.name.as_str().to_string(),
            bank_account: account.as_str().to_string(),
            bank_branch: m
                .record
                .bank_branch
                .as_ref()
                .map(|b| b.as_str().to_string()),
        });
    }
    let mut skipped_grants = Vec::new();
    // Approved grants of the subtree go into the same batch and bank file (SPEC 7.1).
    let room = MAX_BATCH_LINES.saturating_sub(u32::try_from(lines.len()).unwrap_or(u32::MAX));
    let grants = if room == 0 {
        Vec::new()
    } else {
        store
            .grants_under(
                &OrgScope::Under(org.clone()),
                &GrantFilter {
                    awaiting_payout: true,
                    limit: room,
                    ..Default::default()
                },
            )
            .await?
    };
    for g in grants {
        let m = store.member(g.member).await?;
        let Some(account) = &m.record.bank_account else {
            skipped_grants.push(SkippedGrant {
                grant: g.id.0,
                reason: NO_BANK_ACCOUNT.into(),
            });
            continue;
        };
        lines.push(NewPayoutLine {
            subject: PayoutSubject::Grant(g.id),
            member: g.member,
            amount: Money::from_fen(g.amount.fen() - g.paid.fen()),
            account_name: m.record.name.as_str().to_string(),
            bank_account: account.as_str().to_string(),
            bank_branch: m
                .record
                .bank_branch
                .as_ref()
                .map(|b| b.as_str().to_string()),
        });
    }
    if lines.is_empty() {
        return Err(AppError::Conflict(
            "没有待支付的已审批申请或救助 (no approved claims or grants await payment)".into(),
        ));
    }
    // The batch and its audit entry are written in one transaction.
    let batch = store
        .create_batch(
            org,
            &lines,
            skipped.len() + skipped_grants.len(),
            &actor.username,
            clock.now(),
        )
        .await?;
    let (batch, lines) = store.batch(batch.id).await?;
    Ok(BatchView {
        batch,
        lines,
        skipped,
        skipped_grants,
    })
}

/// A batch visible to the actor.
pub async fn get_batch<S: Repo>(
    store: &S,
    actor: &Actor,
    id: BatchId,
) -> Result<(Batch, Vec<PayoutLine>), AppError> {
    require(actor, Capability::ReadLedger)
        .or_else(|_| require(actor, Capability::ManagePayouts))?;
    let missing = || not_found(&format!("支付批次 {} (batch {})", id.0, id.0));
    let Some(huzhu_store::Visibility::Orgs(scope)) = crate::access::visibility(actor) else {
        return Err(missing()); // a member account sees no batch
    };
    match store.batch_under(id, &scope).await {
        Ok(b) => Ok(b),
        Err(huzhu_store::StoreError::NotFound(_)) => Err(missing()),
        Err(e) => Err(e.into()),
    }
}

/// A bank file of a batch, as downloaded: its bytes, MIME type and the batch it is of. Written
/// to the audit log (`payout.bank_file`): the file holds whole account numbers.
pub struct BankFile {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub batch: Batch,
}

/// The bank file of a batch in `format` (`csv` or `xlsx`) for an actor who manages payouts.
pub async fn bank_file<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: BatchId,
    format: &str,
) -> Result<BankFile, AppError> {
    require(actor, Capability::ManagePayouts)?;
    let (batch, lines) = get_batch(store, actor, id).await?;
    let (bytes, content_type) = match format {
        "xlsx" => (
            bank_file_xlsx(&batch, &lines)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "csv" => (bank_file_csv(&batch, &lines)?, "text/csv; charset=utf-8"),
        other => {
            return Err(AppError::Invalid {
                field: "format".into(),
                message: format!("未知的文件格式“{other}” (unknown format `{other}`; csv or xlsx)"),
            })
        }
    };
    store
        .audit(&AuditEntry {
            at: clock.now(),
            actor: actor.username.clone(),
            action: "payout.bank_file".into(),
            subject: format!("batch {}", batch.id.0),
            // Amounts in the log read in 元 (issue 13).
            detail: format!(
                "{format}：{n}笔，合计{t}元 ({n} lines, {t} yuan)",
                n = lines.len(),
                t = batch.total.yuan_string()
            ),
            org: Some(OrgCode::parse(&batch.org).unwrap_or_else(|_| actor.org.clone())),
        })
        .await?;
    Ok(BankFile {
        bytes,
        content_type,
        batch,
    })
}

/// 四眼原则 (four eyes) for money leaving the fund: the account that built a batch does not
/// settle it.
pub const FOUR_EYES_BATCH: &str =
    "四眼原则：生成支付批次的账号不能结算该批次，须由另一财务账号办理 \
     (four eyes: the account that built a payout batch may not settle it; another finance \
     account must)";

/// Settles an open batch: every line not named in `failures` was paid. The account that built
/// it may not ([`FOUR_EYES_BATCH`], a conflict: 409).
pub async fn settle_batch<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: BatchId,
    failures: &[(i64, String)],
) -> Result<Batch, AppError> {
    require(actor, Capability::ManagePayouts)?;
    let (batch, lines) = get_batch(store, actor, id).await?;
    if batch.created_by == actor.username {
        return Err(AppError::Conflict(FOUR_EYES_BATCH.into()));
    }
    if batch.status != "open" {
        return Err(AppError::Conflict(format!(
            "支付批次 {} 已结算 (batch {} is already settled)",
            id.0, id.0
        )));
    }
    for (line, _) in failures {
        if !lines.iter().any(|l| l.id == *line) {
            return Err(AppError::invalid(
                "failures",
                format!(
                    "明细 {line} 不属于批次 {} (line {line} is not in batch {})",
                    id.0, id.0
                ),
            ));
        }
    }
    let at = clock.now();
    let mut outcomes = Vec::new();
    let mut changes = Vec::new();
    let mut grant_payments = Vec::new();
    for l in &lines {
        let failure = failures
            .iter()
            .find(|(line, _)| *line == l.id)
            .map(|(_, why)| why.clone());
        outcomes.push(LineOutcome {
            line: l.id,
            failure: failure.clone(),
        });
        if failure.is_some() {
            continue;
        }
        let claim_id = match l.subject {
            PayoutSubject::Claim(c) => c,
            PayoutSubject::Grant(g) => {
                grant_payments.push(grant_payment(g, l)?);
                continue;
            }
        };
        let claim = visible_claim(store, actor, claim_id).await?;
        let to = transition(
            claim.fields.state,
            &Action::Pay,
            actor.role,
            &Guards {
                missing_documents: Vec::new(),
                selected_for_review: false,
                expert_cleared: false,
                expert_disagreed: false,
                appeal_window: None,
                approval_level: actor.org_level,
                actor_level: actor.org_level,
                by_its_maker: false,
            },
        )?;
        let mut f = claim.fields.clone();
        f.state = to;
        f.paid = f
            .paid
            .checked_add(l.amount)
            .ok_or_else(|| AppError::invalid("amount", "金额溢出 (overflow)".into()))?;
        let entry = ledger::claim_paid(l.member.0, &claim_id.0.to_string(), l.amount)
            .map_err(|e| AppError::invalid("amount", e.to_string()))?;
        changes.push(ClaimChange {
            claim: claim_id,
            expected_version: claim.version,
            fields: f,
            event: ClaimEvent {
                action: "pay".into(),
                from: Some(ClaimState::Approved),
                to,
                actor: actor.username.clone(),
                actor_role: actor.role.code().into(),
                reason: format!("支付批次 {} (batch {})", id.0, id.0),
                at,
            },
            entries: vec![entry],
        });
    }
    // The settlement, its claims' payments and its audit entry are written in one transaction.
    let settled = store
        .settle_batch(
            id,
            &outcomes,
            &changes,
            &grant_payments,
            &actor.username,
            at,
        )
        .await?;
    Ok(settled)
}

/// The entry of a grant's paid line (payable → bank), from the domain.
fn grant_payment(grant: GrantId, l: &PayoutLine) -> Result<GrantPayment, AppError> {
    let entry = huzhu_domain::grant::grant_paid(l.member.0, grant.0, l.amount)
        .map_err(|e| AppError::invalid("amount", e.to_string()))?;
    Ok(GrantPayment { grant, entry })
}

/// The 摘要 of a bank file line: what it pays.
fn memo(batch: &Batch, l: &PayoutLine) -> String {
    match l.subject {
        PayoutSubject::Claim(c) => format!("职工医疗互助补助 批次{} 申请{}", batch.id.0, c.0),
        PayoutSubject::Grant(g) => format!("困难职工帮扶救助 批次{} 救助{}", batch.id.0, g.0),
    }
}

/// The bank file's columns; 开户行 is empty for an account whose branch the roster did not give.
const BANK_HEADER: [&str; 6] = ["序号", "户名", "银行账号", "开户行", "金额(元)", "摘要"];

/// The column of the amount (a number cell in the workbook).
const AMOUNT_COLUMN: usize = 4;

/// `12345.67`: yuan as a bank's import reads an amount — no thousands separator (issue 13: the
/// file wrote `12,345.67`, which a bank system takes as text or as two fields).
fn plain_yuan(m: Money) -> String {
    let fen = m.fen();
    let abs = fen.unsigned_abs();
    format!(
        "{}{}.{:02}",
        if fen < 0 { "-" } else { "" },
        abs / 100,
        abs % 100
    )
}

fn bank_rows(batch: &Batch, lines: &[PayoutLine]) -> Vec<[String; 6]> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            [
                (i + 1).to_string(),
                l.account_name.clone(),
                l.bank_account.clone(),
                l.bank_branch.clone().unwrap_or_default(),
                plain_yuan(l.amount),
                memo(batch, l),
            ]
        })
        .collect()
}

/// The total row under the lines: how many, and their sum, which must equal the batch's total.
fn bank_total(batch: &Batch, lines: &[PayoutLine]) -> Result<[String; 6], AppError> {
    let sum = lines
        .iter()
        .try_fold(Money::ZERO, |a, l| a.checked_add(l.amount))
        .ok_or_else(|| {
            AppError::invalid("batch", "批次金额溢出 (the batch total overflows)".into())
        })?;
    Ok([
        "合计".into(),
        format!("{}笔", lines.len()),
        String::new(),
        String::new(),
        plain_yuan(sum),
        format!("职工医疗互助补助 批次{}", batch.id.0),
    ])
}

/// The bank file as CSV (UTF-8 with BOM, so that Excel opens the Chinese correctly).
pub fn bank_file_csv(batch: &Batch, lines: &[PayoutLine]) -> Result<Vec<u8>, AppError> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(BANK_HEADER)
            .map_err(|e| AppError::Io(e.into()))?;
        for r in bank_rows(batch, lines) {
            w.write_record(&r).map_err(|e| AppError::Io(e.into()))?;
        }
        w.write_record(bank_total(batch, lines)?)
            .map_err(|e| AppError::Io(e.into()))?;
        w.flush()?;
    }
    Ok(out)
}

/// The bank file as an Excel workbook: accounts are text so no digit is lost; amounts are number
/// cells (format `0.00`) so that the sheet adds them up; a total row closes it.
pub fn bank_file_xlsx(batch: &Batch, lines: &[PayoutLine]) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let xl = |e: rust_xlsxwriter::XlsxError| AppError::Io(std::io::Error::other(e.to_string()));
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let amount = Format::new().set_num_format("0.00");
    for (c, h) in BANK_HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).map_err(xl)?;
    }
    let mut rows = bank_rows(batch, lines);
    rows.push(bank_total(batch, lines)?);
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, v) in row.iter().enumerate() {
            if c == AMOUNT_COLUMN {
                // The cell's number is read from the exact decimal text: display only, never
                // computed with (STYLE: no floats where money is computed).
                let n: f64 = v.parse().map_err(|_| {
                    AppError::invalid("amount", format!("金额{v}无法写入 (amount {v})"))
                })?;
                ws.write_number_with_format(r, c as u16, n, &amount)
                    .map_err(xl)?;
            } else {
                ws.write_string(r, c as u16, v).map_err(xl)?;
            }
        }
    }
    wb.save_to_buffer().map_err(xl)
}

/// Batches of the subtree under `org` (default: the actor's organisation), newest first.
pub async fn list_batches<S: Repo>(
    store: &S,
    actor: &Actor,
    org: Option<&OrgCode>,
) -> Result<Vec<Batch>, AppError> {
    require(actor, Capability::ReadLedger)
        .or_else(|_| require(actor, Capability::ManagePayouts))?;
    let org = org.cloned().unwrap_or_else(|| actor.org.clone());
    ensure_org_in_scope(store, actor, &org).await?;
    Ok(store.batches_under(&org).await?)
}
