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
    doc.merge(super::spots::Doc::openapi());
    doc.merge(super::instore::doc());
    document_errors(&mut doc);
    doc
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
/// authentication, 404 for a route with a path parameter (no such thing). A route that already
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
            let takes_input = has_path_param
                || op.request_body.is_some()
                || op.parameters.as_ref().is_some_and(|p| !p.is_empty());
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let wanted = [
                ("400", takes_input, "The request does not parse: a path, query or body value is malformed."),
                ("401", secured, "No valid credentials."),
                ("403", secured, "The credentials may not do this."),
                ("404", has_path_param, "Nothing has this identifier."),
            ];
            for (code, applies, description) in wanted {
                if !applies || responses.contains_key(code) {
                    continue;
                }
                let content = ContentBuilder::new().schema(Some(Ref::from_schema_name(schema))).build();
                let response = ResponseBuilder::new().description(description).content("application/json", content).build();
                responses.insert(code.to_string(), response.into());
            }
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(|| async { Json(document()) }))
}
