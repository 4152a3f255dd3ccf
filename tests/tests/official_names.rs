//! The names generated for the official AWS models are the AWS SDK for Rust's (smithy-rs's), so
//! that code written against the SDK compiles against generated crates (`sdk_compat.rs` builds
//! such a program).
//!
//! Each official model this generator supports is generated whole, in memory, and checked:
//!
//! - every operation has `<Operation>Input` and `<Operation>Output` in its own module, whatever
//!   the model calls its input and output shapes (SQS's `ReceiveMessageRequest`);
//! - no member is renamed: every builder setter is the member's own name in snake case. The SDK
//!   renames members named `build`, `builder`, `default`, `send`, `customize`, `meta`,
//!   `make_operation` and `presigned` (to `build_value`, ...), and so does this generator
//!   (`codegen/src/lower/members.rs` lists them, with the few more it renames that no AWS model
//!   uses); no official model here has such a member, so [`RENAMED`] is empty. A model update that
//!   brings one in fails here until the rename is listed and checked against the SDK;
//! - spot checks of names the SDK has: StartExecution's `.input(..)` setter (renamed
//!   `input_value` by this generator once), accessors as the SDK types them.

use std::collections::BTreeSet;

/// The official AWS JSON models generated whole: those `aws_models.rs` builds.
const MODELS: &[&str] = &[
    "cognito-identity",
    "sfn",
    "sqs",
    "dynamodb",
    "kinesis",
    "cloudwatch-logs",
    "redshift-data",
];

/// The members of the official models whose Rust names differ from their snake-case names, as
/// `(model, member as the model names it, Rust name)`: none, as in the SDK.
const RENAMED: &[(&str, &str, &str)] = &[];

/// What a generated crate says about a renamed member (`emit/data/accessor.rs`).
const RENAME_NOTE: &str = "here, as in the AWS SDK for Rust";

struct Generated {
    model: serde_json::Value,
    files: Vec<codegen::GeneratedFile>,
}

/// Each model of [`MODELS`], generated whole, once for all the tests; `None` when the models are
/// missing.
fn generate_all() -> Option<&'static [(&'static str, Generated)]> {
    static ALL: std::sync::OnceLock<Option<Vec<(&'static str, Generated)>>> =
        std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let dir = tests::aws_models_dir()?;
        let mut all = Vec::new();
        for name in MODELS {
            let text = std::fs::read_to_string(dir.join(format!("{name}.json")))
                .unwrap_or_else(|e| panic!("cannot read {name}.json: {e}"));
            let settings = codegen::Settings::new(*name, format!("aws-models/{name}.json"));
            let files = codegen::generate(&text, &settings)
                .unwrap_or_else(|e| panic!("{name}.json does not generate: {e}"));
            let model = serde_json::from_str(&text).expect("a JSON model");
            all.push((*name, Generated { model, files }));
        }
        Some(all)
    })
    .as_deref()
}

impl Generated {
    fn file(&self, path: &str) -> &str {
        &self
            .files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("no {path}"))
            .contents
    }

    /// The model's shapes of one type, by name (the part after `#`).
    fn shapes(&self, kind: &str) -> Vec<(&str, &serde_json::Value)> {
        self.model["shapes"]
            .as_object()
            .expect("shapes")
            .iter()
            .filter(|(_, shape)| shape["type"] == kind)
            .map(|(id, shape)| (id.rsplit('#').next().unwrap(), shape))
            .collect()
    }
}

/// A name without `r#`, underscores and case: `r#type` and `Type` alike, `taskToken` and
/// `task_token` alike.
fn normalized(name: &str) -> String {
    name.trim_start_matches("r#")
        .replace('_', "")
        .to_lowercase()
}

/// The setters of builders and fluent builders in `source`: `pub fn NAME(mut self, input: ...`,
/// on one line or (as prettyplease writes longer ones) on several.
fn setters(source: &str) -> Vec<&str> {
    source
        .split("pub fn ")
        .skip(1)
        .filter_map(|rest| {
            let (name, params) = rest.split_once('(')?;
            let params = params.trim_start().strip_prefix("mut self,")?;
            params.trim_start().starts_with("input:").then_some(name)
        })
        .collect()
}

#[test]
fn operations_have_their_own_input_and_output() {
    let Some(all) = generate_all() else { return };
    for (name, generated) in all {
        let mut checked = 0;
        for file in &generated.files {
            let Some(module) = file
                .path
                .strip_prefix("src/operation/")
                .and_then(|p| p.strip_suffix(".rs"))
            else {
                continue;
            };
            // The module's input type names the operation: `send_task_failure` has
            // `pub struct SendTaskFailureInput`.
            let wanted = normalized(module);
            let structs: Vec<&str> = file
                .contents
                .lines()
                .filter_map(|line| line.strip_prefix("pub struct "))
                .map(|rest| rest.split([' ', '{', '<']).next().unwrap())
                .collect();
            for suffix in ["Input", "Output"] {
                assert!(
                    structs.iter().any(|s| s.ends_with(suffix)
                        && normalized(&s[..s.len() - suffix.len()]) == wanted),
                    "{name}: {} has no `<Operation>{suffix}` (structs: {structs:?})",
                    file.path
                );
            }
            checked += 1;
        }
        assert!(checked > 0, "{name}: no operations");
    }
    // The model calls them `ReceiveMessageRequest` and `ReceiveMessageResult`.
    let (_, sqs) = all.iter().find(|(name, _)| *name == "sqs").unwrap();
    let receive = sqs.file("src/operation/receive_message.rs");
    for wanted in [
        "pub struct ReceiveMessageInput {",
        "pub struct ReceiveMessageOutput {",
    ] {
        assert!(receive.contains(wanted), "no `{wanted}`");
    }
    assert!(!receive.contains("ReceiveMessageRequest"));
}

#[test]
fn no_member_of_an_official_model_is_renamed() {
    let Some(all) = generate_all() else { return };
    let mut renamed = BTreeSet::new();
    let mut checked = 0;
    for (name, generated) in all {
        let members: BTreeSet<String> = ["structure", "union"]
            .iter()
            .flat_map(|kind| generated.shapes(kind))
            .flat_map(|(_, shape)| {
                shape["members"]
                    .as_object()
                    .into_iter()
                    .flat_map(|members| members.keys())
            })
            .map(|member| normalized(member))
            .collect();
        for file in &generated.files {
            for line in file.contents.lines() {
                let line = line.trim();
                if line.contains(RENAME_NOTE) {
                    // "The member `build` is named `build_value` here, as in the AWS SDK ..."
                    let quoted: Vec<&str> = line.split('`').skip(1).step_by(2).collect();
                    renamed.insert(format!("{name}: {} -> {}", quoted[0], quoted[1]));
                }
            }
            for setter in setters(&file.contents) {
                // A paginator's own method, whatever the model calls its page size member.
                if setter == "page_size" {
                    continue;
                }
                let base = setter
                    .strip_prefix("set_")
                    .filter(|_| !members.contains(&normalized(setter)))
                    .unwrap_or(setter);
                assert!(
                    members.contains(&normalized(base)),
                    "{name}: {}: the setter `{setter}` names no member: a rename the SDK does not have",
                    file.path
                );
                checked += 1;
            }
        }
    }
    // The setters and `set_` methods of every builder and fluent builder (6,384 at last count).
    assert!(checked > 5_000, "only {checked} setters found");
    let expected: BTreeSet<String> = RENAMED
        .iter()
        .map(|(model, member, rust)| format!("{model}: {member} -> {rust}"))
        .collect();
    assert_eq!(
        renamed, expected,
        "the renamed members of the official models: list them in RENAMED, as the SDK names them"
    );
}

#[test]
fn names_the_sdk_has() {
    let Some(all) = generate_all() else { return };
    let find = |model: &str| &all.iter().find(|(name, _)| *name == model).unwrap().1;
    let sfn = find("sfn");
    let sqs = find("sqs");
    let dynamodb = find("dynamodb");
    let checks: &[(&Generated, &str, &[&str])] = &[
        (
            sfn,
            "src/operation/start_execution.rs",
            &[
                // The builder and the fluent builder: `.input(..)`, as in aws-sdk-sfn.
                "pub fn input(\n",
                "self.inner = self.inner.input(input);",
                "pub fn set_input(",
                "pub fn get_input(",
                "pub fn execution_arn(&self) -> &str {",
            ],
        ),
        (
            sfn,
            "src/operation/describe_execution.rs",
            &[
                "pub fn input(&self) -> ::std::option::Option<&str> {",
                "pub fn status(&self) -> &crate::types::ExecutionStatus {",
                "pub fn redrive_count(&self) -> ::std::option::Option<i32> {",
                "pub fn stop_date(&self) -> ::std::option::Option<&crate::primitives::DateTime> {",
            ],
        ),
        (
            sfn,
            "src/operation/create_state_machine.rs",
            &[
                "pub fn r#type(mut self, input: crate::types::StateMachineType) -> Self {",
                "pub fn set_type(",
                "pub fn get_type(",
            ],
        ),
        (
            sqs,
            "src/operation/receive_message.rs",
            &[
                "pub fn messages(&self) -> &[crate::types::Message] {",
                "self.messages.as_deref().unwrap_or_default()",
                "pub fn max_number_of_messages(mut self, input: i32) -> Self {",
            ],
        ),
        (
            sqs,
            "src/types.rs",
            &[
                "pub fn body(&self) -> ::std::option::Option<&str> {",
                "pub fn receipt_handle(&self) -> ::std::option::Option<&str> {",
            ],
        ),
        (
            dynamodb,
            "src/types.rs",
            &[
                // Unions have `as_<member>()`, as the SDK's `AttributeValue::as_s()`.
                "pub fn as_s(&self) -> ::std::result::Result<&::std::string::String, &Self> {",
                "pub fn is_s(&self) -> bool {",
            ],
        ),
    ];
    for (generated, path, wanted) in checks {
        let text = generated.file(path);
        for wanted in *wanted {
            assert!(text.contains(wanted), "{path} has no `{wanted}`");
        }
    }
    // Nothing is named `input_value` any more.
    for (name, generated) in all {
        for file in &generated.files {
            assert!(
                !file.contents.contains("input_value"),
                "{name}: {} has `input_value`",
                file.path
            );
        }
    }
}
