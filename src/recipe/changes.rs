//! What changed between two versions of a recipe: a unified diff of the text, and a one-line
//! summary in the recipe's own terms (prompt, variables, model, …) for `history`.

use std::fmt::Write as _;

use super::{ExampleInput, RecipeFile};

/// Lines of context around each change in a unified diff.
pub const CONTEXT_LINES: usize = 3;

/// A unified diff of `old` to `new` (plain text, no colour), with `---`/`+++` headers that
/// name both sides. Empty when the texts are identical.
pub fn unified(old: &str, new: &str, old_label: &str, new_label: &str) -> String {
    if old == new {
        return String::new();
    }
    let diff = similar::TextDiff::from_lines(old, new);
    let mut out = String::new();
    let _ = write!(
        out,
        "{}",
        diff.unified_diff()
            .context_radius(CONTEXT_LINES)
            .header(old_label, new_label)
    );
    out
}

/// One version in a recipe's history, with what it changed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HistoryEntry {
    pub version: u32,
    pub created_at: String,
    pub hash: String,
    /// The version whose text this one restores, when it is identical to an earlier one
    /// (what `revert` makes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_as: Option<u32>,
    pub summary: String,
}

/// One entry per version (given oldest first as `(version, created_at, hash, yaml)`), each
/// summarised against the version before it.
pub fn history<'a>(
    versions: impl IntoIterator<Item = (u32, &'a str, &'a str, &'a str)>,
) -> Vec<HistoryEntry> {
    history_with(versions, summarize)
}

/// [`history`] with the summary of a change given: [`summarize`] for recipes,
/// [`summarize_snippet`] for snippets.
pub fn history_with<'a>(
    versions: impl IntoIterator<Item = (u32, &'a str, &'a str, &'a str)>,
    summarize: fn(&str, &str) -> String,
) -> Vec<HistoryEntry> {
    let mut out: Vec<HistoryEntry> = Vec::new();
    let mut previous: Option<&str> = None;
    for (version, created_at, hash, yaml) in versions {
        let same_as = out.iter().rev().find(|e| e.hash == hash).map(|e| e.version);
        let mut summary = match previous {
            None => "created".to_string(),
            Some(prev) => summarize(prev, yaml),
        };
        if let Some(v) = same_as {
            summary = format!("restores v{v}: {summary}");
        }
        out.push(HistoryEntry {
            version,
            created_at: created_at.to_string(),
            hash: hash.to_string(),
            same_as,
            summary,
        });
        previous = Some(yaml);
    }
    out
}

/// A one-line summary of what changed from one snippet file to the next, e.g.
/// `description; template (+2 −1 lines)`.
pub fn summarize_snippet(old: &str, new: &str) -> String {
    if old == new {
        return "no change".into();
    }
    let read = |s: &str| super::snippet::Snippet::parse(s, "").ok().map(|s| s.def);
    let (Some(a), Some(b)) = (read(old), read(new)) else {
        return format!("text changed ({})", line_counts(old, new));
    };
    let mut parts: Vec<String> = Vec::new();
    if a.name.value != b.name.value {
        parts.push(format!("renamed from {}", a.name.value));
    }
    if a.description != b.description {
        parts.push("description".into());
    }
    if a.template.value != b.template.value {
        parts.push(format!(
            "template ({})",
            line_counts(&a.template.value, &b.template.value)
        ));
    }
    if parts.is_empty() {
        "comments or formatting only".into()
    } else {
        parts.join("; ")
    }
}

/// A one-line summary of what changed from `old` to `new`, e.g.
/// `prompt; variables +audience −tone; model sonnet → opus`.
pub fn summarize(old: &str, new: &str) -> String {
    if old == new {
        return "no change".into();
    }
    let (Some(a), Some(b)) = (super::read_fields(old), super::read_fields(new)) else {
        return format!("text changed ({})", line_counts(old, new));
    };
    let mut parts: Vec<String> = Vec::new();
    if a.name.value != b.name.value {
        parts.push(format!("renamed from {}", a.name.value));
    }
    if a.title != b.title {
        parts.push("title".into());
    }
    if a.description != b.description {
        parts.push("description".into());
    }
    if a.version != b.version {
        parts.push(format!(
            "version {} → {}",
            a.version.as_deref().unwrap_or("none"),
            b.version.as_deref().unwrap_or("none")
        ));
    }
    let added: Vec<&String> = b.tags.iter().filter(|t| !a.tags.contains(t)).collect();
    let removed: Vec<&String> = a.tags.iter().filter(|t| !b.tags.contains(t)).collect();
    if !added.is_empty() || !removed.is_empty() {
        parts.push(format!("tags {}", plus_minus(&added, &removed)));
    } else if a.tags != b.tags {
        parts.push("tag order".into());
    }
    model_changes(&a, &b, &mut parts);
    let vars_added: Vec<&String> = b
        .variables
        .keys()
        .filter(|k| !a.variables.contains_key(*k))
        .collect();
    let vars_removed: Vec<&String> = a
        .variables
        .keys()
        .filter(|k| !b.variables.contains_key(*k))
        .collect();
    let vars_changed: Vec<&String> = a
        .variables
        .iter()
        .filter(|(k, v)| b.variables.get(*k).is_some_and(|w| w.value != v.value))
        .map(|(k, _)| k)
        .collect();
    if !vars_added.is_empty() || !vars_removed.is_empty() || !vars_changed.is_empty() {
        let mut s = String::from("variables");
        if !vars_added.is_empty() || !vars_removed.is_empty() {
            let _ = write!(s, " {}", plus_minus(&vars_added, &vars_removed));
        }
        if !vars_changed.is_empty() {
            let names: Vec<&str> = vars_changed.iter().map(|s| s.as_str()).collect();
            let _ = write!(s, " ~{}", names.join(" ~"));
        }
        parts.push(s);
    } else if !a.variables.keys().eq(b.variables.keys()) {
        parts.push("variable order".into());
    }
    if text(&a.system) != text(&b.system) {
        parts.push("system prompt".into());
    }
    if text(&a.prompt) != text(&b.prompt) {
        parts.push("prompt".into());
    }
    let msgs = |f: &RecipeFile| -> Vec<(String, String)> {
        f.messages
            .iter()
            .map(|m| (m.role.as_str().to_string(), m.content.value.clone()))
            .collect()
    };
    if msgs(&a) != msgs(&b) {
        parts.push("messages".into());
    }
    let examples = |f: &RecipeFile| -> Vec<(String, String)> {
        f.examples
            .iter()
            .map(|e| {
                let input = match &e.input {
                    ExampleInput::Text(t) => t.clone(),
                    ExampleInput::Vars(v) => serde_json::to_string(v).unwrap_or_default(),
                };
                (input, e.output.clone())
            })
            .collect()
    };
    counted("examples", &examples(&a), &examples(&b), &mut parts);
    let tests = |f: &RecipeFile| -> Vec<String> {
        f.tests
            .iter()
            .map(|t| format!("{:?}", (&t.value.name, &t.value.vars, &t.value.expect)))
            .collect()
    };
    counted("tests", &tests(&a), &tests(&b), &mut parts);
    let schema = |f: &RecipeFile| f.output.as_ref().map(|o| o.schema.value.clone());
    match (schema(&a), schema(&b)) {
        (None, Some(_)) => parts.push("output schema added".into()),
        (Some(_), None) => parts.push("output schema removed".into()),
        (Some(x), Some(y)) if x != y => parts.push("output schema".into()),
        _ => {}
    }
    if parts.is_empty() {
        return "comments or formatting only".into();
    }
    parts.join("; ")
}

fn model_changes(a: &RecipeFile, b: &RecipeFile, parts: &mut Vec<String>) {
    let (ma, mb) = (&a.model, &b.model);
    let show = |o: &Option<String>| o.clone().unwrap_or_else(|| "none".into());
    if ma.prefer != mb.prefer {
        parts.push(format!("model {} → {}", show(&ma.prefer), show(&mb.prefer)));
    }
    let num = |o: Option<f64>| o.map_or("none".into(), |t| t.to_string());
    if ma.temperature != mb.temperature {
        parts.push(format!(
            "temperature {} → {}",
            num(ma.temperature),
            num(mb.temperature)
        ));
    }
    if ma.max_tokens != mb.max_tokens {
        parts.push(format!(
            "max_tokens {} → {}",
            num(ma.max_tokens.map(f64::from)),
            num(mb.max_tokens.map(f64::from))
        ));
    }
    if ma.why != mb.why {
        parts.push("model why".into());
    }
}

fn counted<T: PartialEq>(what: &str, a: &[T], b: &[T], parts: &mut Vec<String>) {
    if a.len() != b.len() {
        parts.push(format!("{what} {} → {}", a.len(), b.len()));
    } else if a != b {
        parts.push(what.to_string());
    }
}

fn text(t: &Option<super::Located<String>>) -> Option<&str> {
    t.as_ref().map(|l| l.value.as_str())
}

fn plus_minus(added: &[&String], removed: &[&String]) -> String {
    added
        .iter()
        .map(|s| format!("+{s}"))
        .chain(removed.iter().map(|s| format!("−{s}")))
        .collect::<Vec<_>>()
        .join(" ")
}

fn line_counts(old: &str, new: &str) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let (mut plus, mut minus) = (0, 0);
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Insert => plus += 1,
            similar::ChangeTag::Delete => minus += 1,
            similar::ChangeTag::Equal => {}
        }
    }
    format!("+{plus} −{minus} lines")
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "name: demo\ntitle: Demo\nvariables:\n  topic: { type: string }\n  tone: { type: string }\nprompt: |\n  About {{topic}} {{tone}}.\n";

    #[test]
    fn a_snippet_summary_names_its_fields() {
        let a = "name: voice\ndescription: How\ntemplate: |\n  Warm.\n";
        let b = "name: voice\ndescription: How we sound\ntemplate: |\n  Warm.\n  Short.\n";
        assert_eq!(
            summarize_snippet(a, b),
            "description; template (+1 −0 lines)"
        );
        assert_eq!(
            summarize_snippet(a, &format!("# a comment\n{a}")),
            "comments or formatting only"
        );
        assert_eq!(
            summarize_snippet(a, "name: [\n"),
            "text changed (+1 −4 lines)"
        );
        let h = history_with(
            [(1, "t1", "h1", a), (2, "t2", "h2", b), (3, "t3", "h1", a)],
            summarize_snippet,
        );
        assert_eq!(
            h[2].summary,
            "restores v1: description; template (+0 −1 lines)"
        );
    }

    #[test]
    fn summary_names_what_changed() {
        let b = A
            .replace(
                "  tone: { type: string }\n",
                "  audience: { type: string }\n",
            )
            .replace("{{tone}}", "{{audience}}");
        assert_eq!(summarize(A, &b), "variables +audience −tone; prompt");
        let c = A.replace("name: demo\n", "name: demo\n# a note\n");
        assert_eq!(summarize(A, &c), "comments or formatting only");
        let d = A.replace("title: Demo\n", "title: Demo\nmodel: { prefer: opus }\n");
        assert_eq!(summarize(A, &d), "model none → opus");
        let schema = "output:\n  format: json\n  schema: { type: object, properties: { a: { type: string } }, required: [a], additionalProperties: false }\n";
        let e = format!("{A}{schema}");
        assert_eq!(summarize(A, &e), "output schema added");
        let f = e.replace("a: { type: string }", "a: { type: number }");
        assert_eq!(summarize(&e, &f), "output schema");
    }

    #[test]
    fn history_marks_restored_versions() {
        let b = A.replace("About", "On");
        let h = history([
            (1, "t1", "h1", A),
            (2, "t2", "h2", b.as_str()),
            (3, "t3", "h1", A),
        ]);
        assert_eq!(h[0].summary, "created");
        assert_eq!(h[1].summary, "prompt");
        assert_eq!(h[2].same_as, Some(1));
        assert_eq!(h[2].summary, "restores v1: prompt");
    }

    #[test]
    fn unified_diff_has_headers_and_hunks() {
        let d = unified("a\nb\nc\n", "a\nB\nc\n", "x v1", "x v2");
        assert!(
            d.starts_with("--- x v1\n+++ x v2\n@@ -1,3 +1,3 @@\n"),
            "{d}"
        );
        assert!(d.contains("-b\n+B\n"), "{d}");
        assert_eq!(unified("a\n", "a\n", "x", "y"), "");
    }
}
