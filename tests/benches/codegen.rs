//! What generating a client costs, against merely parsing the same model file into a
//! `serde_json::Value`: `cargo bench -p tests --bench codegen` (a program, not a test).
//!
//! For each official AWS model (`sfn`, `dynamodb`, `sqs`, `kinesis`, `cloudwatch-logs`, found
//! with `tests::aws_models_dir()`; skipped with a message when missing):
//!
//! - **parse**: the median of `N` runs of `serde_json::from_str::<serde_json::Value>` on the file
//!   already in memory: the baseline;
//! - **generate**: the median of `N` runs of `codegen::generate` of the whole model. When the
//!   generator refuses the whole model (an unsupported feature), every operation of the service
//!   is tried alone, once, outside the timed loop, and the timed runs generate the operations that
//!   generate alone (`Settings.operations`); the table says how many of the service's operations
//!   that is;
//! - **peak memory**: each model's generation runs once more in a fresh child process (this
//!   program re-executed with `CODEGEN_BENCH_CHILD` set), which reports its `VmHWM` (peak resident
//!   set, `/proc/self/status`, Linux only) after reading the file and after generating; a second
//!   child does the same with the parse alone, for comparison. "idle" is the peak of a child that
//!   only read the file: the floor both share.
//!
//! Under the table, the peak of the largest of these models (by file size) that generates.
//!
//! Then **scaling**: synthetic models of one chain of `n` structures, each requiring the next
//! (the worst case for finding recursive and self-requiring members), generated at two sizes
//! four times apart, 1,000 and 4,000 structures (the median of 3 runs each). Generation linear in
//! the model takes about 4x as long at the larger size; a walk of the model per member (as before
//! `codegen/src/scc.rs`) takes about 16x. The peak memory of generating each size is measured in
//! a fresh child as above (mode `chain`); its "idle" is the peak after building the model text.
//!
//! `BENCH_N` (default 10) sets the runs per median of the official models.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const MODELS: &[&str] = &["sfn", "dynamodb", "sqs", "kinesis", "cloudwatch-logs"];
/// Set in a child process: `parse`, `generate`, `idle`, `chain` or `chain-idle`; the file and
/// operations (or the chain's length) follow.
const CHILD_ENV: &str = "CODEGEN_BENCH_CHILD";
const CHILD_FILE_ENV: &str = "CODEGEN_BENCH_FILE";
const CHILD_OPS_ENV: &str = "CODEGEN_BENCH_OPERATIONS";
const CHILD_CHAIN_ENV: &str = "CODEGEN_BENCH_CHAIN";

fn main() {
    if let Ok(mode) = std::env::var(CHILD_ENV) {
        child(&mode);
        return;
    }
    let n: usize = std::env::var("BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(10);
    let Some(dir) = tests::aws_models_dir() else {
        println!("codegen bench SKIPPED: the official AWS models are missing");
        return;
    };
    println!(
        "codegen bench: {n} runs per median, models in {}",
        dir.display()
    );
    if read_hwm_kib().is_none() {
        println!("(no /proc/self/status VmHWM here: peak memory shows n/a)");
    }

    let mut rows = Vec::new();
    for name in MODELS {
        let path = dir.join(format!("{name}.json"));
        if !path.is_file() {
            println!("{name}: SKIPPED, {} is missing", path.display());
            continue;
        }
        match bench_model(name, &path, n) {
            Ok(row) => rows.push(row),
            Err(why) => println!("{name}: FAILED: {why}"),
        }
    }
    print_table(&rows);
    let largest = rows.iter().max_by(|a, b| a.file_mib.total_cmp(&b.file_mib));
    if let Some(r) = largest {
        println!(
            "\nlargest official model generated: {} ({:.2} MiB, {} operations): peak {} MiB",
            r.model,
            r.file_mib,
            r.operations,
            mib(r.peak_generate)
        );
    }
    scaling();
}

/// Times generating chains of 1,000 and 4,000 required structures; prints the ratio, and the
/// peak memory of generating each once in a fresh child.
fn scaling() {
    const SMALL: usize = 1000;
    const LARGE: usize = 4 * SMALL;
    let time = |n: usize| {
        let model = chain_model(n);
        let settings = codegen::Settings::new("chain", "chain.json");
        let mut times: Vec<Duration> = (0..3)
            .map(|_| {
                let started = Instant::now();
                codegen::generate(&model, &settings).expect("the chain model generates");
                started.elapsed()
            })
            .collect();
        median(&mut times)
    };
    let (small, large) = (time(SMALL), time(LARGE));
    println!(
        "\nscaling: a chain of {SMALL} structures {:.0} ms, of {LARGE} {:.0} ms: {:.1}x for 4x the \
         structures (linear: ~4x, quadratic: ~16x)",
        small.as_secs_f64() * 1e3,
        large.as_secs_f64() * 1e3,
        large.as_secs_f64() / small.as_secs_f64()
    );
    for size in [SMALL, LARGE] {
        let peak = |mode: &str| match chain_peak(mode, size) {
            Ok(peak) => mib(peak),
            Err(why) => format!("FAILED: {why}"),
        };
        println!(
            "peak memory, a chain of {size} structures: {} MiB generating (idle {} MiB)",
            peak("chain"),
            peak("chain-idle")
        );
    }
}

/// Runs this program again as a child generating a chain of `size` structures once (or, in mode
/// `chain-idle`, only building its model text); its peak RSS in MiB.
fn chain_peak(mode: &str, size: usize) -> Result<Option<f64>, String> {
    run_child(mode, &[(CHILD_CHAIN_ENV, size.to_string().as_ref())])
}

/// One operation whose input holds `A1`, where each `Ai` requires `Ai+1`, up to `An`.
fn chain_model(n: usize) -> String {
    let mut shapes = vec![
        r#""c.x#Svc": {"type": "service", "version": "1", "operations": [{"target": "c.x#Go"}],
            "traits": {"aws.api#service": {"sdkId": "Chain"}, "aws.auth#sigv4": {"name": "x"},
                       "aws.protocols#awsJson1_0": {}}}"#
            .to_owned(),
        r#""c.x#Go": {"type": "operation", "input": {"target": "c.x#GoInput"}}"#.to_owned(),
        r#""c.x#GoInput": {"type": "structure", "members": {"top": {"target": "c.x#A1"}},
            "traits": {"smithy.api#input": {}}}"#
            .to_owned(),
    ];
    for i in 1..=n {
        let next = if i < n {
            format!(
                r#", "next": {{"target": "c.x#A{}", "traits": {{"smithy.api#required": {{}}}}}}"#,
                i + 1
            )
        } else {
            String::new()
        };
        shapes.push(format!(
            r#""c.x#A{i}": {{"type": "structure", "members": {{"depth": {{"target": "smithy.api#Integer"}}{next}}}}}"#
        ));
    }
    format!(
        r#"{{"smithy": "2.0", "shapes": {{{}}}}}"#,
        shapes.join(",\n")
    )
}

struct Row {
    model: String,
    file_mib: f64,
    operations: String,
    files: usize,
    lines: usize,
    runtime_lines: usize,
    parse: Duration,
    generate: Duration,
    peak_idle: Option<f64>,
    peak_parse: Option<f64>,
    peak_generate: Option<f64>,
}

fn bench_model(name: &str, path: &Path, n: usize) -> Result<Row, String> {
    let json = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let source = format!("aws-models/{name}.json");
    let package = name.replace('-', "_");

    // Which operations to generate: all, or (when the whole model is refused) those that
    // generate alone. Outside the timed loop.
    let all_ops = service_operations(&json)?;
    let mut settings = codegen::Settings::new(package.clone(), source.clone());
    let operations = match codegen::generate_with_notes(&json, &settings) {
        // Each note is an operation left out (an event stream).
        Ok((_, skipped)) => format!("{}/{}", all_ops.len() - skipped.len(), all_ops.len()),
        Err(whole) => {
            println!("{name}: the whole model is refused ({whole}); trying each operation alone");
            let mut alone = Vec::new();
            for op in &all_ops {
                let mut one = codegen::Settings::new(package.clone(), source.clone());
                one.operations = vec![op.clone()];
                match codegen::generate(&json, &one) {
                    Ok(_) => alone.push(op.clone()),
                    Err(e) => println!("  {op}: refused: {e}"),
                }
            }
            if alone.is_empty() {
                return Err(format!("no operation generates alone ({whole})"));
            }
            settings.operations = alone;
            codegen::generate(&json, &settings).map_err(|e| {
                format!(
                    "the {} operations that generate alone fail together: {e}",
                    settings.operations.len()
                )
            })?;
            format!("{}/{}", settings.operations.len(), all_ops.len())
        }
    };

    let files = codegen::generate(&json, &settings).map_err(|e| e.to_string())?;
    let lines = files.iter().map(|f| f.contents.lines().count()).sum();
    let runtime_lines = files
        .iter()
        .filter(|f| codegen::is_runtime_module(&f.path))
        .map(|f| f.contents.lines().count())
        .sum();
    let file_count = files.len();
    drop(files);

    // Interleave parse and generate runs so a noisy machine affects both alike.
    let mut parse_times = Vec::with_capacity(n);
    let mut generate_times = Vec::with_capacity(n);
    for _ in 0..n {
        let start = Instant::now();
        let value: serde_json::Value =
            serde_json::from_str(std::hint::black_box(&json)).map_err(|e| e.to_string())?;
        parse_times.push(start.elapsed());
        drop(std::hint::black_box(value));

        let start = Instant::now();
        let out =
            codegen::generate(std::hint::black_box(&json), &settings).map_err(|e| e.to_string())?;
        generate_times.push(start.elapsed());
        drop(std::hint::black_box(out));
    }

    let peak_idle = child_peak("idle", path, &settings.operations)?;
    let peak_parse = child_peak("parse", path, &settings.operations)?;
    let peak_generate = child_peak("generate", path, &settings.operations)?;

    Ok(Row {
        model: name.to_owned(),
        file_mib: json.len() as f64 / MIB,
        operations,
        files: file_count,
        lines,
        runtime_lines,
        parse: median(&mut parse_times),
        generate: median(&mut generate_times),
        peak_idle,
        peak_parse,
        peak_generate,
    })
}

const MIB: f64 = 1024.0 * 1024.0;

/// The names of the service's operations, read from the JSON AST the way the generator finds
/// them: the service's `operations`, then those of its resources (recursively).
fn service_operations(json: &str) -> Result<Vec<String>, String> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let shapes = value["shapes"]
        .as_object()
        .ok_or("the model has no `shapes` object")?;
    let services: Vec<&serde_json::Value> =
        shapes.values().filter(|s| s["type"] == "service").collect();
    let [service] = services[..] else {
        return Err(format!("expected one service, found {}", services.len()));
    };
    let targets = |shape: &serde_json::Value, key: &str| -> Vec<String> {
        shape[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["target"].as_str().map(str::to_owned))
            .collect()
    };
    let mut ids = targets(service, "operations");
    let mut resources = targets(service, "resources");
    let mut seen = std::collections::HashSet::new();
    while let Some(id) = resources.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        if let Some(resource) = shapes.get(&id) {
            ids.extend(targets(resource, "operations"));
            resources.extend(targets(resource, "resources"));
        }
    }
    let mut names: Vec<String> = Vec::new();
    for id in ids {
        let name = id.rsplit('#').next().unwrap_or(&id).to_owned();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    Ok(names)
}

/// Runs this program again as a child doing `mode` once on `path`; its peak RSS in MiB.
fn child_peak(mode: &str, path: &Path, operations: &[String]) -> Result<Option<f64>, String> {
    let operations = operations.join(",");
    run_child(
        mode,
        &[
            (CHILD_FILE_ENV, path.as_os_str()),
            (CHILD_OPS_ENV, operations.as_ref()),
        ],
    )
}

/// Runs this program again as a child in `mode` with `vars` set; its peak RSS in MiB.
fn run_child(mode: &str, vars: &[(&str, &std::ffi::OsStr)]) -> Result<Option<f64>, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let output = Command::new(exe)
        .env(CHILD_ENV, mode)
        .envs(vars.iter().copied())
        .output()
        .map_err(|e| format!("cannot start the {mode} child: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "the {mode} child failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let peak = stdout
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM_KiB="))
        .ok_or_else(|| format!("the {mode} child printed no peak: {stdout}"))?;
    Ok(peak.trim().parse::<f64>().ok().map(|kib| kib / 1024.0))
}

/// In the child: read the file (or build the chain model), do `mode` once, print the peak
/// resident set.
fn child(mode: &str) {
    if let Some(kind) = mode.strip_prefix("chain") {
        let size = std::env::var(CHILD_CHAIN_ENV)
            .ok()
            .and_then(|n| n.parse().ok())
            .expect("the parent gives the chain's length");
        let model = chain_model(size);
        match kind {
            "" => {
                let settings = codegen::Settings::new("chain", "chain.json");
                let files = codegen::generate(std::hint::black_box(&model), &settings)
                    .unwrap_or_else(|e| panic!("generation failed in the child: {e}"));
                std::hint::black_box(&files);
            }
            "-idle" => {
                std::hint::black_box(&model);
            }
            other => panic!("unknown child mode `chain{other}`"),
        }
        print_hwm();
        return;
    }
    let path = std::env::var_os(CHILD_FILE_ENV).expect("the parent names the file");
    let json = std::fs::read_to_string(&path).expect("the parent checked the file");
    match mode {
        "idle" => {}
        "parse" => {
            let value: serde_json::Value =
                serde_json::from_str(std::hint::black_box(&json)).expect("the file is JSON");
            std::hint::black_box(&value);
        }
        "generate" => {
            let name = Path::new(&path)
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("model")
                .replace('-', "_");
            let mut settings = codegen::Settings::new(name, "bench");
            settings.operations = std::env::var(CHILD_OPS_ENV)
                .unwrap_or_default()
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            let files = codegen::generate(std::hint::black_box(&json), &settings)
                .unwrap_or_else(|e| panic!("generation failed in the child: {e}"));
            std::hint::black_box(&files);
        }
        other => panic!("unknown child mode `{other}`"),
    }
    print_hwm();
}

fn print_hwm() {
    match read_hwm_kib() {
        Some(kib) => println!("VmHWM_KiB={kib}"),
        None => println!("VmHWM_KiB=n/a"),
    }
}

/// `VmHWM` (peak resident set) of this process in KiB, from `/proc/self/status`.
fn read_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    let mid = times.len() / 2;
    if times.len() % 2 == 1 {
        times[mid]
    } else {
        (times[mid - 1] + times[mid]) / 2
    }
}

fn mib(m: Option<f64>) -> String {
    m.map_or_else(|| "n/a".to_owned(), |m| format!("{m:.1}"))
}

fn print_table(rows: &[Row]) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!();
    println!(
        "{:<16} {:>8} {:>7} {:>6} {:>8} {:>8} {:>9} {:>11} {:>7} {:>10} {:>10} {:>9}",
        "model",
        "file MiB",
        "ops",
        "files",
        "lines",
        "runtime",
        "parse ms",
        "generate ms",
        "ratio",
        "peak gen",
        "peak parse",
        "peak idle"
    );
    for r in rows {
        println!(
            "{:<16} {:>8.2} {:>7} {:>6} {:>8} {:>8} {:>9.2} {:>11.2} {:>6.1}x {:>10} {:>10} {:>9}",
            r.model,
            r.file_mib,
            r.operations,
            r.files,
            r.lines,
            r.runtime_lines,
            ms(r.parse),
            ms(r.generate),
            ms(r.generate) / ms(r.parse),
            mib(r.peak_generate),
            mib(r.peak_parse),
            mib(r.peak_idle),
        );
    }
    println!();
    println!(
        "ops: operations generated / operations of the service. lines: all generated files \
         (runtime: of which the copied runtime modules). parse: serde_json::Value only. \
         ratio: generate / parse (medians). peak: VmHWM of a fresh child in MiB (gen: generate \
         once; parse: parse once; idle: only read the file)."
    );
}
