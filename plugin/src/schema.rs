//! Schemas as provider code declares them: a block of attributes, each with a
//! type, a description and how it is set.

use super::types::Type;
use super::value::Value;

/// How a description is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DescriptionKind {
    /// Plain text.
    Plain,
    /// Markdown, as the registry's docs render it.
    Markdown,
}

/// Who sets an attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Set by the user, always.
    Required,
    /// Set by the user, or null.
    Optional,
    /// Set by the provider only.
    Computed,
    /// Set by the user, or by the provider when the user does not.
    OptionalComputed,
}

/// How a nested attribute holds its objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    /// One object.
    Single,
    /// A list of objects.
    List,
    /// A set of objects.
    Set,
    /// A map of objects by string key.
    Map,
}

/// The attributes of a nested attribute's objects: each with its own type,
/// mode and description, declared once for the attribute's type and its
/// docs. On the wire the attribute is the object type they imply, not a
/// protocol `nested_type`: Terraform 1.0 types a list of nested objects as
/// one object, which breaks `hosts[0]`, so Terraform's own schema output
/// shows the type without the fields' descriptions.
#[derive(Clone, Debug, PartialEq)]
pub struct NestedAttributes {
    /// How the objects nest.
    pub nesting: Nesting,
    /// The collections between [`NestedAttributes::nesting`] and the
    /// objects, outermost first: `[List]` for a list of lists of objects
    /// (`Vec<Vec<M>>`), empty for one level. Only the provider sets such
    /// attributes (see [`Attribute::is_block`]).
    pub within: Vec<Nesting>,
    /// The attributes of each object.
    pub attributes: Vec<Attribute>,
}

impl NestedAttributes {
    /// The type they imply, e.g. `list(object({...}))`.
    pub fn ty(&self) -> Type {
        let object = object_type(&self.attributes);
        let nestings = std::iter::once(self.nesting).chain(self.within.iter().copied());
        nestings.rev().fold(object, |inner, nesting| match nesting {
            Nesting::Single => inner,
            Nesting::List => Type::list(inner),
            Nesting::Set => Type::set(inner),
            Nesting::Map => Type::map(inner),
        })
    }
}

/// One attribute of a schema.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    /// The name in HCL.
    pub name: &'static str,
    /// Its Terraform type.
    pub ty: Type,
    /// Who sets it.
    pub mode: Mode,
    /// Whether Terraform hides its value in plans and output.
    pub sensitive: bool,
    /// What it means, for `terraform providers schema` and docs.
    pub description: &'static str,
    /// How [`Attribute::description`] is written.
    pub description_kind: DescriptionKind,
    /// The attributes nested in this one, if it is a nested attribute; then
    /// [`Attribute::ty`] is the type they imply.
    pub nested: Option<NestedAttributes>,
}

impl Attribute {
    /// A Markdown-described attribute; use the builder methods to adjust.
    pub fn new(name: &'static str, ty: Type, mode: Mode, description: &'static str) -> Self {
        Attribute {
            name,
            ty,
            mode,
            sensitive: false,
            description,
            description_kind: DescriptionKind::Markdown,
            nested: None,
        }
    }

    /// A nested attribute: objects of `attributes`, nested as `nesting`.
    /// Its type is the one they imply (e.g. `list(object({...}))`), so
    /// values and states are those of an object-typed attribute.
    pub fn nested(
        name: &'static str,
        nesting: Nesting,
        attributes: Vec<Attribute>,
        mode: Mode,
        description: &'static str,
    ) -> Self {
        let nested = NestedAttributes {
            nesting,
            within: Vec::new(),
            attributes,
        };
        Attribute::of_objects(name, nested, mode, description)
    }

    /// A nested attribute of any depth (`list(list(object({...})))`): its
    /// type is the one `nested` implies.
    pub fn of_objects(
        name: &'static str,
        nested: NestedAttributes,
        mode: Mode,
        description: &'static str,
    ) -> Self {
        let ty = nested.ty();
        Attribute {
            nested: Some(nested),
            ..Attribute::new(name, ty, mode, description)
        }
    }

    /// Whether it goes to Terraform as a nested block: objects the user
    /// writes (a required or optional nested attribute). Every CLI reads a
    /// block's attributes with their own modes, while Terraform 1.0 makes
    /// every attribute of an object-typed argument required, and types a
    /// list `nested_type` as one object.
    pub fn is_block(&self) -> bool {
        self.block().is_some()
    }

    /// The attributes of its blocks, when it goes to Terraform as nested
    /// blocks (see [`Attribute::is_block`]).
    pub fn block(&self) -> Option<&NestedAttributes> {
        let user_written = matches!(self.mode, Mode::Required | Mode::Optional);
        (self.nested.as_ref()).filter(|n| user_written && n.within.is_empty())
    }

    /// Marks the attribute sensitive.
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// Marks the description as plain text.
    pub fn plain(mut self) -> Self {
        self.description_kind = DescriptionKind::Plain;
        self
    }
}

/// A nested block written at most once (`assume_role { ... }`); its value
/// is an object of its attributes, or null when the block is absent.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// The block's name in HCL.
    pub name: &'static str,
    /// What it is for.
    pub description: &'static str,
    /// Its attributes.
    pub attributes: Vec<Attribute>,
}

impl Block {
    /// The object type of the block's value.
    pub fn object_type(&self) -> Type {
        object_type(&self.attributes)
    }
}

/// The schema of a provider or a data source: a block of attributes and
/// single nested blocks.
#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    /// The schema version (for state upgrades; data sources keep 0).
    pub version: i64,
    /// What the provider or data source is for.
    pub description: &'static str,
    /// Its attributes.
    pub attributes: Vec<Attribute>,
    /// Its nested blocks, each written at most once.
    pub blocks: Vec<Block>,
}

impl Schema {
    /// A version-0 schema of attributes and no blocks.
    pub fn new(description: &'static str, attributes: Vec<Attribute>) -> Self {
        Schema {
            version: 0,
            description,
            attributes,
            blocks: Vec::new(),
        }
    }

    /// The object type of a config or state under this schema.
    pub fn object_type(&self) -> Type {
        Type::object(
            self.attributes
                .iter()
                .map(|a| (a.name, a.ty.clone()))
                .chain(self.blocks.iter().map(|b| (b.name, b.object_type()))),
        )
    }

    /// `value` as Terraform sends a config of this schema: every attribute
    /// and block present, those not given null (a list or set of blocks
    /// not written, empty), and so in every block written.
    pub fn with_nulls(&self, value: &Value) -> Value {
        let object = match value {
            Value::Object(_) => value.clone(),
            _ => Value::Object(Default::default()),
        };
        let mut complete = with_nulls(&self.attributes, &object);
        if let Value::Object(attributes) = &mut complete {
            for block in &self.blocks {
                let given = attributes
                    .entry(block.name.to_owned())
                    .or_insert(Value::Null);
                *given = with_nulls(&block.attributes, given);
            }
        }
        complete
    }

    /// The attribute called `name`.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

/// The type of an object of `attributes`.
pub(crate) fn object_type(attributes: &[Attribute]) -> Type {
    Type::object(attributes.iter().map(|a| (a.name, a.ty.clone())))
}

/// The object `value` (null stays null) with each of `attributes` present,
/// as Terraform sends it; see [`Schema::with_nulls`].
fn with_nulls(attributes: &[Attribute], value: &Value) -> Value {
    let Value::Object(given) = value else {
        return value.clone();
    };
    let mut complete = given.clone();
    for attribute in attributes {
        let entry = complete.entry(attribute.name.to_owned());
        let value = entry.or_insert(Value::Null);
        let Some(nested) = attribute.block() else {
            continue;
        };
        let each = |objects: &Vec<Value>| -> Vec<Value> {
            let complete = objects.iter().map(|o| with_nulls(&nested.attributes, o));
            complete.collect()
        };
        *value = match (nested.nesting, &*value) {
            (Nesting::List, Value::Null) => Value::List(Vec::new()),
            (Nesting::Set, Value::Null) => Value::Set(Vec::new()),
            (Nesting::Map, Value::Null) => Value::Map(Default::default()),
            (_, Value::List(objects)) => Value::List(each(objects)),
            (_, Value::Set(objects)) => Value::Set(each(objects)),
            (_, Value::Map(objects)) => Value::Map(
                objects
                    .iter()
                    .map(|(k, o)| (k.clone(), with_nulls(&nested.attributes, o)))
                    .collect(),
            ),
            (_, object) => with_nulls(&nested.attributes, object),
        };
    }
    Value::Object(complete)
}
