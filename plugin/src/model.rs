//! Typed models: a struct declared once with `#[derive(Model)]` is its
//! schema (attribute names, types, modes, descriptions), its config decoder
//! and its state encoder. The derive writes the [`Model`] and [`AttrValue`]
//! impls; this module holds what they call.
//!
//! Field types and the Terraform types they stand for: `String` (string),
//! `bool` (bool), `i64` and `f64` (number), `Vec<T>` (list), `BTreeMap<String,
//! T>` (map), a struct deriving `Model` (a nested object; in a `Vec` or map,
//! a list or map of them). `Option<T>` is null or a value; [`Known<T>`] also
//! keeps a value that is unknown until apply apart, for configs that
//! validation sees before apply.

use std::collections::BTreeMap;

use super::diagnostics::{AttributePath, Diagnostic, Diagnostics, PathStep};
use super::schema::{Attribute, Mode, NestedAttributes, Nesting};
use super::types::Type;
use super::value::{Known, Number, Value};

/// A Rust type that holds a Terraform value.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a Terraform attribute type",
    note = "use String, bool, i64, f64, Vec<T>, BTreeMap<String, T>, Option<T>, Known<T>, or a \
            struct that derives Model"
)]
pub trait AttrValue: Sized {
    /// Whether it holds model objects, and how, for the derive's
    /// compile-time checks.
    const SHAPE: Shape = Shape::Values;

    /// What it takes besides a value of its type: null (`Option`, `Known`),
    /// a value unknown until apply, wholly or in part (`Known` only). A
    /// typed function's parameters say so to Terraform, which calls a
    /// function only with wholly known arguments where unknown is not
    /// taken: a `Vec<Known<T>>` parameter never sees an unknown element,
    /// a `Known<Vec<Known<T>>>` one sees the known elements of a partly
    /// unknown list.
    const TAKES: Takes = Takes::NOTHING_ELSE;

    /// Its Terraform type.
    fn ty() -> Type;

    /// The attributes of its objects, when it is made of model objects.
    fn nested() -> Option<NestedAttributes> {
        None
    }

    /// Reads it from `value`, found at `path`.
    fn decode(value: &Value, path: &AttributePath) -> Result<Self, Diagnostics>;

    /// Writes it as a value.
    fn encode(&self) -> Value;
}

/// A struct whose fields are attributes. `#[derive(Model)]` implements it.
pub trait Model: AttrValue {
    /// Its attribute names, flattened structs' included, for the
    /// compile-time check that no two are alike.
    const NAME_TREE: Names;

    /// Its attributes, in declaration order, flattened structs' in place.
    fn attributes() -> Vec<Attribute>;

    /// Reads its fields from the object `value` (a config or a state),
    /// adding what is wrong to `problems`; `None` when anything was.
    fn decode_fields(
        value: &Value,
        path: &AttributePath,
        problems: &mut Diagnostics,
    ) -> Option<Self>;

    /// Writes its fields into an object's attributes.
    fn encode_fields(&self, into: &mut BTreeMap<String, Value>);

    /// What each attribute's type takes, in the order of
    /// [`Model::attributes`]. The derive writes it; by default, nothing
    /// but values.
    fn takes() -> Vec<Takes> {
        vec![Takes::NOTHING_ELSE; Self::attributes().len()]
    }

    /// Reads a whole config or state.
    fn from_value(value: &Value) -> Result<Self, Diagnostics> {
        let mut problems = Diagnostics::new();
        match Self::decode_fields(value, &AttributePath::default(), &mut problems) {
            Some(model) if !problems.has_errors() => Ok(model),
            _ => Err(problems),
        }
    }

    /// Writes a whole config or state.
    fn to_value(&self) -> Value {
        let mut attributes = BTreeMap::new();
        self.encode_fields(&mut attributes);
        Value::Object(attributes)
    }
}

/// The attribute names of a model: its own, and each flattened model's.
#[derive(Debug)]
pub struct Names {
    /// The names of its own fields.
    pub own: &'static [&'static str],
    /// Those of the structs flattened into it.
    pub flattened: &'static [&'static Names],
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn count(names: &Names, name: &str) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < names.own.len() {
        if same(names.own[i], name) {
            n += 1;
        }
        i += 1;
    }
    let mut j = 0;
    while j < names.flattened.len() {
        n += count(names.flattened[j], name);
        j += 1;
    }
    n
}

const fn each_once(root: &Names, names: &Names) -> bool {
    let mut i = 0;
    while i < names.own.len() {
        if count(root, names.own[i]) != 1 {
            return false;
        }
        i += 1;
    }
    let mut j = 0;
    while j < names.flattened.len() {
        if !each_once(root, names.flattened[j]) {
            return false;
        }
        j += 1;
    }
    true
}

/// What of `attributes` (and of the attributes nested in them) no CLI can
/// be given, each as `attribute: why`: the derive refuses it at compile
/// time, but a schema built by hand, or with a function's parameters
/// model in it, is checked when the provider starts.
pub fn unservable(attributes: &[Attribute]) -> Option<String> {
    attributes.iter().find_map(|a| {
        let why = Shape::of(a).unservable(a.mode);
        let own = why.map(|why| format!("attribute {:?}: {why}", a.name));
        own.or_else(|| {
            let inner = unservable(&a.nested.as_ref()?.attributes)?;
            Some(format!("in attribute {:?}, {inner}", a.name))
        })
    })
}

/// Whether no two attribute names of a model are alike: the derive asserts
/// it at compile time.
pub const fn distinct(names: &Names) -> bool {
    each_once(names, names)
}

/// What a type takes besides values of its Terraform type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Takes {
    /// Null.
    pub null: bool,
    /// A value unknown until apply, wholly or in part.
    pub unknown: bool,
}

impl Takes {
    /// Only values of the type.
    pub const NOTHING_ELSE: Takes = Takes {
        null: false,
        unknown: false,
    };
}

/// What a field's type holds: plain values, or model objects nested as
/// `nesting` (`deep` when a collection of them is itself in a collection).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// No model objects.
    Values,
    /// Model objects.
    Objects {
        /// How the outermost collection holds them (`Single`: one object).
        nesting: Nesting,
        /// Whether they are in a collection of collections.
        deep: bool,
    },
}

impl Shape {
    /// One model object.
    pub const OBJECT: Shape = Shape::Objects {
        nesting: Nesting::Single,
        deep: false,
    };

    /// The shape of a schema attribute, as built (by the derive or by hand).
    pub fn of(attribute: &Attribute) -> Shape {
        match &attribute.nested {
            None => Shape::Values,
            Some(nested) => Shape::Objects {
                nesting: nested.nesting,
                deep: !nested.within.is_empty(),
            },
        }
    }

    /// The shape of a collection (`nesting`) of values of this shape.
    pub const fn within(self, nesting: Nesting) -> Shape {
        match self {
            Shape::Values => Shape::Values,
            Shape::Objects {
                nesting: Nesting::Single,
                deep,
            } => Shape::Objects { nesting, deep },
            Shape::Objects { .. } => Shape::Objects {
                nesting,
                deep: true,
            },
        }
    }

    /// Why a field of this shape and `mode` cannot be served on every CLI
    /// (the user writes model objects as nested blocks, see
    /// [`Attribute::is_block`]), and what to write instead; `None` when it
    /// can. The derive turns the reason into a compile error.
    pub const fn unservable(self, mode: Mode) -> Option<&'static str> {
        let Shape::Objects { nesting, deep } = self else {
            return None;
        };
        match (mode, nesting, deep) {
            (Mode::Computed, _, _) => None,
            (Mode::OptionalComputed, _, _) => Some(
                "a nested model the user writes cannot also be computed (it is written as a \
                 block, which only the user sets): make it #[tf(optional)] or #[tf(computed)]",
            ),
            (_, _, true) => Some(
                "a collection of collections of models cannot be written by the user on every \
                 CLI: wrap the inner collection in a model of its own (a field of it)",
            ),
            (_, Nesting::Map, _) => Some(
                "a map of models cannot be written by the user on every CLI: use a Vec of \
                 models with a key attribute, or make it #[tf(computed)]",
            ),
            _ => None,
        }
    }
}

/// The schema attribute of a field of type `T`: a nested attribute when `T`
/// is made of model objects.
pub fn attribute<T: AttrValue>(
    name: &'static str,
    mode: Mode,
    sensitive: bool,
    description: &'static str,
) -> Attribute {
    let attribute = match T::nested() {
        Some(nested) => Attribute::of_objects(name, nested, mode, description),
        None => Attribute::new(name, T::ty(), mode, description),
    };
    // Set by the provider, the attribute goes out as one object type, so a
    // sensitive field inside, at any depth, makes the whole attribute
    // sensitive, or Terraform would show it. (A block keeps it on the
    // field.)
    let hidden_inside =
        !attribute.is_block() && attribute.nested.as_ref().is_some_and(any_sensitive);
    if sensitive || hidden_inside {
        attribute.sensitive()
    } else {
        attribute
    }
}

fn any_sensitive(nested: &NestedAttributes) -> bool {
    nested
        .attributes
        .iter()
        .any(|a| a.sensitive || a.nested.as_ref().is_some_and(any_sensitive))
}

/// The summary of the error for a value unknown until apply where the
/// model needs it known. Validation lets any error about a value that is
/// (partly) unknown pass, whatever its wording (see
/// [`errors_about_known_values`]); the read reports them.
pub const NOT_KNOWN_YET: &str = "Value not known yet";

/// Reads the field `name` of type `T` from the object `value`.
pub fn field<T: AttrValue>(
    value: &Value,
    name: &str,
    path: &AttributePath,
    problems: &mut Diagnostics,
) -> Option<T> {
    let at = path.then(PathStep::Attribute(name.to_owned()));
    match T::decode(value.attr(name), &at) {
        Ok(field) => Some(field),
        Err(found) => {
            problems.extend(placed(found, &at));
            None
        }
    }
}

/// `found` with each diagnostic that names no attribute (a type's own
/// decoder need not) placed at `at`, the value it was decoding.
fn placed(found: Diagnostics, at: &AttributePath) -> Diagnostics {
    found
        .into_iter()
        .map(|d| match d.attribute {
            Some(_) => d,
            None => d.at_path(at.clone()),
        })
        .collect()
}

/// Of the `problems` found decoding `config`, those about values that are
/// known: an error at a path whose value is unknown, or holds an unknown,
/// waits until the value is known (validation runs again then). Unknown
/// is told by the value itself, never by an error's wording, so a type's
/// own decoder that refuses `Value::Unknown` defers as the built-in ones do.
pub fn errors_about_known_values(config: &Value, problems: Diagnostics) -> Vec<Diagnostic> {
    let root = AttributePath::default();
    problems
        .into_iter()
        .filter(|d| !is_about_unknown(d, &root, config))
        .collect()
}

/// Whether `problem`, found decoding `value` at `path`, is about a part of
/// it that is unknown or holds an unknown. One that names no path inside
/// `value` is not.
fn is_about_unknown(problem: &Diagnostic, path: &AttributePath, value: &Value) -> bool {
    let inside = problem
        .attribute
        .as_ref()
        .and_then(|at| at.0.strip_prefix(&path.0[..]));
    let part = inside.and_then(|steps| AttributePath(steps.to_vec()).find(value));
    part.is_some_and(Value::contains_unknown)
}

/// The object type of a model's attributes.
pub fn object_type(attributes: &[Attribute]) -> Type {
    super::schema::object_type(attributes)
}

/// A model's attributes as a single nested object.
pub fn single_nested(attributes: Vec<Attribute>) -> Option<NestedAttributes> {
    Some(NestedAttributes {
        nesting: Nesting::Single,
        within: Vec::new(),
        attributes,
    })
}

/// Reads a model nested at `path`: an object, never null or unknown.
pub fn decode_nested<M: Model>(value: &Value, path: &AttributePath) -> Result<M, Diagnostics> {
    match value {
        Value::Object(_) => {
            let mut problems = Diagnostics::new();
            match M::decode_fields(value, path, &mut problems) {
                Some(model) if !problems.has_errors() => Ok(model),
                _ => Err(problems),
            }
        }
        other => Err(mismatch(path, "an object", other)),
    }
}

fn mismatch(path: &AttributePath, wanted: &str, found: &Value) -> Diagnostics {
    let (summary, detail) = match found {
        Value::Unknown => (
            NOT_KNOWN_YET,
            format!("`{path}` is known only after apply, and this needs {wanted}."),
        ),
        value if value.is_null() => (
            "Missing value",
            format!("`{path}` is null, and this needs {wanted}."),
        ),
        _ => (
            "Unexpected value type",
            format!("`{path}` should be {wanted}."),
        ),
    };
    Diagnostic::error(summary, detail)
        .at_path(path.clone())
        .into()
}

/// Decodes each element of a collection at its step under `path`,
/// reporting every problem, not only the first.
fn decode_each<'a, T: AttrValue>(
    elements: impl Iterator<Item = (PathStep, &'a Value)>,
    path: &AttributePath,
) -> Result<Vec<(PathStep, T)>, Diagnostics> {
    let mut problems = Diagnostics::new();
    let mut out = Vec::new();
    for (step, element) in elements {
        let at = path.then(step.clone());
        match T::decode(element, &at) {
            Ok(decoded) => out.push((step, decoded)),
            Err(found) => problems.extend(placed(found, &at)),
        }
    }
    problems.into_result(out)
}

/// The objects of `T`, when it holds model objects, in a collection
/// (`nesting`) of them: `T`'s own collection, if any, goes within.
fn nested_as<T: AttrValue>(nesting: Nesting) -> Option<NestedAttributes> {
    let inner = T::nested()?;
    let within = match inner.nesting {
        Nesting::Single => inner.within,
        outer => std::iter::once(outer).chain(inner.within).collect(),
    };
    Some(NestedAttributes {
        nesting,
        within,
        attributes: inner.attributes,
    })
}

impl AttrValue for String {
    fn ty() -> Type {
        Type::String
    }

    fn decode(value: &Value, path: &AttributePath) -> Result<Self, Diagnostics> {
        match value {
            Value::String(s) => Ok(s.clone()),
            other => Err(mismatch(path, "a string", other)),
        }
    }

    fn encode(&self) -> Value {
        Value::String(self.clone())
    }
}

impl AttrValue for bool {
    fn ty() -> Type {
        Type::Bool
    }

    fn decode(value: &Value, path: &AttributePath) -> Result<Self, Diagnostics> {
        match value {
            Value::Bool(b) => Ok(*b),
            other => Err(mismatch(path, "a bool", other)),
        }
    }

    fn encode(&self) -> Value {
        Value::Bool(*self)
    }
}

impl AttrValue for i64 {
    fn ty() -> Type {
        Type::Number
    }

    fn decode(value: &Value, path: &AttributePath) -> Result<Self, Diagnostics> {
        match value.as_i64() {
            Known::Value(n) => Ok(n),
            _ => Err(mismatch(path, "a whole number within ±2⁶³", value)),
        }
    }

    fn encode(&self) -> Value {
        Value::Number(Number::Int(*self))
    }
}

impl AttrValue for f64 {
    fn ty() -> Type {
        Type::Number
    }

    fn decode(value: &Value, path: &AttributePath) -> Result<Self, Diagnostics> {
        match value {
            Value::Number(Number::Int(n)) => Ok(*n as f64),
            Value::Number(Number::Uint(n)) => Ok(*n as f64),
            Value::Number(Number::Float(n)) => Ok(*n),
            Value::Number(Number::Decimal(text)) => {
                text.parse().map_err(|_| mismatch(path, "a number", value))
            }
            other => Err(mismatch(path, "a number", other)),
        }
    }

    fn encode(&self) -> Value {
        Value::Number(Number::Float(*self))
    }
}

impl<T: AttrValue> AttrValue for Vec<T> {
    const SHAPE: Shape = T::SHAPE.within(Nesting::List);

    fn ty() -> Type {
        Type::list(T::ty())
    }

    fn nested() -> Option<NestedAttributes> {
        nested_as::<T>(Nesting::List)
    }

    fn decode(value: &Value, path: &AttributePath) -> Result<Self, Diagnostics> {
        let Value::List(elements) = value else {
            return Err(mismatch(path, "a list", value));
        };
        let steps = (0_i64..).map(PathStep::Index);
        let decoded = decode_each::<T>(steps.zip(elements), path)?;
        Ok(decoded.into_iter().map(|(_, element)| element).collect())
    }

    fn encode(&self) -> Value {
        Value::List(self.iter().map(AttrValue::encode).collect())
    }
}

impl<T: AttrValue> AttrValue for BTreeMap<String, T> {
    const SHAPE: Shape = T::SHAPE.within(Nesting::Map);

    fn ty() -> Type {
        Type::map(T::ty())
    }

    fn nested() -> Option<NestedAttributes> {
        nested_as::<T>(Nesting::Map)
    }

    fn decode(value: &Value, path: &AttributePath) -> Result<Self, Diagnostics> {
        let Value::Map(entries) = value else {
            return Err(mismatch(path, "a map", value));
        };
        let steps = entries.keys().map(|key| PathStep::Key(key.clone()));
        let decoded = decode_each::<T>(steps.zip(entries.values()), path)?;
        Ok(decoded
            .into_iter()
            .filter_map(|(step, entry)| match step {
                PathStep::Key(key) => Some((key, entry)),
                _ => None,
            })
            .collect())
    }

    fn encode(&self) -> Value {
        Value::Map(
            self.iter()
                .map(|(key, entry)| (key.clone(), entry.encode()))
                .collect(),
        )
    }
}

/// Null or a value; a value unknown until apply is an error (use
/// [`Known`] where that must pass).
impl<T: AttrValue> AttrValue for Option<T> {
    const SHAPE: Shape = T::SHAPE;
    const TAKES: Takes = Takes {
        null: true,
        unknown: false,
    };

    fn ty() -> Type {
        T::ty()
    }

    fn nested() -> Option<NestedAttributes> {
        T::nested()
    }

    fn decode(value: &Value, path: &AttributePath) -> Result<Self, Diagnostics> {
        match value {
            Value::Unknown => Err(mismatch(path, "a known value", value)),
            value if value.is_null() => Ok(None),
            value => T::decode(value, path).map(Some),
        }
    }

    fn encode(&self) -> Value {
        self.as_ref().map_or(Value::Null, AttrValue::encode)
    }
}

/// Unknown, null or a value, kept apart. A value with an unknown part
/// (`["a", (known after apply)]`) is `Unknown` unless `T` keeps that part
/// itself (`Vec<Known<String>>` keeps the known elements).
impl<T: AttrValue> AttrValue for Known<T> {
    const SHAPE: Shape = T::SHAPE;
    const TAKES: Takes = Takes {
        null: true,
        unknown: true,
    };

    fn ty() -> Type {
        T::ty()
    }

    fn nested() -> Option<NestedAttributes> {
        T::nested()
    }

    fn decode(value: &Value, path: &AttributePath) -> Result<Self, Diagnostics> {
        match value {
            Value::Unknown => Ok(Known::Unknown),
            value if value.is_null() => Ok(Known::Null),
            value => match T::decode(value, path) {
                Ok(decoded) => Ok(Known::Value(decoded)),
                // Not known yet as a whole, unless a known part is wrong:
                // then those parts' errors.
                Err(problems) => {
                    let about_known: Diagnostics = (placed(problems, path).into_iter())
                        .filter(|d| !is_about_unknown(d, path, value))
                        .collect();
                    about_known.into_result(Known::Unknown)
                }
            },
        }
    }

    fn encode(&self) -> Value {
        match self {
            Known::Unknown => Value::Unknown,
            Known::Null => Value::Null,
            Known::Value(value) => value.encode(),
        }
    }
}

/// No attributes: the config of a provider that takes none.
impl AttrValue for () {
    const SHAPE: Shape = Shape::OBJECT;

    fn ty() -> Type {
        object_type(&[])
    }

    fn decode(value: &Value, path: &AttributePath) -> Result<Self, Diagnostics> {
        decode_nested::<()>(value, path)
    }

    fn encode(&self) -> Value {
        self.to_value()
    }
}

impl Model for () {
    const NAME_TREE: Names = Names {
        own: &[],
        flattened: &[],
    };

    fn attributes() -> Vec<Attribute> {
        Vec::new()
    }

    fn decode_fields(_: &Value, _: &AttributePath, _: &mut Diagnostics) -> Option<Self> {
        Some(())
    }

    fn encode_fields(&self, _: &mut BTreeMap<String, Value>) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    const INNER: Names = Names {
        own: &["region", "project_id"],
        flattened: &[],
    };

    #[test]
    fn names_are_distinct_across_flattened_models() {
        const OK: Names = Names {
            own: &["id", "name"],
            flattened: &[&INNER],
        };
        const CLASH: Names = Names {
            own: &["id", "region"],
            flattened: &[&INNER],
        };
        const TWICE: Names = Names {
            own: &["id"],
            flattened: &[&INNER, &INNER],
        };
        assert!(distinct(&OK));
        assert!(!distinct(&CLASH));
        assert!(!distinct(&TWICE));
    }

    #[test]
    fn collections_name_the_index_or_key_of_a_bad_element() {
        let path = AttributePath::attribute("ports");
        let list = Value::List(vec![1_i64.into(), "x".into()]);
        let err = Vec::<i64>::decode(&list, &path).unwrap_err();
        let first = err.iter().next().unwrap();
        assert_eq!(first.attribute.as_ref().unwrap().to_string(), "ports[1]");
        let map = Value::Map(BTreeMap::from([("env".into(), Value::Bool(true))]));
        let err = BTreeMap::<String, String>::decode(&map, &path).unwrap_err();
        let first = err.iter().next().unwrap();
        assert_eq!(
            first.attribute.as_ref().unwrap().to_string(),
            r#"ports["env"]"#
        );
    }

    #[test]
    fn option_and_known_keep_null_and_unknown_apart() {
        let path = AttributePath::attribute("a");
        assert_eq!(Option::<String>::decode(&Value::Null, &path), Ok(None));
        assert!(Option::<String>::decode(&Value::Unknown, &path).is_err());
        assert_eq!(
            Known::<String>::decode(&Value::Unknown, &path),
            Ok(Known::Unknown)
        );
        assert_eq!(
            Known::<String>::decode(&Value::Null, &path),
            Ok(Known::Null)
        );
        assert_eq!(Known::<i64>::Unknown.encode(), Value::Unknown);
        assert_eq!(Option::<bool>::None.encode(), Value::Null);
        // A plain field must be set.
        let missing = String::decode(&Value::Null, &path).unwrap_err();
        assert_eq!(missing.iter().next().unwrap().summary, "Missing value");
    }

    #[test]
    fn numbers_read_from_every_form() {
        let path = AttributePath::attribute("n");
        assert_eq!(
            i64::decode(&Value::Number(Number::Float(3.0)), &path),
            Ok(3)
        );
        assert!(i64::decode(&Value::Number(Number::Float(3.5)), &path).is_err());
        assert_eq!(
            f64::decode(&Value::Number(Number::Decimal("2.5".into())), &path),
            Ok(2.5)
        );
    }
}
