//! What a config may not hold, checked where Terraform checks it: a value
//! for an attribute only the provider sets is refused by the provider when
//! it validates (the CLI passes it on); a missing required argument or
//! block, and an object-typed argument without all its attributes, the CLI
//! refuses before any provider sees the config, so only the test harness
//! checks those, in its place, with the CLI's words.

use super::diagnostics::{AttributePath, Diagnostic, PathStep};
use super::schema::{Attribute, Mode, Nesting, Schema};
use super::types::Type;
use super::value::Value;

/// Whose rules to check.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rules {
    /// The provider's, at validation.
    Provider,
    /// The CLI's, before the provider gets the config (for the harness).
    #[cfg_attr(not(feature = "test-support"), allow(dead_code))]
    Cli,
}

/// What `config` breaks of `rules` under `schema`.
pub(crate) fn problems(schema: &Schema, config: &Value, rules: Rules) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let root = AttributePath::default();
    check(&schema.attributes, config, &root, rules, &mut found);
    for block in &schema.blocks {
        let value = config.attr(block.name);
        let at = root.then(PathStep::Attribute(block.name.to_owned()));
        check(&block.attributes, value, &at, rules, &mut found);
    }
    found
}

fn check(
    attributes: &[Attribute],
    object: &Value,
    path: &AttributePath,
    rules: Rules,
    found: &mut Vec<Diagnostic>,
) {
    if !matches!(object, Value::Object(_)) {
        return;
    }
    for a in attributes {
        let value = object.attr(a.name);
        let at = path.then(PathStep::Attribute(a.name.to_owned()));
        let problem = match rules {
            Rules::Provider => unconfigurable(a, value),
            Rules::Cli => missing(a, value).or_else(|| incomplete(a, value)),
        };
        if let Some(problem) = problem {
            found.push(problem.at_path(at));
            continue;
        }
        let Some(nested) = a.block() else {
            continue;
        };
        for (step, object) in objects(value) {
            let at = step.map_or_else(|| at.clone(), |step| at.then(step));
            check(&nested.attributes, object, &at, rules, found);
        }
    }
}

/// A value for an attribute only the provider sets.
fn unconfigurable(a: &Attribute, value: &Value) -> Option<Diagnostic> {
    (a.mode == Mode::Computed && !value.is_null()).then(|| {
        Diagnostic::error(
            "Value for unconfigurable attribute",
            format!(
                "Can't configure a value for \"{}\": the provider sets it when it reads. \
                 Remove the argument.",
                a.name
            ),
        )
    })
}

/// A required argument or block not written (the CLI's words). A block
/// whose value is unknown (a `dynamic` block over a list known only after
/// apply) may hold any number, and a map of blocks has no minimum.
fn missing(a: &Attribute, value: &Value) -> Option<Diagnostic> {
    if a.mode != Mode::Required || matches!(value, Value::Unknown) {
        return None;
    }
    let name = a.name;
    match a.block().map(|nested| nested.nesting) {
        None => value.is_null().then(|| {
            Diagnostic::error(
                "Missing required argument",
                format!("The argument \"{name}\" is required, but no definition was found."),
            )
        }),
        Some(Nesting::Single) => value.is_null().then(|| {
            Diagnostic::error(
                format!("Missing {name} block"),
                format!("A block of type \"{name}\" is required here."),
            )
        }),
        Some(Nesting::Map) => None,
        Some(Nesting::List | Nesting::Set) => objects(value).is_empty().then(|| {
            Diagnostic::error(
                format!("Insufficient {name} blocks"),
                format!("At least 1 \"{name}\" blocks are required."),
            )
        }),
    }
}

/// An object given to an object-typed argument without one of its
/// attributes (the CLI's words; a block's left out are null instead).
fn incomplete(a: &Attribute, value: &Value) -> Option<Diagnostic> {
    if a.is_block() || a.mode == Mode::Computed {
        return None;
    }
    let lacking = lacking_attribute(&a.ty, value)?;
    Some(Diagnostic::error(
        "Incorrect attribute value type",
        format!(
            "Inappropriate value for attribute \"{}\": attribute \"{lacking}\" is required.",
            a.name
        ),
    ))
}

/// The first attribute an object inside `value` lacks of those `ty` gives.
fn lacking_attribute(ty: &Type, value: &Value) -> Option<String> {
    match (ty, value) {
        (Type::Object(types), Value::Object(given)) => {
            types.iter().find_map(|(name, ty)| match given.get(name) {
                None => Some(name.clone()),
                Some(inner) => lacking_attribute(ty, inner),
            })
        }
        (Type::List(ty) | Type::Set(ty), Value::List(elements) | Value::Set(elements)) => {
            elements.iter().find_map(|e| lacking_attribute(ty, e))
        }
        (Type::Map(ty), Value::Map(entries)) => {
            entries.values().find_map(|e| lacking_attribute(ty, e))
        }
        _ => None,
    }
}

/// The objects of a block's value, each with its step from the block.
fn objects(value: &Value) -> Vec<(Option<PathStep>, &Value)> {
    match value {
        Value::Object(_) => vec![(None, value)],
        Value::List(objects) | Value::Set(objects) => (0_i64..)
            .zip(objects)
            .map(|(i, o)| (Some(PathStep::Index(i)), o))
            .collect(),
        Value::Map(objects) => objects
            .iter()
            .map(|(key, o)| (Some(PathStep::Key(key.clone())), o))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(schema: &Schema, config: &Value, rules: Rules) -> Vec<String> {
        problems(schema, config, rules)
            .iter()
            .map(|d| format!("{} at {}", d.summary, d.attribute.as_ref().unwrap()))
            .collect()
    }

    #[test]
    fn an_object_typed_argument_needs_every_attribute_even_in_a_list() {
        let object = Type::object([("name", Type::String), ("tag", Type::String)]);
        let schema = Schema::new(
            "",
            vec![Attribute::new(
                "filters",
                Type::list(object),
                Mode::Optional,
                "",
            )],
        );
        let only_name = Value::object([("name", "n".into())]);
        let config = Value::object([("filters", Value::List(vec![only_name]))]);
        assert_eq!(
            said(&schema, &config, Rules::Cli),
            ["Incorrect attribute value type at filters"]
        );
        let detail = &problems(&schema, &config, Rules::Cli)[0].detail;
        assert!(
            detail.ends_with("attribute \"tag\" is required."),
            "{detail}"
        );
        let complete = Value::object([("name", "n".into()), ("tag", Value::Null)]);
        let config = Value::object([("filters", Value::List(vec![complete]))]);
        assert!(problems(&schema, &config, Rules::Cli).is_empty());
    }

    #[test]
    fn a_required_list_of_blocks_needs_one_and_the_provider_refuses_computed_values() {
        let fields = vec![Attribute::new("id", Type::String, Mode::Computed, "")];
        let schema = Schema::new(
            "",
            vec![Attribute::nested(
                "rule",
                Nesting::List,
                fields,
                Mode::Required,
                "",
            )],
        );
        let none = Value::object([("rule", Value::List(Vec::new()))]);
        assert_eq!(
            said(&schema, &none, Rules::Cli),
            ["Insufficient rule blocks at rule"]
        );
        // A dynamic block over a list known only after apply: any number.
        let dynamic = Value::object([("rule", Value::Unknown)]);
        assert!(problems(&schema, &dynamic, Rules::Cli).is_empty());
        let with_id = Value::object([("id", "x".into())]);
        let config = Value::object([("rule", Value::List(vec![Value::object([]), with_id]))]);
        assert!(problems(&schema, &config, Rules::Cli).is_empty());
        assert_eq!(
            said(&schema, &config, Rules::Provider),
            ["Value for unconfigurable attribute at rule[1].id"]
        );
    }
}
