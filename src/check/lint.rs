//! Lint: the errors that stop a recipe from being stored (found by [`Recipe::parse`]), and
//! warnings about recipes that work but will serve people worse. Every finding has a line,
//! a column and a short fix.

use handlebars::template::{Template, TemplateElement};
use serde::Serialize;
use serde_json::Value;

use crate::catalog::{self, Catalog, DEFAULT_MAX_TOKENS};
use crate::recipe::snippet::{self, Snippet, SnippetSet};
use crate::recipe::{Diagnostic, Recipe, Severity, VarType, template_refs};
use crate::render::targets::group;
use crate::render::{Input, Prompt, render_with, resolve};
use crate::yaml::Position;

/// The findings for one recipe file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LintReport {
    /// The file (or `name` for a recipe in the library) the positions refer to.
    pub origin: String,
    /// The recipe's name, when the file could be read that far.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipe: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
}

impl LintReport {
    /// How many findings are errors.
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    /// How many findings are warnings.
    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, s: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == s).count()
    }
}

/// How lint finds the snippets a recipe includes: in the library, for the place the recipe
/// would be stored (the store is above this layer, so the face passes it in).
pub type FindSnippets<'a> = &'a dyn Fn(&Recipe) -> crate::Result<SnippetSet>;

/// Finds no snippets: for checking a recipe with no library at hand.
pub fn no_snippets(_: &Recipe) -> crate::Result<SnippetSet> {
    Ok(SnippetSet::default())
}

/// Lints a recipe file's bytes. Invalid files report their errors (warnings need a recipe
/// that parses); valid ones report the problems with the snippets they include (from
/// `snippets`) and the warnings below.
pub fn lint(
    bytes: &[u8],
    origin: &str,
    catalog: &Catalog,
    snippets: FindSnippets<'_>,
) -> LintReport {
    let (recipe, mut diagnostics) = match Recipe::parse_bytes(bytes, origin) {
        Err(invalid) => (None, invalid.diagnostics),
        Ok(recipe) => {
            let source = std::str::from_utf8(bytes).expect("checked by parse_bytes");
            let mut found = Vec::new();
            let set = if recipe.compiled.snippets.is_empty() {
                SnippetSet::default()
            } else {
                match snippets(&recipe) {
                    Ok(set) => set,
                    Err(e) => {
                        found.push(Diagnostic::error(
                            format!("the library's snippets could not be read: {}", e.message),
                            None,
                        ));
                        SnippetSet::default()
                    }
                }
            };
            let problems = snippet::problems_in(&recipe, &set);
            let renders = problems.is_empty();
            found.extend(problems);
            if renders {
                found.extend(warnings(&recipe, source, catalog, &set));
            }
            (Some(recipe.name().to_string()), found)
        }
    };
    diagnostics.sort_by_key(|d| {
        let p = d.position.unwrap_or_default();
        (p.line, p.column)
    });
    LintReport {
        origin: origin.to_string(),
        recipe,
        diagnostics,
    }
}

/// The warnings for a valid recipe whose file text is `source`: unused variables, no
/// description, no examples, a default render over the preferred model's window, and
/// template text that Handlebars reads but that will not reach the model.
/// `snippets` are the snippets the recipe includes (see [`FindSnippets`]).
pub fn warnings(
    recipe: &Recipe,
    source: &str,
    catalog: &Catalog,
    snippets: &SnippetSet,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    unused_variables(recipe, snippets, &mut out);
    if recipe.description.trim().is_empty() {
        out.push(
            Diagnostic::warning(
                "the recipe has no description",
                Some(key_position(source, "title").unwrap_or(recipe.def.name.position)),
            )
            .hint("add `description:` with a sentence on what the recipe is for; `list`, `search` and `show` display it"),
        );
    }
    if recipe.examples.is_empty() {
        let at = key_position(source, "prompt")
            .or_else(|| key_position(source, "messages"))
            .unwrap_or(recipe.def.name.position);
        out.push(
            Diagnostic::warning("the recipe has no examples", Some(at)).hint(
                "add `examples:` with an `input:` and its ideal `output:`; two good examples steer format and quality more than instructions do",
            ),
        );
    }
    context_window(recipe, source, catalog, snippets, &mut out);
    hidden_template_text(recipe, &mut out);
    out
}

/// The templates of a recipe with their field names and where their text starts.
fn templates(recipe: &Recipe) -> Vec<(String, &Template, &str, Position)> {
    let mut out = Vec::new();
    if let (Some(t), Some(src)) = (&recipe.compiled.system, &recipe.system) {
        out.push(("system".to_string(), t, src.value.as_str(), src.position));
    }
    if let (Some(t), Some(src)) = (&recipe.compiled.prompt, &recipe.prompt) {
        out.push(("prompt".to_string(), t, src.value.as_str(), src.position));
    }
    for (i, ((_, t), m)) in recipe
        .compiled
        .messages
        .iter()
        .zip(&recipe.messages)
        .enumerate()
    {
        out.push((
            format!("messages[{i}]"),
            t,
            m.content.value.as_str(),
            m.content.position,
        ));
    }
    out
}

fn unused_variables(recipe: &Recipe, snippets: &SnippetSet, out: &mut Vec<Diagnostic>) {
    let mut used = std::collections::HashSet::new();
    for (_, t, _, _) in templates(recipe) {
        for v in template_refs::collect(t).vars {
            used.insert(v.name);
        }
    }
    for found in snippets.found.values() {
        for (v, _) in &found.snippet.uses.vars {
            used.insert(v.clone());
        }
    }
    for (name, var) in &recipe.variables {
        if !used.contains(name) {
            out.push(
                Diagnostic::warning(
                    format!("the variable `{name}` is declared but no template uses it"),
                    Some(var.position),
                )
                .hint(format!(
                    "use it in the prompt, e.g. `<{name}>{{{{{name}}}}}</{name}>`, or remove it from `variables:`"
                )),
            );
        }
    }
}

/// The smallest values a person could give: defaults where there are any, and for
/// required variables without one a one-letter text (an empty one does not count as given),
/// the first choice, the minimum, false or a one-item list. What the prompt costs at the least.
fn least_values(recipe: &Recipe) -> Vec<(String, Input)> {
    recipe
        .variables
        .iter()
        .filter(|(_, v)| v.needs_value())
        .map(|(name, v)| {
            let value = match v.kind {
                VarType::String | VarType::Text => Value::String("x".into()),
                VarType::Choice => Value::String(v.choices.first().cloned().unwrap_or_default()),
                VarType::Integer => {
                    let n = v.min.map_or(0.0, f64::ceil).min(v.max.unwrap_or(f64::MAX));
                    Value::from(n as i64)
                }
                VarType::Number => Value::from(v.min.unwrap_or(0.0).min(v.max.unwrap_or(f64::MAX))),
                VarType::Boolean => Value::Bool(false),
                VarType::List => Value::Array(vec![Value::String("x".into())]),
            };
            (name.clone(), Input::Value(value))
        })
        .collect()
}

/// Renders the recipe with its defaults (see [`least_values`]) and `snippets`.
pub fn render_with_defaults(recipe: &Recipe, snippets: &SnippetSet) -> crate::Result<Prompt> {
    let values = resolve(recipe, &least_values(recipe))
        .map_err(|e| e.to_error(recipe, &|n| format!("a default for `{n}`")))?;
    render_with(recipe, &values, snippets)
}

/// The error when `recipe` does not render with its defaults and `snippets` (a block over a
/// text, say): what `lint` reports and what every way of storing a recipe refuses, at the
/// start of its template.
pub fn default_render_problem(recipe: &Recipe, snippets: &SnippetSet) -> Option<Diagnostic> {
    let e = render_with_defaults(recipe, snippets).err()?;
    let at = recipe
        .prompt
        .as_ref()
        .map(|p| p.position)
        .or(recipe.messages.first().map(|m| m.position))
        .unwrap_or(recipe.def.name.position);
    let mut d = Diagnostic::error(
        format!(
            "with its default values the recipe does not render: {}",
            e.message
        ),
        Some(at),
    );
    d.hint = e.hints.first().cloned();
    Some(d)
}

/// Why `recipe` may not be stored, as every way in (`add`, an edit, the web page's write
/// form) refuses it: what is wrong with its snippets (`snippets`, found for its place),
/// else that it does not render with its defaults. Empty when it may be stored.
pub fn refusals(recipe: &Recipe, snippets: &SnippetSet) -> Vec<Diagnostic> {
    let mut problems = snippet::problems_in(recipe, snippets);
    if problems.is_empty() {
        problems.extend(default_render_problem(recipe, snippets));
    }
    problems
}

/// The warning for a `model.prefer` the catalog does not know: it is still used as given
/// (a new model), with its price unknown and no context-window check. Shown by `lint` and
/// `add`.
pub fn unknown_model(recipe: &Recipe, source: &str, catalog: &Catalog) -> Option<Diagnostic> {
    let wanted = recipe.model.prefer.as_deref()?;
    if catalog.knows(wanted) {
        return None;
    }
    let at = nested_key_position(source, "model", "prefer").unwrap_or(recipe.def.name.position);
    let hint = match catalog.suggest(wanted) {
        Some(close) => format!(
            "did you mean `{close}`? If `{wanted}` is a new model, keep it; `promptbook models` lists the known ones"
        ),
        None => "use a family (haiku, sonnet, opus) or an id that `promptbook models` lists, or keep it if it is a new model".into(),
    };
    Some(
        Diagnostic::warning(
            format!(
                "model.prefer `{wanted}` is not in the model catalog: it is used as written, with price unknown and no context-window check"
            ),
            Some(at),
        )
        .hint(hint),
    )
}

fn context_window(
    recipe: &Recipe,
    source: &str,
    catalog: &Catalog,
    snippets: &SnippetSet,
    out: &mut Vec<Diagnostic>,
) {
    let prefer_at = nested_key_position(source, "model", "prefer");
    let at = prefer_at
        .or_else(|| key_position(source, "prompt"))
        .or_else(|| key_position(source, "messages"))
        .unwrap_or(recipe.def.name.position);
    let prompt = match render_with_defaults(recipe, snippets) {
        Ok(p) => p,
        Err(e) => {
            out.push(
                Diagnostic::error(
                    format!("with its default values the recipe does not render: {}", e.message),
                    Some(at),
                )
                .hint("outside `{{#each}}` and `{{#with}}`, templates may read only the declared variables (not `this`, `@index` or `a.b` of a text value)"),
            );
            return;
        }
    };
    let wanted = recipe.model.prefer.as_deref().unwrap_or("sonnet");
    let Ok(model) = catalog.resolve(wanted) else {
        out.extend(unknown_model(recipe, source, catalog));
        return;
    };
    let Some(window) = model.context_window else {
        return;
    };
    let max_tokens = recipe.model.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS);
    if catalog::fits_without_counting(prompt.byte_len(), max_tokens, window) {
        return;
    }
    let tokens = prompt.estimated_tokens() as u64;
    if tokens + u64::from(max_tokens) > window {
        out.push(
            Diagnostic::warning(
                format!(
                    "with its default values the prompt takes about {} input tokens + {} for the answer (max_tokens), over the {}-token context window of {}",
                    group(tokens),
                    group(u64::from(max_tokens)),
                    group(window),
                    model.id
                ),
                Some(at),
            )
            .hint("shorten the system prompt, examples or long defaults, lower max_tokens, or prefer a model with a larger window"),
        );
    }
}

/// Text that Handlebars reads as template but that never reaches the model.
///
/// In a template every `{{` starts an expression: there is no literal `{{` unless it is
/// written `\{{`. Braces meant as text mostly fail already (a syntax error, or a variable the
/// recipe does not declare, whose hints say how to escape them). What parses and still
/// silently drops text is a comment: `{{! like this }}` vanishes from the prompt. The long
/// form `{{!-- … --}}` is taken as a deliberate note to authors and not reported.
fn hidden_template_text(recipe: &Recipe, out: &mut Vec<Diagnostic>) {
    for (field, template, text, start) in templates(recipe) {
        hidden_in(&field, template, text, start, out);
    }
}

/// The warnings for a snippet file: text its template silently drops (a `{{! comment}}`),
/// as a recipe's templates get from `lint`. `snippet add` shows them.
pub fn snippet_warnings(snippet: &Snippet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    hidden_in(
        "template",
        &snippet.template,
        &snippet.def.template.value,
        snippet.def.template.position,
        &mut out,
    );
    out
}

/// [`hidden_template_text`] for one template: `field` names it, `text` is what it was
/// parsed from and `start` where that text begins in its file.
fn hidden_in(
    field: &str,
    template: &Template,
    text: &str,
    start: Position,
    out: &mut Vec<Diagnostic>,
) {
    {
        let mut found = Vec::new();
        comments(template, &mut found);
        for (line, column) in found {
            let at = text
                .lines()
                .nth(line.saturating_sub(1))
                .map(|l| l.chars().skip(column.saturating_sub(1)).collect::<String>())
                .unwrap_or_default();
            // The empty comment compiling adds after a `{{> snippet}}` line is not in the
            // text (see `recipe::keep_snippet_line_ends`).
            if !at.starts_with("{{") {
                continue;
            }
            let body = at
                .strip_prefix("{{~")
                .or(at.strip_prefix("{{"))
                .unwrap_or(&at);
            if body.starts_with("!--") {
                continue;
            }
            let shown: String = at.chars().take_while(|c| *c != '\n').take(30).collect();
            let shown = match shown.find("}}") {
                Some(i) => shown[..i + 2].to_string(),
                None => format!("{shown}…"),
            };
            out.push(
                Diagnostic::warning(
                    format!(
                        "in `{field}`: `{shown}` is read as a Handlebars comment, so this text never reaches the model"
                    ),
                    Some(crate::recipe::file_position(start, line, column)),
                )
                .hint("to send the braces as text write `\\{{` instead of `{{`; for a note to recipe authors write `{{!-- … --}}`"),
            );
        }
    }
}

fn comments(t: &Template, out: &mut Vec<(usize, usize)>) {
    for (i, element) in t.elements.iter().enumerate() {
        match element {
            TemplateElement::Comment(_) => {
                if let Some(m) = t.mapping.get(i) {
                    out.push((m.0, m.1));
                }
            }
            TemplateElement::HelperBlock(h) => {
                if let Some(inner) = &h.template {
                    comments(inner, out);
                }
                if let Some(inverse) = &h.inverse {
                    comments(inverse, out);
                }
            }
            _ => {}
        }
    }
}

/// The position of the value of a top-level `key:` in `source` (column 1 if it has none on
/// that line).
fn key_position(source: &str, key: &str) -> Option<Position> {
    source.lines().enumerate().find_map(|(i, line)| {
        let rest = line.strip_prefix(key)?.strip_prefix(':')?;
        Some(value_position(i, line, rest))
    })
}

/// The position of `parent:` → `key:` (one level of nesting, block or flow style).
fn nested_key_position(source: &str, parent: &str, key: &str) -> Option<Position> {
    let lines: Vec<&str> = source.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.strip_prefix(parent).is_some_and(|r| r.starts_with(':')))?;
    let flow = lines[start];
    if let Some(i) = flow.find(&format!("{key}:")) {
        let rest = &flow[i + key.len() + 1..];
        return Some(value_position(start, flow, rest));
    }
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        if !line.starts_with(' ') && !line.trim().is_empty() && !line.starts_with('#') {
            break;
        }
        if let Some(rest) = line.trim_start().strip_prefix(key)
            && let Some(rest) = rest.strip_prefix(':')
        {
            return Some(value_position(i, line, rest));
        }
    }
    None
}

fn value_position(index: usize, line: &str, rest: &str) -> Position {
    let value = rest.trim_start();
    let column = if value.is_empty() {
        1
    } else {
        line[..line.len() - value.len()].chars().count() + 1
    };
    Position {
        line: index + 1,
        column,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "name: demo\ntitle: Demo\ndescription: A demo.\nmodel:\n  prefer: haiku\nvariables:\n  topic: { type: string, required: true }\nprompt: |\n  About {{topic}}.\nexamples:\n  - input: { topic: cats }\n    output: Cats.\n";

    fn messages(src: &str) -> Vec<String> {
        lint(src.as_bytes(), "x.yaml", &Catalog::shipped(), &no_snippets)
            .diagnostics
            .iter()
            .map(|d| {
                let p = d.position.unwrap_or_default();
                format!("{}:{} {}", p.line, p.column, d.message)
            })
            .collect()
    }

    #[test]
    fn a_good_recipe_has_no_findings() {
        assert_eq!(messages(GOOD), Vec::<String>::new());
    }

    #[test]
    fn warns_about_unused_variables_missing_description_and_examples() {
        let src = GOOD
            .replace("description: A demo.\n", "")
            .replace(
                "  topic: { type: string, required: true }\n",
                "  topic: { type: string, required: true }\n  tone: { type: string }\n",
            )
            .replace(
                "examples:\n  - input: { topic: cats }\n    output: Cats.\n",
                "",
            );
        assert_eq!(
            messages(&src),
            [
                "2:8 the recipe has no description",
                "7:9 the variable `tone` is declared but no template uses it",
                "8:9 the recipe has no examples",
            ]
        );
    }

    #[test]
    fn warns_about_short_comments_only() {
        let src = GOOD.replace(
            "About {{topic}}.",
            "About {{topic}}. {{!important}} {{!-- note --}}",
        );
        assert_eq!(
            messages(&src),
            [
                "9:20 in `prompt`: `{{!important}}` is read as a Handlebars comment, so this text never reaches the model"
            ]
        );
    }

    #[test]
    fn warns_when_the_default_render_is_over_the_window() {
        let big = "x ".repeat(150_000);
        let src = GOOD
            .replace("About {{topic}}.", &format!("About {{{{topic}}}}. {big}"))
            .replace("prefer: haiku", "prefer: claude-haiku-4-5");
        let found = messages(&src);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("5:11 with its default values the prompt takes about"),
            "{found:?}"
        );
        assert!(
            found[0].ends_with("context window of claude-haiku-4-5"),
            "{found:?}"
        );
    }

    #[test]
    fn unknown_model_and_unrenderable_templates() {
        let src = GOOD.replace("prefer: haiku", "prefer: haikuu");
        assert_eq!(
            messages(&src),
            [
                "5:11 model.prefer `haikuu` is not in the model catalog: it is used as written, with price unknown and no context-window check"
            ]
        );
        let src = GOOD.replace("About {{topic}}.", "About {{topic}} {{@index}}.");
        assert!(
            messages(&src)[0].contains("does not render"),
            "{:?}",
            messages(&src)
        );
    }

    #[test]
    fn errors_come_from_parse() {
        let src = GOOD.replace("About {{topic}}.", "About {{topik}}.");
        assert_eq!(
            messages(&src),
            ["9:9 the template uses `topik`, which the recipe does not declare"]
        );
    }
}
