//! Stores, registered under the partner's own identifier (`A1234`) so a terminal can name its store
//! without a lookup. Orders for unregistered stores are refused.

use serde::{Deserialize, Serialize};

use super::{ns_i64, parse_country, repo};
use crate::engine::retail::RetailError;
use crate::engine::{Engine, EngineError};
use crate::ledger::LedgerError;
use crate::store::Sql;

pub use crate::engine::domain::StoreId;

/// A store's postal address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub street: String,
    pub postal_code: String,
    pub city: String,
}

/// A registered store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    pub id: StoreId,
    pub name: String,
    pub address: Address,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: String,
    /// Nanoseconds since the epoch (ledger clock).
    pub created_at: i64,
}

/// What registering a store needs, as it arrives.
#[derive(Debug, Clone)]
pub struct NewStore {
    pub id: String,
    pub name: String,
    pub address: Address,
    pub country: String,
}

/// Filters for listing stores.
#[derive(Debug, Clone, Default)]
pub struct StoreFilter {
    pub country: Option<String>,
    /// Case-insensitive substring of the name or city.
    pub query: Option<String>,
    /// Store id to continue after (from the previous page).
    pub after: Option<String>,
    pub limit: u32,
}

/// A page of a listing; `next_cursor` continues it.
#[derive(Debug, Clone)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

fn validated(new: NewStore) -> Result<(StoreId, String, Address, String), RetailError> {
    let id = StoreId::parse(new.id.trim())?;
    let country = parse_country(&new.country)
        .ok_or_else(|| RetailError::bad_request("invalid_country", "country must be an ISO 3166-1 alpha-2 code"))?;
    let name = new.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(RetailError::bad_request("invalid_store_name", "name must be 1 to 100 characters"));
    }
    let a = &new.address;
    for (field, value) in [("street", &a.street), ("postal_code", &a.postal_code), ("city", &a.city)] {
        if value.trim().is_empty() || value.chars().count() > 100 {
            return Err(RetailError::bad_request(
                "invalid_address",
                format!("address.{field} must be 1 to 100 characters"),
            ));
        }
    }
    let address = Address {
        street: a.street.trim().to_string(),
        postal_code: a.postal_code.trim().to_string(),
        city: a.city.trim().to_string(),
    };
    Ok((id, name, address, country))
}

/// The store `[store]` of till.toml describes, as a registration (`None` without a store id).
pub fn configured(engine: &Engine) -> Option<NewStore> {
    let store = &engine.config().store;
    let id = store.store_id.as_ref()?;
    let street = store.address.first().cloned().unwrap_or_else(|| "-".into());
    let second = store.address.get(1).cloned().unwrap_or_default();
    let (postal_code, city) = second.split_once(' ').unwrap_or(("-", second.as_str()));
    Some(NewStore {
        id: id.to_string(),
        name: store.name.clone().unwrap_or_default(),
        address: Address {
            street,
            postal_code: postal_code.to_string(),
            city: if city.is_empty() { "-".into() } else { city.to_string() },
        },
        country: store.country.clone(),
    })
}

/// Registers this server's own store in the catalogue when it is not there yet, so that on a
/// chain's shared database every server accepts every store's `storeCode` and head office's
/// reports know each store by its details. A store registered with other details is left as it
/// is (the catalogue, not one server's file, is the chain's record) and reported back.
pub async fn join_chain(engine: &Engine) -> Result<Option<String>, EngineError> {
    let Some(new) = configured(engine) else { return Ok(None) };
    let id = new.id.clone();
    match register_store(engine, new).await {
        Ok(_) => Ok(None),
        Err(RetailError::Rejected { code: "store_exists", .. }) => Ok(Some(format!(
            "store {id} is registered in the database with other details than [store] of till.toml; the database's are used"
        ))),
        // A [store] the catalogue cannot take (say, no ISO country) leaves the server as it was
        // before chains: its own store still works, other servers do not know it.
        Err(RetailError::Rejected { message, .. }) => {
            Ok(Some(format!("store {id} from [store] of till.toml is not registered in the database: {message}")))
        }
        Err(e) => Err(EngineError::Config(format!("[store]: {e}"))),
    }
}

/// Registers a store inside a write. Registering the same id again with the same details returns
/// the store (`false`: not new); with other details it is refused (`store_exists`), so a typo cannot
/// silently move a store.
pub fn insert(sql: Sql<'_>, now: i64, new: NewStore) -> Result<(Store, bool), RetailError> {
    let (id, name, address, country) = validated(new)?;
    if let Some(existing) = repo::load_store(sql, id.as_str())? {
        if existing.name == name && existing.address == address && existing.country == country {
            return Ok((existing, false));
        }
        return Err(RetailError::conflict(
            "store_exists",
            format!("store {id} is already registered with other details"),
        ));
    }
    let store = Store { id, name, address, country, created_at: now };
    repo::insert_store(sql, &store)?;
    Ok((store, true))
}

/// Registers a store (see [`insert`]).
pub async fn register_store(engine: &Engine, new: NewStore) -> Result<(Store, bool), RetailError> {
    validated(new.clone())?;
    engine.ledger().write(move |tx| insert(tx.sql(), ns_i64(tx.now()), new)).await
}

/// One store by id, on any transaction (reads and write closures alike).
pub fn load(sql: Sql<'_>, id: &str) -> Result<Option<Store>, RetailError> {
    Ok(repo::load_store(sql, id)?)
}

/// Whether a store is registered. For other areas (the gift service's `storeCode`).
pub fn store_exists(engine: &Engine, id: &str) -> Result<bool, LedgerError> {
    let id = id.to_string();
    engine.ledger().read_sql(move |sql| Ok(repo::load_store(sql, &id)?.is_some()))
}

/// One store.
pub fn get_store(engine: &Engine, id: &str) -> Result<Option<Store>, RetailError> {
    let id = id.to_string();
    engine.ledger().read_sql(move |sql| load(sql, &id))
}

/// Stores ordered by id, filtered, one page at a time.
pub fn list_stores(engine: &Engine, filter: StoreFilter) -> Result<Listing<Store>, RetailError> {
    let limit = filter.limit.clamp(1, 200);
    let country = match &filter.country {
        Some(c) => Some(parse_country(c).ok_or_else(|| {
            RetailError::bad_request("invalid_country", "country must be an ISO 3166-1 alpha-2 code")
        })?),
        None => None,
    };
    let query = filter.query.as_ref().map(|q| format!("%{}%", q.to_lowercase().replace(['%', '_'], "")));
    let after = filter.after.clone().unwrap_or_default();
    let mut items = engine.ledger().read_sql(move |sql| {
        repo::list_stores(sql, &after, country.as_deref(), query.as_deref(), i64::from(limit) + 1)
            .map_err(LedgerError::from)
    })?;
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|s| s.id.to_string())
    } else {
        None
    };
    Ok(Listing { items, next_cursor })
}
