//! The tables of the payment extensions (migrations of component `instore`).

use crate::ledger::Migration;

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
    Migration {
        component: "instore",
        version: 3,
        sql: "
-- Card clearing paid out by the processor: one row per settlement batch.
CREATE TABLE instore_card_settlements (
    tenant TEXT NOT NULL,
    batch_id TEXT NOT NULL,
    currency TEXT NOT NULL,
    payments INTEGER NOT NULL,
    gross INTEGER NOT NULL,
    refunds INTEGER NOT NULL,
    net INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, batch_id)
);
CREATE INDEX instore_card_settlements_by_time ON instore_card_settlements (tenant, currency, created_at);
ALTER TABLE instore_card_payments ADD COLUMN settled_in TEXT;
",
    },
];
