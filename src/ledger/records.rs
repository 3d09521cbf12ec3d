//! The ledger's types to and from the storage records (`crate::store::ledger`): the store keeps
//! flags as raw bits and knows nothing of what they mean.

use super::{Account, AccountFlags, Transfer, TransferFlags};
use crate::store::ledger::{AccountRecord, TransferRecord};

impl From<AccountRecord> for Account {
    fn from(r: AccountRecord) -> Account {
        Account {
            id: r.id,
            ledger: r.ledger,
            code: r.code,
            flags: AccountFlags(r.flags),
            debits_pending: r.debits_pending,
            debits_posted: r.debits_posted,
            credits_pending: r.credits_pending,
            credits_posted: r.credits_posted,
            user_data_128: r.user_data_128,
            user_data_64: r.user_data_64,
            user_data_32: r.user_data_32,
            timestamp: r.timestamp,
        }
    }
}

impl From<&Account> for AccountRecord {
    fn from(a: &Account) -> AccountRecord {
        AccountRecord {
            id: a.id,
            ledger: a.ledger,
            code: a.code,
            flags: a.flags.0,
            debits_pending: a.debits_pending,
            debits_posted: a.debits_posted,
            credits_pending: a.credits_pending,
            credits_posted: a.credits_posted,
            user_data_128: a.user_data_128,
            user_data_64: a.user_data_64,
            user_data_32: a.user_data_32,
            timestamp: a.timestamp,
        }
    }
}

impl From<TransferRecord> for Transfer {
    fn from(r: TransferRecord) -> Transfer {
        Transfer {
            id: r.id,
            debit_account_id: r.debit_account_id,
            credit_account_id: r.credit_account_id,
            amount: r.amount,
            pending_id: r.pending_id,
            timeout: r.timeout,
            ledger: r.ledger,
            code: r.code,
            flags: TransferFlags(r.flags),
            user_data_128: r.user_data_128,
            user_data_64: r.user_data_64,
            user_data_32: r.user_data_32,
            timestamp: r.timestamp,
        }
    }
}

impl From<&Transfer> for TransferRecord {
    fn from(t: &Transfer) -> TransferRecord {
        TransferRecord {
            id: t.id,
            debit_account_id: t.debit_account_id,
            credit_account_id: t.credit_account_id,
            amount: t.amount,
            pending_id: t.pending_id,
            timeout: t.timeout,
            ledger: t.ledger,
            code: t.code,
            flags: t.flags.0,
            user_data_128: t.user_data_128,
            user_data_64: t.user_data_64,
            user_data_32: t.user_data_32,
            timestamp: t.timestamp,
        }
    }
}
