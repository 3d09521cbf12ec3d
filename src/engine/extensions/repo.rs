//! Every SQL statement of the payment extensions, against [`Sql`] (the portable subset).

use super::ExtError;
use super::Once;
use super::card::Payment;
use crate::ledger::Migration;
use crate::store::{Row, Sql, StoreError, params};

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        component: "instore",
        version: 1,
        sql: "
CREATE TABLE instore_tenants (
    id TEXT PRIMARY KEY,
    sealed_key BLOB NOT NULL,
    api_key_sha256 TEXT,
    created_at INTEGER NOT NULL
);
-- The first reply of every state-changing request, by its idempotency key.
CREATE TABLE instore_replies (
    tenant TEXT NOT NULL,
    action TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    reply TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, action, key)
);
CREATE TABLE instore_card_payments (
    tenant TEXT NOT NULL,
    processor_id TEXT NOT NULL,
    cart_key TEXT,
    reference TEXT,
    sale_id TEXT,
    last4 TEXT NOT NULL,
    brand TEXT NOT NULL,
    account_type TEXT NOT NULL,
    currency TEXT NOT NULL,
    requested INTEGER NOT NULL,
    authorized INTEGER NOT NULL,
    collected INTEGER NOT NULL,
    refunded INTEGER NOT NULL,
    status TEXT NOT NULL,
    verify_signature INTEGER NOT NULL,
    response_code TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, processor_id)
);
CREATE INDEX instore_card_by_cart ON instore_card_payments (tenant, cart_key, created_at);
CREATE INDEX instore_card_by_reference ON instore_card_payments (tenant, reference, created_at);
CREATE INDEX instore_card_by_sale ON instore_card_payments (tenant, sale_id, created_at);
-- Stored-value envelopes: acknowledged at once, worked on, their result kept for repeats.
CREATE TABLE instore_sv_requests (
    tenant TEXT NOT NULL,
    request_id TEXT NOT NULL,
    action TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    payload TEXT NOT NULL,
    callback_url TEXT,
    status_url TEXT,
    correlation_id TEXT,
    state TEXT NOT NULL,
    result TEXT,
    status_sent INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, request_id)
);
CREATE INDEX instore_sv_requests_state ON instore_sv_requests (state, created_at);
-- The stored-value type of a gift card (GiftCard when the card never came through here).
CREATE TABLE instore_sv_cards (
    number TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    issuer TEXT,
    customer_id TEXT,
    created_at INTEGER NOT NULL
);
-- Loads and redeems made through the extension, so a Cancel can be checked against them.
CREATE TABLE instore_sv_ops (
    payment_id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    number TEXT NOT NULL,
    action TEXT NOT NULL,
    px_id TEXT NOT NULL
);
CREATE TABLE instore_poa_accounts (
    tenant TEXT NOT NULL,
    account_number TEXT NOT NULL,
    company_name TEXT NOT NULL,
    authorized_user_ids TEXT NOT NULL,
    currency TEXT NOT NULL,
    credit_limit INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, account_number)
);
CREATE TABLE instore_poa_log (
    tenant TEXT NOT NULL,
    id TEXT NOT NULL,
    account_number TEXT NOT NULL,
    action TEXT NOT NULL,
    company_name TEXT,
    authorized_user_id TEXT,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    session_id TEXT,
    order_id TEXT,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX instore_poa_log_by_account ON instore_poa_log (tenant, account_number, created_at);
",
    },
    Migration {
        component: "instore",
        version: 2,
        sql: "
-- Single-use codes a wallet app shows (till wallet barcode).
CREATE TABLE instore_wallet_codes (
    code TEXT PRIMARY KEY,
    wallet_id INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_by TEXT,
    created_at INTEGER NOT NULL
);
CREATE TABLE instore_wallet_payments (
    tenant TEXT NOT NULL,
    transaction_id TEXT NOT NULL,
    wallet_id INTEGER NOT NULL,
    barcode TEXT NOT NULL,
    currency TEXT NOT NULL,
    total INTEGER NOT NULL,
    tip INTEGER NOT NULL,
    refunded INTEGER NOT NULL,
    status TEXT NOT NULL,
    note TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, transaction_id)
);
CREATE TABLE instore_wallet_cancel_log (
    tenant TEXT NOT NULL,
    id TEXT NOT NULL,
    transaction_id TEXT,
    barcode TEXT,
    reference TEXT,
    response_code TEXT,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, id)
);
",
    },
];

// ---- wallet codes and payments

pub fn insert_wallet_code(
    sql: Sql<'_>,
    code: &str,
    wallet_id: i64,
    expires_at: i64,
    now: i64,
) -> Result<(), StoreError> {
    sql.execute(
        "INSERT INTO instore_wallet_codes (code, wallet_id, expires_at, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![code, wallet_id, expires_at, now],
    )?;
    Ok(())
}

/// (wallet id, expires_at, used_by) of a code.
pub fn wallet_code(sql: Sql<'_>, code: &str) -> Result<Option<(i64, i64, Option<String>)>, StoreError> {
    sql.query_one(
        "SELECT wallet_id, expires_at, used_by FROM instore_wallet_codes WHERE code = ?1",
        params![code],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
}

pub fn use_wallet_code(sql: Sql<'_>, code: &str, by: &str) -> Result<bool, StoreError> {
    Ok(sql.execute(
        "UPDATE instore_wallet_codes SET used_by = ?2 WHERE code = ?1 AND used_by IS NULL",
        params![code, by],
    )? == 1)
}

/// A wallet payment as kept.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WalletPayment {
    pub transaction_id: String,
    pub wallet_id: i64,
    pub barcode: String,
    pub currency: String,
    pub total: i64,
    pub tip: i64,
    pub refunded: i64,
    /// paid, refunded (partly or fully: see `refunded`), canceled.
    pub status: String,
    pub note: Option<String>,
}

pub fn insert_wallet_payment(sql: Sql<'_>, tenant: &str, p: &WalletPayment, now: i64) -> Result<(), StoreError> {
    sql.execute(
        "INSERT INTO instore_wallet_payments (tenant, transaction_id, wallet_id, barcode, currency, total, tip, refunded,
           status, note, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            tenant,
            &p.transaction_id,
            p.wallet_id,
            &p.barcode,
            &p.currency,
            p.total,
            p.tip,
            p.refunded,
            &p.status,
            p.note.as_ref(),
            now
        ],
    )?;
    Ok(())
}

pub fn update_wallet_payment(sql: Sql<'_>, tenant: &str, p: &WalletPayment) -> Result<(), StoreError> {
    sql.execute(
        "UPDATE instore_wallet_payments SET refunded = ?3, status = ?4 WHERE tenant = ?1 AND transaction_id = ?2",
        params![tenant, &p.transaction_id, p.refunded, &p.status],
    )?;
    Ok(())
}

/// The payment by its transaction id, or (when `by_barcode`) by the code it was paid with.
pub fn wallet_payment(
    sql: Sql<'_>,
    tenant: &str,
    key: &str,
    by_barcode: bool,
) -> Result<Option<WalletPayment>, StoreError> {
    let column = if by_barcode { "barcode" } else { "transaction_id" };
    sql.query_one(
        &format!(
            "SELECT transaction_id, wallet_id, barcode, currency, total, tip, refunded, status, note
             FROM instore_wallet_payments WHERE tenant = ?1 AND {column} = ?2"
        ),
        params![tenant, key],
        |r| {
            Ok(WalletPayment {
                transaction_id: r.get(0)?,
                wallet_id: r.get(1)?,
                barcode: r.get(2)?,
                currency: r.get(3)?,
                total: r.get(4)?,
                tip: r.get(5)?,
                refunded: r.get(6)?,
                status: r.get(7)?,
                note: r.get(8)?,
            })
        },
    )
}

#[allow(clippy::too_many_arguments)]
pub fn insert_wallet_cancel_log(
    sql: Sql<'_>,
    tenant: &str,
    id: &str,
    transaction_id: Option<&str>,
    barcode: Option<&str>,
    reference: Option<&str>,
    response_code: Option<&str>,
    body: &str,
    now: i64,
) -> Result<(), StoreError> {
    sql.execute(
        "INSERT INTO instore_wallet_cancel_log (tenant, id, transaction_id, barcode, reference, response_code, body, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![tenant, id, transaction_id, barcode, reference, response_code, body, now],
    )?;
    Ok(())
}

// ---- tenants

pub struct TenantRow {
    pub id: String,
    pub sealed_key: Vec<u8>,
    pub api_key_sha256: Option<String>,
}

pub fn upsert_tenant(
    sql: Sql<'_>,
    id: &str,
    sealed: &[u8],
    api_key_sha256: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    sql.execute(
        "INSERT INTO instore_tenants (id, sealed_key, api_key_sha256, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET sealed_key = excluded.sealed_key, api_key_sha256 = excluded.api_key_sha256",
        params![id, sealed, api_key_sha256, now],
    )?;
    Ok(())
}

/// The tenant named, or every tenant when none is.
pub fn tenants(sql: Sql<'_>, id: Option<&str>) -> Result<Vec<TenantRow>, ExtError> {
    let map = |r: &Row<'_, '_>| Ok(TenantRow { id: r.get(0)?, sealed_key: r.get(1)?, api_key_sha256: r.get(2)? });
    Ok(match id {
        Some(id) => {
            sql.query_all("SELECT id, sealed_key, api_key_sha256 FROM instore_tenants WHERE id = ?1", params![id], map)?
        }
        None => sql.query_all("SELECT id, sealed_key, api_key_sha256 FROM instore_tenants LIMIT 2", params![], map)?,
    })
}

// ---- replies

pub fn stored_reply(
    sql: Sql<'_>,
    tenant: &str,
    action: &str,
    key: &str,
) -> Result<Option<(String, String)>, StoreError> {
    sql.query_one(
        "SELECT fingerprint, reply FROM instore_replies WHERE tenant = ?1 AND action = ?2 AND key = ?3",
        params![tenant, action, key],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

pub fn store_reply(sql: Sql<'_>, once: &Once, reply: &str, now: i64) -> Result<(), StoreError> {
    sql.execute(
        "INSERT INTO instore_replies (tenant, action, key, fingerprint, reply, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![&once.tenant, once.action, &once.key, &once.fingerprint, reply, now],
    )?;
    Ok(())
}

// ---- card payments

const PAYMENT_COLUMNS: &str = "processor_id, cart_key, reference, sale_id, last4, brand, account_type, currency, \
     requested, authorized, collected, refunded, status, verify_signature, response_code";

fn payment_row(r: &Row<'_, '_>) -> Result<Payment, StoreError> {
    Ok(Payment {
        processor_id: r.get(0)?,
        cart_key: r.get(1)?,
        reference: r.get(2)?,
        sale_id: r.get(3)?,
        last4: r.get(4)?,
        brand: r.get(5)?,
        account_type: r.get(6)?,
        currency: r.get(7)?,
        requested: r.get(8)?,
        authorized: r.get(9)?,
        collected: r.get(10)?,
        refunded: r.get(11)?,
        status: r.get(12)?,
        verify_signature: r.get(13)?,
        response_code: r.get(14)?,
    })
}

pub fn insert_card_payment(sql: Sql<'_>, tenant: &str, p: &Payment, now: i64) -> Result<(), StoreError> {
    sql.execute(
        &format!(
            "INSERT INTO instore_card_payments (tenant, {PAYMENT_COLUMNS}, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
        ),
        params![
            tenant,
            &p.processor_id,
            p.cart_key.as_ref(),
            p.reference.as_ref(),
            p.sale_id.as_ref(),
            &p.last4,
            &p.brand,
            &p.account_type,
            &p.currency,
            p.requested,
            p.authorized,
            p.collected,
            p.refunded,
            &p.status,
            p.verify_signature,
            &p.response_code,
            now
        ],
    )?;
    Ok(())
}

pub fn update_card_payment(sql: Sql<'_>, tenant: &str, p: &Payment) -> Result<(), StoreError> {
    sql.execute(
        "UPDATE instore_card_payments SET collected = ?3, refunded = ?4, status = ?5, verify_signature = ?6
         WHERE tenant = ?1 AND processor_id = ?2",
        params![tenant, &p.processor_id, p.collected, p.refunded, &p.status, p.verify_signature],
    )?;
    Ok(())
}

pub fn card_payment(sql: Sql<'_>, tenant: &str, processor_id: &str) -> Result<Option<Payment>, ExtError> {
    Ok(sql.query_one(
        &format!("SELECT {PAYMENT_COLUMNS} FROM instore_card_payments WHERE tenant = ?1 AND processor_id = ?2"),
        params![tenant, processor_id],
        payment_row,
    )?)
}

/// The newest payment of a cart that was authorised (declines left out).
pub fn card_payment_by_cart(sql: Sql<'_>, tenant: &str, cart_key: &str) -> Result<Option<Payment>, ExtError> {
    Ok(sql.query_one(
        &format!(
            "SELECT {PAYMENT_COLUMNS} FROM instore_card_payments
             WHERE tenant = ?1 AND cart_key = ?2 AND status <> 'declined' ORDER BY created_at DESC LIMIT 1"
        ),
        params![tenant, cart_key],
        payment_row,
    )?)
}

/// The newest authorised payment whose `reference` or `sale_id` (`field`) is `value`.
pub fn card_payment_by_field(
    sql: Sql<'_>,
    tenant: &str,
    field: &str,
    value: &str,
) -> Result<Option<Payment>, ExtError> {
    let column = if field == "sale_id" { "sale_id" } else { "reference" };
    Ok(sql.query_one(
        &format!(
            "SELECT {PAYMENT_COLUMNS} FROM instore_card_payments
             WHERE tenant = ?1 AND {column} = ?2 AND status <> 'declined' ORDER BY created_at DESC LIMIT 1"
        ),
        params![tenant, value],
        payment_row,
    )?)
}

// ---- stored-value requests

/// One stored-value envelope as kept.
#[derive(Debug, Clone)]
pub struct SvRequest {
    pub tenant: String,
    pub request_id: String,
    pub action: String,
    pub fingerprint: String,
    pub payload: String,
    pub callback_url: Option<String>,
    pub status_url: Option<String>,
    pub correlation_id: Option<String>,
    pub state: String,
    pub result: Option<String>,
    pub status_sent: bool,
    pub created_at: i64,
}

const SV_COLUMNS: &str = "tenant, request_id, action, fingerprint, payload, callback_url, status_url, correlation_id, \
     state, result, status_sent, created_at";

fn sv_row(r: &Row<'_, '_>) -> Result<SvRequest, StoreError> {
    Ok(SvRequest {
        tenant: r.get(0)?,
        request_id: r.get(1)?,
        action: r.get(2)?,
        fingerprint: r.get(3)?,
        payload: r.get(4)?,
        callback_url: r.get(5)?,
        status_url: r.get(6)?,
        correlation_id: r.get(7)?,
        state: r.get(8)?,
        result: r.get(9)?,
        status_sent: r.get(10)?,
        created_at: r.get(11)?,
    })
}

pub fn sv_request(sql: Sql<'_>, tenant: &str, request_id: &str) -> Result<Option<SvRequest>, StoreError> {
    sql.query_one(
        &format!("SELECT {SV_COLUMNS} FROM instore_sv_requests WHERE tenant = ?1 AND request_id = ?2"),
        params![tenant, request_id],
        sv_row,
    )
}

pub fn insert_sv_request(sql: Sql<'_>, r: &SvRequest) -> Result<(), StoreError> {
    sql.execute(
        &format!(
            "INSERT INTO instore_sv_requests ({SV_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
        ),
        params![
            &r.tenant,
            &r.request_id,
            &r.action,
            &r.fingerprint,
            &r.payload,
            r.callback_url.as_ref(),
            r.status_url.as_ref(),
            r.correlation_id.as_ref(),
            &r.state,
            r.result.as_ref(),
            r.status_sent,
            r.created_at
        ],
    )?;
    Ok(())
}

/// Envelopes still to work on, oldest first.
pub fn sv_accepted(sql: Sql<'_>, limit: i64) -> Result<Vec<SvRequest>, StoreError> {
    sql.query_all(
        &format!("SELECT {SV_COLUMNS} FROM instore_sv_requests WHERE state = 'accepted' ORDER BY created_at LIMIT ?1"),
        params![limit],
        sv_row,
    )
}

/// Marks the envelope done with its result; `false` when it was done already.
pub fn finish_sv_request(sql: Sql<'_>, tenant: &str, request_id: &str, result: &str) -> Result<bool, StoreError> {
    Ok(sql.execute(
        "UPDATE instore_sv_requests SET state = 'done', result = ?3
         WHERE tenant = ?1 AND request_id = ?2 AND state = 'accepted'",
        params![tenant, request_id, result],
    )? == 1)
}

pub fn mark_status_sent(sql: Sql<'_>, tenant: &str, request_id: &str) -> Result<bool, StoreError> {
    Ok(sql.execute(
        "UPDATE instore_sv_requests SET status_sent = 1 WHERE tenant = ?1 AND request_id = ?2 AND status_sent = 0",
        params![tenant, request_id],
    )? == 1)
}

pub fn sv_card_type(sql: Sql<'_>, number: &str) -> Result<Option<String>, StoreError> {
    sql.query_one("SELECT type FROM instore_sv_cards WHERE number = ?1", params![number], |r| r.get(0))
}

pub fn insert_sv_card(
    sql: Sql<'_>,
    number: &str,
    kind: &str,
    issuer: Option<&str>,
    customer_id: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    sql.execute(
        "INSERT INTO instore_sv_cards (number, type, issuer, customer_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (number) DO NOTHING",
        params![number, kind, issuer, customer_id, now],
    )?;
    Ok(())
}

pub fn insert_sv_op(
    sql: Sql<'_>,
    payment_id: &str,
    tenant: &str,
    number: &str,
    action: &str,
    px: &str,
) -> Result<(), StoreError> {
    sql.execute(
        "INSERT INTO instore_sv_ops (payment_id, tenant, number, action, px_id) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (payment_id) DO NOTHING",
        params![payment_id, tenant, number, action, px],
    )?;
    Ok(())
}

/// The operation (number, px id) a Cancel names, if this tenant made it.
pub fn sv_op(sql: Sql<'_>, tenant: &str, payment_id: &str) -> Result<Option<(String, String)>, StoreError> {
    sql.query_one(
        "SELECT number, px_id FROM instore_sv_ops WHERE payment_id = ?1 AND tenant = ?2",
        params![payment_id, tenant],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

// ---- pay on account

/// A pay-on-account line as kept (its balance lives in the ledger).
#[derive(Debug, Clone)]
pub struct PoaRow {
    pub account_number: String,
    pub company_name: String,
    pub authorized_user_ids: Vec<String>,
    pub currency: String,
    pub credit_limit: i64,
}

pub fn poa_account(sql: Sql<'_>, tenant: &str, number: &str) -> Result<Option<PoaRow>, StoreError> {
    sql.query_one(
        "SELECT account_number, company_name, authorized_user_ids, currency, credit_limit
         FROM instore_poa_accounts WHERE tenant = ?1 AND account_number = ?2",
        params![tenant, number],
        |r| {
            let users: String = r.get(2)?;
            Ok(PoaRow {
                account_number: r.get(0)?,
                company_name: r.get(1)?,
                authorized_user_ids: serde_json::from_str(&users).unwrap_or_default(),
                currency: r.get(3)?,
                credit_limit: r.get(4)?,
            })
        },
    )
}

pub fn upsert_poa_account(sql: Sql<'_>, tenant: &str, a: &PoaRow, now: i64) -> Result<(), StoreError> {
    let users = serde_json::to_string(&a.authorized_user_ids).unwrap_or_else(|_| "[]".into());
    sql.execute(
        "INSERT INTO instore_poa_accounts
           (tenant, account_number, company_name, authorized_user_ids, currency, credit_limit, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (tenant, account_number) DO UPDATE SET company_name = excluded.company_name,
           authorized_user_ids = excluded.authorized_user_ids, credit_limit = excluded.credit_limit",
        params![tenant, &a.account_number, &a.company_name, &users, &a.currency, a.credit_limit, now],
    )?;
    Ok(())
}

/// One row of the pay-on-account log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PoaLogRow {
    pub account_number: String,
    pub action: String,
    pub company_name: Option<String>,
    pub authorized_user_id: Option<String>,
    pub amount: i64,
    pub currency: String,
    pub session_id: Option<String>,
    pub order_id: Option<String>,
    pub status: String,
}

pub fn insert_poa_log(sql: Sql<'_>, tenant: &str, id: &str, l: &PoaLogRow, now: i64) -> Result<(), StoreError> {
    sql.execute(
        "INSERT INTO instore_poa_log (tenant, id, account_number, action, company_name, authorized_user_id, amount,
           currency, session_id, order_id, status, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            tenant,
            id,
            &l.account_number,
            &l.action,
            l.company_name.as_ref(),
            l.authorized_user_id.as_ref(),
            l.amount,
            &l.currency,
            l.session_id.as_ref(),
            l.order_id.as_ref(),
            &l.status,
            now
        ],
    )?;
    Ok(())
}

pub fn poa_log(sql: Sql<'_>, tenant: &str, number: &str) -> Result<Vec<PoaLogRow>, StoreError> {
    sql.query_all(
        "SELECT account_number, action, company_name, authorized_user_id, amount, currency, session_id, order_id, status
         FROM instore_poa_log WHERE tenant = ?1 AND account_number = ?2 ORDER BY created_at, id",
        params![tenant, number],
        |r| {
            Ok(PoaLogRow {
                account_number: r.get(0)?,
                action: r.get(1)?,
                company_name: r.get(2)?,
                authorized_user_id: r.get(3)?,
                amount: r.get(4)?,
                currency: r.get(5)?,
                session_id: r.get(6)?,
                order_id: r.get(7)?,
                status: r.get(8)?,
            })
        },
    )
}
