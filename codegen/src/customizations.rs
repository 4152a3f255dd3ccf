//! Service customizations: behaviour the AWS SDKs add to one service that its model does not
//! express, keyed by the service's shape id (the same in the official model and in the protocol
//! compliance suite's copy of it). Generic code never names a service; it reads what this module
//! returns for the service being generated, and `lower/` records it in the IR.
//!
//! - Machine Learning (`com.amazonaws.machinelearning#AmazonML_20141212`): `Predict` goes to the
//!   URL in its input's `PredictEndpoint` member (which `CreateRealtimeEndpoint` returned), not to
//!   the service's endpoint. The suite's `MachinelearningPredictEndpoint` case checks it.
//! - API Gateway (`com.amazonaws.apigateway#BackplaneControlService`): every request says
//!   `Accept: application/json` (the service answers other media types otherwise). The suite's
//!   `ApiGatewayAccept` case checks it.
//! - Glacier (`com.amazonaws.glacier#Glacier`): every request says `X-Amz-Glacier-Version:
//!   2012-06-01`; an unset or empty `accountId` label is `-` (the caller's account); and a request
//!   with a streaming body carries its SHA-256 (`X-Amz-Content-Sha256`) and SHA-256 tree hash
//!   (`X-Amz-Sha256-Tree-Hash`) unless the input sets them. The suite's `GlacierVersionHeader`,
//!   `GlacierAccountId`, `GlacierChecksums` and `GlacierMultipartChecksums` cases check them.

use crate::shape_id::ShapeId;

/// A customization of one operation of one service.
struct OperationCustomization {
    /// The service's shape id.
    service: &'static str,
    /// The operation's shape name.
    operation: &'static str,
    /// What it changes.
    change: Change,
}

/// What a customization changes.
enum Change {
    /// Requests go to the URL in this string member of the input (when set and not empty),
    /// instead of the service's endpoint.
    EndpointFromMember(&'static str),
}

const OPERATIONS: &[OperationCustomization] = &[OperationCustomization {
    service: "com.amazonaws.machinelearning#AmazonML_20141212",
    operation: "Predict",
    change: Change::EndpointFromMember("PredictEndpoint"),
}];

/// Headers every request of a service carries, by service shape id.
const SERVICE_HEADERS: &[(&str, &[(&str, &str)])] = &[
    (
        "com.amazonaws.apigateway#BackplaneControlService",
        &[("Accept", "application/json")],
    ),
    (GLACIER, &[("X-Amz-Glacier-Version", "2012-06-01")]),
];

const GLACIER: &str = "com.amazonaws.glacier#Glacier";

/// Path labels that take a value when the input leaves them unset or empty: service shape id,
/// input member name, value.
const LABEL_DEFAULTS: &[(&str, &str, &str)] = &[(GLACIER, "accountId", "-")];

/// Services whose requests with a streaming body carry the body's SHA-256 and SHA-256 tree hash.
const TREE_HASH_SERVICES: &[&str] = &[GLACIER];

/// The value of the path label bound to input member `member` of `service` when the input leaves
/// it unset or empty, for a service customized so.
pub(crate) fn label_default(service: &ShapeId, member: &str) -> Option<&'static str> {
    let service = service.to_string();
    LABEL_DEFAULTS
        .iter()
        .find(|(id, name, _)| *id == service && *name == member)
        .map(|(_, _, value)| *value)
}

/// Whether requests of `service` with a streaming body carry its SHA-256 and tree hash.
pub(crate) fn tree_hash_checksums(service: &ShapeId) -> bool {
    TREE_HASH_SERVICES.contains(&service.to_string().as_str())
}

/// The headers every request of `service` carries, for a service customized so.
pub(crate) fn request_headers(service: &ShapeId) -> &'static [(&'static str, &'static str)] {
    let service = service.to_string();
    SERVICE_HEADERS
        .iter()
        .find(|(id, _)| *id == service)
        .map(|(_, headers)| *headers)
        .unwrap_or_default()
}

/// The input member (by its name in the model) whose value is the URL requests of `operation`
/// of `service` go to, for an operation customized so.
pub(crate) fn endpoint_member(service: &ShapeId, operation: &ShapeId) -> Option<&'static str> {
    let service = service.to_string();
    OPERATIONS
        .iter()
        .filter(|c| c.service == service && c.operation == operation.name())
        .map(|c| match c.change {
            Change::EndpointFromMember(member) => member,
        })
        .next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_learning_predict_goes_to_its_predict_endpoint() {
        let service = ShapeId::parse("com.amazonaws.machinelearning#AmazonML_20141212").unwrap();
        let predict = ShapeId::parse("com.amazonaws.machinelearning#Predict").unwrap();
        let other = ShapeId::parse("com.amazonaws.machinelearning#GetMLModel").unwrap();
        assert_eq!(endpoint_member(&service, &predict), Some("PredictEndpoint"));
        assert_eq!(endpoint_member(&service, &other), None);
        let elsewhere = ShapeId::parse("example.ml#AmazonML_20141212").unwrap();
        assert_eq!(endpoint_member(&elsewhere, &predict), None);
    }

    #[test]
    fn api_gateway_requests_accept_json() {
        let api_gateway =
            ShapeId::parse("com.amazonaws.apigateway#BackplaneControlService").unwrap();
        assert_eq!(
            request_headers(&api_gateway),
            [("Accept", "application/json")]
        );
        let other = ShapeId::parse("example.apigateway#BackplaneControlService").unwrap();
        assert!(request_headers(&other).is_empty());
    }

    #[test]
    fn glacier_has_a_version_header_a_default_account_and_tree_hashes() {
        let glacier = ShapeId::parse(GLACIER).unwrap();
        assert_eq!(
            request_headers(&glacier),
            [("X-Amz-Glacier-Version", "2012-06-01")]
        );
        assert_eq!(label_default(&glacier, "accountId"), Some("-"));
        assert_eq!(label_default(&glacier, "vaultName"), None);
        assert!(tree_hash_checksums(&glacier));
        let other = ShapeId::parse("example.glacier#Glacier").unwrap();
        assert_eq!(label_default(&other, "accountId"), None);
        assert!(!tree_hash_checksums(&other));
    }
}
