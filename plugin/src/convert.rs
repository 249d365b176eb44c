//! Conversions between our plain types and the generated wire types.

use super::codec;
use super::diagnostics::{AttributePath, Diagnostic, PathStep, Severity};
use super::function::{FunctionError, Signature};
use super::proto::tfplugin6 as pb;
use super::schema::{Attribute, DescriptionKind, Mode, Nesting, Schema};
use super::types::Type;
use super::value::Value;

pub(crate) fn schema(schema: &Schema) -> pb::Schema {
    let mut block = block(
        schema.version,
        &schema.attributes,
        schema.description,
        false,
    );
    block
        .block_types
        .extend(schema.blocks.iter().map(|b| pb::schema::NestedBlock {
            type_name: b.name.to_owned(),
            block: Some(self::block(
                schema.version,
                &b.attributes,
                b.description,
                false,
            )),
            nesting: pb::schema::nested_block::NestingMode::Single as i32,
            min_items: 0,
            max_items: 0,
        }));
    pb::Schema {
        version: schema.version,
        block: Some(block),
    }
}

/// A block of `attributes`: those the user writes as objects (see
/// [`Attribute::is_block`]) as nested blocks, the others as attributes;
/// all of them sensitive in a block declared sensitive (a block has no
/// flag of its own).
fn block(
    version: i64,
    attributes: &[Attribute],
    description: &str,
    sensitive: bool,
) -> pb::schema::Block {
    let (blocks, plain): (Vec<&Attribute>, Vec<&Attribute>) =
        attributes.iter().partition(|a| a.is_block());
    let attribute = |a: &Attribute| pb::schema::Attribute {
        sensitive: sensitive || a.sensitive,
        ..attribute(a)
    };
    pb::schema::Block {
        version,
        attributes: plain.into_iter().map(attribute).collect(),
        block_types: blocks
            .into_iter()
            .filter_map(|a| nested_block(version, a, sensitive))
            .collect(),
        description: description.to_owned(),
        description_kind: pb::StringKind::Markdown as i32,
        deprecated: false,
    }
}

/// A nested attribute the user writes, as a nested block: required is at
/// least one block (Terraform's schema check wants a single block's
/// minimum and maximum alike).
fn nested_block(version: i64, a: &Attribute, sensitive: bool) -> Option<pb::schema::NestedBlock> {
    use pb::schema::nested_block::NestingMode;
    let nested = a.block()?;
    let required = i64::from(a.mode == Mode::Required);
    let (nesting, min_items, max_items) = match nested.nesting {
        Nesting::Single => (NestingMode::Single, required, required),
        Nesting::List => (NestingMode::List, required, 0),
        Nesting::Set => (NestingMode::Set, required, 0),
        // Terraform's schema check allows a map of blocks no minimum.
        Nesting::Map => (NestingMode::Map, 0, 0),
    };
    let sensitive = sensitive || a.sensitive;
    Some(pb::schema::NestedBlock {
        type_name: a.name.to_owned(),
        block: Some(block(version, &nested.attributes, a.description, sensitive)),
        nesting: nesting as i32,
        min_items,
        max_items,
    })
}

fn attribute(a: &Attribute) -> pb::schema::Attribute {
    pb::schema::Attribute {
        name: a.name.to_owned(),
        // A nested attribute set by the provider goes out as the type it
        // implies, not as a `nested_type`: Terraform 1.0 panics on an
        // attribute with both, and with `nested_type` alone it types a
        // list of nested objects as one object, so `hosts[0]` fails ("This
        // value does not have any indices"). Its fields' descriptions reach
        // the docs.
        r#type: a.ty.to_json_bytes(),
        description: a.description.to_owned(),
        required: a.mode == Mode::Required,
        optional: matches!(a.mode, Mode::Optional | Mode::OptionalComputed),
        computed: matches!(a.mode, Mode::Computed | Mode::OptionalComputed),
        sensitive: a.sensitive,
        description_kind: description_kind(a.description_kind) as i32,
        deprecated: false,
    }
}

pub(crate) fn function(signature: &Signature) -> pb::Function {
    let parameters = signature
        .parameters
        .iter()
        .map(|p| pb::function::Parameter {
            name: p.name.to_owned(),
            r#type: p.ty.to_json_bytes(),
            allow_null_value: p.allow_null,
            allow_unknown_values: p.allow_unknown,
            description: p.description.to_owned(),
            description_kind: pb::StringKind::Markdown as i32,
        })
        .collect();
    pb::Function {
        parameters,
        variadic_parameter: None,
        r#return: Some(pb::function::Return {
            r#type: signature.returns.to_json_bytes(),
        }),
        summary: signature.summary.to_owned(),
        description: signature.description.to_owned(),
        description_kind: pb::StringKind::Markdown as i32,
        deprecation_message: String::new(),
    }
}

pub(crate) fn function_error(error: FunctionError) -> pb::FunctionError {
    pb::FunctionError {
        text: error.text,
        function_argument: error.argument.and_then(|i| i64::try_from(i).ok()),
    }
}

fn description_kind(kind: DescriptionKind) -> pb::StringKind {
    match kind {
        DescriptionKind::Plain => pb::StringKind::Plain,
        DescriptionKind::Markdown => pb::StringKind::Markdown,
    }
}

pub(crate) fn diagnostics(diagnostics: Vec<Diagnostic>) -> Vec<pb::Diagnostic> {
    diagnostics.into_iter().map(diagnostic).collect()
}

fn diagnostic(d: Diagnostic) -> pb::Diagnostic {
    let severity = match d.severity {
        Severity::Error => pb::diagnostic::Severity::Error,
        Severity::Warning => pb::diagnostic::Severity::Warning,
    };
    pb::Diagnostic {
        severity: severity as i32,
        summary: d.summary,
        detail: d.detail,
        attribute: d.attribute.map(attribute_path),
    }
}

fn attribute_path(path: AttributePath) -> pb::AttributePath {
    use pb::attribute_path::step::Selector;
    let steps = path
        .0
        .into_iter()
        .map(|step| pb::attribute_path::Step {
            selector: Some(match step {
                PathStep::Attribute(name) => Selector::AttributeName(name),
                PathStep::Key(key) => Selector::ElementKeyString(key),
                PathStep::Index(i) => Selector::ElementKeyInt(i),
            }),
        })
        .collect();
    pb::AttributePath { steps }
}

/// Decodes a DynamicValue: msgpack when present, JSON otherwise, null when
/// empty. A failure here means Terraform and the provider disagree on the
/// schema, so the diagnostic says so.
pub(crate) fn decode_value(
    value: Option<pb::DynamicValue>,
    ty: &Type,
) -> Result<Value, Diagnostic> {
    let value = value.unwrap_or_default();
    let decoded = if !value.msgpack.is_empty() {
        codec::decode_msgpack(&value.msgpack, ty)
    } else if !value.json.is_empty() {
        codec::decode_json(&value.json, ty)
    } else {
        Ok(Value::Null)
    };
    decoded.map_err(|e| {
        Diagnostic::error(
            "Invalid value from Terraform",
            format!(
                "The provider could not decode a value Terraform sent: {e}. This is a bug in \
                 the provider or Terraform; please report it with the Terraform version."
            ),
        )
    })
}

pub(crate) fn encode_value(value: &Value, ty: &Type) -> Result<pb::DynamicValue, Diagnostic> {
    codec::encode_msgpack(value, ty)
        .map(|msgpack| pb::DynamicValue {
            msgpack,
            json: Vec::new(),
        })
        .map_err(|e| {
            Diagnostic::error(
                "Provider produced a value that does not match its schema",
                format!("{e}. This is a bug in the provider; please report it."),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Attribute;

    fn sample() -> Schema {
        Schema {
            version: 0,
            description: "d",
            attributes: vec![
                Attribute::new("id", Type::String, Mode::Required, "The id."),
                Attribute::new("secret", Type::String, Mode::Optional, "s")
                    .sensitive()
                    .plain(),
                Attribute::new("region", Type::String, Mode::OptionalComputed, "r"),
                Attribute::new(
                    "hosts",
                    Type::list(Type::object([("ip", Type::String), ("name", Type::String)])),
                    Mode::Computed,
                    "h",
                ),
            ],
            blocks: vec![crate::schema::Block {
                name: "assume_role",
                description: "b",
                attributes: vec![Attribute::new(
                    "agency_name",
                    Type::String,
                    Mode::Optional,
                    "a",
                )],
            }],
        }
    }

    #[test]
    fn single_blocks_are_nested_blocks_and_objects_in_values() {
        let pb = schema(&sample());
        let nested = &pb.block.unwrap().block_types[0];
        assert_eq!(nested.type_name, "assume_role");
        assert_eq!(
            nested.nesting,
            pb::schema::nested_block::NestingMode::Single as i32
        );
        assert_eq!(
            nested.block.as_ref().unwrap().attributes[0].name,
            "agency_name"
        );
        let Type::Object(attrs) = sample().object_type() else {
            panic!()
        };
        assert_eq!(
            attrs["assume_role"],
            Type::object([("agency_name", Type::String)])
        );
    }

    #[test]
    fn nested_attributes_go_out_as_the_type_they_imply() {
        use crate::schema::Nesting;
        let inner = vec![
            Attribute::new("name", Type::String, Mode::Computed, "Host name."),
            Attribute::new("ip", Type::String, Mode::Computed, "Its address."),
        ];
        let hosts = Attribute::nested("hosts", Nesting::List, inner, Mode::Computed, "Hosts.");
        assert_eq!(
            hosts.ty,
            Type::list(Type::object([("ip", Type::String), ("name", Type::String)]))
        );
        let pb = schema(&Schema::new("d", vec![hosts]));
        let hosts = &pb.block.unwrap().attributes[0];
        // Terraform 1.0 mis-types list-nested attributes (see `attributes`).
        assert_eq!(
            hosts.r#type,
            br#"["list",["object",{"ip":"string","name":"string"}]]"#
        );
        assert!(hosts.computed && hosts.description == "Hosts.");
    }

    #[test]
    fn nested_inputs_go_out_as_blocks_keeping_their_fields_modes() {
        use crate::schema::Nesting;
        use pb::schema::nested_block::NestingMode;
        let fields = || {
            vec![
                Attribute::new("name", Type::String, Mode::Required, "n"),
                Attribute::new("tag", Type::String, Mode::Optional, "t"),
            ]
        };
        let filter = Attribute::nested("filter", Nesting::Single, fields(), Mode::Required, "F.");
        let rule = Attribute::nested("rule", Nesting::List, fields(), Mode::Optional, "R.");
        let hosts = Attribute::nested("hosts", Nesting::List, fields(), Mode::Computed, "H.");
        let block = schema(&Schema::new("d", vec![filter, rule, hosts]))
            .block
            .unwrap();
        let names: Vec<_> = block.attributes.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["hosts"]);
        let [filter, rule] = &block.block_types[..] else {
            panic!("{:?}", block.block_types);
        };
        // A required single block: exactly one (min and max alike).
        assert_eq!(filter.nesting, NestingMode::Single as i32);
        assert_eq!((filter.min_items, filter.max_items), (1, 1));
        assert_eq!(
            (rule.nesting, rule.min_items, rule.max_items),
            (NestingMode::List as i32, 0, 0)
        );
        let inner = filter.block.as_ref().unwrap();
        assert_eq!(inner.description, "F.");
        let tag = &inner.attributes[1];
        assert!(tag.name == "tag" && tag.optional && !tag.required);
        assert!(inner.attributes[0].required);
    }

    #[test]
    fn schema_attributes_carry_type_json_and_flags() {
        let pb = schema(&sample());
        let block = pb.block.unwrap();
        let names: Vec<_> = block.attributes.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["id", "secret", "region", "hosts"]);
        let id = &block.attributes[0];
        assert!(id.required && !id.optional && !id.computed);
        assert_eq!(id.r#type, br#""string""#);
        assert_eq!(id.description_kind, pb::StringKind::Markdown as i32);
        let secret = &block.attributes[1];
        assert!(secret.sensitive && secret.optional && !secret.computed);
        assert_eq!(secret.description_kind, pb::StringKind::Plain as i32);
        let region = &block.attributes[2];
        assert!(region.optional && region.computed && !region.required);
        let hosts = &block.attributes[3];
        assert!(hosts.computed && !hosts.optional);
        assert_eq!(
            hosts.r#type,
            br#"["list",["object",{"ip":"string","name":"string"}]]"#
        );
    }

    #[test]
    fn schema_encoding_is_deterministic() {
        use prost::Message;
        assert_eq!(
            schema(&sample()).encode_to_vec(),
            schema(&sample()).encode_to_vec()
        );
    }

    #[test]
    fn diagnostics_point_at_attributes() {
        let d = diagnostics(vec![Diagnostic::error("bad", "why").at("connection_id")]);
        let steps = &d[0].attribute.as_ref().unwrap().steps;
        assert_eq!(
            steps[0].selector,
            Some(pb::attribute_path::step::Selector::AttributeName(
                "connection_id".into()
            ))
        );
        assert_eq!(d[0].severity, pb::diagnostic::Severity::Error as i32);
    }

    #[test]
    fn empty_dynamic_value_is_null() {
        assert_eq!(decode_value(None, &Type::String).unwrap(), Value::Null);
    }
}
