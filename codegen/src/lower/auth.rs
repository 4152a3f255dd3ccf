//! Auth schemes per operation, resolved as the Smithy spec says: the service's auth traits,
//! ordered by its `@auth` (else by shape id), narrowed by the operation's `@auth`, with
//! `@optionalAuth` allowing anonymous calls. A scheme the runtime does not implement is refused
//! by name, never replaced by another.

use serde_json::Value;

use super::Lowering;
use crate::ast::Shape;
use crate::diagnostic::{Diagnostic, Result};
use crate::ir::{ApiKeyLocation, Auth, AuthScheme};
use crate::shape_id::ShapeId;
use crate::traits;

/// Auth traits of the Smithy prelude and the AWS namespaces, implemented or not. A trait the
/// model defines with `@authDefinition` is an auth scheme too.
const KNOWN_AUTH_TRAITS: &[&str] = &[
    "aws.auth#sigv4",
    "aws.auth#sigv4a",
    "aws.auth#cognitoUserPools",
    "smithy.api#httpApiKeyAuth",
    "smithy.api#httpBasicAuth",
    "smithy.api#httpBearerAuth",
    "smithy.api#httpDigestAuth",
];

/// The schemes the runtime implements, for the refusal of another.
const IMPLEMENTED: &str = "aws.auth#sigv4, smithy.api#httpBearerAuth, \
    smithy.api#httpApiKeyAuth and smithy.api#httpBasicAuth";

impl Lowering<'_> {
    /// The auth schemes of operation `id`, in order of preference.
    pub(super) fn operation_auth(&self, id: &ShapeId) -> Result<Auth> {
        let service = self.model.shape(&self.selection.service);
        let operation = self.model.shape(id);
        let applied = self.applied_schemes(service);
        let service_order = match traits::prelude(&service.traits, "auth") {
            Some(value) => scheme_list(value, &service.id, &applied, "the service")?,
            None => applied.clone(),
        };
        let order = match traits::prelude(&operation.traits, "auth") {
            Some(value) => scheme_list(value, id, &applied, "the service")?,
            None => service_order,
        };
        let schemes = order
            .iter()
            .map(|scheme| scheme_of(service, scheme).map_err(|why| Diagnostic::at(id, why)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Auth {
            schemes,
            optional: traits::has(&operation.traits, "optionalAuth"),
        })
    }

    /// The auth traits applied to the service, in shape-id order.
    fn applied_schemes(&self, service: &Shape) -> Vec<ShapeId> {
        // `Traits` is a sorted map: the ids come in order.
        service
            .traits
            .keys()
            .filter(|id| {
                KNOWN_AUTH_TRAITS.contains(&id.to_string().as_str())
                    || self
                        .model
                        .get(id)
                        .is_some_and(|definition| traits::has(&definition.traits, "authDefinition"))
            })
            .cloned()
            .collect()
    }
}

/// An `@auth` value: scheme ids, each applied to the service.
fn scheme_list(
    value: &Value,
    subject: &ShapeId,
    applied: &[ShapeId],
    owner: &str,
) -> Result<Vec<ShapeId>> {
    let invalid = || {
        Diagnostic::at(
            subject,
            "trait `smithy.api#auth`: the value must be a list of auth scheme shape ids",
        )
    };
    let list = value.as_array().ok_or_else(invalid)?;
    let mut schemes = Vec::with_capacity(list.len());
    for item in list {
        let text = item.as_str().ok_or_else(invalid)?;
        let scheme = ShapeId::parse(text).map_err(|_| invalid())?;
        if !applied.contains(&scheme) {
            return Err(Diagnostic::at(
                subject,
                format!("`@auth` names `{scheme}`, which is not an auth scheme applied to {owner}"),
            ));
        }
        if schemes.contains(&scheme) {
            return Err(Diagnostic::at(
                subject,
                format!("`@auth` names `{scheme}` twice"),
            ));
        }
        schemes.push(scheme);
    }
    Ok(schemes)
}

/// The scheme of auth trait `id` as the service applies it, or why it cannot be used.
fn scheme_of(service: &Shape, id: &ShapeId) -> std::result::Result<AuthScheme, String> {
    let value = service.traits.get(id).unwrap_or(&Value::Null);
    match id.to_string().as_str() {
        "aws.auth#sigv4" => {
            // Checked with the service's other traits (`traits::check`).
            let signing_name = value
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            Ok(AuthScheme::SigV4 {
                signing_name: signing_name.to_owned(),
            })
        }
        "smithy.api#httpBearerAuth" => Ok(AuthScheme::HttpBearer),
        "smithy.api#httpBasicAuth" => Ok(AuthScheme::HttpBasic),
        "smithy.api#httpApiKeyAuth" => api_key(value)
            .map_err(|why| format!("the service's trait `smithy.api#httpApiKeyAuth`: {why}")),
        other => Err(format!(
            "uses auth scheme `{other}`, which the runtime does not implement (it implements \
             {IMPLEMENTED}); the generator does not fall back to another scheme"
        )),
    }
}

/// `@httpApiKeyAuth(name: .., in: "header" | "query", scheme: ..)`; a scheme only in a header.
fn api_key(value: &Value) -> std::result::Result<AuthScheme, String> {
    let name = match value.get("name") {
        Some(Value::String(name)) if !name.is_empty() => name.clone(),
        _ => return Err("the value must have a non-empty string `name`".to_owned()),
    };
    if value.get("in").and_then(Value::as_str) == Some("header")
        && !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    {
        return Err(format!("`name` `{name}` is not a valid header name"));
    }
    let location = match value.get("in").and_then(Value::as_str) {
        Some("header") => ApiKeyLocation::Header,
        Some("query") => ApiKeyLocation::Query,
        _ => return Err("`in` must be \"header\" or \"query\"".to_owned()),
    };
    let scheme = match value.get("scheme") {
        None => None,
        Some(Value::String(scheme)) if location == ApiKeyLocation::Header && !scheme.is_empty() => {
            Some(scheme.clone())
        }
        Some(Value::String(_)) if location == ApiKeyLocation::Query => {
            return Err("`scheme` can only be set when `in` is \"header\"".to_owned())
        }
        Some(_) => return Err("`scheme` must be a non-empty string".to_owned()),
    };
    Ok(AuthScheme::HttpApiKey {
        name,
        location,
        scheme,
    })
}
