//! Operations: names, inputs and outputs, the variants of their error enums, and `@endpoint`
//! host prefixes.

use std::collections::HashMap;

use serde_json::Value;

use super::http::Direction;
use super::Lowering;
use crate::ast::{Member, ShapeKind};
use crate::closure::operation_errors;
use crate::diagnostic::{Diagnostic, Result};
use crate::ir::*;
use crate::naming;
use crate::shape_id::ShapeId;
use crate::traits;

/// Variants every operation error enum has besides the modeled errors (modeled errors with these
/// names get an `Error` suffix instead).
const RESERVED_ERROR_VARIANTS: &[&str] = &["Unknown", "Request"];
/// Client methods operations must not take (they get an `_operation` suffix instead): `Client`'s
/// own, and those of the traits that `Client`, `Box` and `Arc` implement, which a fluent method
/// would shadow or make ambiguous.
const RESERVED_CLIENT_METHODS: &[&str] = &[
    "new",
    "config",
    "clone",
    "clone_from",
    "clone_into",
    "to_owned",
    "as_ref",
    "as_mut",
    "fmt",
];

impl Lowering<'_> {
    pub(super) fn operation(&self, id: &ShapeId) -> Result<Operation> {
        let shape = self.model.shape(id);
        let parts = shape.operation.as_ref().expect("an operation");
        let name = self.shape_name(id);
        let camel = naming::camel(&name);
        let module = naming::module(&name);
        let mut fn_name = naming::snake(&name);
        if RESERVED_CLIENT_METHODS.contains(&fn_name.as_str()) {
            fn_name = naming::snake_join(&[&fn_name, "operation"]);
        }
        // The operation's own `<Op>Input` and `<Op>Output`, in its module, whatever the model
        // calls the shapes (SQS's `ReceiveMessageRequest`) and even when operations share one,
        // as the AWS SDK has them; without an input or output (or with `smithy.api#Unit`), an
        // empty structure.
        let io = |which: Option<&ShapeId>, kind: &str| -> Result<(Structure, TypeRef)> {
            let path = self.own_io_path(id, kind);
            let structure = match which {
                Some(io_id) if !io_id.is_prelude() => {
                    let shape = self.model.shape(io_id);
                    let mut structure = self.structure_at(shape, &path, kind == "Input")?;
                    let direction = if kind == "Input" {
                        Direction::Input
                    } else {
                        Direction::Output
                    };
                    self.bind_fields(shape, &mut structure.fields, direction)?;
                    let misplaced =
                        super::types::streams(shape, &structure.fields).find(|(_, field)| {
                            !matches!(field.http, Some(HttpBinding::Payload { .. }))
                        });
                    if let Some((member, _)) = misplaced {
                        return Err(super::types::stream_misplaced(
                            &shape.id.member(&member.name),
                            &member.target,
                        ));
                    }
                    structure
                }
                _ => Structure {
                    id: format!("{id}${}", kind.to_ascii_lowercase()),
                    name: path.name.clone(),
                    docs: None,
                    sensitive: false,
                    fields: Vec::new(),
                    builder: naming::camel_join(&[&path.name, "Builder"]),
                    fallible_build: false,
                    error: None,
                    codec: self.codec[&path].clone(),
                },
            };
            Ok((structure, path))
        };
        let (mut input, input_path) = io(parts.input.as_ref(), "Input")?;
        // An input's `build()` returns a `Result` even when no member is required, as in the AWS
        // SDK: code that writes `XInput::builder()...build()?` compiles against both, and a
        // member that becomes required later changes no signature.
        input.fallible_build = true;
        let (output, output_path) = io(parts.output.as_ref(), "Output")?;
        // `<Op>Input`, `<Op>Output`, their builders, `<Op>Error` and `<Op>FluentBuilder` cannot
        // share a name: each ends in its own word.
        let error_enum = naming::camel_join(&[&camel, "Error"]);
        let fluent = naming::camel_join(&[&camel, "FluentBuilder"]);
        let errors = self.error_cases(id, &error_enum)?;
        let host_prefix = self.host_prefix(id, &input)?;
        let endpoint_field = self.endpoint_field(id, &input)?;
        let paginator = self.paginator(id, &camel, &input, &output)?;
        let auth = self.operation_auth(id)?;
        let http = self.http_operation(id, &input.fields)?;
        Ok(Operation {
            id: id.to_string(),
            wire_name: id.name().to_owned(),
            docs: traits::documentation(&shape.traits).map(str::to_owned),
            // `call_` and the operation's name, never its `_operation` suffix: the prefix keeps it
            // clear of `Client`'s own methods.
            call_fn: naming::snake_join(&["call", &naming::snake(&name)]),
            idempotent: traits::has(&shape.traits, "idempotent")
                || traits::has(&shape.traits, "readonly"),
            auth,
            http,
            fn_name,
            module,
            input,
            input_path,
            output,
            output_path,
            error_enum,
            fluent,
            errors,
            host_prefix,
            request_compression: traits::request_compression_gzip(&shape.traits),
            endpoint_field,
            paginator,
        })
    }

    /// Where an operation's own input or output (`kind`: `Input` or `Output`) lives:
    /// `operation::<op>::<Op>Input`.
    pub(super) fn own_io_path(&self, operation: &ShapeId, kind: &str) -> TypeRef {
        let name = self.shape_name(operation);
        TypeRef {
            module: vec!["operation".to_owned(), naming::module(&name)],
            name: naming::camel_join(&[&naming::camel(&name), kind]),
        }
    }

    /// The variants of an operation's error enum. Errors named like the enum's own variants
    /// (`Unknown`, `Request`) get an `Error` suffix, after every other error has its own name.
    fn error_cases(&self, operation: &ShapeId, error_enum: &str) -> Result<Vec<ErrorCase>> {
        let ids = operation_errors(self.model, &self.selection.service, operation);
        let mut taken: HashMap<String, ShapeId> = HashMap::new();
        for error_id in &ids {
            let name = &self.paths[error_id].name;
            if !RESERVED_ERROR_VARIANTS.contains(&name.as_str()) {
                if let Some(other) = taken.insert(name.clone(), error_id.clone()) {
                    return Err(Diagnostic::at(
                        error_id,
                        format!("its variant `{name}` in `{error_enum}` collides with that of `{other}`"),
                    ));
                }
            }
        }
        let mut errors = Vec::new();
        for error_id in ids {
            let error = self.model.shape(&error_id);
            let ty = self.paths[&error_id].clone();
            let mut variant = ty.name.clone();
            if RESERVED_ERROR_VARIANTS.contains(&variant.as_str()) {
                while taken.contains_key(&variant)
                    || RESERVED_ERROR_VARIANTS.contains(&variant.as_str())
                {
                    variant = naming::camel_join(&[&variant, "Error"]);
                }
                taken.insert(variant.clone(), error_id.clone());
            }
            errors.push(ErrorCase {
                is_fn: naming::snake_join(&["is", &naming::snake(&variant)]),
                variant,
                ty,
                query_code: self
                    .query_error_code(error)
                    .filter(|code| *code != self.shape_name(&error_id)),
                code: self.shape_name(&error_id),
                docs: traits::documentation(&error.traits).map(str::to_owned),
            });
        }
        Ok(errors)
    }

    /// The operation's `smithy.api#endpoint` host prefix, checked as the spec requires: only
    /// host name characters and `{label}`s, no two labels adjacent or alike, and each label a
    /// required `@hostLabel` string member of the input; every `@hostLabel` member of the input
    /// has its label.
    fn host_prefix(&self, id: &ShapeId, input: &Structure) -> Result<Option<HostPrefix>> {
        let shape = self.model.shape(id);
        let Some(template) = traits::prelude(&shape.traits, traits::ENDPOINT)
            .and_then(|value| value.get(traits::HOST_PREFIX))
            .and_then(Value::as_str)
        else {
            return Ok(None);
        };
        let refuse = |why: String| {
            Diagnostic::at(
                id,
                format!("its `smithy.api#endpoint` host prefix `{template}` {why}"),
            )
        };
        let parts = shape.operation.as_ref().expect("an operation");
        let members: &[Member] = match &parts.input {
            Some(input_id) => &self.model.shape(input_id).members,
            None => &[],
        };
        let mut labels: Vec<HostLabel> = Vec::new();
        let mut rest = template;
        let mut after_label = false;
        while let Some(c) = rest.chars().next() {
            if c != '{' {
                if !(c.is_ascii_alphanumeric() || c == '-' || c == '.') {
                    return Err(refuse(format!(
                        "has `{c}`, which cannot be part of a host name (letters, digits, `-`, `.` and `{{label}}`s only)"
                    )));
                }
                rest = &rest[c.len_utf8()..];
                after_label = false;
                continue;
            }
            let end = rest
                .find('}')
                .ok_or_else(|| refuse("has a `{` without its `}`".to_owned()))?;
            let name = &rest[1..end];
            rest = &rest[end + 1..];
            if !crate::shape_id::is_identifier(name) {
                return Err(refuse(format!(
                    "has the label `{{{name}}}`, which is not a member name"
                )));
            }
            if after_label {
                return Err(refuse(format!(
                    "has the label `{{{name}}}` right after another label"
                )));
            }
            if labels.iter().any(|label| label.name == name) {
                return Err(refuse(format!("has the label `{{{name}}}` twice")));
            }
            let member = members.iter().find(|m| m.name == name).ok_or_else(|| {
                refuse(format!(
                    "has the label `{{{name}}}`, but the input has no member `{name}`"
                ))
            })?;
            let why = if !traits::has(&member.traits, traits::HOST_LABEL) {
                Some("does not have `smithy.api#hostLabel`")
            } else if !traits::has(&member.traits, traits::REQUIRED) {
                Some("is not `@required`")
            } else if !matches!(
                self.model.shape(&member.target).kind,
                ShapeKind::String | ShapeKind::Enum
            ) {
                Some("does not target a string")
            } else {
                None
            };
            if let Some(why) = why {
                return Err(refuse(format!(
                    "has the label `{{{name}}}`, but the input member `{name}` {why}"
                )));
            }
            let field = input
                .fields
                .iter()
                .position(|f| f.wire_name == name)
                .expect("every input member has a field");
            labels.push(HostLabel {
                name: name.to_owned(),
                field,
            });
            after_label = true;
        }
        if let Some(unused) = members.iter().find(|m| {
            traits::has(&m.traits, traits::HOST_LABEL)
                && !labels.iter().any(|label| label.name == m.name)
        }) {
            return Err(refuse(format!(
                "has no label `{{{}}}` for the `@hostLabel` input member `{}`",
                unused.name, unused.name
            )));
        }
        Ok(Some(HostPrefix {
            template: template.to_owned(),
            labels,
        }))
    }

    /// The input field a service customization sends the operation's requests to
    /// ([`crate::customizations::endpoint_member`]): a string member the input must have.
    fn endpoint_field(&self, id: &ShapeId, input: &Structure) -> Result<Option<usize>> {
        let Some(member) = crate::customizations::endpoint_member(&self.selection.service, id)
        else {
            return Ok(None);
        };
        let field = input
            .fields
            .iter()
            .position(|f| f.wire_name == member && matches!(f.ty, Type::String));
        match field {
            Some(field) => Ok(Some(field)),
            None => Err(Diagnostic::at(
                id,
                format!(
                    "the service's customization sends it to the URL in its input member \
                     `{member}`, but the input has no string member `{member}`"
                ),
            )),
        }
    }
}
