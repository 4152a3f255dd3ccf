//! A structure's builder: setters, getters, and `build()`.

use proc_macro2::TokenStream;
use quote::quote;

use super::{error, service_default_doc};
use crate::emit::{
    debug_impl, doc_lines, docs, ident, naming_label, rust_type, setter_lint_allow, setter_param,
    with_default,
};
use crate::ir::{Presence, Structure};

/// The builder of `s`: an `Option` per member with its setters, and `build()`, which fills in
/// `@default` values and, when a member is required, fails naming it. `module` is the path of the
/// module holding the structure; the builder goes in its `builders` module.
pub fn builder(s: &Structure, module: &TokenStream) -> TokenStream {
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
            naming_label(&f.ident),
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
        doc.extend(doc_lines(&presence_doc));
        doc.extend(doc_lines(&super::rename_note(f)));
        let (param, convert) = setter_param(&f.ty);
        let wire = &f.wire_name;
        let set_doc = doc_lines(&format!("Sets or clears `{wire}`."));
        let get_doc = doc_lines(&format!("The value of `{wire}` set so far."));
        let allow = setter_lint_allow(&f.setter);
        methods.push(quote! {
            #doc
            #allow
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
        debug_fields.push(error::request_id_debug_field(error));
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
        let doc = if s.fields.iter().any(|f| f.presence == Presence::Required) {
            doc_lines(&format!(
                "Builds the {target_link}, or says which required member is missing."
            ))
        } else {
            // An operation input without required members: fallible as every input is.
            doc_lines(&format!(
                "Builds the {target_link}. A `Result`, as for every operation input (in the AWS \
                 SDK too), though it never fails: no member is required."
            ))
        };
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
    // Neither `Clone` nor `PartialEq` with a `ByteStream` field (see `comparable_derive`).
    let derive = if crate::ir::holds_stream(&s.fields) {
        quote! { #[derive(::std::default::Default)] }
    } else {
        quote! { #[derive(::std::clone::Clone, ::std::default::Default, ::std::cmp::PartialEq)] }
    };
    quote! {
        #builder_doc
        #derive
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

/// `crate::types` as written in a doc link.
fn target_module_path(module: &TokenStream) -> String {
    module.to_string().replace(' ', "")
}
