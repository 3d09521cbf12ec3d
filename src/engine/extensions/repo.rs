//! Every SQL statement of the payment extensions, against [`Sql`] (the portable subset).

use super::ExtError;
use super::Once;
use super::card::Payment;
use crate::store::{Row, Sql, StoreError, params};

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
     requested, authorized, collected, refunded, status, verify_signature, response_code, settled_in";

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
        settled_in: r.get(15)?,
    })
}

pub fn insert_card_payment(sql: Sql<'_>, tenant: &str, p: &Payment, now: i64) -> Result<(), StoreError> {
    sql.execute(
        &format!(
            "INSERT INTO instore_card_payments (tenant, {PAYMENT_COLUMNS}, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
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
            p.settled_in.as_ref(),
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

/// Collected payments of `tenant` in `currency` not yet in a settlement batch.
pub fn unsettled_card_payments(sql: Sql<'_>, tenant: &str, currency: &str) -> Result<Vec<Payment>, StoreError> {
    sql.query_all(
        &format!(
            "SELECT {PAYMENT_COLUMNS} FROM instore_card_payments
             WHERE tenant = ?1 AND currency = ?2 AND settled_in IS NULL AND collected > 0 ORDER BY created_at"
        ),
        params![tenant, currency],
        payment_row,
    )
}

pub fn mark_card_payment_settled(
    sql: Sql<'_>,
    tenant: &str,
    processor_id: &str,
    batch: &str,
) -> Result<(), StoreError> {
    sql.execute(
        "UPDATE instore_card_payments SET settled_in = ?3 WHERE tenant = ?1 AND processor_id = ?2",
        params![tenant, processor_id, batch],
    )?;
    Ok(())
}

/// Tenants with card payments in `currency`, or every (tenant, currency) pair.
pub fn card_tenants(sql: Sql<'_>) -> Result<Vec<(String, String)>, StoreError> {
    sql.query_all(
        "SELECT DISTINCT tenant, currency FROM instore_card_payments ORDER BY tenant, currency",
        params![],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

// ---- card settlements

/// One settlement batch: the processor paid out `net` (negative: took it back).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BatchRow {
    pub tenant: String,
    pub batch_id: String,
    pub currency: String,
    /// Payments first settled in this batch.
    pub payments: i64,
    /// Collected since the previous batch.
    pub gross: i64,
    /// Refunded or cancelled since the previous batch.
    pub refunds: i64,
    pub net: i64,
    /// Nanoseconds since the Unix epoch (engine clock).
    pub created_at: i64,
}

pub fn insert_batch(sql: Sql<'_>, b: &BatchRow) -> Result<(), StoreError> {
    sql.execute(
        "INSERT INTO instore_card_settlements (tenant, batch_id, currency, payments, gross, refunds, net, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![&b.tenant, &b.batch_id, &b.currency, b.payments, b.gross, b.refunds, b.net, b.created_at],
    )?;
    Ok(())
}

/// Batches, oldest first: of one tenant and currency, or all of them.
pub fn batches(sql: Sql<'_>, tenant: Option<&str>, currency: Option<&str>) -> Result<Vec<BatchRow>, StoreError> {
    // Batches are few (one a day per tenant and currency): filtered here, one portable statement.
    let all = sql.query_all(
        "SELECT tenant, batch_id, currency, payments, gross, refunds, net, created_at FROM instore_card_settlements
         ORDER BY created_at, batch_id",
        params![],
        |r| {
            Ok(BatchRow {
                tenant: r.get(0)?,
                batch_id: r.get(1)?,
                currency: r.get(2)?,
                payments: r.get(3)?,
                gross: r.get(4)?,
                refunds: r.get(5)?,
                net: r.get(6)?,
                created_at: r.get(7)?,
            })
        },
    )?;
    Ok(all
        .into_iter()
        .filter(|b| tenant.is_none_or(|t| t == b.tenant) && currency.is_none_or(|c| c == b.currency))
        .collect())
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
