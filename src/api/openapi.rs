//! `GET /openapi.json`: the OpenAPI document, merged from each surface's own `Doc`.

use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;

use super::AppState;

#[derive(OpenApi)]
#[openapi(info(title = "till", description = "Gift cards, retail orders and the till's own API."))]
struct ApiDoc;

/// The merged document.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(super::gift::Doc::openapi());
    doc.merge(super::retail::Doc::openapi());
    doc.merge(super::till::sessions::Doc::openapi());
    doc.merge(super::till::receipts::Doc::openapi());
    doc.merge(super::till::shifts::Doc::openapi());
    doc.merge(super::till::reports::Doc::openapi());
    doc.merge(super::till::users::Doc::openapi());
    doc.merge(super::spots::Doc::openapi());
    doc.merge(super::spots::till::Doc::openapi());
    doc.merge(super::instore::doc());
    document_errors(&mut doc);
    document_examples(&mut doc);
    doc
}

/// Request examples that succeed against a fresh demo data directory (merchant 1, store A1234,
/// the PIN-less demo card, manager 9001): an integrator can send them as they are, and
/// generated tests (schemathesis' examples phase) reach the success paths with them.
fn document_examples(doc: &mut utoipa::openapi::OpenApi) {
    use serde_json::json;
    let card = json!({"printedCardNumber": "6036280000000029"});
    let examples = [
        ("/gift/balance.json", json!({"merchantId": 1, "storeCode": "A1234", "cardInfo": card})),
        ("/gift/redeem.json", json!({"merchantId": 1, "storeCode": "A1234", "cardInfo": card, "amount": "1.00"})),
        ("/gift/reload.json", json!({"merchantId": 1, "storeCode": "A1234", "cardInfo": card, "amount": "5.00"})),
        ("/gift/sell.json", json!({"merchantId": 1, "storeCode": "A1234", "amount": "10.00"})),
        (
            "/v1/retail_orders",
            json!({"product_code": "4001232232332", "store_id": "A1234", "terminal_id": "T01",
                   "receipt_id": "R1234567890", "country": "DE", "face_value": {"currency": "EUR", "amount": "25.00"},
                   "receipt_printing": {"characters_per_line": 40, "locale": "de-DE"}}),
        ),
        (
            "/v1/stores",
            json!({"id": "B7", "name": "Second store", "address": {"street": "Hauptstr. 1", "postal_code": "10115", "city": "Berlin"}, "country": "DE"}),
        ),
        ("/till/v1/sessions", json!({"user": 9001, "pin": "9999"})),
    ];
    for (path, example) in examples {
        let Some(op) = doc.paths.paths.get_mut(path).and_then(|item| item.post.as_mut()) else { continue };
        if let Some(content) = op.request_body.as_mut().and_then(|b| b.content.get_mut("application/json")) {
            content.example = Some(example);
        }
    }
}

/// The error schema of the surface a path belongs to (see `rejections`).
fn error_schema(path: &str) -> &'static str {
    if path.starts_with("/gift") {
        "FailureBody"
    } else if path.starts_with("/rest/") {
        "SpotsErrorBody"
    } else if path.starts_with("/instore") {
        "InstoreError"
    } else {
        "ErrorBody"
    }
}

/// Documents the errors every route can answer whatever its handler says: 400 for a route that
/// takes parameters or a body (a value that does not parse), 401 and 403 for a route behind
/// authentication, 404 for a route with a path or query parameter (naming something that does
/// not exist). A route that already
/// documents the code, or a `4XX` range, is left as it is.
fn document_errors(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    for (path, item) in doc.paths.paths.iter_mut() {
        let schema = error_schema(path);
        let has_path_param = path.contains('{');
        let ops = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for op in ops.into_iter().flatten() {
            let responses = &mut op.responses.responses;
            if responses.contains_key("4XX") {
                continue;
            }
            let takes_input =
                has_path_param || op.request_body.is_some() || op.parameters.as_ref().is_some_and(|p| !p.is_empty());
            let has_query = op
                .parameters
                .as_ref()
                .is_some_and(|p| p.iter().any(|p| matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query)));
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let wanted = [
                ("400", takes_input, "The request does not parse: a path, query or body value is malformed."),
                ("401", secured, "No valid credentials."),
                ("403", secured, "The credentials may not do this."),
                ("404", has_path_param || has_query, "Nothing has this identifier."),
            ];
            for (code, applies, description) in wanted {
                if !applies || responses.contains_key(code) {
                    continue;
                }
                let content = ContentBuilder::new().schema(Some(Ref::from_schema_name(schema))).build();
                let response =
                    ResponseBuilder::new().description(description).content("application/json", content).build();
                responses.insert(code.to_string(), response.into());
            }
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(|| async { Json(document()) }))
}
