//! `pack.yaml`: the pack's name, version, description, authors, license and the lowest
//! promptbook version it needs. The types here are the source of `schema/pack.schema.json`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::recipe::{Diagnostic, Invalid, Located, is_kebab};
use crate::yaml;

use super::limits;

/// The fields `pack.yaml` may have.
const FIELDS: &[&str] = &[
    "name",
    "version",
    "description",
    "authors",
    "license",
    "min_promptbook",
];

/// A pack's manifest, `pack.yaml` at the top of the pack's folder or repository.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "promptbook pack manifest",
    description = "pack.yaml: a promptbook recipe pack's name, version and authors. The recipes are the .yaml files beside it and in folders below it; the .yaml files under snippets/ are its snippets."
)]
pub struct Manifest {
    /// Kebab-case id of the pack (e.g. `team-prompts`). Its recipes are named `NAME/recipe`.
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"), length(max = 64))]
    #[serde(serialize_with = "bare")]
    pub name: Located<String>,
    /// The pack's version, e.g. `1.2.0`.
    #[schemars(regex(pattern = r"^[0-9]+(\.[0-9]+){0,3}([-+][0-9A-Za-z.+-]+)?$"))]
    #[serde(serialize_with = "bare")]
    pub version: Located<String>,
    /// What the pack is for, in a sentence or two.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Who wrote it, e.g. `Ada Lovelace <ada@example.com>`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// The license of the recipes, e.g. `CC-BY-4.0` or `proprietary`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// The lowest promptbook version that can install this pack, e.g. `0.1.0`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "bare_opt"
    )]
    pub min_promptbook: Option<Located<String>>,
}

impl Manifest {
    /// A manifest built in code (by `pack init` and `pack export`).
    pub fn new(name: &str, version: &str) -> Manifest {
        Manifest {
            name: Located::unplaced(name.to_string()),
            version: Located::unplaced(version.to_string()),
            description: String::new(),
            authors: Vec::new(),
            license: None,
            min_promptbook: None,
        }
    }

    /// The pack's name.
    pub fn name(&self) -> &str {
        &self.name.value
    }

    /// The pack's version.
    pub fn version(&self) -> &str {
        &self.version.value
    }

    /// Parses and checks `pack.yaml`; `origin` names it in messages.
    pub fn parse(bytes: &[u8], origin: &str) -> Result<Manifest> {
        let fail = |diagnostics: Vec<Diagnostic>| manifest_error(origin, diagnostics);
        if bytes.len() > limits::MAX_MANIFEST_BYTES {
            return Err(fail(vec![Diagnostic::error(
                format!(
                    "the file is {} bytes, over the limit of {} bytes for pack.yaml",
                    bytes.len(),
                    limits::MAX_MANIFEST_BYTES
                ),
                None,
            )]));
        }
        let text = std::str::from_utf8(bytes).map_err(|_| {
            fail(vec![
                Diagnostic::error("the file is not valid UTF-8 text", None)
                    .hint("save it as UTF-8"),
            ])
        })?;
        let tree = yaml::parse_tree(text).map_err(|e| {
            fail(vec![Diagnostic::error(e.message, e.position).hint(
                "pack.yaml has name, version, and optionally description, authors, license, min_promptbook",
            )])
        })?;
        let manifest = Manifest::decode(&tree).map_err(|problems| {
            fail(
                problems
                    .into_iter()
                    .map(|p| {
                        let mut d = Diagnostic::error(p.message, p.position);
                        d.hint = p.hint;
                        d
                    })
                    .collect(),
            )
        })?;
        manifest.check(origin)?;
        Ok(manifest)
    }

    /// Reads the manifest from its YAML tree field by field, gathering every problem.
    fn decode(tree: &yaml::Node) -> std::result::Result<Manifest, Vec<crate::decode::Problem>> {
        let mut d = crate::decode::Decoder::default();
        let Some(f) = d.fields(tree, "", "pack.yaml's fields", FIELDS) else {
            return Err(d.problems);
        };
        let mut required = |key: &str, example: &str| {
            let (value, position) = d.required_text(tree, &f, "pack.yaml", key, example)?;
            Some(Located { value, position })
        };
        let name = required("name", "team-prompts");
        let version = required("version", "1.0.0");
        let text = |d: &mut crate::decode::Decoder, key: &str| {
            f.get(key).and_then(|n| d.text(key, n, "text"))
        };
        let description = text(&mut d, "description").unwrap_or_default();
        let license = text(&mut d, "license");
        let authors = f
            .get("authors")
            .map(|n| d.texts("authors", n, "`authors: [Ada Lovelace <ada@example.com>]`"))
            .unwrap_or_default();
        let min_promptbook = f.get("min_promptbook").and_then(|n| {
            d.text("min_promptbook", n, "a version, e.g. 0.1.0")
                .map(|value| Located {
                    value,
                    position: n.position,
                })
        });
        match (name, version) {
            (Some(name), Some(version)) if d.problems.is_empty() => Ok(Manifest {
                name,
                version,
                description,
                authors,
                license,
                min_promptbook,
            }),
            _ => Err(d.problems),
        }
    }

    /// Checks the values: a kebab-case name, a version like 1.2.0, bounded text.
    pub fn check(&self, origin: &str) -> Result<()> {
        let mut out = Vec::new();
        let at = |l: &Located<String>| (l.position.line > 0).then_some(l.position);
        if !is_kebab(&self.name) {
            out.push(
                Diagnostic::error(
                    format!("the pack name {:?} is not kebab-case", self.name.value),
                    at(&self.name),
                )
                .hint("use lowercase letters, digits and single dashes, e.g. `team-prompts` (64 characters at most)"),
            );
        }
        if parse_version(&self.version).is_none() {
            out.push(
                Diagnostic::error(
                    format!("the version {:?} is not like 1.2.0", self.version.value),
                    at(&self.version),
                )
                .hint("use numbers separated by dots, e.g. `1.0.0` (a suffix like `-beta.1` may follow)"),
            );
        }
        if let Some(min) = &self.min_promptbook
            && parse_version(min).is_none()
        {
            out.push(
                Diagnostic::error(
                    format!("min_promptbook {:?} is not a version like 0.1.0", min.value),
                    at(min),
                )
                .hint("give the lowest promptbook version that can install the pack"),
            );
        }
        let long = self.description.len() > 4096
            || self.authors.len() > 100
            || self.authors.iter().any(|a| a.len() > 256)
            || self.license.as_ref().is_some_and(|l| l.len() > 256);
        if long {
            out.push(
                Diagnostic::error("the description, authors or license are too long", None).hint(
                    "keep the description under 4 KiB, and at most 100 authors of 256 characters",
                ),
            );
        }
        if out.is_empty() {
            Ok(())
        } else {
            Err(manifest_error(origin, out))
        }
    }

    /// Fails when the pack needs a newer promptbook than this one.
    pub fn check_promptbook_version(&self) -> Result<()> {
        let Some(min) = &self.min_promptbook else {
            return Ok(());
        };
        let ours = env!("CARGO_PKG_VERSION");
        match (parse_version(min), parse_version(ours)) {
            (Some(need), Some(have)) if need > have => Err(Error::failed(format!(
                "the pack `{}` needs promptbook {} or newer; this is promptbook {ours}",
                self.name(),
                min.value
            ))
            .hint("upgrade promptbook, then run the same command again")),
            _ => Ok(()),
        }
    }

    /// The manifest as `pack.yaml` text, with a comment that says what the file is.
    pub fn to_yaml(&self) -> String {
        let body = yaml::to_string(self).expect("a manifest serializes");
        format!(
            "# A promptbook recipe pack: the recipes are the .yaml files beside this one and below it;\n\
             # the .yaml files under snippets/ are the snippets its recipes include ({{{{> name}}}}).\n\
             # Install it with `promptbook pack add SOURCE` (this folder, its git URL, or a bundle).\n{body}"
        )
    }
}

/// Writes a located value as the bare value (its position belongs to the file it came from).
fn bare<S: serde::Serializer>(l: &Located<String>, s: S) -> Result<S::Ok, S::Error> {
    l.value.serialize(s)
}

fn bare_opt<S: serde::Serializer>(l: &Option<Located<String>>, s: S) -> Result<S::Ok, S::Error> {
    l.as_ref().map(|l| &l.value).serialize(s)
}

/// The numeric part of a version (`1.2.0-beta` → [1, 2, 0]); `None` if it is not one.
pub fn parse_version(v: &str) -> Option<Vec<u64>> {
    let numeric = v.split(['-', '+']).next()?;
    let rest = &v[numeric.len()..];
    if v.len() > 64
        || rest
            .chars()
            .any(|c| !(c.is_ascii_alphanumeric() || ".-+".contains(c)))
        || rest == "-"
        || rest == "+"
    {
        return None;
    }
    let parts: Option<Vec<u64>> = numeric.split('.').map(|p| p.parse().ok()).collect();
    let mut parts = parts.filter(|p| (1..=4).contains(&p.len()))?;
    while parts.len() < 3 {
        parts.push(0);
    }
    Some(parts)
}

fn manifest_error(origin: &str, diagnostics: Vec<Diagnostic>) -> Error {
    let inv = Invalid {
        origin: origin.to_string(),
        diagnostics,
    };
    let mut e = Error::from(inv);
    e.hints = vec!["fix pack.yaml; `promptbook pack init DIR` shows a complete one".into()];
    e
}

/// The JSON Schema of `pack.yaml`, as written to `schema/pack.schema.json`.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Manifest);
    serde_json::to_string_pretty(&schema).expect("a schema serializes") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_checks() {
        let m = Manifest::parse(
            b"name: team\nversion: 1.2.0\nauthors: [Ada]\nmin_promptbook: 0.1.0\n",
            "pack.yaml",
        )
        .unwrap();
        assert_eq!(m.name(), "team");
        let e = Manifest::parse(b"name: Team X\nversion: one\n", "p/pack.yaml").unwrap_err();
        assert!(
            e.message.contains("p/pack.yaml:1:7: the pack name"),
            "{}",
            e.message
        );
        assert!(e.message.contains("p/pack.yaml:2:10: the version"));
        let e = Manifest::parse(b"name: team\nversion: 1.0.0\nlicence: MIT\n", "pack.yaml")
            .unwrap_err();
        assert!(
            e.message.contains("pack.yaml:3:1: unknown field `licence`"),
            "{}",
            e.message
        );
        assert!(
            e.message.contains("did you mean `license`?"),
            "{}",
            e.message
        );
        // Every wrong type at once, by field; a version written as a number keeps its text.
        let e = Manifest::parse(b"name: [team]\nversion: 1.0\nauthors: Ada\n", "pack.yaml")
            .unwrap_err();
        assert!(
            e.message.starts_with("pack.yaml has 2 problems:"),
            "{}",
            e.message
        );
        assert!(
            e.message
                .contains("pack.yaml:1:7: `name` must be text, e.g. team-prompts, not a list"),
            "{}",
            e.message
        );
        assert!(
            e.message
                .contains("pack.yaml:3:10: `authors` must be a list"),
            "{}",
            e.message
        );
        assert_eq!(
            Manifest::parse(b"name: team\nversion: 1.10\n", "pack.yaml")
                .unwrap()
                .version(),
            "1.10"
        );
    }

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(parse_version("1.10"), Some(vec![1, 10, 0]));
        assert!(parse_version("1.10.0").unwrap() > parse_version("1.9.3").unwrap());
        assert_eq!(parse_version("1.0.0-beta.1"), Some(vec![1, 0, 0]));
        for bad in ["", "v1", "1..2", "1.0-", "1.0.0 beta", "-1"] {
            assert_eq!(parse_version(bad), None, "{bad}");
        }
    }

    #[test]
    fn needs_a_newer_promptbook() {
        let m = Manifest::parse(
            b"name: t\nversion: 1.0.0\nmin_promptbook: 999.0.0\n",
            "pack.yaml",
        )
        .unwrap();
        let e = m.check_promptbook_version().unwrap_err();
        assert!(e.message.contains("needs promptbook 999.0.0 or newer"));
    }

    /// `schema/pack.schema.json` is generated from these types; this keeps it in step.
    /// Regenerate with `PROMPTBOOK_UPDATE_SCHEMA=1 cargo test --lib pack::manifest`.
    #[test]
    fn schema_file_is_in_step_with_the_types() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/pack.schema.json");
        let fresh = json_schema();
        if std::env::var_os("PROMPTBOOK_UPDATE_SCHEMA").is_some() {
            std::fs::write(&path, &fresh).unwrap();
        }
        let stored = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            stored == fresh,
            "schema/pack.schema.json is out of date; regenerate it with \
             PROMPTBOOK_UPDATE_SCHEMA=1 cargo test --lib pack::manifest"
        );
    }
}
