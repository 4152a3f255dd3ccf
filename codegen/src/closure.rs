//! Chooses what one crate contains: the service, the operations asked for, and every shape they
//! reach. Refuses, by name, whatever in that closure the generator cannot generate faithfully.
//!
//! Invariant: shapes outside the closure never cause an error here, so a model with unsupported
//! features elsewhere still yields a crate for the operations that avoid them.

use std::collections::{BTreeSet, HashSet};

use crate::ast::{Shape, ShapeKind};
use crate::diagnostic::{Diagnostic, Result};
use crate::model::Model;
use crate::shape_id::ShapeId;
use crate::traits;

/// The wire protocols the generated client can speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    AwsJson1_0,
    AwsJson1_1,
    RestJson1,
}

impl Protocol {
    /// The `Content-Type` of requests.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::AwsJson1_0 => "application/x-amz-json-1.0",
            Self::AwsJson1_1 => "application/x-amz-json-1.1",
            Self::RestJson1 => "application/json",
        }
    }
}

/// What one crate contains.
#[derive(Debug, Clone)]
pub struct Selection {
    pub service: ShapeId,
    pub protocol: Protocol,
    /// Operations in name order.
    pub operations: Vec<ShapeId>,
    /// Every data shape reached from the operations (prelude shapes included).
    pub shapes: BTreeSet<ShapeId>,
    /// Operations left out of an all-operations selection, each with why (e.g. event streams),
    /// in name order. Operations asked for by name are never skipped: they are refused.
    pub skipped: Vec<(ShapeId, String)>,
}

/// Why an operation reaching an event stream is left out of an all-operations selection.
pub const EVENT_STREAM_SKIP: &str = "event streams are not supported";

/// Traits that change what goes over the wire, which this generator does not implement yet, each
/// with the sentence that refuses it. Generating a client that ignores them would send wrong
/// requests, so they are refused.
const UNSUPPORTED_TRAITS: &[(&str, &str, &str)] = &[
    (
        "smithy.api",
        "streaming",
        "event streams are not supported yet",
    ),
    (
        "aws.protocols",
        "httpChecksum",
        "request and response checksums are not supported yet",
    ),
];

/// Protocol traits of other AWS protocols, named so the refusal can say which one the model uses.
const OTHER_PROTOCOLS: &[(&str, &str)] = &[
    ("aws.protocols", "restXml"),
    ("aws.protocols", "awsQuery"),
    ("aws.protocols", "ec2Query"),
    ("smithy.protocols", "rpcv2Cbor"),
];

/// Selects the service (by id or name; the only one when `None`) and operations (all when empty).
pub fn select(model: &Model, service: Option<&str>, operations: &[String]) -> Result<Selection> {
    let service = find_service(model, service)?;
    let protocol = protocol_of(service)?;
    check_unsupported(service)?;
    let all = service_operations(model, service);
    let mut skipped = Vec::new();
    let chosen: Vec<ShapeId> = if operations.is_empty() {
        // All operations: those with an event stream are skipped and reported (never
        // silently); every other unsupported feature still refuses the model.
        let mut chosen = Vec::new();
        for id in all {
            match reaches_stream(model, service, &id) {
                Some(why) => skipped.push((id, why.to_owned())),
                None => chosen.push(id),
            }
        }
        // Nothing left: the first skipped operation is taken as if asked for by name, so the
        // refusal names the event stream.
        if chosen.is_empty() && !skipped.is_empty() {
            chosen.push(skipped.remove(0).0);
            skipped.clear();
        }
        skipped.sort_by(|a, b| a.0.name().cmp(b.0.name()).then_with(|| a.0.cmp(&b.0)));
        chosen
    } else {
        let mut chosen = Vec::new();
        for name in operations {
            let found =
                find_operation(&all, name).map_err(|why| Diagnostic::at(&service.id, why))?;
            if !chosen.contains(found) {
                chosen.push(found.clone());
            }
        }
        chosen
    };
    if chosen.is_empty() {
        return Err(Diagnostic::at(
            &service.id,
            "has no operations, so there is no client to generate",
        ));
    }
    let mut sorted = chosen;
    sorted.sort_by(|a, b| a.name().cmp(b.name()).then_with(|| a.cmp(b)));
    let shapes = reach(model, service, &sorted)?;
    Ok(Selection {
        service: service.id.clone(),
        protocol,
        operations: sorted,
        shapes,
        skipped,
    })
}

/// The operation `name` asks for: by its shape name (`SendTaskFailure`) or, case, `_` and `-`
/// aside, as written in snake case (`send_task_failure`) or camel case (`sendTaskFailure`). When
/// none has that name, the message suggests the closest one, or lists them all.
fn find_operation<'a>(all: &'a [ShapeId], name: &str) -> std::result::Result<&'a ShapeId, String> {
    if let Some(exact) = all.iter().find(|id| id.name() == name) {
        return Ok(exact);
    }
    let wanted = loose(name);
    let alike: Vec<&ShapeId> = all.iter().filter(|id| loose(id.name()) == wanted).collect();
    match alike.as_slice() {
        [one] => return Ok(one),
        [] => {}
        several => {
            let names: Vec<&str> = several.iter().map(|id| id.name()).collect();
            return Err(format!(
                "has several operations that `{name}` could mean: {}; give the exact name",
                names.join(", ")
            ));
        }
    }
    let closest = all
        .iter()
        .map(|id| (edit_distance(&loose(id.name()), &wanted), id.name()))
        .min();
    match closest {
        Some((distance, closest)) if distance <= (wanted.chars().count() / 3).max(1) => Err(
            format!("has no operation `{name}`; did you mean `{closest}`?"),
        ),
        _ => {
            let known: Vec<&str> = all.iter().map(ShapeId::name).collect();
            Err(format!(
                "has no operation `{name}` (it has: {})",
                known.join(", ")
            ))
        }
    }
}

/// A name in lower case without `_` and `-`: what `SendTaskFailure`, `send_task_failure` and
/// `sendTaskFailure` have in common.
fn loose(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The Levenshtein distance between two strings, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

fn find_service<'m>(model: &'m Model, wanted: Option<&str>) -> Result<&'m Shape> {
    let services: Vec<&Shape> = model
        .shapes()
        .filter(|s| s.kind == ShapeKind::Service)
        .collect();
    let names = || {
        services
            .iter()
            .map(|s| s.id.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match wanted {
        Some(wanted) => services
            .iter()
            .find(|s| s.id.to_string() == wanted || s.id.name() == wanted)
            .copied()
            .ok_or_else(|| {
                Diagnostic::model(format!(
                    "the model has no service `{wanted}` (it has: {})",
                    names()
                ))
            }),
        None => match services.as_slice() {
            [one] => Ok(one),
            [] => Err(Diagnostic::model(
                "the model has no service shape, so there is no client to generate",
            )),
            _ => Err(Diagnostic::model(format!(
                "the model has several services ({}): choose one with --service",
                names()
            ))),
        },
    }
}

fn protocol_of(service: &Shape) -> Result<Protocol> {
    let mut found = Vec::new();
    if traits::by_id(
        &service.traits,
        traits::AWS_PROTOCOLS_NAMESPACE,
        "awsJson1_0",
    )
    .is_some()
    {
        found.push(Protocol::AwsJson1_0);
    }
    if traits::by_id(
        &service.traits,
        traits::AWS_PROTOCOLS_NAMESPACE,
        "awsJson1_1",
    )
    .is_some()
    {
        found.push(Protocol::AwsJson1_1);
    }
    if traits::by_id(
        &service.traits,
        traits::AWS_PROTOCOLS_NAMESPACE,
        "restJson1",
    )
    .is_some()
    {
        found.push(Protocol::RestJson1);
    }
    if let Some(first) = found.first() {
        // Several protocols: a client picks the first it supports, in the order of preference.
        return Ok(*first);
    }
    if let Some((namespace, name)) = OTHER_PROTOCOLS
        .iter()
        .find(|(namespace, name)| traits::by_id(&service.traits, namespace, name).is_some())
    {
        return Err(Diagnostic::at(
            &service.id,
            format!("uses protocol `{namespace}#{name}`, which is not supported (supported: aws.protocols#awsJson1_0, aws.protocols#awsJson1_1, aws.protocols#restJson1)"),
        ));
    }
    Err(Diagnostic::at(
        &service.id,
        "has no protocol trait; add `aws.protocols#awsJson1_0`, `aws.protocols#awsJson1_1` or `aws.protocols#restJson1`",
    ))
}

/// The service's operations, its resources' operations included, in model order.
fn service_operations(model: &Model, service: &Shape) -> Vec<ShapeId> {
    let parts = service
        .service
        .as_ref()
        .expect("a service shape has service parts");
    let mut operations: Vec<ShapeId> = parts.operations.clone();
    let mut resources: Vec<ShapeId> = parts.resources.clone();
    let mut seen: HashSet<ShapeId> = HashSet::new();
    while let Some(id) = resources.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let resource = model
            .shape(&id)
            .resource
            .as_ref()
            .expect("checked to be a resource");
        operations.extend(resource.operations.iter().cloned());
        resources.extend(resource.resources.iter().cloned());
    }
    let mut unique = Vec::new();
    for id in operations {
        if !unique.contains(&id) {
            unique.push(id);
        }
    }
    unique
}

/// The errors an operation can return: its own, then the service-wide ones.
pub fn operation_errors(model: &Model, service: &ShapeId, operation: &ShapeId) -> Vec<ShapeId> {
    let own = &model
        .shape(operation)
        .operation
        .as_ref()
        .expect("an operation")
        .errors;
    let common = &model
        .shape(service)
        .service
        .as_ref()
        .expect("a service")
        .errors;
    let mut errors: Vec<ShapeId> = Vec::new();
    for id in own.iter().chain(common) {
        if !errors.contains(id) {
            errors.push(id.clone());
        }
    }
    errors
}

/// Every data shape reached from the operations, checked for unsupported features on the way.
fn reach(model: &Model, service: &Shape, operations: &[ShapeId]) -> Result<BTreeSet<ShapeId>> {
    let mut shapes = BTreeSet::new();
    // Each shape to visit, with the member that reached it (for messages); `None` for the input,
    // output and errors of an operation.
    let mut work: Vec<(ShapeId, Option<String>)> = Vec::new();
    for id in operations {
        let operation = model.shape(id);
        check_unsupported(operation)?;
        let parts = operation.operation.as_ref().expect("an operation");
        let roots = parts
            .input
            .iter()
            .chain(&parts.output)
            .cloned()
            .chain(operation_errors(model, &service.id, id));
        work.extend(roots.map(|root| (root, None)));
    }
    while let Some((id, via)) = work.pop() {
        if !shapes.insert(id.clone()) {
            continue;
        }
        let shape = model.shape(&id);
        check_unsupported(shape)?;
        match shape.kind {
            ShapeKind::BigInteger | ShapeKind::BigDecimal => {
                let kind = shape.kind.as_str();
                return Err(match via {
                    // Name the member: a prelude shape such as `smithy.api#BigInteger` alone would
                    // not say where the model uses it.
                    Some(member) => Diagnostic::at(
                        member,
                        format!("targets the {kind} `{id}`; {kind} shapes are not supported yet"),
                    ),
                    None => Diagnostic::at(&id, format!("{kind} shapes are not supported yet")),
                });
            }
            _ => {}
        }
        for member in &shape.members {
            check_unsupported_member(&id, member)?;
            work.push((
                member.target.clone(),
                Some(id.member(&member.name).to_string()),
            ));
        }
    }
    Ok(shapes)
}

/// Why the operation is skipped in an all-operations selection, if its input, output or errors
/// reach a `@streaming` union (an event stream). A `@streaming` blob is supported (lowering
/// checks where it is).
fn reaches_stream(model: &Model, service: &Shape, operation: &ShapeId) -> Option<&'static str> {
    let parts = model
        .shape(operation)
        .operation
        .as_ref()
        .expect("an operation");
    let mut work: Vec<ShapeId> = parts
        .input
        .iter()
        .chain(&parts.output)
        .cloned()
        .chain(operation_errors(model, &service.id, operation))
        .collect();
    let mut seen: HashSet<ShapeId> = HashSet::new();
    while let Some(id) = work.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let shape = model.shape(&id);
        if shape.kind != ShapeKind::Blob && traits::has(&shape.traits, "streaming") {
            return Some(EVENT_STREAM_SKIP);
        }
        work.extend(shape.members.iter().map(|m| m.target.clone()));
    }
    None
}

fn check_unsupported(shape: &Shape) -> Result<()> {
    // `@streaming` on a blob is a byte stream, which is supported.
    if shape.kind == ShapeKind::Blob && traits::has(&shape.traits, "streaming") {
        let mut others = shape.traits.clone();
        others.remove(&ShapeId::prelude("streaming"));
        return unsupported_trait(&others)
            .map_or(Ok(()), |why| Err(Diagnostic::at(&shape.id, why)));
    }
    unsupported_trait(&shape.traits).map_or(Ok(()), |why| Err(Diagnostic::at(&shape.id, why)))
}

fn check_unsupported_member(owner: &ShapeId, member: &crate::ast::Member) -> Result<()> {
    if member.traits.contains_key(&ShapeId::prelude("streaming")) {
        return Err(Diagnostic::at(
            owner.member(&member.name),
            "has `smithy.api#streaming`, which applies to blob and union shapes, not to members",
        ));
    }
    unsupported_trait(&member.traits).map_or(Ok(()), |why| {
        Err(Diagnostic::at(owner.member(&member.name), why))
    })
}

/// "uses `ns#trait`: why", for the first unsupported trait present.
fn unsupported_trait(traits: &crate::ast::Traits) -> Option<String> {
    UNSUPPORTED_TRAITS
        .iter()
        .find_map(|(namespace, name, why)| {
            traits::by_id(traits, namespace, name)
                .map(|_| format!("uses `{namespace}#{name}`: {why}"))
        })
}

#[cfg(test)]
mod tests {
    use super::{edit_distance, find_operation};
    use crate::shape_id::ShapeId;

    fn ids(names: &[&str]) -> Vec<ShapeId> {
        names
            .iter()
            .map(|n| ShapeId::parse(&format!("ns#{n}")).unwrap())
            .collect()
    }

    #[test]
    fn operations_by_shape_name_or_snake_case_with_a_suggestion_on_a_typo() {
        let all = ids(&[
            "SendTaskFailure",
            "SendTaskSuccess",
            "ListStateMachines",
            "GetKMSKey",
        ]);
        let found = |name| find_operation(&all, name).map(|id| id.name().to_owned());
        for name in [
            "SendTaskFailure",
            "send_task_failure",
            "sendTaskFailure",
            "SEND-TASK-FAILURE",
        ] {
            assert_eq!(found(name).as_deref(), Ok("SendTaskFailure"), "{name}");
        }
        assert_eq!(found("get_kms_key").as_deref(), Ok("GetKMSKey"));
        assert_eq!(
            found("SendTaskFailur"),
            Err("has no operation `SendTaskFailur`; did you mean `SendTaskFailure`?".to_owned())
        );
        assert_eq!(
            found("list_state_machine"),
            Err(
                "has no operation `list_state_machine`; did you mean `ListStateMachines`?"
                    .to_owned()
            )
        );
        assert_eq!(
            found("Frobnicate"),
            Err("has no operation `Frobnicate` (it has: SendTaskFailure, SendTaskSuccess, ListStateMachines, GetKMSKey)".to_owned())
        );
        let twins = ids(&["GetThing", "Get_Thing"]);
        assert_eq!(
            find_operation(&twins, "get_thing").map(|id| id.name().to_owned()),
            Err("has several operations that `get_thing` could mean: GetThing, Get_Thing; give the exact name".to_owned())
        );
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
