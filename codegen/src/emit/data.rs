//! Structures with their builders, enums and unions: the data types of `crate::types`,
//! `crate::types::error` and each operation's input and output.

use proc_macro2::TokenStream;
use quote::quote;

use super::{debug_impl, doc_lines, docs, field_type, ident, rust_type, with_default};
use crate::ir::{Enum, Presence, Structure, Union};

/// The note on members whose value `Debug` redacts.
const SENSITIVE_MEMBER_DOC: &str =
    "\nSensitive: `Debug` output shows a redaction marker instead of this value.";
/// The note on types whose values `Debug` redacts as a whole.
const SENSITIVE_TYPE_DOC: &str =
    "\nSensitive: `Debug` output shows a redaction marker instead of the value.";

/// How a union looks with the `serde` feature.
const UNION_SERDE_DOC: &str =
    "\nWith the `serde` feature it is written as an object with one member, named as on the wire; \
     a member this version does not know reads as `Unknown`, which cannot be written (an error).";

/// The note on operation input members whose default the service applies.
fn service_default_doc(default: &str) -> String {
    format!(
        "\nWhen not set, it is not sent, and the service applies the model's default, `{default}`."
    )
}

/// A structure and, separately, its builder (callers put builders in a `builders` module).
/// `module` is the path of the module holding the structure, e.g. `crate::types`.
pub fn structure(s: &Structure, module: &TokenStream) -> (TokenStream, TokenStream) {
    let name = ident(&s.name);
    let builder = ident(&s.builder);
    let mut doc = docs(s.docs.as_deref(), &format!("The `{}` structure.", s.name));
    if s.sensitive {
        doc.extend(doc_lines(SENSITIVE_TYPE_DOC));
    }
    let mut fields = Vec::new();
    let mut debug_fields = Vec::new();
    for f in &s.fields {
        let field = ident(&f.ident);
        let ty = field_type(f);
        let mut doc = docs(f.docs.as_deref(), &format!("The `{}` member.", f.wire_name));
        if f.sensitive && !s.sensitive {
            doc.extend(doc_lines(SENSITIVE_MEMBER_DOC));
        }
        if let Some(default) = &f.service_default {
            doc.extend(doc_lines(&service_default_doc(default)));
        }
        let serde_attr = serde_field(&f.wire_name, f.presence == Presence::Optional);
        fields.push(quote! { #doc #serde_attr pub #field: #ty, });
        debug_fields.push((
            super::naming_label(&f.ident),
            quote! { self.#field },
            f.sensitive,
            f.presence == Presence::Optional,
        ));
    }
    let mut extra_impl = TokenStream::new();
    if let Some(error) = &s.error {
        let meta = ident(&error.meta_field);
        fields.push(quote! {
            /// Response metadata, such as the request id. Read it with `request_id()`.
            #[cfg_attr(feature = "serde", serde(skip))]
            pub(crate) #meta: crate::error::ErrorMetadata,
        });
        // `Debug` shows the request id too: it is what a support case needs, and `unwrap()`
        // prints `Debug`.
        debug_fields.push((
            error.request_id_setter.clone(),
            quote! { self.#meta.request_id() },
            false,
            false,
        ));
        extra_impl = error_impls(s);
    }
    let debug = debug_impl(&quote! { #name }, &s.name, s.sensitive, &debug_fields);
    let builder_doc = doc_lines(&format!("A builder for [`{}`].", s.name));
    let item = quote! {
        #doc
        #[non_exhaustive]
        #[derive(::std::clone::Clone, ::std::cmp::PartialEq)]
        #[cfg_attr(feature = "serde", derive(::serde::Serialize, ::serde::Deserialize))]
        pub struct #name {
            #( #fields )*
        }
        impl #name {
            #builder_doc
            pub fn builder() -> #module::builders::#builder {
                ::std::default::Default::default()
            }
        }
        #debug
        #extra_impl
    };
    (item, structure_builder(s, module))
}

/// The serde attribute of a structure field (with the `serde` feature): its wire name, and for an
/// `Option`, left out when `None` and `None` when missing.
fn serde_field(wire_name: &str, optional: bool) -> TokenStream {
    if optional {
        quote! {
            #[cfg_attr(feature = "serde", serde(rename = #wire_name, default, skip_serializing_if = "::std::option::Option::is_none"))]
        }
    } else {
        quote! { #[cfg_attr(feature = "serde", serde(rename = #wire_name))] }
    }
}

fn structure_builder(s: &Structure, module: &TokenStream) -> TokenStream {
    let name = ident(&s.name);
    let builder = ident(&s.builder);
    let target = quote! { #module::#name };
    let mut fields = Vec::new();
    let mut methods = Vec::new();
    let mut inits = Vec::new();
    let mut debug_fields = Vec::new();
    for f in &s.fields {
        let field = ident(&f.ident);
        let setter = ident(&f.setter);
        let set_fn = ident(&f.set_fn);
        let get_fn = ident(&f.get_fn);
        let value_ty = rust_type(&f.ty);
        fields.push(quote! { #field: ::std::option::Option<#value_ty>, });
        debug_fields.push((
            super::naming_label(&f.ident),
            quote! { self.#field },
            f.sensitive,
            true,
        ));
        let mut doc = docs(f.docs.as_deref(), &format!("The `{}` member.", f.wire_name));
        let presence_doc = match &f.presence {
            Presence::Required => "\nRequired: `build()` fails when this is not set.".to_owned(),
            Presence::Default(_) => {
                "\nWhen not set, `build()` uses the model's default value.".to_owned()
            }
            Presence::Optional => f
                .service_default
                .as_deref()
                .map(service_default_doc)
                .unwrap_or_default(),
        };
        doc.extend(super::doc_lines(&presence_doc));
        let (param, convert) = super::setter_param(&f.ty);
        let wire = &f.wire_name;
        let set_doc = doc_lines(&format!("Sets or clears `{wire}`."));
        let get_doc = doc_lines(&format!("The value of `{wire}` set so far."));
        methods.push(quote! {
            #doc
            pub fn #setter(mut self, input: #param) -> Self {
                self.#field = ::std::option::Option::Some(#convert);
                self
            }
            #set_doc
            pub fn #set_fn(mut self, input: ::std::option::Option<#value_ty>) -> Self {
                self.#field = input;
                self
            }
            #get_doc
            pub fn #get_fn(&self) -> &::std::option::Option<#value_ty> {
                &self.#field
            }
        });
        let boxed = |value: TokenStream| {
            if f.boxed {
                quote! { ::std::boxed::Box::new(#value) }
            } else {
                value
            }
        };
        let init = match &f.presence {
            Presence::Optional if f.boxed => quote! { self.#field.map(::std::boxed::Box::new) },
            Presence::Optional => quote! { self.#field },
            Presence::Required => {
                // The method that sets it, as the caller writes it: `build_value`, `r#type`.
                let label = &f.setter;
                let value = boxed(quote! { value });
                let shape = &s.name;
                quote! {
                    match self.#field {
                        ::std::option::Option::Some(value) => #value,
                        ::std::option::Option::None => {
                            return ::std::result::Result::Err(crate::error::BuildError::missing_member(#shape, #wire, #label))
                        }
                    }
                }
            }
            Presence::Default(default) => boxed(with_default(quote! { self.#field }, default)),
        };
        inits.push(quote! { #field: #init, });
    }
    if let Some(error) = &s.error {
        let meta = ident(&error.meta_field);
        let setter = ident(&error.request_id_setter);
        fields.push(quote! { #meta: crate::error::ErrorMetadata, });
        debug_fields.push((
            error.request_id_setter.clone(),
            quote! { self.#meta.request_id() },
            false,
            false,
        ));
        methods.push(quote! {
            /// The request id the service gave this error, for AWS support cases and log correlation.
            pub fn #setter(mut self, request_id: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.#meta = crate::error::ErrorMetadata::with_request_id(request_id);
                self
            }
        });
        inits.push(quote! { #meta: self.#meta, });
    }
    let construct = quote! { #target { #( #inits )* } };
    let target_link = format!(
        "[`{name}`]({}::{name})",
        target_module_path(module),
        name = s.name
    );
    let build = if s.fallible_build {
        let doc = doc_lines(&format!(
            "Builds the {target_link}, or says which required member is missing."
        ));
        quote! {
            #doc
            pub fn build(self) -> ::std::result::Result<#target, crate::error::BuildError> {
                ::std::result::Result::Ok(#construct)
            }
        }
    } else {
        let doc = doc_lines(&format!("Builds the {target_link}."));
        quote! {
            #doc
            pub fn build(self) -> #target {
                #construct
            }
        }
    };
    let debug = debug_impl(&quote! { #builder }, &s.builder, s.sensitive, &debug_fields);
    let builder_doc = doc_lines(&format!("A builder for {target_link}."));
    quote! {
        #builder_doc
        #[derive(::std::clone::Clone, ::std::default::Default, ::std::cmp::PartialEq)]
        pub struct #builder {
            #( #fields )*
        }
        impl #builder {
            #( #methods )*
            #build
        }
        #debug
    }
}

/// Accessors, `Display` and `Error` for an error structure.
fn error_impls(s: &Structure) -> TokenStream {
    let error = s.error.as_ref().expect("only for error structures");
    let name = ident(&s.name);
    let code = &error.code;
    let meta = ident(&error.meta_field);
    let (message, shown) = match error.message_field.map(|i| &s.fields[i]) {
        Some(field) => {
            let field_ident = ident(&field.ident);
            let value = if field.presence == Presence::Optional {
                quote! { self.#field_ident.as_deref() }
            } else {
                quote! { ::std::option::Option::Some(self.#field_ident.as_str()) }
            };
            let shown = if field.sensitive || s.sensitive {
                quote! { crate::error::Message::Redacted }
            } else {
                quote! { crate::error::Message::from_option(self.message()) }
            };
            (value, shown)
        }
        None => (
            quote! { ::std::option::Option::None },
            quote! { crate::error::Message::Absent },
        ),
    };
    let fault = if error.fault == "server" {
        quote! { crate::error::Fault::Server }
    } else {
        quote! { crate::error::Fault::Client }
    };
    // The optional message member, which the client fills from the protocol's message.
    let message_mut = match error.message_field.map(|i| &s.fields[i]) {
        Some(field) if error.fill_message => {
            let field_ident = ident(&field.ident);
            quote! {
                fn message_mut(&mut self) -> ::std::option::Option<&mut ::std::option::Option<::std::string::String>> {
                    ::std::option::Option::Some(&mut self.#field_ident)
                }
            }
        }
        _ => quote! {},
    };
    quote! {
        impl #name {
            /// The error code the service sends for this error.
            pub const CODE: &'static str = #code;
            /// The error code: always [`Self::CODE`].
            pub fn code(&self) -> &'static str {
                Self::CODE
            }
            /// The human-readable message the service sent, if any.
            pub fn message(&self) -> ::std::option::Option<&str> {
                #message
            }
            /// The request id of the failed call, if the response had one.
            pub fn request_id(&self) -> ::std::option::Option<&str> {
                self.#meta.request_id()
            }
            /// Whether the caller (`Client`) or the service (`Server`) is at fault, as the model says.
            pub fn fault(&self) -> crate::error::Fault {
                #fault
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                crate::error::fmt_service_error(f, Self::CODE, #shown, self.#meta.request_id(), self.#meta.attempts())
            }
        }
        impl ::std::error::Error for #name {}
        impl crate::error::ProvideErrorMetadata for #name {
            fn code(&self) -> ::std::option::Option<&str> {
                ::std::option::Option::Some(Self::CODE)
            }
            fn message(&self) -> ::std::option::Option<&str> {
                #message
            }
            fn request_id(&self) -> ::std::option::Option<&str> {
                self.#meta.request_id()
            }
            fn status(&self) -> ::std::option::Option<u16> {
                self.#meta.status()
            }
            fn attempts(&self) -> u32 {
                self.#meta.attempts()
            }
        }
        impl crate::orchestrator::ModeledError for #name {
            fn metadata_mut(&mut self) -> &mut crate::error::ErrorMetadata {
                &mut self.#meta
            }
            #message_mut
        }
    }
}

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

/// `crate::types` as written in a doc link.
fn target_module_path(module: &TokenStream) -> String {
    module.to_string().replace(' ', "")
}
