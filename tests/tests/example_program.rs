//! The generated example program `generated/sfn/examples/send_task_failure.rs`, run the way a user
//! runs it (`cargo run -p sfn --example send_task_failure -- ...`): against moto for a service
//! error and a success, against a server that never answers for `--timeout`, and without its
//! required flag for the usage error.

use std::process::{Command, Output};

use tests::moto::{self, Moto};
use tests::repo_root;

/// `cargo run --offline -q -p sfn --example send_task_failure -- ARGS`, in the repository, with
/// the test credentials and no configuration from the machine (profiles, region, endpoint).
fn run_example(args: &[&str]) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command
        .args(["run", "--offline", "-q", "-p", "sfn", "--example"])
        .arg("send_task_failure")
        .arg("--")
        .args(args)
        .current_dir(repo_root())
        .env_remove("CARGO_MAKEFLAGS")
        .env("AWS_ACCESS_KEY_ID", moto::ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", moto::SECRET_ACCESS_KEY)
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    for variable in [
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_SFN",
    ] {
        command.env_remove(variable);
    }
    command
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"))
}

/// The exit code and both outputs, for assertion messages.
fn describe(output: &Output) -> String {
    format!(
        "exit: {:?}\n--- stdout\n{}--- stderr\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn a_bogus_token_prints_the_error_code_and_request_id_and_exits_with_1() {
    let Some(moto) = Moto::start() else { return };
    let output = run_example(&[
        "--endpoint-url",
        &moto.endpoint(),
        "--region",
        moto::REGION,
        "--task-token",
        "bogus",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(
        stderr.contains("error: InvalidToken: "),
        "{}",
        describe(&output)
    );
    let request_id = stderr
        .lines()
        .find_map(|line| line.strip_prefix("request id: "))
        .unwrap_or_else(|| panic!("no request id line\n{}", describe(&output)));
    assert!(!request_id.trim().is_empty(), "{}", describe(&output));
    assert!(output.stdout.is_empty(), "{}", describe(&output));
}

#[test]
fn a_real_task_is_failed_and_the_output_printed_with_exit_0() {
    let Some(moto) = Moto::start() else { return };
    let started = moto.run_python("workflow.py", &["start-task"]);
    let token = started["taskToken"].as_str().expect("a task token");
    let execution = started["executionArn"].as_str().expect("an execution arn");
    let output = run_example(&[
        "--endpoint-url",
        &moto.endpoint(),
        "--region",
        moto::REGION,
        "--task-token",
        token,
        "--error=Example.Error",
        "--cause",
        "failed by the example program",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(
        String::from_utf8_lossy(&output.stdout).starts_with("ok: SendTaskFailureOutput"),
        "{}",
        describe(&output)
    );
    let described = moto.run_python("workflow.py", &["describe", execution]);
    assert_eq!(described["status"], "FAILED", "{described}");
    assert_eq!(described["error"], "Example.Error", "{described}");
}

#[test]
fn without_the_required_task_token_it_prints_usage_and_exits_with_2() {
    let output = run_example(&["--region", moto::REGION]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(
        stderr.contains("error: `--task-token` is required"),
        "{}",
        describe(&output)
    );
    assert!(stderr.contains("Usage: "), "{}", describe(&output));
    assert!(
        stderr.contains("--task-token <VALUE>"),
        "{}",
        describe(&output)
    );
    assert!(output.stdout.is_empty(), "{}", describe(&output));
}

#[test]
fn help_prints_usage_on_stdout_and_exits_with_0() {
    let output = run_example(&["--help"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--endpoint-url <URL>",
        "--region <REGION>",
        "--task-token <VALUE>",
        "--error <VALUE>",
        "--cause <VALUE>",
        "--timeout <SECONDS>   the longest the call may take, retries included (default: 120)",
    ] {
        assert!(stdout.contains(flag), "{}", describe(&output));
    }
}

/// A server that accepts connections and reads requests but never answers (holding each
/// connection open until the test process ends); returns its URL.
fn never_answers() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(8) {
            let Ok(mut stream) = stream else { return };
            let mut buffer = [0u8; 8192];
            let _ = std::io::Read::read(&mut stream, &mut buffer);
            held.push(stream);
        }
    });
    url
}

#[test]
fn a_server_that_never_answers_is_given_up_on_after_the_timeout() {
    let url = never_answers();
    let output = run_example(&[
        "--endpoint-url",
        &url,
        "--region",
        moto::REGION,
        "--task-token",
        "t",
        "--timeout",
        "1",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(
        stderr.contains(
            "error: Timeout: SendTaskFailure did not complete within the total timeout of 1s"
        ),
        "{}",
        describe(&output)
    );
    assert!(output.stdout.is_empty(), "{}", describe(&output));
}

#[test]
fn a_timeout_that_is_not_a_positive_number_is_a_usage_error() {
    for bad in ["0", "-3", "soon", "inf"] {
        let output = run_example(&["--task-token", "t", "--timeout", bad]);
        assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
        let expected = format!("`--timeout` needs a number of seconds greater than 0, not `{bad}`");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains(&expected),
            "{}",
            describe(&output)
        );
    }
}

#[test]
fn an_unknown_flag_is_a_usage_error() {
    let output = run_example(&["--task-token", "t", "--colour", "red"]);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("unknown flag `--colour`"),
        "{}",
        describe(&output)
    );
}
