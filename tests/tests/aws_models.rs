//! Whole official AWS JSON models (`../shared/aws-models`, see `tests::aws_models_dir`): each
//! generates a crate with every operation (event-stream operations skipped, with a note), and the
//! crate passes `cargo clippy -D warnings` and `cargo doc` with rustdoc warnings denied, and its
//! doc examples compile (`cargo test --doc`).
//!
//! Each test prints one line of figures: operations generated and skipped (with why), generated
//! lines, generation time, and clippy and doc (with doc tests) time (`cargo test -- --nocapture` to see them).

use std::time::{Duration, Instant};

use tests::{aws_models_dir, cargo_in, temp_path, write_crate};

/// Generates `FILE.json` whole, checks the crate with clippy and rustdoc, compiles its doc
/// examples, and prints the figures.
/// Returns the skip notes; `None` when the models are missing (see `aws_models_dir`).
fn check_model(file: &str) -> Option<Vec<String>> {
    let path = aws_models_dir()?.join(format!("{file}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let settings = codegen::Settings::new(file, format!("aws-models/{file}.json"));
    let started = Instant::now();
    let (files, notes) = codegen::generate_with_notes(&text, &settings)
        .unwrap_or_else(|e| panic!("{file}.json does not generate: {e}"));
    let generation = started.elapsed();
    let operations = files
        .iter()
        .filter(|f| f.path.starts_with("src/operation/") && f.path.ends_with(".rs"))
        .count();
    let lines: usize = files.iter().map(|f| f.contents.lines().count()).sum();

    let dir = temp_path(&format!("aws-{file}"));
    write_crate(&dir, files.iter().map(|f| (&f.path, &f.contents)));
    let started = Instant::now();
    let clippy = cargo_in(&dir, &["clippy", "--lib", "--", "-D", "warnings"]);
    let clippy_time = started.elapsed();
    let started = Instant::now();
    let doc = clippy.as_ref().ok().map(|_| {
        cargo_in(&dir, &["doc", "--no-deps"])?;
        // `cargo doc` does not compile examples: the front page's (`no_run`) are compiled here.
        cargo_in(&dir, &["test", "--doc"])
    });
    let doc_time = started.elapsed();
    let _ = std::fs::remove_dir_all(&dir);

    let skipped = if notes.is_empty() {
        "none".to_owned()
    } else {
        notes.join("; ")
    };
    println!(
        "{file}: {operations} operations generated, {} skipped ({skipped}); {lines} lines; \
         generation {}; clippy {}; doc and doc tests {}",
        notes.len(),
        ms(generation),
        ms(clippy_time),
        ms(doc_time),
    );
    if let Err(why) = clippy {
        panic!("{file}: {why}");
    }
    if let Some(Err(why)) = doc {
        panic!("{file}: {why}");
    }
    Some(notes)
}

fn ms(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

#[test]
fn sfn_whole_model() {
    if let Some(notes) = check_model("sfn") {
        assert_eq!(notes, Vec::<String>::new());
    }
}

#[test]
fn dynamodb_whole_model() {
    if let Some(notes) = check_model("dynamodb") {
        assert_eq!(notes, Vec::<String>::new());
    }
}

#[test]
fn sqs_whole_model() {
    if let Some(notes) = check_model("sqs") {
        assert_eq!(notes, Vec::<String>::new());
    }
}

/// Cognito Identity's unauthenticated operations (`@auth([])` with `@optionalAuth`) are sent
/// unsigned; the others are signed as `cognito-identity`.
#[test]
fn cognito_identity_whole_model_with_unsigned_operations() {
    let Some(notes) = check_model("cognito-identity") else {
        return;
    };
    assert_eq!(notes, Vec::<String>::new());
    let text = std::fs::read_to_string(aws_models_dir().unwrap().join("cognito-identity.json"))
        .expect("cognito-identity.json");
    let settings = codegen::Settings::new("cognito-identity", "aws-models/cognito-identity.json");
    let client: String = codegen::generate(&text, &settings)
        .unwrap()
        .into_iter()
        .find(|f| f.path == "src/client.rs")
        .expect("a client module")
        .contents
        .split_whitespace()
        .collect();
    let spec = |name: &str| {
        let start = client
            .find(&format!("name:\"{name}\""))
            .unwrap_or_else(|| panic!("no spec for {name}"));
        client[start..].split("};").next().unwrap().to_owned()
    };
    for name in [
        "GetId",
        "GetCredentialsForIdentity",
        "GetOpenIdToken",
        "UnlinkIdentity",
    ] {
        assert!(
            spec(name).contains("auth:&[],optional_auth:true"),
            "{}",
            spec(name)
        );
    }
    assert!(
        spec("ListIdentityPools").contains(
            "auth:&[crate::auth::AuthScheme::SigV4{signing_name:\"cognito-identity\",},],optional_auth:false"
        ),
        "{}",
        spec("ListIdentityPools")
    );
}

/// awsJson1_1, with Smithy 1.0 `@enum` strings and idempotency tokens on inputs without `@input`.
#[test]
fn redshift_data_whole_model() {
    if let Some(notes) = check_model("redshift-data") {
        assert_eq!(notes, Vec::<String>::new());
    }
}

#[test]
fn kinesis_whole_model_skips_its_event_stream() {
    if let Some(notes) = check_model("kinesis") {
        assert_eq!(
            notes,
            ["com.amazonaws.kinesis#SubscribeToShard: skipped: event streams are not supported"]
        );
    }
}

#[test]
fn cloudwatch_logs_whole_model_skips_its_event_stream() {
    if let Some(notes) = check_model("cloudwatch-logs") {
        assert_eq!(
            notes,
            ["com.amazonaws.cloudwatchlogs#StartLiveTail: skipped: event streams are not supported"]
        );
    }
}

/// An event-stream operation asked for by name is refused, not skipped.
#[test]
fn event_stream_operation_asked_for_is_refused() {
    let Some(dir) = aws_models_dir() else { return };
    let text = std::fs::read_to_string(dir.join("kinesis.json")).expect("kinesis.json");
    let mut settings = codegen::Settings::new("kinesis", "aws-models/kinesis.json");
    settings.operations = vec!["SubscribeToShard".to_owned()];
    let error = codegen::generate_with_notes(&text, &settings)
        .expect_err("an event stream asked for must be refused")
        .to_string();
    assert!(
        error.contains("smithy.api#streaming") && error.contains("event streams"),
        "{error}"
    );
}

/// restJson1: Lambda whole, its streaming blob (`InvokeAsync`) included, but its event stream.
#[test]
fn lambda_whole_model_skips_its_event_stream() {
    if let Some(notes) = check_model("lambda") {
        assert_eq!(
            notes,
            ["com.amazonaws.lambda#InvokeWithResponseStream: skipped: event streams are not supported"]
        );
    }
}

/// restJson1: API Gateway whole (with its `Accept` customization).
#[test]
fn api_gateway_whole_model() {
    if let Some(notes) = check_model("api-gateway") {
        assert_eq!(notes, Vec::<String>::new());
    }
}

/// A small model with an event-stream operation (`Watch`, whose output holds a `@streaming`
/// union) beside a plain one (`Get`): needs no official models.
const EVENT_STREAM_MODEL: &str = r##"{
  "smithy": "2.0",
  "shapes": {
    "com.example#Widgets": {
      "type": "service",
      "version": "2024-01-01",
      "operations": [{ "target": "com.example#Get" }, { "target": "com.example#Watch" }],
      "traits": { "aws.protocols#awsJson1_0": {} }
    },
    "com.example#Get": { "type": "operation", "input": { "target": "smithy.api#Unit" }, "output": { "target": "smithy.api#Unit" } },
    "com.example#Watch": {
      "type": "operation",
      "input": { "target": "smithy.api#Unit" },
      "output": { "target": "com.example#WatchOutput" }
    },
    "com.example#WatchOutput": {
      "type": "structure",
      "members": { "events": { "target": "com.example#Events" } },
      "traits": { "smithy.api#output": {} }
    },
    "com.example#Events": {
      "type": "union",
      "members": { "changed": { "target": "com.example#Changed" } },
      "traits": { "smithy.api#streaming": {} }
    },
    "com.example#Changed": { "type": "structure", "members": {} }
  }
}"##;

/// All operations: the event-stream one is left out and reported, by `generate_with_notes` and
/// as a `note:` line of `cargo xtask codegen` (which still succeeds).
#[test]
fn event_stream_operations_are_skipped_with_a_note() {
    let settings = codegen::Settings::new("widgets", "widgets.json");
    let (files, notes) = codegen::generate_with_notes(EVENT_STREAM_MODEL, &settings)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        notes,
        ["com.example#Watch: skipped: event streams are not supported"]
    );
    assert!(files.iter().any(|f| f.path == "src/operation/get.rs"));
    assert!(!files.iter().any(|f| f.path.contains("watch")));
    assert_eq!(
        codegen::generate(EVENT_STREAM_MODEL, &settings).unwrap(),
        files
    );

    let dir = temp_path("event-stream-note");
    std::fs::create_dir_all(&dir).unwrap();
    let model = dir.join("widgets.json");
    std::fs::write(&model, EVENT_STREAM_MODEL).unwrap();
    let out_dir = dir.join("widgets");
    let args: Vec<String> = [
        "codegen",
        "--model",
        model.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]
    .map(str::to_owned)
    .to_vec();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = xtask::run(&tests::repo_root(), &args, &mut out, &mut err);
    let err = String::from_utf8_lossy(&err).into_owned();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err,
        format!(
            "note: {}: com.example#Watch: skipped: event streams are not supported\n",
            model.display()
        )
    );

    // Asked for by name, it is refused.
    let mut one = settings.clone();
    one.operations = vec!["Watch".to_owned()];
    let error = codegen::generate_with_notes(EVENT_STREAM_MODEL, &one)
        .expect_err("refused")
        .to_string();
    assert_eq!(
        error,
        "com.example#Events: uses `smithy.api#streaming`: event streams are not supported yet"
    );
}
