//! The chart of accounts: what each account code means and how account ids are derived.
//!
//! Ids are derived from the account's code and a stable key (card number, terminal id, product
//! code…), so every area finds its accounts without a lookup table and two areas never collide.

use sha2::{Digest, Sha256};

/// Account codes (the ledger's `code` field on accounts).
pub mod code {
    /// A gift card's balance: a liability to the card holder (credit balance).
    pub const GIFT_CARD: u16 = 1;
    /// A terminal's cash drawer (debit balance).
    pub const CASH_DRAWER: u16 = 2;
    /// Card payments awaiting settlement from the acquirer (debit balance).
    pub const CARD_CLEARING: u16 = 3;
    /// Wallet payments awaiting settlement (debit balance).
    pub const WALLET_CLEARING: u16 = 4;
    /// The partner's prepaid balance with the gift card distributor (debit balance: an asset).
    pub const PARTNER_PREPAID: u16 = 5;
    /// Funding source for top-ups of the partner balance (the bank).
    pub const PARTNER_FUNDING: u16 = 6;
    /// Third-party gift cards sold and owed to the distributor (credit balance).
    pub const DISTRIBUTOR_PAYABLE: u16 = 7;
    /// Commission earned on third-party gift cards (credit balance).
    pub const COMMISSION_REVENUE: u16 = 8;
    /// Breakage: expired gift card balances recognised as revenue (credit balance).
    pub const BREAKAGE: u16 = 9;
    /// Gift card program issuance: the merchant's side of a load (e.g. promotional loads).
    pub const GIFT_ISSUANCE: u16 = 10;
    /// Sales paid with the store's own gift cards, per store (credit balance).
    pub const GIFT_REDEEMED: u16 = 11;
    /// Tips paid with gift cards, owed to staff, per store (credit balance).
    pub const TIPS_PAYABLE: u16 = 12;
    /// Third-party gift cards sold at the till at face value: what the customer owes the till for them
    /// (debit balance), split into what the distributor took from the prepaid balance and commission.
    pub const RETAIL_SALES: u16 = 13;
    /// A customer's wallet (spots): a liability to the holder (credit balance), never overdrawn.
    pub const WALLET: u16 = 14;
    /// Where wallet money comes from when a wallet is created or topped up (the bank side).
    pub const WALLET_FUNDING: u16 = 15;
    /// Payments a store POS took through the payment extensions (card, wallet, pay on account), per
    /// tenant: what the POS's orders were paid with (credit balance).
    pub const EXTENSION_SALES: u16 = 20;
    /// A business customer's pay-on-account line: credited with its credit limit and its payments,
    /// debited with its charges; it may never be debited past its credits (balance = credits −
    /// debits − limit, down to −limit and no further).
    pub const POA_ACCOUNT: u16 = 21;
    /// Where pay-on-account credit limits come from, per tenant (debit balance: credit granted).
    pub const POA_CREDIT_LINES: u16 = 22;
    /// Where payments into pay-on-account lines come from, per tenant (debit balance: money received).
    pub const POA_FUNDING: u16 = 23;
    /// The store's safe: where opening floats come from and closing counts go (debit balance).
    pub const CASH_SAFE: u16 = 24;
    /// Cash over and short found at drawer counts, per store (credit balance = net over).
    pub const CASH_OVER_SHORT: u16 = 25;
    /// Paid-ins and paid-outs of a store's drawers (petty cash, small expenses).
    pub const CASH_PAID_IN_OUT: u16 = 26;
    /// What customers paid for third-party gift cards, per currency (credit balance): the other
    /// side of the retail tender leg into a drawer or card clearing.
    pub const RETAIL_TENDER: u16 = 27;
    /// What guests paid for their spot (table) orders by other means at the till, per location
    /// (credit balance): the other side of the cash leg into a drawer (`engine::spots::cash`).
    pub const SPOT_TENDER: u16 = 28;
    /// What the card processor paid out to the store for its card clearing, per extension tenant
    /// (debit balance: money at the bank; a settlement batch moves clearing here).
    pub const CARD_PAYOUTS: u16 = 40;
}

/// Transfer codes (the ledger's `code` field on transfers): which business operation made it.
pub mod transfer_code {
    pub const GIFT_SELL: u16 = 101;
    pub const GIFT_RELOAD: u16 = 102;
    pub const GIFT_REDEEM: u16 = 103;
    pub const GIFT_TIP: u16 = 104;
    pub const GIFT_REVERSE: u16 = 105;
    pub const GIFT_CASH_OUT: u16 = 106;
    pub const GIFT_EXCHANGE: u16 = 107;
    pub const GIFT_REFUND: u16 = 108;
    pub const RETAIL_HOLD: u16 = 201;
    pub const RETAIL_PAYMENT: u16 = 202;
    pub const RETAIL_INVALIDATE: u16 = 203;
    pub const PARTNER_TOP_UP: u16 = 204;
    pub const RETAIL_COMMISSION: u16 = 205;
    pub const WALLET_FUND: u16 = 301;
    pub const WALLET_RESERVE: u16 = 302;
    pub const WALLET_CHARGE: u16 = 303;
    pub const WALLET_REFUND: u16 = 304;
    /// A spot order paid in cash at the till: drawer ← spot tender.
    pub const SPOT_CASH: u16 = 305;
    /// Payment extensions: card authorisation hold (its capture and void carry the same code),
    /// refund, cancel of a collected payment.
    pub const CARD_AUTH: u16 = 401;
    pub const CARD_REFUND: u16 = 402;
    pub const CARD_CANCEL: u16 = 403;
    /// A settlement batch: card clearing paid out (or, when negative, taken back) by the processor.
    pub const CARD_SETTLE: u16 = 404;
    /// Pay on account: credit limit granted or lowered, a payment in, a charge out.
    pub const POA_CREDIT_LINE: u16 = 411;
    pub const POA_PAYMENT: u16 = 412;
    pub const POA_CHARGE: u16 = 413;
    /// Shifts and the drawer (`engine::shifts`; 6xx): opening float, paid-in, paid-out, over/short at
    /// the blind close, the closing drop back to the safe.
    pub const SHIFT_FLOAT: u16 = 601;
    pub const PAID_IN: u16 = 602;
    pub const PAID_OUT: u16 = 603;
    pub const CASH_OVER_SHORT: u16 = 604;
    pub const DRAWER_DROP: u16 = 605;
    /// Reports (`engine::reports`): breakage booked on a manager's confirmation, and the zero-amount
    /// marker each Z report leaves in the ledger so a deleted or altered Z is found.
    pub const GIFT_BREAKAGE: u16 = 606;
    pub const Z_MARKER: u16 = 607;
}

/// The id of the account of kind `code` for `key` in `ledger` (currency numeric code).
///
/// High 16 bits: the code, next 32 bits: the ledger, low 80 bits: a hash of the key. Never zero.
pub fn account_id(code: u16, ledger: u32, key: &str) -> u128 {
    let digest = Sha256::digest(key.as_bytes());
    let mut low = [0u8; 16];
    low[6..16].copy_from_slice(&digest[..10]);
    let hash = u128::from_be_bytes(low);
    (u128::from(code) << 112) | (u128::from(ledger) << 80) | hash
}

/// A transfer id derived from an operation key (e.g. "gift:<externalTransactionId>:<leg>"), so a
/// retried operation produces the same transfer ids and the ledger's idempotency does the rest.
pub fn transfer_id(key: &str) -> u128 {
    let digest = Sha256::digest(key.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    // Zero and u128::MAX are reserved by the ledger.
    match u128::from_be_bytes(b) {
        0 => 1,
        u128::MAX => u128::MAX - 1,
        id => id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_of_different_kinds_never_collide() {
        assert_ne!(account_id(code::GIFT_CARD, 978, "T01"), account_id(code::CASH_DRAWER, 978, "T01"));
        assert_ne!(account_id(code::CASH_DRAWER, 978, "T01"), account_id(code::CASH_DRAWER, 840, "T01"));
        assert_eq!(account_id(code::CASH_DRAWER, 978, "T01") >> 112, u128::from(code::CASH_DRAWER));
    }
}
