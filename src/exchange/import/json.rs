//! Strict JSON for import lines: a value whose objects never repeat a key.
//!
//! `serde_json` keeps the last of two equal keys, so `{"date":"2024-01-01",...,
//! "date":"2023-01-01"}` would import silently as 2023. An export file is written by a
//! program that never repeats a key; a repeated one means a hand-edited or damaged file,
//! and it is rejected, naming the key.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// What reading a line found wrong.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Bad {
    /// Not JSON at all: serde_json's message.
    Syntax(String),
    /// An object repeats this key.
    DuplicateKey(String),
}

/// The marker that tells a repeated key from other errors in serde_json's message.
const DUPLICATE: &str = "duplicate key \u{1f}";

/// Reads one JSON value, refusing an object that repeats a key (at any depth).
pub(crate) fn value(bytes: &[u8]) -> Result<Value, Bad> {
    match serde_json::from_slice::<Unique>(bytes) {
        Ok(Unique(v)) => Ok(v),
        Err(e) => {
            let text = e.to_string();
            match text.strip_prefix(DUPLICATE) {
                Some(rest) => {
                    let key = rest.split('\u{1f}').next().unwrap_or_default();
                    Err(Bad::DuplicateKey(key.to_string()))
                }
                None => Err(Bad::Syntax(text)),
            }
        }
    }
}

struct Unique(Value);

impl<'de> Deserialize<'de> for Unique {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UniqueVisitor).map(Unique)
    }
}

struct UniqueVisitor;

impl<'de> Visitor<'de> for UniqueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Unique::deserialize(d).map(|u| u.0)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Unique(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!("{DUPLICATE}{key}\u{1f}")));
            }
            let Unique(v) = map.next_value()?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_key_is_named_at_any_depth() {
        assert_eq!(
            value(br#"{"date":"2024-01-01","hour":9,"date":"2023-01-01"}"#),
            Err(Bad::DuplicateKey("date".into()))
        );
        assert_eq!(
            value(br#"{"period":{"from":"2024-01-01","from":"2024-01-02"}}"#),
            Err(Bad::DuplicateKey("from".into()))
        );
        assert_eq!(
            value(br#"[{"a":1},{"b":2,"b":3}]"#),
            Err(Bad::DuplicateKey("b".into()))
        );
    }

    #[test]
    fn values_read_as_serde_json_reads_them() {
        for text in [
            r#"{"record":"access","reasons":["casa","lavoro"],"hour":null,"first_access":true}"#,
            r#"{"n":-3,"big":18446744073709551615,"f":1.5,"s":"\u00e8 \"q\""}"#,
            r#"[]"#,
            r#"{"a":{"b":{"c":[1,{"d":false}]}}}"#,
        ] {
            let expected: Value = serde_json::from_str(text).unwrap();
            assert_eq!(value(text.as_bytes()), Ok(expected), "{text}");
        }
    }

    #[test]
    fn other_errors_are_syntax_errors() {
        for text in ["", "{", r#"{"a":}"#, "nul", r#"{"a":1}x"#] {
            assert!(
                matches!(value(text.as_bytes()), Err(Bad::Syntax(_))),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_key_with_the_marker_character_cannot_fake_a_duplicate() {
        let text = "{\"duplicate key \\u001fx\":1}";
        assert!(value(text.as_bytes()).is_ok());
    }
}
