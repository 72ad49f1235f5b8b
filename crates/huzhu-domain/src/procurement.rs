//! 消费帮扶 — consumption-poverty procurement (SPEC 7.10): units' festival-gift purchases, the
//! share bought from designated poverty-relief products, and the floor it is held against.
//!
//! A purchase is designated only when its product is in the federation's catalogue — computed
//! from the catalogue, never typed. Shares are integer basis points, rounded down [choice]: a
//! unit at 19.99% is below a 20% floor.

use serde::{Deserialize, Serialize};

/// The floor when no org of the chain set one for the year: 20%, Zhejiang 2020 [seed].
pub const DEFAULT_FLOOR_BP: u32 = 2_000;

/// The largest amount of one purchase: 100,000,000.00 元 in fen.
pub const MAX_AMOUNT_FEN: i64 = 10_000_000_000;

/// The largest quantity of one purchase.
pub const MAX_QUANTITY: i64 = 10_000_000;

/// The longest supplier, product or region name kept, in characters.
pub const NAME_MAX: usize = 100;

/// Why a purchase or a floor is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProcurementError {
    #[error("数量须在1至{MAX_QUANTITY}之间 (the quantity must be between 1 and {MAX_QUANTITY})")]
    Quantity,
    #[error("金额须大于0且不超过1亿元 (the amount must be above 0 and at most 100,000,000 yuan)")]
    Amount,
    #[error("比例须在0至100%之间 (the floor must be between 0 and 100%)")]
    Floor,
}

pub fn check_purchase(quantity: i64, amount_fen: i64) -> Result<(), ProcurementError> {
    if !(1..=MAX_QUANTITY).contains(&quantity) {
        return Err(ProcurementError::Quantity);
    }
    if !(1..=MAX_AMOUNT_FEN).contains(&amount_fen) {
        return Err(ProcurementError::Amount);
    }
    Ok(())
}

pub fn check_floor(bp: u32) -> Result<(), ProcurementError> {
    if bp > 10_000 {
        return Err(ProcurementError::Floor);
    }
    Ok(())
}

/// `designated / total` in basis points, rounded down; 0 when nothing was bought.
pub fn share_bp(designated_fen: i64, total_fen: i64) -> u32 {
    if total_fen <= 0 || designated_fen <= 0 {
        return 0;
    }
    let bp = i128::from(designated_fen) * 10_000 / i128::from(total_fen);
    u32::try_from(bp.min(10_000)).unwrap_or(10_000)
}

/// Whether a unit that bought `total_fen` in all is below the floor. A unit that bought nothing
/// is not listed as below it [choice]: it bought no gifts at all.
pub fn below_floor(designated_fen: i64, total_fen: i64, floor_bp: u32) -> bool {
    total_fen > 0 && share_bp(designated_fen, total_fen) < floor_bp
}

/// The unit price of a purchase, in fen: the amount over the quantity, rounded half up
/// [choice] (a gift pack counts at this price).
pub fn unit_price_fen(amount_fen: i64, quantity: i64) -> i64 {
    if quantity <= 0 {
        return 0;
    }
    let (a, q) = (i128::from(amount_fen), i128::from(quantity));
    i64::try_from((2 * a + q) / (2 * q)).unwrap_or(i64::MAX)
}

/// How a share stands against its floor, for a line of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FloorStanding {
    /// 达标
    Met,
    /// 未达标
    Below,
    /// 无采购
    NoPurchases,
}

impl FloorStanding {
    pub fn of(designated_fen: i64, total_fen: i64, floor_bp: u32) -> FloorStanding {
        if total_fen <= 0 {
            FloorStanding::NoPurchases
        } else if below_floor(designated_fen, total_fen, floor_bp) {
            FloorStanding::Below
        } else {
            FloorStanding::Met
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            FloorStanding::Met => "met",
            FloorStanding::Below => "below",
            FloorStanding::NoPurchases => "no_purchases",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            FloorStanding::Met => "达标",
            FloorStanding::Below => "未达标",
            FloorStanding::NoPurchases => "无采购",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            FloorStanding::Met => "met",
            FloorStanding::Below => "below the floor",
            FloorStanding::NoPurchases => "no purchases",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_down_in_basis_points() {
        assert_eq!(share_bp(0, 0), 0);
        assert_eq!(share_bp(1_999, 10_000), 1_999);
        assert_eq!(share_bp(1, 3), 3_333);
        assert_eq!(share_bp(2, 3), 6_666);
        assert_eq!(share_bp(5, 5), 10_000);
    }

    #[test]
    fn a_unit_below_twenty_percent_is_below_the_floor() {
        // 拱墅: 480 boxes of apples at 100元 designated of a 300,000元 total = 16%.
        let designated = 480 * 10_000;
        let total = 30_000_000;
        assert_eq!(share_bp(designated, total), 1_600);
        assert!(below_floor(designated, total, DEFAULT_FLOOR_BP));
        assert!(!below_floor(6_000_000, total, DEFAULT_FLOOR_BP));
        assert!(!below_floor(0, 0, DEFAULT_FLOOR_BP));
        assert_eq!(FloorStanding::of(0, 0, 2_000), FloorStanding::NoPurchases);
    }

    #[test]
    fn a_unit_price_rounds_half_up() {
        assert_eq!(unit_price_fen(10_000, 3), 3_333);
        assert_eq!(unit_price_fen(20_000, 3), 6_667);
        assert_eq!(unit_price_fen(5, 2), 3);
        assert_eq!(unit_price_fen(100, 0), 0);
    }

    #[test]
    fn purchases_and_floors_are_checked() {
        assert!(check_purchase(1, 1).is_ok());
        assert_eq!(check_purchase(0, 1), Err(ProcurementError::Quantity));
        assert_eq!(check_purchase(1, 0), Err(ProcurementError::Amount));
        assert!(check_floor(10_000).is_ok());
        assert!(check_floor(10_001).is_err());
    }
}
