//! The AWS shared `config` and `credentials` files.
//!
//! The files are INI-like:
//!
//! - `config` (`~/.aws/config`, or the file named by `AWS_CONFIG_FILE`) holds sections
//!   `[default]` and `[profile NAME]`; other sections (`[sso-session ...]`, `[services ...]`)
//!   are skipped.
//! - `credentials` (`~/.aws/credentials`, or the file named by `AWS_SHARED_CREDENTIALS_FILE`)
//!   holds sections `[NAME]`, including `[default]`.
//!
//! Lines are `key = value`; keys are case-insensitive (stored lowercased) and values are taken
//! verbatim after trimming surrounding whitespace. Lines starting with `#` or `;` are comments.
//! An indented line continues the property above it; when that property has an empty value
//! (`s3 =`), the indented lines form a nested sub-section and are skipped.
//!
//! The profile is `AWS_PROFILE`, else `default`. When both files define the profile, their keys
//! are merged and the credentials file wins for keys that appear in both.
//!
//! Nothing here puts a property value into an error or into `Debug` output: these files hold
//! secrets.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// One profile's properties, merged from the `config` and `credentials` files.
#[derive(Clone, PartialEq, Eq)]
pub struct Profile {
    name: String,
    properties: BTreeMap<String, String>,
    sources: Vec<PathBuf>,
}

impl Profile {
    /// Loads the selected profile (`AWS_PROFILE`, else `default`) from the shared files.
    ///
    /// `env` looks up environment variables (pass `&|key| std::env::var(key).ok()` for the
    /// process environment). It names the profile (`AWS_PROFILE`), the files
    /// (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`) and the home folder (`HOME`, else
    /// `USERPROFILE`).
    ///
    /// Missing files are not an error. When neither file has the profile this is `Ok(None)`,
    /// unless `AWS_PROFILE` named it, in which case it is an error naming the profile.
    pub fn load(env: &dyn Fn(&str) -> Option<String>) -> Result<Option<Profile>, ProfileError> {
        ProfileSet::load(env)?.selected()
    }

    /// The profile's name, e.g. `default`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The value of `key` (case-insensitive), e.g. `region`.
    pub fn get(&self, key: &str) -> Option<&str> {
        match self.properties.get(key) {
            Some(value) => Some(value),
            None => self
                .properties
                .get(&key.to_ascii_lowercase())
                .map(String::as_str),
        }
    }

    /// The keys the profile sets (lowercased), in sorted order.
    pub fn keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.properties.keys().map(String::as_str)
    }

    /// The files that define this profile, `config` before `credentials`.
    pub fn sources(&self) -> &[PathBuf] {
        &self.sources
    }
}

impl fmt::Debug for Profile {
    // Key names only: the values include secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Profile")
            .field("name", &self.name)
            .field("keys", &self.properties.keys().collect::<Vec<_>>())
            .field("sources", &self.sources)
            .finish()
    }
}

/// Every profile and `[sso-session NAME]` section of the shared files, for sources that follow
/// one profile to another (`source_profile`, `sso_session`).
#[derive(Clone)]
pub struct ProfileSet {
    selected: String,
    explicit: bool,
    config: Option<PathBuf>,
    credentials: Option<PathBuf>,
    profiles: BTreeMap<String, Profile>,
    sso_sessions: BTreeMap<String, Profile>,
}

impl ProfileSet {
    /// Reads both shared files (see [`Profile::load`] for which files and which profile is
    /// selected). Missing files are not an error; unreadable or malformed ones are.
    pub fn load(env: &dyn Fn(&str) -> Option<String>) -> Result<ProfileSet, ProfileError> {
        let (selected, explicit) = selected_profile(env);
        let config = config_file(env);
        let credentials = credentials_file(env);
        let mut set = ProfileSet {
            selected,
            explicit,
            config: config.clone(),
            credentials: credentials.clone(),
            profiles: BTreeMap::new(),
            sso_sessions: BTreeMap::new(),
        };
        // Config first, so the credentials file overrides it.
        for (path, kind) in [
            (config, FileKind::Config),
            (credentials, FileKind::Credentials),
        ] {
            let Some(path) = path else { continue };
            let Some(text) = read_optional(&path)? else {
                continue;
            };
            let parsed = parse(&text, kind, &path)?;
            for (into, from) in [
                (&mut set.profiles, parsed.profiles),
                (&mut set.sso_sessions, parsed.sso_sessions),
            ] {
                for (name, properties) in from {
                    let entry = into.entry(name.clone()).or_insert_with(|| Profile {
                        name,
                        properties: BTreeMap::new(),
                        sources: Vec::new(),
                    });
                    entry.properties.extend(properties);
                    entry.sources.push(path.clone());
                }
            }
        }
        Ok(set)
    }

    /// The selected profile's name: `AWS_PROFILE`, else `default`.
    pub fn selected_name(&self) -> &str {
        &self.selected
    }

    /// The selected profile; `Ok(None)` when no file defines it, an error when `AWS_PROFILE`
    /// named it and no file defines it.
    pub fn selected(&self) -> Result<Option<Profile>, ProfileError> {
        match self.profiles.get(&self.selected) {
            Some(profile) => Ok(Some(profile.clone())),
            None if self.explicit => Err(ProfileError {
                kind: ErrorKind::NotFound {
                    name: self.selected.clone(),
                    config: self.config.clone(),
                    credentials: self.credentials.clone(),
                },
            }),
            None => Ok(None),
        }
    }

    /// The profile `name`, from either file.
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.get(name)
    }

    /// The `[sso-session NAME]` section of the config file.
    pub fn sso_session(&self, name: &str) -> Option<&Profile> {
        self.sso_sessions.get(name)
    }

    /// "FILE or FILE": the files that were looked at, for messages.
    pub fn files(&self) -> String {
        match (&self.config, &self.credentials) {
            (Some(a), Some(b)) => format!("{} or {}", a.display(), b.display()),
            (Some(a), None) | (None, Some(a)) => a.display().to_string(),
            (None, None) => "any shared file (HOME is not set)".to_owned(),
        }
    }
}

impl fmt::Debug for ProfileSet {
    // Names only: the values include secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileSet")
            .field("selected", &self.selected)
            .field("profiles", &self.profiles.keys().collect::<Vec<_>>())
            .field(
                "sso_sessions",
                &self.sso_sessions.keys().collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// The selected profile's name: `AWS_PROFILE` if set and non-empty, else `default`.
pub fn profile_name(env: &dyn Fn(&str) -> Option<String>) -> String {
    selected_profile(env).0
}

/// The shared `config` file: `AWS_CONFIG_FILE`, else `~/.aws/config`. `None` when neither the
/// variable nor a home folder is set. The file may not exist.
pub fn config_file(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    shared_file(env, "AWS_CONFIG_FILE", "config")
}

/// The shared `credentials` file: `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
/// `None` when neither the variable nor a home folder is set. The file may not exist.
pub fn credentials_file(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    shared_file(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials")
}

/// Why the shared files could not be used. Never contains a property value.
#[derive(Debug)]
pub struct ProfileError {
    kind: ErrorKind,
}

#[derive(Debug)]
enum ErrorKind {
    Read {
        path: PathBuf,
        source: io::Error,
    },
    Parse {
        path: PathBuf,
        line: usize,
        reason: &'static str,
    },
    NotFound {
        name: String,
        config: Option<PathBuf>,
        credentials: Option<PathBuf>,
    },
}

impl ProfileError {
    /// The profile `AWS_PROFILE` named when neither file defines it.
    pub fn missing_profile(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::NotFound { name, .. } => Some(name),
            _ => None,
        }
    }
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Read { path, source } => {
                write!(f, "could not read {}: {source}", path.display())
            }
            ErrorKind::Parse { path, line, reason } => {
                write!(f, "{}, line {line}: {reason}", path.display())
            }
            ErrorKind::NotFound {
                name,
                config,
                credentials,
            } => {
                write!(f, "profile `{name}` (from AWS_PROFILE) is not defined in ")?;
                write_files(f, config.as_deref(), credentials.as_deref())
            }
        }
    }
}

impl std::error::Error for ProfileError {}

/// Writes "A or B" for the files that were looked at.
fn write_files(
    f: &mut fmt::Formatter<'_>,
    config: Option<&Path>,
    credentials: Option<&Path>,
) -> fmt::Result {
    match (config, credentials) {
        (Some(a), Some(b)) => write!(f, "{} or {}", a.display(), b.display()),
        (Some(a), None) | (None, Some(a)) => write!(f, "{}", a.display()),
        (None, None) => f.write_str(
            "any shared file (HOME, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE are unset)",
        ),
    }
}

fn selected_profile(env: &dyn Fn(&str) -> Option<String>) -> (String, bool) {
    match env("AWS_PROFILE") {
        Some(name) if !name.trim().is_empty() => (name.trim().to_owned(), true),
        _ => ("default".to_owned(), false),
    }
}

/// The home folder: `HOME`, else `USERPROFILE` (empty values count as unset).
pub(crate) fn home(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    ["HOME", "USERPROFILE"]
        .into_iter()
        .filter_map(env)
        .find(|home| !home.is_empty())
        .map(PathBuf::from)
}

fn shared_file(
    env: &dyn Fn(&str) -> Option<String>,
    variable: &str,
    file: &str,
) -> Option<PathBuf> {
    match env(variable).filter(|path| !path.is_empty()) {
        Some(path) => {
            // `~/...` is expanded, as the AWS CLI does.
            let rest = path.strip_prefix("~/").or_else(|| path.strip_prefix("~\\"));
            match (rest, home(env)) {
                (Some(rest), Some(home)) => Some(home.join(rest)),
                _ => Some(PathBuf::from(path)),
            }
        }
        None => home(env).map(|home| home.join(".aws").join(file)),
    }
}

/// The file's text, `None` if it does not exist.
fn read_optional(path: &Path) -> Result<Option<String>, ProfileError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ProfileError {
            kind: ErrorKind::Read {
                path: path.to_owned(),
                source,
            },
        }),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Config,
    Credentials,
}

enum Section {
    /// Before the first section header.
    None,
    /// A section that is neither a profile nor an SSO session (e.g. `[services x]` in config).
    Skipped,
    /// A profile or an `[sso-session NAME]` section: its name, and which of the two.
    Named(String, bool),
}

type Properties = BTreeMap<String, String>;
type Profiles = BTreeMap<String, Properties>;

/// One file's profiles and `[sso-session NAME]` sections.
#[derive(Default)]
struct Parsed {
    profiles: Profiles,
    sso_sessions: Profiles,
}

impl Parsed {
    fn section(&mut self, name: &str, sso_session: bool) -> &mut Properties {
        let map = if sso_session {
            &mut self.sso_sessions
        } else {
            &mut self.profiles
        };
        map.entry(name.to_owned()).or_default()
    }
}

/// Parses one file into its profiles' properties (later definitions win).
fn parse(text: &str, kind: FileKind, path: &Path) -> Result<Parsed, ProfileError> {
    let error = |line: usize, reason: &'static str| ProfileError {
        kind: ErrorKind::Parse {
            path: path.to_owned(),
            line,
            reason,
        },
    };

    let mut parsed = Parsed::default();
    let mut section = Section::None;
    // The last property of the current section, and whether it opened a sub-section.
    let mut last: Option<(String, bool)> = None;

    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }

        if raw.starts_with([' ', '\t']) {
            // A continuation line, or a line of a nested sub-section.
            match (&section, &last) {
                (Section::Skipped, _) | (_, Some((_, true))) => {}
                (Section::Named(name, sso), Some((key, false))) => {
                    if let Some(value) = parsed.section(name, *sso).get_mut(key) {
                        value.push('\n');
                        value.push_str(trimmed);
                    }
                }
                _ => return Err(error(number, "indented line without a property above it")),
            }
            continue;
        }

        if let Some(header) = trimmed.strip_prefix('[') {
            let Some(end) = header.find(']') else {
                return Err(error(number, "section header without a closing `]`"));
            };
            last = None;
            section = match section_from_header(header[..end].trim(), kind) {
                Some((name, sso)) => {
                    parsed.section(&name, sso);
                    Section::Named(name, sso)
                }
                None => Section::Skipped,
            };
            continue;
        }

        let Some((key, value)) = trimmed.split_once('=') else {
            return Err(error(number, "expected `key = value`"));
        };
        let key = key.trim().to_ascii_lowercase();
        if key.is_empty() {
            return Err(error(number, "property without a key"));
        }
        let value = value.trim();
        match &section {
            Section::None => return Err(error(number, "property before any section header")),
            Section::Skipped => {}
            Section::Named(name, sso) => {
                parsed
                    .section(name, *sso)
                    .insert(key.clone(), value.to_owned());
            }
        }
        last = Some((key, value.is_empty()));
    }
    Ok(parsed)
}

/// The profile (`false`) or SSO session (`true`) a section header (without brackets) defines,
/// if it defines one.
fn section_from_header(header: &str, kind: FileKind) -> Option<(String, bool)> {
    let (name, sso) = match kind {
        FileKind::Credentials => (header, false),
        FileKind::Config if header == "default" => (header, false),
        FileKind::Config => {
            let (rest, sso) = match header.strip_prefix("profile") {
                Some(rest) => (rest, false),
                None => (header.strip_prefix("sso-session")?, true),
            };
            if !rest.starts_with([' ', '\t']) {
                return None;
            }
            (rest.trim(), sso)
        }
    };
    (!name.is_empty()).then(|| (name.to_owned(), sso))
}
