//! `credential_process`: a command that prints credentials as JSON.
//!
//! The command runs as the AWS CLI runs it: through the shell (`sh -c COMMAND` on Unix,
//! `cmd /C COMMAND` on Windows), with no standard input, its standard error left where this
//! process's goes (so its own messages reach the user, and are never captured), and its standard
//! output read, up to 1 MiB. It runs on a thread of its own, so the async runtime's workers never
//! wait for it; after [`TIMEOUT`] it is killed, as it is when the caller stops waiting.
//!
//! A command line may hold secrets (`--password ...`), and its output holds the credentials:
//! messages name the profile and the program (the command's first word), never the arguments,
//! the output or anything the command wrote to standard error.

use super::error::{failed, misconfigured};
use crate::profile::Profile;
use aws_credential_types::provider;
use aws_credential_types::Credentials;
use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

/// How long the command may take, from start to exit.
pub(crate) const TIMEOUT: Duration = Duration::from_secs(60);

/// The most output read from the command: real answers are well under 2 KiB.
pub(crate) const MAX_OUTPUT_BYTES: usize = 1024 * 1024;

/// How often the waiting thread looks whether the command has exited or the caller has gone.
const POLL: Duration = Duration::from_millis(10);

/// Runs the profile's `credential_process` and reads its answer.
pub(crate) async fn load(profile: &Profile) -> provider::Result {
    let name = profile.name();
    let command = profile
        .get("credential_process")
        .map(str::trim)
        .filter(|command| !command.is_empty())
        .ok_or_else(|| misconfigured(format!("profile `{name}` has no `credential_process`")))?;
    load_command(name, command, TIMEOUT).await
}

/// Runs `command`, the `credential_process` of profile `profile`, for at most `timeout`.
async fn load_command(profile: &str, command: &str, timeout: Duration) -> provider::Result {
    let who = Who {
        profile: profile.to_owned(),
        program: program_name(command),
    };
    let output = run(command.to_owned(), timeout)
        .await
        .map_err(|e| who.error(e))?;
    parse(&output, SystemTime::now()).map_err(|why| {
        failed(format!(
            "{}: its output is not valid credentials: {why}",
            who.describe()
        ))
    })
}

/// The command and the profile that names it, for messages.
struct Who {
    profile: String,
    program: String,
}

impl Who {
    fn describe(&self) -> String {
        format!(
            "the credential_process of profile `{}` (`{}`)",
            self.profile, self.program
        )
    }

    fn error(&self, failure: Failure) -> provider::error::CredentialsError {
        let who = self.describe();
        failed(match failure {
            Failure::Start(e) => format!("{who} could not be started: {e}"),
            Failure::Exit(status) => {
                let hint = match status.code() {
                    Some(127) => " (the shell could not find the program)",
                    Some(126) => " (the program is not executable)",
                    _ => "",
                };
                format!(
                    "{who} failed: {status}{hint} (its output is not shown: it may hold secrets)"
                )
            }
            Failure::TimedOut(timeout) => {
                format!("{who} did not finish within {timeout:?} and was stopped")
            }
            Failure::TooLarge => {
                format!("{who} printed more than {MAX_OUTPUT_BYTES} bytes and was stopped")
            }
            Failure::Read(e) => format!("{who}: reading its output failed: {e}"),
            Failure::Gone => format!("{who}: the thread running it ended unexpectedly"),
        })
    }
}

/// The program a command line runs, for messages: its first word (quotes removed), skipping
/// `NAME=value` assignments, at most 100 characters. Never the arguments.
fn program_name(command: &str) -> String {
    let mut rest = command.trim_start();
    loop {
        let (word, after) = match rest.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let inner = &rest[1..];
                match inner.find(quote) {
                    Some(end) => (&inner[..end], &inner[end + 1..]),
                    None => (inner, ""),
                }
            }
            Some(_) => {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                (&rest[..end], &rest[end..])
            }
            None => return "(empty)".to_owned(),
        };
        if word.contains('=') && !after.trim().is_empty() {
            rest = after.trim_start();
            continue;
        }
        if word.contains('=') {
            return "(a variable assignment)".to_owned();
        }
        return word.chars().take(100).collect();
    }
}

/// Why the command gave no output to parse. Holds nothing the command wrote.
#[derive(Debug)]
enum Failure {
    Start(std::io::Error),
    Exit(ExitStatus),
    TimedOut(Duration),
    TooLarge,
    Read(std::io::Error),
    Gone,
}

/// Runs `command` on a thread of its own; the standard output if it exits with status 0.
async fn run(command: String, timeout: Duration) -> Result<Vec<u8>, Failure> {
    let (answer, answered) = tokio::sync::oneshot::channel();
    let started = std::thread::Builder::new()
        .name("credential_process".to_owned())
        .spawn(move || {
            let result = run_blocking(&command, timeout, &|| answer.is_closed());
            let _ = answer.send(result);
        });
    if let Err(e) = started {
        return Err(Failure::Start(e));
    }
    answered.await.unwrap_or(Err(Failure::Gone))
}

#[cfg(unix)]
fn shell(command: &str) -> Command {
    let mut shell = Command::new("sh");
    shell.arg("-c").arg(command);
    shell
}

#[cfg(windows)]
fn shell(command: &str) -> Command {
    use std::os::windows::process::CommandExt;
    let mut shell = Command::new("cmd");
    // The command line as written, as `cmd` parses it (no quoting added).
    shell.arg("/C").raw_arg(command);
    shell
}

/// Runs `command` and waits at most `timeout` (or until `abandoned` says the caller has gone),
/// killing it then.
fn run_blocking(
    command: &str,
    timeout: Duration,
    abandoned: &dyn Fn() -> bool,
) -> Result<Vec<u8>, Failure> {
    let deadline = Instant::now() + timeout;
    let mut child = shell(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(Failure::Start)?;

    // The output is read on another thread, so that a command that never closes its output
    // (or has a child that keeps it open) cannot hold this one past the deadline.
    let Some(stdout) = child.stdout.take() else {
        stop(&mut child);
        return Err(Failure::Gone);
    };
    let (sender, output) = mpsc::channel();
    let reader = std::thread::Builder::new()
        .name("credential_process output".to_owned())
        .spawn(move || {
            let mut bytes = Vec::new();
            let read = stdout
                .take(MAX_OUTPUT_BYTES as u64 + 1)
                .read_to_end(&mut bytes);
            let _ = sender.send(read.map(|_| bytes));
        });
    if let Err(e) = reader {
        stop(&mut child);
        return Err(Failure::Start(e));
    }

    let mut bytes = None;
    let status = loop {
        if bytes.is_none() {
            match output.try_recv() {
                Ok(Ok(read)) if read.len() > MAX_OUTPUT_BYTES => {
                    stop(&mut child);
                    return Err(Failure::TooLarge);
                }
                Ok(Ok(read)) => bytes = Some(read),
                Ok(Err(e)) => {
                    stop(&mut child);
                    return Err(Failure::Read(e));
                }
                Err(mpsc::TryRecvError::Empty) => {}
                Err(mpsc::TryRecvError::Disconnected) => {
                    stop(&mut child);
                    return Err(Failure::Gone);
                }
            }
        }
        if bytes.is_some() {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) => {}
                Err(e) => {
                    stop(&mut child);
                    return Err(Failure::Read(e));
                }
            }
        }
        if Instant::now() >= deadline {
            stop(&mut child);
            return Err(Failure::TimedOut(timeout));
        }
        if abandoned() {
            stop(&mut child);
            return Err(Failure::Gone);
        }
        std::thread::sleep(POLL);
    };
    if !status.success() {
        return Err(Failure::Exit(status));
    }
    Ok(bytes.unwrap_or_default())
}

/// Kills the command and reaps it. (Programs it started itself are not its process group's
/// business here: they are not waited for.)
fn stop(child: &mut std::process::Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Reads the command's answer: `{"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ...,
/// "SessionToken": ..., "Expiration": ..., "AccountId": ...}`. The error names keys, never
/// values.
fn parse(output: &[u8], now: SystemTime) -> Result<Credentials, String> {
    let value: serde_json::Value = serde_json::from_slice(output).map_err(|e| {
        if output.iter().all(u8::is_ascii_whitespace) {
            "it printed nothing".to_owned()
        } else {
            format!("it is not JSON (line {}, column {})", e.line(), e.column())
        }
    })?;
    let Some(object) = value.as_object() else {
        return Err("it is not a JSON object".to_owned());
    };
    match object.get("Version") {
        Some(version) if version.as_u64() == Some(1) => {}
        Some(serde_json::Value::Number(n)) => {
            return Err(format!("`Version` is {n}; only version 1 is supported"))
        }
        Some(_) => return Err("`Version` is not the number 1".to_owned()),
        None => return Err("`Version` is missing (it must be 1)".to_owned()),
    }
    let text = |key: &str, required: bool| -> Result<Option<String>, String> {
        match object.get(key) {
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.clone())),
            None | Some(serde_json::Value::Null) if !required => Ok(None),
            None | Some(serde_json::Value::Null) => Err(format!("`{key}` is missing")),
            Some(serde_json::Value::String(_)) if !required => Ok(None),
            Some(serde_json::Value::String(_)) => Err(format!("`{key}` is empty")),
            Some(_) => Err(format!("`{key}` is not a string")),
        }
    };
    let missing: Vec<&str> = ["AccessKeyId", "SecretAccessKey"]
        .into_iter()
        .filter(|key| matches!(object.get(*key), None | Some(serde_json::Value::Null)))
        .collect();
    if !missing.is_empty() {
        return Err(format!("{} missing", and_list(&missing)));
    }
    let access_key_id = text("AccessKeyId", true)?.unwrap_or_default();
    let secret_access_key = text("SecretAccessKey", true)?.unwrap_or_default();
    let session_token = text("SessionToken", false)?;
    let expiry = match text("Expiration", false)? {
        None => None,
        Some(when) => {
            let when = super::parse_expiry(&when).ok_or_else(|| {
                "`Expiration` is not an RFC 3339 time (e.g. 2026-12-03T12:00:00Z)".to_owned()
            })?;
            if when <= now {
                return Err("the credentials have already expired (`Expiration`)".to_owned());
            }
            Some(when)
        }
    };
    let mut builder = Credentials::builder()
        .access_key_id(access_key_id)
        .secret_access_key(secret_access_key)
        .provider_name("CredentialProcess");
    builder.set_session_token(session_token);
    builder.set_expiry(expiry);
    if let Some(account_id) = text("AccountId", false)? {
        builder = builder.account_id(account_id);
    }
    Ok(builder.build())
}

/// "`A` is", "`A` and `B` are".
fn and_list(keys: &[&str]) -> String {
    match keys {
        [one] => format!("`{one}` is"),
        _ => format!(
            "{} are",
            keys.iter()
                .map(|key| format!("`{key}`"))
                .collect::<Vec<_>>()
                .join(" and ")
        ),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn a_command_past_the_timeout_is_stopped() {
        let command = "sleep 30; echo SECRETCANARY";
        let started = Instant::now();
        let error =
            block_on(load_command("slow", command, Duration::from_millis(300))).unwrap_err();
        let message = super::super::describe(&error);
        assert!(started.elapsed() < Duration::from_secs(10), "{message}");
        assert!(message.contains("did not finish within 300ms"), "{message}");
        assert!(message.contains("`sleep`"), "{message}");
        assert!(message.contains("profile `slow`"), "{message}");
        assert!(!message.contains("SECRETCANARY"), "{message}");
        assert!(!message.contains("sleep 30"), "{message}");
    }

    #[test]
    fn program_names_leave_out_arguments_and_assignments() {
        assert_eq!(program_name("/bin/tool --secret x"), "/bin/tool");
        assert_eq!(
            program_name("  \"C:\\Program Files\\t.exe\" -p x"),
            "C:\\Program Files\\t.exe"
        );
        assert_eq!(program_name("TOKEN=abc tool --x"), "tool");
        assert_eq!(program_name("TOKEN=abc"), "(a variable assignment)");
    }
}
