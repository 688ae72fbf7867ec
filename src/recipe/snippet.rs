//! Snippets: named, versioned pieces of template kept in the library and included in a
//! recipe's templates as `{{> brand-voice}}`, so one "house style" or "answer in this JSON"
//! text serves many recipes. A snippet file is YAML with `name`, `description` and
//! `template`; `schema/snippet.schema.json` is its JSON Schema.
//!
//! A snippet reads the variables of the recipe that includes it. Which snippets a render
//! uses is a [`SnippetSet`] (gathered by the store); [`check_uses`] says what is wrong with
//! a recipe's uses of them, with the position of each `{{> name}}`.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use handlebars::template::Template;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Diagnostic, EXAMPLES_VAR, Invalid, Located, Severity, SnippetUse, Uses, is_kebab};
use crate::error::did_you_mean;
use crate::yaml;

/// The largest snippet file accepted, in bytes.
pub const MAX_SNIPPET_BYTES: usize = 256 * 1024;

/// How deep snippets may include snippets: a recipe's `{{> a}}` is level 1, a `{{> b}}`
/// inside `a` level 2, and so on.
pub const MAX_SNIPPET_DEPTH: usize = 8;

/// The fields a snippet file may have.
const FIELDS: &[&str] = &["name", "description", "template"];

/// A snippet file as written.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "promptbook snippet",
    description = "A piece of template shared by many recipes, included in a recipe's templates as {{> name}}. It may read the including recipe's variables."
)]
pub struct SnippetFile {
    /// Kebab-case id, e.g. `brand-voice`: recipes include it as `{{> brand-voice}}`.
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"), length(max = 64))]
    #[serde(serialize_with = "bare")]
    pub name: Located<String>,
    /// What the snippet is for, in a sentence.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The Handlebars text put in place of `{{> name}}`. It may use the including recipe's
    /// variables, `if`/`unless`/`each`/`with`, the helpers recipes may use, and other
    /// snippets.
    #[serde(serialize_with = "bare")]
    pub template: Located<String>,
}

fn bare<S: serde::Serializer>(l: &Located<String>, s: S) -> Result<S::Ok, S::Error> {
    l.value.serialize(s)
}

/// A parsed snippet with its template compiled.
#[derive(Debug, Clone)]
pub struct Snippet {
    pub def: SnippetFile,
    pub template: Template,
    /// The recipe variables and the snippets its template uses, positions in its file.
    pub uses: Uses,
}

impl Snippet {
    /// The snippet's name.
    pub fn name(&self) -> &str {
        &self.def.name.value
    }

    /// Parses and checks a snippet file's text; `origin` names the file in messages.
    pub fn parse(source: &str, origin: &str) -> Result<Snippet, Invalid> {
        let invalid = |diagnostics| Invalid {
            origin: origin.to_string(),
            diagnostics,
        };
        if source.len() > MAX_SNIPPET_BYTES {
            return Err(invalid(vec![
                Diagnostic::error(
                    format!(
                        "the file is {} bytes, over the limit of {MAX_SNIPPET_BYTES} bytes for a snippet",
                        source.len()
                    ),
                    None,
                )
                .hint("a snippet is a piece of a prompt; split it into smaller snippets"),
            ]));
        }
        let tree = yaml::parse_tree(source).map_err(|e| {
            invalid(vec![Diagnostic::error(e.message, e.position).hint(
                "a snippet file has `name:`, `description:` and `template: |` with the text below it",
            )])
        })?;
        let mut diagnostics = Vec::new();
        let def = decode(&tree, &mut diagnostics);
        let compiled = def.as_ref().and_then(|def| {
            if !is_kebab(&def.name) {
                diagnostics.push(
                    Diagnostic::error(
                        format!("the snippet name {:?} is not kebab-case", def.name.value),
                        Some(def.name.position),
                    )
                    .hint("use lowercase letters, digits and single dashes, e.g. `brand-voice` (64 characters at most)"),
                );
            }
            if def.template.value.trim().is_empty() {
                diagnostics.push(
                    Diagnostic::error("the template is empty", Some(def.template.position))
                        .hint("write the snippet's text under `template: |`, indented on the lines below it"),
                );
            }
            let compiled = compile(&def.template.value, def.template.position, &mut diagnostics)?;
            for (var, at) in &compiled.1.vars {
                if var == EXAMPLES_VAR {
                    diagnostics.push(
                        Diagnostic::error(
                            "a snippet cannot place the few-shot examples (`examples`)",
                            Some(*at),
                        )
                        .hint("place them with `{{#each examples}}` in the recipe itself"),
                    );
                }
            }
            for used in &compiled.1.snippets {
                if used.name == def.name.value {
                    diagnostics.push(
                        Diagnostic::error(
                            format!("the snippet `{}` includes itself", used.name),
                            Some(used.position),
                        )
                        .hint("remove this `{{> …}}`"),
                    );
                }
            }
            Some(compiled)
        });
        match (def, compiled) {
            (Some(def), Some((template, uses)))
                if !diagnostics.iter().any(|d| d.severity == Severity::Error) =>
            {
                Ok(Snippet {
                    def,
                    template,
                    uses,
                })
            }
            _ => {
                diagnostics.sort_by_key(|d| d.position.map(|p| (p.line, p.column)));
                Err(invalid(diagnostics))
            }
        }
    }

    /// A stored snippet for rendering: checked when it was added, so only its template is
    /// compiled (no YAML read).
    pub fn stored(name: &str, template: &str, origin: &str) -> Result<Snippet, Invalid> {
        let def = SnippetFile {
            name: Located::unplaced(name.to_string()),
            description: String::new(),
            template: Located::unplaced(template.to_string()),
        };
        let mut diagnostics = Vec::new();
        match compile(template, def.template.position, &mut diagnostics) {
            Some((template, uses)) if diagnostics.is_empty() => Ok(Snippet {
                def,
                template,
                uses,
            }),
            _ => Err(Invalid {
                origin: origin.to_string(),
                diagnostics,
            }),
        }
    }

    /// Parses a file's bytes, refusing text that is not UTF-8.
    pub fn parse_bytes(bytes: &[u8], origin: &str) -> Result<Snippet, Invalid> {
        match std::str::from_utf8(bytes) {
            Ok(s) => Snippet::parse(s, origin),
            Err(e) => Err(Invalid {
                origin: origin.to_string(),
                diagnostics: vec![
                    Diagnostic::error(
                        format!(
                            "the file is not valid UTF-8 text (byte {})",
                            e.valid_up_to() + 1
                        ),
                        None,
                    )
                    .hint("save the file as UTF-8 in your editor"),
                ],
            }),
        }
    }
}

/// Compiles a snippet's text without its trailing line break: a snippet is a piece of text
/// that may stand inside a sentence as well as on its own line.
fn compile(
    text: &str,
    position: yaml::Position,
    out: &mut Vec<Diagnostic>,
) -> Option<(Template, Uses)> {
    let trimmed = Located {
        value: text.trim_end_matches(['\n', '\r']).to_string(),
        position,
    };
    super::compile_field("template", &trimmed, out)
}

/// Reads the snippet's fields, gathering every problem.
fn decode(tree: &yaml::Node, out: &mut Vec<Diagnostic>) -> Option<SnippetFile> {
    let mut d = crate::decode::Decoder::default();
    let fields = d.fields(tree, "", "a snippet's fields", FIELDS);
    let mut located = |key: &str, example: &str| {
        let (value, position) =
            d.required_text(tree, fields.as_ref()?, "the snippet", key, example)?;
        Some(Located { value, position })
    };
    let name = located("name", "brand-voice");
    let template = located("template", "Write in a warm, plain voice");
    let description = fields
        .as_ref()
        .and_then(|f| f.get("description"))
        .and_then(|n| d.text("description", n, "text"))
        .unwrap_or_default();
    out.extend(d.problems.into_iter().map(|p| {
        let mut diag = Diagnostic::error(p.message, p.position);
        diag.hint = p.hint;
        diag
    }));
    Some(SnippetFile {
        name: name?,
        description,
        template: template?,
    })
}

/// One snippet a render uses, found in the library.
#[derive(Debug, Clone)]
pub struct Found {
    /// Its full name: `pack/name` for a pack's snippet, the bare name for the user's own.
    pub full_name: String,
    /// The stored version.
    pub version: u32,
    pub snippet: Arc<Snippet>,
}

/// The snippets one render uses, by the name the templates give them (`{{> name}}`), as the
/// store found them for the recipe's place (a pack's own snippets first, then the user's).
#[derive(Debug, Clone, Default)]
pub struct SnippetSet {
    pub found: IndexMap<String, Found>,
    /// Names included somewhere that the library does not have.
    pub missing: Vec<String>,
    /// Every snippet name the recipe could include, for did-you-mean hints (filled only when
    /// something is missing).
    pub available: Vec<String>,
}

/// A snippet version a render used, for reproducing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsedSnippet {
    pub name: String,
    pub version: u32,
}

impl SnippetSet {
    /// The snippets reachable from `uses`, each once, in the order first met.
    pub fn used(&self, uses: &[SnippetUse]) -> Vec<UsedSnippet> {
        let mut seen = HashSet::new();
        let mut order = Vec::new();
        let mut stack: Vec<&str> = uses.iter().rev().map(|u| u.name.as_str()).collect();
        while let Some(name) = stack.pop() {
            if !seen.insert(name) {
                continue;
            }
            if let Some(f) = self.found.get(name) {
                order.push(UsedSnippet {
                    name: f.full_name.clone(),
                    version: f.version,
                });
                stack.extend(
                    f.snippet
                        .uses
                        .snippets
                        .iter()
                        .rev()
                        .map(|u| u.name.as_str()),
                );
            }
        }
        order
    }
}

/// What is wrong with a recipe's (or a snippet's) uses of snippets: a snippet the library
/// lacks (with a did-you-mean), a cycle, nesting deeper than [`MAX_SNIPPET_DEPTH`], or a
/// variable a snippet reads that `declared` lacks. Each is reported at the `{{> name}}` in
/// the file being checked. `root` names the snippet being checked, when it is one (so a
/// cycle reads `a → b → a`).
pub fn check_uses<'a>(
    uses: &[SnippetUse],
    declared: impl Fn(&str) -> bool,
    set: &SnippetSet,
    declared_names: impl Fn() -> Vec<&'a str>,
    root: Option<&str>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut measure = Measure {
        set,
        memo: HashMap::new(),
        on_path: HashSet::new(),
    };
    let mut total = 0usize;
    for at in uses {
        let mut path: Vec<&str> = root.into_iter().collect();
        let start = path.len();
        path.push(at.name.as_str());
        let mut reported = HashSet::new();
        let mut explored = HashSet::new();
        walk(
            at,
            &mut path,
            start,
            set,
            &declared,
            &declared_names,
            &mut reported,
            &mut explored,
            &mut out,
        );
        let (height, size) = measure.of(&at.name);
        if height > MAX_SNIPPET_DEPTH {
            let mut chain: Vec<&str> = root.into_iter().collect();
            chain.extend(measure.deepest(&at.name));
            out.push(
                Diagnostic::error(
                    format!(
                        "snippets are nested more than {MAX_SNIPPET_DEPTH} deep: {}",
                        chain.join(" → ")
                    ),
                    Some(at.position),
                )
                .hint("put the text of the innermost snippets into the outer ones"),
            );
        }
        let before = total;
        total = total.saturating_add(size);
        if before <= MAX_EXPANDED_BYTES && total > MAX_EXPANDED_BYTES {
            out.push(
                Diagnostic::error(
                    format!(
                        "with its snippets written out, the text grows past {} KiB here (`{}` and the snippets it includes, each as often as it is included)",
                        MAX_EXPANDED_BYTES / 1024,
                        at.name
                    ),
                    Some(at.position),
                )
                .hint("include each snippet fewer times; a snippet that includes another several times multiplies it"),
            );
        }
    }
    out
}

/// The most text a recipe's snippets may add once written out: snippets that include
/// others several times multiply, so a few small files could otherwise make a render
/// produce gigabytes.
pub const MAX_EXPANDED_BYTES: usize = super::MAX_RECIPE_BYTES;

/// Each snippet's nesting height and written-out length, worked out once each (a cycle
/// counts as nothing here; it is reported on its own).
struct Measure<'s> {
    set: &'s SnippetSet,
    memo: HashMap<&'s str, (usize, usize)>,
    on_path: HashSet<&'s str>,
}

impl<'s> Measure<'s> {
    fn of(&mut self, name: &'s str) -> (usize, usize) {
        if let Some(m) = self.memo.get(name) {
            return *m;
        }
        let Some(found) = self.set.found.get(name) else {
            return (0, 0);
        };
        if !self.on_path.insert(name) {
            return (0, 0);
        }
        let mut height = 0;
        let mut size = found.snippet.def.template.value.len();
        for u in &found.snippet.uses.snippets {
            let (h, s) = self.of(&u.name);
            height = height.max(h);
            size = size.saturating_add(s);
        }
        self.on_path.remove(name);
        let m = (height + 1, size);
        self.memo.insert(name, m);
        m
    }

    /// The longest chain of includes from `name`, for the message.
    fn deepest(&mut self, name: &'s str) -> Vec<&'s str> {
        let mut chain = vec![name];
        let mut at = name;
        while chain.len() <= MAX_SNIPPET_DEPTH + 1 {
            let Some(found) = self.set.found.get(at) else {
                break;
            };
            let next = found
                .snippet
                .uses
                .snippets
                .iter()
                .map(|u| u.name.as_str())
                .max_by_key(|n| self.memo.get(n).map_or(0, |m| m.0));
            match next {
                Some(n) if !chain.contains(&n) => {
                    chain.push(n);
                    at = n;
                }
                _ => break,
            }
        }
        chain
    }
}

#[allow(clippy::too_many_arguments)]
fn walk<'s, 'a>(
    at: &SnippetUse,
    path: &mut Vec<&'s str>,
    start: usize,
    set: &'s SnippetSet,
    declared: &impl Fn(&str) -> bool,
    declared_names: &impl Fn() -> Vec<&'a str>,
    reported: &mut HashSet<String>,
    explored: &mut HashSet<&'s str>,
    out: &mut Vec<Diagnostic>,
) {
    let name = *path.last().expect("the path holds the snippet");
    let chain = path.join(" → ");
    let chain = || chain.clone();
    let Some(found) = set.found.get(name) else {
        let message = if path.len() == start + 1 {
            format!("the snippet `{name}` is not in the library")
        } else {
            format!(
                "`{}` includes the snippet `{name}`, which is not in the library",
                chain()
            )
        };
        let bare = name.rsplit('/').next().unwrap_or(name);
        let in_a_pack = set
            .available
            .iter()
            .find(|a| a.as_str() != name && a.ends_with(&format!("/{bare}")));
        let hint = match (
            in_a_pack,
            did_you_mean(name, set.available.iter().map(String::as_str)),
        ) {
            (Some(qualified), _) => format!(
                "a pack has one: include it as `{{{{> {qualified}}}}}`, or add your own with `promptbook snippet add FILE`"
            ),
            (None, Some(close)) => format!(
                "did you mean `{{{{> {close}}}}}`? `promptbook snippet list` shows them all"
            ),
            (None, None) if name.contains('/') => format!(
                "no pack in the library has a snippet `{bare}`; `promptbook snippet list` shows the snippets, `promptbook pack list` the packs"
            ),
            (None, None) => format!(
                "add it first with `promptbook snippet add FILE` (a YAML file with `name: {name}`, `description:` and `template:`)"
            ),
        };
        if reported.insert(message.clone()) {
            out.push(Diagnostic::error(message, Some(at.position)).hint(hint));
        }
        return;
    };
    if !explored.insert(name) {
        return; // its variables and includes were checked from this use already
    }
    for (var, _) in &found.snippet.uses.vars {
        if var != EXAMPLES_VAR && !declared(var) {
            let via = if path.len() > start + 1 {
                format!(" (through `{}`)", chain())
            } else {
                String::new()
            };
            let message = format!(
                "the snippet `{name}`{via} uses `{var}`, which this recipe does not declare"
            );
            if !reported.insert(message.clone()) {
                continue;
            }
            let hint = match did_you_mean(var, declared_names()) {
                Some(close) => format!(
                    "declare `{var}` under `variables:` (the recipe has `{close}`; snippets read the recipe's variables by name), or leave out `{{{{> {}}}}}`",
                    path[start]
                ),
                None => format!(
                    "declare it under `variables:`, e.g. `{var}: {{ type: string, required: true }}`, or leave out `{{{{> {}}}}}`",
                    path[start]
                ),
            };
            out.push(Diagnostic::error(message, Some(at.position)).hint(hint));
        }
    }
    for inner in &found.snippet.uses.snippets {
        let next = inner.name.as_str();
        if path.contains(&next) {
            let message = format!(
                "snippets include each other in a cycle: {} → {next}",
                chain()
            );
            if reported.insert(message.clone()) {
                out.push(
                    Diagnostic::error(message, Some(at.position))
                        .hint("remove one of the `{{> …}}` that close the circle"),
                );
            }
            continue;
        }
        if path.len() > MAX_SNIPPET_DEPTH {
            continue; // too deep: reported from the heights
        }
        path.push(next);
        walk(
            at,
            path,
            start,
            set,
            declared,
            declared_names,
            reported,
            explored,
            out,
        );
        path.pop();
    }
}

/// What is wrong with `recipe`'s uses of snippets, given the snippets found for it.
pub fn problems_in(recipe: &super::Recipe, set: &SnippetSet) -> Vec<Diagnostic> {
    check_uses(
        &recipe.compiled.snippets,
        |v| recipe.variables.contains_key(v),
        set,
        || recipe.variables.keys().map(String::as_str).collect(),
        None,
    )
}

/// The hint on an invalid snippet file.
pub const FIX_SNIPPET_HINT: &str = "fix the snippet file and try again; a snippet file has `name:`, `description:` and `template: |` (`promptbook snippet add --help` shows one)";

/// `e` with the hint an invalid recipe file gets replaced by the one for a snippet file: the
/// errors of a snippet's text (and of the checks when it is stored) are worded as a
/// recipe's by `From<Invalid>`.
pub fn about_snippets(mut e: crate::error::Error) -> crate::error::Error {
    for h in &mut e.hints {
        if h == super::FIX_RECIPE_HINT {
            *h = FIX_SNIPPET_HINT.to_string();
        }
    }
    e
}

/// The JSON Schema of a snippet file, as written to `schema/snippet.schema.json`.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(SnippetFile);
    serde_json::to_string_pretty(&schema).expect("a schema serializes") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Position;

    const VOICE: &str = "name: brand-voice\ndescription: How we sound\ntemplate: |\n  Write for {{audience}} in a warm voice.\n  {{> sign-off}}\n";

    #[test]
    fn parses_and_reports_uses() {
        let s = Snippet::parse(VOICE, "voice.yaml").unwrap();
        assert_eq!(s.name(), "brand-voice");
        assert_eq!(s.uses.vars[0].0, "audience");
        assert_eq!(
            s.uses.vars[0].1,
            Position {
                line: 4,
                column: 13
            }
        );
        assert_eq!(s.uses.snippets[0].name, "sign-off");
        assert_eq!(s.uses.snippets[0].position, Position { line: 5, column: 3 });
    }

    #[test]
    fn bad_files_are_located() {
        let e = Snippet::parse("name: Brand Voice\ntemplat: x\n", "v.yaml").unwrap_err();
        let all: Vec<String> = e.diagnostics.iter().map(|d| d.render("v.yaml")).collect();
        let all = all.join("\n");
        assert!(all.contains("v.yaml:2:1: unknown field `templat`"), "{all}");
        assert!(all.contains("did you mean `template`"), "{all}");
        let e = Snippet::parse("name: Brand Voice\ntemplate: '{{#if x}}'\n", "v.yaml").unwrap_err();
        let all: Vec<String> = e.diagnostics.iter().map(|d| d.render("v.yaml")).collect();
        let all = all.join("\n");
        assert!(
            all.contains("v.yaml:1:7: the snippet name \"Brand Voice\" is not kebab-case"),
            "{all}"
        );
        assert!(all.contains("template syntax error"), "{all}");
        let e = Snippet::parse("name: a\ntemplate: '{{> a}}'\n", "v.yaml").unwrap_err();
        assert!(e.diagnostics[0].message.contains("includes itself"));
        let e = Snippet::parse("name: a\ntemplate: '  '\n", "v.yaml").unwrap_err();
        assert_eq!(
            e.diagnostics[0].render("v.yaml").lines().next(),
            Some("v.yaml:2:12: the template is empty")
        );
    }

    fn set(snippets: &[(&str, &str)]) -> SnippetSet {
        let mut s = SnippetSet::default();
        for (name, template) in snippets {
            let yaml = format!("name: {name}\ntemplate: {template:?}\n");
            let snippet = Snippet::parse(&yaml, name).unwrap();
            s.found.insert(
                name.to_string(),
                Found {
                    full_name: name.to_string(),
                    version: 1,
                    snippet: Arc::new(snippet),
                },
            );
        }
        s.available = s.found.keys().cloned().collect();
        s
    }

    fn problems(set: &SnippetSet, used: &[&str], vars: &[&str]) -> Vec<String> {
        let uses: Vec<SnippetUse> = used
            .iter()
            .map(|n| SnippetUse {
                name: n.to_string(),
                position: Position { line: 3, column: 5 },
            })
            .collect();
        check_uses(&uses, |v| vars.contains(&v), set, || vars.to_vec(), None)
            .into_iter()
            .map(|d| d.render("r.yaml"))
            .collect()
    }

    #[test]
    fn uses_are_checked_against_the_library_and_the_recipe() {
        let s = set(&[
            ("brand-voice", "For {{audience}}. {{> sign-off}}"),
            ("sign-off", "Thanks, {{author}}"),
            ("a", "{{> b}}"),
            ("b", "{{> a}}"),
        ]);
        assert!(problems(&s, &["brand-voice"], &["audience", "author"]).is_empty());
        let p = problems(&s, &["brand-voice"], &["audience", "authors"]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].starts_with("r.yaml:3:5: the snippet `sign-off` (through `brand-voice → sign-off`) uses `author`, which this recipe does not declare"), "{}", p[0]);
        assert!(p[0].contains("the recipe has `authors`"), "{}", p[0]);
        let p = problems(&s, &["brand-vioce"], &[]);
        assert!(
            p[0].contains("the snippet `brand-vioce` is not in the library"),
            "{}",
            p[0]
        );
        assert!(
            p[0].contains("did you mean `{{> brand-voice}}`?"),
            "{}",
            p[0]
        );
        let p = problems(&s, &["a"], &[]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("a cycle: a → b → a"), "{}", p[0]);
    }

    #[test]
    fn nesting_is_bounded() {
        let chain: Vec<(String, String)> = (0..=MAX_SNIPPET_DEPTH)
            .map(|i| (format!("s{i}"), format!("{{{{> s{}}}}}", i + 1)))
            .collect();
        let pairs: Vec<(&str, &str)> = chain
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let s = set(&pairs);
        let p = problems(&s, &["s0"], &[]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("nested more than 8 deep"), "{}", p[0]);
    }

    /// Snippets that include others many times multiply: ten small files would write out
    /// hundreds of megabytes. The check works each snippet out once, so it is quick, and
    /// refuses the growth.
    #[test]
    fn snippets_that_multiply_are_refused_quickly() {
        let texts: Vec<(String, String)> = (0..=7)
            .map(|i| {
                let text = if i == 0 {
                    "ha".repeat(20)
                } else {
                    format!("{{{{> l{}}}}}", i - 1).repeat(10)
                };
                (format!("l{i}"), text)
            })
            .collect();
        let pairs: Vec<(&str, &str)> = texts
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let s = set(&pairs);
        let p = problems(&s, &["l7"], &[]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].contains("the text grows past 1024 KiB here (`l7`"),
            "{}",
            p[0]
        );
        assert!(problems(&s, &["l4"], &[]).is_empty());
    }

    #[test]
    fn used_lists_each_version_once_in_order() {
        let s = set(&[("x", "{{> y}}{{> z}}"), ("y", "{{> z}}"), ("z", "z")]);
        let uses = [SnippetUse {
            name: "x".into(),
            position: Position::default(),
        }];
        let names: Vec<String> = s.used(&uses).into_iter().map(|u| u.name).collect();
        assert_eq!(names, ["x", "y", "z"]);
    }

    /// `schema/snippet.schema.json` is generated from these types; this keeps it in step.
    /// Regenerate with `PROMPTBOOK_UPDATE_SCHEMA=1 cargo test --lib recipe::snippet`.
    #[test]
    fn schema_file_is_in_step_with_the_types() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/snippet.schema.json");
        let fresh = json_schema();
        if std::env::var_os("PROMPTBOOK_UPDATE_SCHEMA").is_some() {
            std::fs::write(&path, &fresh).unwrap();
        }
        let stored = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            stored == fresh,
            "schema/snippet.schema.json is out of date; regenerate it with \
             PROMPTBOOK_UPDATE_SCHEMA=1 cargo test --lib recipe::snippet"
        );
    }
}
