//! Generates the registry docs (`docs/`) from the provider's own schema
//! descriptions, hand-written templates and the example files, so the docs
//! cannot drift from the schema. `cargo run --bin gen-docs` writes them; a
//! test fails when the committed files differ.

use crate::data_source::DataSource;
use crate::function::functions;
use crate::provider::data_sources;
use crate::provider::schema::provider_schema;
use tfplugin::{Attribute, Function, Mode, Nesting, Schema, Signature, Type};

/// One generated file, by its path under the repository root.
pub struct DocFile {
    pub path: &'static str,
    pub content: String,
}

/// Example files the templates may include, by their repository path.
const EXAMPLES: &[(&str, &str)] = &[
    (
        "examples/modules/connection-host-rules/tests/rules.tftest.hcl",
        include_str!("../../examples/modules/connection-host-rules/tests/rules.tftest.hcl"),
    ),
    (
        "examples/provider/provider.tf",
        include_str!("../../examples/provider/provider.tf"),
    ),
    (
        "examples/provider/shared-config.tf",
        include_str!("../../examples/provider/shared-config.tf"),
    ),
    (
        "examples/provider/assume-role.tf",
        include_str!("../../examples/provider/assume-role.tf"),
    ),
    (
        "examples/provider/ecs-metadata.tf",
        include_str!("../../examples/provider/ecs-metadata.tf"),
    ),
    (
        "examples/data-sources/dli_enhanced_connection/data-source.tf",
        include_str!("../../examples/data-sources/dli_enhanced_connection/data-source.tf"),
    ),
    (
        "examples/data-sources/dli_enhanced_connections/data-source.tf",
        include_str!("../../examples/data-sources/dli_enhanced_connections/data-source.tf"),
    ),
    (
        "examples/data-sources/dli_enhanced_connection_privileges/data-source.tf",
        include_str!(
            "../../examples/data-sources/dli_enhanced_connection_privileges/data-source.tf"
        ),
    ),
    (
        "examples/data-sources/dli_enhanced_connection_privileges/check.tf",
        include_str!("../../examples/data-sources/dli_enhanced_connection_privileges/check.tf"),
    ),
    (
        "examples/data-sources/dli_elastic_resource_pool/data-source.tf",
        include_str!("../../examples/data-sources/dli_elastic_resource_pool/data-source.tf"),
    ),
    (
        "examples/data-sources/dli_elastic_resource_pools/data-source.tf",
        include_str!("../../examples/data-sources/dli_elastic_resource_pools/data-source.tf"),
    ),
    (
        "examples/data-sources/dli_queue/data-source.tf",
        include_str!("../../examples/data-sources/dli_queue/data-source.tf"),
    ),
    (
        "examples/data-sources/dli_queues/data-source.tf",
        include_str!("../../examples/data-sources/dli_queues/data-source.tf"),
    ),
    (
        "examples/functions/cidrs_overlap/function.tf",
        include_str!("../../examples/functions/cidrs_overlap/function.tf"),
    ),
];

/// Each function's page: its name, path and template.
const FUNCTION_PAGES: &[(&str, &str, &str)] = &[(
    "cidrs_overlap",
    "docs/functions/cidrs_overlap.md",
    include_str!("templates/cidrs_overlap.md.tmpl"),
)];

/// Each data source's page: its type name, path and template.
const DATA_SOURCE_PAGES: &[(&str, &str, &str)] = &[
    (
        "dli_enhanced_connection",
        "docs/data-sources/enhanced_connection.md",
        include_str!("templates/enhanced_connection.md.tmpl"),
    ),
    (
        "dli_enhanced_connections",
        "docs/data-sources/enhanced_connections.md",
        include_str!("templates/enhanced_connections.md.tmpl"),
    ),
    (
        "dli_enhanced_connection_privileges",
        "docs/data-sources/enhanced_connection_privileges.md",
        include_str!("templates/enhanced_connection_privileges.md.tmpl"),
    ),
    (
        "dli_elastic_resource_pool",
        "docs/data-sources/elastic_resource_pool.md",
        include_str!("templates/elastic_resource_pool.md.tmpl"),
    ),
    (
        "dli_elastic_resource_pools",
        "docs/data-sources/elastic_resource_pools.md",
        include_str!("templates/elastic_resource_pools.md.tmpl"),
    ),
    (
        "dli_queue",
        "docs/data-sources/queue.md",
        include_str!("templates/queue.md.tmpl"),
    ),
    (
        "dli_queues",
        "docs/data-sources/queues.md",
        include_str!("templates/queues.md.tmpl"),
    ),
];

pub fn generate() -> Vec<DocFile> {
    let provider = provider_schema();
    let mut files = vec![DocFile {
        path: "docs/index.md",
        content: render(
            include_str!("templates/index.md.tmpl"),
            &[("{{arguments}}", schema_section(&provider))],
        ),
    }];
    for ds in data_sources() {
        let (_, path, template) = page_of(&*ds);
        let schema = ds.schema();
        files.push(DocFile {
            path,
            content: render(
                template,
                &[
                    ("{{description}}", schema.description.to_owned()),
                    ("{{schema}}", schema_section(&schema)),
                ],
            ),
        });
    }
    for function in functions() {
        let (path, template) = function_page_of(&*function);
        let signature = function.signature();
        files.push(DocFile {
            path,
            content: render(
                template,
                &[
                    ("{{summary}}", signature.summary.to_owned()),
                    ("{{description}}", signature.description.to_owned()),
                    ("{{signature}}", signature_line(function.name(), &signature)),
                    ("{{arguments}}", argument_lines(&signature)),
                ],
            ),
        });
    }
    files
}

fn function_page_of(function: &dyn Function) -> (&'static str, &'static str) {
    FUNCTION_PAGES
        .iter()
        .find(|(name, _, _)| *name == function.name())
        .map(|(_, path, template)| (*path, *template))
        .unwrap_or_else(|| panic!("{} has no page in FUNCTION_PAGES", function.name()))
}

/// `cidrs_overlap(a string, b string) bool`, fenced.
fn signature_line(name: &str, signature: &Signature) -> String {
    let parameters: Vec<String> = signature
        .parameters
        .iter()
        .map(|p| format!("{} {}", p.name, hcl_type(&p.ty)))
        .collect();
    format!(
        "```text\n{name}({}) {}\n```",
        parameters.join(", "),
        hcl_type(&signature.returns)
    )
}

/// A type as HCL writes it (`string`, `list(string)`).
fn hcl_type(ty: &Type) -> String {
    match ty.to_json() {
        serde_json::Value::String(primitive) => primitive,
        other => other.to_string(),
    }
}

/// One numbered line per parameter.
fn argument_lines(signature: &Signature) -> String {
    signature
        .parameters
        .iter()
        .zip(1..)
        .map(|(p, n)| {
            format!(
                "{n}. `{}` ({}) {}\n",
                p.name,
                type_name(&p.ty),
                p.description
            )
        })
        .collect()
}

fn page_of(ds: &DataSource) -> &'static (&'static str, &'static str, &'static str) {
    DATA_SOURCE_PAGES
        .iter()
        .find(|(name, _, _)| *name == ds.type_name())
        .unwrap_or_else(|| panic!("{} has no page in DATA_SOURCE_PAGES", ds.type_name()))
}

/// Fills placeholders, then `{{example PATH}}` with a fenced example file.
fn render(template: &str, values: &[(&str, String)]) -> String {
    let mut text = template.to_owned();
    for (placeholder, value) in values {
        text = text.replace(placeholder, value.trim_end());
    }
    for (path, example) in EXAMPLES {
        let fenced = format!("```terraform\n{}```", example);
        text = text.replace(&format!("{{{{example {path}}}}}"), &fenced);
    }
    assert!(
        !text.contains("{{"),
        "unfilled placeholder in a docs template"
    );
    text
}

fn schema_section(schema: &Schema) -> String {
    let mut attributes: Vec<&Attribute> = schema.attributes.iter().collect();
    attributes.sort_by_key(|a| a.name);
    let mut out = String::from("## Schema\n");
    for (heading, group) in by_mode(&attributes) {
        out.push_str(&format!("\n### {heading}\n\n"));
        for a in group {
            out.push_str(&attribute_line(a, ""));
        }
    }
    if !schema.blocks.is_empty() {
        out.push_str("\n### Blocks\n\n");
        for b in &schema.blocks {
            out.push_str(&format!(
                "- `{0}` (Block, at most one) {1} (see [below for nested schema](#nestedblock--{0}))\n",
                b.name, b.description
            ));
        }
    }
    for b in &schema.blocks {
        out.push_str(&format!(
            "\n<a id=\"nestedblock--{0}\"></a>\n### Nested Schema for `{0}`\n\nOptional:\n\n",
            b.name
        ));
        for a in &b.attributes {
            out.push_str(&format!(
                "- `{}` ({}) {}\n",
                a.name,
                type_name(&a.ty),
                a.description
            ));
        }
    }
    nested_sections(&attributes, "", &mut out);
    out
}

/// `attributes` in the registry's groups (who sets them), the empty ones
/// left out.
fn by_mode<'a>(attributes: &[&'a Attribute]) -> Vec<(&'static str, Vec<&'a Attribute>)> {
    [
        ("Required", &[Mode::Required][..]),
        ("Optional", &[Mode::Optional, Mode::OptionalComputed][..]),
        ("Read-Only", &[Mode::Computed][..]),
    ]
    .into_iter()
    .map(|(heading, modes)| {
        let group = attributes
            .iter()
            .copied()
            .filter(|a| modes.contains(&a.mode));
        (heading, group.collect::<Vec<_>>())
    })
    .filter(|(_, group)| !group.is_empty())
    .collect()
}

/// One attribute's line; `path` is its parent's (`connections.`), for the
/// anchor of its nested schema.
fn attribute_line(a: &Attribute, path: &str) -> String {
    let sensitive = if a.sensitive { ", Sensitive" } else { "" };
    // What the user writes as blocks is named as the registry names blocks.
    let kind = match a.block().map(|nested| nested.nesting) {
        Some(Nesting::Single) => "Block, at most one".to_owned(),
        Some(Nesting::List) => "Block List".to_owned(),
        Some(Nesting::Set) => "Block Set".to_owned(),
        Some(Nesting::Map) => "Block Map".to_owned(),
        None => type_name(&a.ty),
    };
    let mut line = format!("- `{}` ({kind}{sensitive}) {}", a.name, a.description);
    if a.nested.is_some() {
        line.push_str(&format!(
            " (see [below for nested schema](#nestedatt--{}))",
            anchor(&format!("{path}{}", a.name))
        ));
    }
    line.push('\n');
    line
}

fn anchor(path: &str) -> String {
    path.replace('.', "--")
}

/// A section for each nested attribute of `attributes`, then for those
/// nested in them, each attribute with its own description.
fn nested_sections(attributes: &[&Attribute], path: &str, out: &mut String) {
    for a in attributes {
        let Some(nested) = &a.nested else {
            continue;
        };
        let full = format!("{path}{}", a.name);
        out.push_str(&format!(
            "\n<a id=\"nestedatt--{}\"></a>\n### Nested Schema for `{full}`\n",
            anchor(&full)
        ));
        let mut inner: Vec<&Attribute> = nested.attributes.iter().collect();
        inner.sort_by_key(|a| a.name);
        // A block's fields are set by the user, each in its own mode; what
        // the provider sets is read-only whatever its model says.
        let groups = match a.block() {
            Some(_) => by_mode(&inner),
            None => vec![("Read-Only", inner.clone())],
        };
        for (heading, group) in groups {
            out.push_str(&format!("\n{heading}:\n\n"));
            for field in group {
                out.push_str(&attribute_line(field, &format!("{full}.")));
            }
        }
        nested_sections(&inner, &format!("{full}."), out);
    }
}

fn type_name(ty: &Type) -> String {
    match ty {
        Type::String => "String".into(),
        Type::Number => "Number".into(),
        Type::Bool => "Boolean".into(),
        Type::Dynamic => "Dynamic".into(),
        Type::List(e) => format!("List of {}", type_name(e)),
        Type::Set(e) => format!("Set of {}", type_name(e)),
        Type::Map(e) => format!("Map of {}", type_name(e)),
        Type::Tuple(_) => "Tuple".into(),
        Type::Object(_) => "Object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields of an object, or of a collection's object elements.
    fn object_fields(ty: &Type) -> Option<&std::collections::BTreeMap<String, Type>> {
        match ty {
            Type::Object(fields) => Some(fields),
            Type::List(e) | Type::Set(e) | Type::Map(e) => object_fields(e),
            _ => None,
        }
    }

    #[test]
    fn every_object_is_a_nested_attribute_with_described_fields() {
        fn check(attributes: &[Attribute], path: &str) {
            for a in attributes {
                match &a.nested {
                    Some(nested) => {
                        for field in &nested.attributes {
                            assert!(
                                field.description.len() > 5,
                                "{path}{}.{} has no description",
                                a.name,
                                field.name
                            );
                        }
                        check(&nested.attributes, &format!("{path}{}.", a.name));
                    }
                    None => assert!(
                        object_fields(&a.ty).is_none(),
                        "{path}{} is an object type without nested attributes",
                        a.name
                    ),
                }
            }
        }
        for ds in data_sources() {
            check(&ds.schema().attributes, &format!("{}.", ds.type_name()));
        }
    }

    #[test]
    fn blocks_the_user_writes_are_named_blocks_with_their_fields_by_mode() {
        let fields = vec![
            Attribute::new("name", Type::String, Mode::Required, "The name."),
            Attribute::new("tag", Type::String, Mode::Optional, "A tag."),
        ];
        let rule = Attribute::nested("rule", Nesting::List, fields, Mode::Optional, "Rules.");
        let section = schema_section(&Schema::new("", vec![rule]));
        assert!(
            section.contains("- `rule` (Block List) Rules. (see"),
            "{section}"
        );
        let nested = &section[section.find("### Nested Schema for `rule`").unwrap()..];
        assert!(
            nested.contains("Required:\n\n- `name` (String) The name.\n\nOptional:\n\n- `tag`"),
            "{nested}"
        );
    }

    #[test]
    fn committed_docs_match_the_schema() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for file in generate() {
            let committed = std::fs::read_to_string(root.join(file.path)).unwrap_or_default();
            assert!(
                committed == file.content,
                "{} is out of date with the schema: run `cargo run --bin gen-docs`",
                file.path
            );
        }
    }
}
