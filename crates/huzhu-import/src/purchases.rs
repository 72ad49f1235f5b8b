//! Festival-gift purchase lists 节日慰问品采购 (SPEC 7.10): one row per purchase, read like a
//! roster (header aliases, cell cleaning, an error per bad cell). Whether a purchase is a
//! designated poverty-relief product is not read: the catalogue decides it.

use crate::cell::CellRef;
use crate::header::{Columns, Field};
use crate::rows::{RowError, RowParser};
use crate::source::RecordSource;
use chrono::NaiveDate;
use huzhu_domain::money::Money;
use huzhu_domain::procurement::{check_purchase, NAME_MAX};

/// A purchase row, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseRecord {
    pub supplier: String,
    pub product: String,
    pub quantity: i64,
    pub amount_fen: i64,
    pub purchased_on: NaiveDate,
}

/// The columns of a purchase list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PurchaseField {
    Supplier,
    Product,
    Quantity,
    Amount,
    Date,
}

impl Field for PurchaseField {
    const ALL: &'static [Self] = &[
        PurchaseField::Supplier,
        PurchaseField::Product,
        PurchaseField::Quantity,
        PurchaseField::Amount,
        PurchaseField::Date,
    ];

    fn label(self) -> &'static str {
        match self {
            PurchaseField::Supplier => "供应商",
            PurchaseField::Product => "产品",
            PurchaseField::Quantity => "数量",
            PurchaseField::Amount => "金额",
            PurchaseField::Date => "采购日期",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            PurchaseField::Supplier => &["供应商", "供货商", "供应单位", "商家", "supplier"],
            PurchaseField::Product => &["产品", "产品名称", "商品", "商品名称", "品名", "product"],
            PurchaseField::Quantity => &["数量", "份数", "箱数", "quantity"],
            PurchaseField::Amount => &["金额", "采购金额", "金额元", "总金额", "amount"],
            PurchaseField::Date => &["采购日期", "日期", "购买日期", "date"],
        }
    }

    fn required(self) -> bool {
        true
    }

    fn index(self) -> usize {
        self as usize
    }
}

pub(crate) struct PurchaseParser {
    pub columns: Columns<PurchaseField>,
}

impl RowParser<PurchaseRecord> for PurchaseParser {
    fn parse(
        &mut self,
        src: &dyn RecordSource,
        line: u64,
    ) -> Result<PurchaseRecord, Vec<RowError>> {
        use PurchaseField as F;
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
            Ok(t) if t.trim().is_empty() => {
                push(field, format!("{}必填，不能为空 (required)", field.label()));
                None
            }
            Ok(t) if t.chars().count() > NAME_MAX => {
                push(
                    field,
                    format!("不能超过{NAME_MAX}字 (longer than {NAME_MAX} characters)"),
                );
                None
            }
            Ok(t) => Some(t.trim().to_string()),
            Err(e) => {
                push(field, e.to_string());
                None
            }
        };
        let supplier = text(F::Supplier, &mut push);
        let product = text(F::Product, &mut push);
        let quantity = text(F::Quantity, &mut push).and_then(|t| {
            t.replace([',', '，'], "")
                .parse::<i64>()
                .ok()
                .filter(|q| *q > 0)
                .or_else(|| {
                    push(
                        F::Quantity,
                        format!("数量“{t}”不是正整数 (not a whole number above 0)"),
                    );
                    None
                })
        });
        let amount = text(F::Amount, &mut push).and_then(|t| {
            Money::parse_yuan(&t.replace([',', '，', '元', '¥', '￥'], ""))
                .map(|m| m.fen())
                .map_err(|e| push(F::Amount, format!("金额“{t}”无法识别 ({e})")))
                .ok()
        });
        let date = match cell(F::Date).date() {
            Ok(Some(d)) => d.first_day(),
            Ok(None) => {
                push(
                    F::Date,
                    "采购日期必填 (the purchase date is required)".into(),
                );
                None
            }
            Err(e) => {
                push(F::Date, e.to_string());
                None
            }
        };
        let (Some(supplier), Some(product), Some(quantity), Some(amount_fen), Some(purchased_on)) =
            (supplier, product, quantity, amount, date)
        else {
            return Err(errors);
        };
        if let Err(e) = check_purchase(quantity, amount_fen) {
            push(F::Amount, e.to_string());
            return Err(errors);
        }
        Ok(PurchaseRecord {
            supplier,
            product,
            quantity,
            amount_fen,
            purchased_on,
        })
    }
}
