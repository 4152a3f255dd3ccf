//! Cycles among structures and unions, from strongly connected components computed once
//! ([`crate::scc`]): a member whose target leads back to its owner is boxed, and a structure
//! whose always-set members lead back to itself is refused. Finding every member on a cycle
//! costs linear time rather than a walk of the model per member.

use std::collections::HashMap;

use super::Lowering;
use crate::ast::{Member, Shape, ShapeKind};
use crate::closure::Selection;
use crate::diagnostic::{Diagnostic, Result};
use crate::model::Model;
use crate::shape_id::ShapeId;
use crate::traits;

/// The strongly connected components of the selection's shapes of `kinds`, linked by the members
/// that `follow` accepts: computed once, so that finding every member on a cycle costs linear
/// time rather than a walk of the model per member.
pub(super) fn components(
    model: &Model,
    selection: &Selection,
    kinds: &[ShapeKind],
    follow: impl Fn(&Member) -> bool,
) -> HashMap<ShapeId, usize> {
    let nodes: Vec<&ShapeId> = selection
        .shapes
        .iter()
        .filter(|id| kinds.contains(&model.shape(id).kind))
        .collect();
    let index: HashMap<&ShapeId, usize> =
        nodes.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let edges: Vec<Vec<usize>> = nodes
        .iter()
        .map(|id| {
            model
                .shape(id)
                .members
                .iter()
                .filter(|m| follow(m))
                .filter_map(|m| index.get(&m.target).copied())
                .collect()
        })
        .collect();
    let components = crate::scc::components(&edges);
    nodes
        .into_iter()
        .zip(components)
        .map(|(id, c)| (id.clone(), c))
        .collect()
}

/// A member that must always hold a value: `@required`, without `@clientOptional` or a default.
pub(super) fn always_set(member: &Member) -> bool {
    traits::has(&member.traits, traits::REQUIRED)
        && !traits::has(&member.traits, traits::CLIENT_OPTIONAL)
        && traits::prelude(&member.traits, traits::DEFAULT).is_none()
}

impl Lowering<'_> {
    /// True when `target` leads back to `owner` through structure and union members alone: the
    /// field must then be boxed, or the type would have infinite size. (Lists and maps already
    /// put their items on the heap.)
    pub(super) fn is_recursive_edge(&self, owner: &ShapeId, target: &ShapeId) -> bool {
        match (self.cycles.get(owner), self.cycles.get(target)) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        }
    }

    /// A structure whose required members lead back to itself cannot ever be built.
    pub(super) fn check_not_self_requiring(&self, shape: &Shape) -> Result<()> {
        let Some(own) = self.required_cycles.get(&shape.id) else {
            return Ok(());
        };
        let via = shape
            .members
            .iter()
            .filter(|m| always_set(m))
            .find(|m| self.required_cycles.get(&m.target) == Some(own));
        match via {
            Some(member) => Err(Diagnostic::at(
                shape.id.member(&member.name),
                "the structure requires itself through required members, so no value of it can exist",
            )),
            None => Ok(()),
        }
    }
}
