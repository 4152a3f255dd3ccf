//! Unions, with an `Unknown` variant for members a newer service may add.

use proc_macro2::TokenStream;
use quote::quote;

use super::{SENSITIVE_MEMBER_DOC, SENSITIVE_TYPE_DOC};
use crate::emit::{doc_lines, docs, ident, rust_type};
use crate::ir::Union;

/// How a union looks with the `serde` feature.
const UNION_SERDE_DOC: &str =
    "\nWith the `serde` feature it is written as an object with one member, named as on the wire; \
     a member this version does not know reads as `Unknown`, which cannot be written (an error).";

/// A union, with a variant for members a newer service may add.
pub fn union(u: &Union) -> TokenStream {
    let name = ident(&u.name);
    let doc = docs(
        u.docs.as_deref(),
        &format!("The `{}` union: exactly one of its members is set.", u.name),
    );
    let mut variants = Vec::new();
    let mut debug_arms = Vec::new();
    let mut accessors = Vec::new();
    let mut serialize_arms = Vec::new();
    let mut deserialize_arms = Vec::new();
    for v in &u.variants {
        let wire = &v.wire_name;
        let variant = ident(&v.name);
        let mut vdoc = docs(v.docs.as_deref(), &format!("The `{}` member.", v.wire_name));
        if v.sensitive && !u.sensitive {
            vdoc.extend(doc_lines(SENSITIVE_MEMBER_DOC));
        }
        let label = &v.name;
        let is_fn = ident(&v.is_fn);
        let is_doc = doc_lines(&format!("True when this is `{}`.", v.name));
        match &v.ty {
            None => {
                variants.push(quote! { #vdoc #variant, });
                debug_arms.push(quote! { Self::#variant => f.write_str(#label), });
                // A unit member is written `{"name": {}}`.
                serialize_arms.push(quote! {
                    Self::#variant => map.serialize_entry(#wire, &::std::collections::BTreeMap::<u8, u8>::new())?,
                });
                deserialize_arms.push(quote! {
                    #wire => {
                        map.next_value::<::serde::de::IgnoredAny>()?;
                        #name::#variant
                    }
                });
                accessors.push(quote! {
                    #is_doc
                    pub fn #is_fn(&self) -> bool {
                        matches!(self, Self::#variant)
                    }
                });
            }
            Some(ty) => {
                let mut ty = rust_type(ty);
                if v.boxed {
                    ty = quote! { ::std::boxed::Box<#ty> };
                }
                variants.push(quote! { #vdoc #variant(#ty), });
                serialize_arms.push(quote! {
                    Self::#variant(value) => map.serialize_entry(#wire, value)?,
                });
                deserialize_arms.push(quote! { #wire => #name::#variant(map.next_value()?), });
                debug_arms.push(if v.sensitive {
                    quote! { Self::#variant(_) => f.debug_tuple(#label).field(&crate::sensitive::Redacted).finish(), }
                } else {
                    quote! { Self::#variant(value) => f.debug_tuple(#label).field(value).finish(), }
                });
                accessors.push(quote! {
                    #is_doc
                    pub fn #is_fn(&self) -> bool {
                        matches!(self, Self::#variant(_))
                    }
                });
                if let Some(as_fn) = &v.as_fn {
                    let as_fn = ident(as_fn);
                    let as_doc = doc_lines(&format!(
                        "The value of `{}`, or `Err(self)` when another member is set.",
                        v.name
                    ));
                    let (value_ty, value) = match &v.ty {
                        Some(inner) if v.boxed => (rust_type(inner), quote! { &**value }),
                        _ => (ty.clone(), quote! { value }),
                    };
                    accessors.push(quote! {
                        #as_doc
                        pub fn #as_fn(&self) -> ::std::result::Result<&#value_ty, &Self> {
                            if let Self::#variant(value) = self {
                                ::std::result::Result::Ok(#value)
                            } else {
                                ::std::result::Result::Err(self)
                            }
                        }
                    });
                }
            }
        }
    }
    let union_label = &u.name;
    let debug_body = if u.sensitive {
        // Which member is set is part of the secret too.
        quote! { f.debug_tuple(#union_label).field(&crate::sensitive::Redacted).finish() }
    } else {
        quote! {
            match self {
                #( #debug_arms )*
                Self::Unknown => f.write_str("Unknown"),
            }
        }
    };
    let mut doc = doc;
    if u.sensitive {
        doc.extend(doc_lines(SENSITIVE_TYPE_DOC));
    }
    doc.extend(doc_lines(UNION_SERDE_DOC));
    let expecting = format!("the `{}` union: an object with one member", u.name);
    let unknown_error = format!(
        "cannot serialize an unknown member of the `{}` union",
        u.name
    );
    let one_member = format!("the `{}` union needs exactly one member", u.name);
    let serde_impls = quote! {
        #[cfg(feature = "serde")]
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap as _;
                if self.is_unknown() {
                    return ::std::result::Result::Err(<S::Error as ::serde::ser::Error>::custom(#unknown_error));
                }
                let mut map = serializer.serialize_map(::std::option::Option::Some(1))?;
                match self {
                    #( #serialize_arms )*
                    Self::Unknown => {}
                }
                map.end()
            }
        }
        #[cfg(feature = "serde")]
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct UnionVisitor;
                impl<'de> ::serde::de::Visitor<'de> for UnionVisitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<#name, A::Error> {
                        let one_member = || <A::Error as ::serde::de::Error>::custom(#one_member);
                        let key: ::std::string::String = map.next_key()?.ok_or_else(one_member)?;
                        let value = match key.as_str() {
                            #( #deserialize_arms )*
                            _ => {
                                map.next_value::<::serde::de::IgnoredAny>()?;
                                #name::Unknown
                            }
                        };
                        if map.next_key::<::serde::de::IgnoredAny>()?.is_some() {
                            return ::std::result::Result::Err(one_member());
                        }
                        ::std::result::Result::Ok(value)
                    }
                }
                deserializer.deserialize_map(UnionVisitor)
            }
        }
    };
    // A member holding a structure can make the enum much larger than its `Unknown` variant;
    // boxing it would change the model's shape in the API for a lint, so the lint is allowed
    // on such unions only.
    let size_allow = if u
        .variants
        .iter()
        .any(|v| !v.boxed && matches!(v.ty, Some(crate::ir::Type::Named(_))))
    {
        quote! { #[allow(clippy::large_enum_variant)] }
    } else {
        quote! {}
    };
    quote! {
        #doc
        #[non_exhaustive]
        #[derive(::std::clone::Clone, ::std::cmp::PartialEq)]
        #size_allow
        pub enum #name {
            #( #variants )*
            /// A member this version of the crate does not know (sent by a newer service).
            Unknown,
        }
        impl #name {
            #( #accessors )*
            /// True when the service sent a member this version of the crate does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown)
            }
        }
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #debug_body
            }
        }
        #serde_impls
    }
}
