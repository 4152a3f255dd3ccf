//! restJson1's HTTP bindings: an operation's `@http` trait (method, URI pattern, code) and where
//! each member of its input, output and errors goes (label, query, header, payload, status),
//! checked as Smithy's validators check them. A member without a binding goes in the JSON body,
//! under its `@jsonName` when it has one.

use serde_json::Value;

use super::Lowering;
use crate::ast::{Member, Shape, ShapeKind};
use crate::closure::Protocol;
use crate::diagnostic::{Diagnostic, Result};
use crate::ir::{
    holds_stream, Field, HttpBinding, HttpOperation, PathPiece, TimestampFormat, Type,
};
use crate::shape_id::ShapeId;
use crate::traits;

/// The binding traits; a member has at most one.
const BINDING_TRAITS: &[&str] = &[
    "httpLabel",
    "httpQuery",
    "httpQueryParams",
    "httpHeader",
    "httpPrefixHeaders",
    "httpPayload",
    "httpResponseCode",
];

/// The HTTP methods a restJson1 operation may use.
const METHODS: &[&str] = &["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH", "OPTIONS"];

/// Which structure of an operation the fields belong to: bindings differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    Input,
    Output,
    Error,
}

impl Lowering<'_> {
    /// The member's key in a JSON body: `@jsonName` under restJson1, else its name.
    pub(super) fn json_name(&self, member: &Member) -> String {
        if self.selection.protocol == Protocol::RestJson1 {
            if let Some(name) = traits::prelude(&member.traits, "jsonName").and_then(Value::as_str)
            {
                return name.to_owned();
            }
        }
        member.name.clone()
    }

    /// restJson1: operation `id`'s `@http` trait, checked against its input's fields (whose
    /// bindings must already be set by [`bind_fields`](Self::bind_fields)); `None` under the
    /// AWS JSON protocols.
    pub(super) fn http_operation(
        &self,
        id: &ShapeId,
        input: &[Field],
    ) -> Result<Option<HttpOperation>> {
        let shape = self.model.shape(id);
        let at = |why: String| Diagnostic::at(id, why);
        let content_md5 = traits::has(&shape.traits, "httpChecksumRequired");
        if self.selection.protocol != Protocol::RestJson1 {
            if content_md5 {
                return Err(at(
                    "uses `smithy.api#httpChecksumRequired`, which is supported under restJson1 only, not yet under the AWS JSON protocols".into(),
                ));
            }
            return Ok(None);
        }
        if content_md5 && holds_stream(input) {
            return Err(at(
                "uses `smithy.api#httpChecksumRequired` on a streaming payload, which is not supported yet".into(),
            ));
        }
        let http = traits::prelude(&shape.traits, "http")
            .ok_or_else(|| at("has no `smithy.api#http` trait, which restJson1 requires".into()))?;
        let method = http
            .get("method")
            .and_then(Value::as_str)
            .ok_or_else(|| at("`@http` needs a `method`, such as \"GET\"".into()))?;
        if !METHODS.contains(&method) {
            return Err(at(format!(
                "`@http` has the method `{method}`; supported: {}",
                METHODS.join(", ")
            )));
        }
        let uri = http
            .get("uri")
            .and_then(Value::as_str)
            .ok_or_else(|| at("`@http` needs a `uri`".into()))?;
        let code = match http.get("code") {
            None => 200,
            Some(code) => code
                .as_u64()
                .filter(|c| (100..600).contains(c))
                .map(|c| c as u16)
                .ok_or_else(|| at(format!("`@http` has the code {code}, not an HTTP status")))?,
        };
        if traits::has(&shape.traits, "requestCompression") && holds_stream(input) {
            return Err(at(
                "uses `smithy.api#requestCompression` on a streaming payload, which is not supported yet"
                    .into(),
            ));
        }
        let (mut path, query) =
            parse_uri(uri, input).map_err(|why| at(format!("`@http` URI `{uri}` {why}")))?;
        for piece in &mut path {
            if let PathPiece::Label { field, default, .. } = piece {
                *default = crate::customizations::label_default(
                    &self.selection.service,
                    &input[*field].wire_name,
                )
                .map(str::to_owned);
            }
        }
        // Every label member has its label.
        for field in input
            .iter()
            .filter(|f| matches!(f.http, Some(HttpBinding::Label { .. })))
        {
            let index = input
                .iter()
                .position(|f| std::ptr::eq(f, field))
                .unwrap_or_default();
            if !path
                .iter()
                .any(|piece| matches!(piece, PathPiece::Label { field, .. } if *field == index))
            {
                return Err(at(format!(
                    "`@http` URI `{uri}` has no label `{{{}}}` for the `@httpLabel` input member `{}`",
                    field.wire_name, field.wire_name
                )));
            }
        }
        // A payload on a GET or HEAD, or a body on a HEAD, has no meaning in HTTP. Unbound
        // members on a GET do go in a JSON body, as the AWS SDKs send them: official models
        // have such operations (EFS `DescribeAccountPreferences`, OpenSearch
        // `DescribeDomainAutoTunes`), which Smithy flags but accepts.
        let has_payload = input
            .iter()
            .any(|f| matches!(f.http, Some(HttpBinding::Payload { .. })));
        let has_body = has_payload || input.iter().any(|f| f.http.is_none());
        if (method == "GET" && has_payload) || (method == "HEAD" && has_body) {
            return Err(at(format!(
                "is a `{method}` request with a body (an `@httpPayload` or, on a HEAD, unbound input members), which HTTP does not give a meaning"
            )));
        }
        Ok(Some(HttpOperation {
            method: method.to_owned(),
            path,
            query,
            code,
            fixed_headers: crate::customizations::request_headers(&self.selection.service)
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
            content_md5,
            tree_hash_checksums: crate::customizations::tree_hash_checksums(
                &self.selection.service,
            ) && holds_stream(input),
        }))
    }

    /// restJson1: sets the binding of each of `fields` (lowered from `shape`) from its member's
    /// binding trait, checking what the member targets.
    pub(super) fn bind_fields(
        &self,
        shape: &Shape,
        fields: &mut [Field],
        direction: Direction,
    ) -> Result<()> {
        if self.selection.protocol != Protocol::RestJson1 {
            return Ok(());
        }
        let mut payloads = 0;
        for (member, field) in shape.members.iter().zip(fields.iter_mut()) {
            let member_id = shape.id.member(&member.name);
            let bound: Vec<&str> = BINDING_TRAITS
                .iter()
                .copied()
                .filter(|name| traits::has(&member.traits, name))
                .collect();
            if bound.len() > 1 {
                return Err(Diagnostic::at(
                    member_id,
                    format!(
                        "is bound twice: `@{}` and `@{}`; a member goes in one place",
                        bound[0], bound[1]
                    ),
                ));
            }
            let Some(&binding) = bound.first() else {
                continue;
            };
            let applies = match direction {
                Direction::Input => binding != "httpResponseCode",
                Direction::Output => {
                    matches!(
                        binding,
                        "httpHeader" | "httpPrefixHeaders" | "httpPayload" | "httpResponseCode"
                    )
                }
                Direction::Error => {
                    if binding == "httpPayload" {
                        return Err(Diagnostic::at(
                            member_id,
                            "`@httpPayload` on an error structure is not supported yet",
                        ));
                    }
                    matches!(binding, "httpHeader" | "httpPrefixHeaders")
                }
            };
            // A binding that does not apply here is ignored, as Smithy says: the member is in the
            // body.
            if !applies {
                continue;
            }
            let value = traits::prelude(&member.traits, binding).unwrap_or(&Value::Null);
            let target = self.model.shape(&member.target);
            let explicit_format = traits::timestamp_format(&member.traits)
                .or_else(|| traits::timestamp_format(&target.traits))
                .map(parse_format);
            let bad = |why: &str| Diagnostic::at(member_id, format!("`@{binding}` {why}"));
            field.http = Some(match binding {
                "httpLabel" => {
                    if !self.is_scalar(&field.ty) {
                        return Err(bad(
                            "needs a string, number, boolean, timestamp or enum member",
                        ));
                    }
                    if !traits::has(&member.traits, traits::REQUIRED) {
                        return Err(bad("needs a `@required` member"));
                    }
                    HttpBinding::Label {
                        timestamp: explicit_format.unwrap_or(TimestampFormat::DateTime),
                    }
                }
                "httpQuery" => {
                    if !self.is_scalar_or_list(&field.ty) {
                        return Err(bad("needs a scalar member or a list of scalars"));
                    }
                    HttpBinding::Query {
                        name: non_empty_string(value)
                            .ok_or_else(|| bad("needs a parameter name"))?,
                        timestamp: explicit_format.unwrap_or(TimestampFormat::DateTime),
                    }
                }
                "httpQueryParams" => {
                    if !self.is_string_map(&field.ty, true) {
                        return Err(bad("needs a map of strings or of lists of strings"));
                    }
                    HttpBinding::QueryParams
                }
                "httpHeader" => {
                    if !self.is_scalar_or_list(&field.ty) {
                        return Err(bad("needs a scalar member or a list of scalars"));
                    }
                    HttpBinding::Header {
                        name: non_empty_string(value).ok_or_else(|| bad("needs a header name"))?,
                        timestamp: explicit_format.unwrap_or(TimestampFormat::HttpDate),
                        base64: field.ty == Type::String
                            && traits::has(&target.traits, "mediaType"),
                    }
                }
                "httpPrefixHeaders" => {
                    if !self.is_string_map(&field.ty, false) {
                        return Err(bad("needs a map of strings"));
                    }
                    HttpBinding::PrefixHeaders {
                        prefix: value.as_str().unwrap_or_default().to_owned(),
                    }
                }
                "httpPayload" => {
                    payloads += 1;
                    let ok = match &field.ty {
                        Type::String | Type::Blob | Type::ByteStream | Type::Document => true,
                        Type::Named(_) => matches!(
                            target.kind,
                            ShapeKind::Structure | ShapeKind::Union | ShapeKind::Enum
                        ),
                        _ => false,
                    };
                    if !ok {
                        return Err(bad(
                            "needs a string, blob, structure, union, document or enum member",
                        ));
                    }
                    HttpBinding::Payload {
                        media_type: traits::prelude(&target.traits, "mediaType")
                            .and_then(Value::as_str)
                            .map(str::to_owned),
                        requires_length: traits::has(&target.traits, "requiresLength"),
                    }
                }
                _ => {
                    if !matches!(field.ty, Type::I32) {
                        return Err(bad("needs an integer member"));
                    }
                    HttpBinding::ResponseCode
                }
            });
        }
        if payloads > 1 {
            return Err(Diagnostic::at(
                &shape.id,
                "has more than one `@httpPayload` member",
            ));
        }
        if payloads == 1 {
            if let Some(field) = fields.iter().find(|f| f.http.is_none()) {
                return Err(Diagnostic::at(
                    shape.id.member(&field.wire_name),
                    "is in the body, but the structure has an `@httpPayload` member, which is the whole body",
                ));
            }
        }
        Ok(())
    }

    /// The kind of the shape placed at `path`.
    fn kind_at(&self, path: &crate::ir::TypeRef) -> Option<ShapeKind> {
        self.paths
            .iter()
            .find(|(_, placed)| *placed == path)
            .map(|(id, _)| self.model.shape(id).kind)
    }

    fn is_enum(&self, path: &crate::ir::TypeRef) -> bool {
        matches!(
            self.kind_at(path),
            Some(ShapeKind::Enum | ShapeKind::IntEnum)
        )
    }

    fn is_int_enum(&self, path: &crate::ir::TypeRef) -> bool {
        self.kind_at(path) == Some(ShapeKind::IntEnum)
    }

    fn is_scalar(&self, ty: &Type) -> bool {
        match ty {
            Type::String
            | Type::Bool
            | Type::I8
            | Type::I16
            | Type::I32
            | Type::I64
            | Type::F32
            | Type::F64
            | Type::Timestamp { .. } => true,
            Type::Named(path) => self.is_enum(path),
            _ => false,
        }
    }

    fn is_scalar_or_list(&self, ty: &Type) -> bool {
        match ty {
            Type::List {
                item,
                sparse: false,
            } => self.is_scalar(item),
            other => self.is_scalar(other),
        }
    }

    /// A map of strings (or with `lists`, of lists of strings) keyed by strings.
    fn is_string_map(&self, ty: &Type, lists: bool) -> bool {
        let Type::Map { key, value, .. } = ty else {
            return false;
        };
        let stringy = |ty: &Type| match ty {
            Type::String => true,
            Type::Named(path) => self.is_enum(path) && !self.is_int_enum(path),
            _ => false,
        };
        stringy(key)
            && (stringy(value)
                || (lists && matches!(&**value, Type::List { item, .. } if stringy(item))))
    }
}

/// A timestamp format trait's value (checked by `traits::check`).
fn parse_format(text: &str) -> TimestampFormat {
    match text {
        "http-date" => TimestampFormat::HttpDate,
        "epoch-seconds" => TimestampFormat::EpochSeconds,
        _ => TimestampFormat::DateTime,
    }
}

fn non_empty_string(value: &Value) -> Option<String> {
    value.as_str().filter(|s| !s.is_empty()).map(str::to_owned)
}

/// A URI pattern's literal query parameters: name, and value after `=` if any.
type LiteralQuery = Vec<(String, Option<String>)>;

/// The path pieces and literal query of a URI pattern, its labels resolved to `input` fields
/// bound with `@httpLabel`; or what is wrong with it.
fn parse_uri(
    uri: &str,
    input: &[Field],
) -> std::result::Result<(Vec<PathPiece>, LiteralQuery), String> {
    if !uri.starts_with('/') {
        return Err("does not start with `/`".into());
    }
    if uri.contains('#') {
        return Err("has a fragment (`#`)".into());
    }
    let (path, query) = match uri.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (uri, None),
    };
    let mut pieces: Vec<PathPiece> = Vec::new();
    let mut literal = String::new();
    let mut seen: Vec<&str> = Vec::new();
    // The greedy label seen so far: it must be the last label (literal segments may follow it,
    // as in `/portals/{portalArn+}/browserSettings`).
    let mut greedy_seen: Option<&str> = None;
    let segments: Vec<&str> = path[1..].split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        literal.push('/');
        if segment.is_empty() && i + 1 < segments.len() {
            return Err("has an empty path segment (`//`)".into());
        }
        let Some(inner) = segment.strip_prefix('{') else {
            if segment.contains(['{', '}']) {
                return Err(format!(
                    "has the segment `{segment}`: a label must be a whole segment"
                ));
            }
            literal.push_str(segment);
            continue;
        };
        let inner = inner.strip_suffix('}').ok_or_else(|| {
            format!("has the segment `{segment}`: a label must be a whole segment")
        })?;
        let (name, greedy) = match inner.strip_suffix('+') {
            Some(name) => (name, true),
            None => (inner, false),
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(format!(
                "has the label `{{{inner}}}`, which is not a member name"
            ));
        }
        if seen.contains(&name) {
            return Err(format!("has the label `{{{name}}}` twice"));
        }
        seen.push(name);
        if let Some(earlier) = greedy_seen {
            return Err(format!(
                "has the label `{{{name}}}` after the greedy label `{{{earlier}+}}`, which must be the last label"
            ));
        }
        if greedy {
            greedy_seen = Some(name);
        }
        let field = input
            .iter()
            .position(|f| f.wire_name == name)
            .ok_or_else(|| {
                format!("has the label `{{{name}}}`, but the input has no member `{name}`")
            })?;
        if !matches!(input[field].http, Some(HttpBinding::Label { .. })) {
            return Err(format!(
                "has the label `{{{name}}}`, but the input member `{name}` does not have `@httpLabel`"
            ));
        }
        if greedy && input[field].ty != Type::String {
            return Err(format!(
                "has the greedy label `{{{name}+}}`, but the input member `{name}` is not a string"
            ));
        }
        if !literal.is_empty() {
            pieces.push(PathPiece::Literal(std::mem::take(&mut literal)));
        }
        pieces.push(PathPiece::Label {
            field,
            greedy,
            default: None,
        });
    }
    if !literal.is_empty() {
        pieces.push(PathPiece::Literal(literal));
    }
    let mut pairs = Vec::new();
    for pair in query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .filter(|p| !p.is_empty())
    {
        if pair.contains(['{', '}']) {
            return Err(format!("has a label in its query (`{pair}`)"));
        }
        match pair.split_once('=') {
            Some((name, value)) => pairs.push((name.to_owned(), Some(value.to_owned()))),
            None => pairs.push((pair.to_owned(), None)),
        }
    }
    Ok((pieces, pairs))
}
