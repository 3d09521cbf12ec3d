//! The `[manager]` section of `till.toml`: the drawer's over/short tolerance and the breakage rule.
//!
//! ```toml
//! [manager]
//! over_short_tolerance = "5.00"   # beyond this a close needs a manager's PIN and a note
//! breakage = "de_limitation"       # "never", "inactivity" (after breakage_months) or "de_limitation"
//! breakage_months = 36
//! ```

use serde::Deserialize;

use crate::engine::Engine;
use crate::engine::shifts::ManagerError;
use crate::money::{Currency, Money};

/// When an unused gift card balance may be estimated (and, on confirmation, booked) as breakage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum BreakageRule {
    /// Balances never lapse (many jurisdictions).
    #[default]
    Never,
    /// After `breakage_months` without any use.
    Inactivity,
    /// German law (§§ 195, 199 BGB): the claim is time-barred three years after the end of the year
    /// in which it was last used, i.e. on 31 December of the third following year.
    DeLimitation,
}

impl BreakageRule {
    pub fn as_str(self) -> &'static str {
        match self {
            BreakageRule::Never => "never",
            BreakageRule::Inactivity => "inactivity",
            BreakageRule::DeLimitation => "de_limitation",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ManagerConfig {
    pub over_short_tolerance: String,
    pub breakage: BreakageRule,
    pub breakage_months: u32,
}

impl Default for ManagerConfig {
    fn default() -> Self {
        ManagerConfig { over_short_tolerance: "5.00".into(), breakage: BreakageRule::Never, breakage_months: 36 }
    }
}

impl ManagerConfig {
    pub fn of(engine: &Engine) -> Result<ManagerConfig, ManagerError> {
        Ok(engine.config().section("manager")?)
    }
    /// The tolerance in minor units of `currency`.
    pub fn tolerance(&self, currency: Currency) -> Result<i64, ManagerError> {
        Money::parse(&self.over_short_tolerance, currency)
            .map(|m| m.minor().abs())
            .map_err(|e| ManagerError::internal(format!("[manager] over_short_tolerance: {e}")))
    }
}
