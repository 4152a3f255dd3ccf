//! Property test: random valid models generate crates whose JSON round trip holds.
//!
//! A seeded generator (deterministic, so CI is reproducible) builds `MODELS` random models, each a
//! service with one operation `Echo` whose input and output structures have identical members of
//! random types (string, boolean, byte..double, timestamp, blob, enum, intEnum, list, map, nested
//! structure, union; nesting bounded). For each model it also builds `VALUES` random JSON values
//! conforming to the input. All crates are generated into one cargo workspace with a program
//! (`tests/property/main.rs`) that, for each value: reads the input from JSON with the generated
//! crate's `serde` feature, sends it through the client with a transport that echoes the request
//! body back as the response body, and asserts `serde_json::to_value(&output)` equals the value.
//! So the generated request serializer and response deserializer must be inverse of each other
//! (and agree with the serde representation). One build, one run for all models.
//!
//! A failure prints the model number, the value and the output; the model JSON is kept on disk
//! (the path is printed) for shrinking by hand. Set `PROPERTY_SEED` to try other seeds locally, and `PROPERTY_KEEP` to
//! keep the workspace of a passing run.

use std::fmt::Write as _;

use serde_json::{json, Map, Value};
use tests::{cargo_in, repo_root, temp_path, write_crate};

/// Random models per run (each is a crate to build: keep it small for CI).
const MODELS: usize = 6;
/// Random values per model.
const VALUES: usize = 16;
/// Deepest nesting of aggregate shapes below the input structure.
const MAX_DEPTH: u32 = 3;
/// The default seed: fixed, so CI runs the same cases every time.
const SEED: u64 = 0x5eed_2026_0001;

/// xorshift64*: a tiny deterministic generator (no dependency, reproducible everywhere).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        // The high bits: the low bits of xorshift64* are weak.
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 32
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + ((self.next() << 32 | self.next()) % (hi - lo + 1) as u64) as i64
    }
    /// One of the `edges` half the time, else a value in `lo..=hi`.
    fn edge_or_range(&mut self, edges: &[i64], lo: i64, hi: i64) -> i64 {
        if self.chance(50) {
            *self.pick(edges)
        } else {
            self.range(lo, hi)
        }
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A shape in a random model: what a member targets.
#[derive(Debug, Clone)]
enum Shape {
    String,
    Boolean,
    Byte,
    Short,
    Integer,
    Long,
    Float,
    Double,
    /// A timestamp, with the member's `@timestampFormat` if any.
    Timestamp(Option<&'static str>),
    Blob,
    /// An enum shape: its id and its values.
    Enum(String, Vec<String>),
    /// An intEnum shape: its id and its values.
    IntEnum(String, Vec<i64>),
    /// A list: its id, its item, and whether it is `@sparse` (items may be null).
    List(String, Box<Shape>, bool),
    Map(String, Box<Shape>, bool),
    /// A structure: its id and its members.
    Structure(String, Vec<Member>),
    Union(String, Vec<Member>),
}

/// A member of a structure or union.
#[derive(Debug, Clone)]
struct Member {
    /// The wire name.
    name: String,
    target: Shape,
    /// `@required` (structures only): then every value has it.
    required: bool,
}

/// Builds one random model, collecting its named shapes as JSON.
struct ModelBuilder<'a> {
    rng: &'a mut Rng,
    namespace: String,
    shapes: Map<String, Value>,
    counter: usize,
}

const WORDS: &[&str] = &[
    "alpha",
    "betaValue",
    "gamma",
    "deltaX",
    "epsilonID",
    "zetaURL",
    "eta",
    "thetaName",
    "iotaS3",
    "kappa",
];

impl ModelBuilder<'_> {
    fn fresh(&mut self, kind: &str) -> String {
        self.counter += 1;
        format!("{}#{kind}{}", self.namespace, self.counter)
    }

    /// Member names unique even after snake-casing: a word then the member's index.
    fn member_names(&mut self, n: usize) -> Vec<String> {
        (0..n)
            .map(|k| format!("{}{k}", self.rng.pick(WORDS)))
            .collect()
    }

    fn shape(&mut self, depth: u32) -> Shape {
        let kinds = if depth >= MAX_DEPTH { 12 } else { 16 };
        match self.rng.below(kinds) {
            0 => Shape::String,
            1 => Shape::Boolean,
            2 => Shape::Byte,
            3 => Shape::Short,
            4 => Shape::Integer,
            5 => Shape::Long,
            6 => Shape::Float,
            7 => Shape::Double,
            8 => Shape::Timestamp(*self.rng.pick(&[
                None,
                Some("date-time"),
                Some("http-date"),
                Some("epoch-seconds"),
            ])),
            9 => Shape::Blob,
            10 => {
                let id = self.fresh("Enum");
                let n = self.rng.range(1, 4) as usize;
                let values: Vec<String> = (0..n)
                    .map(|k| {
                        format!(
                            "{}_{k}",
                            self.rng.pick(&["VALUE", "v", "Mixed-Case", "a.b"])
                        )
                    })
                    .collect();
                self.shapes.insert(id.clone(), enum_shape("enum", &values));
                Shape::Enum(id, values)
            }
            11 => {
                let id = self.fresh("IntEnum");
                let n = self.rng.range(1, 4) as usize;
                let values: Vec<i64> = (0..n).map(|k| k as i64 * 7 - 3).collect();
                self.shapes
                    .insert(id.clone(), enum_shape("intEnum", &values));
                Shape::IntEnum(id, values)
            }
            12 => {
                let id = self.fresh("List");
                let item = self.shape(depth + 1);
                let target = self.target(&item);
                let (sparse, traits) = self.sparse();
                self.shapes.insert(
                    id.clone(),
                    json!({"type": "list", "member": {"target": target}, "traits": traits}),
                );
                Shape::List(id, Box::new(item), sparse)
            }
            13 => {
                let id = self.fresh("Map");
                let value = self.shape(depth + 1);
                let target = self.target(&value);
                let (sparse, traits) = self.sparse();
                self.shapes.insert(
                    id.clone(),
                    json!({"type": "map", "key": {"target": "smithy.api#String"}, "value": {"target": target}, "traits": traits}),
                );
                Shape::Map(id, Box::new(value), sparse)
            }
            14 => {
                let id = self.fresh("Struct");
                let n = self.rng.below(4);
                let members = self.members(n, depth + 1, true);
                self.define_aggregate(&id, "structure", &members);
                Shape::Structure(id, members)
            }
            _ => {
                let id = self.fresh("Union");
                let n = self.rng.range(1, 4) as usize;
                let members = self.members(n, depth + 1, false);
                self.define_aggregate(&id, "union", &members);
                Shape::Union(id, members)
            }
        }
    }

    fn members(&mut self, n: usize, depth: u32, may_require: bool) -> Vec<Member> {
        let names = self.member_names(n);
        names
            .into_iter()
            .map(|name| Member {
                name,
                target: self.shape(depth),
                required: may_require && self.rng.chance(25),
            })
            .collect()
    }

    fn define_aggregate(&mut self, id: &str, kind: &str, members: &[Member]) {
        let json_members: Map<String, Value> = members
            .iter()
            .map(|m| {
                let mut traits = Map::new();
                if m.required {
                    traits.insert("smithy.api#required".into(), json!({}));
                }
                if let Shape::Timestamp(Some(format)) = m.target {
                    traits.insert("smithy.api#timestampFormat".into(), json!(format));
                }
                let target = self.target(&m.target);
                (m.name.clone(), json!({"target": target, "traits": traits}))
            })
            .collect();
        self.shapes.insert(
            id.to_owned(),
            json!({"type": kind, "members": json_members}),
        );
    }

    /// Whether a new list or map is `@sparse` (30 % are), and its traits.
    fn sparse(&mut self) -> (bool, Value) {
        let sparse = self.rng.chance(30);
        let traits = if sparse {
            json!({"smithy.api#sparse": {}})
        } else {
            json!({})
        };
        (sparse, traits)
    }

    fn target(&self, shape: &Shape) -> String {
        match shape {
            Shape::String => "smithy.api#String".into(),
            Shape::Boolean => "smithy.api#Boolean".into(),
            Shape::Byte => "smithy.api#Byte".into(),
            Shape::Short => "smithy.api#Short".into(),
            Shape::Integer => "smithy.api#Integer".into(),
            Shape::Long => "smithy.api#Long".into(),
            Shape::Float => "smithy.api#Float".into(),
            Shape::Double => "smithy.api#Double".into(),
            Shape::Timestamp(_) => "smithy.api#Timestamp".into(),
            Shape::Blob => "smithy.api#Blob".into(),
            Shape::Enum(id, _)
            | Shape::IntEnum(id, _)
            | Shape::List(id, ..)
            | Shape::Map(id, ..)
            | Shape::Structure(id, _)
            | Shape::Union(id, _) => id.clone(),
        }
    }
}

/// An `enum` or `intEnum` shape (`kind`) with members `V0`, `V1`, ... holding `values`.
fn enum_shape<T: Clone + Into<Value>>(kind: &str, values: &[T]) -> Value {
    let members: Map<String, Value> = values
        .iter()
        .enumerate()
        .map(|(k, v)| {
            let value: Value = v.clone().into();
            (
                format!("V{k}"),
                json!({"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": value}}),
            )
        })
        .collect();
    json!({"type": kind, "members": members})
}

/// A random model (JSON AST text) and the members of its `Echo` input (and output).
fn random_model(rng: &mut Rng, index: usize) -> (String, Vec<Member>) {
    let namespace = format!("prop.m{index}");
    let mut builder = ModelBuilder {
        rng,
        namespace: namespace.clone(),
        shapes: Map::new(),
        counter: 0,
    };
    let n = builder.rng.range(3, 10) as usize;
    let members = builder.members(n, 0, true);
    builder.define_aggregate(&format!("{namespace}#EchoInput"), "structure", &members);
    builder.define_aggregate(&format!("{namespace}#EchoOutput"), "structure", &members);
    let mut shapes = builder.shapes;
    shapes.insert(
        format!("{namespace}#Prop"),
        json!({
            "type": "service",
            "version": "2024-01-01",
            "operations": [{"target": format!("{namespace}#Echo")}],
            "traits": {
                "aws.api#service": {"sdkId": "Prop"},
                "aws.auth#sigv4": {"name": "prop"},
                "aws.protocols#awsJson1_0": {}
            }
        }),
    );
    shapes.insert(
        format!("{namespace}#Echo"),
        json!({
            "type": "operation",
            "input": {"target": format!("{namespace}#EchoInput")},
            "output": {"target": format!("{namespace}#EchoOutput")}
        }),
    );
    let model = json!({"smithy": "2.0", "shapes": shapes});
    (serde_json::to_string_pretty(&model).unwrap(), members)
}

const STRINGS: &[&str] = &[
    "",
    "plain",
    "quote \" and \\ backslash",
    "line\nbreak\ttab",
    "é☃ unicode",
    "\u{1F600} astral",
    "\u{0001} control",
];
const BLOBS: &[&str] = &["", "AA==", "aGk=", "Zm9v", "AAECAwQF/w==", "+/+/"];

/// A random JSON value of `shape`, as the `serde` feature and the wire both spell it.
fn random_value(rng: &mut Rng, shape: &Shape) -> Value {
    match shape {
        Shape::String => json!(rng.pick(STRINGS)),
        Shape::Boolean => json!(rng.chance(50)),
        Shape::Byte => {
            json!(rng.edge_or_range(&[i8::MIN as i64, -1, 0, 1, i8::MAX as i64], -128, 127))
        }
        Shape::Short => json!(rng.edge_or_range(&[i16::MIN as i64, 0, i16::MAX as i64], -300, 300)),
        Shape::Integer => {
            json!(rng.edge_or_range(&[i32::MIN as i64, 0, i32::MAX as i64], -1000, 1000))
        }
        Shape::Long => json!(rng.edge_or_range(&[i64::MIN, -1, 0, i64::MAX], -100_000, 100_000)),
        // Quarters are exact in f32 and f64; serde_json writes them with a fraction (`2.0`).
        Shape::Float | Shape::Double => json!(rng.range(-400, 400) as f64 / 4.0),
        // Whole seconds: the `serde` feature writes them as integers, like the wire.
        Shape::Timestamp(format) => {
            let secs = rng.edge_or_range(&[0, -1, 1_515_531_081], -1_000_000, 4_000_000_000);
            // Half seconds (exact in binary), except where the format keeps whole seconds only.
            if format != &Some("http-date") && rng.chance(30) {
                json!(secs as f64 + 0.5)
            } else {
                json!(secs)
            }
        }
        Shape::Blob => json!(rng.pick(BLOBS)),
        Shape::Enum(_, values) => json!(rng.pick(values)),
        Shape::IntEnum(_, values) => json!(rng.pick(values)),
        Shape::List(_, item, sparse) => {
            let n = rng.below(4);
            Value::Array((0..n).map(|_| item_value(rng, item, *sparse)).collect())
        }
        Shape::Map(_, value, sparse) => {
            let n = rng.below(4);
            Value::Object(
                (0..n)
                    .map(|k| {
                        (
                            format!("{}{k}", rng.pick(STRINGS)),
                            item_value(rng, value, *sparse),
                        )
                    })
                    .collect(),
            )
        }
        Shape::Structure(_, members) => structure_value(rng, members),
        Shape::Union(_, members) => {
            let member = rng.pick(members);
            let mut object = Map::new();
            object.insert(member.name.clone(), random_value(rng, &member.target));
            Value::Object(object)
        }
    }
}

/// An item of a list or map: sometimes null when the collection is `@sparse`.
fn item_value(rng: &mut Rng, shape: &Shape, sparse: bool) -> Value {
    if sparse && rng.chance(25) {
        Value::Null
    } else {
        random_value(rng, shape)
    }
}

/// Each member present or absent at random.
fn structure_value(rng: &mut Rng, members: &[Member]) -> Value {
    let mut object = Map::new();
    for m in members {
        if m.required || rng.chance(75) {
            object.insert(m.name.clone(), random_value(rng, &m.target));
        }
    }
    Value::Object(object)
}

#[test]
fn random_models_round_trip_through_json() {
    let start = std::time::Instant::now();
    let seed = std::env::var("PROPERTY_SEED")
        .ok()
        .map(|s| s.parse::<u64>().expect("PROPERTY_SEED is a number"))
        .unwrap_or(SEED);
    let mut rng = Rng::new(seed);
    let dir = temp_path("property-roundtrip");

    let mut files: Vec<(String, String)> = Vec::new();
    let mut cases = String::new();
    for i in 0..MODELS {
        let (model, members) = random_model(&mut rng, i);
        let package = format!("prop-m{i}");
        let settings = codegen::Settings::new(&package, format!("property/m{i}.json"));
        let generated = codegen::generate(&model, &settings).unwrap_or_else(|e| {
            panic!("seed {seed}: random model {i} does not generate: {e}\nmodel:\n{model}")
        });
        files.push((format!("models/m{i}.json"), model));
        for file in generated {
            files.push((format!("m{i}/{}", file.path), file.contents));
        }
        let _ = writeln!(cases, "    // model {i}");
        for _ in 0..VALUES {
            let value = structure_value(&mut rng, &members);
            let text = serde_json::to_string(&value).unwrap();
            let _ = writeln!(
                cases,
                "    failures += check(&runtime, {i}, {text:?}, |v| round_trip!(prop_m{i}, v));"
            );
        }
    }

    let members: Vec<String> = (0..MODELS).map(|i| format!("\"m{i}\"")).collect();
    files.push((
        "Cargo.toml".into(),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}, \"prog\"]\n",
            members.join(", ")
        ),
    ));
    let deps: String = (0..MODELS)
        .map(|i| format!("prop-m{i} = {{ path = \"../m{i}\", features = [\"serde\"] }}\n"))
        .collect();
    files.push((
        "prog/Cargo.toml".into(),
        format!(
            "[package]\nname = \"prog\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\n{deps}serde_json = \"1\"\nhttp = \"1\"\n\
             tokio = {{ version = \"1\", default-features = false, features = [\"rt\", \"time\"] }}\n"
        ),
    ));
    // The crates share one runtime, so one implementation of its transport trait serves them all.
    let transports = "echo_transport!(prop_m0);\n";
    let template = std::fs::read_to_string(repo_root().join("tests/property/main.rs")).unwrap();
    files.push((
        "prog/src/main.rs".into(),
        template
            .replace("    // CASES\n", &cases)
            .replace("// ECHO_TRANSPORTS\n", transports),
    ));
    write_crate(&dir, files);

    let outcome = cargo_in(&dir, &["run", "-p", "prog"]);
    eprintln!(
        "property round trip: seed {seed}, {MODELS} models x {VALUES} values, {:.1?}",
        start.elapsed()
    );
    match outcome {
        Ok(out) => {
            eprintln!("{out}");
            if std::env::var_os("PROPERTY_KEEP").is_some() {
                eprintln!("workspace kept at {}", dir.display());
            } else {
                std::fs::remove_dir_all(&dir).unwrap();
            }
        }
        Err(e) => panic!(
            "seed {seed}: the round trip failed (workspace kept at {}, models in models/):\n{e}",
            dir.display()
        ),
    }
}
