//! Functions declared with Rust types: the signature, the null and unknown
//! rules and the argument errors come from the arguments' model and the
//! result's type.

use std::collections::BTreeMap;

use tfplugin::model::Takes;
use tfplugin::{Function, FunctionError, Known, Model, Type, TypedFunction, Value};

#[derive(Model)]
#[tf(parameters)]
struct PadArguments {
    /// The text to pad.
    text: String,
    /// How wide; null for 10.
    width: Option<i64>,
    /// The fill, known or not.
    fill: Known<String>,
}

struct Pad;

impl TypedFunction for Pad {
    type Arguments = PadArguments;
    type Returns = Known<String>;
    const NAME: &'static str = "pad";
    const SUMMARY: &'static str = "Pads text";
    const DESCRIPTION: &'static str = "`text`, padded to `width` with `fill`.";

    fn call(&self, arguments: PadArguments) -> Result<Known<String>, FunctionError> {
        let width = usize::try_from(arguments.width.unwrap_or(10))
            .map_err(|_| FunctionError::at(1, "`width` is negative."))?;
        let Known::Value(fill) = arguments.fill else {
            return Ok(Known::Unknown);
        };
        if fill.is_empty() {
            return Err(FunctionError::at(2, "`fill` is empty."));
        }
        let mut text = arguments.text;
        while text.chars().count() < width {
            text.push_str(&fill);
        }
        Ok(Known::Value(text))
    }
}

#[test]
fn the_signature_is_derived_from_the_types() {
    let signature = Pad.signature();
    let parameters: Vec<_> = signature
        .parameters
        .iter()
        .map(|p| {
            (
                p.name,
                p.ty.clone(),
                p.description,
                p.allow_null,
                p.allow_unknown,
            )
        })
        .collect();
    assert_eq!(
        parameters,
        [
            ("text", Type::String, "The text to pad.", false, false),
            ("width", Type::Number, "How wide; null for 10.", true, false),
            ("fill", Type::String, "The fill, known or not.", true, true),
        ]
    );
    assert_eq!(signature.returns, Type::String);
    assert_eq!(Pad.name(), "pad");
    assert_eq!(signature.summary, "Pads text");
}

#[test]
fn arguments_are_decoded_and_the_result_encoded() {
    let called = Function::call(&Pad, &["ab".into(), 4_i64.into(), "-".into()]);
    assert_eq!(called, Ok(Value::from("ab--")));
    let called = Function::call(&Pad, &["ab".into(), Value::Null, Value::Unknown]);
    assert_eq!(called, Ok(Value::Unknown));
    let negative = Function::call(&Pad, &["ab".into(), (-1_i64).into(), "-".into()]);
    assert_eq!(negative.unwrap_err().argument, Some(1));
}

#[test]
fn an_argument_that_does_not_decode_is_an_error_at_that_argument() {
    let error = Function::call(
        &Pad,
        &[
            "ab".into(),
            Value::Number(tfplugin::Number::Float(2.5)),
            "-".into(),
        ],
    )
    .unwrap_err();
    assert_eq!(error.argument, Some(1), "{error}");
    assert!(error.text.contains("`width`"), "{error}");
}

#[derive(Model)]
#[tf(required)]
struct Point {
    /// Across.
    x: i64,
}

/// Parameters are types, not blocks: any nesting compiles.
#[derive(Model)]
#[tf(parameters)]
struct Shapes {
    /// Known elements: Terraform skips the call while any is unknown.
    parts: Vec<Known<String>>,
    /// Paths by name.
    paths: BTreeMap<String, Vec<Vec<Point>>>,
    /// Maybe null, never unknown.
    maybe: Option<Known<String>>,
}

#[test]
fn only_known_takes_a_wholly_unknown_argument() {
    // Terraform passes a wholly unknown argument where `allow_unknown`
    // is set; only `Known` decodes one.
    let nothing_else = Takes {
        null: false,
        unknown: false,
    };
    let null_only = Takes {
        null: true,
        unknown: false,
    };
    assert_eq!(Shapes::takes(), [nothing_else, nothing_else, null_only]);
    assert_eq!(
        PadArguments::takes()[2],
        Takes {
            null: true,
            unknown: true
        }
    );
}
