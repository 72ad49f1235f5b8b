//! What the audit log says of a change on the money path (issue 13: claims, enrolments and bill
//! payments were not in it). Each entry is written by the store in the transaction of the change
//! it records, so the log never holds a change that was rolled back nor misses one that landed.
//!
//! Amounts read in 元 and states in words, Chinese first then English (issue 13: "1665000 fen",
//! "partly_failed"); the codes stay in `action` (`claim.approve`, `enrolment`, `bill.paid`) for
//! filtering.

use super::{ClaimChange, ClaimEvent, ClaimFields};
use huzhu_domain::money::Money;
use huzhu_domain::workflow::ClaimState;

/// The audit action of a claim event: `claim.` and the event's action (`claim.create`,
/// `claim.submit`, `claim.approve`, `claim.expert_disagree`, …).
pub fn claim_action(event: &ClaimEvent) -> String {
    format!("claim.{}", event.action)
}

/// The subject of a claim's entries.
pub fn claim_subject(id: i64) -> String {
    format!("申请 {id} (claim {id})")
}

/// The detail of a claim's entry: the states it moved between, in words, the amount the step
/// fixed (computed, approved or paid) in 元, and the reason or opinion given.
pub fn claim_detail(event: &ClaimEvent, f: &ClaimFields) -> String {
    let from_zh = event.from.map_or("新建", ClaimState::label_zh);
    let from_en = event.from.map_or("new", ClaimState::label_en);
    let mut zh = format!("{from_zh} → {}", event.to.label_zh());
    let mut en = format!("{from_en} → {}", event.to.label_en());
    let yuan = |m: Money| m.yuan_string();
    match event.action.as_str() {
        "compute" => {
            if let Some(p) = f.payable {
                zh.push_str(&format!("；核算应付 {} 元", yuan(p)));
                en.push_str(&format!("; computed {} yuan payable", yuan(p)));
            }
        }
        "approve" => {
            zh.push_str(&format!("；核准 {} 元", yuan(f.approved)));
            en.push_str(&format!("; {} yuan approved", yuan(f.approved)));
        }
        "pay" => {
            zh.push_str(&format!("；累计已付 {} 元", yuan(f.paid)));
            en.push_str(&format!("; {} yuan paid in all", yuan(f.paid)));
        }
        _ => {}
    }
    let reason = event.reason.trim();
    if reason.is_empty() {
        format!("{zh} ({en})")
    } else {
        format!("{zh} ({en})；{}：{reason}", reason_word(&event.action))
    }
}

/// What the free text of an event is, by its action.
fn reason_word(action: &str) -> &'static str {
    match action {
        "return" | "expert_more_documents" => "所需材料 (documents)",
        "expert_clear" | "expert_disagree" => "专家意见 (expert's opinion)",
        "compute" => "标记 (flags)",
        "pay" => "批次 (batch)",
        _ => "理由 (reason)",
    }
}

/// The detail of a claim change's entry.
pub fn change_detail(c: &ClaimChange) -> String {
    claim_detail(&c.event, &c.fields)
}

/// The detail of a unit's enrolment: the cycle, how many members and enrolments, the bill.
pub fn enrolment_detail(policy: &str, members: u32, lines: usize, total: Money) -> String {
    format!(
        "{policy}：{members} 人、{lines} 项参保，应缴 {t} 元 ({members} members, {lines} enrolments, {t} yuan billed)",
        t = total.yuan_string()
    )
}

/// A payout batch's or line's state in words, (Chinese, English); `None` for an unknown code.
/// One list for the console and the audit log.
pub fn batch_status_words(code: &str) -> Option<(&'static str, &'static str)> {
    Some(match code {
        "open" => ("待结算", "Open"),
        "paid" => ("已支付", "Paid"),
        "partly_failed" => ("部分失败", "Partly failed"),
        "failed" => ("支付失败", "Failed"),
        "pending" => ("待支付", "Pending"),
        _ => return None,
    })
}

/// The subject of a payout batch's entries.
pub fn batch_subject(id: i64) -> String {
    format!("支付批次 batch {id}")
}

/// The detail of a batch built: its lines, its total in 元, and the approved claims left out.
pub fn batch_built_detail(lines: usize, total: Money, skipped: usize) -> String {
    format!(
        "{lines}笔，合计{t}元，未纳入{skipped}笔 ({lines} lines, {t} yuan, {skipped} left out)",
        t = total.yuan_string()
    )
}

/// The detail of a batch settled: its state in words and how many of its lines failed.
pub fn batch_settled_detail(status: &str, failed: usize, lines: usize) -> String {
    let (zh, en) = batch_status_words(status).unwrap_or(("已结算", "settled"));
    format!("{zh}：{lines} 笔中 {failed} 笔失败 ({en}: {failed} of {lines} lines failed)")
}

/// The subject of a bill's entries.
pub fn bill_subject(id: i64) -> String {
    format!("缴费账单 {id} (bill {id})")
}

/// The detail of a bill's payment.
pub fn bill_paid_detail(amount: Money, payment_ref: &str) -> String {
    format!(
        "已缴 {t} 元，凭证 {payment_ref} ({t} yuan paid, reference {payment_ref})",
        t = amount.yuan_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> ClaimFields {
        ClaimFields {
            state: ClaimState::Approved,
            body: String::new(),
            event_date: chrono::NaiveDate::MIN,
            submitted_on: None,
            decision: None,
            payable: Some(Money::from_fen(1_665_000)),
            approved: Money::from_fen(1_665_000),
            paid: Money::ZERO,
            flags: vec![],
            review_reason: None,
            expert_cleared: false,
            returned_for: vec![],
        }
    }

    fn event(action: &str, from: ClaimState, to: ClaimState, reason: &str) -> ClaimEvent {
        ClaimEvent {
            action: action.into(),
            from: Some(from),
            to,
            actor: "staff".into(),
            actor_role: "federation_staff".into(),
            reason: reason.into(),
            at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn an_approval_reads_in_yuan_and_in_words() {
        let e = event("approve", ClaimState::Reviewed, ClaimState::Approved, "");
        let d = claim_detail(&e, &fields());
        assert_eq!(
            d,
            "已审核 → 已审批；核准 16,650.00 元 (Reviewed → Approved; 16,650.00 yuan approved)"
        );
        assert!(!d.contains("fen") && !d.contains("1665000"), "{d}");
        assert_eq!(claim_action(&e), "claim.approve");
    }

    #[test]
    fn an_expert_s_disagreement_keeps_the_reasons() {
        let e = event(
            "expert_disagree",
            ClaimState::ExpertReview,
            ClaimState::Reviewed,
            "既往史",
        );
        assert_eq!(
            claim_detail(&e, &fields()),
            "专家审核中 → 已审核 (In expert review → Reviewed)；专家意见 (expert's opinion)：既往史"
        );
    }
}
