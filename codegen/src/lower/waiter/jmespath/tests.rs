//! The parser's unit tests: precedence, projections, errors, size limits.

use super::*;

fn field(name: &str) -> Box<Ast> {
    Box::new(Ast::Field(name.to_owned()))
}

fn sub(a: Box<Ast>, b: Box<Ast>) -> Box<Ast> {
    Box::new(Ast::Sub(a, b))
}

#[test]
fn fields_and_subexpressions() {
    assert_eq!(
        parse("Table.TableStatus"),
        Ok(*sub(field("Table"), field("TableStatus")))
    );
    assert_eq!(parse("\"a b\".c"), Ok(*sub(field("a b"), field("c"))));
    assert_eq!(parse("  @ "), Ok(Ast::Identity));
}

/// `a[].b[]`: the projection `a[].b`, flattened; `a[*].b` projects without flattening.
#[test]
fn projections_stop_where_the_spec_says() {
    let flatten_a = Box::new(Ast::Flatten(field("a")));
    let inner = Box::new(Ast::Projection(flatten_a, field("b")));
    assert_eq!(
        parse("a[].b[]"),
        Ok(Ast::Projection(
            Box::new(Ast::Flatten(inner)),
            Box::new(Ast::Identity)
        ))
    );
    assert_eq!(
        parse("a[*].b.c"),
        Ok(Ast::Projection(field("a"), sub(field("b"), field("c"))))
    );
    assert_eq!(
        parse("m.*.s"),
        Ok(Ast::ValueProjection(field("m"), field("s")))
    );
    assert_eq!(parse("a[-1]"), Ok(Ast::Index(field("a"), -1)));
}

#[test]
fn filters_comparisons_and_functions() {
    let parsed =
        parse("length(Ds) > `0` && length(Ds[?S == 'OFF' || S == 'BAD']) == length(Ds)").unwrap();
    let Ast::And(left, right) = parsed else {
        panic!("{parsed:?}")
    };
    assert_eq!(
        *left,
        Ast::Compare(
            CompareOp::Gt,
            Box::new(Ast::Function(
                "length".to_owned(),
                vec![Ast::Field("Ds".to_owned())]
            )),
            Box::new(Ast::Literal(serde_json::json!(0)))
        )
    );
    let Ast::Compare(CompareOp::Eq, filtered, _) = *right else {
        panic!()
    };
    let Ast::Function(_, args) = *filtered else {
        panic!()
    };
    assert!(matches!(&args[0], Ast::Filter { right, .. } if **right == Ast::Identity));
    // `!` binds more tightly than `.` (as in jmespath.py and jmespath.js).
    assert_eq!(
        parse("!a.b"),
        Ok(*sub(Box::new(Ast::Not(field("a"))), field("b")))
    );
    assert_eq!(parse("!(a.b)"), Ok(Ast::Not(sub(field("a"), field("b")))));
    assert_eq!(parse("a | b"), Ok(Ast::Pipe(field("a"), field("b"))));
    // A literal that is not JSON is a string, as in jmespath.py.
    assert_eq!(
        parse("`ACTIVE`"),
        Ok(Ast::Literal(serde_json::json!("ACTIVE")))
    );
    assert_eq!(
        parse("'it\\'s'"),
        Ok(Ast::Literal(serde_json::json!("it's")))
    );
}

#[test]
fn errors_and_unsupported_forms() {
    let cases = [
        ("", "unexpected the end at 0"),
        ("a.", "unexpected the end at 2"),
        ("a[0", "expected `]` at 3, found the end"),
        ("a ^ b", "unexpected character `^` at 2"),
        ("'open", "the `'` at 0 is never closed"),
        ("a b", "unexpected `b` at 2"),
        ("a[0:1]", "slices (`[a:b]`) are not supported"),
        ("[a, b]", "multi-select lists (`[a, b]`) are not supported"),
        ("a.[b]", "multi-select lists (`a.[b, c]`) are not supported"),
        ("{a: b}", "multi-select hashes (`{a: b}`) are not supported"),
        (
            "sort_by(a, &b)",
            "expression references (`&a`) are not supported",
        ),
        ("a.(b)", "unexpected `(` at 2"),
        (
            "99999999999999999999",
            "`99999999999999999999` at 0 is not a number JMESPath can index with",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(parse(text), Err(expected.to_owned()), "{text}");
    }
}

/// Long chains and deep nesting are refused before any recursion gets deep.
#[test]
fn size_is_bounded() {
    let long = vec!["a"; MAX_PARTS].join(".");
    let limit = Err(format!("the path has more than {MAX_PARTS} parts"));
    assert_eq!(parse(&long), limit);
    assert!(parse(&vec!["a"; MAX_PARTS / 2].join(".")).is_ok());
    let deep = format!("{}a{}", "(".repeat(100_000), ")".repeat(100_000));
    assert_eq!(parse(&deep), limit);
    let nots = format!("{}a", "!".repeat(100_000));
    assert_eq!(parse(&nots), limit);
}
