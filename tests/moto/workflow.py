"""A Step Functions workflow against moto, driven with boto3, for the end-to-end tests.

Run by `Moto::run_python` (tests/src/moto.rs) with MOTO_ENDPOINT and dummy AWS credentials set.
Each subcommand prints one JSON object on stdout:

  start-task                      -> {"executionArn": ..., "taskToken": ...}
      Creates an SQS queue and a state machine whose one Task state sends its task token to that
      queue (`sqs:sendMessage.waitForTaskToken`), starts an execution and reads the token from the
      queue. The execution then waits for SendTaskSuccess/SendTaskFailure on that token.
  describe EXECUTION_ARN          -> {"status": ..., "error": ..., "cause": ...}
      DescribeExecution, polled for up to ~10 s while the status is RUNNING.
  fail-task TOKEN ERROR CAUSE     -> {}
      SendTaskFailure through boto3 (to test the harness itself).

Names are unique (uuid), so tests can share one server.
"""

import json
import os
import sys
import time
import uuid

import boto3

POLL_SECONDS = 10
DUMMY_ROLE = "arn:aws:iam::123456789012:role/moto-harness"  # moto does not check roles


def client(service: str):
    return boto3.client(service, endpoint_url=os.environ["MOTO_ENDPOINT"])


def start_task() -> dict:
    name = f"harness-{uuid.uuid4().hex}"
    sqs = client("sqs")
    queue_url = sqs.create_queue(QueueName=name)["QueueUrl"]
    definition = {
        "StartAt": "WaitForToken",
        "States": {
            "WaitForToken": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": queue_url, "MessageBody": {"token.$": "$$.Task.Token"}},
                "End": True,
            }
        },
    }
    sfn = client("stepfunctions")
    machine_arn = sfn.create_state_machine(
        name=name, definition=json.dumps(definition), roleArn=DUMMY_ROLE
    )["stateMachineArn"]
    execution_arn = sfn.start_execution(stateMachineArn=machine_arn, name=name)["executionArn"]
    deadline = time.monotonic() + POLL_SECONDS
    while time.monotonic() < deadline:
        messages = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=1, WaitTimeSeconds=1
        ).get("Messages", [])
        if messages:
            body = json.loads(messages[0]["Body"])
            return {"executionArn": execution_arn, "taskToken": body["token"]}
    status = sfn.describe_execution(executionArn=execution_arn)
    sys.exit(
        f"no task token arrived on {queue_url} within {POLL_SECONDS}s; "
        f"execution status {status.get('status')}, error {status.get('error')!r}, "
        f"cause {status.get('cause')!r} (is the moto engine switched on?)"
    )


def describe(execution_arn: str) -> dict:
    sfn = client("stepfunctions")
    deadline = time.monotonic() + POLL_SECONDS
    while True:
        out = sfn.describe_execution(executionArn=execution_arn)
        if out["status"] != "RUNNING" or time.monotonic() >= deadline:
            return {"status": out["status"], "error": out.get("error"), "cause": out.get("cause")}
        time.sleep(0.2)


def fail_task(token: str, error: str, cause: str) -> dict:
    client("stepfunctions").send_task_failure(taskToken=token, error=error, cause=cause)
    return {}


COMMANDS = {"start-task": (start_task, 0), "describe": (describe, 1), "fail-task": (fail_task, 3)}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: {sys.argv[0]} {{{'|'.join(COMMANDS)}}} ARGS...")
    command, arity = COMMANDS[sys.argv[1]]
    args = sys.argv[2:]
    if len(args) != arity:
        sys.exit(f"error: {sys.argv[1]} takes {arity} argument(s), got {len(args)}")
    print(json.dumps(command(*args)))


if __name__ == "__main__":
    main()
