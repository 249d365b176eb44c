//! Terraform values as provider code sees them: every value is unknown, null
//! or known, and the distinction is never lost.

use std::collections::BTreeMap;

/// A Terraform number, kept in the form it arrived in so nothing is rounded.
#[derive(Clone, Debug, PartialEq)]
pub enum Number {
    /// A whole number that fits `i64`.
    Int(i64),
    /// A whole number above `i64::MAX`.
    Uint(u64),
    /// A fraction.
    Float(f64),
    /// A number too large or precise for the others, in decimal text.
    Decimal(String),
}

/// A value of some Terraform type.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Not known until apply (the msgpack extension value).
    Unknown,
    /// Null, of the type the schema gives.
    Null,
    /// A null that carries its type, as a `dynamic` attribute may hold
    /// (`null` of type string is not `null` of type number).
    TypedNull(super::types::Type),
    /// A string.
    String(String),
    /// A number.
    Number(Number),
    /// A bool.
    Bool(bool),
    /// A list's elements, in order.
    List(Vec<Value>),
    /// A set's elements.
    Set(Vec<Value>),
    /// A tuple's elements, in order.
    Tuple(Vec<Value>),
    /// A map's entries.
    Map(BTreeMap<String, Value>),
    /// An object's attributes.
    Object(BTreeMap<String, Value>),
}

/// The three states of a config attribute, for provider code to match on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Known<T> {
    /// Not known until apply.
    Unknown,
    /// Null.
    Null,
    /// Known, and of the type asked for.
    Value(T),
}

impl<T> Known<T> {
    /// The value when it is known, `None` when null or unknown.
    pub fn known(self) -> Option<T> {
        match self {
            Known::Value(v) => Some(v),
            _ => None,
        }
    }
}

impl Known<String> {
    /// The string when it is known, `None` when null or unknown.
    pub fn as_deref_known(&self) -> Option<&str> {
        match self {
            Known::Value(v) => Some(v),
            _ => None,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(Number::Int(n))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl Value {
    /// Builds an object value from `(attribute, value)` pairs.
    pub fn object<'a>(attributes: impl IntoIterator<Item = (&'a str, Value)>) -> Self {
        Value::Object(
            attributes
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value))
                .collect(),
        )
    }

    /// A string value, or null when `None`.
    pub fn string_or_null(s: Option<impl Into<String>>) -> Self {
        s.map_or(Value::Null, |s| Value::String(s.into()))
    }

    /// The attribute `name` of an object; null when absent or when `self` is
    /// null; unknown when `self` is unknown.
    pub fn attr(&self, name: &str) -> &Value {
        match self {
            Value::Object(attrs) | Value::Map(attrs) => attrs.get(name).unwrap_or(&Value::Null),
            Value::Unknown => &Value::Unknown,
            _ => &Value::Null,
        }
    }

    /// The value as a string, keeping unknown and null apart.
    /// A known non-string value reads as null.
    pub fn as_str(&self) -> Known<&str> {
        match self {
            Value::Unknown => Known::Unknown,
            Value::String(s) => Known::Value(s),
            _ => Known::Null,
        }
    }

    /// The value as a bool, keeping unknown and null apart.
    pub fn as_bool(&self) -> Known<bool> {
        match self {
            Value::Unknown => Known::Unknown,
            Value::Bool(b) => Known::Value(*b),
            _ => Known::Null,
        }
    }

    /// The value as an integer, keeping unknown and null apart; a number
    /// that is not a whole i64 reads as null.
    pub fn as_i64(&self) -> Known<i64> {
        match self {
            Value::Unknown => Known::Unknown,
            Value::Number(Number::Int(i)) => Known::Value(*i),
            Value::Number(Number::Uint(u)) => i64::try_from(*u).map_or(Known::Null, Known::Value),
            Value::Number(Number::Float(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                Known::Value(*f as i64)
            }
            _ => Known::Null,
        }
    }

    /// True for null, typed or not.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null | Value::TypedNull(_))
    }

    /// True when this value or anything inside it is unknown.
    pub fn contains_unknown(&self) -> bool {
        match self {
            Value::Unknown => true,
            Value::List(vs) | Value::Set(vs) | Value::Tuple(vs) => {
                vs.iter().any(Value::contains_unknown)
            }
            Value::Map(m) | Value::Object(m) => m.values().any(Value::contains_unknown),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_keep_unknown_null_and_known_apart() {
        let config = Value::object([
            ("a", Value::String("x".into())),
            ("b", Value::Null),
            ("c", Value::Unknown),
        ]);
        assert_eq!(config.attr("a").as_str(), Known::Value("x"));
        assert_eq!(config.attr("b").as_str(), Known::Null);
        assert_eq!(config.attr("c").as_str(), Known::Unknown);
        assert_eq!(config.attr("missing").as_str(), Known::Null);
        assert_eq!(Value::Unknown.attr("a").as_str(), Known::Unknown);
    }

    #[test]
    fn integers_read_from_every_number_form() {
        assert_eq!(Value::Number(Number::Int(-3)).as_i64(), Known::Value(-3));
        assert_eq!(Value::Number(Number::Uint(7)).as_i64(), Known::Value(7));
        assert_eq!(Value::Number(Number::Float(5.0)).as_i64(), Known::Value(5));
        assert_eq!(Value::Number(Number::Float(5.5)).as_i64(), Known::Null);
        assert_eq!(Value::Number(Number::Uint(u64::MAX)).as_i64(), Known::Null);
    }

    #[test]
    fn unknown_is_found_deep_inside() {
        let v = Value::List(vec![Value::object([("x", Value::Unknown)])]);
        assert!(v.contains_unknown());
        assert!(!Value::List(vec![Value::Null]).contains_unknown());
    }
}
