//! The lowered `smithy.waiters#waitable` waiters: names chosen, acceptors checked, and each
//! acceptor's JMESPath compiled against the operation's types into a [`Path`] the emitter turns
//! into Rust (see `codegen/runtime/src/waiter/path.rs` for the semantics it relies on).

use super::{Crate, PathStep};

/// One waiter of an operation, `crate::waiters::<module>`.
#[derive(Debug, Clone)]
pub struct Waiter {
    /// The waiter's name in the model, e.g. `TableExists`.
    pub name: String,
    /// Its module under `crate::waiters`, e.g. `table_exists`.
    pub module: String,
    /// The client method that starts it, e.g. `wait_until_table_exists`.
    pub fn_name: String,
    /// The fluent builder, e.g. `TableExistsFluentBuilder`.
    pub fluent: String,
    /// The success type alias, e.g. `TableExistsFinalPoll`.
    pub final_poll: String,
    /// The error type alias, e.g. `WaitUntilTableExistsError`.
    pub error: String,
    /// The builder method that waits, `wait` unless a member's builder method has that name.
    pub wait_fn: String,
    /// The operation it polls: an index into `Crate::operations`.
    pub operation: usize,
    pub docs: Option<String>,
    pub deprecated: bool,
    /// Seconds.
    pub min_delay: u64,
    /// Seconds.
    pub max_delay: u64,
    pub acceptors: Vec<Acceptor>,
}

impl Crate {
    /// True when some operation has a waiter: the crate has `crate::waiters` and uses the
    /// runtime's `waiter` module.
    pub fn has_waiters(&self) -> bool {
        !self.waiters.is_empty()
    }
}

/// One acceptor, in the model's order.
#[derive(Debug, Clone)]
pub struct Acceptor {
    pub state: AcceptorState,
    pub matcher: Matcher,
    /// The matcher as text for messages and docs, e.g. ``output `Table.TableStatus` stringEquals "ACTIVE"``.
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptorState {
    Success,
    Failure,
    Retry,
}

#[derive(Debug, Clone)]
pub enum Matcher {
    /// `success`: the call succeeded (`true`) or failed with any error (`false`).
    Success(bool),
    /// `errorType`: the operation's error variant of that name, or, for an error the model does
    /// not list, any error with that code.
    ErrorType {
        code: String,
        variant: Option<String>,
    },
    /// `output` (the path starts at the output) or `inputOutput` (at `input` and `output`).
    Path {
        path: Path,
        /// The path reads the input (an `inputOutput` matcher that names `input`).
        reads_input: bool,
        comparator: Comparator,
    },
}

/// A comparator of a path matcher, with its expected value.
#[derive(Debug, Clone, PartialEq)]
#[expect(
    clippy::enum_variant_names,
    reason = "the comparators' names in the Smithy waiters spec"
)]
pub enum Comparator {
    StringEquals(String),
    BooleanEquals(bool),
    AllStringEquals(String),
    AnyStringEquals(String),
}

/// A compiled JMESPath expression. In generated code each is an expression of type
/// `Option<T>` (`None` is JMESPath's `null`), `T` being `&str`, `f64`, `bool`, a reference to a
/// structure or map, or a `Vec` of such values.
#[derive(Debug, Clone)]
pub enum Path {
    /// The value in scope: the output, or an element inside a projection or filter (`current`
    /// in generated code). `clone` when it is a `Vec`, used more than once.
    Current {
        clone: bool,
    },
    /// `input` of an `inputOutput` path.
    Input,
    /// `output` of an `inputOutput` path.
    Output,
    /// A structure member.
    Field {
        of: Box<Path>,
        step: PathStep,
        conv: Conv,
    },
    /// A map entry by key.
    Key {
        of: Box<Path>,
        key: String,
        conv: Conv,
    },
    /// `[n]` of an array.
    Index {
        of: Box<Path>,
        index: i64,
    },
    /// A projection: `then` for each element of an array (in scope as `current`).
    Project {
        of: Box<Path>,
        then: Box<Path>,
    },
    /// `*` on a map: `then` for each value, turned into a path value by `conv`.
    Values {
        of: Box<Path>,
        conv: Conv,
        then: Box<Path>,
    },
    /// `[]` on an array of arrays.
    Flatten(Box<Path>),
    /// `[?cond]`: the elements for which `cond` is truthy, each projected by `then`.
    Filter {
        of: Box<Path>,
        cond: Box<Path>,
        then: Box<Path>,
    },
    Literal(Literal),
    Compare {
        op: CompareOp,
        left: Box<Path>,
        right: Box<Path>,
    },
    And(Box<Path>, Box<Path>),
    Or(Box<Path>, Box<Path>),
    Not(Box<Path>),
    /// `length()` of a string, array or map.
    Length(Box<Path>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    String(String),
    Number(f64),
    Bool(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// How a stored value (by reference) becomes a path value.
#[derive(Debug, Clone, PartialEq)]
pub enum Conv {
    /// A string or a string enum: `as_str()`.
    Str,
    /// `bool`: copied.
    Bool,
    /// An `f64`: copied.
    F64,
    /// A number that converts to `f64` losslessly (`i8`, `i16`, `i32`, `f32`): `f64::from`.
    Widen,
    /// An `i64`: `as f64` (JMESPath numbers are doubles).
    I64,
    /// An `intEnum`: `f64::from(as_i32())`.
    IntEnum,
    /// A timestamp: epoch seconds.
    Timestamp,
    /// A structure or map: the reference itself.
    Same,
    /// A list: a `Vec` of its elements, each converted.
    List(Box<Conv>),
}
