//! A mock of one operation of the whole generated SFN crate (every operation of the official
//! model): the mock implements the one method the code under test needs, in nine lines, and every
//! other operation answers `not mocked: <Operation>` on its own. Run with `cargo test` in the
//! program of `tests/tests/sdk_compat.rs`.

use sfn_official::operation::get_activity_task::{
    GetActivityTaskError, GetActivityTaskInput, GetActivityTaskOutput,
};
use sfn_official::prelude::*;
use sfn_official::BoxFuture;

// The mock, all of it.
struct OneTask;
impl SfnApi for OneTask {
    fn call_get_activity_task(
        &self,
        _input: GetActivityTaskInput,
    ) -> BoxFuture<'_, Result<GetActivityTaskOutput, GetActivityTaskError>> {
        Box::pin(async { Ok(GetActivityTaskOutput::builder().task_token("t-1").build()) })
    }
}

/// The code under test, written against the trait as application code is: the next task of an
/// activity, as its token and input.
async fn next_task(
    sfn: &dyn SfnApi,
    activity_arn: &str,
) -> Result<Option<(String, String)>, GetActivityTaskError> {
    let task = sfn
        .get_activity_task()
        .activity_arn(activity_arn)
        .worker_name("worker-1")
        .send()
        .await?;
    Ok(task
        .task_token()
        .map(|token| (token.to_owned(), task.input().unwrap_or("{}").to_owned())))
}

#[tokio::test]
async fn the_mocked_operation_answers() {
    let task = next_task(&OneTask, "arn:aws:states:us-east-1:123456789012:activity:a").await;
    assert_eq!(task.unwrap(), Some(("t-1".to_owned(), "{}".to_owned())));
}

#[tokio::test]
async fn the_other_operations_are_not_mocked() {
    let error = OneTask.list_activities().send().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "not mocked: ListActivities (this implementation of SfnApi does not implement \
         `call_list_activities`)"
    );
    let error = OneTask
        .send_task_success()
        .task_token("t-1")
        .output("{}")
        .send()
        .await
        .unwrap_err();
    assert!(error.is_request(), "{error:?}");
}
