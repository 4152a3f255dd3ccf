//! `cargo xtask codegen`: plans every output in memory first, then either compares it with the
//! disk (`--check`) or writes it. Nothing is written unless every model generated cleanly.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::files::{self, CrateOutput, Drift};

/// What to generate.
pub enum Job {
    /// Every `models/NAME.json` into `generated/NAME`.
    Repository,
    /// One model into one folder.
    One {
        model: PathBuf,
        out: PathBuf,
        service: Option<String>,
        operations: Vec<String>,
        package: Option<String>,
        runtime: RuntimeChoice,
    },
}

/// Where a crate generated with `--model` gets its runtime.
pub enum RuntimeChoice {
    /// This repository's `codegen/runtime`, by a path relative to the crate folder.
    Repository,
    /// `--runtime-path PATH`, written as given.
    Path(String),
    /// `--inline-runtime`.
    Inline,
}

/// Runs a job. `root` is the checkout `cargo xtask` runs in; the installed program has none (and
/// its command line never asks for the repository's crates or runtime).
pub fn run(
    root: Option<&Path>,
    job: &Job,
    check: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let (plan, stale_dirs) = match plan(root, job) {
        Ok(plan) => plan,
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            return 1;
        }
    };
    for note in plan.iter().flat_map(|output| &output.notes) {
        let _ = writeln!(err, "note: {note}");
    }
    if check {
        let mut drift: Vec<Drift> = Vec::new();
        for output in &plan {
            match files::compare(output) {
                Ok(found) => drift.extend(found),
                Err(e) => {
                    let _ = writeln!(err, "error: {e}");
                    return 1;
                }
            }
        }
        drift.extend(stale_dirs.iter().map(|dir| Drift::StaleDir(dir.clone())));
        if drift.is_empty() {
            let count: usize = plan.iter().map(|p| p.files.len()).sum();
            let _ = writeln!(out, "codegen: {count} files up to date");
            return 0;
        }
        for item in &drift {
            let _ = writeln!(err, "{}", item.describe(root.unwrap_or(Path::new(""))));
        }
        let fix = match job {
            Job::Repository => "cargo xtask codegen".to_owned(),
            Job::One { .. } => "the same command without --check".to_owned(),
        };
        let _ = writeln!(
            err,
            "error: {} generated file(s) out of date; run `{fix}` and commit the result",
            drift.len()
        );
        return 1;
    }
    let mut changed = 0;
    for output in &plan {
        match files::write(output) {
            Ok(n) => changed += n,
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return 1;
            }
        }
    }
    for dir in &stale_dirs {
        if let Err(e) = std::fs::remove_dir_all(dir) {
            let _ = writeln!(err, "error: cannot remove stale {}: {e}", dir.display());
            return 1;
        }
        changed += 1;
    }
    let count: usize = plan.iter().map(|p| p.files.len()).sum();
    let _ = writeln!(out, "codegen: {count} files, {changed} changed");
    0
}

/// Everything to write, and the crate folders under `generated/` that no model produces any more.
fn plan(root: Option<&Path>, job: &Job) -> Result<(Vec<CrateOutput>, Vec<PathBuf>), String> {
    let repository = || root.ok_or("this needs a checkout of the generator (`cargo xtask`)");
    match job {
        Job::Repository => plan_repo(repository()?),
        Job::One {
            model,
            out,
            service,
            operations,
            package,
            runtime,
        } => {
            let package = match package {
                Some(package) => package.clone(),
                None => out
                    .file_name()
                    .and_then(|n| n.to_str())
                    .map(str::to_owned)
                    .ok_or_else(|| {
                        format!(
                            "cannot take a package name from {}; pass --package",
                            out.display()
                        )
                    })?,
            };
            // The header names the model relative to the crate, never by a path of this machine.
            let source = relative_path(out, model)
                .ok()
                .filter(|p| !Path::new(p).is_absolute());
            let source = source.unwrap_or_else(|| {
                model
                    .file_name()
                    .map(|name| name.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
            let mut settings = codegen::Settings::new(package, source);
            settings.service = service.clone();
            settings.operations = operations.clone();
            settings.runtime = match runtime {
                RuntimeChoice::Repository => codegen::RuntimeDependency::Path(relative_path(
                    out,
                    &repository()?.join("codegen").join("runtime"),
                )?),
                RuntimeChoice::Path(path) => codegen::RuntimeDependency::Path(path.clone()),
                RuntimeChoice::Inline => codegen::RuntimeDependency::Inline,
            };
            let (files, notes) = generate_file(model, &model.display().to_string(), &settings)?;
            Ok((
                vec![CrateOutput {
                    dir: out.clone(),
                    files,
                    notes,
                    owns_dir: false,
                }],
                Vec::new(),
            ))
        }
    }
}

/// The repository's crates: each `models/NAME.json` becomes `generated/NAME`.
pub fn plan_repo(root: &Path) -> Result<(Vec<CrateOutput>, Vec<PathBuf>), String> {
    let models_dir = root.join("models");
    let mut models: Vec<PathBuf> = std::fs::read_dir(&models_dir)
        .map_err(|e| format!("cannot read {}: {e}", models_dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    models.sort();
    if models.is_empty() {
        return Err(format!("no *.json models in {}", models_dir.display()));
    }
    let mut plan = Vec::new();
    for model in &models {
        let name = model
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let source = format!("models/{name}.json");
        let settings = codegen::Settings::new(name.clone(), source.clone());
        let (files, notes) = generate_file(model, &source, &settings)?;
        plan.push(CrateOutput {
            dir: root.join("generated").join(&name),
            files,
            notes,
            owns_dir: true,
        });
    }
    let mut stale_dirs = Vec::new();
    if let Ok(entries) = std::fs::read_dir(root.join("generated")) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() && !plan.iter().any(|p| p.dir == path) {
                stale_dirs.push(path);
            }
        }
    }
    stale_dirs.sort();
    Ok((plan, stale_dirs))
}

/// The files, and the notes on skipped operations; errors and notes start with `label`, the model
/// as the command line named it.
fn generate_file(
    model: &Path,
    label: &str,
    settings: &codegen::Settings,
) -> Result<(Vec<codegen::GeneratedFile>, Vec<String>), String> {
    let text = std::fs::read_to_string(model)
        .map_err(|e| format!("cannot read {}: {e}", model.display()))?;
    let (files, notes) =
        codegen::generate_with_notes(&text, settings).map_err(|d| format!("{label}: {d}"))?;
    let notes = notes
        .into_iter()
        .map(|note| format!("{label}: {note}"))
        .collect();
    Ok((files, notes))
}

/// The path of `target` from the folder `from` (neither needs to exist), with `/`; absolute when
/// the two share no root.
fn relative_path(from: &Path, target: &Path) -> Result<String, String> {
    let absolute = |path: &Path| {
        std::path::absolute(path)
            .map(|p| normalize(&p))
            .map_err(|e| format!("cannot make {} absolute: {e}", path.display()))
    };
    let (from, target) = (absolute(from)?, absolute(target)?);
    let from_parts: Vec<_> = from.components().collect();
    let target_parts: Vec<_> = target.components().collect();
    let common = from_parts
        .iter()
        .zip(&target_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return Ok(target.display().to_string().replace('\\', "/"));
    }
    let mut parts: Vec<String> = vec!["..".to_owned(); from_parts.len() - common];
    parts.extend(
        target_parts[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Ok(if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    })
}

/// `path` without `.` and with each `..` applied to the part before it.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `cargo xtask export-runtime --out DIR`: the runtime crate's files written into `dir`.
pub fn export_runtime(dir: &Path, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let output = CrateOutput {
        dir: dir.to_path_buf(),
        files: codegen::runtime_crate_files(),
        notes: Vec::new(),
        owns_dir: false,
    };
    match files::write(&output) {
        Ok(changed) => {
            let _ = writeln!(
                out,
                "export-runtime: {} files in {}, {changed} changed (package {} {})",
                output.files.len(),
                dir.display(),
                codegen::RUNTIME_PACKAGE,
                codegen::runtime_version()
            );
            0
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            1
        }
    }
}
