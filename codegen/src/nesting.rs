//! How deeply a crate's types nest, and the `#![recursion_limit]` that rustc then needs.
//!
//! rustc proves auto traits (`Send` for the client's futures) and checks drop glue by walking a
//! type's fields, one step of its recursion limit (128 by default) per level. A legal model can
//! nest far deeper than that: a chain of 100 structures overflows at the 64th. Such a crate
//! sets a higher limit, and so must the crates that use its types (the check also runs there),
//! which the crate documentation says.
//!
//! The cost per level was measured on rustc 1.95.0 with chains of each kind (the level at which
//! the default limit overflows): a structure member (`Option<T>` in a struct) takes 2 steps, a
//! list (`Vec`) 3, a map (`HashMap`) up to 5. The limit asked for is twice the deepest weighted
//! chain, so a few extra levels taken by a future rustc stay covered.

use std::collections::{BTreeMap, HashMap};

use crate::ir::{Crate, Named, Type, TypeRef};

/// rustc's default `recursion_limit`.
const DEFAULT_LIMIT: u32 = 128;

/// Steps of rustc's recursion per level, by kind (see the module docs).
const MEMBER_STEPS: u32 = 2;
const LIST_STEPS: u32 = 3;
const MAP_STEPS: u32 = 5;

/// The `recursion_limit` the crate must set, or `None` when rustc's default is ample.
pub fn recursion_limit(krate: &Crate) -> Option<u32> {
    let needed = deepest_chain(krate).saturating_mul(2);
    (needed > DEFAULT_LIMIT).then(|| needed.checked_next_power_of_two().unwrap_or(u32::MAX))
}

/// The weighted length of the longest chain of nested types, in rustc's steps. A chain that
/// comes back to a type on it (recursion, which the crate boxes) ends there: rustc's proof of an
/// auto trait stops at the cycle too.
fn deepest_chain(krate: &Crate) -> u32 {
    let graph = Graph::new(krate);
    let mut depth: HashMap<usize, u32> = HashMap::new();
    let mut on_path = vec![false; graph.edges.len()];
    // Iterative depth-first search (a model may chain thousands of structures): each frame is a
    // type and the index of its next edge to follow.
    for root in 0..graph.edges.len() {
        if depth.contains_key(&root) {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        on_path[root] = true;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&(_, child)) = graph.edges[node].get(*next) {
                *next += 1;
                let Some(child) = child else { continue };
                if !depth.contains_key(&child) && !on_path[child] {
                    on_path[child] = true;
                    stack.push((child, 0));
                }
                continue;
            }
            // All children done: a child still on the path closes a cycle and counts as a leaf.
            let deepest = graph.edges[node]
                .iter()
                .map(|&(steps, child)| {
                    let below = child.and_then(|c| depth.get(&c)).copied().unwrap_or(0);
                    steps.saturating_add(below)
                })
                .max()
                .unwrap_or(0);
            depth.insert(node, deepest);
            on_path[node] = false;
            stack.pop();
        }
    }
    depth.values().copied().max().unwrap_or(0)
}

/// The crate's named types, each with the types its members hold and the steps to reach them.
struct Graph {
    /// For each type (by index): the steps to each member's value, and the index of the named
    /// type at its end (`None` for strings, numbers, enums and the like).
    edges: Vec<Vec<(u32, Option<usize>)>>,
}

impl Graph {
    fn new(krate: &Crate) -> Self {
        // Every named type whose fields can hold others (enums hold none).
        let named = krate.named_types();
        let members: Vec<(&TypeRef, Vec<&Type>)> = named
            .iter()
            .filter_map(|(path, item)| match item {
                Named::Structure(s) => Some((path, s.fields.iter().map(|f| &f.ty).collect())),
                Named::Union(u) => Some((path, u.variants.iter().flat_map(|v| &v.ty).collect())),
                Named::Enum(_) => None,
            })
            .collect();
        let index: BTreeMap<&TypeRef, usize> = members
            .iter()
            .enumerate()
            .map(|(i, (path, _))| (*path, i))
            .collect();
        let edges = members
            .iter()
            .map(|(_, tys)| {
                let mut out = Vec::new();
                for ty in tys {
                    reached(ty, MEMBER_STEPS, &index, &mut out);
                }
                out
            })
            .collect();
        Graph { edges }
    }
}

/// Adds the named type `ty` holds (through lists and maps) with the steps to reach it.
fn reached(
    ty: &Type,
    steps: u32,
    index: &BTreeMap<&TypeRef, usize>,
    out: &mut Vec<(u32, Option<usize>)>,
) {
    match ty {
        Type::List { item, .. } => reached(item, steps + LIST_STEPS, index, out),
        Type::Map { value, .. } => reached(value, steps + MAP_STEPS, index, out),
        Type::Named(path) => {
            // Enums hold no other type and are not in the index.
            out.push((steps, index.get(path).copied()));
        }
        // A value that holds no other type ends the chain: its steps still count.
        _ => out.push((steps, None)),
    }
}
