//! Sales per hour of the business day, for the manager's chart on the X and Z screens and the
//! compact chart on their printouts.
//!
//! A sale here is what [`Totals::gross`](super::compute::Totals) counts (gift card sells and
//! reloads, confirmed retail orders): [`add`] is called at exactly the places that add to the gross,
//! so the hours always add up to it. The hour is the UTC hour, as the business day is the UTC day
//! (`shifts::business_day`); a window over several days adds each hour of the clock together.

use std::collections::BTreeMap;

use super::compute::Line;
use crate::store::{StoreError, StoreErrorKind};

/// An hour in ledger nanoseconds (a whole number of the per-minute flow buckets).
pub const HOUR_NS: i64 = 3_600_000_000_000;

/// The hour of the day (0–23, UTC) of a ledger timestamp.
pub fn hour_of(ts: i64) -> u8 {
    // rem_euclid(24) is 0..24, so the cast cannot truncate.
    ts.div_euclid(HOUR_NS).rem_euclid(24) as u8
}

/// Counts `count` sales of `amount` (minor units) in the hour of `ts`.
pub fn add(hours: &mut BTreeMap<u8, Line>, ts: i64, count: u64, amount: i64) -> Result<(), StoreError> {
    let line = hours.entry(hour_of(ts)).or_default();
    line.count = line.count.saturating_add(count);
    line.amount = line
        .amount
        .checked_add(amount)
        .ok_or_else(|| StoreError::new(StoreErrorKind::Other, "a report total overflows"))?;
    Ok(())
}

/// Every hour from the first to the last with sales, the quiet ones between as zero: what a chart
/// of the day draws (an empty day gives nothing).
pub fn span(hours: &BTreeMap<u8, Line>) -> Vec<(u8, Line)> {
    let (Some(first), Some(last)) = (hours.keys().next().copied(), hours.keys().next_back().copied()) else {
        return Vec::new();
    };
    (first..=last).map(|h| (h, hours.get(&h).copied().unwrap_or_default())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_utc_hours_of_the_day_and_the_span_fills_the_gaps() {
        let day = 1_763_596_800_000_000_000; // 2025-11-20 00:00 UTC
        assert_eq!(hour_of(day), 0);
        assert_eq!(hour_of(day + 9 * HOUR_NS + 59 * 60_000_000_000), 9);
        assert_eq!(hour_of(day + 24 * HOUR_NS + 1), 0);
        let mut h = BTreeMap::new();
        add(&mut h, day + 9 * HOUR_NS, 1, 500).unwrap();
        add(&mut h, day + 9 * HOUR_NS + 5, 2, 700).unwrap();
        add(&mut h, day + 12 * HOUR_NS, 1, 100).unwrap();
        let s = span(&h);
        assert_eq!(s.iter().map(|(h, _)| *h).collect::<Vec<_>>(), vec![9, 10, 11, 12]);
        assert_eq!(s[0].1, Line { count: 3, amount: 1200 });
        assert_eq!(s[1].1, Line::default());
        assert!(add(&mut h, day + 9 * HOUR_NS, 1, i64::MAX).is_err(), "an overflow is an error, not a wrap");
        assert!(span(&BTreeMap::new()).is_empty());
    }
}
