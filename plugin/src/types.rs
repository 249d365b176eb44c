//! Terraform's type system, and the JSON type constraints used in schemas and
//! in dynamic values (`"string"`, `["list","string"]`, `["object",{...}]`).

use std::collections::BTreeMap;

use serde_json::{Value as Json, json};

/// A Terraform type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Type {
    /// `string`.
    String,
    /// `number`.
    Number,
    /// `bool`.
    Bool,
    /// `any`: the value carries its own type on the wire.
    Dynamic,
    /// `list(T)`.
    List(Box<Type>),
    /// `set(T)`.
    Set(Box<Type>),
    /// `map(T)`.
    Map(Box<Type>),
    /// `tuple([T, ...])`.
    Tuple(Vec<Type>),
    /// `object({name = T, ...})`.
    Object(BTreeMap<String, Type>),
}

impl Type {
    /// `list(element)`.
    pub fn list(element: Type) -> Self {
        Type::List(Box::new(element))
    }

    /// `set(element)`.
    pub fn set(element: Type) -> Self {
        Type::Set(Box::new(element))
    }

    /// `map(element)`.
    pub fn map(element: Type) -> Self {
        Type::Map(Box::new(element))
    }

    /// An object type from `(attribute, type)` pairs.
    pub fn object<'a>(attributes: impl IntoIterator<Item = (&'a str, Type)>) -> Self {
        Type::Object(
            attributes
                .into_iter()
                .map(|(name, ty)| (name.to_owned(), ty))
                .collect(),
        )
    }

    /// The JSON form Terraform expects in `Schema.Attribute.type`.
    pub fn to_json(&self) -> Json {
        match self {
            Type::String => json!("string"),
            Type::Number => json!("number"),
            Type::Bool => json!("bool"),
            Type::Dynamic => json!("dynamic"),
            Type::List(e) => json!(["list", e.to_json()]),
            Type::Set(e) => json!(["set", e.to_json()]),
            Type::Map(e) => json!(["map", e.to_json()]),
            Type::Tuple(es) => json!(["tuple", es.iter().map(Type::to_json).collect::<Vec<_>>()]),
            Type::Object(attrs) => {
                let attrs: serde_json::Map<String, Json> = attrs
                    .iter()
                    .map(|(name, ty)| (name.clone(), ty.to_json()))
                    .collect();
                json!(["object", attrs])
            }
        }
    }

    /// The type constraint as JSON bytes (BTreeMap keeps object keys sorted,
    /// so the bytes are deterministic).
    pub fn to_json_bytes(&self) -> Vec<u8> {
        self.to_json().to_string().into_bytes()
    }

    /// Parses a JSON type constraint, as found in dynamic values.
    pub fn from_json(json: &Json) -> Result<Self, String> {
        match json {
            Json::String(name) => match name.as_str() {
                "string" => Ok(Type::String),
                "number" => Ok(Type::Number),
                "bool" => Ok(Type::Bool),
                "dynamic" => Ok(Type::Dynamic),
                other => Err(format!("unknown primitive type {other:?}")),
            },
            Json::Array(parts) if parts.len() == 2 => {
                let kind = parts[0].as_str().ok_or("type kind must be a string")?;
                let arg = &parts[1];
                match kind {
                    "list" => Ok(Type::list(Type::from_json(arg)?)),
                    "set" => Ok(Type::set(Type::from_json(arg)?)),
                    "map" => Ok(Type::map(Type::from_json(arg)?)),
                    "tuple" => arg
                        .as_array()
                        .ok_or("tuple type needs an array of element types")?
                        .iter()
                        .map(Type::from_json)
                        .collect::<Result<_, _>>()
                        .map(Type::Tuple),
                    "object" => arg
                        .as_object()
                        .ok_or("object type needs a map of attribute types")?
                        .iter()
                        .map(|(name, ty)| Ok((name.clone(), Type::from_json(ty)?)))
                        .collect::<Result<_, String>>()
                        .map(Type::Object),
                    other => Err(format!("unknown collection type {other:?}")),
                }
            }
            // ["object", {...}, [optional attrs]] appears in some constraints.
            Json::Array(parts) if parts.len() == 3 && parts[0] == "object" => {
                Type::from_json(&json!(["object", parts[1]]))
            }
            other => Err(format!("not a type constraint: {other}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primitive_types_encode_as_strings() {
        assert_eq!(Type::String.to_json_bytes(), br#""string""#);
        assert_eq!(Type::Number.to_json_bytes(), br#""number""#);
        assert_eq!(Type::Bool.to_json_bytes(), br#""bool""#);
        assert_eq!(Type::Dynamic.to_json_bytes(), br#""dynamic""#);
    }

    #[test]
    fn list_of_objects_encodes_with_sorted_attributes() {
        let ty = Type::list(Type::object([("name", Type::String), ("ip", Type::String)]));
        assert_eq!(
            String::from_utf8(ty.to_json_bytes()).unwrap(),
            r#"["list",["object",{"ip":"string","name":"string"}]]"#
        );
    }

    #[test]
    fn every_type_round_trips_through_json() {
        let ty = Type::Tuple(vec![
            Type::set(Type::Number),
            Type::map(Type::Bool),
            Type::list(Type::object([("a", Type::Dynamic)])),
        ]);
        assert_eq!(Type::from_json(&ty.to_json()).unwrap(), ty);
    }

    #[test]
    fn bad_type_constraints_are_rejected() {
        assert!(Type::from_json(&json!("strin")).is_err());
        assert!(Type::from_json(&json!(["vector", "string"])).is_err());
        assert!(Type::from_json(&json!(42)).is_err());
    }
}
