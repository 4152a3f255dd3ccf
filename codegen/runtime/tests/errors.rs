//! `ProvideErrorMetadata` on the runtime's errors, and `modeled_error`, the decoding of a modeled
//! error from an error answer, with a hand-written modeled error and operation error enum shaped
//! like generated ones.

use serde_json::{json, Value};
use smithy_rust_runtime::aws_json::ErrorResponse;
use smithy_rust_runtime::error::{
    ErrorMetadata, ProvideErrorMetadata, RequestError, RequestErrorKind, UnknownServiceError,
};
use smithy_rust_runtime::json::{DeError, Reader};
use smithy_rust_runtime::orchestrator::{modeled_error, ModeledError, OperationSpec};

static OPERATION: OperationSpec = OperationSpec {
    name: "DoThing",
    idempotent: false,
    auth: &[smithy_rust_runtime::auth::AuthScheme::SigV4 {
        signing_name: "states",
    }],
    optional_auth: false,
};

/// A modeled error with an optional message, as generated.
#[derive(Debug, Default)]
struct Oops {
    message: Option<String>,
    meta: ErrorMetadata,
}

impl ModeledError for Oops {
    fn metadata_mut(&mut self) -> &mut ErrorMetadata {
        &mut self.meta
    }

    fn message_mut(&mut self) -> Option<&mut Option<String>> {
        Some(&mut self.message)
    }
}

fn de_oops(reader: &mut Reader<'_>) -> Result<Oops, DeError> {
    let mut message = None;
    reader.object(|reader, member| match member {
        "message" => {
            message = reader
                .nullable(Reader::string)
                .map_err(|e| e.at("message"))?;
            Ok(())
        }
        _ => reader.skip(),
    })?;
    Ok(Oops {
        message,
        meta: ErrorMetadata::default(),
    })
}

/// A modeled error without a message member: the answer's message is not kept.
#[derive(Debug, Default)]
struct Quiet {
    meta: ErrorMetadata,
}

impl ModeledError for Quiet {
    fn metadata_mut(&mut self) -> &mut ErrorMetadata {
        &mut self.meta
    }
}

fn de_quiet(reader: &mut Reader<'_>) -> Result<Quiet, DeError> {
    reader.object(|reader, _| reader.skip())?;
    Ok(Quiet::default())
}

#[derive(Debug)]
enum DoThingError {
    Oops(Oops),
    Quiet(Quiet),
    Request(RequestError),
}

impl From<Oops> for DoThingError {
    fn from(error: Oops) -> Self {
        Self::Oops(error)
    }
}

impl From<Quiet> for DoThingError {
    fn from(error: Quiet) -> Self {
        Self::Quiet(error)
    }
}

impl From<RequestError> for DoThingError {
    fn from(error: RequestError) -> Self {
        Self::Request(error)
    }
}

fn response(code: &str, message: Option<&str>, body: Value) -> ErrorResponse {
    ErrorResponse {
        code: code.to_owned(),
        message: message.map(str::to_owned),
        request_id: Some("rid-1".to_owned()),
        status: 400,
        body: serde_json::to_vec(&body).unwrap(),
        query_code: None,
        attempts: 2,
        headers: Default::default(),
    }
}

#[test]
fn a_modeled_error_gets_the_answers_metadata() {
    let answer = response("Oops", Some("m"), json!({"message": "from the body"}));
    let DoThingError::Oops(oops) = modeled_error(&OPERATION, &answer, "Oops", de_oops) else {
        panic!("expected Oops");
    };
    // The body's own member wins over the message the protocol found.
    assert_eq!(oops.message.as_deref(), Some("from the body"));
    assert_eq!(
        oops.meta,
        ErrorMetadata::from_response(Some("rid-1".to_owned()), 400, 2)
    );
    assert_eq!(
        (
            oops.meta.request_id(),
            oops.meta.status(),
            oops.meta.attempts()
        ),
        (Some("rid-1"), Some(400), 2)
    );
}

#[test]
fn a_missing_message_member_is_filled_from_the_answers_message() {
    let answer = response("Oops", Some("spelled Message"), json!({}));
    let DoThingError::Oops(oops) = modeled_error(&OPERATION, &answer, "Oops", de_oops) else {
        panic!("expected Oops");
    };
    assert_eq!(oops.message.as_deref(), Some("spelled Message"));

    let answer = response("Oops", None, json!({}));
    let DoThingError::Oops(oops) = modeled_error(&OPERATION, &answer, "Oops", de_oops) else {
        panic!("expected Oops");
    };
    assert_eq!(oops.message, None);

    // Without a message member there is nothing to fill.
    let answer = response("Quiet", Some("m"), json!({}));
    let DoThingError::Quiet(quiet) = modeled_error(&OPERATION, &answer, "Quiet", de_quiet) else {
        panic!("expected Quiet");
    };
    assert_eq!(quiet.meta.request_id(), Some("rid-1"));
}

#[test]
fn a_body_that_does_not_match_the_model_is_an_invalid_response() {
    // The code named is the modeled error's, whatever code the answer had.
    let answer = response("Other", None, json!({"message": 5}));
    let DoThingError::Request(error) = modeled_error(&OPERATION, &answer, "Oops", de_oops) else {
        panic!("expected a request failure");
    };
    assert_eq!(error.kind(), RequestErrorKind::InvalidResponse);
    assert_eq!(
        error.to_string(),
        "DoThing answered Oops with a body that does not match the model: \
         at `message`: expected a string, found a number (after 2 attempts) (request id: rid-1)"
    );
    // The answer came on the second attempt, and the failure says so.
    assert_eq!(error.attempts(), 2);
    assert_eq!(error.status(), Some(400));
    assert_eq!(error.request_id(), Some("rid-1"));
    assert!(std::error::Error::source(&error).is_none());
}

#[test]
fn runtime_errors_provide_their_metadata() {
    let unknown = UnknownServiceError::new("NewCode")
        .with_message("new")
        .with_request_id("rid-2")
        .with_response(503, 3);
    let metadata: &dyn ProvideErrorMetadata = &unknown;
    assert_eq!(metadata.code(), Some("NewCode"));
    assert_eq!(metadata.message(), Some("new"));
    assert_eq!(metadata.request_id(), Some("rid-2"));
    assert_eq!((metadata.status(), metadata.attempts()), (Some(503), 3));

    let by_hand = UnknownServiceError::new("NewCode");
    let metadata: &dyn ProvideErrorMetadata = &by_hand;
    assert_eq!((metadata.message(), metadata.request_id()), (None, None));
    assert_eq!((metadata.status(), metadata.attempts()), (None, 0));

    let request = RequestError::new(RequestErrorKind::Timeout, "too slow")
        .with_status(504)
        .with_request_id(Some("rid-3".to_owned()));
    let metadata: &dyn ProvideErrorMetadata = &request;
    assert_eq!(metadata.code(), None);
    assert_eq!(metadata.message(), Some("too slow"));
    assert_eq!(metadata.request_id(), Some("rid-3"));
    assert_eq!((metadata.status(), metadata.attempts()), (Some(504), 1));
}
