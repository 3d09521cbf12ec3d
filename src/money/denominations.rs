//! The notes and coins of a currency, in minor units, largest first: what a drawer count lists.
//!
//! Only currencies a till here is likely to count are listed; any other currency is counted as
//! one amount (an empty list), which the drawer count accepts as a single "total" line.

use super::Currency;

/// Notes and coins of `currency` in minor units, largest first (empty when not known).
pub fn denominations(currency: Currency) -> &'static [i64] {
    match currency.code() {
        // Euro: 500 € down to 1 cent (the 500 € note is still legal tender).
        "EUR" => &[50_000, 20_000, 10_000, 5_000, 2_000, 1_000, 500, 200, 100, 50, 20, 10, 5, 2, 1],
        "USD" => &[10_000, 5_000, 2_000, 1_000, 500, 200, 100, 25, 10, 5, 1],
        "GBP" => &[5_000, 2_000, 1_000, 500, 200, 100, 50, 20, 10, 5, 2, 1],
        "CHF" => &[100_000, 20_000, 10_000, 5_000, 2_000, 1_000, 500, 200, 100, 50, 20, 10, 5],
        "PLN" => &[50_000, 20_000, 10_000, 5_000, 2_000, 1_000, 500, 200, 100, 50, 20, 10, 5, 2, 1],
        "SEK" | "NOK" | "DKK" => &[100_000, 50_000, 20_000, 10_000, 5_000, 2_000, 1_000, 500, 200, 100],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_first_and_positive() {
        for code in ["EUR", "USD", "GBP", "CHF", "PLN", "SEK"] {
            let d = denominations(Currency::from_code(code).unwrap());
            assert!(!d.is_empty());
            assert!(d.windows(2).all(|w| w[0] > w[1]), "{code}");
            assert!(d.iter().all(|v| *v > 0));
        }
        assert!(denominations(Currency::from_code("JPY").unwrap()).is_empty());
    }
}
