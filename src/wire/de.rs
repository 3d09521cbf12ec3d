//! Deserialize helpers shared by the request types.
//!
//! serde builds a struct from a JSON array too (fields by position), so a client bug would pass:
//! nested struct fields that must be objects say so with `deserialize_with = "object"`.

use serde::Deserialize;
use serde::de::DeserializeOwned;

/// `deserialize_with` for a nested struct field that must be a JSON object (not an array).
pub fn object<'de, D: serde::Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<T, D::Error> {
    let map = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
    from_map(map)
}

/// [`object`] for an optional field (`null` or absent is `None`; use with `#[serde(default)]`).
pub fn optional_object<'de, D: serde::Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    match Option::<serde_json::Map<String, serde_json::Value>>::deserialize(d)? {
        Some(map) => from_map(map).map(Some),
        None => Ok(None),
    }
}

fn from_map<E: serde::de::Error, T: DeserializeOwned>(map: serde_json::Map<String, serde_json::Value>) -> Result<T, E> {
    serde_path_to_error::deserialize(serde_json::Value::Object(map)).map_err(|e| {
        let path = e.path().to_string();
        if path.is_empty() || path == "." {
            E::custom(e.into_inner())
        } else {
            E::custom(format!("`{path}`: {}", e.into_inner()))
        }
    })
}
