//! Recipes: the types, parsing with located errors, and validation.

pub mod changes;
pub mod decode;
mod located;
pub mod output;
pub mod render_form;
pub mod scaffold;
pub mod schema;
pub mod snippet;
pub mod template_form;
pub mod template_refs;
mod types;
pub mod values;

use std::fmt::Write as _;

use handlebars::template::Template;
use indexmap::IndexMap;
use serde_json::Value;

pub use located::Located;
pub use output::{JsonDoc, Output, OutputFormat};
pub use template_form::TemplateForm;
pub use types::*;

use crate::error::{Error, did_you_mean};
use crate::yaml::{self, Position};

/// The largest recipe file accepted, in bytes.
pub const MAX_RECIPE_BYTES: usize = 1024 * 1024;

/// The context name under which templates can place the examples themselves.
pub const EXAMPLES_VAR: &str = "examples";

/// How bad a finding is: errors stop a recipe from being stored; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One finding about a recipe file, with where it is and how to fix it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    #[serde(flatten, serialize_with = "ser_position")]
    pub position: Option<Position>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

fn ser_position<S: serde::Serializer>(p: &Option<Position>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(None)?;
    if let Some(p) = p {
        m.serialize_entry("line", &p.line)?;
        m.serialize_entry("column", &p.column)?;
    }
    m.end()
}

impl Diagnostic {
    /// An error at `position`.
    pub fn error(message: impl Into<String>, position: Option<Position>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            position,
            hint: None,
        }
    }

    /// A warning at `position`.
    pub fn warning(message: impl Into<String>, position: Option<Position>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            message: message.into(),
            position,
            hint: None,
        }
    }

    /// Adds how to fix it.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// `origin:line:column: message` (and the hint on the next line).
    pub fn render(&self, origin: &str) -> String {
        let mut s = match self.position {
            Some(p) if p.line > 0 => format!("{origin}:{}:{}: {}", p.line, p.column, self.message),
            _ => format!("{origin}: {}", self.message),
        };
        if let Some(h) = &self.hint {
            let _ = write!(s, "\n  hint: {h}");
        }
        s
    }
}

/// A recipe file that could not be accepted: where it came from and every problem found.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub origin: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl From<Invalid> for Error {
    fn from(inv: Invalid) -> Error {
        let errors: Vec<&Diagnostic> = inv
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        let message = if errors.len() == 1 {
            errors[0].render(&inv.origin)
        } else {
            let mut m = format!("{} has {} problems:", inv.origin, errors.len());
            for d in &errors {
                let _ = write!(m, "\n  {}", d.render(&inv.origin).replace('\n', "\n  "));
            }
            m
        };
        Error::invalid(message).hint(FIX_RECIPE_HINT)
    }
}

/// The hint on every invalid recipe file (a snippet file's errors get
/// [`snippet::FIX_SNIPPET_HINT`] instead, through [`snippet::about_snippets`]).
pub const FIX_RECIPE_HINT: &str =
    "fix the recipe file and try again; `promptbook show` and the README describe the format";

/// Templates compiled once when the recipe is parsed. Templates rebuilt from a render form
/// (see [`template_form`]) carry no positions of their own.
#[derive(Debug, Clone, Default)]
pub struct Compiled {
    pub system: Option<Template>,
    pub prompt: Option<Template>,
    pub messages: Vec<(Role, Template)>,
    /// The templates place the examples themselves (`{{#each examples}}`).
    pub places_examples: bool,
    /// The snippets the templates include, in order, where each `{{> name}}` stands.
    pub snippets: Vec<SnippetUse>,
}

/// One `{{> name}}` in a template: the snippet's name as written, and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnippetUse {
    pub name: String,
    pub position: Position,
}

/// A parsed, validated recipe with its templates compiled.
#[derive(Debug, Clone)]
pub struct Recipe {
    pub def: RecipeFile,
    pub compiled: Compiled,
}

impl std::ops::Deref for Recipe {
    type Target = RecipeFile;
    fn deref(&self) -> &RecipeFile {
        &self.def
    }
}

impl Recipe {
    /// The recipe's name.
    pub fn name(&self) -> &str {
        &self.def.name.value
    }

    /// Parses and validates recipe YAML; `origin` names the file in messages.
    pub fn parse(source: &str, origin: &str) -> Result<Recipe, Invalid> {
        let invalid = |diagnostics| Invalid {
            origin: origin.to_string(),
            diagnostics,
        };
        if source.len() > MAX_RECIPE_BYTES {
            return Err(invalid(vec![Diagnostic::error(
                format!("the file is {} bytes, over the limit of {MAX_RECIPE_BYTES} bytes (1 MiB)", source.len()),
                None,
            )
            .hint("split it into smaller recipes, or move long text into a variable given with @file")]));
        }
        let (decoded, mut diagnostics) = read_tree(source, true).map_err(invalid)?;
        let (compiled, more) = validate(&decoded);
        diagnostics.extend(more);
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            diagnostics.sort_by_key(|d| d.position.map(|p| (p.line, p.column)));
            return Err(invalid(diagnostics));
        }
        Ok(Recipe {
            def: decoded.def,
            compiled,
        })
    }

    /// Reads a recipe stored in the library for rendering. It was fully validated when it
    /// was added, so this drops its `tests:` and skips the checks that only matter when a
    /// recipe is written; templates are still compiled (and any error still reported).
    pub fn parse_for_render(source: &str, origin: &str) -> Result<Recipe, Invalid> {
        let invalid = |diagnostics| Invalid {
            origin: origin.to_string(),
            diagnostics,
        };
        let (decoded, diagnostics) = read_tree(source, false).map_err(invalid)?;
        if !diagnostics.is_empty() {
            return Err(invalid(diagnostics));
        }
        Recipe::stored(decoded.def, None, origin)
    }

    /// Reads a stored recipe for rendering from its render form (see [`render_form`]),
    /// falling back to [`Recipe::parse_for_render`] of its YAML when the form is missing,
    /// unreadable or written by another promptbook.
    pub fn from_render_form(
        form: Option<&str>,
        yaml: &str,
        origin: &str,
    ) -> Result<Recipe, Invalid> {
        match form.and_then(render_form::read) {
            Some(read) => {
                let mut recipe = Recipe::stored(read.recipe, read.templates, origin)?;
                recipe.place_snippets(read.snippets);
                Ok(recipe)
            }
            None => Recipe::parse_for_render(yaml, origin),
        }
    }

    /// The render form to store beside this recipe's YAML: its fields, and its templates
    /// as parsed (see [`template_form`]).
    pub fn render_form(&self) -> String {
        let snippets: Vec<_> = self
            .compiled
            .snippets
            .iter()
            .map(|u| (u.name.clone(), u.position.line, u.position.column))
            .collect();
        render_form::write(&self.def, self.template_forms().as_deref(), &snippets)
    }

    /// Puts the snippet uses of templates rebuilt from a render form back at their places
    /// in the file, as the form recorded them (when it names the same snippets in order).
    fn place_snippets(&mut self, places: render_form::SnippetPlaces) {
        let uses = &mut self.compiled.snippets;
        if uses.len() == places.len() && uses.iter().zip(&places).all(|(u, p)| u.name == p.0) {
            for (u, (_, line, column)) in uses.iter_mut().zip(places) {
                u.position = Position { line, column };
            }
        }
    }

    /// The stored forms of the templates, in the order [`build_templates`] takes them:
    /// `None` for a template whose text holds no `{{` (it is its text); `None` for all when
    /// one of them cannot be stored (they are then parsed from their text).
    fn template_forms(&self) -> Option<Vec<Option<TemplateForm>>> {
        let def = &self.def;
        let c = &self.compiled;
        let mut pairs: Vec<(&Located<String>, &Template)> = Vec::new();
        match (&def.system, &c.system) {
            (Some(s), Some(t)) => pairs.push((s, t)),
            (None, None) => {}
            _ => return None,
        }
        match (&def.prompt, def.messages.is_empty()) {
            (Some(p), true) => pairs.push((p, c.prompt.as_ref()?)),
            (None, false) if c.messages.len() == def.messages.len() => {
                for (m, (_, t)) in def.messages.iter().zip(&c.messages) {
                    pairs.push((&m.content, t));
                }
            }
            _ => return None,
        }
        pairs
            .into_iter()
            .map(|(source, t)| {
                if source.value.contains("{{") {
                    template_form::encode(t).map(Some)
                } else {
                    Some(None)
                }
            })
            .collect()
    }

    /// A stored recipe, validated when it was added: only its templates are built, from
    /// their stored forms when there are any, else parsed (and any error still reported).
    fn stored(
        def: RecipeFile,
        forms: Option<Vec<Option<TemplateForm>>>,
        origin: &str,
    ) -> Result<Recipe, Invalid> {
        let mut diagnostics = Vec::new();
        let compiled = match forms {
            None => compile_templates(&def, &mut diagnostics),
            Some(forms) => {
                let mut forms = forms.into_iter();
                build_templates(&def, &mut diagnostics, &mut |field, t, out| {
                    match forms.next() {
                        Some(Some(form)) => form.decode(),
                        Some(None) if !t.value.contains("{{") => {
                            TemplateForm::text(&t.value).decode()
                        }
                        _ => None,
                    }
                    .or_else(|| parse_field(field, t, out))
                })
            }
        };
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            return Err(Invalid {
                origin: origin.to_string(),
                diagnostics,
            });
        }
        Ok(Recipe { def, compiled })
    }

    /// Parses a file's bytes, refusing text that is not UTF-8.
    pub fn parse_bytes(bytes: &[u8], origin: &str) -> Result<Recipe, Invalid> {
        if let Some(packed) = crate::sniff::Packed::detect(bytes) {
            return Err(Invalid {
                origin: origin.to_string(),
                diagnostics: vec![
                    Diagnostic::error(
                        format!("the file is {}, not a recipe (YAML text)", packed.what()),
                        None,
                    )
                    .hint(packed.how(origin)),
                ],
            });
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => Recipe::parse(s, origin).map_err(|invalid| {
                // A snippet file given where a recipe is expected: say so, instead of
                // reporting `template` as an unknown recipe field.
                match snippet::Snippet::parse(s, origin) {
                    Ok(sn) => Invalid {
                        origin: origin.to_string(),
                        diagnostics: vec![
                            Diagnostic::error(
                                format!(
                                    "this is a snippet file (`{}`), not a recipe",
                                    sn.name()
                                ),
                                Some(sn.def.name.position),
                            )
                            .hint("store it with `promptbook snippet add FILE`; recipes include it as `{{> name}}`"),
                        ],
                    },
                    Err(_) => invalid,
                }
            }),
            Err(e) => {
                let upto = &bytes[..e.valid_up_to()];
                let line = upto.iter().filter(|b| **b == b'\n').count() + 1;
                let column =
                    upto.len() - upto.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1) + 1;
                Err(Invalid {
                    origin: origin.to_string(),
                    diagnostics: vec![
                        Diagnostic::error(
                            "the file is not valid UTF-8 text",
                            Some(Position { line, column }),
                        )
                        .hint("save the file as UTF-8 in your editor"),
                    ],
                })
            }
        }
    }

    /// The names of the variables that have no value unless the user gives one.
    pub fn required_without_default(&self) -> impl Iterator<Item = &str> {
        self.variables
            .iter()
            .filter(|(_, v)| v.needs_value())
            .map(|(k, _)| k.as_str())
    }
}

/// Parses the YAML and reads the recipe field by field: the recipe (with what could not be
/// read left neutral) and every problem found, or the YAML error when the text is not YAML.
fn read_tree(
    source: &str,
    with_tests: bool,
) -> Result<(decode::Decoded, Vec<Diagnostic>), Vec<Diagnostic>> {
    let tree = yaml::parse_tree(source).map_err(|e| {
        let hint = yaml_hint(&e.message);
        let mut d = Diagnostic::error(e.message, e.position);
        d.hint = hint;
        vec![d]
    })?;
    let mut decoder = crate::decode::Decoder::default();
    let decoded = decode::recipe(&tree, with_tests, &mut decoder);
    let diagnostics: Vec<Diagnostic> = decoder
        .problems
        .into_iter()
        .map(|p| Diagnostic {
            severity: Severity::Error,
            message: p.message,
            position: p.position,
            hint: p.hint,
        })
        .collect();
    match decoded {
        Some(decoded) => Ok((decoded, diagnostics)),
        None => Err(diagnostics),
    }
}

/// Parses recipe YAML into its fields without the checks of [`Recipe::parse`] (for
/// comparing stored versions); None when a field cannot be read.
pub fn read_fields(source: &str) -> Option<RecipeFile> {
    match read_tree(source, true) {
        Ok((decoded, problems)) if problems.is_empty() => Some(decoded.def),
        _ => None,
    }
}

fn yaml_hint(message: &str) -> Option<String> {
    if message.starts_with("duplicate mapping key") {
        Some("each key may appear once; remove one of them".into())
    } else if message.starts_with("unclosed") {
        Some(
            "close it (`]` or `}`), or put the whole value in quotes if the bracket is text".into(),
        )
    } else {
        Some("check the indentation and quoting there and on the line before; a value with `: ` or `#` needs quotes, and every `[` or `{` must be closed".into())
    }
}

/// Whether `name` is a valid recipe (or pack) name: kebab-case, 64 characters at most.
pub fn is_kebab(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

fn is_var_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_lowercase() || b == b'_')
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Maps a position inside a template to a position in the file.
pub fn file_position(template_at: Position, line: usize, column: usize) -> Position {
    if template_at.line == 0 {
        return Position::default();
    }
    Position {
        line: template_at.line + line.saturating_sub(1),
        column: template_at.column + column.saturating_sub(1),
    }
}

fn validate(decoded: &decode::Decoded) -> (Compiled, Vec<Diagnostic>) {
    let def = &decoded.def;
    let broken = &decoded.broken_vars;
    let mut out = Vec::new();
    let name = &def.name;
    if !decoded.broken_head && !is_kebab(name) {
        out.push(
            Diagnostic::error(format!("the name {:?} is not kebab-case", name.value), Some(name.position))
                .hint("use lowercase letters, digits and single dashes, e.g. `blog-draft` (64 characters at most)"),
        );
    }
    if !decoded.broken_head && def.title.trim().is_empty() {
        out.push(
            Diagnostic::error("the title is empty", Some(name.position))
                .hint("add `title: A short human title`"),
        );
    }
    validate_model(def, &mut out);
    validate_variables(def, broken, &mut out);
    let compiled = compile_templates(def, &mut out);
    validate_examples(def, broken, &mut out);
    output::check(def, &mut out);
    validate_tests(def, broken, &mut out);
    (compiled, out)
}

fn validate_model(def: &RecipeFile, out: &mut Vec<Diagnostic>) {
    let at = Some(def.name.position);
    if def
        .model
        .prefer
        .as_deref()
        .is_some_and(|p| p.trim().is_empty())
    {
        out.push(
            Diagnostic::error("model.prefer is empty", at)
                .hint("name a family (haiku, sonnet, opus) or a model id"),
        );
    }
}

fn validate_variables(def: &RecipeFile, broken: &[String], out: &mut Vec<Diagnostic>) {
    for (name, var) in &def.variables {
        if broken.contains(name) {
            continue;
        }
        let at = Some(var.position);
        if !is_var_name(name) {
            out.push(
                Diagnostic::error(format!("the variable name `{name}` is not allowed"), at)
                    .hint("use lowercase letters, digits and underscores, starting with a letter, e.g. `target_audience`"),
            );
        }
        if name == EXAMPLES_VAR {
            out.push(
                Diagnostic::error("`examples` is reserved for the few-shot examples", at)
                    .hint("rename the variable"),
            );
        }
        let numeric = matches!(var.kind, VarType::Integer | VarType::Number);
        if var.kind == VarType::Choice && var.choices.is_empty() {
            out.push(
                Diagnostic::error(format!("`{name}` is a choice but has no `choices`"), at)
                    .hint("add `choices: [a, b, c]`"),
            );
        }
        if var.kind != VarType::Choice && !var.choices.is_empty() {
            out.push(
                Diagnostic::error(
                    format!("`{name}` has `choices` but is a {}", var.kind.as_str()),
                    at,
                )
                .hint("set `type: choice`, or remove `choices`"),
            );
        }
        if !numeric && (var.min.is_some() || var.max.is_some()) {
            out.push(
                Diagnostic::error(
                    format!("`{name}` has `min`/`max` but is a {}", var.kind.as_str()),
                    at,
                )
                .hint("only integer and number variables take min and max"),
            );
        }
        let crossed = matches!((var.min, var.max), (Some(min), Some(max)) if min > max);
        if let (Some(min), Some(max)) = (var.min, var.max)
            && crossed
        {
            out.push(
                Diagnostic::error(
                    format!("`variables.{name}` has `min` {min} above `max` {max}"),
                    at,
                )
                .hint("swap them: `min` is the smallest value allowed, `max` the largest"),
            );
        }
        if let Some(default) = &var.default
            && !crossed
            && let Err(e) = values::check(name, var, default.clone())
        {
            let mut d = Diagnostic::error(format!("invalid default: {}", e.message), at);
            d.hint = e
                .hint
                .or(Some("change the default so it fits the variable".into()));
            out.push(d);
        }
    }
}

/// Compiles one template field, reporting its problems at their place in the file; returns
/// the template with the variables and snippets it uses (positions in the file).
pub(crate) fn compile_field(
    field: &str,
    t: &Located<String>,
    out: &mut Vec<Diagnostic>,
) -> Option<(Template, Uses)> {
    let template = parse_field(field, t, out)?;
    let uses = check_field(field, t, &template, out);
    Some((template, uses))
}

/// Parses one template field; a syntax error, or blocks nested too deep, is reported at its
/// place in the file.
fn parse_field(field: &str, t: &Located<String>, out: &mut Vec<Diagnostic>) -> Option<Template> {
    if let Some(p) = template_refs::too_deep(&t.value) {
        out.push(
            Diagnostic::error(
                format!("in `{field}`: {}", p.message),
                Some(file_position(t.position, p.line, p.column)),
            )
            .hint("split the template or flatten its blocks; README.md lists the limits"),
        );
        return None;
    }
    match compile_template(&keep_snippet_line_ends(&t.value)) {
        Ok(template) => Some(template),
        Err(e) => {
            let (line, column) = e.pos().unwrap_or((1, 1));
            out.push(
                Diagnostic::error(
                    format!("in `{field}`: template syntax error: {}", syntax_reason(&e.reason().to_string())),
                    Some(file_position(t.position, line, column)),
                )
                .hint("check that every `{{` has a matching `}}` and every `{{#block}}` its `{{/block}}`; braces meant as text are written `\\{{`"),
            );
            None
        }
    }
}

/// Checks what a parsed template field does (only what templates may do) and returns the
/// variables and snippets it uses, at their places in the file (a template rebuilt from a
/// render form has no positions: its uses are placed at the start of the field).
fn check_field(
    field: &str,
    t: &Located<String>,
    template: &Template,
    out: &mut Vec<Diagnostic>,
) -> Uses {
    let refs = template_refs::collect(template);
    for p in refs.problems {
        out.push(
            Diagnostic::error(
                format!("in `{field}`: {}", p.message),
                Some(file_position(t.position, p.line, p.column)),
            )
            .hint(
                "templates may use variables, if/unless/each/with, the helpers listed and snippets (`{{> name}}`); braces meant as text are written `\\{{`",
            ),
        );
    }
    Uses {
        vars: refs
            .vars
            .into_iter()
            .map(|v| (v.name, file_position(t.position, v.line, v.column)))
            .collect(),
        snippets: refs
            .snippets
            .into_iter()
            .map(|v| SnippetUse {
                name: v.name,
                position: file_position(t.position, v.line, v.column),
            })
            .collect(),
    }
}

/// Handlebars drops the line break after a `{{> name}}` that stands alone on its line,
/// expecting the partial to end with its own; a snippet's text is kept without one (so it
/// also reads well inside a sentence). An empty comment after such a tag keeps the line
/// break where the author wrote it. Nothing before the tag moves, so positions stay true.
pub fn keep_snippet_line_ends(source: &str) -> std::borrow::Cow<'_, str> {
    if !source.contains("{{>") {
        return source.into();
    }
    let standalone = |line: &str| {
        let t = line.trim();
        t.starts_with("{{>") && t.ends_with("}}") && t.matches("{{").count() == 1
    };
    if !source.lines().any(standalone) {
        return source.into();
    }
    let mut out = String::with_capacity(source.len() + 16);
    for line in source.split_inclusive('\n') {
        let (text, end) = match line.strip_suffix('\n') {
            Some(t) => (
                t.strip_suffix('\r').unwrap_or(t),
                &line[t.strip_suffix('\r').unwrap_or(t).len()..],
            ),
            None => (line, ""),
        };
        out.push_str(text);
        if standalone(text) && !end.is_empty() {
            out.push_str("{{!}}");
        }
        out.push_str(end);
    }
    out.into()
}

/// What a template uses: root variables and snippets, with their positions in the file.
#[derive(Debug, Clone, Default)]
pub struct Uses {
    pub vars: Vec<(String, Position)>,
    pub snippets: Vec<SnippetUse>,
}

/// How [`build_templates`] gets one template: the field's name (for messages), its text and
/// where to report problems.
type Obtain<'a> = dyn FnMut(&str, &Located<String>, &mut Vec<Diagnostic>) -> Option<Template> + 'a;

/// Parses every template of `def` and checks what they use.
fn compile_templates(def: &RecipeFile, out: &mut Vec<Diagnostic>) -> Compiled {
    build_templates(def, out, &mut parse_field)
}

/// Gets every template of `def` through `obtain` and checks what they use: only variables
/// the recipe declares, only the helpers recipes may call.
fn build_templates(def: &RecipeFile, out: &mut Vec<Diagnostic>, obtain: &mut Obtain) -> Compiled {
    let mut compiled = Compiled::default();
    let mut used: Vec<(String, Position)> = Vec::new();
    let mut snippets: Vec<SnippetUse> = Vec::new();
    let mut compile =
        |field: &str, t: &Located<String>, out: &mut Vec<Diagnostic>| -> Option<Template> {
            let template = obtain(field, t, out)?;
            let uses = check_field(field, t, &template, out);
            used.extend(uses.vars);
            snippets.extend(uses.snippets);
            Some(template)
        };
    if let Some(s) = &def.system {
        compiled.system = compile("system", s, out);
    }
    match (&def.prompt, def.messages.is_empty()) {
        (Some(_), false) => out.push(
            Diagnostic::error(
                "the recipe has both `prompt` and `messages`",
                Some(def.name.position),
            )
            .hint("use `prompt` for one user turn, or `messages` for several turns, not both"),
        ),
        (None, true) => out.push(
            Diagnostic::error("the recipe has no `prompt`", Some(def.name.position)).hint(
                "add `prompt: |` with the text of the request (or `messages:` for several turns)",
            ),
        ),
        (Some(p), true) => compiled.prompt = compile("prompt", p, out),
        (None, false) => {
            for (i, m) in def.messages.iter().enumerate() {
                if let Some(t) = compile(&format!("messages[{}]", i + 1), &m.content, out) {
                    compiled.messages.push((m.role, t));
                }
            }
            if let Some(last) = def.messages.last()
                && last.role != Role::User
            {
                out.push(
                    Diagnostic::error("the last message must be a user turn", Some(last.position))
                        .hint("end `messages:` with `- role: user`"),
                );
            }
        }
    }
    compiled.snippets = snippets;
    for (name, position) in used {
        if name == EXAMPLES_VAR {
            compiled.places_examples = true;
            continue;
        }
        if !def.variables.contains_key(&name) {
            let hint = match did_you_mean(&name, def.variables.keys().map(String::as_str)) {
                Some(close) => {
                    format!("did you mean `{close}`? Otherwise declare `{name}` under `variables:`")
                }
                None => format!(
                    "declare it under `variables:`, e.g. `{name}: {{ type: string, required: true }}`"
                ),
            };
            let hint = format!("{hint}; if the braces are meant as text, write `\\{{{{{name}}}}}`");
            out.push(
                Diagnostic::error(
                    format!("the template uses `{name}`, which the recipe does not declare"),
                    Some(position),
                )
                .hint(hint),
            );
        }
    }
    compiled
}

/// The regex crate's own reason ("unclosed group"), without the copy of the pattern and the
/// caret it draws above it.
fn regex_reason(e: &regex::Error) -> String {
    let text = e.to_string();
    text.lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(|l| l.strip_prefix("error: ").unwrap_or(l).to_string())
        .unwrap_or(text)
}

/// Compiles a template. Text without `{{` is taken as it is: Handlebars would only copy it,
/// and skipping its parser halves the cost of reading a typical recipe on the render path.
fn compile_template(source: &str) -> Result<Template, handlebars::TemplateError> {
    if source.contains("{{") {
        let mut template = Template::compile(source)?;
        if source.contains('>') {
            no_snippet_indent(&mut template);
        }
        return Ok(template);
    }
    // A one-character template has the shape (one raw element at 1:1) without the parse.
    let mut raw = Template::compile("x")?;
    raw.elements[0] = handlebars::template::TemplateElement::RawString(source.to_string());
    Ok(raw)
}

/// A snippet's text goes in as written. Handlebars would indent every later line of a
/// partial by the white space before `{{> name}}` on its line — even mid-sentence, where
/// that is the space between two words — which no exported format reproduces.
fn no_snippet_indent(template: &mut Template) {
    use handlebars::template::TemplateElement as E;
    for element in &mut template.elements {
        match element {
            E::PartialExpression(d) => d.indent = None,
            E::HelperBlock(h) => {
                if let Some(t) = h.template.as_mut() {
                    no_snippet_indent(t);
                }
                if let Some(t) = h.inverse.as_mut() {
                    no_snippet_indent(t);
                }
            }
            _ => {}
        }
    }
}

/// Handlebars' reason in a line people read: its parser lists every rule it expected (
/// "expected escape, expression, html_expression, …"), which says nothing to a recipe's
/// author, so that list becomes what it means.
fn syntax_reason(reason: &str) -> String {
    let line = first_line(reason);
    match line.find("expected escape, expression") {
        Some(i) => format!(
            "{}a `{{{{` that does not start a complete expression (a block needs its name and value, e.g. `{{{{#if topic}}}}`)",
            &line[..i]
        ),
        None => line.to_string(),
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// Checks values given for a recipe's variables (an example's input or a test's vars).
fn check_values(
    def: &RecipeFile,
    broken: &[String],
    what: &str,
    given: &IndexMap<String, Value>,
    at: Position,
    require_all: bool,
    out: &mut Vec<Diagnostic>,
) {
    for (name, value) in given {
        if broken.contains(name) {
            continue;
        }
        match def.variables.get(name) {
            None => {
                let hint = match did_you_mean(name, def.variables.keys().map(String::as_str)) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => format!(
                        "the variables are: {}",
                        def.variables.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                };
                out.push(
                    Diagnostic::error(
                        format!("{what} names `{name}`, which the recipe does not declare"),
                        Some(at),
                    )
                    .hint(hint),
                );
            }
            Some(var) => {
                if let Err(e) = values::check(name, var, value.clone()) {
                    let mut d = Diagnostic::error(format!("{what}: {}", e.message), Some(at));
                    d.hint = e.hint;
                    out.push(d);
                }
            }
        }
    }
    if require_all {
        for (name, var) in &def.variables {
            if var.needs_value() && !given.contains_key(name) {
                out.push(
                    Diagnostic::error(
                        format!("{what} does not give the required variable `{name}`"),
                        Some(at),
                    )
                    .hint(format!("add `{name}: …` to it")),
                );
            }
        }
    }
}

fn validate_examples(def: &RecipeFile, broken: &[String], out: &mut Vec<Diagnostic>) {
    for (i, ex) in def.examples.iter().enumerate() {
        if let ExampleInput::Vars(vars) = &ex.input {
            check_values(
                def,
                broken,
                &format!("example {}", i + 1),
                vars,
                ex.position,
                true,
                out,
            );
        }
    }
}

fn validate_tests(def: &RecipeFile, broken: &[String], out: &mut Vec<Diagnostic>) {
    for (i, case) in def.tests.iter().enumerate() {
        let what = match &case.name {
            Some(n) => format!("test {} ({n})", i + 1),
            None => format!("test {}", i + 1),
        };
        check_values(def, broken, &what, &case.vars, case.position, true, out);
        if case.expect.answer.is_some() && def.output.is_none() {
            out.push(
                Diagnostic::error(
                    format!("{what}: `answer` is checked against `output.schema`, but the recipe has no `output`"),
                    Some(case.position),
                )
                .hint("add `output: { format: json, schema: … }` to the recipe, or remove `answer`"),
            );
        }
        for re in &case.expect.matches {
            if let Err(e) = regex::Regex::new(re) {
                out.push(
                    Diagnostic::error(format!("{what}: invalid regex {re:?}: {}", regex_reason(&e)), Some(case.position))
                        .hint("fix the pattern; in YAML double quotes a backslash must be doubled (\"\\\\d+\"), or use single quotes"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "name: demo\ntitle: Demo\nvariables:\n  topic: { type: string, required: true }\nprompt: |\n  About {{topic}}.\n";

    #[test]
    fn text_without_braces_compiles_to_itself() {
        let t = compile_template("a \\ b } { $x\n").unwrap();
        assert_eq!(t, Template::compile("a \\ b } { $x\n").unwrap());
    }

    #[test]
    fn parses_a_good_recipe() {
        let r = Recipe::parse(GOOD, "demo.yaml").unwrap();
        assert_eq!(r.name(), "demo");
        assert!(r.compiled.prompt.is_some());
    }

    #[test]
    fn undeclared_variable_is_located_in_the_file() {
        let src = GOOD.replace("About {{topic}}", "About {{topic}} for {{audiense}}");
        let e = Recipe::parse(&src, "demo.yaml").unwrap_err();
        assert_eq!(
            e.diagnostics[0].position,
            Some(Position {
                line: 6,
                column: 23
            })
        );
        assert!(e.diagnostics[0].message.contains("`audiense`"));
    }

    #[test]
    fn template_syntax_error_is_located() {
        let src = GOOD.replace("About {{topic}}.", "About {{#if topic}}x");
        let e = Recipe::parse(&src, "demo.yaml").unwrap_err();
        assert!(
            e.diagnostics[0].message.contains("template syntax error"),
            "{e:?}"
        );
        assert!(e.diagnostics[0].position.unwrap().line >= 6);
    }

    #[test]
    fn bad_default_is_an_error() {
        let src = GOOD.replace(
            "{ type: string, required: true }",
            "{ type: choice, choices: [a, b], default: c }",
        );
        let e = Recipe::parse(&src, "demo.yaml").unwrap_err();
        assert!(
            e.diagnostics[0].message.starts_with("invalid default"),
            "{e:?}"
        );
        assert_eq!(
            e.diagnostics[0].position,
            Some(Position {
                line: 4,
                column: 10
            })
        );
    }

    #[test]
    fn non_utf8_is_located() {
        let e = Recipe::parse_bytes(b"name: a\ntitle: \xff\n", "x.yaml").unwrap_err();
        assert_eq!(
            e.diagnostics[0].position,
            Some(Position { line: 2, column: 8 })
        );
    }
}
