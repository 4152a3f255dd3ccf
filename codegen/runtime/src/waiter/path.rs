//! The JMESPath semantics that compiled waiter paths rely on.
//!
//! The generator compiles each acceptor's path into Rust over the operation's typed output (no
//! JSON is built): member access becomes field access, and everything else calls a function of
//! this module. Every value is an `Option`, `None` standing for JMESPath's `null` (an unset
//! member, a projection of something that is not an array, an index past the end). Values are
//! `&str` (strings and enums), `f64` (numbers and timestamps, in epoch seconds), `bool`,
//! references to structures and maps, and `Vec`s for arrays.

use std::collections::HashMap;

/// The values of a list member, each turned into a path value by `conv`.
pub fn items<'a, T, R>(list: &'a [T], conv: impl FnMut(&'a T) -> R) -> Vec<R> {
    list.iter().map(conv).collect()
}

/// `map.*`: the values of a map member, each turned into a path value by `conv` (in the map's
/// order, which is unspecified, as JMESPath's object order is).
pub fn values<'a, K, V, S, R>(
    map: Option<&'a HashMap<K, V, S>>,
    conv: impl FnMut(&'a V) -> R,
) -> Option<Vec<R>> {
    map.map(|map| map.values().map(conv).collect())
}

/// A projection (`list[*].rest`, `list[].rest`): `then` applied to each element, `null` results
/// left out. `null` when the value is not an array.
pub fn project<T, U>(
    value: Option<Vec<T>>,
    then: impl FnMut(Option<T>) -> Option<U>,
) -> Option<Vec<U>> {
    let mut then = then;
    value.map(|items| {
        items
            .into_iter()
            .filter_map(|item| then(Some(item)))
            .collect()
    })
}

/// A filter projection (`list[?condition].rest`): the elements for which `keep` holds, each
/// then projected by `then`. `null` when the value is not an array.
pub fn filter<T: Clone, U>(
    value: Option<Vec<T>>,
    keep: impl FnMut(Option<T>) -> bool,
    then: impl FnMut(Option<T>) -> Option<U>,
) -> Option<Vec<U>> {
    let mut keep = keep;
    let kept = value.map(|items| {
        items
            .into_iter()
            .filter(|item| keep(Some(item.clone())))
            .collect()
    });
    project(kept, then)
}

/// `value[]` on an array of arrays: one level of nesting removed.
pub fn flatten<T>(value: Option<Vec<Vec<T>>>) -> Option<Vec<T>> {
    value.map(|items| items.into_iter().flatten().collect())
}

/// `value[n]`: the element at `index`, counted from the end when negative; `null` past either
/// end.
pub fn index<T>(value: Option<Vec<T>>, index: i64) -> Option<T> {
    let mut items = value?;
    let len = i64::try_from(items.len()).ok()?;
    let at = if index < 0 { len + index } else { index };
    if at < 0 || at >= len {
        return None;
    }
    Some(items.swap_remove(usize::try_from(at).ok()?))
}

/// A value `length()` measures: a string (in characters), an array or a map.
pub trait Length {
    /// The number of characters, elements or entries.
    fn length(&self) -> usize;
}

impl Length for &str {
    fn length(&self) -> usize {
        self.chars().count()
    }
}

impl<T> Length for Vec<T> {
    fn length(&self) -> usize {
        self.len()
    }
}

impl<K, V, S> Length for &HashMap<K, V, S> {
    fn length(&self) -> usize {
        self.len()
    }
}

/// `length(value)`; `null` for `null` (JMESPath would call that an error; a waiter reads it as
/// no match).
pub fn length<T: Length>(value: Option<T>) -> Option<f64> {
    value.map(|value| value.length() as f64)
}

/// A value with JMESPath truthiness: `false`, `null`, an empty string, array or object are
/// false; everything else is true.
pub trait Truthy {
    /// Whether the value counts as true.
    fn truthy(&self) -> bool;
}

impl Truthy for bool {
    fn truthy(&self) -> bool {
        *self
    }
}

impl Truthy for &str {
    fn truthy(&self) -> bool {
        !self.is_empty()
    }
}

impl Truthy for f64 {
    fn truthy(&self) -> bool {
        true
    }
}

impl<T> Truthy for Vec<T> {
    fn truthy(&self) -> bool {
        !self.is_empty()
    }
}

impl<K, V, S> Truthy for &HashMap<K, V, S> {
    fn truthy(&self) -> bool {
        !self.is_empty()
    }
}

/// Whether a value counts as true (`null` does not).
pub fn truthy<T: Truthy>(value: &Option<T>) -> bool {
    value.as_ref().is_some_and(Truthy::truthy)
}

/// `a == b`: `null` equals only `null`.
pub fn equal<T: PartialEq>(a: Option<T>, b: Option<T>) -> Option<bool> {
    Some(a == b)
}

/// `a != b`.
pub fn not_equal<T: PartialEq>(a: Option<T>, b: Option<T>) -> Option<bool> {
    Some(a != b)
}

/// `a < b` on numbers; `null` when either side is `null`.
pub fn less(a: Option<f64>, b: Option<f64>) -> Option<bool> {
    Some(a? < b?)
}

/// `a <= b` on numbers; `null` when either side is `null`.
pub fn less_or_equal(a: Option<f64>, b: Option<f64>) -> Option<bool> {
    Some(a? <= b?)
}

/// `a > b` on numbers; `null` when either side is `null`.
pub fn greater(a: Option<f64>, b: Option<f64>) -> Option<bool> {
    Some(a? > b?)
}

/// `a >= b` on numbers; `null` when either side is `null`.
pub fn greater_or_equal(a: Option<f64>, b: Option<f64>) -> Option<bool> {
    Some(a? >= b?)
}

/// `a && b` on booleans: `a` when it is false or `null`, else `b`.
pub fn and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    if truthy(&a) {
        b
    } else {
        a
    }
}

/// `a || b` on booleans: `a` when it is true, else `b`.
pub fn or(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    if truthy(&a) {
        a
    } else {
        b
    }
}

/// `!value`.
pub fn not<T: Truthy>(value: &Option<T>) -> Option<bool> {
    Some(!truthy(value))
}

/// The `stringEquals` comparator: the value is a string equal to `expected`.
pub fn string_equals(value: Option<&str>, expected: &str) -> bool {
    value == Some(expected)
}

/// The `booleanEquals` comparator: the value is a boolean equal to `expected`.
pub fn boolean_equals(value: Option<bool>, expected: bool) -> bool {
    value == Some(expected)
}

/// The `allStringEquals` comparator: the value is an array of at least one element, every one a
/// string equal to `expected`.
pub fn all_string_equals(value: Option<Vec<&str>>, expected: &str) -> bool {
    value.is_some_and(|items| !items.is_empty() && items.iter().all(|item| *item == expected))
}

/// The `anyStringEquals` comparator: the value is an array with an element equal to `expected`.
pub fn any_string_equals(value: Option<Vec<&str>>, expected: &str) -> bool {
    value.is_some_and(|items| items.contains(&expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A structure as generated code sees one: optional members.
    #[derive(Debug, Clone, PartialEq)]
    struct Destination {
        status: Option<String>,
        tags: Option<Vec<String>>,
    }

    fn destinations() -> Vec<Destination> {
        let one = |status: Option<&str>, tags: &[&str]| Destination {
            status: status.map(str::to_owned),
            tags: Some(tags.iter().map(|t| (*t).to_owned()).collect()),
        };
        vec![
            one(Some("ACTIVE"), &["a", "b"]),
            one(None, &[]),
            one(Some("DISABLED"), &["c"]),
        ]
    }

    /// `Destinations[].Status`: a projection drops the elements whose value is `null`.
    #[test]
    fn projections_leave_out_nulls() {
        let list = destinations();
        let statuses = project(Some(items(&list, |d| d)), |current| {
            current.and_then(|d| d.status.as_deref())
        });
        assert_eq!(statuses, Some(vec!["ACTIVE", "DISABLED"]));
        // A projection of null is null; of an empty list, an empty list.
        let none: Option<Vec<&Destination>> = None;
        assert_eq!(project(none, |current| current), None);
        assert_eq!(project(Some(Vec::<f64>::new()), |c| c), Some(vec![]));
    }

    /// `Destinations[].Tags[]`: one level of nesting removed.
    #[test]
    fn flatten_removes_one_level() {
        let list = destinations();
        let tags = project(Some(items(&list, |d| d)), |current| {
            current
                .and_then(|d| d.tags.as_ref())
                .map(|t| items(t, |t| t.as_str()))
        });
        assert_eq!(flatten(tags), Some(vec!["a", "b", "c"]));
        assert_eq!(flatten::<f64>(None), None);
    }

    /// `Destinations[?Status == 'ACTIVE'].Tags`, and `length()` of what a filter keeps.
    #[test]
    fn filters_keep_what_the_condition_holds_for() {
        let list = destinations();
        let active = filter(
            Some(items(&list, |d| d)),
            |current| {
                truthy(&equal(
                    current.and_then(|d| d.status.as_deref()),
                    Some("ACTIVE"),
                ))
            },
            |current| {
                current
                    .and_then(|d| d.tags.as_ref())
                    .map(|t| items(t, |t| t.as_str()))
            },
        );
        assert_eq!(active, Some(vec![vec!["a", "b"]]));
        let not_null = filter(
            Some(items(&list, |d| d)),
            |current| truthy(&current.and_then(|d| d.status.as_deref())),
            |current| current,
        );
        assert_eq!(length(not_null), Some(2.0));
    }

    #[test]
    fn index_counts_from_either_end() {
        let list = || Some(vec![1.0, 2.0, 3.0]);
        assert_eq!(index(list(), 0), Some(1.0));
        assert_eq!(index(list(), 2), Some(3.0));
        assert_eq!(index(list(), -1), Some(3.0));
        assert_eq!(index(list(), -3), Some(1.0));
        assert_eq!(index(list(), 3), None);
        assert_eq!(index(list(), -4), None);
        assert_eq!(index(list(), i64::MIN), None);
        assert_eq!(index::<f64>(None, 0), None);
    }

    #[test]
    fn length_of_strings_arrays_and_maps() {
        assert_eq!(length(Some("héllo")), Some(5.0));
        assert_eq!(length(Some(vec![1, 2])), Some(2.0));
        let map: HashMap<String, i32> = [("a".to_owned(), 1)].into();
        assert_eq!(length(Some(&map)), Some(1.0));
        assert_eq!(length::<&str>(None), None);
        let doubled = values(Some(&map), |v| f64::from(*v) * 2.0);
        assert_eq!(doubled, Some(vec![2.0]));
    }

    /// Comparisons: `null` equals only `null`; ordering needs two numbers.
    #[test]
    fn comparisons() {
        assert_eq!(equal(Some("a"), Some("a")), Some(true));
        assert_eq!(equal(None, Some("a")), Some(false));
        assert_eq!(equal::<&str>(None, None), Some(true));
        assert_eq!(not_equal(Some(1.0), Some(2.0)), Some(true));
        assert_eq!(less(Some(1.0), Some(2.0)), Some(true));
        assert_eq!(less(None, Some(2.0)), None);
        assert_eq!(less_or_equal(Some(2.0), Some(2.0)), Some(true));
        assert_eq!(greater(Some(2.0), Some(2.0)), Some(false));
        assert_eq!(greater_or_equal(Some(2.0), Some(2.0)), Some(true));
    }

    /// `&&`, `||` and `!` with JMESPath truthiness.
    #[test]
    fn boolean_operators() {
        let (t, f, n) = (Some(true), Some(false), None);
        assert_eq!(and(t, t), t);
        assert_eq!(and(t, f), f);
        assert_eq!(and(f, t), f);
        assert_eq!(and(n, t), n);
        assert_eq!(or(f, t), t);
        assert_eq!(or(t, n), t);
        assert_eq!(or(n, f), f);
        assert_eq!(not(&n), t);
        assert_eq!(not(&Some("")), t);
        assert_eq!(not(&Some("x")), f);
        assert_eq!(not(&Some(Vec::<f64>::new())), t);
        assert_eq!(not(&Some(0.0)), f);
    }

    /// The four comparators of the waiters spec.
    #[test]
    fn comparators() {
        assert!(string_equals(Some("ACTIVE"), "ACTIVE"));
        assert!(!string_equals(Some("CREATING"), "ACTIVE"));
        assert!(!string_equals(None, "ACTIVE"));
        assert!(boolean_equals(Some(false), false));
        assert!(!boolean_equals(None, false));
        assert!(all_string_equals(Some(vec!["a", "a"]), "a"));
        assert!(!all_string_equals(Some(vec!["a", "b"]), "a"));
        assert!(
            !all_string_equals(Some(vec![]), "a"),
            "at least one element"
        );
        assert!(!all_string_equals(None, "a"));
        assert!(any_string_equals(Some(vec!["b", "a"]), "a"));
        assert!(!any_string_equals(Some(vec![]), "a"));
        assert!(!any_string_equals(None, "a"));
    }
}
