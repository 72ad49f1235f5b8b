//! 春风行动 donations 捐赠 and their receipts 捐赠收据 (SPEC 7.5; docs/donations.md).
//!
//! A donation is given through a channel by a donor (a person named or anonymous, or an
//! organisation), optionally restricted 定向 to a programme. Its receipt is numbered without gaps
//! per city federation and year (`CF2026-000001`) when the money is received, and never edited: a
//! mistake is voided with a reason and the donation reissued under a new number that names the
//! voided one. The store keeps the counter; this module names the states, the steps, the number
//! and the ledger entries.

use crate::grant::FundKind;
use crate::ledger::{Account, Entry, EntryKind, LedgerError};
use crate::money::Money;
use crate::personal::PersonName;
use std::fmt;

/// The fund every donation goes to (SPEC 7.5: 春风基金).
pub const FUND: FundKind = FundKind::SpringBreeze;

/// How the money came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 现金 at the window.
    Cash,
    /// 刷卡 at the window.
    Card,
    /// 银行转账: expected at the window, received when the statement shows it.
    BankTransfer,
    /// 网上捐赠.
    Online,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::Cash,
        Channel::Card,
        Channel::BankTransfer,
        Channel::Online,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Channel::Cash => "cash",
            Channel::Card => "card",
            Channel::BankTransfer => "bank_transfer",
            Channel::Online => "online",
        }
    }

    pub fn parse(raw: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == raw)
    }

    /// (Chinese, English).
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            Channel::Cash => ("现金", "cash"),
            Channel::Card => ("刷卡", "card"),
            Channel::BankTransfer => ("银行转账", "bank transfer"),
            Channel::Online => ("网上捐赠", "online"),
        }
    }
}

/// Who gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DonorKind {
    /// 个人 — named.
    Person,
    /// 匿名 — a person who gives no name; never listed, never attributed.
    Anonymous,
    /// 单位 — a firm or another organisation.
    Organisation,
}

impl DonorKind {
    pub const ALL: [DonorKind; 3] = [
        DonorKind::Person,
        DonorKind::Anonymous,
        DonorKind::Organisation,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DonorKind::Person => "person",
            DonorKind::Anonymous => "anonymous",
            DonorKind::Organisation => "organisation",
        }
    }

    pub fn parse(raw: &str) -> Option<DonorKind> {
        DonorKind::ALL.into_iter().find(|c| c.code() == raw)
    }

    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            DonorKind::Person => ("个人", "person"),
            DonorKind::Anonymous => ("匿名", "anonymous"),
            DonorKind::Organisation => ("单位", "organisation"),
        }
    }
}

/// A donation's state: a bank transfer announced at the window is `expected` until the money is
/// seen; every other donation is `received` when recorded, with its receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DonationState {
    Expected,
    Received,
}

impl DonationState {
    pub fn code(self) -> &'static str {
        match self {
            DonationState::Expected => "expected",
            DonationState::Received => "received",
        }
    }

    pub fn parse(raw: &str) -> Option<DonationState> {
        [DonationState::Expected, DonationState::Received]
            .into_iter()
            .find(|s| s.code() == raw)
    }

    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            DonationState::Expected => ("待到账", "awaiting the money"),
            DonationState::Received => ("已到账", "received"),
        }
    }
}

/// A receipt's state: issued, or voided (kept, with its reason, and pointed at by its reissue).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptState {
    Issued,
    Voided,
}

impl ReceiptState {
    pub fn code(self) -> &'static str {
        match self {
            ReceiptState::Issued => "issued",
            ReceiptState::Voided => "voided",
        }
    }

    pub fn parse(raw: &str) -> Option<ReceiptState> {
        [ReceiptState::Issued, ReceiptState::Voided]
            .into_iter()
            .find(|s| s.code() == raw)
    }

    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            ReceiptState::Issued => ("有效", "issued"),
            ReceiptState::Voided => ("已作废", "voided"),
        }
    }
}

/// A step refused in the state the thing is in (the API's 409).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DonationError {
    #[error(
        "收据处于“{}”状态，不能作废 (a receipt in state `{}` cannot be voided)",
        .0.words().0, .0.code()
    )]
    CannotVoid(ReceiptState),
    #[error(
        "捐赠处于“{}”状态，不能确认到账 (a donation in state `{}` cannot be received)",
        .0.words().0, .0.code()
    )]
    CannotReceive(DonationState),
    #[error("须写明作废原因 (give the reason for voiding)")]
    NoReason,
}

/// 作废 — voiding needs an issued receipt and a reason.
pub fn void(state: ReceiptState, reason: &str) -> Result<ReceiptState, DonationError> {
    if state != ReceiptState::Issued {
        return Err(DonationError::CannotVoid(state));
    }
    if reason.trim().is_empty() {
        return Err(DonationError::NoReason);
    }
    Ok(ReceiptState::Voided)
}

/// 确认到账 — only an expected donation is received (then its receipt is issued).
pub fn receive(state: DonationState) -> Result<DonationState, DonationError> {
    match state {
        DonationState::Expected => Ok(DonationState::Received),
        s => Err(DonationError::CannotReceive(s)),
    }
}

/// `CF2026-000001`: the federation's `seq`-th receipt of `year`.
pub fn receipt_number(year: i32, seq: i64) -> String {
    format!("CF{year}-{seq:06}")
}

/// The year and sequence of a receipt number, if it is one.
pub fn parse_receipt_number(raw: &str) -> Option<(i32, i64)> {
    let rest = raw.trim().strip_prefix("CF")?;
    let (year, seq) = rest.split_once('-')?;
    if year.len() != 4 || seq.len() < 6 || !seq.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((year.parse().ok()?, seq.parse().ok()?))
}

/// The ledger account a donation is credited to: the fund, or its part restricted to a programme.
pub fn fund_account(programme: Option<&str>) -> Account {
    match programme {
        None => Account::ProgrammeFund { fund: FUND },
        Some(p) => Account::ProgrammeFundPart {
            fund: FUND,
            programme: p.to_string(),
        },
    }
}

/// 捐赠到账: the bank receives the money for the fund (or its restricted part).
pub fn received_entry(
    receipt: &str,
    programme: Option<&str>,
    amount: Money,
) -> Result<Entry, LedgerError> {
    Entry::transfer(
        EntryKind::DonationReceived,
        format!("捐赠 {receipt} 到账"),
        Account::Bank,
        fund_account(programme),
        amount,
    )
}

/// 定向资金使用: a grant of `programme` took `amount` of the money restricted to it; the part
/// hands it to the fund, from which the grant's own entry takes it.
pub fn restriction_released(
    fund: FundKind,
    programme: &str,
    grant: i64,
    amount: Money,
) -> Result<Entry, LedgerError> {
    Entry::transfer(
        EntryKind::RestrictionReleased,
        format!("救助 {grant} 使用定向资金 {programme}"),
        Account::ProgrammeFundPart {
            fund,
            programme: programme.to_string(),
        },
        Account::ProgrammeFund { fund },
        amount,
    )
}

/// How a grant of `amount` is paid from a fund with `total` in it, of which `restricted_here` is
/// restricted to the grant's programme and `restricted_elsewhere` to other programmes: the
/// restricted part first, then the rest; `None` when the money that may pay it is short
/// (`fund_exhausted`).
pub fn split_grant(
    amount: i64,
    total: i64,
    restricted_here: i64,
    restricted_elsewhere: i64,
) -> Option<(i64, i64)> {
    let free = total
        .checked_sub(restricted_here)?
        .checked_sub(restricted_elsewhere)?;
    let from_part = amount.min(restricted_here).max(0);
    let from_free = amount.checked_sub(from_part)?;
    (from_free <= free).then_some((from_part, from_free))
}

/// How a donor appears on the public thank-you list 鸣谢名单 [choice]: organisations whole, a
/// person's name masked (张*丰), anonymous donors never.
pub fn thanks_name(kind: DonorKind, name: &str) -> Option<String> {
    match kind {
        DonorKind::Anonymous => None,
        DonorKind::Organisation => Some(name.to_string()),
        DonorKind::Person => Some(
            PersonName::parse(name)
                .map(|n| n.masked())
                .unwrap_or_else(|_| "*".to_string()),
        ),
    }
}

/// 大写金额: `1234.50` → `壹仟贰佰叁拾肆元伍角整`, as Chinese receipts print the amount.
pub fn amount_in_capitals(amount: Money) -> String {
    const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
    const UNITS: [&str; 4] = ["", "拾", "佰", "仟"];
    const GROUPS: [&str; 4] = ["", "万", "亿", "万亿"];
    let fen = amount.fen();
    let (neg, abs) = (fen < 0, fen.unsigned_abs());
    let yuan = abs / 100;
    let jiao = (abs / 10) % 10;
    let fen_digit = abs % 10;
    let mut out = String::new();
    if yuan > 0 {
        let mut groups = Vec::new();
        let mut rest = yuan;
        while rest > 0 {
            groups.push(rest % 10_000);
            rest /= 10_000;
        }
        // A zero group between two others reads 零; a group's own trailing zeros do not.
        let mut gap = false;
        for (gi, group) in groups.iter().enumerate().rev() {
            if *group == 0 {
                gap = true;
                continue;
            }
            let mut pending_zero = gap;
            gap = false;
            let mut text = String::new();
            let digits = [
                group / 1000,
                (group / 100) % 10,
                (group / 10) % 10,
                group % 10,
            ];
            let mut started = false;
            for (di, d) in digits.iter().enumerate() {
                if *d == 0 {
                    if started || !out.is_empty() {
                        pending_zero = true;
                    }
                    continue;
                }
                if pending_zero && (started || !out.is_empty()) {
                    text.push('零');
                }
                pending_zero = false;
                started = true;
                text.push(DIGITS[*d as usize]);
                text.push_str(UNITS[3 - di]);
            }
            out.push_str(&text);
            out.push_str(GROUPS.get(gi).copied().unwrap_or(""));
        }
        out.push('元');
    }
    if jiao == 0 && fen_digit == 0 {
        if out.is_empty() {
            out.push_str("零元");
        }
        out.push('整');
    } else {
        if jiao > 0 {
            out.push(DIGITS[jiao as usize]);
            out.push('角');
        } else if !out.is_empty() {
            out.push('零');
        }
        if fen_digit > 0 {
            out.push(DIGITS[fen_digit as usize]);
            out.push('分');
        } else {
            out.push('整');
        }
    }
    if neg {
        format!("负{out}")
    } else {
        out
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_numbers_are_six_digits_per_year() {
        assert_eq!(receipt_number(2026, 1), "CF2026-000001");
        assert_eq!(receipt_number(2026, 1_234_567), "CF2026-1234567");
        assert_eq!(parse_receipt_number("CF2026-000042"), Some((2026, 42)));
        assert_eq!(parse_receipt_number("CF26-000042"), None);
    }

    #[test]
    fn capitals_read_as_receipts_print_them() {
        let c = |fen| amount_in_capitals(Money::from_fen(fen));
        assert_eq!(c(100), "壹元整");
        assert_eq!(c(123_450), "壹仟贰佰叁拾肆元伍角整");
        assert_eq!(c(1_000_000), "壹万元整");
        assert_eq!(c(1_005_005), "壹万零伍拾元零伍分");
        assert_eq!(c(89_000_000), "捌拾玖万元整");
        assert_eq!(c(10_000_000_000), "壹亿元整");
        assert_eq!(c(10_100_000), "壹拾万壹仟元整");
        assert_eq!(c(5), "伍分");
        assert_eq!(c(0), "零元整");
    }

    #[test]
    fn a_voided_receipt_cannot_be_voided_again_and_a_reason_is_needed() {
        assert_eq!(void(ReceiptState::Issued, "写错"), Ok(ReceiptState::Voided));
        assert_eq!(
            void(ReceiptState::Voided, "再次"),
            Err(DonationError::CannotVoid(ReceiptState::Voided))
        );
        assert_eq!(
            void(ReceiptState::Issued, " "),
            Err(DonationError::NoReason)
        );
        assert!(receive(DonationState::Received).is_err());
    }

    #[test]
    fn restricted_money_pays_its_programme_first_and_only_it() {
        // 1,000 in the fund, 300 restricted here, 500 elsewhere: 500 can pay (300 + 200 free).
        assert_eq!(split_grant(500, 1000, 300, 500), Some((300, 200)));
        assert_eq!(split_grant(501, 1000, 300, 500), None);
        assert_eq!(split_grant(100, 1000, 0, 500), Some((0, 100)));
        assert_eq!(split_grant(600, 1000, 0, 500), None);
    }

    #[test]
    fn anonymous_donors_are_never_listed() {
        assert_eq!(thanks_name(DonorKind::Anonymous, "张三丰"), None);
        assert_eq!(
            thanks_name(DonorKind::Person, "张三丰").as_deref(),
            Some("张*丰")
        );
        assert_eq!(
            thanks_name(DonorKind::Organisation, "杭州某旅行社").as_deref(),
            Some("杭州某旅行社")
        );
    }
}
