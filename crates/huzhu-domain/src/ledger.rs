//! The double-entry ledger (SPEC section 6): every movement of money is an [`Entry`] of two or
//! more postings whose debits equal their credits, in integer fen. Entries are never edited or
//! deleted; a correction is [`Entry::reversal`].
//!
//! Accounts (a chart small enough to read):
//! - `fund:<policy>` — the mutual-aid fund of one policy cycle (credit-normal: contributions in,
//!   approved claims out);
//! - `receivable:<payer>:<policy>` — what the payer of an enrolment bill owes: the unit, or the
//!   federation of a federation-paid policy (`crate::enrolment::bill_payer`);
//! - `payable:<member id>` — what the fund owes a member for approved claims, until paid;
//! - `bank` — the federation's bank account (debit-normal: money in, payouts out);
//! - `programme:<id>` — assistance programmes' funds (SPEC 7), the same way as policy funds;
//! - `programme_fund:<fund>` — the funds grants are paid from (SPEC 7.1: `hardship`,
//!   `spring_breeze`, `campaign`; credit-normal: appropriations in, approved grants out);
//! - `programme_fund:<fund>:<programme>` — the part of a fund restricted to one programme (a
//!   donation 定向捐赠 to `golden-autumn`, say: SPEC 7.5); the fund's balance is its own account
//!   plus its parts.
//!
//! Signs: a posting's amount is positive for a debit and negative for a credit, so an entry
//! balances when its amounts sum to zero and the whole ledger always sums to zero.

use crate::grant::FundKind;
use crate::money::Money;
use crate::org::OrgCode;
use std::collections::BTreeMap;
use std::fmt;

/// A ledger account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Account {
    Fund {
        policy: String,
    },
    UnitReceivable {
        unit: OrgCode,
        policy: String,
    },
    MemberPayable {
        member: i64,
    },
    Bank,
    Programme {
        id: String,
    },
    /// 帮扶资金 / 春风基金 / 送温暖经费 (SPEC 7.1).
    ProgrammeFund {
        fund: FundKind,
    },
    /// The part of a fund restricted to one programme (donation module, SPEC 7.5).
    ProgrammeFundPart {
        fund: FundKind,
        programme: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("分录借贷不平：借方 {debit} 分，贷方 {credit} 分 (entry does not balance: debit {debit}, credit {credit})")]
    Unbalanced { debit: i64, credit: i64 },
    #[error("分录至少需要两行 (an entry needs at least two postings)")]
    TooFewPostings,
    #[error("分录行金额不能为零 (a posting amount cannot be zero): {account}")]
    ZeroPosting { account: String },
    #[error("金额必须大于零 (amount must be above zero): {fen}")]
    NotPositive { fen: i64 },
    #[error("账户“{raw}”无法识别 (unknown account)")]
    UnknownAccount { raw: String },
    #[error("金额溢出 (amount overflow)")]
    Overflow,
}

impl Account {
    /// The stable text key stored in the database.
    pub fn key(&self) -> String {
        match self {
            Account::Fund { policy } => format!("fund:{policy}"),
            Account::UnitReceivable { unit, policy } => format!("receivable:{unit}:{policy}"),
            Account::MemberPayable { member } => format!("payable:{member}"),
            Account::Bank => "bank".into(),
            Account::Programme { id } => format!("programme:{id}"),
            Account::ProgrammeFund { fund } => format!("programme_fund:{fund}"),
            Account::ProgrammeFundPart { fund, programme } => {
                format!("programme_fund:{fund}:{programme}")
            }
        }
    }

    pub fn parse(raw: &str) -> Result<Account, LedgerError> {
        let bad = || LedgerError::UnknownAccount {
            raw: raw.to_string(),
        };
        let mut parts = raw.splitn(3, ':');
        let kind = parts.next().ok_or_else(bad)?;
        let a = parts.next();
        let b = parts.next();
        Ok(match (kind, a, b) {
            ("bank", None, None) => Account::Bank,
            ("fund", Some(p), None) if !p.is_empty() => Account::Fund { policy: p.into() },
            ("programme", Some(p), None) if !p.is_empty() => Account::Programme { id: p.into() },
            ("programme_fund", Some(f), None) => Account::ProgrammeFund {
                fund: FundKind::parse(f).ok_or_else(bad)?,
            },
            ("programme_fund", Some(f), Some(p)) if !p.is_empty() => Account::ProgrammeFundPart {
                fund: FundKind::parse(f).ok_or_else(bad)?,
                programme: p.into(),
            },
            ("payable", Some(m), None) => Account::MemberPayable {
                member: m.parse().map_err(|_| bad())?,
            },
            ("receivable", Some(u), Some(p)) if !p.is_empty() => Account::UnitReceivable {
                unit: OrgCode::parse(u).map_err(|_| bad())?,
                policy: p.into(),
            },
            _ => return Err(bad()),
        })
    }

    pub fn label_zh(&self) -> String {
        match self {
            Account::Fund { policy } => format!("互助保障基金 {policy}"),
            Account::UnitReceivable { unit, policy } => format!("应收会费 {unit} {policy}"),
            Account::MemberPayable { member } => format!("应付会员补助 #{member}"),
            Account::Bank => "银行存款".into(),
            Account::Programme { id } => format!("帮扶项目资金 {id}"),
            Account::ProgrammeFund { fund } => fund.words().0.to_string(),
            Account::ProgrammeFundPart { fund, programme } => {
                format!("{} 定向 {programme}", fund.words().0)
            }
        }
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

/// What kind of movement an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntryKind {
    /// A unit's enrolment bill: it owes the fund.
    ContributionBilled,
    /// The unit paid its bill into the bank.
    ContributionPaid,
    /// A claim was approved: the fund owes the member.
    ClaimApproved,
    /// A payout batch line was paid from the bank.
    ClaimPaid,
    /// A correction undoing an earlier entry.
    Reversal,
    /// The federation appropriated money to a programme fund (SPEC 7.1).
    FundDeposited,
    /// A grant was approved: the programme fund owes the member.
    GrantApproved,
    /// A grant's payout line was paid from the bank.
    GrantPaid,
    /// A donation was received into a fund (donation module, SPEC 7.5).
    DonationReceived,
    /// A grant took money restricted to its programme: the part releases it to the fund.
    RestrictionReleased,
}

impl EntryKind {
    pub const ALL: [EntryKind; 10] = [
        EntryKind::ContributionBilled,
        EntryKind::ContributionPaid,
        EntryKind::ClaimApproved,
        EntryKind::ClaimPaid,
        EntryKind::Reversal,
        EntryKind::FundDeposited,
        EntryKind::GrantApproved,
        EntryKind::GrantPaid,
        EntryKind::DonationReceived,
        EntryKind::RestrictionReleased,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EntryKind::ContributionBilled => "contribution_billed",
            EntryKind::ContributionPaid => "contribution_paid",
            EntryKind::ClaimApproved => "claim_approved",
            EntryKind::ClaimPaid => "claim_paid",
            EntryKind::Reversal => "reversal",
            EntryKind::FundDeposited => "fund_deposited",
            EntryKind::GrantApproved => "grant_approved",
            EntryKind::GrantPaid => "grant_paid",
            EntryKind::DonationReceived => "donation_received",
            EntryKind::RestrictionReleased => "restriction_released",
        }
    }

    pub fn parse(raw: &str) -> Option<EntryKind> {
        EntryKind::ALL.into_iter().find(|k| k.code() == raw)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            EntryKind::ContributionBilled => "会费应收",
            EntryKind::ContributionPaid => "会费到账",
            EntryKind::ClaimApproved => "补助审批",
            EntryKind::ClaimPaid => "补助支付",
            EntryKind::Reversal => "冲正",
            EntryKind::FundDeposited => "资金拨入",
            EntryKind::GrantApproved => "救助批准",
            EntryKind::GrantPaid => "救助支付",
            EntryKind::DonationReceived => "捐赠到账",
            EntryKind::RestrictionReleased => "定向资金使用",
        }
    }
}

/// One line of an entry: positive fen debit the account, negative fen credit it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting {
    pub account: Account,
    pub fen: i64,
}

/// A balanced entry, valid by construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    kind: EntryKind,
    memo: String,
    postings: Vec<Posting>,
}

impl Entry {
    pub fn new(
        kind: EntryKind,
        memo: String,
        postings: Vec<Posting>,
    ) -> Result<Entry, LedgerError> {
        if postings.len() < 2 {
            return Err(LedgerError::TooFewPostings);
        }
        let (mut debit, mut credit) = (0i64, 0i64);
        for p in &postings {
            if p.fen == 0 {
                return Err(LedgerError::ZeroPosting {
                    account: p.account.key(),
                });
            }
            if p.fen > 0 {
                debit = debit.checked_add(p.fen).ok_or(LedgerError::Overflow)?;
            } else {
                credit = credit
                    .checked_add(p.fen.checked_neg().ok_or(LedgerError::Overflow)?)
                    .ok_or(LedgerError::Overflow)?;
            }
        }
        if debit != credit {
            return Err(LedgerError::Unbalanced { debit, credit });
        }
        Ok(Entry {
            kind,
            memo,
            postings,
        })
    }

    /// A two-line entry moving `amount` from `credit` to `debit`.
    pub fn transfer(
        kind: EntryKind,
        memo: String,
        debit: Account,
        credit: Account,
        amount: Money,
    ) -> Result<Entry, LedgerError> {
        let fen = amount.fen();
        if fen <= 0 {
            return Err(LedgerError::NotPositive { fen });
        }
        Entry::new(
            kind,
            memo,
            vec![
                Posting {
                    account: debit,
                    fen,
                },
                Posting {
                    account: credit,
                    fen: -fen,
                },
            ],
        )
    }

    /// The entry that undoes this one: every posting with its sign turned.
    pub fn reversal(&self, memo: String) -> Entry {
        Entry {
            kind: EntryKind::Reversal,
            memo,
            postings: self
                .postings
                .iter()
                .map(|p| Posting {
                    account: p.account.clone(),
                    fen: -p.fen,
                })
                .collect(),
        }
    }

    pub fn kind(&self) -> EntryKind {
        self.kind
    }

    pub fn memo(&self) -> &str {
        &self.memo
    }

    pub fn postings(&self) -> &[Posting] {
        &self.postings
    }

    /// The total debited (= the total credited).
    pub fn amount(&self) -> Money {
        Money::from_fen(
            self.postings
                .iter()
                .filter(|p| p.fen > 0)
                .map(|p| p.fen)
                .sum(),
        )
    }
}

/// An enrolment bill: its payer (the unit, or the federation that pays) owes the fund.
pub fn contribution_billed(
    unit: &OrgCode,
    policy: &str,
    amount: Money,
) -> Result<Entry, LedgerError> {
    Entry::transfer(
        EntryKind::ContributionBilled,
        format!("{unit} 会费应收 ({policy})"),
        Account::UnitReceivable {
            unit: unit.clone(),
            policy: policy.into(),
        },
        Account::Fund {
            policy: policy.into(),
        },
        amount,
    )
}

/// The payer paid: the bank receives what it owed.
pub fn contribution_paid(
    unit: &OrgCode,
    policy: &str,
    amount: Money,
) -> Result<Entry, LedgerError> {
    Entry::transfer(
        EntryKind::ContributionPaid,
        format!("{unit} 会费到账 ({policy})"),
        Account::Bank,
        Account::UnitReceivable {
            unit: unit.clone(),
            policy: policy.into(),
        },
        amount,
    )
}

/// A claim approved for `amount`: the fund now owes the member.
pub fn claim_approved(
    policy: &str,
    member: i64,
    claim: &str,
    amount: Money,
) -> Result<Entry, LedgerError> {
    Entry::transfer(
        EntryKind::ClaimApproved,
        format!("申请 {claim} 审批"),
        Account::Fund {
            policy: policy.into(),
        },
        Account::MemberPayable { member },
        amount,
    )
}

/// A payout line paid from the bank to the member.
pub fn claim_paid(member: i64, claim: &str, amount: Money) -> Result<Entry, LedgerError> {
    Entry::transfer(
        EntryKind::ClaimPaid,
        format!("申请 {claim} 支付"),
        Account::MemberPayable { member },
        Account::Bank,
        amount,
    )
}

/// Balances per account key from any postings: debit-positive, as stored.
pub fn balances<'a>(postings: impl IntoIterator<Item = (&'a str, i64)>) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for (account, fen) in postings {
        *out.entry(account.to_string()).or_insert(0) += fen;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit() -> OrgCode {
        OrgCode::parse("LA-01-001").unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn an_unbalanced_entry_cannot_be_built() {
        let e = Entry::new(
            EntryKind::ClaimApproved,
            String::new(),
            vec![
                Posting {
                    account: Account::Bank,
                    fen: 100,
                },
                Posting {
                    account: Account::MemberPayable { member: 1 },
                    fen: -99,
                },
            ],
        );
        assert_eq!(
            e,
            Err(LedgerError::Unbalanced {
                debit: 100,
                credit: 99
            })
        );
    }

    #[test]
    fn negative_and_zero_amounts_are_refused() {
        assert!(claim_paid(1, "c", Money::from_fen(-5)).is_err());
        assert!(claim_paid(1, "c", Money::ZERO).is_err());
    }

    #[test]
    fn a_reversal_cancels_its_entry() {
        let e = contribution_billed(&unit(), "hangzhou-2022", Money::from_yuan(116))
            .unwrap_or_else(|e| unreachable!("{e}"));
        let r = e.reversal("冲正".into());
        let keys: Vec<(String, i64)> = e
            .postings()
            .iter()
            .chain(r.postings())
            .map(|p| (p.account.key(), p.fen))
            .collect();
        let b = balances(keys.iter().map(|(k, v)| (k.as_str(), *v)));
        assert!(b.values().all(|v| *v == 0));
    }

    #[test]
    fn account_keys_parse_back() {
        for a in [
            Account::Bank,
            Account::Fund {
                policy: "hangzhou-2022".into(),
            },
            Account::UnitReceivable {
                unit: unit(),
                policy: "hangzhou-2022".into(),
            },
            Account::MemberPayable { member: 42 },
            Account::Programme {
                id: "chunfeng".into(),
            },
        ] {
            assert_eq!(Account::parse(&a.key()), Ok(a));
        }
        assert!(Account::parse("fund:").is_err());
        assert!(Account::parse("payable:x").is_err());
    }

    #[test]
    fn the_money_path_nets_to_what_is_left_in_the_fund() {
        let p = "hangzhou-2022";
        let entries = [
            contribution_billed(&unit(), p, Money::from_yuan(1000)),
            contribution_paid(&unit(), p, Money::from_yuan(1000)),
            claim_approved(p, 7, "c1", Money::from_yuan(300)),
            claim_paid(7, "c1", Money::from_yuan(300)),
        ];
        let keys: Vec<(String, i64)> = entries
            .iter()
            .flat_map(|e| {
                e.as_ref()
                    .map(|e| e.postings().to_vec())
                    .unwrap_or_default()
            })
            .map(|p| (p.account.key(), p.fen))
            .collect();
        let b = balances(keys.iter().map(|(k, v)| (k.as_str(), *v)));
        assert_eq!(b["fund:hangzhou-2022"], -70_000);
        assert_eq!(b["bank"], 70_000);
        assert_eq!(b["payable:7"], 0);
        assert_eq!(b["receivable:LA-01-001:hangzhou-2022"], 0);
        assert_eq!(b.values().sum::<i64>(), 0);
    }
}
