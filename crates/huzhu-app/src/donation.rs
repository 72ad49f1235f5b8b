//! 春风行动 donations (SPEC 7.5; docs/donations.md): window staff record a gift and print its
//! receipt at once; a bank transfer announced at the window waits for the money; a receipt is
//! never edited, a mistake is voided with a reason and reissued under a new number; donors
//! accumulate their history; consenting donors are thanked on a public page.
//!
//! Scope: a donation belongs to the org that recorded it; every read and write is within the
//! actor's subtree ([`OrgScope::Under`]), outside is 404. A donor is seen through their gifts in
//! scope. Phones and bank accounts are masked in everything handed out.

use crate::access::{ensure_member_in_scope, ensure_org_in_scope, not_found, require};
use crate::{AppError, Clock};
use chrono::{Datelike, NaiveDate};
use huzhu_domain::access::{Actor, Capability, Role};
use huzhu_domain::donation::{self as dd, Channel, DonationState, DonorKind};
use huzhu_domain::money::Money;
use huzhu_domain::org::OrgCode;
use huzhu_domain::personal::{BankAccount, PersonName, Phone};
use huzhu_store::donation::{
    Donation, DonationFilter, Donor, DonorRef, DonorSummary, FundPart, NewDonation, NewDonor,
};
use huzhu_store::{MemberId, OrgScope, Repo};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the window (or the API) sends to record a donation.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DonationRequest {
    /// The recording org (default: the actor's own); in the actor's subtree.
    #[serde(default)]
    pub org: Option<String>,
    /// A donor on file; else the new donor's fields below.
    #[serde(default)]
    pub donor_id: Option<i64>,
    /// `person`, `anonymous` or `organisation` (a new donor).
    #[serde(default)]
    pub donor_kind: Option<String>,
    #[serde(default)]
    pub donor_name: Option<String>,
    /// A member who gives: linked, so their history follows them (SPEC 7.5 反哺).
    #[serde(default)]
    pub member_id: Option<i64>,
    #[serde(default)]
    pub phone: Option<String>,
    /// The account they give from, for matching bank statements.
    #[serde(default)]
    pub bank_account: Option<String>,
    /// May be named on the public thank-you list.
    #[serde(default)]
    pub consent: bool,
    /// `cash`, `card`, `bank_transfer` or `online`.
    #[schema(pattern = "^(cash|card|bank_transfer|online)$")]
    pub channel: String,
    #[schema(minimum = 1)]
    pub amount_fen: i64,
    /// The day of the gift (default today, Beijing); never in the future.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// Restricted 定向 to this programme (e.g. `golden-autumn`).
    #[serde(default)]
    pub programme: Option<String>,
    /// Whether the money is in (default: yes, except a bank transfer, which waits for the
    /// statement).
    #[serde(default)]
    pub received: Option<bool>,
    /// The reference the payer will write in 附言.
    #[serde(default)]
    pub reference: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A donor's history: every gift in scope and the totals by year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DonorHistory {
    #[schema(value_type = Object)]
    pub donor: Donor,
    #[schema(value_type = Vec<Object>)]
    pub gifts: Vec<Donation>,
    /// Year → (gifts received, fen).
    pub years: Vec<YearTotal>,
    pub total_fen: i64,
    pub received: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct YearTotal {
    pub year: i32,
    pub gifts: i64,
    pub amount_fen: i64,
}

/// One line of the public thank-you list 鸣谢名单.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ThanksLine {
    /// `person` or `organisation`.
    pub kind: String,
    /// A person's name masked (张*丰), an organisation's whole.
    pub name: String,
    /// The year of their first gift.
    pub since: i32,
    pub gifts: i64,
}

fn scope(actor: &Actor) -> OrgScope {
    OrgScope::Under(actor.org.clone())
}

fn donation_not_found(id: i64) -> AppError {
    not_found(&format!("捐赠 {id} (donation {id})"))
}

fn text(raw: Option<&str>, field: &str, max: usize) -> Result<Option<String>, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) if s.chars().count() > max => Err(AppError::invalid(
            field,
            format!("最多 {max} 字 (at most {max} characters)"),
        )),
        Some(s) => Ok(Some(s.to_string())),
    }
}

/// Masks what a reader does not need whole.
pub fn mask_donor(mut d: Donor) -> Donor {
    d.phone = d.phone.map(|p| {
        Phone::parse(&p)
            .map(|p| p.masked())
            .unwrap_or_else(|_| "***".into())
    });
    d.bank_account = d.bank_account.map(|a| {
        BankAccount::parse(&a)
            .map(|a| a.masked())
            .unwrap_or_else(|_| "***".into())
    });
    d
}

fn masked(mut d: Donation) -> Donation {
    d.donor = mask_donor(d.donor);
    d
}

/// 登记捐赠 — record a donation; when the money is in, its receipt is issued in the same step.
pub async fn record<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    req: &DonationRequest,
) -> Result<Donation, AppError> {
    require(actor, Capability::RecordDonations)?;
    let channel = Channel::parse(req.channel.trim()).ok_or_else(|| {
        AppError::invalid(
            "channel",
            format!(
                "未知的捐赠方式“{}” (unknown channel; cash, card, bank_transfer or online)",
                req.channel
            ),
        )
    })?;
    if req.amount_fen <= 0 {
        return Err(AppError::invalid(
            "amount_fen",
            "捐赠金额必须大于零 (the amount must be above zero)".into(),
        ));
    }
    if req.amount_fen > 100_000_000_000 {
        return Err(AppError::invalid(
            "amount_fen",
            "捐赠金额过大 (the amount is too large)".into(),
        ));
    }
    let today = clock.today();
    let on = req.date.unwrap_or(today);
    if on > today {
        return Err(AppError::invalid(
            "date",
            format!("捐赠日期 {on} 晚于今天 (the date {on} is after today)"),
        ));
    }
    let programme = match req.programme.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => {
            if huzhu_domain::programme::builtin(p).is_none() {
                return Err(AppError::invalid(
                    "programme",
                    format!("未知的帮扶项目“{p}” (unknown programme `{p}`)"),
                ));
            }
            Some(p.to_string())
        }
    };
    let org = match req.org.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => actor.org.clone(),
        Some(raw) => OrgCode::parse(raw).map_err(|e| AppError::invalid("org", format!("{e}")))?,
    };
    ensure_org_in_scope(store, actor, &org).await?;
    let reference = text(req.reference.as_deref(), "reference", 100)?;
    let note = text(req.note.as_deref(), "note", 500)?;
    let received = req.received.unwrap_or(channel != Channel::BankTransfer);
    if !received && channel != Channel::BankTransfer {
        return Err(AppError::invalid(
            "received",
            "只有银行转账可以登记为待到账 (only a bank transfer can wait for its money)".into(),
        ));
    }
    // The new donor's fields, checked (kept here so the borrow below lives long enough).
    let phone = match text(req.phone.as_deref(), "phone", 30)? {
        None => None,
        Some(p) => Some(
            Phone::parse(&p)
                .map_err(|e| AppError::invalid("phone", e.to_string()))?
                .as_str()
                .to_string(),
        ),
    };
    let account = match text(req.bank_account.as_deref(), "bank_account", 40)? {
        None => None,
        Some(a) => Some(
            BankAccount::parse(&a)
                .map_err(|e| AppError::invalid("bank_account", e.to_string()))?
                .as_str()
                .to_string(),
        ),
    };
    let mut name = String::new();
    let donor = match (req.donor_id, req.donor_kind.as_deref().map(str::trim)) {
        (Some(id), _) => {
            // A donor on file must have given in scope (else it is not found).
            store
                .donor(id, &scope(actor))
                .await
                .map_err(|_| not_found(&format!("捐赠人 {id} (donor {id})")))?;
            DonorRef::Existing(id)
        }
        (None, None) | (None, Some("")) => {
            return Err(AppError::invalid(
                "donor_kind",
                "请选择捐赠人或填写新捐赠人 (choose a donor or describe a new one: person, \
                 anonymous or organisation)"
                    .into(),
            ))
        }
        (None, Some(raw)) => {
            let kind = DonorKind::parse(raw).ok_or_else(|| {
                AppError::invalid(
                    "donor_kind",
                    format!("未知的捐赠人类别“{raw}” (unknown donor kind; person, anonymous or organisation)"),
                )
            })?;
            let raw_name = text(req.donor_name.as_deref(), "donor_name", 100)?;
            if let Some(m) = req.member_id {
                if kind != DonorKind::Person {
                    return Err(AppError::invalid(
                        "member_id",
                        "只有个人捐赠人可以关联会员 (only a person can be a member)".into(),
                    ));
                }
                ensure_member_in_scope(store, actor, m).await?;
            }
            name = match kind {
                DonorKind::Anonymous => "匿名".to_string(),
                DonorKind::Person => match (raw_name, req.member_id) {
                    (Some(n), _) => PersonName::parse(&n)
                        .map_err(|e| AppError::invalid("donor_name", e.to_string()))?
                        .as_str()
                        .to_string(),
                    (None, Some(m)) => crate::access::visible_member(store, actor, MemberId(m))
                        .await?
                        .record
                        .name
                        .as_str()
                        .to_string(),
                    (None, None) => return Err(AppError::invalid(
                        "donor_name",
                        "请填写捐赠人姓名，或选择匿名 (give the donor's name, or choose anonymous)"
                            .into(),
                    )),
                },
                DonorKind::Organisation => raw_name.ok_or_else(|| {
                    AppError::invalid(
                        "donor_name",
                        "请填写捐赠单位名称 (give the organisation's name)".into(),
                    )
                })?,
            };
            DonorRef::New(NewDonor {
                kind,
                name: "",
                member_id: req.member_id,
                phone: None,
                bank_account: None,
                consent: req.consent && kind != DonorKind::Anonymous,
            })
        }
    };
    let donor = match donor {
        DonorRef::New(n) => DonorRef::New(NewDonor {
            name: &name,
            phone: phone.as_deref(),
            bank_account: account.as_deref(),
            ..n
        }),
        other => other,
    };
    let d = store
        .record_donation(&NewDonation {
            org: &org,
            donor,
            channel,
            amount: Money::from_fen(req.amount_fen),
            on,
            programme: programme.as_deref(),
            received,
            reference: reference.as_deref(),
            note: note.as_deref(),
            by: &actor.username,
            at: clock.now(),
        })
        .await?;
    Ok(masked(d))
}

/// 确认到账 — the money of an expected bank transfer is in: its receipt is issued.
pub async fn receive<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
) -> Result<Donation, AppError> {
    require(actor, Capability::RecordDonations)?;
    let d = store
        .receive_donation(id, &scope(actor), &actor.username, clock.now())
        .await
        .map_err(|e| match e {
            huzhu_store::StoreError::NotFound(_) => donation_not_found(id),
            other => other.into(),
        })?;
    Ok(masked(d))
}

/// 作废并重开 — void a receipt with a reason; the donation is reissued under a new number.
pub async fn void<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    receipt: i64,
    reason: &str,
) -> Result<Donation, AppError> {
    require(actor, Capability::RecordDonations)?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(AppError::invalid(
            "reason",
            "须写明作废原因，最多 200 字 (give the reason for voiding, at most 200 characters)"
                .into(),
        ));
    }
    let d = store
        .void_receipt(receipt, reason, &scope(actor), &actor.username, clock.now())
        .await
        .map_err(|e| match e {
            huzhu_store::StoreError::NotFound(_) => {
                not_found(&format!("收据 {receipt} (receipt {receipt})"))
            }
            other => other.into(),
        })?;
    Ok(masked(d))
}

/// A donation in the actor's scope.
pub async fn get<S: Repo>(store: &S, actor: &Actor, id: i64) -> Result<Donation, AppError> {
    require(actor, Capability::ReadDonations)?;
    store
        .donation(id, &scope(actor))
        .await
        .map(masked)
        .map_err(|e| match e {
            huzhu_store::StoreError::NotFound(_) => donation_not_found(id),
            other => other.into(),
        })
}

/// The donation a receipt number (in force or voided) belongs to.
pub async fn by_receipt<S: Repo>(
    store: &S,
    actor: &Actor,
    number: &str,
) -> Result<Donation, AppError> {
    require(actor, Capability::ReadDonations)?;
    store
        .donation_by_receipt(number.trim(), &scope(actor))
        .await
        .map(masked)
        .map_err(|e| match e {
            huzhu_store::StoreError::NotFound(_) => {
                not_found(&format!("收据 {number} (receipt {number})"))
            }
            other => other.into(),
        })
}

/// Donations of the actor's subtree, newest first.
pub async fn list<S: Repo>(
    store: &S,
    actor: &Actor,
    filter: &DonationFilter,
) -> Result<Vec<Donation>, AppError> {
    require(actor, Capability::ReadDonations)?;
    let mut f = filter.clone();
    f.limit = f.limit.clamp(1, 500);
    Ok(store
        .donations(&f, &scope(actor))
        .await?
        .into_iter()
        .map(masked)
        .collect())
}

/// 捐赠人查询 — donors with a gift in scope, by name, phone or account (or a part of one: the
/// last digits), or by the donor's number.
pub async fn donors<S: Repo>(
    store: &S,
    actor: &Actor,
    query: &str,
) -> Result<Vec<DonorSummary>, AppError> {
    require(actor, Capability::ReadDonations)?;
    let q: String = query.trim().chars().take(50).collect();
    let q = q.replace(['%', '_'], "");
    Ok(store
        .donors(&q, 200, &scope(actor))
        .await?
        .into_iter()
        .map(|mut s| {
            s.donor = mask_donor(s.donor);
            s
        })
        .collect())
}

/// A donor's gifts in scope and their totals by year (received gifts only count).
pub async fn donor<S: Repo>(store: &S, actor: &Actor, id: i64) -> Result<DonorHistory, AppError> {
    require(actor, Capability::ReadDonations)?;
    let donor = store
        .donor(id, &scope(actor))
        .await
        .map_err(|_| not_found(&format!("捐赠人 {id} (donor {id})")))?;
    let gifts = store
        .donations(
            &DonationFilter {
                donor: Some(id),
                state: None,
                limit: 1000,
            },
            &scope(actor),
        )
        .await?;
    Ok(history(
        mask_donor(donor),
        gifts.into_iter().map(masked).collect(),
    ))
}

/// The yearly totals of a donor's gifts (pure).
pub fn history(donor: Donor, gifts: Vec<Donation>) -> DonorHistory {
    let mut years: BTreeMap<i32, (i64, i64)> = BTreeMap::new();
    for g in gifts.iter().filter(|g| g.state == DonationState::Received) {
        let e = years.entry(g.on.year()).or_insert((0, 0));
        e.0 += 1;
        e.1 += g.amount.fen();
    }
    DonorHistory {
        total_fen: years.values().map(|(_, f)| f).sum(),
        received: years.values().map(|(n, _)| n).sum(),
        years: years
            .into_iter()
            .rev()
            .map(|(year, (gifts, amount_fen))| YearTotal {
                year,
                gifts,
                amount_fen,
            })
            .collect(),
        donor,
        gifts,
    }
}

/// A member's own gifts (a member account reads its own donor record only).
pub async fn my_gifts<S: Repo>(store: &S, actor: &Actor) -> Result<DonorHistory, AppError> {
    let member = match (actor.role, actor.member_id) {
        (Role::Member, Some(m)) => m,
        _ => {
            return Err(AppError::Forbidden {
                capability: "OwnDonations".into(),
            })
        }
    };
    let donor = store
        .donor_of_member(member)
        .await?
        .ok_or_else(|| not_found("捐赠记录 (donations)"))?;
    let gifts = store
        .donations(
            &DonationFilter {
                donor: Some(donor.id),
                state: None,
                limit: 1000,
            },
            &OrgScope::Everything,
        )
        .await?;
    Ok(history(
        mask_donor(donor),
        gifts.into_iter().map(masked).collect(),
    ))
}

/// 鸣谢名单 — the public thank-you list (of the federation of `org`, or of all): consenting
/// donors only, names masked per [`dd::thanks_name`], never an amount.
pub async fn thanks<S: Repo>(
    store: &S,
    org: Option<&OrgCode>,
) -> Result<Vec<ThanksLine>, AppError> {
    Ok(store
        .thanks(org)
        .await?
        .into_iter()
        .filter_map(|r| {
            dd::thanks_name(r.kind, &r.name).map(|name| ThanksLine {
                kind: r.kind.code().to_string(),
                name,
                since: r.first_on.year(),
                gifts: r.gifts,
            })
        })
        .collect())
}

/// The restricted parts of the actor's federation's funds.
pub async fn fund_parts<S: Repo>(store: &S, actor: &Actor) -> Result<Vec<FundPart>, AppError> {
    require(actor, Capability::ReadDonations)
        .or_else(|_| require(actor, Capability::ReadLedger))?;
    Ok(store.fund_parts(&actor.org).await?)
}

/// The receipt numbers given in the actor's federation for `year` (the gapless check).
pub async fn receipt_seqs<S: Repo>(
    store: &S,
    actor: &Actor,
    year: i32,
) -> Result<Vec<i64>, AppError> {
    require(actor, Capability::ReadDonations)?;
    Ok(store.receipt_seqs(&actor.org, year).await?)
}

/// Whether `seqs` (ascending) are exactly 1…n.
pub fn gapless(seqs: &[i64]) -> bool {
    seqs.iter().enumerate().all(|(i, s)| *s == i as i64 + 1)
}

/// 春风反哺 (SPEC 7.5): for a programme that counts donations or asks whether the member fell
/// ill, the case's `donations` are the member's received gifts as a donor, and its `medical`
/// the mutual aid paid to them in the cycle's year (claims paid, by event date), unless the
/// application gives them.
pub async fn fill_repay_case<S: Repo>(
    store: &S,
    p: &huzhu_domain::programme::Programme,
    member: &huzhu_store::StoredMember,
    today: NaiveDate,
    case: &mut serde_json::Map<String, serde_json::Value>,
) -> Result<(), AppError> {
    use huzhu_domain::programme::ConditionRule;
    let counts = |f: fn(&ConditionRule) -> bool| p.conditions.iter().any(|c| f(&c.rule));
    if counts(|r| matches!(r, ConditionRule::MinDonations { .. }))
        && !case.contains_key("donations")
    {
        let gifts = match store.donor_of_member(member.id.0).await? {
            Some(d) => store.donor_gifts(d.id).await?,
            None => Vec::new(),
        };
        case.insert(
            "donations".into(),
            serde_json::Value::Array(
                gifts
                    .into_iter()
                    .map(|(on, amount)| serde_json::json!({"date": on, "amount_fen": amount.fen()}))
                    .collect(),
            ),
        );
    }
    if counts(|r| matches!(r, ConditionRule::FellIll { .. })) && !case.contains_key("medical") {
        let support = store
            .support(
                &OrgScope::Everything,
                huzhu_store::support::SupportSubject::Member(member.id.0),
            )
            .await?;
        let year = today.year();
        let paid: i64 = support
            .lines
            .iter()
            .filter(|l| {
                l.kind == huzhu_store::support::SupportKind::Claim
                    && l.member_id == member.id.0
                    && l.on.year() == year
            })
            .map(|l| l.paid_fen)
            .sum();
        case.insert(
            "medical".into(),
            serde_json::json!({"diagnoses": [], "total_cost_fen": 0, "insurance_paid_fen": 0,
                               "mutual_aid_paid_fen": paid}),
        );
    }
    Ok(())
}
