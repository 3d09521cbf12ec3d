//! Pay on account: business customers' credit lines as ledger accounts.
//!
//! A line is an account with `debits_must_not_exceed_credits`, credited with its credit limit
//! (from the tenant's credit-lines account) and with every payment into it (from the tenant's
//! funding account), debited with every charge (to the tenant's extension sales). Its balance is
//! credits − debits − limit: it may fall to −limit and the ledger itself refuses anything past
//! that, however many charges race in. Lowering a limit is a transfer back to the credit lines,
//! refused the same way when the balance is already below the new floor.

use serde::{Deserialize, Serialize};

use super::repo;
pub use super::repo::{PoaLogRow, PoaRow};
use super::{ExtError, Once, once_in};
use crate::engine::Engine;
use crate::engine::accounts::{account_id, code, transfer_code, transfer_id};
use crate::ledger::{AccountFlags, CreateTransferResult, NewAccount, NewTransfer, WriteTx};
use crate::money::{Currency, Money};

/// `payonaccount/process`.
#[derive(Debug, Clone, Default)]
pub struct ProcessRequest {
    /// Create, Credit, Inquiry or Update.
    pub action: String,
    pub account_number: Option<String>,
    pub company_name: Option<String>,
    pub authorized_user_ids: Option<Vec<String>>,
    pub authorized_user_id: Option<String>,
    /// Create: an opening payment; Credit: the payment into the account.
    pub balance: Option<Money>,
    /// Create (required); Update (optional: raises or lowers the limit).
    pub credit_limit: Option<Money>,
}

/// The reply of `payonaccount/process`; `balance` is credits − debits − limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub ok: bool,
    pub error: Option<String>,
    pub action: String,
    pub account_number: String,
    pub company_name: String,
    pub authorized_user_ids: Vec<String>,
    pub authorized_user_id: Option<String>,
    pub currency: String,
    pub balance: i64,
    pub credit_limit: i64,
    /// approved or declined.
    pub status: String,
}

fn accounts(tenant: &str, number: &str, ledger: u32) -> (u128, u128, u128, u128) {
    (
        account_id(code::POA_ACCOUNT, ledger, &format!("{tenant}:{number}")),
        account_id(code::POA_CREDIT_LINES, ledger, tenant),
        account_id(code::POA_FUNDING, ledger, tenant),
        account_id(code::EXTENSION_SALES, ledger, tenant),
    )
}

fn now(tx: &WriteTx<'_>) -> i64 {
    i64::try_from(tx.now()).unwrap_or(i64::MAX)
}

fn currency(code: &str) -> Result<Currency, ExtError> {
    Currency::from_code(code).map_err(|e| ExtError::Internal(format!("stored currency: {e}")))
}

fn line_of(tx: &WriteTx<'_>, tenant: &str, row: &PoaRow, action: &str) -> Result<Line, ExtError> {
    let ledger = currency(&row.currency)?.ledger();
    let (id, ..) = accounts(tenant, &row.account_number, ledger);
    let credit = tx.lookup_account(id)?.map_or(0, |a| a.credit_balance());
    let balance = i64::try_from(credit - i128::from(row.credit_limit)).unwrap_or(i64::MIN);
    Ok(Line {
        ok: true,
        error: None,
        action: action.into(),
        account_number: row.account_number.clone(),
        company_name: row.company_name.clone(),
        authorized_user_ids: row.authorized_user_ids.clone(),
        authorized_user_id: None,
        currency: row.currency.clone(),
        balance,
        credit_limit: row.credit_limit,
        status: "approved".into(),
    })
}

fn declined(action: &str, number: &str, error: impl Into<String>) -> Line {
    Line {
        ok: false,
        error: Some(error.into()),
        action: action.into(),
        account_number: number.into(),
        company_name: String::new(),
        authorized_user_ids: vec![],
        authorized_user_id: None,
        currency: String::new(),
        balance: 0,
        credit_limit: 0,
        status: "declined".into(),
    }
}

fn amount_u64(m: Money) -> Result<u64, ExtError> {
    u64::try_from(m.minor()).map_err(|_| ExtError::Invalid("amounts must not be negative".into()))
}

/// `payonaccount/process`. Create is idempotent by `account_number` (when given), Credit and
/// Update by the request's fingerprint; Inquiry changes nothing.
pub async fn process(engine: &Engine, tenant: &str, r: ProcessRequest, fingerprint: &str) -> Result<Line, ExtError> {
    let action = r.action.clone();
    if !["Create", "Credit", "Inquiry", "Update"].contains(&action.as_str()) {
        return Err(ExtError::Invalid("action must be Create, Credit, Inquiry or Update".into()));
    }
    if let Some(n) = &r.account_number
        && (n.is_empty() || n.len() > 64)
    {
        return Err(ExtError::Invalid("account_number: 1 to 64 characters".into()));
    }
    if action != "Create" && r.account_number.is_none() {
        return Err(ExtError::Invalid(format!("{action} needs an account_number")));
    }
    let tenant = tenant.to_string();
    if action == "Inquiry" {
        let number = r.account_number.clone().unwrap_or_default();
        return engine
            .ledger()
            .write(move |tx| match repo::poa_account(tx.sql(), &tenant, &number)? {
                None => Ok(declined("Inquiry", &number, "No such account.")),
                Some(row) => line_of(tx, &tenant, &row, "Inquiry"),
            })
            .await;
    }
    let key = match (&action[..], &r.account_number) {
        ("Create", Some(n)) => format!("Create:{n}"),
        _ => format!("{action}:{fingerprint}"),
    };
    let once = Once::new(&tenant, "payonaccount/process", key, fingerprint);
    let number = r.account_number.clone().unwrap_or_else(|| {
        use rand::Rng;
        let mut rng = rand::rng();
        (0..10).map(|_| char::from(b'0' + rng.random_range(0..10u8))).collect()
    });
    engine
        .ledger()
        .write(move |tx| {
            once_in(tx, &once, |tx| match action.as_str() {
                "Create" => create(tx, &tenant, &number, &r, &once.fingerprint),
                "Credit" => credit(tx, &tenant, &number, &r, &once.fingerprint),
                _ => update(tx, &tenant, &number, &r, &once.fingerprint),
            })
        })
        .await
}

fn create(tx: &mut WriteTx<'_>, tenant: &str, number: &str, r: &ProcessRequest, fp: &str) -> Result<Line, ExtError> {
    let limit = r.credit_limit.ok_or_else(|| ExtError::Invalid("Create needs a credit_limit".into()))?;
    let company = r.company_name.clone().filter(|c| !c.trim().is_empty());
    let company = company.ok_or_else(|| ExtError::Invalid("Create needs a company_name".into()))?;
    if limit.is_negative() {
        return Err(ExtError::Invalid("credit_limit must not be negative".into()));
    }
    if let Some(b) = r.balance
        && (b.currency() != limit.currency() || b.is_negative())
    {
        return Err(ExtError::Invalid("balance must be a non-negative amount in the credit limit's currency".into()));
    }
    if repo::poa_account(tx.sql(), tenant, number)?.is_some() {
        return Ok(declined("Create", number, "An account with this number exists."));
    }
    let ledger = limit.currency().ledger();
    let (id, lines, funding, sales) = accounts(tenant, number, ledger);
    let results = tx.create_accounts(&[
        NewAccount {
            id,
            ledger,
            code: code::POA_ACCOUNT,
            flags: AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS | AccountFlags::HISTORY,
            ..NewAccount::default()
        },
        NewAccount { id: lines, ledger, code: code::POA_CREDIT_LINES, ..NewAccount::default() },
        NewAccount { id: funding, ledger, code: code::POA_FUNDING, ..NewAccount::default() },
        NewAccount {
            id: sales,
            ledger,
            code: code::EXTENSION_SALES,
            flags: AccountFlags::HISTORY,
            ..NewAccount::default()
        },
    ])?;
    if let Some(bad) = results.iter().find(|r| !r.is_success()) {
        return Err(ExtError::Internal(format!("pay-on-account accounts: {bad:?}")));
    }
    let mut transfers = Vec::new();
    if limit.minor() > 0 {
        transfers.push(NewTransfer {
            id: transfer_id(&format!("instore:poa:{tenant}:{number}:limit:{fp}")),
            debit_account_id: lines,
            credit_account_id: id,
            amount: amount_u64(limit)?,
            ledger,
            code: transfer_code::POA_CREDIT_LINE,
            ..NewTransfer::default()
        });
    }
    if let Some(b) = r.balance.filter(|b| b.minor() > 0) {
        transfers.push(NewTransfer {
            id: transfer_id(&format!("instore:poa:{tenant}:{number}:opening:{fp}")),
            debit_account_id: funding,
            credit_account_id: id,
            amount: amount_u64(b)?,
            ledger,
            code: transfer_code::POA_PAYMENT,
            ..NewTransfer::default()
        });
    }
    let results = tx.create_transfers(&transfers)?;
    if let Some(bad) = results.iter().find(|r| !r.is_success()) {
        return Err(ExtError::Internal(format!("pay-on-account create: {bad:?}")));
    }
    let row = PoaRow {
        account_number: number.into(),
        company_name: company,
        authorized_user_ids: r.authorized_user_ids.clone().unwrap_or_default(),
        currency: limit.currency().code().into(),
        credit_limit: limit.minor(),
    };
    let t = now(tx);
    repo::upsert_poa_account(tx.sql(), tenant, &row, t)?;
    line_of(tx, tenant, &row, "Create")
}

fn credit(tx: &mut WriteTx<'_>, tenant: &str, number: &str, r: &ProcessRequest, fp: &str) -> Result<Line, ExtError> {
    let Some(row) = repo::poa_account(tx.sql(), tenant, number)? else {
        return Ok(declined("Credit", number, "No such account."));
    };
    let amount = r.balance.ok_or_else(|| ExtError::Invalid("Credit needs a balance (the amount paid in)".into()))?;
    if amount.minor() <= 0 {
        return Err(ExtError::Invalid("balance.amount must be greater than zero".into()));
    }
    if amount.currency().code() != row.currency {
        return Ok(declined("Credit", number, format!("The account is in {}.", row.currency)));
    }
    let ledger = amount.currency().ledger();
    let (id, _, funding, _) = accounts(tenant, number, ledger);
    let results = tx.create_transfers(&[NewTransfer {
        id: transfer_id(&format!("instore:poa:{tenant}:{number}:credit:{fp}")),
        debit_account_id: funding,
        credit_account_id: id,
        amount: amount_u64(amount)?,
        ledger,
        code: transfer_code::POA_PAYMENT,
        ..NewTransfer::default()
    }])?;
    match results.first() {
        Some(r) if r.is_success() => {}
        Some(CreateTransferResult::OverflowsCredits | CreateTransferResult::OverflowsCreditsPosted) => {
            return Ok(declined("Credit", number, "The amount is too large."));
        }
        other => return Err(ExtError::Internal(format!("pay-on-account credit: {other:?}"))),
    }
    let mut line = line_of(tx, tenant, &row, "Credit")?;
    line.authorized_user_id = r.authorized_user_id.clone();
    Ok(line)
}

fn update(tx: &mut WriteTx<'_>, tenant: &str, number: &str, r: &ProcessRequest, fp: &str) -> Result<Line, ExtError> {
    let Some(mut row) = repo::poa_account(tx.sql(), tenant, number)? else {
        return Ok(declined("Update", number, "No such account."));
    };
    if let Some(c) = r.company_name.clone().filter(|c| !c.trim().is_empty()) {
        row.company_name = c;
    }
    if let Some(users) = &r.authorized_user_ids {
        row.authorized_user_ids = users.clone();
    }
    if let Some(limit) = r.credit_limit {
        if limit.currency().code() != row.currency || limit.is_negative() {
            return Ok(declined("Update", number, format!("credit_limit must be a non-negative {}.", row.currency)));
        }
        let ledger = limit.currency().ledger();
        let (id, lines, ..) = accounts(tenant, number, ledger);
        let delta = limit.minor().checked_sub(row.credit_limit).ok_or_else(|| ExtError::Invalid("limit".into()))?;
        if delta != 0 {
            let (debit, credit) = if delta > 0 { (lines, id) } else { (id, lines) };
            let results = tx.create_transfers(&[NewTransfer {
                id: transfer_id(&format!("instore:poa:{tenant}:{number}:limit:{fp}")),
                debit_account_id: debit,
                credit_account_id: credit,
                amount: delta.unsigned_abs(),
                ledger,
                code: transfer_code::POA_CREDIT_LINE,
                ..NewTransfer::default()
            }])?;
            match results.first() {
                Some(r) if r.is_success() => row.credit_limit = limit.minor(),
                Some(CreateTransferResult::ExceedsCredits) => {
                    return Ok(declined("Update", number, "The account owes more than the new credit limit allows."));
                }
                other => return Err(ExtError::Internal(format!("pay-on-account limit: {other:?}"))),
            }
        }
    }
    let t = now(tx);
    repo::upsert_poa_account(tx.sql(), tenant, &row, t)?;
    let mut line = line_of(tx, tenant, &row, "Update")?;
    line.authorized_user_id = r.authorized_user_id.clone();
    Ok(line)
}

/// `payonaccountlog` (POST): an order charged to an account.
#[derive(Debug, Clone)]
pub struct Charge {
    /// Kept in the log as sent.
    pub action: String,
    pub account_number: String,
    pub company_name: Option<String>,
    pub authorized_user_id: Option<String>,
    pub amount: Money,
    pub session_id: Option<String>,
    pub order_id: String,
}

/// The charge's log row (with the decision) and, when declined, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeReply {
    pub log: PoaLogRow,
    pub error: Option<String>,
    /// The account's balance after (credits − debits − limit), when the account exists.
    pub balance: Option<i64>,
}

/// Charges `amount` to the account for `order_id`: approved only for an authorised user within
/// the credit limit (the ledger decides, atomically). Idempotent by account and `order_id`.
pub async fn charge(engine: &Engine, tenant: &str, c: Charge, fingerprint: &str) -> Result<ChargeReply, ExtError> {
    if c.order_id.trim().is_empty() {
        return Err(ExtError::Invalid("order_id is required".into()));
    }
    if c.amount.minor() <= 0 {
        return Err(ExtError::Invalid("amount.amount must be greater than zero".into()));
    }
    let key = format!("{}:{}", c.account_number, c.order_id);
    let once = Once::new(tenant, "payonaccountlog", key.clone(), fingerprint);
    let tenant = tenant.to_string();
    engine
        .ledger()
        .write(move |tx| {
            once_in(tx, &once, |tx| {
                let mut log = PoaLogRow {
                    account_number: c.account_number.clone(),
                    action: c.action.clone(),
                    company_name: c.company_name.clone(),
                    authorized_user_id: c.authorized_user_id.clone(),
                    amount: c.amount.minor(),
                    currency: c.amount.currency().code().into(),
                    session_id: c.session_id.clone(),
                    order_id: Some(c.order_id.clone()),
                    status: "declined".into(),
                };
                let row = repo::poa_account(tx.sql(), &tenant, &c.account_number)?;
                let error = match &row {
                    None => Some("No such account.".to_string()),
                    Some(row) if row.currency != log.currency => Some(format!("The account is in {}.", row.currency)),
                    Some(row)
                        if !c.authorized_user_id.as_ref().is_some_and(|u| row.authorized_user_ids.contains(u)) =>
                    {
                        Some("The user is not authorised on this account.".to_string())
                    }
                    Some(_) => {
                        let ledger = c.amount.currency().ledger();
                        let (id, _, _, sales) = accounts(&tenant, &c.account_number, ledger);
                        let results = tx.create_transfers(&[NewTransfer {
                            id: transfer_id(&format!("instore:poa:{tenant}:charge:{key}")),
                            debit_account_id: id,
                            credit_account_id: sales,
                            amount: amount_u64(c.amount)?,
                            ledger,
                            code: transfer_code::POA_CHARGE,
                            ..NewTransfer::default()
                        }])?;
                        match results.first() {
                            Some(r) if r.is_success() => None,
                            Some(CreateTransferResult::ExceedsCredits) => {
                                Some("The charge exceeds the account's credit limit.".to_string())
                            }
                            other => return Err(ExtError::Internal(format!("pay-on-account charge: {other:?}"))),
                        }
                    }
                };
                if error.is_none() {
                    log.status = "approved".into();
                }
                if log.company_name.is_none() {
                    log.company_name = row.as_ref().map(|r| r.company_name.clone());
                }
                let t = now(tx);
                repo::insert_poa_log(tx.sql(), &tenant, &key, &log, t)?;
                let balance = match &row {
                    Some(r) => Some(line_of(tx, &tenant, r, "Inquiry")?.balance),
                    None => None,
                };
                Ok(ChargeReply { log, error, balance })
            })
        })
        .await
}

/// An account with its balance and log.
#[derive(Debug, Clone)]
pub struct Statement {
    pub line: PoaRow,
    /// Credits − debits − limit.
    pub balance: i64,
    pub entries: Vec<PoaLogRow>,
}

/// `payonaccountlog/` (GET): the account's log, oldest first; `None` when there is no account.
pub fn log(engine: &Engine, tenant: &str, number: &str) -> Result<Option<Statement>, ExtError> {
    let found = engine.ledger().read_sql(|sql| {
        let Some(row) = repo::poa_account(sql, tenant, number)? else {
            return Ok::<_, ExtError>(None);
        };
        Ok(Some((row, repo::poa_log(sql, tenant, number)?)))
    })?;
    let Some((line, entries)) = found else {
        return Ok(None);
    };
    let (id, ..) = accounts(tenant, number, currency(&line.currency)?.ledger());
    let credit = engine.ledger().lookup_accounts(&[id])?.first().map_or(0, |a| a.credit_balance());
    let balance = i64::try_from(credit - i128::from(line.credit_limit)).unwrap_or(i64::MIN);
    Ok(Some(Statement { line, balance, entries }))
}
