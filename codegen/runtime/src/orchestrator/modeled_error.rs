//! Decoding answers with the operation's generated decoders: a success's output, and modeled
//! errors, completed with the message and metadata the protocol found.

use super::{Answer, OperationSpec};
use crate::aws_json::{snippet, ErrorResponse};
use crate::error::{ErrorMetadata, RequestError, RequestErrorKind};
use crate::json::{read_body, BodyError, DeError, Reader};

/// A modeled error structure, as the client completes it after decoding it from an error
/// answer's body. Generated code implements it for every error structure.
#[doc(hidden)]
pub trait ModeledError {
    /// The error's response metadata, for the client to set.
    fn metadata_mut(&mut self) -> &mut ErrorMetadata;

    /// The error's optional string member holding the message, if it has one: when the body has
    /// no value under the member's own name, the client fills it with the message the protocol
    /// found under another spelling (`message`, `Message` or `errorMessage`).
    fn message_mut(&mut self) -> Option<&mut Option<String>> {
        None
    }
}

/// The modeled error that `response` (an answer to `operation` whose code is the error's wire
/// `code`) carries, decoded by `decode`, with its message filled in when the body spells it
/// differently and its metadata set; or, when the body does not match the model, an
/// `InvalidResponse` request failure naming the operation, the code and what is wrong, with the
/// answer's status and request id. Either way converted into the operation's error enum.
#[doc(hidden)]
pub fn modeled_error<E, T>(
    operation: &OperationSpec,
    response: &ErrorResponse,
    code: &str,
    decode: impl FnOnce(&mut Reader<'_>) -> Result<E, DeError>,
) -> T
where
    E: ModeledError,
    T: From<E> + From<RequestError>,
{
    match read_body(&response.body, decode) {
        Ok(mut modeled) => {
            if let Some(message) = modeled.message_mut().filter(|message| message.is_none()) {
                *message = response.message.clone();
            }
            *modeled.metadata_mut() = ErrorMetadata::from_response(
                response.request_id.clone(),
                response.status,
                response.attempts,
            );
            T::from(modeled)
        }
        Err(why) => T::from(
            RequestError::new(
                RequestErrorKind::InvalidResponse,
                format!(
                    "{} answered {code} with a body that does not match the model: {}",
                    operation.name,
                    body_error(&why)
                ),
            )
            .with_status(response.status)
            .with_request_id(response.request_id.clone())
            .after_attempts(response.attempts),
        ),
    }
}

/// The output that `answer` (a 2xx answer to `operation`) carries, decoded by `decode`; or an
/// `InvalidResponse` request failure naming the operation, the status and what is wrong with the
/// body (not JSON, not an object, or members that do not match the model), with the answer's
/// status and request id.
#[doc(hidden)]
pub fn decode_output<O>(
    operation: &OperationSpec,
    answer: Answer,
    decode: fn(&mut Reader<'_>) -> Result<O, DeError>,
) -> Result<O, RequestError> {
    let status = answer.status;
    let why = match read_body(&answer.body, decode) {
        Ok(output) => return Ok(output),
        Err(BodyError::Mismatch(why)) => format!(
            "{} answered HTTP {status} with a body that does not match the model: {why}",
            operation.name
        ),
        Err(BodyError::NotAnObject(found)) => format!(
            "{} answered HTTP {status}, but the body is not a JSON object (it is {found}): {}",
            operation.name,
            snippet(&answer.body)
        ),
        Err(BodyError::NotJson(why)) => format!(
            "{} answered HTTP {status}, but the body is not valid JSON ({why}): {}",
            operation.name,
            snippet(&answer.body)
        ),
    };
    Err(RequestError::new(RequestErrorKind::InvalidResponse, why)
        .with_status(status)
        .with_request_id(answer.request_id))
}

/// What is wrong with an error answer's body. (A body that is not a JSON object was emptied by
/// [`crate::aws_json::parse_error`], so that is a mismatch or, in principle, nothing else.)
fn body_error(why: &BodyError) -> String {
    match why {
        BodyError::Mismatch(why) => why.to_string(),
        BodyError::NotAnObject(found) => format!("the body is {found}, not a JSON object"),
        BodyError::NotJson(why) => format!("the body is not valid JSON ({why})"),
    }
}
