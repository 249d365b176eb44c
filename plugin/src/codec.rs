//! The DynamicValue codec: msgpack (and JSON on input) to [`Value`] and back,
//! driven by the schema's [`Type`].

use std::collections::BTreeMap;

use rmpv::Value as Mp;
use serde_json::Value as Json;

use super::types::Type;
use super::value::{Number, Value};

/// The msgpack extension type Terraform uses for an unknown value; refined
/// unknowns (type 12) and any other extension decode as unknown too.
const UNKNOWN_EXT_TYPE: i8 = 0;

/// Why a DynamicValue could not be decoded or encoded, with the path to the
/// offending value.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{message} at {path}")]
pub struct CodecError {
    /// Where the value is, as `.attr[2]["key"]`; empty at the top.
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

fn error(path: &str, message: impl Into<String>) -> CodecError {
    CodecError {
        path: if path.is_empty() {
            "(root)".into()
        } else {
            path.into()
        },
        message: message.into(),
    }
}

/// Decodes msgpack bytes as a value of type `ty`.
pub fn decode_msgpack(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    let mut reader = bytes;
    let raw = rmpv::decode::read_value(&mut reader)
        .map_err(|e| error("", format!("invalid msgpack: {e}")))?;
    if !reader.is_empty() {
        return Err(error("", "trailing bytes after msgpack value"));
    }
    from_msgpack(raw, ty, "")
}

fn from_msgpack(raw: Mp, ty: &Type, path: &str) -> Result<Value, CodecError> {
    match (raw, ty) {
        (Mp::Nil, _) => Ok(Value::Null),
        (Mp::Ext(_, _), _) => Ok(Value::Unknown),
        (Mp::String(s), Type::String) => s
            .into_str()
            .map(Value::String)
            .ok_or_else(|| error(path, "string is not valid UTF-8")),
        (raw, Type::Number) => msgpack_number(raw, path).map(Value::Number),
        (Mp::Boolean(b), Type::Bool) => Ok(Value::Bool(b)),
        (Mp::Array(items), Type::List(elem)) => decode_items(items, elem, path).map(Value::List),
        (Mp::Array(items), Type::Set(elem)) => decode_items(items, elem, path).map(Value::Set),
        (Mp::Array(items), Type::Tuple(types)) => {
            if items.len() != types.len() {
                return Err(error(path, format!("tuple needs {} elements", types.len())));
            }
            items
                .into_iter()
                .zip(types)
                .enumerate()
                .map(|(i, (item, ty))| from_msgpack(item, ty, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()
                .map(Value::Tuple)
        }
        (Mp::Map(entries), Type::Map(elem)) => {
            let mut map = BTreeMap::new();
            for (key, item) in entries {
                let key = msgpack_key(key, path)?;
                let item = from_msgpack(item, elem, &format!("{path}[{key:?}]"))?;
                map.insert(key, item);
            }
            Ok(Value::Map(map))
        }
        (Mp::Map(entries), Type::Object(attrs)) => {
            let mut given = BTreeMap::new();
            for (key, item) in entries {
                given.insert(msgpack_key(key, path)?, item);
            }
            let mut object = BTreeMap::new();
            for (name, ty) in attrs {
                let value = match given.remove(name) {
                    Some(item) => from_msgpack(item, ty, &join(path, name))?,
                    None => Value::Null,
                };
                object.insert(name.clone(), value);
            }
            Ok(Value::Object(object))
        }
        (Mp::Array(mut pair), Type::Dynamic) if pair.len() == 2 => {
            let raw = pair.pop().unwrap_or(Mp::Nil);
            let type_json = match pair.pop() {
                Some(Mp::Binary(b)) => b,
                Some(Mp::String(s)) => s.into_bytes(),
                _ => return Err(error(path, "dynamic value needs its type as JSON")),
            };
            let ty = serde_json::from_slice(&type_json)
                .map_err(|e| e.to_string())
                .and_then(|json| Type::from_json(&json))
                .map_err(|e| error(path, format!("bad dynamic type: {e}")))?;
            match raw {
                Mp::Nil if ty != Type::Dynamic => Ok(Value::TypedNull(ty)),
                raw => from_msgpack(raw, &ty, path),
            }
        }
        (raw, ty) => Err(error(
            path,
            format!("expected {}, found msgpack {}", ty_name(ty), mp_kind(&raw)),
        )),
    }
}

fn decode_items(items: Vec<Mp>, elem: &Type, path: &str) -> Result<Vec<Value>, CodecError> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| from_msgpack(item, elem, &format!("{path}[{i}]")))
        .collect()
}

fn msgpack_key(key: Mp, path: &str) -> Result<String, CodecError> {
    match key {
        Mp::String(s) => s
            .into_str()
            .ok_or_else(|| error(path, "map key is not valid UTF-8")),
        other => Err(error(path, format!("map key is {}", mp_kind(&other)))),
    }
}

fn msgpack_number(raw: Mp, path: &str) -> Result<Number, CodecError> {
    match raw {
        Mp::Integer(i) => match (i.as_i64(), i.as_u64()) {
            (Some(i), _) => Ok(Number::Int(i)),
            (None, Some(u)) => Ok(Number::Uint(u)),
            _ => Err(error(path, "integer out of range")),
        },
        Mp::F32(f) => Ok(Number::Float(f64::from(f))),
        Mp::F64(f) => Ok(Number::Float(f)),
        Mp::String(s) => {
            let text = s.into_str().unwrap_or_default();
            parse_decimal(&text).ok_or_else(|| error(path, format!("{text:?} is not a number")))
        }
        other => Err(error(
            path,
            format!("expected number, found msgpack {}", mp_kind(&other)),
        )),
    }
}

/// Parses decimal text the way Terraform writes big numbers, keeping the
/// exact text when no machine type holds it.
fn parse_decimal(text: &str) -> Option<Number> {
    if let Ok(i) = text.parse::<i64>() {
        return Some(Number::Int(i));
    }
    if let Ok(u) = text.parse::<u64>() {
        return Some(Number::Uint(u));
    }
    let digits = text.strip_prefix('-').unwrap_or(text);
    let looks_numeric = !digits.is_empty()
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && digits.parse::<f64>().is_ok();
    looks_numeric.then(|| Number::Decimal(text.to_owned()))
}

/// Encodes `value` as msgpack for type `ty`; the result conforms to the type
/// (objects carry every attribute, null where unset). Written straight into
/// the buffer: a large state is never held twice.
pub fn encode_msgpack(value: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    let mut out = Vec::with_capacity(256);
    write_value(&mut out, value, ty, &At::Root)?;
    Ok(out)
}

/// Where in a value the encoder is; rendered only for an error.
enum At<'a> {
    Root,
    Attr(&'a At<'a>, &'a str),
    Index(&'a At<'a>, usize),
    Key(&'a At<'a>, &'a str),
}

impl At<'_> {
    fn render(&self) -> String {
        match self {
            At::Root => String::new(),
            At::Attr(parent, name) => join(&parent.render(), name),
            At::Index(parent, i) => format!("{}[{i}]", parent.render()),
            At::Key(parent, k) => format!("{}[{k:?}]", parent.render()),
        }
    }
}

fn write_value(out: &mut Vec<u8>, value: &Value, ty: &Type, at: &At<'_>) -> Result<(), CodecError> {
    use rmp::encode as mp;
    match (value, ty) {
        (Value::Unknown, _) => {
            written(mp::write_ext_meta(out, 1, UNKNOWN_EXT_TYPE));
            out.push(0);
        }
        (Value::Null, _) => written(mp::write_nil(out)),
        (value, Type::Dynamic) => {
            let actual = infer_type(value, &at.render())?;
            written(mp::write_array_len(out, 2));
            let type_json = actual.to_json_bytes();
            written(mp::write_bin(out, &type_json));
            write_value(out, value, &actual, at)?;
        }
        (Value::TypedNull(_), _) => written(mp::write_nil(out)),
        (Value::String(s), Type::String) => written(mp::write_str(out, s)),
        (Value::Number(n), Type::Number) => match n {
            Number::Int(i) => {
                written(mp::write_sint(out, *i));
            }
            Number::Uint(u) => {
                written(mp::write_uint(out, *u));
            }
            // cty numbers are finite: Terraform could not decode these.
            Number::Float(f) if !f.is_finite() => {
                return Err(error(
                    &at.render(),
                    format!("{f} is not a Terraform number"),
                ));
            }
            Number::Float(f) => written(mp::write_f64(out, *f)),
            Number::Decimal(text) => written(mp::write_str(out, text)),
        },
        (Value::Bool(b), Type::Bool) => written(mp::write_bool(out, *b)),
        (Value::List(items), Type::List(elem)) | (Value::Set(items), Type::Set(elem)) => {
            written(mp::write_array_len(out, len32(items.len(), at)?));
            for (i, item) in items.iter().enumerate() {
                write_value(out, item, elem, &At::Index(at, i))?;
            }
        }
        (Value::Tuple(items), Type::Tuple(types)) if items.len() == types.len() => {
            written(mp::write_array_len(out, len32(items.len(), at)?));
            for (i, (item, ty)) in items.iter().zip(types).enumerate() {
                write_value(out, item, ty, &At::Index(at, i))?;
            }
        }
        (Value::Map(map), Type::Map(elem)) => {
            written(mp::write_map_len(out, len32(map.len(), at)?));
            for (k, v) in map {
                written(mp::write_str(out, k));
                write_value(out, v, elem, &At::Key(at, k))?;
            }
        }
        (Value::Object(attrs), Type::Object(types)) => {
            if let Some(extra) = attrs.keys().find(|k| !types.contains_key(*k)) {
                return Err(error(
                    &at.render(),
                    format!("attribute {extra:?} is not in the schema"),
                ));
            }
            written(mp::write_map_len(out, len32(types.len(), at)?));
            for (name, ty) in types {
                written(mp::write_str(out, name));
                let v = attrs.get(name).unwrap_or(&Value::Null);
                write_value(out, v, ty, &At::Attr(at, name))?;
            }
        }
        (value, ty) => {
            return Err(error(
                &at.render(),
                format!(
                    "a {} value cannot be encoded as {}",
                    value_kind(value),
                    ty_name(ty)
                ),
            ));
        }
    }
    Ok(())
}

/// Writing into a `Vec<u8>` cannot fail: the writers' results carry nothing.
fn written<T, E>(_: Result<T, E>) {}

fn len32(len: usize, at: &At<'_>) -> Result<u32, CodecError> {
    u32::try_from(len).map_err(|_| error(&at.render(), "too many elements for msgpack"))
}

/// The concrete type of a known value, for encoding it where the schema says
/// `dynamic`. Collections take the type that fits every element (nulls and
/// unknowns fit any; objects missing attributes fit with them null).
fn infer_type(value: &Value, path: &str) -> Result<Type, CodecError> {
    let common = |items: &mut dyn Iterator<Item = &Value>, what: &str| {
        let mut so_far = Type::Dynamic;
        for item in items {
            let ty = infer_type(item, path)?;
            so_far = unify(&so_far, &ty).ok_or_else(|| {
                error(
                    path,
                    format!(
                        "{what} elements have different types ({} and {})",
                        ty_name(&so_far),
                        ty_name(&ty)
                    ),
                )
            })?;
        }
        Ok::<_, CodecError>(so_far)
    };
    Ok(match value {
        Value::Unknown | Value::Null => Type::Dynamic,
        Value::TypedNull(ty) => ty.clone(),
        Value::String(_) => Type::String,
        Value::Number(_) => Type::Number,
        Value::Bool(_) => Type::Bool,
        Value::List(items) => Type::list(common(&mut items.iter(), "list")?),
        Value::Set(items) => Type::set(common(&mut items.iter(), "set")?),
        Value::Map(map) => Type::map(common(&mut map.values(), "map")?),
        Value::Tuple(items) => Type::Tuple(
            items
                .iter()
                .map(|v| infer_type(v, path))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(attrs) => Type::Object(
            attrs
                .iter()
                .map(|(k, v)| Ok((k.clone(), infer_type(v, &join(path, k))?)))
                .collect::<Result<_, CodecError>>()?,
        ),
    })
}

/// The one type both `a` and `b` fit, if there is one.
fn unify(a: &Type, b: &Type) -> Option<Type> {
    Some(match (a, b) {
        (Type::Dynamic, t) | (t, Type::Dynamic) => t.clone(),
        (a, b) if a == b => a.clone(),
        (Type::List(x), Type::List(y)) => Type::list(unify(x, y)?),
        (Type::Set(x), Type::Set(y)) => Type::set(unify(x, y)?),
        (Type::Map(x), Type::Map(y)) => Type::map(unify(x, y)?),
        (Type::Tuple(xs), Type::Tuple(ys)) if xs.len() == ys.len() => Type::Tuple(
            xs.iter()
                .zip(ys)
                .map(|(x, y)| unify(x, y))
                .collect::<Option<_>>()?,
        ),
        (Type::Object(xs), Type::Object(ys)) => {
            let mut merged = xs.clone();
            for (name, y) in ys {
                let ty = match xs.get(name) {
                    Some(x) => unify(x, y)?,
                    None => y.clone(),
                };
                merged.insert(name.clone(), ty);
            }
            Type::Object(merged)
        }
        _ => return None,
    })
}

/// Decodes Terraform's JSON encoding of a value of type `ty` (the fallback
/// encoding; it has no unknowns).
pub fn decode_json(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    let json: Json =
        serde_json::from_slice(bytes).map_err(|e| error("", format!("invalid JSON: {e}")))?;
    from_json(json, ty, "")
}

fn from_json(json: Json, ty: &Type, path: &str) -> Result<Value, CodecError> {
    match (json, ty) {
        (Json::Null, _) => Ok(Value::Null),
        (Json::String(s), Type::String) => Ok(Value::String(s)),
        (Json::Number(n), Type::Number) => parse_decimal(&n.to_string())
            .map(Value::Number)
            .ok_or_else(|| error(path, "bad number")),
        (Json::String(s), Type::Number) => parse_decimal(&s)
            .map(Value::Number)
            .ok_or_else(|| error(path, format!("{s:?} is not a number"))),
        (Json::Bool(b), Type::Bool) => Ok(Value::Bool(b)),
        (Json::Array(items), Type::List(elem)) => json_items(items, elem, path).map(Value::List),
        (Json::Array(items), Type::Set(elem)) => json_items(items, elem, path).map(Value::Set),
        (Json::Array(items), Type::Tuple(types)) if items.len() == types.len() => items
            .into_iter()
            .zip(types)
            .enumerate()
            .map(|(i, (item, ty))| from_json(item, ty, &format!("{path}[{i}]")))
            .collect::<Result<_, _>>()
            .map(Value::Tuple),
        (Json::Object(map), Type::Map(elem)) => map
            .into_iter()
            .map(|(k, v)| {
                let v = from_json(v, elem, &format!("{path}[{k:?}]"))?;
                Ok((k, v))
            })
            .collect::<Result<_, _>>()
            .map(Value::Map),
        (Json::Object(mut map), Type::Object(attrs)) => attrs
            .iter()
            .map(|(name, ty)| {
                let v = match map.remove(name) {
                    Some(item) => from_json(item, ty, &join(path, name))?,
                    None => Value::Null,
                };
                Ok((name.clone(), v))
            })
            .collect::<Result<_, _>>()
            .map(Value::Object),
        (Json::Object(mut wrapped), Type::Dynamic) => {
            let ty = wrapped
                .remove("type")
                .ok_or_else(|| error(path, "dynamic JSON value needs \"type\""))
                .and_then(|t| Type::from_json(&t).map_err(|e| error(path, e)))?;
            match wrapped.remove("value").unwrap_or(Json::Null) {
                Json::Null if ty != Type::Dynamic => Ok(Value::TypedNull(ty)),
                json => from_json(json, &ty, path),
            }
        }
        (json, ty) => Err(error(
            path,
            format!("expected {}, found JSON {json}", ty_name(ty)),
        )),
    }
}

fn json_items(items: Vec<Json>, elem: &Type, path: &str) -> Result<Vec<Value>, CodecError> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| from_json(item, elem, &format!("{path}[{i}]")))
        .collect()
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

fn ty_name(ty: &Type) -> &'static str {
    match ty {
        Type::String => "string",
        Type::Number => "number",
        Type::Bool => "bool",
        Type::Dynamic => "dynamic",
        Type::List(_) => "list",
        Type::Set(_) => "set",
        Type::Map(_) => "map",
        Type::Tuple(_) => "tuple",
        Type::Object(_) => "object",
    }
}

fn value_kind(value: &Value) -> &'static str {
    match value {
        Value::Unknown => "unknown",
        Value::Null | Value::TypedNull(_) => "null",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::List(_) => "list",
        Value::Set(_) => "set",
        Value::Tuple(_) => "tuple",
        Value::Map(_) => "map",
        Value::Object(_) => "object",
    }
}

fn mp_kind(raw: &Mp) -> &'static str {
    match raw {
        Mp::Nil => "nil",
        Mp::Boolean(_) => "bool",
        Mp::Integer(_) => "integer",
        Mp::F32(_) | Mp::F64(_) => "float",
        Mp::String(_) => "string",
        Mp::Binary(_) => "binary",
        Mp::Array(_) => "array",
        Mp::Map(_) => "map",
        Mp::Ext(_, _) => "extension",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(value: Value, ty: &Type) {
        let bytes = encode_msgpack(&value, ty).unwrap();
        assert_eq!(decode_msgpack(&bytes, ty).unwrap(), value, "type {ty:?}");
    }

    #[test]
    fn every_type_round_trips() {
        round_trip(Value::String("héllo".into()), &Type::String);
        round_trip(Value::Bool(true), &Type::Bool);
        round_trip(Value::Number(Number::Int(-42)), &Type::Number);
        round_trip(Value::Number(Number::Uint(u64::MAX)), &Type::Number);
        round_trip(Value::Number(Number::Float(1.5)), &Type::Number);
        round_trip(
            Value::List(vec![Value::String("a".into()), Value::Null]),
            &Type::list(Type::String),
        );
        round_trip(Value::Set(vec![Value::Bool(false)]), &Type::set(Type::Bool));
        round_trip(
            Value::Map([("k".to_owned(), Value::Number(Number::Int(1)))].into()),
            &Type::map(Type::Number),
        );
        round_trip(
            Value::Tuple(vec![Value::String("x".into()), Value::Bool(true)]),
            &Type::Tuple(vec![Type::String, Type::Bool]),
        );
        round_trip(
            Value::object([("name", Value::String("n".into())), ("ip", Value::Unknown)]),
            &Type::object([("name", Type::String), ("ip", Type::String)]),
        );
        round_trip(
            Value::List(vec![Value::object([("a", Value::Bool(true))])]),
            &Type::list(Type::object([("a", Type::Bool)])),
        );
    }

    #[test]
    fn null_and_unknown_round_trip_for_every_type() {
        for ty in [
            Type::String,
            Type::Number,
            Type::Bool,
            Type::list(Type::String),
            Type::object([("a", Type::String)]),
            Type::Dynamic,
        ] {
            round_trip(Value::Null, &ty);
            round_trip(Value::Unknown, &ty);
        }
    }

    #[test]
    fn unknown_is_written_as_extension_zero() {
        assert_eq!(
            encode_msgpack(&Value::Unknown, &Type::String).unwrap(),
            [0xd4, 0, 0]
        );
    }

    #[test]
    fn refined_unknown_type_12_decodes_as_unknown() {
        // fixext... type 12 with a payload map of refinements {1: false}.
        let mut bytes = Vec::new();
        let payload = {
            let mut p = Vec::new();
            rmpv::encode::write_value(&mut p, &Mp::Map(vec![(Mp::from(1), Mp::Boolean(false))]))
                .unwrap();
            p
        };
        rmpv::encode::write_value(&mut bytes, &Mp::Ext(12, payload)).unwrap();
        assert_eq!(
            decode_msgpack(&bytes, &Type::String).unwrap(),
            Value::Unknown
        );
    }

    #[test]
    fn missing_object_attributes_decode_as_null() {
        let bytes = encode_msgpack(
            &Value::object([("a", Value::String("x".into()))]),
            &Type::object([("a", Type::String)]),
        )
        .unwrap();
        let ty = Type::object([("a", Type::String), ("b", Type::Bool)]);
        assert_eq!(decode_msgpack(&bytes, &ty).unwrap().attr("b"), &Value::Null);
    }

    #[test]
    fn encoding_fills_every_attribute_with_null() {
        let ty = Type::object([("a", Type::String), ("b", Type::Bool)]);
        let bytes = encode_msgpack(&Value::object([]), &ty).unwrap();
        let back = decode_msgpack(&bytes, &ty).unwrap();
        assert_eq!(
            back,
            Value::object([("a", Value::Null), ("b", Value::Null)])
        );
    }

    #[test]
    fn big_numbers_travel_as_strings_without_rounding() {
        let big = "123456789012345678901234567890.000000000000000001";
        let mut bytes = Vec::new();
        rmpv::encode::write_value(&mut bytes, &Mp::from(big)).unwrap();
        let value = decode_msgpack(&bytes, &Type::Number).unwrap();
        assert_eq!(value, Value::Number(Number::Decimal(big.into())));
        assert_eq!(encode_msgpack(&value, &Type::Number).unwrap(), bytes);
    }

    #[test]
    fn numbers_decode_from_int_float_and_string() {
        let decode = |raw: Mp| {
            let mut bytes = Vec::new();
            rmpv::encode::write_value(&mut bytes, &raw).unwrap();
            decode_msgpack(&bytes, &Type::Number)
        };
        assert_eq!(decode(Mp::from(7)).unwrap(), Value::Number(Number::Int(7)));
        assert_eq!(
            decode(Mp::F32(0.5)).unwrap(),
            Value::Number(Number::Float(0.5))
        );
        assert_eq!(
            decode(Mp::from("12")).unwrap(),
            Value::Number(Number::Int(12))
        );
        assert!(decode(Mp::from("twelve")).is_err());
    }

    #[test]
    fn dynamic_values_carry_their_type() {
        let value = Value::List(vec![Value::String("a".into())]);
        let bytes = encode_msgpack(&value, &Type::Dynamic).unwrap();
        let raw = rmpv::decode::read_value(&mut &bytes[..]).unwrap();
        let Mp::Array(pair) = raw else {
            panic!("not an array: {raw:?}")
        };
        assert_eq!(pair[0], Mp::Binary(br#"["list","string"]"#.to_vec()));
        assert_eq!(decode_msgpack(&bytes, &Type::Dynamic).unwrap(), value);
    }

    #[test]
    fn dynamic_collections_are_typed_from_every_element() {
        let value = Value::List(vec![
            Value::Null,
            Value::object([("a", Value::String("x".into()))]),
            Value::object([("b", Value::Bool(true))]),
        ]);
        let bytes = encode_msgpack(&value, &Type::Dynamic).unwrap();
        let Mp::Array(pair) = rmpv::decode::read_value(&mut &bytes[..]).unwrap() else {
            panic!()
        };
        assert_eq!(
            pair[0],
            Mp::Binary(br#"["list",["object",{"a":"string","b":"bool"}]]"#.to_vec())
        );
        let mixed = Value::List(vec![Value::String("a".into()), Value::Bool(true)]);
        let err = encode_msgpack(&mixed, &Type::Dynamic).unwrap_err();
        assert!(err.message.contains("different types"), "{err}");
    }

    #[test]
    fn a_typed_null_keeps_its_type_through_a_round_trip() {
        let mut bytes = Vec::new();
        rmpv::encode::write_value(
            &mut bytes,
            &Mp::Array(vec![Mp::Binary(br#""number""#.to_vec()), Mp::Nil]),
        )
        .unwrap();
        let value = decode_msgpack(&bytes, &Type::Dynamic).unwrap();
        assert_eq!(value, Value::TypedNull(Type::Number));
        assert!(value.is_null());
        assert_eq!(encode_msgpack(&value, &Type::Dynamic).unwrap(), bytes);
        let from_json = decode_json(br#"{"value":null,"type":"number"}"#, &Type::Dynamic).unwrap();
        assert_eq!(from_json, Value::TypedNull(Type::Number));
    }

    #[test]
    fn nan_and_infinities_are_refused_not_sent() {
        for f in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let value = Value::object([("n", Value::Number(Number::Float(f)))]);
            let err = encode_msgpack(&value, &Type::object([("n", Type::Number)])).unwrap_err();
            assert_eq!(err.path, "n");
            assert!(encode_msgpack(&Value::Number(Number::Float(f)), &Type::Dynamic).is_err());
        }
    }

    #[test]
    fn json_numbers_keep_every_digit() {
        let big = "123456789012345678901234567890.000000000000000001";
        let value = decode_json(big.as_bytes(), &Type::Number).unwrap();
        assert_eq!(value, Value::Number(Number::Decimal(big.into())));
        let exact = decode_json(b"9007199254740993", &Type::Number).unwrap();
        assert_eq!(exact, Value::Number(Number::Int(9007199254740993)));
    }

    #[test]
    fn type_mismatches_name_the_path() {
        let ty = Type::object([("hosts", Type::list(Type::object([("ip", Type::String)])))]);
        let bad = Value::object([(
            "hosts",
            Value::List(vec![Value::object([("ip", Value::Bool(true))])]),
        )]);
        let err = encode_msgpack(&bad, &ty).unwrap_err();
        assert_eq!(err.path, "hosts[0].ip");
        let mut bytes = Vec::new();
        rmpv::encode::write_value(&mut bytes, &Mp::from(true)).unwrap();
        assert!(
            decode_msgpack(&bytes, &Type::String)
                .unwrap_err()
                .message
                .contains("expected string")
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(decode_msgpack(&[0xa5, b'a'], &Type::String).is_err());
        assert!(decode_msgpack(&[0x92, 0x01], &Type::list(Type::Number)).is_err());
        assert!(decode_msgpack(&[0xa1, b'a', 0x00], &Type::String).is_err());
    }

    #[test]
    fn json_input_is_accepted() {
        let ty = Type::object([
            ("id", Type::String),
            ("n", Type::Number),
            ("tags", Type::map(Type::String)),
            ("any", Type::Dynamic),
            ("gone", Type::Bool),
        ]);
        let v = decode_json(
            br#"{"id":"x","n":"12345678901234567890123","tags":{"a":"b"},"any":{"value":true,"type":"bool"}}"#,
            &ty,
        )
        .unwrap();
        assert_eq!(v.attr("id").as_str().known(), Some("x"));
        assert_eq!(
            v.attr("n"),
            &Value::Number(Number::Decimal("12345678901234567890123".into()))
        );
        assert_eq!(v.attr("tags").attr("a").as_str().known(), Some("b"));
        assert_eq!(v.attr("any"), &Value::Bool(true));
        assert_eq!(v.attr("gone"), &Value::Null);
        assert!(decode_json(b"{", &ty).is_err());
    }
}
