//! Schemas as provider code declares them: a block of attributes, each with a
//! type, a description and how it is set.

use super::types::Type;

/// How a description is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DescriptionKind {
    Plain,
    Markdown,
}

/// Who sets an attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Required,
    Optional,
    /// Set by the provider only.
    Computed,
    /// Set by the user, or by the provider when the user does not.
    OptionalComputed,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub name: &'static str,
    pub ty: Type,
    pub mode: Mode,
    pub sensitive: bool,
    pub description: &'static str,
    pub description_kind: DescriptionKind,
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
        }
    }

    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    pub fn plain(mut self) -> Self {
        self.description_kind = DescriptionKind::Plain;
        self
    }
}

/// A nested block written at most once (`assume_role { ... }`); its value
/// is an object of its attributes, or null when the block is absent.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub name: &'static str,
    pub description: &'static str,
    pub attributes: Vec<Attribute>,
}

impl Block {
    pub fn object_type(&self) -> Type {
        Type::object(self.attributes.iter().map(|a| (a.name, a.ty.clone())))
    }
}

/// The schema of a provider or a data source: a block of attributes and
/// single nested blocks.
#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    pub version: i64,
    pub description: &'static str,
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<Block>,
}

impl Schema {
    /// The object type of a config or state under this schema.
    pub fn object_type(&self) -> Type {
        Type::object(
            self.attributes
                .iter()
                .map(|a| (a.name, a.ty.clone()))
                .chain(self.blocks.iter().map(|b| (b.name, b.object_type()))),
        )
    }

    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
}
