//! What an application sees of the generated `sfn` crate: builders, redaction, errors, mocking.

use std::sync::{Arc, Mutex};

use sfn::error::{
    ErrorMetadata, ProvideErrorMetadata, RequestError, RequestErrorKind, UnknownServiceError,
};
use sfn::operation::send_task_failure::{
    SendTaskFailureError, SendTaskFailureInput, SendTaskFailureOutput,
};
use sfn::prelude::*;
use sfn::types::error::{InvalidToken, KmsInvalidStateException, TaskTimedOut};
use sfn::types::KmsKeyState;
use sfn::BoxFuture;
use sfn::{Client, Config};
use tests::block_on;

const SECRET_ERROR: &str = "CANARY-error-7f3a";
const SECRET_CAUSE: &str = "CANARY-cause-91bd";

#[test]
fn building_without_the_task_token_names_the_member() {
    let error = SendTaskFailureInput::builder()
        .error("E")
        .build()
        .unwrap_err();
    assert_eq!(error.member(), "taskToken");
    assert_eq!(error.shape(), "SendTaskFailureInput");
    assert_eq!(
        error.to_string(),
        "cannot build SendTaskFailureInput: required member `taskToken` is not set (set it with `.task_token(...)`)"
    );
}

#[test]
fn unset_error_and_cause_stay_absent() {
    let input = SendTaskFailureInput::builder()
        .task_token("t")
        .build()
        .unwrap();
    assert_eq!(input.task_token, "t");
    // The accessors read what the fields hold, as the AWS SDK's do.
    assert_eq!(input.task_token(), "t");
    assert_eq!((input.error(), input.cause()), (None, None));
    assert_eq!((input.error, input.cause), (None, None));
}

#[test]
fn debug_redacts_sensitive_values_everywhere() {
    let builder = SendTaskFailureInput::builder()
        .task_token("tok")
        .error(SECRET_ERROR)
        .cause(SECRET_CAUSE);
    let input = builder.clone().build().unwrap();
    let client = Client::new(Config::builder().region("us-east-1").build());
    let fluent = client
        .send_task_failure()
        .task_token("tok")
        .error(SECRET_ERROR)
        .cause(SECRET_CAUSE);
    for shown in [
        format!("{input:?}"),
        format!("{input:#?}"),
        format!("{builder:?}"),
        format!("{fluent:?}"),
    ] {
        assert!(
            !shown.contains(SECRET_ERROR) && !shown.contains(SECRET_CAUSE),
            "leak: {shown}"
        );
        assert!(shown.contains("*** Sensitive Data Redacted ***"), "{shown}");
        assert!(
            shown.contains("tok"),
            "non-sensitive values stay visible: {shown}"
        );
    }
    // Absent sensitive values show as absent, which is useful and reveals nothing.
    let bare = SendTaskFailureInput::builder()
        .task_token("tok")
        .build()
        .unwrap();
    assert_eq!(
        format!("{bare:?}"),
        r#"SendTaskFailureInput { task_token: "tok", error: None, cause: None }"#
    );
}

#[test]
fn modeled_errors_display_code_message_and_request_id() {
    let error: SendTaskFailureError = InvalidToken::builder()
        .message("Invalid Token: 'abc'")
        .request_id("req-1")
        .build()
        .into();
    assert_eq!(
        error.to_string(),
        "InvalidToken: Invalid Token: 'abc' (request id: req-1)"
    );
    assert_eq!(error.code(), Some("InvalidToken"));
    assert_eq!(error.message(), Some("Invalid Token: 'abc'"));
    assert_eq!(error.request_id(), Some("req-1"));
    assert!(error.is_invalid_token() && !error.is_task_timed_out() && !error.is_unknown());

    let bare: SendTaskFailureError = TaskTimedOut::builder().build().into();
    assert_eq!(bare.to_string(), "TaskTimedOut (no message)");
    assert_eq!(bare.request_id(), None);

    let kms = KmsInvalidStateException::builder()
        .kms_key_state(KmsKeyState::PendingDeletion)
        .message("key is pending deletion")
        .build();
    assert_eq!(kms.kms_key_state, Some(KmsKeyState::PendingDeletion));
    assert_eq!(kms.code(), "KmsInvalidStateException");
    assert_eq!(kms.fault(), sfn::error::Fault::Client);
    let as_error: &dyn std::error::Error = &kms;
    assert_eq!(
        as_error.to_string(),
        "KmsInvalidStateException: key is pending deletion"
    );
}

#[test]
fn unknown_error_codes_keep_code_message_and_request_id() {
    let error: SendTaskFailureError = UnknownServiceError::new("BrandNewException")
        .with_message("new")
        .with_request_id("r9")
        .into();
    assert!(error.is_unknown());
    assert_eq!(error.code(), Some("BrandNewException"));
    assert_eq!(error.to_string(), "BrandNewException: new (request id: r9)");
    assert_eq!(ErrorMetadata::with_request_id("x").request_id(), Some("x"));
    // Built by hand (a mock's error), it says it came from no call.
    assert_eq!((error.attempts(), error.status()), (0, None));
    let meta = ErrorMetadata::with_request_id("x");
    assert_eq!((meta.attempts(), meta.status()), (0, None));
}

/// Code, message, request id, status and attempts of an error, through the trait.
fn metadata(
    error: &dyn ProvideErrorMetadata,
) -> (Option<&str>, Option<&str>, Option<&str>, Option<u16>, u32) {
    (
        error.code(),
        error.message(),
        error.request_id(),
        error.status(),
        error.attempts(),
    )
}

#[test]
fn every_error_provides_its_metadata_through_one_trait() {
    let modeled = InvalidToken::builder()
        .message("bad")
        .request_id("req-1")
        .build();
    let expected = (Some("InvalidToken"), Some("bad"), Some("req-1"), None, 0);
    assert_eq!(metadata(&modeled), expected);
    let error = SendTaskFailureError::from(modeled);
    assert_eq!(metadata(&error), expected);
    assert_eq!(
        (error.code(), error.message(), error.request_id()),
        (Some("InvalidToken"), Some("bad"), Some("req-1"))
    );

    let unknown = SendTaskFailureError::from(UnknownServiceError::new("New").with_message("m"));
    assert_eq!(metadata(&unknown), (Some("New"), Some("m"), None, None, 0));

    let request = SendTaskFailureError::from(
        RequestError::new(RequestErrorKind::Transport, "connection refused").with_status(502),
    );
    assert_eq!(
        metadata(&request),
        (None, Some("connection refused"), None, Some(502), 1)
    );
    assert_eq!(request.status(), Some(502));
}

#[test]
fn enums_keep_values_they_do_not_know() {
    assert_eq!(KmsKeyState::from("DISABLED"), KmsKeyState::Disabled);
    let unknown = KmsKeyState::from("MELTED");
    assert!(matches!(unknown, KmsKeyState::Unknown(_)));
    assert_eq!(unknown.as_str(), "MELTED");
    assert_eq!(unknown.to_string(), "MELTED");
    assert_eq!(
        "CREATING".parse::<KmsKeyState>().unwrap(),
        KmsKeyState::Creating
    );
    assert_eq!(KmsKeyState::VALUES.len(), 5);
}

/// A mock, as an application would write it: records inputs, answers what the test wants.
#[derive(Default)]
struct MockSfn {
    calls: Mutex<Vec<SendTaskFailureInput>>,
    fail_with_timeout: bool,
}

impl SfnApi for MockSfn {
    fn call_send_task_failure(
        &self,
        input: SendTaskFailureInput,
    ) -> BoxFuture<'_, Result<SendTaskFailureOutput, SendTaskFailureError>> {
        self.calls.lock().unwrap().push(input);
        let fail = self.fail_with_timeout;
        Box::pin(async move {
            if fail {
                Err(TaskTimedOut::builder()
                    .message("task closed")
                    .build()
                    .into())
            } else {
                Ok(SendTaskFailureOutput::builder().build())
            }
        })
    }
}

/// A mock serves the operations a test uses and nothing else: the methods it leaves out answer
/// "not mocked", and no call is made.
#[test]
fn an_operation_a_mock_leaves_out_fails_with_not_mocked() {
    struct Nothing;
    impl SfnApi for Nothing {}

    let error = block_on(report_failure(&Nothing, "t", "x")).unwrap_err();
    let SendTaskFailureError::Request(request) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(request.kind(), RequestErrorKind::Config);
    assert_eq!(
        error.to_string(),
        "not mocked: SendTaskFailure (this implementation of SfnApi does not implement \
         `call_send_task_failure`)"
    );
    // Through `Box`, `Arc` and references, a mock's own method answers, not the default.
    let boxed: Box<dyn SfnApi> = Box::new(MockSfn::default());
    block_on(report_failure(&boxed, "t", "x")).unwrap();
    block_on(report_failure(&&boxed, "t", "x")).unwrap();
}

/// Application code: depends on the trait only.
async fn report_failure(
    sfn: &dyn SfnApi,
    token: &str,
    reason: &str,
) -> Result<(), SendTaskFailureError> {
    sfn.send_task_failure()
        .task_token(token)
        .error("App.Failed")
        .cause(reason)
        .send()
        .await?;
    Ok(())
}

async fn report_failure_generic(
    sfn: &impl SfnApi,
    token: &str,
) -> Result<SendTaskFailureOutput, SendTaskFailureError> {
    sfn.send_task_failure().task_token(token).send().await
}

#[test]
fn applications_mock_the_trait() {
    let mock = MockSfn::default();
    block_on(report_failure(&mock, "token-1", "disk full")).unwrap();
    block_on(report_failure_generic(&mock, "token-2")).unwrap();
    let shared: Arc<dyn SfnApi> = Arc::new(MockSfn {
        fail_with_timeout: true,
        ..Default::default()
    });
    let error = block_on(report_failure(shared.as_ref(), "token-3", "x")).unwrap_err();
    assert!(error.is_task_timed_out(), "{error:?}");
    assert_eq!(error.to_string(), "TaskTimedOut: task closed");
    block_on(report_failure_generic(&shared, "token-4")).unwrap_err();

    let calls = mock.calls.lock().unwrap();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].task_token, "token-1");
    assert_eq!(calls[0].error.as_deref(), Some("App.Failed"));
    assert_eq!(calls[0].cause.as_deref(), Some("disk full"));
    assert_eq!(
        (calls[1].error.as_deref(), calls[1].cause.as_deref()),
        (None, None)
    );
}

#[test]
fn a_missing_task_token_fails_before_anything_is_sent() {
    let mock = MockSfn::default();
    let error = block_on(mock.send_task_failure().error("E").send()).unwrap_err();
    let SendTaskFailureError::Request(request) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(request.kind(), RequestErrorKind::InvalidInput);
    assert!(
        error
            .to_string()
            .contains("required member `taskToken` is not set"),
        "{error}"
    );
    assert!(
        std::error::Error::source(&error).is_some(),
        "the build error is kept as the source"
    );
    assert!(mock.calls.lock().unwrap().is_empty());
}

#[test]
fn a_client_without_a_region_says_so_before_sending_anything() {
    let client = Client::new(
        Config::builder()
            .endpoint_url("http://127.0.0.1:1")
            .credentials(sfn::credentials::Credentials::new(
                "AKID", "SECRET", None, None, "test",
            ))
            .build(),
    );
    assert_eq!(client.config().region(), None);
    let error = block_on(client.send_task_failure().task_token("t").send()).unwrap_err();
    let SendTaskFailureError::Request(request) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(request.kind(), RequestErrorKind::Config);
    assert!(error.to_string().contains("no AWS region"), "{error}");
    assert_eq!(error.code(), None);
}
