//! `#[derive(Model)]` for `tfplugin`: a struct with named fields becomes a
//! schema, a config decoder and a state encoder, all from one declaration.
//!
//! ```ignore
//! #[derive(Model)]
//! struct Greeting {
//!     /// Who to greet. (The attribute's description.)
//!     #[tf(required)]
//!     name: String,
//!     /// What kind of greeting.
//!     #[tf(computed, rename = "type")] // The attribute is called `type`.
//!     kind: String,
//!     #[tf(flatten)] // Location's attributes, in place.
//!     location: Location,
//! }
//! ```
//!
//! Field options: one mode (`required`, `optional`, `computed`, or
//! `optional, computed`), `sensitive`, `rename = "..."`; or `flatten` alone.
//! A mode on the struct (`#[tf(computed)]` above it) is that of every field
//! that gives none. `#[tf(parameters)]` on the struct makes its fields a
//! typed function's parameters: no modes, and any nesting.
//! Each attribute's name is also a constant of the struct, named after the
//! field in capitals (`Greeting::NAME == "name"`), for diagnostics' paths.
//! Every field needs a doc comment but flattened ones (`#[doc = …]` with
//! an expression, such as `include_str!`, counts). Mistakes are compile
//! errors: a missing or doubled mode, a doubled option, an unknown option, a
//! type that is no Terraform type, a name Terraform refuses (anything but
//! lowercase letters, digits and underscores, such as a field `projectId`
//! or `rename = "a-b"`: the error suggests one), two attributes with one
//! name (through `flatten` too), a nested model no CLI can be given as
//! written (a map of models or a collection of collections the user writes,
//! a nested model both optional and computed: the error says what to write).

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitStr};

/// Derives `tfplugin::Model` and `tfplugin::AttrValue` for a struct.
#[proc_macro_derive(Model, attributes(tf))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    match model(&input) {
        Ok(tokens) => tokens.into(),
        Err(error) => error.to_compile_error().into(),
    }
}

/// What a field is, from its `#[tf(...)]`.
enum Role {
    Attribute {
        name: String,
        mode: Tokens,
        sensitive: bool,
        description: Tokens,
    },
    Flatten,
}

fn model(input: &DeriveInput) -> syn::Result<Tokens> {
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(
            input.span(),
            "Model derives only for structs with named fields",
        ));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new(
            input.span(),
            "Model derives only for structs with named fields",
        ));
    };
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new(
            input.generics.span(),
            "Model derives only for structs without generic parameters",
        ));
    }
    let ident = &input.ident;
    let krate = quote!(::tfplugin);
    let (default_mode, parameters) = struct_options(input)?;
    let mut own_names = Vec::new();
    let mut flattened = Vec::new();
    let mut attributes = Vec::new();
    let mut decoders = Vec::new();
    let mut encoders = Vec::new();
    let mut field_idents = Vec::new();
    let mut locals = Vec::new();
    let mut name_consts = Vec::new();
    let mut shape_checks = Vec::new();
    let mut takes = Vec::new();
    for (index, field) in fields.named.iter().enumerate() {
        let field_ident = field.ident.as_ref().expect("named fields have names");
        let ty = &field.ty;
        field_idents.push(field_ident.clone());
        // Not the field's own name: it could shadow the decoder's `value`,
        // `path` or `problems`.
        let local = quote::format_ident!("__tf_field_{}", index);
        locals.push(local.clone());
        match role(field, default_mode.as_ref(), parameters)? {
            Role::Flatten => {
                flattened.push(quote!(&<#ty as #krate::model::Model>::NAME_TREE));
                attributes.push(quote! {
                    attributes.extend(<#ty as #krate::model::Model>::attributes());
                });
                takes.push(quote! {
                    takes.extend(<#ty as #krate::model::Model>::takes());
                });
                decoders.push(quote! {
                    let #local =
                        <#ty as #krate::model::Model>::decode_fields(value, path, problems);
                });
                encoders.push(quote! {
                    #krate::model::Model::encode_fields(&self.#field_ident, into);
                });
            }
            Role::Attribute {
                name,
                mode,
                sensitive,
                description,
            } => {
                own_names.push(name.clone());
                let upper = field_ident
                    .to_string()
                    .trim_start_matches("r#")
                    .to_uppercase();
                let konst = quote::format_ident!("{}", upper);
                let doc = format!("The attribute name of `{field_ident}`: `{name}`.");
                name_consts.push(quote! {
                    #[doc = #doc]
                    #[allow(dead_code)]
                    pub const #konst: &'static str = #name;
                });
                // Spanned at the field, so the error points at it. A
                // function's parameters are types, not blocks: any nesting.
                shape_checks.extend((!parameters).then(|| {
                    quote::quote_spanned! {field.span()=>
                        const _: () = if let ::std::option::Option::Some(why) =
                            <#ty as #krate::model::AttrValue>::SHAPE.unservable(#mode)
                        {
                            ::std::panic!("{}", why);
                        };
                    }
                }));
                takes.push(quote! {
                    takes.push(<#ty as #krate::model::AttrValue>::TAKES);
                });
                attributes.push(quote! {
                    attributes.push(#krate::model::attribute::<#ty>(
                        #name, #mode, #sensitive, #description,
                    ));
                });
                decoders.push(quote! {
                    let #local =
                        #krate::model::field::<#ty>(value, #name, path, problems);
                });
                encoders.push(quote! {
                    into.insert(
                        ::std::string::String::from(#name),
                        #krate::model::AttrValue::encode(&self.#field_ident),
                    );
                });
            }
        }
    }
    let clash =
        format!("two attributes of `{ident}` have one name (look at its flattened structs too)");
    Ok(quote! {
        impl #ident {
            #(#name_consts)*
        }

        impl #krate::model::Model for #ident {
            const NAME_TREE: #krate::model::Names = #krate::model::Names {
                own: &[#(#own_names),*],
                flattened: &[#(#flattened),*],
            };

            fn attributes() -> ::std::vec::Vec<#krate::Attribute> {
                let mut attributes = ::std::vec::Vec::new();
                #(#attributes)*
                attributes
            }

            fn takes() -> ::std::vec::Vec<#krate::model::Takes> {
                let mut takes = ::std::vec::Vec::new();
                #(#takes)*
                takes
            }

            fn decode_fields(
                value: &#krate::Value,
                path: &#krate::AttributePath,
                problems: &mut #krate::Diagnostics,
            ) -> ::std::option::Option<Self> {
                #(#decoders)*
                ::std::option::Option::Some(#ident {
                    #(#field_idents: #locals?,)*
                })
            }

            fn encode_fields(
                &self,
                into: &mut ::std::collections::BTreeMap<::std::string::String, #krate::Value>,
            ) {
                #(#encoders)*
            }
        }

        impl #krate::model::AttrValue for #ident {
            const SHAPE: #krate::model::Shape = #krate::model::Shape::OBJECT;

            fn ty() -> #krate::Type {
                #krate::model::object_type(&<#ident as #krate::model::Model>::attributes())
            }

            fn nested() -> ::std::option::Option<#krate::NestedAttributes> {
                #krate::model::single_nested(<#ident as #krate::model::Model>::attributes())
            }

            fn decode(
                value: &#krate::Value,
                path: &#krate::AttributePath,
            ) -> ::std::result::Result<Self, #krate::Diagnostics> {
                #krate::model::decode_nested::<#ident>(value, path)
            }

            fn encode(&self) -> #krate::Value {
                #krate::model::Model::to_value(self)
            }
        }

        #(#shape_checks)*

        const _: () = ::std::assert!(
            #krate::model::distinct(&<#ident as #krate::model::Model>::NAME_TREE),
            #clash
        );
    })
}

/// The options of one `#[tf(...)]` list (a field's, or a struct's).
#[derive(Default)]
struct Options {
    required: bool,
    optional: bool,
    computed: bool,
    sensitive: bool,
    flatten: bool,
    parameters: bool,
    rename: Option<LitStr>,
}

impl Options {
    fn of(attrs: &[syn::Attribute]) -> syn::Result<Self> {
        let mut options = Options::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident("tf")) {
            attr.parse_nested_meta(|meta| {
                let flag = |seen: &mut bool| {
                    if std::mem::replace(seen, true) {
                        Err(meta.error("this option is given twice"))
                    } else {
                        Ok(())
                    }
                };
                if meta.path.is_ident("required") {
                    flag(&mut options.required)
                } else if meta.path.is_ident("optional") {
                    flag(&mut options.optional)
                } else if meta.path.is_ident("computed") {
                    flag(&mut options.computed)
                } else if meta.path.is_ident("sensitive") {
                    flag(&mut options.sensitive)
                } else if meta.path.is_ident("flatten") {
                    flag(&mut options.flatten)
                } else if meta.path.is_ident("parameters") {
                    flag(&mut options.parameters)
                } else if meta.path.is_ident("rename") {
                    let name: LitStr = meta.value()?.parse()?;
                    match options.rename.replace(name) {
                        Some(_) => Err(meta.error("this option is given twice")),
                        None => Ok(()),
                    }
                } else {
                    Err(meta.error(
                        "unknown option: expected required, optional, computed, sensitive, \
                         rename = \"...\" or flatten (or, on a struct, parameters)",
                    ))
                }
            })?;
        }
        Ok(options)
    }

    /// The mode given, if any; `Err` for a combination that is none.
    fn mode(&self) -> Result<Option<Tokens>, ()> {
        Ok(Some(match (self.required, self.optional, self.computed) {
            (false, false, false) => return Ok(None),
            (true, false, false) => quote!(::tfplugin::Mode::Required),
            (false, true, false) => quote!(::tfplugin::Mode::Optional),
            (false, false, true) => quote!(::tfplugin::Mode::Computed),
            (false, true, true) => quote!(::tfplugin::Mode::OptionalComputed),
            _ => return Err(()),
        }))
    }
}

const ONE_MODE: &str = "give the field one mode: #[tf(required)], #[tf(optional)], \
                        #[tf(computed)] or #[tf(optional, computed)]";

/// The mode a struct's `#[tf(...)]` gives the fields that give none, and
/// whether its fields are a function's parameters (`#[tf(parameters)]`:
/// each is given, so required; any type, nested as deep as it likes).
fn struct_options(input: &DeriveInput) -> syn::Result<(Option<Tokens>, bool)> {
    let options = Options::of(&input.attrs)?;
    if options.sensitive || options.flatten || options.rename.is_some() {
        return Err(syn::Error::new(
            input.ident.span(),
            "on a struct, #[tf(...)] takes only a mode (the default of its fields) or parameters",
        ));
    }
    let mode = options.mode().map_err(|()| {
        syn::Error::new(
            input.ident.span(),
            "give the struct one mode, or none: #[tf(required)], #[tf(optional)], \
             #[tf(computed)] or #[tf(optional, computed)]",
        )
    })?;
    match (options.parameters, mode) {
        (false, mode) => Ok((mode, false)),
        (true, None) => Ok((Some(quote!(::tfplugin::Mode::Required)), true)),
        (true, Some(_)) => Err(syn::Error::new(
            input.ident.span(),
            "#[tf(parameters)] takes no mode: a function's arguments are all given",
        )),
    }
}

fn role(field: &syn::Field, default_mode: Option<&Tokens>, parameters: bool) -> syn::Result<Role> {
    let options = Options::of(&field.attrs)?;
    if options.parameters {
        return Err(syn::Error::new(
            field.span(),
            "parameters goes on the struct: #[tf(parameters)] above it",
        ));
    }
    let o = &options;
    if parameters && (o.required || o.optional || o.computed || o.sensitive) {
        return Err(syn::Error::new(
            field.span(),
            "a function's parameter takes no mode and no `sensitive`: every argument is given, \
             and a parameter has no sensitivity of its own",
        ));
    }
    if options.flatten {
        if o.required || o.optional || o.computed || o.sensitive || o.rename.is_some() {
            return Err(syn::Error::new(
                field.span(),
                "a flattened field takes no other option: its struct's fields have their own",
            ));
        }
        return Ok(Role::Flatten);
    }
    let mode = match (options.mode(), default_mode) {
        (Ok(Some(mode)), _) => mode,
        (Ok(None), Some(mode)) => mode.clone(),
        _ => return Err(syn::Error::new(field.span(), ONE_MODE)),
    };
    let Some(description) = doc_comment(field) else {
        return Err(syn::Error::new(
            field.span(),
            "document the field: its doc comment is the attribute's description",
        ));
    };
    let (name, span) = match &options.rename {
        Some(name) => (name.value(), name.span()),
        None => (
            field
                .ident
                .as_ref()
                .map(|i| i.to_string().trim_start_matches("r#").to_owned())
                .unwrap_or_default(),
            field.span(),
        ),
    };
    if !is_attribute_name(&name) {
        return Err(syn::Error::new(
            span,
            format!(
                "`{name}` is no Terraform attribute name (Terraform refuses the whole schema): \
                 use lowercase letters, digits and underscores, e.g. #[tf(rename = \"{}\")]",
                attribute_name_like(&name)
            ),
        ));
    }
    Ok(Role::Attribute {
        name,
        mode,
        sensitive: options.sensitive,
        description,
    })
}

/// Whether Terraform takes `name` as an attribute's name: lowercase
/// letters, digits and underscores (its schema check, `^[a-z0-9_]+$`).
fn is_attribute_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A valid name close to `name`, for the error: `projectId` gives
/// `project_id`, `a-b` gives `a_b`.
fn attribute_name_like(name: &str) -> String {
    let mut like = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !like.ends_with('_') {
                like.push('_');
            }
            like.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() || c == '_' {
            like.push(c);
        } else if !like.ends_with('_') {
            like.push('_');
        }
    }
    if like.is_empty() { "name".into() } else { like }
}

/// The field's doc comment as the expression of its description: its lines
/// joined by spaces. A line given as another expression (`#[doc =
/// include_str!("…")]`) counts too, joined with `concat!`. `None` without
/// one.
fn doc_comment(field: &syn::Field) -> Option<Tokens> {
    let mut texts: Vec<String> = Vec::new();
    let mut parts: Vec<Tokens> = Vec::new();
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("doc")) {
        let syn::Meta::NameValue(nv) = &attr.meta else {
            continue;
        };
        match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) => {
                let line = text.value().trim().to_owned();
                if !line.is_empty() {
                    parts.push(quote!(#line));
                    texts.push(line);
                }
            }
            other => parts.push(quote!(#other)),
        }
    }
    if parts.is_empty() {
        return None;
    }
    if parts.len() == texts.len() {
        let joined = texts.join(" ");
        return Some(quote!(#joined));
    }
    let spaced = parts.iter().enumerate().map(|(i, part)| {
        if i == 0 {
            quote!(#part)
        } else {
            quote!(" ", #part)
        }
    });
    Some(quote!(::std::concat!(#(#spaced),*)))
}
