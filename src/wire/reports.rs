//! `/till/v1` shifts, drawer and reports: the wire types. Amounts are integers in the currency's
//! minor units (cents) with the currency named beside them; request amounts of drawer movements
//! and top-ups are decimal strings (`"12.50"`). Times are RFC 3339.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How many of one note or coin (`denomination` in minor units).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CountLine {
    #[schema(example = 2000)]
    pub denomination: i64,
    #[schema(example = 3)]
    pub quantity: u32,
}

/// The notes and coins a drawer count lists, largest first (minor units).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Denominations {
    pub currency: String,
    pub exponent: u8,
    pub denominations: Vec<i64>,
}

/// `POST /till/v1/shifts`: open a shift with its counted float.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OpenShift {
    /// This till's terminal id (default: the configured one).
    #[serde(default)]
    pub terminal: Option<String>,
    #[serde(default)]
    pub float: Vec<CountLine>,
}

/// `POST /till/v1/shifts/current/paid-in`, `…/paid-out`, `…/no-sale`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DrawerMovement {
    /// Decimal amount such as `"12.50"` (not for a no-sale).
    #[serde(default)]
    pub amount: Option<String>,
    pub reason: String,
    /// A manager acting on another cashier's shift names it.
    #[serde(default)]
    pub shift_id: Option<i64>,
}

/// A manager's approval of a close outside the tolerance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ManagerApproval {
    pub manager: u32,
    pub pin: String,
    pub note: String,
}

/// `POST /till/v1/shifts/current/close`: the blind count.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CloseShift {
    pub counted: Vec<CountLine>,
    #[serde(default)]
    pub shift_id: Option<i64>,
    #[serde(default)]
    pub approval: Option<ManagerApproval>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DrawerEvent {
    /// `float`, `paid_in`, `paid_out`, `no_sale`, `over_short`, `drop`.
    pub kind: String,
    pub amount: i64,
    pub reason: String,
    pub user: u32,
    pub at: String,
}

/// A shift. `expected` and `over_short` stay `null` until the shift is closed (blind count).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Shift {
    pub id: i64,
    pub store: String,
    pub terminal: String,
    pub cashier: u32,
    pub cashier_name: String,
    pub currency: String,
    pub open: bool,
    pub business_day: String,
    pub opened_at: String,
    pub closed_at: Option<String>,
    pub float: i64,
    pub float_counts: Vec<CountLine>,
    pub counted: Option<i64>,
    pub counted_counts: Vec<CountLine>,
    pub expected: Option<i64>,
    pub over_short: Option<i64>,
    pub approved_by: Option<u32>,
    pub note: Option<String>,
    pub events: Vec<DrawerEvent>,
}

/// `GET /till/v1/shifts/current`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CurrentShift {
    pub shift: Option<Shift>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SheetRow {
    pub label: String,
    pub count: Option<u64>,
    /// Minor units of the sheet's currency.
    pub amount: Option<i64>,
    pub text: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SheetSection {
    pub title: String,
    pub rows: Vec<SheetRow>,
}

/// A report as the screen shows and the printer prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Sheet {
    /// `x`, `z`, `shift`, `liability`, `settlement`.
    pub kind: String,
    pub title: String,
    pub currency: String,
    pub store: String,
    pub number: Option<i64>,
    pub at: String,
    /// A reprint (of a Z): prints DUPLICATE.
    pub duplicate: bool,
    pub sections: Vec<SheetSection>,
    /// X, Z and shift reports: sales per hour of the day (UTC), first to last hour with sales,
    /// quiet hours between as zero; what the screen's chart and the printout's chart draw.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hours: Vec<SheetHour>,
}

/// One hour's sales: the hour of the day (0–23, UTC), how many, how much (minor units).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SheetHour {
    pub hour: u8,
    pub count: u64,
    pub amount: i64,
}

/// A report: the sheet, and the computation's figures as data (`?format=csv` gives the CSV).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Report {
    pub sheet: Sheet,
    /// The full figures (operations, tenders, drawer, cashiers…) in minor units.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// One past Z in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ZSummary {
    pub number: i64,
    pub business_day: String,
    pub closed_at: String,
    pub hash: String,
    pub net: i64,
    pub currency: String,
}

/// `POST /till/v1/reports/liability/breakage`: book the estimate the manager saw.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BreakageConfirm {
    /// The estimate shown, in minor units: booking is refused if it changed meanwhile.
    pub amount: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Booked {
    pub count: u64,
    pub amount: i64,
}

/// `POST /till/v1/reports/settlement/top-up`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TopUp {
    /// Decimal amount such as `"500.00"`.
    pub amount: String,
    /// The bank transfer's reference; the same reference twice records one top-up.
    pub reference: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Prepaid {
    pub available: i64,
    pub on_hold: i64,
    pub posted: i64,
    /// The reference had been recorded before: this call booked nothing.
    #[serde(default)]
    pub already_recorded: bool,
}
