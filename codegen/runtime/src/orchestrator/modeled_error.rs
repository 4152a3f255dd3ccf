//! Modeled errors decoded from an error answer, completed with the message and metadata the
//! protocol found.

use serde_json::Value;

use super::OperationSpec;
use crate::aws_json::ErrorResponse;
use crate::error::{ErrorMetadata, RequestError, RequestErrorKind};
use crate::json::DeError;

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
    decode: fn(&Value) -> Result<E, DeError>,
) -> T
where
    E: ModeledError,
    T: From<E> + From<RequestError>,
{
    match decode(&response.body) {
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
                    "{} answered {code} with a body that does not match the model: {why}",
                    operation.name
                ),
            )
            .with_status(response.status)
            .with_request_id(response.request_id.clone())
            .after_attempts(response.attempts),
        ),
    }
}
