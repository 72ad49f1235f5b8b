//! Bank statements 银行对账单 as Chinese banks export them (SPEC 7.5; docs/donations.md): one row
//! per transaction — date, amount, counterparty name and account, memo 附言 — read like a roster
//! (header aliases, cell cleaning, an error per bad cell). A row paid out (a negative amount, or
//! an amount only in a debit column) is kept as a debit for the caller to skip: only money in is
//! matched to donations.

use crate::cell::{CellRef, DateCell};
use crate::header::{Columns, Field};
use crate::rows::{RowError, RowParser};
use crate::source::RecordSource;
use chrono::NaiveDate;
use huzhu_domain::money::Money;

/// The longest name, account or memo kept, in characters.
pub const STATEMENT_TEXT_MAX: usize = 200;

/// A statement row, read. `amount_fen` is above zero for money in, below zero for money out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRecord {
    pub on: NaiveDate,
    pub amount_fen: i64,
    pub name: String,
    pub account: String,
    pub memo: String,
}

/// The columns of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatementField {
    Date,
    /// Money in (贷方、收入) or a signed amount.
    Amount,
    Name,
    Account,
    Memo,
    /// Money out (借方、支出), when the bank splits the amount in two columns.
    Debit,
}

impl Field for StatementField {
    const ALL: &'static [Self] = &[
        StatementField::Date,
        StatementField::Amount,
        StatementField::Name,
        StatementField::Account,
        StatementField::Memo,
        StatementField::Debit,
    ];

    fn label(self) -> &'static str {
        match self {
            StatementField::Date => "交易日期",
            StatementField::Amount => "金额",
            StatementField::Name => "对方户名",
            StatementField::Account => "对方账号",
            StatementField::Memo => "附言",
            StatementField::Debit => "支出金额",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            StatementField::Date => &[
                "交易日期",
                "日期",
                "记账日期",
                "入账日期",
                "交易时间",
                "记账时间",
                "date",
            ],
            StatementField::Amount => &[
                "金额",
                "交易金额",
                "发生额",
                "贷方金额",
                "贷方发生额",
                "收入金额",
                "收入",
                "入账金额",
                "存入金额",
                "amount",
                "credit",
            ],
            StatementField::Name => &[
                "对方户名",
                "对方名称",
                "对方账户名称",
                "对方账户名",
                "付款人",
                "付款人名称",
                "付款方",
                "户名",
                "name",
                "payer",
            ],
            StatementField::Account => &[
                "对方账号",
                "对方账户",
                "付款人账号",
                "付款账号",
                "付款方账号",
                "对方卡号",
                "account",
            ],
            StatementField::Memo => &[
                "附言",
                "摘要",
                "用途",
                "备注",
                "交易附言",
                "附言摘要",
                "memo",
                "remark",
            ],
            StatementField::Debit => &[
                "借方金额",
                "借方发生额",
                "支出金额",
                "支出",
                "付出金额",
                "debit",
            ],
        }
    }

    fn required(self) -> bool {
        matches!(
            self,
            StatementField::Date | StatementField::Amount | StatementField::Name
        )
    }

    fn index(self) -> usize {
        self as usize
    }
}

pub(crate) struct StatementParser {
    pub columns: Columns<StatementField>,
}

fn money(raw: &str) -> Result<i64, String> {
    let t: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',' && *c != '，')
        .collect();
    let (negative, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, t.trim_start_matches('+').to_string()),
    };
    let fen = Money::parse_yuan(&digits)
        .map(|m| m.fen())
        .map_err(|e| format!("金额“{raw}”无法识别 ({e})"))?;
    Ok(if negative { -fen } else { fen })
}

impl RowParser<StatementRecord> for StatementParser {
    fn parse(
        &mut self,
        src: &dyn RecordSource,
        line: u64,
    ) -> Result<StatementRecord, Vec<RowError>> {
        use StatementField as F;
        let columns = &self.columns;
        let mut errors = Vec::new();
        let mut push = |field: F, reason: String| {
            errors.push(RowError {
                row: line,
                column: columns.name(field).to_string(),
                reason,
            })
        };
        let cell = |field: F| columns.get(field).map_or(CellRef::Empty, |i| src.cell(i));
        let text = |field: F, push: &mut dyn FnMut(F, String)| match cell(field).text() {
            Ok(t) if t.chars().count() > STATEMENT_TEXT_MAX => {
                push(
                    field,
                    format!(
                        "不能超过{STATEMENT_TEXT_MAX}字 (longer than {STATEMENT_TEXT_MAX} characters)"
                    ),
                );
                None
            }
            Ok(t) => Some(t.trim().to_string()),
            Err(e) => {
                push(field, e.to_string());
                None
            }
        };
        let on = match cell(F::Date).date() {
            Ok(Some(DateCell::Day(d))) => Some(d),
            Ok(Some(DateCell::Month { .. })) => {
                push(F::Date, "交易日期须写到日 (the date needs a day)".into());
                None
            }
            Ok(None) => {
                push(F::Date, "交易日期必填 (the date is required)".into());
                None
            }
            Err(e) => {
                push(F::Date, e.to_string());
                None
            }
        };
        let credit = text(F::Amount, &mut push).unwrap_or_default();
        let debit = text(F::Debit, &mut push).unwrap_or_default();
        let amount = match (credit.is_empty(), debit.is_empty()) {
            (false, _) => money(&credit).map_err(|e| push(F::Amount, e)).ok(),
            (true, false) => money(&debit)
                .map(|d| -d.abs())
                .map_err(|e| push(F::Debit, e))
                .ok(),
            (true, true) => {
                push(F::Amount, "金额必填 (the amount is required)".into());
                None
            }
        };
        let name = text(F::Name, &mut push);
        let account = text(F::Account, &mut push).unwrap_or_default();
        let memo = text(F::Memo, &mut push).unwrap_or_default();
        let (Some(on), Some(amount_fen), Some(name)) = (on, amount, name) else {
            return Err(errors);
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(StatementRecord {
            on,
            amount_fen,
            name,
            account,
            memo,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::{Format, Roster, Row};

    #[test]
    fn a_bank_csv_with_aliases_reads_credits_and_debits() {
        let csv = "交易时间,收入金额,支出金额,对方户名,对方账号,摘要\n\
                   2026-03-02 10:15:00,\"1,000.00\",,杭州某旅行社,6222 0000 1111,春风行动捐款 CF-7\n\
                   2026/3/3,,200.00,某电信公司,,话费\n\
                   2026-03-04,abc,,王强,,\n";
        let mut roster = Roster::open(std::io::Cursor::new(csv.as_bytes()), Format::Csv).unwrap();
        let rows: Vec<_> = roster.statements().unwrap().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 3);
        match &rows[0] {
            Row::Good { value, .. } => {
                assert_eq!(value.amount_fen, 100_000);
                assert_eq!(value.name, "杭州某旅行社");
                assert_eq!(value.memo, "春风行动捐款 CF-7");
                assert_eq!(value.on.to_string(), "2026-03-02");
            }
            other => panic!("{other:?}"),
        }
        match &rows[1] {
            Row::Good { value, .. } => assert_eq!(value.amount_fen, -20_000),
            other => panic!("{other:?}"),
        }
        match &rows[2] {
            Row::Bad { errors, .. } => {
                assert_eq!(errors[0].column, "收入金额");
                assert!(errors[0].reason.contains("abc"), "{errors:?}");
            }
            other => panic!("{other:?}"),
        }
    }
}
