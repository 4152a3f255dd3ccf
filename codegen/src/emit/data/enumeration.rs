//! String enums and intEnums, which keep values they do not know.

use proc_macro2::TokenStream;
use quote::quote;

use super::SENSITIVE_TYPE_DOC;
use crate::emit::{doc_lines, docs, ident};
use crate::ir::Enum;

/// A string enum or intEnum that keeps values it does not know.
pub fn enumeration(e: &Enum) -> TokenStream {
    let name = ident(&e.name);
    let mut doc = docs(e.docs.as_deref(), &format!("The `{}` enum.", e.name));
    if e.sensitive {
        doc.extend(doc_lines(SENSITIVE_TYPE_DOC));
    }
    let variants: Vec<_> = e.variants.iter().map(|v| ident(&v.name)).collect();
    let variant_docs = e
        .variants
        .iter()
        .map(|v| docs(v.docs.as_deref(), &format!("`{}`", v.value)));
    let (value_ty, unknown_ty, values, as_value, from_value) = if e.int {
        let values: Vec<_> = e
            .variants
            .iter()
            .map(|v| {
                proc_macro2::Literal::i32_unsuffixed(v.value.parse().expect("checked to fit i32"))
            })
            .collect();
        (
            quote! { i32 },
            quote! { i32 },
            values.iter().map(|v| quote! { #v }).collect::<Vec<_>>(),
            quote! { pub fn as_i32(&self) -> i32 },
            quote! { impl ::std::convert::From<i32> for #name },
        )
    } else {
        (
            quote! { &str },
            quote! { crate::types::UnknownValue },
            e.variants
                .iter()
                .map(|v| {
                    let s = &v.value;
                    quote! { #s }
                })
                .collect(),
            quote! { pub fn as_str(&self) -> &str },
            quote! { impl ::std::convert::From<&str> for #name },
        )
    };
    let unknown_as = if e.int {
        quote! { *value }
    } else {
        quote! { value.as_str() }
    };
    let unknown_new = if e.int {
        quote! { value }
    } else {
        quote! { crate::types::UnknownValue::new(value) }
    };
    let string_impls = if e.int {
        quote! {
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    ::std::fmt::Display::fmt(&self.as_i32(), f)
                }
            }
        }
    } else {
        quote! {
            impl ::std::convert::From<::std::string::String> for #name {
                fn from(value: ::std::string::String) -> Self {
                    Self::from(value.as_str())
                }
            }
            impl ::std::str::FromStr for #name {
                type Err = ::std::convert::Infallible;
                // Not `Self::Err`: a model enum may have a variant named `Err`.
                fn from_str(value: &str) -> ::std::result::Result<Self, ::std::convert::Infallible> {
                    ::std::result::Result::Ok(Self::from(value))
                }
            }
            impl ::std::convert::AsRef<str> for #name {
                fn as_ref(&self) -> &str {
                    self.as_str()
                }
            }
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
        }
    };
    let (serialize, deserialize) = if e.int {
        (
            quote! { serializer.serialize_i32(self.as_i32()) },
            quote! {
                let value = <i32 as ::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(Self::from(value))
            },
        )
    } else {
        (
            quote! { serializer.serialize_str(self.as_str()) },
            quote! {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(Self::from(value.as_str()))
            },
        )
    };
    // By hand rather than derived: the wire value, known or not, so unknown values round-trip.
    let serde_impls = quote! {
        #[cfg(feature = "serde")]
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                #serialize
            }
        }
        #[cfg(feature = "serde")]
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #deserialize
            }
        }
    };
    let label = &e.name;
    let debug = if e.sensitive {
        quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_tuple(#label).field(&crate::sensitive::Redacted).finish()
                }
            }
        }
    } else {
        quote! {}
    };
    let derive_debug = if e.sensitive {
        quote! {}
    } else {
        quote! { ::std::fmt::Debug, }
    };
    let known = proc_macro2::Literal::usize_unsuffixed(e.variants.len());
    quote! {
        #doc
        ///
        /// Values this version of the crate does not know are kept in `Unknown`, so a newer service
        /// never breaks parsing. Match on the known variants and treat anything else as unknown.
        #[non_exhaustive]
        #[derive(::std::clone::Clone, #derive_debug ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash, ::std::cmp::PartialOrd, ::std::cmp::Ord)]
        pub enum #name {
            #( #variant_docs #variants, )*
            /// A value this version of the crate does not know.
            Unknown(#unknown_ty),
        }
        impl #name {
            /// The known values, in model order.
            pub const VALUES: [#value_ty; #known] = [#( #values ),*];
            /// The value on the wire.
            #as_value {
                match self {
                    #( Self::#variants => #values, )*
                    Self::Unknown(value) => #unknown_as,
                }
            }
        }
        #from_value {
            fn from(value: #value_ty) -> Self {
                match value {
                    #( #values => Self::#variants, )*
                    value => Self::Unknown(#unknown_new),
                }
            }
        }
        #string_impls
        #debug
        #serde_impls
    }
}
