//! 银行对账单 — a bank statement's lines matched to the expected bank transfers of the 春风行动
//! donations (SPEC 7.5; docs/donations.md). Pure: the lines and the expected transfers in, the
//! match of each line out.
//!
//! ```text
//! line: matched            (an expected transfer found: its donation received, receipt issued)
//!       unmatched ─settle (to a donor: a new received donation)─► settled
//!       unmatched ─dismiss (not a donation, with the reason)────► dismissed
//! ```
//!
//! A line matches an expected transfer of the same amount, tried in this order: the transfer's
//! reference appears in the line's memo (附言); the donor's account is the line's account; the
//! donor's name is the line's counterparty. Each transfer is taken once. Two transfers equally
//! good for one line match neither: a person settles it [choice]. Importing the same statement
//! twice changes nothing: each line has a fingerprint (its fields and its occurrence among equal
//! lines of the file), unique per federation.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A credit line of a statement, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The row in the file.
    pub row: u64,
    pub on: NaiveDate,
    /// Fen, above zero.
    pub amount_fen: i64,
    /// 对方户名
    pub name: String,
    /// 对方账号 (may be empty)
    pub account: String,
    /// 附言 / 摘要 (may be empty)
    pub memo: String,
}

/// An expected bank transfer waiting for its money.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub donation: i64,
    pub amount_fen: i64,
    pub reference: Option<String>,
    pub donor_name: String,
    pub donor_account: Option<String>,
}

/// How a line was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// 附言含捐赠编号
    Reference,
    /// 账号一致
    Account,
    /// 户名一致
    Name,
}

impl MatchedBy {
    pub fn code(self) -> &'static str {
        match self {
            MatchedBy::Reference => "reference",
            MatchedBy::Account => "account",
            MatchedBy::Name => "name",
        }
    }

    pub fn parse(raw: &str) -> Option<MatchedBy> {
        [MatchedBy::Reference, MatchedBy::Account, MatchedBy::Name]
            .into_iter()
            .find(|m| m.code() == raw)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            MatchedBy::Reference => "附言含转账编号",
            MatchedBy::Account => "付款账号一致",
            MatchedBy::Name => "付款户名一致",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            MatchedBy::Reference => "reference in the memo",
            MatchedBy::Account => "same account",
            MatchedBy::Name => "same name",
        }
    }
}

/// Where a statement line stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineState {
    /// 已匹配: an expected transfer was received by it.
    Matched,
    /// 待处理: for a person to settle.
    Unmatched,
    /// 已手工匹配: recorded as a donation of a donor by hand.
    Settled,
    /// 非捐赠: marked not a donation, with the reason.
    Dismissed,
}

impl LineState {
    pub const ALL: [LineState; 4] = [
        LineState::Matched,
        LineState::Unmatched,
        LineState::Settled,
        LineState::Dismissed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            LineState::Matched => "matched",
            LineState::Unmatched => "unmatched",
            LineState::Settled => "settled",
            LineState::Dismissed => "dismissed",
        }
    }

    pub fn parse(raw: &str) -> Option<LineState> {
        LineState::ALL.into_iter().find(|s| s.code() == raw)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            LineState::Matched => "已匹配",
            LineState::Unmatched => "待处理",
            LineState::Settled => "已手工匹配",
            LineState::Dismissed => "非捐赠",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            LineState::Matched => "matched",
            LineState::Unmatched => "to settle",
            LineState::Settled => "settled by hand",
            LineState::Dismissed => "not a donation",
        }
    }
}

impl TryFrom<String> for LineState {
    type Error = crate::employment::UnknownCode;

    fn try_from(raw: String) -> Result<LineState, Self::Error> {
        LineState::parse(&raw).ok_or(crate::employment::UnknownCode(raw))
    }
}

/// Why a line's step is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatementError {
    #[error("对账单行状态为“{}”，已处理过 (the line is {} already: only a line to settle is settled)",
        .from.label_zh(), .from.label_en())]
    Settled { from: LineState },
}

/// Whether a line in `from` may be settled or dismissed.
pub fn check_settle(from: LineState) -> Result<(), StatementError> {
    match from {
        LineState::Unmatched => Ok(()),
        other => Err(StatementError::Settled { from: other }),
    }
}

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_uppercase()
}

/// The match of each line (same order): the index into `expected` and how. Each expected
/// transfer is taken at most once; a line with two equally good candidates matches neither.
pub fn match_lines(lines: &[Line], expected: &[Expected]) -> Vec<Option<(usize, MatchedBy)>> {
    let mut taken = vec![false; expected.len()];
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let memo = norm(&line.memo);
        let account = norm(&line.account);
        let name = line.name.trim();
        let mut found = None;
        for how in [MatchedBy::Reference, MatchedBy::Account, MatchedBy::Name] {
            let candidates: Vec<usize> = expected
                .iter()
                .enumerate()
                .filter(|(i, e)| !taken[*i] && e.amount_fen == line.amount_fen)
                .filter(|(_, e)| match how {
                    MatchedBy::Reference => e
                        .reference
                        .as_deref()
                        .map(norm)
                        .is_some_and(|r| !r.is_empty() && memo.contains(&r)),
                    MatchedBy::Account => e
                        .donor_account
                        .as_deref()
                        .map(norm)
                        .is_some_and(|a| !a.is_empty() && a == account),
                    MatchedBy::Name => !name.is_empty() && e.donor_name.trim() == name,
                })
                .map(|(i, _)| i)
                .collect();
            match candidates.as_slice() {
                [one] => {
                    found = Some((*one, how));
                    break;
                }
                [] => continue,
                _ => break,
            }
        }
        if let Some((i, _)) = found {
            taken[i] = true;
        }
        out.push(found);
    }
    out
}

/// Each line's fingerprint: its fields and its occurrence among equal lines of the same file, so
/// that two equal transfers on one day stay two lines, and the same file read again gives the
/// same fingerprints.
pub fn fingerprints(lines: &[Line]) -> Vec<String> {
    let mut seen: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    lines
        .iter()
        .map(|l| {
            let key = format!(
                "{}|{}|{}|{}|{}",
                l.on,
                l.amount_fen,
                norm(&l.account),
                l.name.trim(),
                l.memo.trim()
            );
            let n = seen.entry(key.clone()).or_insert(0);
            *n += 1;
            format!("{key}|{n}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(amount: i64, name: &str, account: &str, memo: &str) -> Line {
        Line {
            row: 2,
            on: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            amount_fen: amount,
            name: name.into(),
            account: account.into(),
            memo: memo.into(),
        }
    }

    fn expected(
        id: i64,
        amount: i64,
        reference: Option<&str>,
        name: &str,
        acct: Option<&str>,
    ) -> Expected {
        Expected {
            donation: id,
            amount_fen: amount,
            reference: reference.map(Into::into),
            donor_name: name.into(),
            donor_account: acct.map(Into::into),
        }
    }

    #[test]
    fn a_line_matches_by_reference_then_account_then_name_at_the_same_amount() {
        let exp = [
            expected(1, 50_000, Some("CF-REF-7"), "杭州某旅行社", None),
            expected(2, 20_000, None, "王强", Some("6222 0000 1111")),
            expected(3, 10_000, None, "李梅", None),
        ];
        let lines = [
            line(50_000, "杭州某旅行社有限公司", "", "春风行动 cf-ref-7"),
            line(20_000, "王强", "6222-0000-1111", ""),
            line(10_000, "李梅", "", ""),
            line(10_000, "李梅", "", ""),
            line(99_900, "陌生人", "", ""),
        ];
        let m = match_lines(&lines, &exp);
        assert_eq!(m[0], Some((0, MatchedBy::Reference)));
        assert_eq!(m[1], Some((1, MatchedBy::Account)));
        assert_eq!(m[2], Some((2, MatchedBy::Name)));
        assert_eq!(m[3], None, "each expected transfer is taken once");
        assert_eq!(m[4], None);
    }

    #[test]
    fn two_equally_good_transfers_leave_the_line_for_a_person() {
        let exp = [
            expected(1, 10_000, None, "张伟", None),
            expected(2, 10_000, None, "张伟", None),
        ];
        assert_eq!(
            match_lines(&[line(10_000, "张伟", "", "")], &exp),
            vec![None]
        );
        // A different amount never matches.
        let exp = [expected(1, 10_001, Some("R1"), "张伟", None)];
        assert_eq!(
            match_lines(&[line(10_000, "张伟", "", "R1")], &exp),
            vec![None]
        );
    }

    #[test]
    fn equal_lines_get_distinct_fingerprints_and_the_same_file_the_same_ones() {
        let lines = [line(10_000, "李梅", "", ""), line(10_000, "李梅", "", "")];
        let f = fingerprints(&lines);
        assert_ne!(f[0], f[1]);
        assert_eq!(f, fingerprints(&lines));
    }

    #[test]
    fn only_a_line_to_settle_is_settled() {
        assert!(check_settle(LineState::Unmatched).is_ok());
        let e = check_settle(LineState::Matched).unwrap_err();
        assert!(e.to_string().contains("已匹配"), "{e}");
        assert!(check_settle(LineState::Dismissed).is_err());
    }
}
