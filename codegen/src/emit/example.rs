//! `examples/<operation>.rs`: a command-line program per operation that calls the service with
//! the input's string members given as flags and prints the result or the error.
//!
//! Arguments are parsed by hand (no clap: an example must not add to the crate's compile cost).
//! The only dev-dependency is tokio's `macros` feature, for `#[tokio::main]`.

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, inner_doc_lines};
use crate::ir::{Crate, Field, Operation, Presence, Type};
use crate::naming;

/// The flags every example has (without `--`); member flags never take these names.
const FIXED_FLAGS: &[&str] = &["endpoint-url", "region", "timeout", "help"];

/// The default of `--timeout`, in seconds: the longest long poll of an AWS JSON service (60 s,
/// Step Functions `GetActivityTask`) and a retry fit in it, and a server that takes the request
/// and never answers is reported within two minutes.
const DEFAULT_TIMEOUT_SECS: u64 = 120;

/// One input member that can be set from the command line.
struct MemberFlag<'a> {
    field: &'a Field,
    /// The flag without `--`, e.g. `task-token`.
    flag: String,
    required: bool,
}

/// The flags of the input's string members, in model order: the member's Rust name in kebab case
/// (`task_token` → `task-token`, `r#type` → `type`, `_2nd` → `2nd`). A flag that would repeat a
/// fixed flag or another member's gets `member-` in front until it is unique.
fn member_flags(op: &Operation) -> Vec<MemberFlag<'_>> {
    let mut taken: Vec<String> = FIXED_FLAGS.iter().map(|f| (*f).to_owned()).collect();
    let mut flags = Vec::new();
    for field in op.input.fields.iter().filter(|f| f.ty == Type::String) {
        let mut flag = naming::base(&field.ident).replace('_', "-");
        while taken.contains(&flag) {
            flag = format!("member-{flag}");
        }
        taken.push(flag.clone());
        flags.push(MemberFlag {
            field,
            flag,
            required: field.presence == Presence::Required,
        });
    }
    flags
}

/// The path of the example's entry file, e.g. `examples/send_task_failure.rs`.
pub fn example_path(op: &Operation) -> String {
    format!("examples/{}.rs", op.module)
}

/// The path of the example's program, e.g. `examples/send_task_failure/program.rs`. The entry
/// file includes it as a `#[rustfmt::skip]` module, so `cargo fmt` leaves prettyplease's
/// formatting of it alone (an example is a crate root, where `rustfmt::skip` cannot go).
pub fn program_path(op: &Operation) -> String {
    format!("examples/{}/program.rs", op.module)
}

/// The entry file: the program's documentation and a `main` that runs it.
pub fn example_entry(krate: &Crate, op: &Operation) -> TokenStream {
    let module_doc = example_doc(krate, op);
    let path = format!("{}/program.rs", op.module);
    // An example is a crate of its own: deep types need the library's recursion limit here too.
    let recursion_limit = crate::nesting::recursion_limit(krate).map(|limit| {
        let limit = limit.to_string();
        quote! { #![recursion_limit = #limit] }
    });
    quote! {
        #module_doc
        #recursion_limit
        #[rustfmt::skip]
        #[path = #path]
        mod program;

        fn main() -> std::process::ExitCode {
            program::main()
        }
    }
}

/// The command line in one line: `[--endpoint-url URL] [--region REGION] [--timeout SECONDS]
/// --task-token TASK_TOKEN ...`.
fn synopsis(op: &Operation) -> String {
    let mut synopsis = String::from("[--endpoint-url URL] [--region REGION] [--timeout SECONDS]");
    for m in &member_flags(op) {
        let value = m.flag.to_uppercase().replace('-', "_");
        if m.required {
            synopsis.push_str(&format!(" --{} {value}", m.flag));
        } else {
            synopsis.push_str(&format!(" [--{} {value}]", m.flag));
        }
    }
    synopsis
}

/// The input members the program has no flag for (their type is not a string).
fn skipped(op: &Operation) -> Vec<&Field> {
    op.input
        .fields
        .iter()
        .filter(|f| f.ty != Type::String)
        .collect()
}

fn example_doc(krate: &Crate, op: &Operation) -> TokenStream {
    let package = &krate.package;
    let example = &op.module;
    let wire = &op.wire_name;
    let title = &krate.service.title;
    let env = &krate.service.env_name;
    let synopsis = synopsis(op);
    let skipped = skipped(op);
    let mut doc = format!(
        "Calls `{wire}` of {title} from the command line and prints the result.\n\n\
         ```text\n\
         cargo run -p {package} --example {example} -- {synopsis}\n\
         ```\n\n\
         Region and endpoint default to the standard environment (`AWS_REGION`, \
         `AWS_ENDPOINT_URL_{env}` or `AWS_ENDPOINT_URL`, the shared profile); credentials come \
         from the AWS default chain (environment, web identity, profile, container, instance \
         metadata), chosen by the environment or the profile only. The call gives up after \
         `--timeout` seconds (default {DEFAULT_TIMEOUT_SECS}), retries included; retries follow \
         `AWS_MAX_ATTEMPTS` and `AWS_RETRY_MODE` (or the profile's `max_attempts` and \
         `retry_mode`).\n\n\
         Prints `ok: <output>` and exits with 0 on success. On any error, prints \
         `error: <code or kind>: <message>` and the request id (when the service sent one) to \
         stderr and exits with 1. Bad arguments print the usage and exit with 2.\n"
    );
    if !skipped.is_empty() {
        doc.push_str(
            "\nOnly string members have flags. Members this program cannot set (their type is not \
             a string):\n",
        );
        for field in &skipped {
            let note = if field.presence == Presence::Required {
                " (required: the call fails with an invalid-input error until you set it in code)"
            } else {
                ""
            };
            doc.push_str(&format!("- `{}`{note}\n", field.wire_name));
        }
    }
    inner_doc_lines(&doc)
}

/// The program: argument parsing, the call, and the report.
pub fn example_file(krate: &Crate, op: &Operation) -> TokenStream {
    let package = &krate.package;
    let crate_ident = ident(&package.replace('-', "_"));
    let example = &op.module;
    let wire = &op.wire_name;
    let title = &krate.service.title;
    let members = member_flags(op);
    let env = &krate.service.env_name;
    let synopsis = synopsis(op);
    let skipped = skipped(op);

    // The usage text, flags aligned.
    let mut rows: Vec<(String, String)> = vec![
        (
            "--endpoint-url <URL>".to_owned(),
            format!("the endpoint to call (default: AWS_ENDPOINT_URL_{env}, AWS_ENDPOINT_URL, or the region's)"),
        ),
        (
            "--region <REGION>".to_owned(),
            "the AWS region (default: AWS_REGION, AWS_DEFAULT_REGION or the profile)".to_owned(),
        ),
        (
            "--timeout <SECONDS>".to_owned(),
            format!(
                "the longest the call may take, retries included (default: {DEFAULT_TIMEOUT_SECS})"
            ),
        ),
    ];
    for m in &members {
        let required = if m.required { " (required)" } else { "" };
        rows.push((
            format!("--{} <VALUE>", m.flag),
            format!("the input member `{}`{required}", m.field.wire_name),
        ));
    }
    rows.push(("-h, --help".to_owned(), "print this help".to_owned()));
    let width = rows.iter().map(|(left, _)| left.len()).max().unwrap_or(0);
    let mut usage = format!(
        "Calls `{wire}` of {title} and prints the result.\n\n\
         Usage: cargo run -p {package} --example {example} -- {synopsis}\n\nOptions:\n"
    );
    for (left, right) in &rows {
        usage.push_str(&format!("  {left:width$}  {right}\n"));
    }
    if !skipped.is_empty() {
        let names: Vec<String> = skipped
            .iter()
            .map(|f| format!("`{}`", f.wire_name))
            .collect();
        usage.push_str(&format!(
            "\nNot settable here (not strings): {}.\n",
            names.join(", ")
        ));
    }
    usage.push_str(
        "\nCredentials come from the AWS default chain: AWS_ACCESS_KEY_ID and \
         AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN); web identity (AWS_WEB_IDENTITY_TOKEN_FILE, \
         AWS_ROLE_ARN); the profile (AWS_PROFILE: keys, role_arn, SSO, credential_process); \
         container credentials (AWS_CONTAINER_CREDENTIALS_*); EC2 instance metadata.\n",
    );

    let flag_entries = members.iter().map(|m| {
        let flag = &m.flag;
        let required = m.required;
        quote! { (#flag, #required) }
    });
    let count = proc_macro2::Literal::usize_unsuffixed(members.len());
    // The values are bound by position (`value_0`, ...): no member name can clash with a local.
    let bindings: Vec<_> = (0..members.len())
        .map(|i| quote::format_ident!("value_{}", i))
        .collect();
    let setters = members.iter().zip(&bindings).map(|(m, value)| {
        let set_fn = ident(&m.field.set_fn);
        quote! { .#set_fn(#value) }
    });
    let module = ident(&op.module);
    let fn_name = ident(&op.fn_name);
    let error_enum = ident(&op.error_enum);
    let default_timeout = proc_macro2::Literal::u64_unsuffixed(DEFAULT_TIMEOUT_SECS);

    quote! {
        //! The program behind this example (see the entry file for its documentation).
        use std::process::ExitCode;

        use #crate_ident::operation::#module::#error_enum;

        /// What `--help` prints, and what a mistake in the arguments prints before the exit with 2.
        const USAGE: &str = #usage;

        /// The flags of the input's members (without `--`), and whether each is required.
        const MEMBERS: [(&str, bool); #count] = [ #( #flag_entries ),* ];

        /// The default of `--timeout`, in seconds.
        const DEFAULT_TIMEOUT_SECS: u64 = #default_timeout;

        /// The command line, checked.
        struct Args {
            endpoint_url: Option<String>,
            region: Option<String>,
            /// The longest the call may take, retries included.
            timeout: std::time::Duration,
            /// The members' values, in the order of [`MEMBERS`].
            values: [Option<String>; #count],
        }

        /// Reads `--flag value` and `--flag=value` arguments: `Ok(None)` when help is asked for,
        /// `Err` saying what is wrong.
        fn parse(mut args: impl Iterator<Item = std::ffi::OsString>) -> Result<Option<Args>, String> {
            let mut endpoint_url = None;
            let mut region = None;
            let mut timeout = None;
            let mut values: [Option<String>; #count] = std::array::from_fn(|_| None);
            while let Some(arg) = args.next() {
                let arg = arg
                    .into_string()
                    .map_err(|arg| format!("argument {arg:?} is not valid UTF-8"))?;
                if arg == "-h" || arg == "--help" {
                    return Ok(None);
                }
                let Some(flag) = arg.strip_prefix("--") else {
                    return Err(format!("unexpected argument `{arg}`"));
                };
                let (flag, inline) = match flag.split_once('=') {
                    Some((flag, value)) => (flag, Some(value.to_owned())),
                    None => (flag, None),
                };
                let slot = match flag {
                    "endpoint-url" => &mut endpoint_url,
                    "region" => &mut region,
                    "timeout" => &mut timeout,
                    _ => match MEMBERS.iter().position(|(name, _)| *name == flag) {
                        Some(index) => &mut values[index],
                        None => return Err(format!("unknown flag `--{flag}`")),
                    },
                };
                if slot.is_some() {
                    return Err(format!("`--{flag}` is given twice"));
                }
                let value = match inline {
                    Some(value) => value,
                    None => args
                        .next()
                        .and_then(|value| value.into_string().ok())
                        .ok_or_else(|| format!("`--{flag}` needs a value"))?,
                };
                *slot = Some(value);
            }
            for ((flag, required), value) in MEMBERS.iter().zip(&values) {
                if *required && value.is_none() {
                    return Err(format!("`--{flag}` is required"));
                }
            }
            let timeout = match timeout {
                None => std::time::Duration::from_secs(DEFAULT_TIMEOUT_SECS),
                Some(text) => parse_timeout(&text)?,
            };
            Ok(Some(Args { endpoint_url, region, timeout, values }))
        }

        /// Reads `--timeout`: seconds, fractions allowed, more than 0.
        fn parse_timeout(text: &str) -> Result<std::time::Duration, String> {
            text.trim()
                .parse::<f64>()
                .ok()
                .filter(|seconds| *seconds > 0.0)
                .and_then(|seconds| std::time::Duration::try_from_secs_f64(seconds).ok())
                .ok_or_else(|| {
                    format!("`--timeout` needs a number of seconds greater than 0, not `{text}`")
                })
        }

        /// Prints a failed call: code (or kind of failure), message, request id, causes.
        fn report(error: &#error_enum) {
            let what = match error {
                #error_enum::Request(failure) => format!("{:?}", failure.kind()),
                other => other.code().unwrap_or("Unknown").to_owned(),
            };
            let message = error.message().unwrap_or("(no message)");
            eprintln!("error: {what}: {message}");
            if let Some(id) = error.request_id() {
                eprintln!("request id: {id}");
            }
            let mut source = std::error::Error::source(error);
            while let Some(cause) = source {
                let cause_text = cause.to_string();
                if !message.contains(&cause_text) {
                    eprintln!("caused by: {cause_text}");
                }
                source = cause.source();
            }
        }

        #[tokio::main(flavor = "current_thread")]
        pub(crate) async fn main() -> ExitCode {
            let args = match parse(std::env::args_os().skip(1)) {
                Ok(Some(args)) => args,
                Ok(None) => {
                    print!("{USAGE}");
                    return ExitCode::SUCCESS;
                }
                Err(why) => {
                    eprint!("error: {why}\n\n{USAGE}");
                    return ExitCode::from(2);
                }
            };
            let mut config = #crate_ident::config::ConfigBuilder::from_env().total_timeout(args.timeout);
            if let Some(region) = args.region {
                config = config.region(region);
            }
            if let Some(url) = args.endpoint_url {
                config = config.endpoint_url(url);
            }
            let client = #crate_ident::Client::new(config.build());
            let [ #( #bindings ),* ] = args.values;
            let result = client
                .#fn_name()
                #( #setters )*
                .send()
                .await;
            match result {
                Ok(output) => {
                    println!("ok: {output:?}");
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    report(&error);
                    ExitCode::FAILURE
                }
            }
        }
    }
}
