//! Compiles a parsed waiter path against the operation's types: every member resolved to a field,
//! every value given a static type, and whatever has no faithful compilation refused with a
//! sentence (the caller names the operation, waiter and acceptor).
//!
//! Static types follow the Smithy waiters spec's JMESPath data model: strings and enums are
//! strings, numbers and timestamps (epoch seconds) numbers, lists arrays, structures and maps
//! objects. Blobs, documents, unions and sparse collections are refused where a path reads them.

use std::cell::Cell;
use std::collections::BTreeMap;

use serde_json::Value;

use super::jmespath::Ast;
use crate::ir::waiter::{Comparator, CompareOp, Conv, Literal, Path};
use crate::ir::{Named, PathStep, Presence, Structure, Type, TypeRef};

/// The static type of a path value.
#[derive(Debug, Clone)]
enum Ty<'a> {
    Struct(&'a Structure),
    Str,
    Num,
    Bool,
    Array(Box<Ty<'a>>),
    /// A map, with its values' type and how a stored value becomes one.
    Map(Box<Ty<'a>>, Conv),
    /// The root of an `inputOutput` path: `input` and `output`.
    InputOutput,
}

impl Ty<'_> {
    fn describe(&self) -> String {
        match self {
            Ty::Struct(s) => format!("the structure `{}`", s.id),
            Ty::Str => "a string".to_owned(),
            Ty::Num => "a number".to_owned(),
            Ty::Bool => "a boolean".to_owned(),
            Ty::Array(item) => format!("an array of {}", item.describe_plural()),
            Ty::Map(..) => "a map".to_owned(),
            Ty::InputOutput => "the `inputOutput` root".to_owned(),
        }
    }

    fn describe_plural(&self) -> String {
        match self {
            Ty::Struct(s) => format!("`{}` structures", s.id),
            Ty::Str => "strings".to_owned(),
            Ty::Num => "numbers".to_owned(),
            Ty::Bool => "booleans".to_owned(),
            Ty::Array(_) => "arrays".to_owned(),
            Ty::Map(..) => "maps".to_owned(),
            Ty::InputOutput => "roots".to_owned(),
        }
    }

    /// Values with JMESPath truthiness the runtime implements.
    fn has_truthiness(&self) -> bool {
        matches!(
            self,
            Ty::Str | Ty::Num | Ty::Bool | Ty::Array(_) | Ty::Map(..)
        )
    }

    fn is_array(&self) -> bool {
        matches!(self, Ty::Array(_))
    }
}

/// Where a path starts: the output (`output` matchers) or `input` and `output` (`inputOutput`).
pub(super) enum Root<'a> {
    Output(&'a Structure),
    InputOutput {
        input: &'a Structure,
        output: &'a Structure,
    },
}

/// Compiles `ast` for `comparator`. Returns the path and whether it reads the input.
pub(super) fn compile(
    named: &BTreeMap<TypeRef, Named<'_>>,
    root: &Root<'_>,
    ast: &Ast,
    comparator: &Comparator,
) -> Result<(Path, bool), String> {
    let compiler = Compiler {
        named,
        root,
        reads_input: Cell::new(false),
    };
    let root_ty = match root {
        Root::Output(output) => Ty::Struct(output),
        Root::InputOutput { .. } => Ty::InputOutput,
    };
    let (path, ty) = compiler.compile(ast, Path::Current { clone: false }, &root_ty)?;
    let fits = match (comparator, &ty) {
        (Comparator::StringEquals(_), Ty::Str) | (Comparator::BooleanEquals(_), Ty::Bool) => true,
        (Comparator::AllStringEquals(_) | Comparator::AnyStringEquals(_), Ty::Array(item)) => {
            matches!(**item, Ty::Str)
        }
        _ => false,
    };
    if !fits {
        let (name, wants) = match comparator {
            Comparator::StringEquals(_) => ("stringEquals", "a string"),
            Comparator::BooleanEquals(_) => ("booleanEquals", "a boolean"),
            Comparator::AllStringEquals(_) => ("allStringEquals", "an array of strings"),
            Comparator::AnyStringEquals(_) => ("anyStringEquals", "an array of strings"),
        };
        return Err(format!(
            "`{name}` compares {wants}, and the path gives {}",
            ty.describe()
        ));
    }
    Ok((path, compiler.reads_input.get()))
}

struct Compiler<'a, 'n> {
    named: &'n BTreeMap<TypeRef, Named<'a>>,
    root: &'n Root<'a>,
    reads_input: Cell<bool>,
}

impl<'a> Compiler<'a, '_> {
    /// The path and type of `ast` evaluated on `current` (of type `ty`).
    fn compile(&self, ast: &Ast, current: Path, ty: &Ty<'a>) -> Result<(Path, Ty<'a>), String> {
        match ast {
            Ast::Identity => Ok((current, ty.clone())),
            Ast::Field(name) => self.field(name, current, ty),
            Ast::Sub(left, right) | Ast::Pipe(left, right) => {
                let (path, ty) = self.compile(left, current, ty)?;
                self.compile(right, path, &ty)
            }
            Ast::Index(left, index) => {
                let (path, ty) = self.compile(left, current, ty)?;
                let Ty::Array(item) = ty else {
                    return Err(format!(
                        "`[{index}]` indexes {}, not an array",
                        ty.describe()
                    ));
                };
                Ok((
                    Path::Index {
                        of: Box::new(path),
                        index: *index,
                    },
                    *item,
                ))
            }
            Ast::Projection(left, right) => {
                let (path, ty) = self.compile(left, current, ty)?;
                let Ty::Array(item) = ty else {
                    return Err(format!(
                        "a projection reads {}, not an array",
                        ty.describe()
                    ));
                };
                if **right == Ast::Identity {
                    return Ok((path, Ty::Array(item)));
                }
                let element = Path::Current {
                    clone: item.is_array(),
                };
                let (then, then_ty) = self.compile(right, element, &item)?;
                Ok((
                    Path::Project {
                        of: Box::new(path),
                        then: Box::new(then),
                    },
                    Ty::Array(Box::new(then_ty)),
                ))
            }
            Ast::Flatten(left) => {
                let (path, ty) = self.compile(left, current, ty)?;
                match ty {
                    Ty::Array(item) => match *item {
                        Ty::Array(inner) => Ok((Path::Flatten(Box::new(path)), Ty::Array(inner))),
                        item => Ok((path, Ty::Array(Box::new(item)))),
                    },
                    other => Err(format!("`[]` flattens {}, not an array", other.describe())),
                }
            }
            Ast::ValueProjection(left, right) => {
                let (path, ty) = self.compile(left, current, ty)?;
                let Ty::Map(value, conv) = ty else {
                    return Err(format!(
                        "`*` projects the values of {}; only maps are supported",
                        ty.describe()
                    ));
                };
                let element = Path::Current {
                    clone: value.is_array(),
                };
                let (then, then_ty) = self.compile(right, element, &value)?;
                Ok((
                    Path::Values {
                        of: Box::new(path),
                        conv,
                        then: Box::new(then),
                    },
                    Ty::Array(Box::new(then_ty)),
                ))
            }
            Ast::Filter {
                left,
                condition,
                right,
            } => {
                let (path, ty) = self.compile(left, current, ty)?;
                let Ty::Array(item) = ty else {
                    return Err(format!("a filter reads {}, not an array", ty.describe()));
                };
                let element = || Path::Current {
                    clone: item.is_array(),
                };
                let (cond, cond_ty) = self.compile(condition, element(), &item)?;
                if !cond_ty.has_truthiness() {
                    return Err(format!(
                        "a filter condition gives {}, which has no truth value here",
                        cond_ty.describe()
                    ));
                }
                let (then, then_ty) = self.compile(right, element(), &item)?;
                Ok((
                    Path::Filter {
                        of: Box::new(path),
                        cond: Box::new(cond),
                        then: Box::new(then),
                    },
                    Ty::Array(Box::new(then_ty)),
                ))
            }
            Ast::Literal(value) => literal(value),
            Ast::Compare(op, left, right) => {
                let (left, left_ty) = self.compile(left, current.clone(), ty)?;
                let (right, right_ty) = self.compile(right, current, ty)?;
                let fits = match op {
                    CompareOp::Eq | CompareOp::Ne => matches!(
                        (&left_ty, &right_ty),
                        (Ty::Str, Ty::Str) | (Ty::Num, Ty::Num) | (Ty::Bool, Ty::Bool)
                    ),
                    _ => matches!((&left_ty, &right_ty), (Ty::Num, Ty::Num)),
                };
                if !fits {
                    return Err(format!(
                        "`{}` compares {} with {}; supported are strings, numbers or booleans with their own kind (and only numbers are ordered)",
                        op_text(*op),
                        left_ty.describe(),
                        right_ty.describe()
                    ));
                }
                Ok((
                    Path::Compare {
                        op: *op,
                        left: Box::new(left),
                        right: Box::new(right),
                    },
                    Ty::Bool,
                ))
            }
            Ast::And(left, right) | Ast::Or(left, right) => {
                let (l, left_ty) = self.compile(left, current.clone(), ty)?;
                let (r, right_ty) = self.compile(right, current, ty)?;
                if !matches!((&left_ty, &right_ty), (Ty::Bool, Ty::Bool)) {
                    let op = if matches!(ast, Ast::And(..)) {
                        "&&"
                    } else {
                        "||"
                    };
                    return Err(format!(
                        "`{op}` joins {} and {}; only booleans are supported",
                        left_ty.describe(),
                        right_ty.describe()
                    ));
                }
                let (l, r) = (Box::new(l), Box::new(r));
                let path = if matches!(ast, Ast::And(..)) {
                    Path::And(l, r)
                } else {
                    Path::Or(l, r)
                };
                Ok((path, Ty::Bool))
            }
            Ast::Not(inner) => {
                let (path, inner_ty) = self.compile(inner, current, ty)?;
                if !inner_ty.has_truthiness() {
                    return Err(format!(
                        "`!` negates {}, which has no truth value here",
                        inner_ty.describe()
                    ));
                }
                Ok((Path::Not(Box::new(path)), Ty::Bool))
            }
            Ast::Function(name, args) => {
                if name != "length" {
                    return Err(format!(
                        "the function `{name}` is not supported (only `length` is)"
                    ));
                }
                let [arg] = args.as_slice() else {
                    return Err(format!("`length` takes 1 argument, not {}", args.len()));
                };
                let (path, arg_ty) = self.compile(arg, current, ty)?;
                if !matches!(arg_ty, Ty::Str | Ty::Array(_) | Ty::Map(..)) {
                    return Err(format!(
                        "`length` measures strings, arrays and maps, not {}",
                        arg_ty.describe()
                    ));
                }
                Ok((Path::Length(Box::new(path)), Ty::Num))
            }
        }
    }

    fn field(&self, name: &str, current: Path, ty: &Ty<'a>) -> Result<(Path, Ty<'a>), String> {
        match ty {
            Ty::Struct(structure) => {
                let Some(field) = structure.fields.iter().find(|f| f.wire_name == name) else {
                    return Err(format!("`{}` has no member `{name}`", structure.id));
                };
                let (ty, conv) = self
                    .stored(&field.ty)
                    .map_err(|why| format!("`{}${name}` is {why}", structure.id))?;
                let step = PathStep {
                    ident: field.ident.clone(),
                    optional: field.presence == Presence::Optional,
                    boxed: field.boxed,
                };
                Ok((
                    Path::Field {
                        of: Box::new(current),
                        step,
                        conv,
                    },
                    ty,
                ))
            }
            Ty::Map(value, conv) => Ok((
                Path::Key {
                    of: Box::new(current),
                    key: name.to_owned(),
                    conv: conv.clone(),
                },
                (**value).clone(),
            )),
            Ty::InputOutput => match (name, self.root) {
                ("input", Root::InputOutput { input, .. }) => {
                    self.reads_input.set(true);
                    Ok((Path::Input, Ty::Struct(input)))
                }
                ("output", Root::InputOutput { output, .. }) => {
                    Ok((Path::Output, Ty::Struct(output)))
                }
                _ => Err(format!(
                    "an `inputOutput` path reads `input` or `output`, not `{name}`"
                )),
            },
            other => Err(format!(
                "`{name}` is read from {}, which has no members",
                other.describe()
            )),
        }
    }

    /// The static type of a stored value of `ty`, and how it becomes a path value; or what it
    /// is, for the refusal.
    fn stored(&self, ty: &Type) -> Result<(Ty<'a>, Conv), String> {
        Ok(match ty {
            Type::String => (Ty::Str, Conv::Str),
            Type::Bool => (Ty::Bool, Conv::Bool),
            Type::I8 | Type::I16 | Type::I32 | Type::F32 => (Ty::Num, Conv::Widen),
            Type::I64 => (Ty::Num, Conv::I64),
            Type::F64 => (Ty::Num, Conv::F64),
            Type::Timestamp { .. } => (Ty::Num, Conv::Timestamp),
            Type::Blob => return Err("a blob, which waiter paths do not support".to_owned()),
            Type::ByteStream => {
                return Err("a stream, which waiter paths do not support".to_owned())
            }
            Type::Document => {
                return Err("a document, which waiter paths do not support".to_owned())
            }
            Type::List { sparse: true, .. } | Type::Map { sparse: true, .. } => {
                return Err("a sparse collection, which waiter paths do not support".to_owned())
            }
            Type::List { item, .. } => {
                let (item_ty, item_conv) = self.stored(item)?;
                (
                    Ty::Array(Box::new(item_ty)),
                    Conv::List(Box::new(item_conv)),
                )
            }
            Type::Map { value, .. } => {
                let (value_ty, value_conv) = self.stored(value)?;
                (Ty::Map(Box::new(value_ty), value_conv), Conv::Same)
            }
            Type::Named(path) => match self.named.get(path) {
                Some(Named::Structure(s)) => (Ty::Struct(s), Conv::Same),
                Some(Named::Enum(e)) if e.int => (Ty::Num, Conv::IntEnum),
                Some(Named::Enum(_)) => (Ty::Str, Conv::Str),
                Some(Named::Union(u)) => {
                    return Err(format!(
                        "the union `{}`, which waiter paths do not support",
                        u.name
                    ))
                }
                None => return Err(format!("`{}`, a type this crate lacks", path.name)),
            },
        })
    }
}

fn literal<'a>(value: &Value) -> Result<(Path, Ty<'a>), String> {
    match value {
        Value::String(s) => Ok((Path::Literal(Literal::String(s.clone())), Ty::Str)),
        Value::Bool(b) => Ok((Path::Literal(Literal::Bool(*b)), Ty::Bool)),
        Value::Number(n) => match n.as_f64() {
            Some(n) if n.is_finite() => Ok((Path::Literal(Literal::Number(n)), Ty::Num)),
            _ => Err(format!("the literal `{n}` is not a finite number")),
        },
        other => Err(format!(
            "the literal `{other}` is not supported (only strings, numbers and booleans are)"
        )),
    }
}

fn op_text(op: CompareOp) -> &'static str {
    match op {
        CompareOp::Eq => "==",
        CompareOp::Ne => "!=",
        CompareOp::Lt => "<",
        CompareOp::Le => "<=",
        CompareOp::Gt => ">",
        CompareOp::Ge => ">=",
    }
}
