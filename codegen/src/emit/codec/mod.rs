//! `crate::codec`: a JSON serializer for every type a request carries and a deserializer for every
//! type a response carries (AWS JSON 1.0 and 1.1 encode data the same way). Only the directions
//! the operations need are generated, so nothing is dead code.
//!
//! Here: which types need which direction (`Plan`); `ser.rs` writes serializers, `de.rs`
//! deserializers.

use std::collections::{BTreeMap, BTreeSet};

use quote::quote;

use super::ident;
use crate::diagnostic::Diagnostic;
use crate::ir::{CodecFns, Crate, Named, Type, TypeRef};
use crate::render::RustFile;
use crate::GeneratedFile;

mod de;
mod ser;

/// All named types by path, and which need a serializer or a deserializer.
pub(crate) struct Plan<'a> {
    named: BTreeMap<TypeRef, Named<'a>>,
    ser: BTreeSet<TypeRef>,
    de: BTreeSet<TypeRef>,
}

impl<'a> Plan<'a> {
    fn new(krate: &'a Crate) -> Self {
        let named = krate.named_types();
        let mut plan = Self {
            named,
            ser: BTreeSet::new(),
            de: BTreeSet::new(),
        };
        // restJson1: an input or output whose members all go elsewhere in the HTTP message has
        // no JSON body, so no codec function; a payload member's type has one instead.
        let roots = |path: &TypeRef, fields: &[crate::ir::Field], rest: bool| -> Vec<TypeRef> {
            if !rest {
                return vec![path.clone()];
            }
            match super::rest::payload(fields) {
                Some(f) => match &f.ty {
                    Type::Named(named) => vec![named.clone()],
                    _ => Vec::new(),
                },
                None if super::rest::has_body_fields(fields) => vec![path.clone()],
                None => Vec::new(),
            }
        };
        let inputs: Vec<TypeRef> = krate
            .operations
            .iter()
            .flat_map(|op| roots(&op.input_path, &op.input.fields, op.http.is_some()))
            .collect();
        let outputs: Vec<TypeRef> = krate
            .operations
            .iter()
            .flat_map(|op| roots(&op.output_path, &op.output.fields, op.http.is_some()))
            .chain(
                krate
                    .operations
                    .iter()
                    .flat_map(|op| op.errors.iter().map(|e| e.ty.clone())),
            )
            .collect();
        plan.ser = plan.reach(inputs);
        plan.de = plan.reach(outputs);
        plan
    }

    /// Every named type reachable from `roots` through fields, variants, lists and maps.
    fn reach(&self, roots: Vec<TypeRef>) -> BTreeSet<TypeRef> {
        let mut seen = BTreeSet::new();
        let mut work = roots;
        while let Some(path) = work.pop() {
            if !seen.insert(path.clone()) {
                continue;
            }
            let mut types: Vec<&Type> = Vec::new();
            match self.named.get(&path) {
                Some(Named::Structure(s)) => types.extend(s.fields.iter().map(|f| &f.ty)),
                Some(Named::Union(u)) => {
                    types.extend(u.variants.iter().filter_map(|v| v.ty.as_ref()))
                }
                _ => {}
            }
            for ty in types {
                collect_named(ty, &mut work);
            }
        }
        seen
    }

    pub(crate) fn kind(&self, path: &TypeRef) -> Named<'a> {
        self.named[path]
    }

    /// The codec functions of a structure or union, as the lowering named them.
    fn codec(&self, path: &TypeRef) -> &'a CodecFns {
        self.kind(path)
            .codec()
            .expect("only structures and unions have codec functions")
    }

    pub(crate) fn ser_fn(&self, path: &TypeRef) -> proc_macro2::Ident {
        ident(&self.codec(path).ser)
    }

    pub(crate) fn de_fn(&self, path: &TypeRef) -> proc_macro2::Ident {
        ident(&self.codec(path).de)
    }
}

fn collect_named(ty: &Type, out: &mut Vec<TypeRef>) {
    match ty {
        Type::List { item, .. } => collect_named(item, out),
        Type::Map { key, value, .. } => {
            collect_named(key, out);
            collect_named(value, out);
        }
        Type::Named(path) => out.push(path.clone()),
        _ => {}
    }
}

/// `src/codec.rs`, printed one function at a time (so that a large model's codec never exists
/// whole as tokens or as a syntax tree).
pub fn codec_file(krate: &Crate, source: &str) -> Result<GeneratedFile, Diagnostic> {
    let plan = Plan::new(krate);
    let mut file = RustFile::new(
        "src/codec.rs",
        source,
        quote! {
            //! JSON serializers for what requests carry and deserializers for what responses carry.
        },
    )?;
    for path in &plan.ser {
        file.push(ser::ser_item(&plan, path))?;
    }
    for path in &plan.de {
        file.push(de::de_item(&plan, path))?;
    }
    if krate.operations.iter().any(|op| op.http.is_some()) {
        for path in &plan.de {
            if let Named::Structure(s) = plan.kind(path) {
                if s.error.is_some() && super::rest::error_has_headers(&s.fields) {
                    file.push(super::rest::error_item(&plan, path))?;
                }
            }
        }
    }
    for op in krate.operations.iter().filter(|op| op.http.is_some()) {
        file.push(super::rest::request_item(&plan, op))?;
        file.push(super::rest::response_item(&plan, op))?;
    }
    Ok(file.finish())
}
