//! Settlements: per UTC day, store and currency, the confirmed orders and invalidations of
//! confirmed orders, with face value, commission and the net payable to the distributor.
//!
//! Every confirm and every reversal writes one settlement entry in the same `Ledger::write` as its
//! transfers, with the same amounts, so the sums here equal the ledger's movements to the cent:
//! net payable = what was posted from the prepaid balance minus what reversals returned to it;
//! commission = the commission account's balance change; face value = both together.

use serde::{Deserialize, Serialize};

use super::{DecimalMoney, RetailError};
use crate::engine::Engine;
use crate::money::{Currency, Money};
use crate::store::params;

/// The UTC calendar day (`YYYY-MM-DD`) of a ledger timestamp.
pub fn day_of(ns: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ns))
        .map(|t| {
            let d = t.date();
            format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
        })
        .unwrap_or_default()
}

fn parse_day(field: &str, s: &str) -> Result<String, RetailError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s.trim(), &format)
        .map(|_| s.trim().to_string())
        .map_err(|_| RetailError::bad_request("invalid_date", format!("{field} must be a date like 2026-11-21")))
}

/// Filters of `GET /v1/settlements`.
#[derive(Debug, Clone, Default)]
pub struct SettlementFilter {
    /// First day, inclusive (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Last day, inclusive.
    pub to: Option<String>,
    pub store_id: Option<String>,
}

/// One day of one store in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementRow {
    pub date: String,
    pub store_id: String,
    pub currency: String,
    pub confirmed_orders: u64,
    /// Confirmed orders invalidated that day (their amounts are subtracted).
    pub invalidations: u64,
    pub face_value: DecimalMoney,
    pub commission: DecimalMoney,
    /// Face value minus commission: what the distributor takes.
    pub net_payable: DecimalMoney,
}

/// Sums over the selected rows, per currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementTotal {
    pub currency: String,
    pub confirmed_orders: u64,
    pub invalidations: u64,
    pub face_value: DecimalMoney,
    pub commission: DecimalMoney,
    pub net_payable: DecimalMoney,
}

/// `GET /v1/settlements`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    pub data: Vec<SettlementRow>,
    pub totals: Vec<SettlementTotal>,
}

type Sums = (String, String, String, i64, i64, i64, i64, i64);

/// The settlement for a period and optionally one store.
pub fn settlement(engine: &Engine, filter: SettlementFilter) -> Result<Settlement, RetailError> {
    let from = filter.from.as_deref().map(|d| parse_day("from", d)).transpose()?;
    let to = filter.to.as_deref().map(|d| parse_day("to", d)).transpose()?;
    if let (Some(f), Some(t)) = (&from, &to)
        && f > t
    {
        return Err(RetailError::bad_request("invalid_date", "from is after to"));
    }
    let store = filter.store_id.clone();
    let rows: Vec<Sums> = engine.ledger().read_sql(move |sql| {
        let query = sql.query_all(
            "SELECT day, store_id, currency, coalesce(sum(CASE WHEN kind = 'confirm' THEN 1 ELSE 0 END), 0),
                    coalesce(sum(CASE WHEN kind = 'invalidate' THEN 1 ELSE 0 END), 0),
                    sum(face_minor), sum(commission_minor), sum(net_minor)
             FROM retail_settlement_entries
             WHERE (?1 IS NULL OR day >= ?1) AND (?2 IS NULL OR day <= ?2) AND (?3 IS NULL OR store_id = ?3)
             GROUP BY day, store_id, currency ORDER BY day, store_id, currency",
            params![from.as_deref(), to.as_deref(), store.as_deref()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)),
        );
        query.map_err(RetailError::from)
    })?;
    let mut data = Vec::new();
    let mut totals: Vec<(Currency, u64, u64, i64, i64, i64)> = Vec::new();
    for (date, store_id, currency, confirmed, invalidated, face, commission, net) in rows {
        let c = Currency::from_code(&currency).map_err(|e| RetailError::internal(e.to_string()))?;
        let m = |minor: i64| DecimalMoney::from(Money::from_minor(minor, c));
        let (confirmed, invalidated) = (confirmed as u64, invalidated as u64);
        data.push(SettlementRow {
            date,
            store_id,
            currency: currency.clone(),
            confirmed_orders: confirmed,
            invalidations: invalidated,
            face_value: m(face),
            commission: m(commission),
            net_payable: m(net),
        });
        match totals.iter_mut().find(|t| t.0 == c) {
            Some(t) => {
                t.1 += confirmed;
                t.2 += invalidated;
                t.3 += face;
                t.4 += commission;
                t.5 += net;
            }
            None => totals.push((c, confirmed, invalidated, face, commission, net)),
        }
    }
    totals.sort_by_key(|t| t.0.code());
    let totals = totals
        .into_iter()
        .map(|(c, confirmed, invalidated, face, commission, net)| SettlementTotal {
            currency: c.code().to_string(),
            confirmed_orders: confirmed,
            invalidations: invalidated,
            face_value: Money::from_minor(face, c).into(),
            commission: Money::from_minor(commission, c).into(),
            net_payable: Money::from_minor(net, c).into(),
        })
        .collect();
    Ok(Settlement { data, totals })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_utc_dates() {
        assert_eq!(day_of(1_700_000_000_000_000_000), "2023-11-14");
        assert!(parse_day("from", "2026-11-21").is_ok());
        assert_eq!(parse_day("from", "21.11.2026").unwrap_err().code(), "invalid_date");
    }
}
