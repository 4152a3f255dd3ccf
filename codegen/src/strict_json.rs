//! JSON text to a [`serde_json::Value`], refusing an object that repeats a key.
//!
//! `serde_json::from_str::<Value>` keeps the last of two equal keys without a word, so a model
//! that defines `ns#Widget` twice (a merge gone wrong, a copy and paste) would silently lose the
//! first definition. Here the second one is an error that names the key, and serde_json adds its
//! line and column. Depth stays bounded by serde_json's own recursion limit (128), which applies
//! to this visitor as it does to `Value`'s.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Parses `text` as JSON like `serde_json::from_str::<Value>`, but fails on duplicate keys.
pub fn from_str(text: &str) -> serde_json::Result<Value> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = StrictValue.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// Seed for one value, at any depth.
struct StrictValue;

impl<'de> DeserializeSeed<'de> for StrictValue {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
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
        // serde_json never hands over a non-finite number; `Null` is what `Value` would keep.
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
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

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(StrictValue)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "the key `{key}` appears twice in one object"
                )));
            }
            let value = map.next_value_seed(StrictValue)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::from_str;

    #[test]
    fn parses_like_serde_json() {
        let text = r#"{"a": [1, -2, 3.5, "x", true, null, {}], "b": {"c": {"d": []}}}"#;
        let expected: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(from_str(text).unwrap(), expected);
    }

    #[test]
    fn a_repeated_key_is_refused_with_its_name_and_place() {
        let text = "{\n  \"shapes\": {\n    \"a#B\": {},\n    \"a#B\": {}\n  }\n}";
        let error = from_str(text).unwrap_err().to_string();
        assert_eq!(
            error,
            "the key `a#B` appears twice in one object at line 4 column 9"
        );
    }

    #[test]
    fn trailing_text_and_deep_nesting_are_refused() {
        assert!(from_str("{} x").is_err());
        let deep = "[".repeat(100_000);
        let error = from_str(&deep).unwrap_err().to_string();
        assert!(error.contains("recursion limit"), "{error}");
    }
}
