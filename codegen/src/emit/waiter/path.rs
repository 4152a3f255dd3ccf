//! A compiled waiter path ([`Path`]) as a Rust expression of type `Option<T>`, over `current`
//! (the value in scope), `input` and `output`, calling `crate::waiter::path` for everything but
//! member access.

use proc_macro2::{Literal as Lit, TokenStream};
use quote::quote;

use crate::emit::ident;
use crate::ir::waiter::{Comparator, CompareOp, Conv, Literal, Path};

/// The comparator applied to the path: a `bool` expression.
pub fn comparison(path: &Path, comparator: &Comparator) -> TokenStream {
    let value = expr(path);
    match comparator {
        Comparator::StringEquals(expected) => {
            quote! { crate::waiter::path::string_equals(#value, #expected) }
        }
        Comparator::BooleanEquals(expected) => {
            quote! { crate::waiter::path::boolean_equals(#value, #expected) }
        }
        Comparator::AllStringEquals(expected) => {
            quote! { crate::waiter::path::all_string_equals(#value, #expected) }
        }
        Comparator::AnyStringEquals(expected) => {
            quote! { crate::waiter::path::any_string_equals(#value, #expected) }
        }
    }
}

/// Whether the path reads `current` at its top level (outside projections and filters, which
/// bind their own): the emitter binds it to the output only then.
pub fn reads_root(path: &Path) -> bool {
    match path {
        Path::Current { .. } => true,
        Path::Input | Path::Output | Path::Literal(_) => false,
        Path::Field { of, .. }
        | Path::Key { of, .. }
        | Path::Index { of, .. }
        | Path::Project { of, .. }
        | Path::Values { of, .. }
        | Path::Filter { of, .. }
        | Path::Flatten(of)
        | Path::Not(of)
        | Path::Length(of) => reads_root(of),
        Path::Compare { left, right, .. } | Path::And(left, right) | Path::Or(left, right) => {
            reads_root(left) || reads_root(right)
        }
    }
}

fn expr(path: &Path) -> TokenStream {
    let some = quote! { ::std::option::Option::Some };
    match path {
        Path::Current { clone: false } => quote! { current },
        Path::Current { clone: true } => quote! { current.clone() },
        Path::Input => quote! { #some(input) },
        Path::Output => quote! { #some(output) },
        Path::Field { of, step, conv } => {
            let of = expr(of);
            let field = ident(&step.ident);
            let access = match (step.optional, step.boxed) {
                (true, false) => quote! { #of.and_then(|v| v.#field.as_ref()) },
                (true, true) => quote! { #of.and_then(|v| v.#field.as_deref()) },
                (false, false) => quote! { #of.map(|v| &v.#field) },
                (false, true) => quote! { #of.map(|v| &*v.#field) },
            };
            let conv = map_conv(conv);
            quote! { #access #conv }
        }
        Path::Key { of, key, conv } => {
            let of = expr(of);
            let conv = map_conv(conv);
            quote! { #of.and_then(|v| v.get(#key)) #conv }
        }
        Path::Index { of, index } => {
            let of = expr(of);
            let index = signed(Lit::u64_unsuffixed(index.unsigned_abs()), *index < 0);
            quote! { crate::waiter::path::index(#of, #index) }
        }
        Path::Project { of, then } => {
            let (of, then) = (expr(of), expr(then));
            quote! { crate::waiter::path::project(#of, |current| #then) }
        }
        Path::Values { of, conv, then } => {
            let of = expr(of);
            let value = convert(conv, quote! { v });
            let values = quote! { crate::waiter::path::values(#of, |v| #value) };
            if let Path::Current { .. } = **then {
                values
            } else {
                let then = expr(then);
                quote! { crate::waiter::path::project(#values, |current| #then) }
            }
        }
        Path::Flatten(of) => {
            let of = expr(of);
            quote! { crate::waiter::path::flatten(#of) }
        }
        Path::Filter { of, cond, then } => {
            let (of, cond, then) = (expr(of), expr(cond), expr(then));
            quote! {
                crate::waiter::path::filter(
                    #of,
                    |current| crate::waiter::path::truthy(&#cond),
                    |current| #then,
                )
            }
        }
        Path::Literal(Literal::String(text)) => quote! { #some(#text) },
        Path::Literal(Literal::Bool(flag)) => quote! { #some(#flag) },
        Path::Literal(Literal::Number(n)) => {
            let n = signed(Lit::f64_unsuffixed(n.abs()), *n < 0.0);
            quote! { #some(#n) }
        }
        Path::Compare { op, left, right } => {
            let function = ident(match op {
                CompareOp::Eq => "equal",
                CompareOp::Ne => "not_equal",
                CompareOp::Lt => "less",
                CompareOp::Le => "less_or_equal",
                CompareOp::Gt => "greater",
                CompareOp::Ge => "greater_or_equal",
            });
            let (left, right) = (expr(left), expr(right));
            quote! { crate::waiter::path::#function(#left, #right) }
        }
        Path::And(left, right) => {
            let (left, right) = (expr(left), expr(right));
            quote! { crate::waiter::path::and(#left, #right) }
        }
        Path::Or(left, right) => {
            let (left, right) = (expr(left), expr(right));
            quote! { crate::waiter::path::or(#left, #right) }
        }
        Path::Not(inner) => {
            let inner = expr(inner);
            quote! { crate::waiter::path::not(&#inner) }
        }
        Path::Length(inner) => {
            let inner = expr(inner);
            quote! { crate::waiter::path::length(#inner) }
        }
    }
}

fn signed(literal: Lit, negative: bool) -> TokenStream {
    if negative {
        quote! { -#literal }
    } else {
        quote! { #literal }
    }
}

/// Turns an `Option<&T>` of a stored value into an `Option` of its path value.
fn map_conv(conv: &Conv) -> TokenStream {
    match conv {
        Conv::Same => quote! {},
        Conv::Bool | Conv::F64 => quote! { .copied() },
        other => {
            let value = convert(other, quote! { v });
            quote! { .map(|v| #value) }
        }
    }
}

/// The path value of the stored value `value` (a reference).
fn convert(conv: &Conv, value: TokenStream) -> TokenStream {
    match conv {
        Conv::Str => quote! { #value.as_str() },
        Conv::Bool | Conv::F64 => quote! { *#value },
        Conv::Widen => quote! { f64::from(*#value) },
        Conv::I64 => quote! { *#value as f64 },
        Conv::IntEnum => quote! { f64::from(#value.as_i32()) },
        Conv::Timestamp => quote! { #value.as_secs_f64() },
        Conv::Same => value,
        Conv::List(item) => {
            let item = convert(item, quote! { v });
            quote! { crate::waiter::path::items(#value, |v| #item) }
        }
    }
}
