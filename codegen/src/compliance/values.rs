//! The values of compliance cases: a case's JSON `params` read as a value of an IR type, checked
//! against it (members, union variants, number ranges), with the IR's names for what the test
//! builds; and placeholder values for the inputs of response cases.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use crate::diagnostic::{Diagnostic, Result};
use crate::ir::{Crate, DocumentValue, Named, Presence, Structure, Type, TypeRef};

/// A typed Rust value of a test, as the emitter writes it: one variant per form of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    String(String),
    Bool(bool),
    I8(i8),
    I16(i16),
    I32(i32),
    I64(i64),
    /// Possibly `NaN` or infinite.
    F32(f32),
    /// Possibly `NaN` or infinite.
    F64(f64),
    /// An instant: seconds since the epoch and nanoseconds into the second.
    Timestamp {
        secs: i64,
        nanos: u32,
    },
    Blob(Vec<u8>),
    /// A `@streaming` blob's bytes, given as their text.
    Stream(Vec<u8>),
    Document(DocumentValue),
    List(Vec<Value>),
    /// Entries in the case's order.
    Map(Vec<(Value, Value)>),
    /// An item of a sparse list or map: `None` for `null`.
    Sparse(Option<Box<Value>>),
    /// A value boxed in a recursive union variant.
    Boxed(Box<Value>),
    StringEnum {
        path: TypeRef,
        value: String,
    },
    IntEnum {
        path: TypeRef,
        value: i32,
    },
    /// A structure made with its builder.
    Structure(Built),
    Union {
        path: TypeRef,
        /// The variant, by Rust name.
        variant: String,
        /// `None` for a variant without a value (targeting `smithy.api#Unit`).
        value: Option<Box<Value>>,
    },
    /// The zero of a type, for placeholders.
    Zero(Zero),
}

/// Types whose placeholder is written differently from a value of the case: an empty string
/// is `String::new()`, a zero float `0f32`, the epoch `DateTime::UNIX_EPOCH`, and an empty blob
/// `Blob::default()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zero {
    String,
    F32,
    F64,
    Timestamp,
    Blob,
    /// An empty `ByteStream`.
    Stream,
}

/// `Type::builder().member(..)...build()`.
#[derive(Debug, Clone, PartialEq)]
pub struct Built {
    pub path: TypeRef,
    /// The structure's name, for the message when building fails.
    pub name: String,
    /// `build()` returns a `Result`.
    pub fallible: bool,
    /// The builder methods called, with their values, in the case's order.
    pub setters: Vec<(String, Value)>,
}

/// Reads values of the crate's types.
pub struct Resolver<'a> {
    named: BTreeMap<TypeRef, Named<'a>>,
}

impl<'a> Resolver<'a> {
    pub fn new(krate: &'a Crate) -> Self {
        Self {
            named: krate.named_types(),
        }
    }

    pub fn named(&self, path: &TypeRef, at: &str) -> Result<Named<'a>> {
        self.named.get(path).copied().ok_or_else(|| {
            Diagnostic::at(
                at,
                format!("internal error: no generated type `{}`", path.name),
            )
        })
    }

    /// The value of type `ty` (no `Option`, no `Box`) that `value` stands for.
    pub fn value(&self, ty: &Type, value: &Json, at: &str) -> Result<Value> {
        let wrong = |expected: &str| {
            Diagnostic::at(
                at,
                format!(
                    "expected {expected}, found {}",
                    crate::ast::json_kind(value)
                ),
            )
        };
        match ty {
            Type::String => {
                let s = value.as_str().ok_or_else(|| wrong("a string"))?;
                Ok(Value::String(s.to_owned()))
            }
            Type::Bool => {
                let b = value.as_bool().ok_or_else(|| wrong("a boolean"))?;
                Ok(Value::Bool(b))
            }
            Type::I8 | Type::I16 | Type::I32 | Type::I64 => {
                let n = value.as_i64().ok_or_else(|| wrong("an integer"))?;
                let (suffix, value) = match ty {
                    Type::I8 => ("i8", i8::try_from(n).ok().map(Value::I8)),
                    Type::I16 => ("i16", i16::try_from(n).ok().map(Value::I16)),
                    Type::I32 => ("i32", i32::try_from(n).ok().map(Value::I32)),
                    _ => ("i64", Some(Value::I64(n))),
                };
                value.ok_or_else(|| wrong(&format!("an integer that fits `{suffix}`")))
            }
            Type::F32 | Type::F64 => {
                let f = match value {
                    Json::String(s) if s == "NaN" => f64::NAN,
                    Json::String(s) if s == "Infinity" => f64::INFINITY,
                    Json::String(s) if s == "-Infinity" => f64::NEG_INFINITY,
                    Json::Number(n) => {
                        let f = n.as_f64().ok_or_else(|| wrong("a number"))?;
                        if *ty == Type::F32 && !(f as f32).is_finite() {
                            return Err(wrong("a number that fits `f32`"));
                        }
                        f
                    }
                    _ => {
                        return Err(wrong(
                            "a number or one of `NaN`, `Infinity` and `-Infinity`",
                        ))
                    }
                };
                Ok(if *ty == Type::F32 {
                    Value::F32(f as f32)
                } else {
                    Value::F64(f)
                })
            }
            Type::Timestamp { .. } => {
                // Test cases give timestamps in epoch seconds.
                let n = match value {
                    Json::Number(n) => n,
                    _ => return Err(wrong("a number of epoch seconds")),
                };
                let time = match n.as_i64() {
                    Some(secs) => smithy_rust_runtime::primitives::DateTime::from_secs(secs),
                    None => n
                        .as_f64()
                        .and_then(|secs| {
                            smithy_rust_runtime::primitives::DateTime::parse(
                                &secs.to_string(),
                                smithy_rust_runtime::primitives::TimestampFormat::EpochSeconds,
                            )
                            .ok()
                        })
                        .ok_or_else(|| wrong("a number of epoch seconds in range"))?,
                };
                Ok(Value::Timestamp {
                    secs: time.secs(),
                    nanos: time.subsec_nanos(),
                })
            }
            Type::Blob => {
                // Test cases give blobs as the text of their bytes, not in base64.
                let s = value.as_str().ok_or_else(|| wrong("a string"))?;
                Ok(Value::Blob(s.as_bytes().to_vec()))
            }
            Type::ByteStream => {
                let s = value.as_str().ok_or_else(|| wrong("a string"))?;
                Ok(Value::Stream(s.as_bytes().to_vec()))
            }
            Type::Document => Ok(Value::Document(DocumentValue::from_json(value))),
            Type::List { item, sparse } => {
                let items = value.as_array().ok_or_else(|| wrong("a list"))?;
                let items = items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.maybe_null(item, *sparse, v, &format!("{at}[{i}]")))
                    .collect::<Result<Vec<_>>>()?;
                Ok(Value::List(items))
            }
            Type::Map {
                key,
                value: value_ty,
                sparse,
            } => {
                let map = value.as_object().ok_or_else(|| wrong("an object"))?;
                let entries = map
                    .iter()
                    .map(|(k, v)| {
                        let at = format!("{at}.{k}");
                        let key = self.value(key, &Json::String(k.clone()), &at)?;
                        let value = self.maybe_null(value_ty, *sparse, v, &at)?;
                        Ok((key, value))
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok(Value::Map(entries))
            }
            Type::Named(path) => match self.named(path, at)? {
                Named::Enum(e) if e.int => {
                    let n = value.as_i64().ok_or_else(|| wrong("an integer"))?;
                    let n = i32::try_from(n).map_err(|_| wrong("an integer that fits `i32`"))?;
                    Ok(Value::IntEnum {
                        path: path.clone(),
                        value: n,
                    })
                }
                Named::Enum(_) => {
                    let s = value.as_str().ok_or_else(|| wrong("a string"))?;
                    Ok(Value::StringEnum {
                        path: path.clone(),
                        value: s.to_owned(),
                    })
                }
                Named::Structure(s) => {
                    let object = value.as_object().ok_or_else(|| wrong("an object"))?;
                    self.structure(path, s, object, at)
                }
                Named::Union(u) => {
                    let object = value.as_object().ok_or_else(|| wrong("an object"))?;
                    let set: Vec<_> = object.iter().filter(|(_, v)| !v.is_null()).collect();
                    let [(member, member_value)] = set.as_slice() else {
                        return Err(Diagnostic::at(
                            at,
                            "a union value must set exactly one member",
                        ));
                    };
                    let variant = u
                        .variants
                        .iter()
                        .find(|v| &v.wire_name == *member)
                        .ok_or_else(|| {
                            Diagnostic::at(
                                at,
                                format!("the union `{}` has no member `{member}`", u.name),
                            )
                        })?;
                    let value = match &variant.ty {
                        None => None,
                        Some(ty) => {
                            let inner = self.value(ty, member_value, &format!("{at}.{member}"))?;
                            Some(Box::new(boxed(inner, variant.boxed)))
                        }
                    };
                    Ok(Value::Union {
                        path: path.clone(),
                        variant: variant.name.clone(),
                        value,
                    })
                }
            },
        }
    }

    /// A list item or map value: wrapped in [`Value::Sparse`] when the collection is sparse.
    fn maybe_null(&self, ty: &Type, sparse: bool, value: &Json, at: &str) -> Result<Value> {
        if !sparse {
            return self.value(ty, value, at);
        }
        if value.is_null() {
            return Ok(Value::Sparse(None));
        }
        let inner = self.value(ty, value, at)?;
        Ok(Value::Sparse(Some(Box::new(inner))))
    }

    /// The structure at `path` with the members `object` sets (`null` is absent).
    pub fn structure(
        &self,
        path: &TypeRef,
        s: &Structure,
        object: &Map<String, Json>,
        at: &str,
    ) -> Result<Value> {
        let mut setters = Vec::new();
        for (member, value) in object {
            if value.is_null() {
                continue;
            }
            let field = s
                .fields
                .iter()
                .find(|f| &f.wire_name == member)
                .ok_or_else(|| {
                    Diagnostic::at(
                        at,
                        format!("the structure `{}` has no member `{member}`", s.name),
                    )
                })?;
            let value = self.value(&field.ty, value, &format!("{at}.{member}"))?;
            setters.push((field.setter.clone(), value));
        }
        Ok(built(path, s, setters))
    }

    /// Some valid value of `ty`: required members get the zero of their type, optional ones
    /// are left out, unions take their first variant.
    fn placeholder(&self, ty: &Type, depth: usize, at: &str) -> Result<Value> {
        if depth > 32 {
            return Err(Diagnostic::at(
                at,
                "cannot make an input: its required members nest too deep",
            ));
        }
        Ok(match ty {
            Type::String => Value::Zero(Zero::String),
            Type::Bool => Value::Bool(false),
            Type::I8 => Value::I8(0),
            Type::I16 => Value::I16(0),
            Type::I32 => Value::I32(0),
            Type::I64 => Value::I64(0),
            Type::F32 => Value::Zero(Zero::F32),
            Type::F64 => Value::Zero(Zero::F64),
            Type::Timestamp { .. } => Value::Zero(Zero::Timestamp),
            Type::Blob => Value::Zero(Zero::Blob),
            Type::ByteStream => Value::Zero(Zero::Stream),
            Type::Document => Value::Document(DocumentValue::Null),
            Type::List { .. } => Value::List(Vec::new()),
            Type::Map { .. } => Value::Map(Vec::new()),
            Type::Named(path) => match self.named(path, at)? {
                Named::Enum(e) if e.int => Value::IntEnum {
                    path: path.clone(),
                    value: 0,
                },
                Named::Enum(_) => Value::StringEnum {
                    path: path.clone(),
                    value: String::new(),
                },
                Named::Structure(s) => self.placeholder_structure(path, s, depth, at)?,
                Named::Union(u) => {
                    let variant = u.variants.first().ok_or_else(|| {
                        Diagnostic::at(at, format!("the union `{}` has no members", u.name))
                    })?;
                    let value = match &variant.ty {
                        None => None,
                        Some(ty) => {
                            let inner = self.placeholder(ty, depth + 1, at)?;
                            Some(Box::new(boxed(inner, variant.boxed)))
                        }
                    };
                    Value::Union {
                        path: path.clone(),
                        variant: variant.name.clone(),
                        value,
                    }
                }
            },
        })
    }

    /// The structure at `path` with placeholders for its required members.
    pub fn placeholder_structure(
        &self,
        path: &TypeRef,
        s: &Structure,
        depth: usize,
        at: &str,
    ) -> Result<Value> {
        let mut setters = Vec::new();
        for field in s.fields.iter().filter(|f| f.presence == Presence::Required) {
            let value = self.placeholder(&field.ty, depth + 1, at)?;
            setters.push((field.setter.clone(), value));
        }
        Ok(built(path, s, setters))
    }
}

fn built(path: &TypeRef, s: &Structure, setters: Vec<(String, Value)>) -> Value {
    Value::Structure(Built {
        path: path.clone(),
        name: s.name.clone(),
        fallible: s.fallible_build,
        setters,
    })
}

fn boxed(value: Value, boxed: bool) -> Value {
    if boxed {
        Value::Boxed(Box::new(value))
    } else {
        value
    }
}
