//! A claim as the pages show it: the event's facts from the stored SPEC 10 body, the engine's
//! decision with the policy's names, the timeline, the review flags in words.

use super::super::Ctx;
use huzhu_app::claims::ClaimView;
use huzhu_domain::policy::Policy;
use huzhu_domain::review::ReviewFlag;
use huzhu_domain::scenario::{Claim, Event};
use serde::Deserialize;

/// A claim kind's name, by its code.
pub fn kind_label<'a>(c: &'a Ctx, code: &str) -> &'a str {
    let (zh, en) = huzhu_domain::scenario::kind_words(code).unwrap_or(("其他", "Other"));
    c.t(zh, en)
}

/// Why a benefit is not payable, by its code (SPEC 4.1 reason codes), in the page's language
/// (issue 13: the code itself showed on the Chinese page).
pub fn reason_label<'a>(c: &'a Ctx, code: &str) -> &'a str {
    match code {
        "late_submission" => c.t("超过申报期限", "Submitted after the deadline"),
        "not_in_service" => c.t("非在职人员", "Not in service"),
        "outside_cycle" => c.t("不在保障期内", "Outside the cycle"),
        "not_enrolled" => c.t("未参加该项目", "Not enrolled in the item"),
        "waiting_period" => c.t("等待期内", "In the waiting period"),
        "hospital_grade" => c.t("医院等级不符", "Hospital grade too low"),
        "rehabilitation" => c.t("康复治疗不予补助", "Rehabilitation is excluded"),
        "gender" => c.t("性别不符", "Item for the other gender"),
        "duplicate_invoice" => c.t("发票重复", "Duplicate invoice"),
        "not_covered" => c.t("不在保障范围内", "Not covered"),
        "not_first_diagnosis" => c.t("非首次确诊", "Not a first diagnosis"),
        "already_paid_this_cycle" => c.t("本期已补助过", "Already paid this cycle"),
        "cap_reached" => c.t("已达封顶", "Cap reached"),
        _ => c.t("不予支付", "Not payable"),
    }
}

/// `zh | en` text (review reasons, flag details) in the page's language.
pub fn pick(c: &Ctx, both: &str) -> String {
    if let Some((zh, en)) = both.split_once(" | ") {
        return c.t(zh, en).to_string();
    }
    // `中文 (English)`: the English in parentheses after Chinese text.
    if let Some((zh, en)) = both
        .strip_suffix(')')
        .and_then(|b| b.rsplit_once(" ("))
        .filter(|(zh, en)| !zh.is_ascii() && en.is_ascii() && en.contains(' '))
    {
        return c.t(zh, en).to_string();
    }
    both.to_string()
}

/// One diagnosis, with the policy's name for its code.
pub struct DiagnosisShown {
    pub code: String,
    pub name: String,
    pub date: Option<chrono::NaiveDate>,
    pub first: bool,
    pub death_date: Option<chrono::NaiveDate>,
}

/// The event's facts.
#[derive(Default)]
pub struct ClaimShown {
    pub admitted: Option<chrono::NaiveDate>,
    pub discharged: Option<chrono::NaiveDate>,
    pub period_start: Option<chrono::NaiveDate>,
    pub period_end: Option<chrono::NaiveDate>,
    /// Code and name.
    pub designated: Option<(String, String)>,
    pub hospital_grade: Option<u8>,
    pub rehabilitation: bool,
    pub diagnoses: Vec<DiagnosisShown>,
    /// (zh, en, fen) of each cost component given.
    pub costs: Vec<(&'static str, &'static str, i64)>,
    pub invoices: Vec<String>,
}

fn disease_name(policy: &Policy, code: &str) -> String {
    policy
        .diseases
        .get(code)
        .map(|d| d.name.clone())
        .unwrap_or_default()
}

impl ClaimShown {
    /// The facts of `v`'s claim, read as the domain reads a SPEC 10 claim
    /// ([`huzhu_domain::scenario::Claim`]); a body that does not read (none is stored so) shows
    /// nothing.
    pub fn of(v: &ClaimView, policy: &Policy) -> ClaimShown {
        let Ok(b) = Claim::from_json(&v.claim.to_string(), "claim") else {
            return ClaimShown::default();
        };
        let k = &b.costs;
        let costs = [
            ("医疗费总额", "Total cost", k.total),
            ("统筹支付", "Pooled fund", k.pooled_fund),
            ("个人账户支付", "Personal account", k.personal_account),
            ("自负", "Self-borne", k.self_borne),
            ("乙类自付", "Class-B self-pay", k.self_pay_class_b),
            ("自费", "Excluded self-pay", k.self_pay_excluded),
        ]
        .into_iter()
        .map(|(zh, en, m)| (zh, en, m.fen()))
        .filter(|(_, _, f)| *f != 0 || k.self_borne.fen() == 0)
        .collect();
        let (admitted, discharged, period_start, period_end, designated) = match &b.event {
            Event::HospitalStay {
                admitted,
                discharged,
            } => (Some(*admitted), Some(*discharged), None, None, None),
            Event::Outpatient {
                start,
                end,
                disease,
            } => (
                None,
                None,
                Some(*start),
                Some(*end),
                Some((disease.clone(), disease_name(policy, disease))),
            ),
            Event::Diagnosis | Event::CarePayment => (None, None, None, None, None),
        };
        ClaimShown {
            admitted,
            discharged,
            period_start,
            period_end,
            designated,
            hospital_grade: b.hospital_grade,
            rehabilitation: b.rehabilitation,
            diagnoses: b
                .diagnoses
                .iter()
                .map(|d| DiagnosisShown {
                    code: d.disease.clone(),
                    name: disease_name(policy, &d.disease),
                    date: Some(d.date),
                    first: d.first_diagnosis,
                    death_date: d.death_date,
                })
                .collect(),
            costs,
            invoices: b.invoices,
        }
    }
}

/// An uploaded document with the policy's name for its kind.
pub struct DocumentRow {
    pub id: i64,
    pub kind: String,
    pub kind_name: String,
    pub file_name: String,
    pub content_type: String,
    pub size_kib: i64,
    pub uploaded_by: String,
    pub uploaded_at: chrono::DateTime<chrono::Utc>,
}

impl DocumentRow {
    pub fn of(v: &ClaimView, policy: &Policy) -> Vec<DocumentRow> {
        v.documents
            .iter()
            .map(|d| DocumentRow {
                id: d.id,
                kind: d.kind.clone(),
                kind_name: policy.document_name(&d.kind).unwrap_or(&d.kind).to_string(),
                file_name: d.file_name.clone(),
                content_type: d.content_type.clone(),
                size_kib: (d.size + 1023) / 1024,
                uploaded_by: d.uploaded_by.clone(),
                uploaded_at: d.uploaded_at,
            })
            .collect()
    }
}

/// One step of the timeline.
pub struct EventRow {
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub to: &'static str,
    pub reason: String,
}

fn action_label<'a>(c: &'a Ctx, code: &'a str) -> &'a str {
    match code {
        "create" => c.t("保存草稿", "Saved as draft"),
        "submit" => c.t("提交", "Submitted"),
        "accept" => c.t("受理", "Accepted"),
        "return" => c.t("退回补件", "Returned for documents"),
        "compute" => c.t("核算", "Computed"),
        "review" => c.t("审核", "Reviewed"),
        "send_to_expert" => c.t("送专家审核", "Sent to expert review"),
        "expert_clear" => c.t("专家意见：同意", "Expert agrees"),
        "expert_disagree" => c.t("专家意见：不同意", "Expert disagrees"),
        "expert_more_documents" => c.t("专家意见：需补充材料", "Expert asks for documents"),
        "approve" => c.t("审批通过", "Approved"),
        "reject" => c.t("不予补助", "Rejected"),
        "pay" => c.t("支付", "Paid"),
        "appeal" => c.t("申诉", "Appealed"),
        "reopen" => c.t("重新受理", "Reopened"),
        other => c.t(other, other),
    }
}

impl EventRow {
    pub fn of(c: &Ctx, v: &ClaimView) -> Vec<EventRow> {
        v.events
            .iter()
            .map(|e| EventRow {
                at: e.at,
                actor: e.actor.clone(),
                role: huzhu_domain::access::Role::parse(&e.actor_role)
                    .map(|r| c.t(r.label_zh(), r.label_en()).to_string())
                    .unwrap_or_else(|| e.actor_role.clone()),
                action: action_label(c, &e.action).to_string(),
                to: e.to,
                reason: e
                    .reason
                    .split("; ")
                    .map(|part| pick(c, part))
                    .collect::<Vec<_>>()
                    .join("；"),
            })
            .collect()
    }
}

/// A review flag in words, with what the last computation found.
pub struct FlagRow {
    pub code: String,
    pub label: String,
    pub meaning: String,
    /// The claims the flag conflicts with (duplicate invoice, overlapping stay).
    pub links: Vec<ConflictLink>,
}

/// A claim a flag points to: a link with its state and date when the viewer may open it, else
/// only that it exists elsewhere (issue 13).
pub struct ConflictLink {
    /// The claim's number and what is shown of it; None: outside the viewer's scope.
    pub seen: Option<(i64, String)>,
}

impl FlagRow {
    /// Each flag with the claims it conflicts with (`huzhu_app::claim_list::conflicts`).
    pub fn with_conflicts(
        c: &Ctx,
        mut rows: Vec<FlagRow>,
        conflicts: &[huzhu_app::claim_list::Conflict],
    ) -> Vec<FlagRow> {
        for r in &mut rows {
            r.links = conflicts
                .iter()
                .filter(|k| k.flag.code() == r.code)
                .map(|k| ConflictLink {
                    seen: k.seen.as_ref().map(|s| {
                        (
                            k.other,
                            format!(
                                "{}，{}，{}",
                                kind_label(c, &s.kind),
                                c.t(s.state.label_zh(), s.state.label_en()),
                                c.date(s.event_date)
                            ),
                        )
                    }),
                })
                .collect();
        }
        rows
    }
}

impl FlagRow {
    pub fn of(c: &Ctx, v: &ClaimView) -> Vec<FlagRow> {
        let all = [
            ReviewFlag::DuplicateInvoice,
            ReviewFlag::OverlappingStay,
            ReviewFlag::AboveNorm,
            ReviewFlag::WaitingPeriod,
        ];
        v.flags
            .iter()
            .map(|code| {
                let f = all.iter().find(|f| f.code() == code);
                FlagRow {
                    code: code.clone(),
                    label: f
                        .map(|f| c.t(f.label_zh(), f.label_en()).to_string())
                        .unwrap_or_else(|| code.clone()),
                    meaning: match f {
                        Some(ReviewFlag::DuplicateInvoice) => c.t(
                            "本申请的发票号码已出现在该会员的其他申请中。",
                            "An invoice number of this claim is in another claim of the member.",
                        ),
                        Some(ReviewFlag::OverlappingStay) => c.t(
                            "住院期间与该会员的另一次住院重叠。",
                            "The stay overlaps another stay of the member.",
                        ),
                        Some(ReviewFlag::AboveNorm) => c.t(
                            "费用远高于该诊断的常见水平。",
                            "The amount is far above the norm for the diagnosis.",
                        ),
                        Some(ReviewFlag::WaitingPeriod) => c.t(
                            "事件发生在新参保的等待期内。",
                            "The event falls in the waiting period of a new enrolment.",
                        ),
                        None => "",
                    }
                    .to_string(),
                    links: Vec::new(),
                }
            })
            .collect()
    }
}

#[derive(Deserialize)]
struct RawDecision {
    payable_fen: i64,
    #[serde(default)]
    lines: Vec<RawLine>,
    #[serde(default)]
    not_payable: Vec<RawNotPayable>,
    #[serde(default)]
    missing_documents: Vec<String>,
}

#[derive(Deserialize)]
struct RawLine {
    item: String,
    benefit: String,
    amount_fen: i64,
    clause: String,
    explain: String,
}

#[derive(Deserialize)]
struct RawNotPayable {
    item: String,
    benefit: String,
    reason: String,
    clause: String,
    explain: String,
}

/// One payable line of the decision.
pub struct LineShown {
    pub item: String,
    pub item_name: String,
    pub benefit: String,
    pub benefit_name: String,
    pub amount_fen: i64,
    pub clause: String,
    pub explain: String,
}

/// A benefit not payable, and why.
pub struct NotPayableShown {
    pub item: String,
    pub benefit_name: String,
    pub reason: String,
    pub clause: String,
    pub explain: String,
}

/// The engine's decision as stored with the claim.
pub struct DecisionShown {
    pub payable_fen: i64,
    pub lines: Vec<LineShown>,
    pub not_payable: Vec<NotPayableShown>,
    pub missing_documents: Vec<String>,
}

impl DecisionShown {
    pub fn of(v: &ClaimView, policy: &Policy) -> Option<DecisionShown> {
        let raw: RawDecision = serde_json::from_value(v.decision.clone()?).ok()?;
        let names = |item: &str, benefit: &str| {
            let it = policy.item(item);
            (
                it.map(|i| i.name.clone()).unwrap_or_default(),
                it.and_then(|i| i.benefits.iter().find(|b| b.id == benefit))
                    .map(|b| b.name.clone())
                    .unwrap_or_else(|| benefit.to_string()),
            )
        };
        Some(DecisionShown {
            payable_fen: raw.payable_fen,
            lines: raw
                .lines
                .into_iter()
                .map(|l| {
                    let (item_name, benefit_name) = names(&l.item, &l.benefit);
                    LineShown {
                        item: l.item,
                        item_name,
                        benefit: l.benefit,
                        benefit_name,
                        amount_fen: l.amount_fen,
                        clause: l.clause,
                        explain: l.explain,
                    }
                })
                .collect(),
            not_payable: raw
                .not_payable
                .into_iter()
                .map(|n| {
                    let (_, benefit_name) = names(&n.item, &n.benefit);
                    NotPayableShown {
                        item: n.item,
                        benefit_name,
                        reason: n.reason,
                        clause: n.clause,
                        explain: n.explain,
                    }
                })
                .collect(),
            missing_documents: raw
                .missing_documents
                .iter()
                .map(|d| policy.document_name(d).unwrap_or(d).to_string())
                .collect(),
        })
    }
}

/// An amount in Chinese capital numerals (人民币大写), as financial letters write the total:
/// 20,700.00 → 贰万零柒佰元整; 5,700.05 → 伍仟柒佰元零伍分.
pub fn rmb_words(fen: i64) -> String {
    const DIGITS: [&str; 10] = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"];
    const UNITS: [&str; 4] = ["", "拾", "佰", "仟"];
    const GROUPS: [&str; 4] = ["", "万", "亿", "万亿"];
    if fen < 0 {
        return format!("负{}", rmb_words(fen.saturating_neg()));
    }
    let yuan = fen / 100;
    let jiao = (fen / 10) % 10;
    let fen_digit = fen % 10;
    let mut out = String::new();
    if yuan > 0 {
        let digits: Vec<usize> = yuan
            .to_string()
            .bytes()
            .map(|b| usize::from(b - b'0'))
            .collect();
        let n = digits.len();
        let mut zero_pending = false;
        for (i, d) in digits.iter().enumerate() {
            let pos = n - 1 - i;
            let (group, unit) = (pos / 4, pos % 4);
            if *d == 0 {
                zero_pending = true;
            } else {
                if zero_pending && !out.is_empty() {
                    out.push('零');
                }
                zero_pending = false;
                out.push_str(DIGITS[*d]);
                out.push_str(UNITS[unit]);
            }
            if unit == 0 && group > 0 {
                let start = i + 1 - 4.min(i + 1);
                let any = digits[start..=i].iter().any(|d| *d != 0);
                if any {
                    out.push_str(GROUPS[group.min(3)]);
                }
            }
        }
        out.push('元');
    }
    if jiao == 0 && fen_digit == 0 {
        if out.is_empty() {
            out.push_str("零元");
        }
        out.push('整');
        return out;
    }
    if jiao > 0 {
        out.push_str(DIGITS[jiao as usize]);
        out.push('角');
    } else if yuan > 0 {
        out.push('零');
    }
    if fen_digit > 0 {
        out.push_str(DIGITS[fen_digit as usize]);
        out.push('分');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::rmb_words;

    #[test]
    fn totals_are_written_in_capital_numerals() {
        assert_eq!(rmb_words(0), "零元整");
        assert_eq!(rmb_words(2_070_000), "贰万零柒佰元整");
        assert_eq!(rmb_words(570_005), "伍仟柒佰元零伍分");
        assert_eq!(rmb_words(1_500_000), "壹万伍仟元整");
        assert_eq!(rmb_words(10_000_000), "壹拾万元整");
        assert_eq!(rmb_words(100_010_050), "壹佰万零壹佰元伍角");
        assert_eq!(rmb_words(12), "壹角贰分");
    }
}
