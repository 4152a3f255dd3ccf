//! A JMESPath parser (https://jmespath.org/specification.html) for waiter paths: the whole
//! grammar is recognised, and what `typing.rs` cannot compile (slices, multi-selects, expression
//! references) is refused here with a sentence that names it, never with a panic.
//!
//! A Pratt parser with the binding powers of the reference implementation (jmespath.py), so
//! projections stop where the specification says they do (`a[].b[]` is the flattened projection
//! of `a[].b`).

use serde_json::Value;

use crate::ir::waiter::CompareOp;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Ast {
    /// `@`, and the right side of a projection that has none.
    Identity,
    Field(String),
    /// `left.right`: `right` evaluated on the value of `left`.
    Sub(Box<Ast>, Box<Ast>),
    /// `left | right`.
    Pipe(Box<Ast>, Box<Ast>),
    Index(Box<Ast>, i64),
    /// `left[*].right`, `left[].right` (with `left` a `Flatten`).
    Projection(Box<Ast>, Box<Ast>),
    /// `left.*.right`.
    ValueProjection(Box<Ast>, Box<Ast>),
    Flatten(Box<Ast>),
    /// `left[?condition].right`.
    Filter {
        left: Box<Ast>,
        condition: Box<Ast>,
        right: Box<Ast>,
    },
    Literal(Value),
    Compare(CompareOp, Box<Ast>, Box<Ast>),
    And(Box<Ast>, Box<Ast>),
    Or(Box<Ast>, Box<Ast>),
    Not(Box<Ast>),
    Function(String, Vec<Ast>),
}

/// Parses `text`; the error is a sentence (a syntax error with its position, or a construct
/// waiters do not support).
pub fn parse(text: &str) -> Result<Ast, String> {
    let tokens = lex(text)?;
    let mut parser = Parser {
        tokens,
        at: 0,
        nodes: 0,
    };
    let ast = parser.expression(0)?;
    match parser.peek() {
        Tok::Eof => Ok(ast),
        other => Err(parser.unexpected(other)),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Quoted(String),
    Number(i64),
    Literal(Value),
    Dot,
    Star,
    LBracket,
    RBracket,
    /// `[]`.
    Flatten,
    /// `[?`.
    Filter,
    LBrace,
    RBrace,
    LParen,
    RParen,
    Comma,
    Colon,
    Pipe,
    Or,
    And,
    Not,
    Cmp(CompareOp),
    At,
    /// `&`, an expression reference.
    Ampersand,
    Eof,
}

impl Tok {
    /// Binding powers from jmespath.py.
    fn power(&self) -> u8 {
        match self {
            Tok::Pipe => 1,
            Tok::Or => 2,
            Tok::And => 3,
            Tok::Cmp(_) => 5,
            Tok::Flatten => 9,
            Tok::Star => 20,
            Tok::Filter => 21,
            Tok::Dot => 40,
            Tok::Not => 45,
            Tok::LBrace => 50,
            Tok::LBracket => 55,
            Tok::LParen => 60,
            _ => 0,
        }
    }

    fn describe(&self) -> String {
        match self {
            Tok::Ident(name) => format!("`{name}`"),
            Tok::Quoted(name) => format!("`\"{name}\"`"),
            Tok::Number(n) => format!("`{n}`"),
            Tok::Literal(value) => format!("the literal `{value}`"),
            Tok::Eof => "the end".to_owned(),
            other => format!("`{}`", symbol(other)),
        }
    }
}

fn symbol(tok: &Tok) -> &'static str {
    match tok {
        Tok::Dot => ".",
        Tok::Star => "*",
        Tok::LBracket => "[",
        Tok::RBracket => "]",
        Tok::Flatten => "[]",
        Tok::Filter => "[?",
        Tok::LBrace => "{",
        Tok::RBrace => "}",
        Tok::LParen => "(",
        Tok::RParen => ")",
        Tok::Comma => ",",
        Tok::Colon => ":",
        Tok::Pipe => "|",
        Tok::Or => "||",
        Tok::And => "&&",
        Tok::Not => "!",
        Tok::At => "@",
        Tok::Ampersand => "&",
        Tok::Cmp(CompareOp::Eq) => "==",
        Tok::Cmp(CompareOp::Ne) => "!=",
        Tok::Cmp(CompareOp::Lt) => "<",
        Tok::Cmp(CompareOp::Le) => "<=",
        Tok::Cmp(CompareOp::Gt) => ">",
        Tok::Cmp(CompareOp::Ge) => ">=",
        _ => "?",
    }
}

/// Where projections stop: tokens binding less tightly than this end a projection's right side.
const PROJECTION_STOP: u8 = 10;

fn lex(text: &str) -> Result<Vec<(usize, Tok)>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let next = chars.get(i + 1).copied();
        let (tok, len) = match c {
            ' ' | '\t' | '\n' | '\r' => {
                i += 1;
                continue;
            }
            '.' => (Tok::Dot, 1),
            '*' => (Tok::Star, 1),
            ']' => (Tok::RBracket, 1),
            '{' => (Tok::LBrace, 1),
            '}' => (Tok::RBrace, 1),
            '(' => (Tok::LParen, 1),
            ')' => (Tok::RParen, 1),
            ',' => (Tok::Comma, 1),
            ':' => (Tok::Colon, 1),
            '@' => (Tok::At, 1),
            '[' if next == Some(']') => (Tok::Flatten, 2),
            '[' if next == Some('?') => (Tok::Filter, 2),
            '[' => (Tok::LBracket, 1),
            '|' if next == Some('|') => (Tok::Or, 2),
            '|' => (Tok::Pipe, 1),
            '&' if next == Some('&') => (Tok::And, 2),
            '&' => (Tok::Ampersand, 1),
            '!' if next == Some('=') => (Tok::Cmp(CompareOp::Ne), 2),
            '!' => (Tok::Not, 1),
            '=' if next == Some('=') => (Tok::Cmp(CompareOp::Eq), 2),
            '<' if next == Some('=') => (Tok::Cmp(CompareOp::Le), 2),
            '<' => (Tok::Cmp(CompareOp::Lt), 1),
            '>' if next == Some('=') => (Tok::Cmp(CompareOp::Ge), 2),
            '>' => (Tok::Cmp(CompareOp::Gt), 1),
            '"' => {
                let (body, end) = delimited(&chars, i, '"')?;
                let name: String = serde_json::from_str(&format!("\"{body}\""))
                    .map_err(|_| format!("the quoted name at {i} is not a valid JSON string"))?;
                (Tok::Quoted(name), end - i)
            }
            '\'' => {
                let (body, end) = delimited(&chars, i, '\'')?;
                (
                    Tok::Literal(Value::String(body.replace("\\'", "'"))),
                    end - i,
                )
            }
            '`' => {
                let (body, end) = delimited(&chars, i, '`')?;
                let body = body.replace("\\`", "`");
                // Like jmespath.py, a literal that is not JSON is read as a string (the legacy form).
                let value = serde_json::from_str(body.trim())
                    .unwrap_or_else(|_| Value::String(body.trim().to_owned()));
                (Tok::Literal(value), end - i)
            }
            '-' | '0'..='9' => {
                let mut end = i + 1;
                while end < chars.len() && chars[end].is_ascii_digit() {
                    end += 1;
                }
                let digits: String = chars[i..end].iter().collect();
                let n = digits.parse().map_err(|_| {
                    format!("`{digits}` at {i} is not a number JMESPath can index with")
                })?;
                (Tok::Number(n), end - i)
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut end = i + 1;
                while end < chars.len() && (chars[end].is_ascii_alphanumeric() || chars[end] == '_')
                {
                    end += 1;
                }
                (Tok::Ident(chars[i..end].iter().collect()), end - i)
            }
            other => return Err(format!("unexpected character `{other}` at {i}")),
        };
        tokens.push((start, tok));
        i += len;
    }
    tokens.push((chars.len(), Tok::Eof));
    Ok(tokens)
}

/// The text between `chars[start]` and the next unescaped `quote`, and the index after it.
fn delimited(chars: &[char], start: usize, quote: char) -> Result<(String, usize), String> {
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            c if c == quote => return Ok((chars[start + 1..i].iter().collect(), i + 1)),
            _ => i += 1,
        }
    }
    Err(format!("the `{quote}` at {start} is never closed"))
}

/// The most parts (names, operators, literals, ...) a path may have. AWS's paths have a few
/// dozen at most; the cap bounds the recursion of the parser, the compiler and the emitter (and
/// syn's, on the generated code), so a hostile model cannot overflow a stack.
pub const MAX_PARTS: usize = 100;

struct Parser {
    tokens: Vec<(usize, Tok)>,
    at: usize,
    /// The parts parsed so far (calls of `nud` and `led`), against [`MAX_PARTS`].
    nodes: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.tokens[self.at.min(self.tokens.len() - 1)].1
    }

    fn peek_at(&self, ahead: usize) -> &Tok {
        &self.tokens[(self.at + ahead).min(self.tokens.len() - 1)].1
    }

    fn next(&mut self) -> Tok {
        let tok = self.peek().clone();
        if self.at < self.tokens.len() - 1 {
            self.at += 1;
        }
        tok
    }

    fn position(&self) -> usize {
        self.tokens[self.at.min(self.tokens.len() - 1)].0
    }

    fn unexpected(&self, tok: &Tok) -> String {
        format!("unexpected {} at {}", tok.describe(), self.position())
    }

    fn expect(&mut self, tok: Tok) -> Result<(), String> {
        if *self.peek() == tok {
            self.next();
            Ok(())
        } else {
            Err(format!(
                "expected `{}` at {}, found {}",
                symbol(&tok),
                self.position(),
                self.peek().describe()
            ))
        }
    }

    fn expression(&mut self, power: u8) -> Result<Ast, String> {
        let tok = self.next();
        let mut left = self.nud(tok)?;
        while power < self.peek().power() {
            let tok = self.next();
            left = self.led(tok, left)?;
        }
        Ok(left)
    }

    /// Counts one more part; an error past [`MAX_PARTS`].
    fn count(&mut self) -> Result<(), String> {
        self.nodes += 1;
        if self.nodes > MAX_PARTS {
            return Err(format!("the path has more than {MAX_PARTS} parts"));
        }
        Ok(())
    }

    fn nud(&mut self, tok: Tok) -> Result<Ast, String> {
        self.count()?;
        match tok {
            Tok::Ident(name) | Tok::Quoted(name) => Ok(Ast::Field(name)),
            Tok::Literal(value) => Ok(Ast::Literal(value)),
            Tok::At => Ok(Ast::Identity),
            Tok::Not => Ok(Ast::Not(Box::new(self.expression(Tok::Not.power())?))),
            Tok::Star => {
                let right = self.projection_rhs(Tok::Star.power())?;
                Ok(Ast::ValueProjection(
                    Box::new(Ast::Identity),
                    Box::new(right),
                ))
            }
            Tok::Flatten => {
                let right = self.projection_rhs(Tok::Flatten.power())?;
                Ok(Ast::Projection(
                    Box::new(Ast::Flatten(Box::new(Ast::Identity))),
                    Box::new(right),
                ))
            }
            Tok::Filter => self.filter(Ast::Identity),
            Tok::LBracket => self.bracket(Ast::Identity),
            Tok::LParen => {
                let inner = self.expression(0)?;
                self.expect(Tok::RParen)?;
                Ok(inner)
            }
            Tok::LBrace => Err("multi-select hashes (`{a: b}`) are not supported".to_owned()),
            Tok::Ampersand => Err("expression references (`&a`) are not supported".to_owned()),
            other => Err(self.unexpected_previous(&other)),
        }
    }

    fn unexpected_previous(&self, tok: &Tok) -> String {
        let position = self.tokens[self.at.saturating_sub(1)].0;
        format!("unexpected {} at {position}", tok.describe())
    }

    fn led(&mut self, tok: Tok, left: Ast) -> Result<Ast, String> {
        self.count()?;
        let power = tok.power();
        match tok {
            Tok::Dot => {
                if *self.peek() == Tok::Star {
                    self.next();
                    let right = self.projection_rhs(power)?;
                    return Ok(Ast::ValueProjection(Box::new(left), Box::new(right)));
                }
                let right = self.dot_rhs(power)?;
                Ok(Ast::Sub(Box::new(left), Box::new(right)))
            }
            Tok::Pipe => Ok(Ast::Pipe(Box::new(left), Box::new(self.expression(power)?))),
            Tok::Or => Ok(Ast::Or(Box::new(left), Box::new(self.expression(power)?))),
            Tok::And => Ok(Ast::And(Box::new(left), Box::new(self.expression(power)?))),
            Tok::Cmp(op) => Ok(Ast::Compare(
                op,
                Box::new(left),
                Box::new(self.expression(power)?),
            )),
            Tok::Flatten => {
                let right = self.projection_rhs(power)?;
                Ok(Ast::Projection(
                    Box::new(Ast::Flatten(Box::new(left))),
                    Box::new(right),
                ))
            }
            Tok::Filter => self.filter(left),
            Tok::LBracket => self.bracket(left),
            Tok::LParen => {
                let Ast::Field(name) = left else {
                    return Err(format!(
                        "`(` at {} does not follow a function name",
                        self.position()
                    ));
                };
                let mut args = Vec::new();
                while *self.peek() != Tok::RParen {
                    if !args.is_empty() {
                        self.expect(Tok::Comma)?;
                    }
                    args.push(self.expression(0)?);
                }
                self.next();
                Ok(Ast::Function(name, args))
            }
            other => Err(self.unexpected_previous(&other)),
        }
    }

    /// After `[` (not `[]` or `[?`): an index, a slice, `*]`, or a multi-select list.
    fn bracket(&mut self, left: Ast) -> Result<Ast, String> {
        match (self.peek().clone(), self.peek_at(1).clone()) {
            (Tok::Number(n), Tok::RBracket) => {
                self.next();
                self.next();
                Ok(Ast::Index(Box::new(left), n))
            }
            (Tok::Number(_), Tok::Colon) | (Tok::Colon, _) => {
                Err("slices (`[a:b]`) are not supported".to_owned())
            }
            (Tok::Number(_), _) => {
                self.next();
                Err(format!(
                    "expected `]` at {}, found {}",
                    self.position(),
                    self.peek().describe()
                ))
            }
            (Tok::Star, Tok::RBracket) => {
                self.next();
                self.next();
                let right = self.projection_rhs(Tok::Star.power())?;
                Ok(Ast::Projection(Box::new(left), Box::new(right)))
            }
            _ if left == Ast::Identity => {
                Err("multi-select lists (`[a, b]`) are not supported".to_owned())
            }
            (other, _) => Err(self.unexpected(&other)),
        }
    }

    /// After `[?`: the condition, `]`, and the projection's right side.
    fn filter(&mut self, left: Ast) -> Result<Ast, String> {
        let condition = self.expression(0)?;
        self.expect(Tok::RBracket)?;
        let right = if *self.peek() == Tok::Flatten {
            Ast::Identity
        } else {
            self.projection_rhs(Tok::Filter.power())?
        };
        Ok(Ast::Filter {
            left: Box::new(left),
            condition: Box::new(condition),
            right: Box::new(right),
        })
    }

    /// What follows a `.`: a name (or a function call), or a multi-select.
    fn dot_rhs(&mut self, power: u8) -> Result<Ast, String> {
        match self.peek() {
            Tok::Ident(_) | Tok::Quoted(_) => self.expression(power),
            Tok::LBracket => Err("multi-select lists (`a.[b, c]`) are not supported".to_owned()),
            Tok::LBrace => Err("multi-select hashes (`a.{b: c}`) are not supported".to_owned()),
            other => Err(self.unexpected(&other.clone())),
        }
    }

    /// The right side of a projection: what applies to each element, up to the first token
    /// that binds less tightly than a projection.
    fn projection_rhs(&mut self, power: u8) -> Result<Ast, String> {
        match self.peek() {
            tok if tok.power() < PROJECTION_STOP => Ok(Ast::Identity),
            Tok::LBracket | Tok::Filter => self.expression(power),
            Tok::Dot => {
                self.next();
                self.dot_rhs(power)
            }
            other => Err(self.unexpected(&other.clone())),
        }
    }
}

#[cfg(test)]
mod tests;
