//! The error answers every operation can give, added to the OpenAPI document from what the
//! operation takes, the way the extractors and `AppError` really answer: a body that cannot be
//! read is 400, a caller without a valid session or token 401, a role or CSRF refusal 403, an id
//! that is unknown or out of reach 404, a rule of the present state 409, a body over the route's
//! limit 413, a body that is not JSON 415, an invalid field or query parameter 422. An answer an
//! operation already documents keeps its own description.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};

/// What a request of the operation carries.
struct Takes {
    body: bool,
    json: bool,
    path: bool,
    query: bool,
    write: bool,
}

fn takes(op: &Operation, write: bool) -> Takes {
    let content = match &op.request_body {
        Some(RefOr::T(b)) => b.content.keys().cloned().collect(),
        _ => Vec::new(),
    };
    let params: Vec<ParameterIn> = op
        .parameters
        .iter()
        .flatten()
        .filter_map(|p| match p {
            RefOr::T(p) => Some(p.parameter_in.clone()),
            RefOr::Ref(_) => None,
        })
        .collect();
    Takes {
        body: op.request_body.is_some(),
        json: content.iter().any(|c| c == "application/json"),
        path: params.iter().any(|p| matches!(p, ParameterIn::Path)),
        query: params.iter().any(|p| matches!(p, ParameterIn::Query)),
        write,
    }
}

/// The answers an operation taking `t` can give, with what each means.
fn answers(t: &Takes) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    if t.body {
        out.push((
            "400",
            "The body cannot be read (malformed JSON, not an object, or a broken multipart form)",
        ));
    }
    out.push((
        "401",
        "Not logged in, or the session or API token is no longer valid",
    ));
    out.push((
        "403",
        "Not allowed for the caller's roles, or the origin or CSRF check failed",
    ));
    if t.path {
        out.push((
            "404",
            "No such object, or one outside the caller's reach (a non-numeric id too)",
        ));
    }
    if t.write {
        out.push((
            "409",
            "A rule of the object's present state forbids this; `key` names the rule",
        ));
    }
    if t.body {
        out.push(("413", "The body is larger than this operation accepts"));
    }
    if t.json {
        out.push(("415", "The body is not sent as `application/json`"));
    }
    if t.body || t.query {
        out.push((
            "422",
            "A field or query parameter is invalid; `fields` names each with its message",
        ));
    }
    out
}

/// Adds the error answers to every operation of `doc`.
pub(super) fn document(doc: &mut utoipa::openapi::OpenApi) {
    for item in doc.paths.paths.values_mut() {
        let ops = [
            (&mut item.get, false),
            (&mut item.put, true),
            (&mut item.post, true),
            (&mut item.delete, true),
            (&mut item.patch, true),
        ];
        for (op, write) in ops {
            let Some(op) = op.as_mut() else { continue };
            for (status, description) in answers(&takes(op, write)) {
                op.responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| {
                        RefOr::T(
                            ResponseBuilder::new()
                                .description(description)
                                .content(
                                    "application/json",
                                    ContentBuilder::new()
                                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                                        .build(),
                                )
                                .build(),
                        )
                    });
            }
        }
    }
}
