//! Rendering: Handlebars set up for prompts (strict, no escaping, values as data), variable
//! resolution, and the output formats.

mod resolve;
pub mod targets;

use std::cell::RefCell;

use handlebars::{
    Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderError,
    RenderErrorReason, Renderable, StringOutput, no_escape,
};
use serde::Serialize;
use serde_json::{Map, Value, json};

pub use resolve::{Input, ResolveError, check_given, resolve};

use crate::error::{Error, Result};
use crate::recipe::snippet::{SnippetSet, UsedSnippet};
use crate::recipe::{ExampleInput, ModelHints, Recipe, Role};

/// One turn of the rendered conversation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Turn {
    pub role: Role,
    pub content: String,
    /// Which few-shot example (1-based) this turn belongs to, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<usize>,
}

/// A rendered recipe: what every output format is made from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prompt {
    pub recipe: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    pub messages: Vec<Turn>,
    pub hints: ModelHints,
    /// The JSON Schema the answer must follow (the recipe's `output.schema`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_schema: Option<Value>,
    /// The snippet versions the templates included, so the render can be reproduced.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub snippets: Vec<UsedSnippet>,
}

impl Prompt {
    /// Bytes of all text that is sent: the cheap upper bound on its token count.
    pub fn byte_len(&self) -> usize {
        self.system.as_ref().map_or(0, String::len)
            + self.messages.iter().map(|t| t.content.len()).sum::<usize>()
    }

    /// The estimated input tokens of this prompt: the one count every face shows (the fill
    /// preview, the copy message, `--format json`) and every check uses (the context window,
    /// lint, `max_input_tokens`), so two places never disagree. Loads the tokenizer.
    pub fn estimated_tokens(&self) -> usize {
        crate::catalog::estimate_tokens(&self.all_text())
    }

    /// All text that is sent, for token estimates and checks.
    pub fn all_text(&self) -> String {
        let mut s = String::with_capacity(self.byte_len() + 16);
        if let Some(sys) = &self.system {
            s.push_str(sys);
            s.push('\n');
        }
        for t in &self.messages {
            s.push_str(&t.content);
            s.push('\n');
        }
        s
    }

    /// The text a recipe test checks: the system prompt and every turn that is not a
    /// few-shot example. The examples are the same whatever the test's values, so their text
    /// would satisfy a `contains` the values never produced and trip a `not_contains` the
    /// values rightly left out.
    pub fn text_without_examples(&self) -> String {
        let mut s = String::new();
        if let Some(sys) = &self.system {
            s.push_str(sys);
            s.push('\n');
        }
        for t in self.messages.iter().filter(|t| t.example.is_none()) {
            s.push_str(&t.content);
            s.push('\n');
        }
        s
    }
}

thread_local! {
    static REGISTRY: RefCell<Option<Handlebars<'static>>> = const { RefCell::new(None) };
}

fn new_registry() -> Handlebars<'static> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_escape_fn(no_escape);
    hb.unregister_helper("log");
    hb.register_helper("join", Box::new(join_helper));
    hb
}

/// `{{join list ", "}}`: the items of a list joined by a separator (", " by default).
fn join_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let list = h
        .param(0)
        .ok_or(RenderErrorReason::ParamNotFoundForIndex("join", 0))?;
    let sep = h.param(1).and_then(|p| p.value().as_str()).unwrap_or(", ");
    let text = match list.value() {
        Value::Array(items) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(sep),
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    out.write(&text)?;
    Ok(())
}

/// Renders a compiled template with the shared registry (strict, no escaping). The template
/// is rendered in place, not registered: registering clones it. The snippets of the render
/// under way are registered (see [`with_snippets`]), which is how `{{> name}}` finds them.
fn render_template(template: &handlebars::template::Template, ctx: &Context) -> Result<String> {
    REGISTRY.with(|cell| {
        let mut slot = cell.borrow_mut();
        let hb: &Handlebars<'_> = slot.get_or_insert_with(new_registry);
        let mut out = StringOutput::new();
        template
            .render(hb, ctx, &mut RenderContext::new(None), &mut out)
            .and_then(|()| out.into_string().map_err(RenderError::from))
            .map(trim_end_owned)
            .map_err(|e| match e.reason() {
                RenderErrorReason::MissingVariable(Some(path)) => Error::failed(format!(
                    "rendering failed: the template reads `{path}` where it has no value"
                ))
                .hint(
                    "a block such as `{{#each NAME}}` needs a list, and `NAME.field` a value with fields; `promptbook lint` shows where, with the recipe's defaults",
                ),
                reason => Error::failed(format!("rendering failed: {reason}")).hint(
                    "`promptbook lint` checks the recipe with its defaults; if it finds nothing, please report this with the recipe",
                ),
            })
    })
}

/// Drops trailing white space left by `{{#if}}` lines that rendered empty, and the rest of
/// the 8 KiB Handlebars reserved for the text.
fn trim_end_owned(mut s: String) -> String {
    let len = s.trim_end().len();
    s.truncate(len);
    s.shrink_to_fit();
    s
}

/// Renders `recipe` with `values` (from [`resolve`]) into a conversation. For a recipe that
/// includes snippets, use [`render_with`].
pub fn render(recipe: &Recipe, values: &Map<String, Value>) -> Result<Prompt> {
    render_with(recipe, values, &SnippetSet::default())
}

/// Renders `recipe` with `values`, its `{{> name}}` taken from `snippets` (gathered by the
/// store for the recipe's place, and checked: a name missing from it fails the render).
pub fn render_with(
    recipe: &Recipe,
    values: &Map<String, Value>,
    snippets: &SnippetSet,
) -> Result<Prompt> {
    if let Some(missing) = recipe
        .compiled
        .snippets
        .iter()
        .find(|u| !snippets.found.contains_key(&u.name))
    {
        return Err(Error::invalid(format!(
            "`{}` includes the snippet `{}`, which is not in the library",
            recipe.name(),
            missing.name
        ))
        .hint("add it with `promptbook snippet add FILE`, or edit the recipe to leave it out"));
    }
    with_snippets(snippets, || render_registered(recipe, values, snippets))
}

/// Runs `f` with `snippets` registered as partials, and unregisters them afterwards, so
/// one render's snippets never leak into the next (which may be another pack's).
fn with_snippets<T>(snippets: &SnippetSet, f: impl FnOnce() -> T) -> T {
    struct Clear;
    impl Drop for Clear {
        fn drop(&mut self) {
            REGISTRY.with(|cell| {
                if let Some(hb) = cell.borrow_mut().as_mut() {
                    hb.clear_templates();
                }
            });
        }
    }
    if snippets.found.is_empty() {
        return f();
    }
    REGISTRY.with(|cell| {
        let mut slot = cell.borrow_mut();
        let hb = slot.get_or_insert_with(new_registry);
        for (name, found) in &snippets.found {
            hb.register_template(name, found.snippet.template.clone());
        }
    });
    let _clear = Clear;
    f()
}

fn render_registered(
    recipe: &Recipe,
    values: &Map<String, Value>,
    snippets: &SnippetSet,
) -> Result<Prompt> {
    let mut ctx = Value::Object(values.clone());
    let examples = &recipe.examples;
    let mut example_turns = Vec::new();
    let mut placed = Vec::new();
    for (i, ex) in examples.iter().enumerate() {
        let user = match &ex.input {
            ExampleInput::Text(t) => t.clone(),
            ExampleInput::Vars(vars) => {
                let given: Vec<(String, Input)> = vars
                    .iter()
                    .map(|(k, v)| (k.clone(), Input::Value(v.clone())))
                    .collect();
                let ex_values = resolve(recipe, &given).map_err(|e| {
                    let mut err =
                        e.to_error(recipe, &|n| format!("add `{n}` to the example's input"));
                    err.message =
                        format!("example {} of `{}`: {}", i + 1, recipe.name(), err.message);
                    err
                })?;
                let mut ex_ctx = Value::Object(ex_values);
                ex_ctx[crate::recipe::EXAMPLES_VAR] = json!([]);
                final_user_text(recipe, &Context::from(ex_ctx))?
            }
        };
        placed.push(json!({ "input": user, "output": ex.output }));
        example_turns.push(Turn {
            role: Role::User,
            content: user,
            example: Some(i + 1),
        });
        example_turns.push(Turn {
            role: Role::Assistant,
            content: ex.output.clone(),
            example: Some(i + 1),
        });
    }
    ctx[crate::recipe::EXAMPLES_VAR] = Value::Array(placed);
    let ctx = Context::from(ctx);

    let system = match &recipe.compiled.system {
        Some(t) => Some(render_template(t, &ctx)?),
        None => None,
    };
    let mut messages = Vec::new();
    if !recipe.compiled.places_examples {
        messages.extend(example_turns);
    }
    if let Some(p) = &recipe.compiled.prompt {
        messages.push(Turn {
            role: Role::User,
            content: render_template(p, &ctx)?,
            example: None,
        });
    } else {
        for (role, t) in &recipe.compiled.messages {
            messages.push(Turn {
                role: *role,
                content: render_template(t, &ctx)?,
                example: None,
            });
        }
    }
    Ok(Prompt {
        recipe: recipe.name().to_string(),
        system,
        messages,
        hints: recipe.model.clone(),
        output_schema: recipe.output.as_ref().map(|o| o.schema.value.clone()),
        snippets: snippets.used(&recipe.compiled.snippets),
    })
}

/// The text of the final user turn for an example's values.
fn final_user_text(recipe: &Recipe, ctx: &Context) -> Result<String> {
    if let Some(p) = &recipe.compiled.prompt {
        return render_template(p, ctx);
    }
    match recipe
        .compiled
        .messages
        .iter()
        .rev()
        .find(|(r, _)| *r == Role::User)
    {
        Some((_, t)) => render_template(t, ctx),
        None => Ok(String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r#"name: demo
title: Demo
variables:
  topic: { type: string, required: true }
  keywords: { type: list, default: [] }
  notes: { type: text }
system: You write about {{topic}}.
prompt: |
  Topic: {{topic}}{{#if keywords}} ({{join keywords ", "}}){{/if}}{{#if notes}}
  Notes: {{notes}}{{/if}}
examples:
  - input: { topic: cats }
    output: Cats are great.
"#;

    // The starter recipes, as the store embeds them (without importing the store).
    include!(concat!(env!("OUT_DIR"), "/starter.rs"));

    #[test]
    fn the_render_view_of_every_starter_recipe_renders_like_the_full_parse() {
        for (file, yaml) in STARTER {
            let full = Recipe::parse(yaml, file).unwrap();
            let quick = Recipe::parse_for_render(yaml, file).unwrap();
            assert!(quick.tests.is_empty());
            assert_eq!(full.variables, quick.variables, "{file}");
            let given: Vec<(String, Input)> = full
                .required_without_default()
                .map(|n| (n.to_string(), Input::Text("x".into())))
                .collect();
            let a = render(&full, &resolve(&full, &given).unwrap()).unwrap();
            let b = render(&quick, &resolve(&quick, &given).unwrap()).unwrap();
            assert_eq!(a, b, "{file}");
            let stored = Recipe::from_render_form(Some(&full.render_form()), "", file).unwrap();
            let c = render(&stored, &resolve(&stored, &given).unwrap()).unwrap();
            assert_eq!(a, c, "{file}: from its render form");
        }
    }

    fn run(given: &[(&str, &str)]) -> Prompt {
        let r = Recipe::parse(SRC, "demo.yaml").unwrap();
        let given: Vec<(String, Input)> = given
            .iter()
            .map(|(k, v)| (k.to_string(), Input::Text(v.to_string())))
            .collect();
        render(&r, &resolve(&r, &given).unwrap()).unwrap()
    }

    #[test]
    fn values_are_data_not_template() {
        let p = run(&[("topic", "{{#each x}}{{/each}} $HOME \\ <b>&amp; }}")]);
        assert_eq!(
            p.messages.last().unwrap().content,
            "Topic: {{#each x}}{{/each}} $HOME \\ <b>&amp; }}"
        );
        assert_eq!(
            p.system.as_deref(),
            Some("You write about {{#each x}}{{/each}} $HOME \\ <b>&amp; }}.")
        );
    }

    #[test]
    fn examples_become_turns_before_the_task() {
        let p = run(&[("topic", "dogs"), ("keywords", "a,b")]);
        let roles: Vec<_> = p.messages.iter().map(|t| (t.role, t.example)).collect();
        assert_eq!(
            roles,
            [
                (Role::User, Some(1)),
                (Role::Assistant, Some(1)),
                (Role::User, None)
            ]
        );
        assert_eq!(p.messages[0].content, "Topic: cats");
        assert_eq!(p.messages[2].content, "Topic: dogs (a, b)");
    }

    #[test]
    fn missing_and_unknown_are_all_reported() {
        let r = Recipe::parse(SRC, "demo.yaml").unwrap();
        let e = resolve(&r, &[("topik".into(), Input::Text("x".into()))]).unwrap_err();
        assert_eq!(
            e.unknown,
            [("topik".to_string(), Some("topic".to_string()))]
        );
        assert_eq!(e.missing, ["topic"]);
    }
}
