//! The one render flow every face calls: load a recipe, take the values a person gave,
//! resolve, render, produce a target, and — only once the face has delivered it — remember
//! the answers.
//!
//! Why one place: the command line, interactive fill, the MCP server and the web page must
//! apply the same defaults, the same checks and the same messages, and must all leave the
//! library untouched when a render or its delivery fails. A face only collects inputs
//! (flags, files, a terminal, JSON arguments, a form) and shows results.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::error::Result;
use crate::recipe::snippet::SnippetSet;
use crate::recipe::{Recipe, VarType};
use crate::render::targets::{self, Format};
use crate::render::{Input, Prompt, check_given, render_with, resolve};
use crate::store::Library;

/// What to produce and for which model.
#[derive(Debug, Clone, Default)]
pub struct Target {
    pub format: Format,
    /// A model id or family instead of the recipe's hint.
    pub model: Option<String>,
    /// Produce it even when the prompt does not fit the model's context window.
    pub force: bool,
    /// Do not mark a long prefix for prompt caching, nor show cache prices.
    pub no_cache: bool,
}

/// How a face tells a person to give a variable's value, for messages: `--var topic=…` on
/// the command line, "argument `topic`" in MCP, "the field topic" on the web page.
pub type Naming<'a> = &'a dyn Fn(&str) -> String;

/// A recipe loaded for rendering, remembering which stored version it is, with the
/// snippets it includes as the library has them now.
#[derive(Debug, Clone)]
pub struct Session {
    name: String,
    version: u32,
    recipe: Arc<Recipe>,
    snippets: SnippetSet,
}

/// Earlier answers for a recipe that still fit its current version.
#[derive(Debug, Clone, Default)]
pub struct Earlier {
    /// The answers, typed, for variables the recipe still has.
    pub values: Map<String, Value>,
    /// Answers left out because they no longer fit: (variable, why).
    pub dropped: Vec<(String, String)>,
}

/// A finished render: the prompt in the chosen format, and what to remember once the face
/// has delivered it.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The recipe's full name (`pack/recipe` for a pack's), as the store finds it again.
    pub name: String,
    /// The version rendered.
    pub version: u32,
    /// Every value used, defaults included, in the recipe's declaration order.
    pub values: Map<String, Value>,
    /// The rendered turns.
    pub prompt: Prompt,
    /// The target: its text, and the model it was checked against.
    pub output: targets::Rendered,
}

impl Session {
    /// Loads the current version of `name` (`pack/recipe` or a bare name) for rendering:
    /// one indexed read, no YAML parse when the stored render form is valid.
    /// The snippets it includes are read too (one indexed read each, none when it includes
    /// none).
    pub fn open(library: &Library, name: &str) -> Result<Session> {
        let stored = library.get(name)?;
        let recipe = stored.parse_for_render()?;
        let snippets = library.snippets_for(&recipe, stored.pack.as_deref())?;
        Ok(Session {
            name: stored.name,
            version: stored.version,
            recipe: Arc::new(recipe),
            snippets,
        })
    }

    /// A session over a recipe the face already holds parsed (the MCP server caches them by
    /// content hash) and the snippets it includes, read fresh (`Library::snippets_for`):
    /// they change without the recipe.
    pub fn from_parsed(
        name: String,
        version: u32,
        recipe: Arc<Recipe>,
        snippets: SnippetSet,
    ) -> Session {
        Session {
            name,
            version,
            recipe,
            snippets,
        }
    }

    /// The snippets the recipe includes, as found for it.
    pub fn snippets(&self) -> &SnippetSet {
        &self.snippets
    }

    /// The recipe: its variables in declaration order, hints, templates.
    pub fn recipe(&self) -> &Recipe {
        &self.recipe
    }

    /// The recipe's full name (`pack/recipe` for a pack's).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The stored version loaded.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The last answers remembered for this recipe (`None` when there are none), checked
    /// against its current version: answers for variables it no longer has are dropped,
    /// answers that no longer fit are left out and listed in [`Earlier::dropped`].
    pub fn last_answers(&self, library: &Library) -> Result<Option<Earlier>> {
        let Some(last) = library.last_answers(&self.name)? else {
            return Ok(None);
        };
        let inputs: Vec<(String, Input)> = last
            .answers
            .into_iter()
            .filter(|(k, _)| self.recipe.variables.contains_key(k))
            .map(|(k, v)| (k, Input::Value(v)))
            .collect();
        let (values, problems) = check_given(&self.recipe, &inputs);
        let dropped = problems
            .invalid
            .into_iter()
            .map(|(var, e)| (var, e.message))
            .collect();
        Ok(Some(Earlier { values, dropped }))
    }

    /// Checks given values without requiring anything: the typed values, or one error
    /// naming every unknown name and bad value. Faces that ask for the rest (fill, a form)
    /// call it before asking.
    pub fn check(&self, given: &[(String, Input)], naming: Naming) -> Result<Map<String, Value>> {
        let (values, mut problems) = check_given(&self.recipe, given);
        problems.missing.clear();
        if problems.is_empty() {
            Ok(values)
        } else {
            Err(problems.to_error(&self.recipe, naming))
        }
    }

    /// The required variables still without a value (none given, none blank-given, no
    /// default), in declaration order.
    pub fn missing(&self, given: &[(String, Input)]) -> Vec<String> {
        match resolve(&self.recipe, given) {
            Ok(_) => Vec::new(),
            Err(e) => e.missing,
        }
    }

    /// The one required `text` variable still missing, when it is the only thing missing:
    /// the variable standard input fills when text is piped in (`pbpaste | promptbook
    /// render summarize`).
    pub fn sole_missing_text(&self, given: &[(String, Input)]) -> Option<String> {
        let missing = self.missing(given);
        let [name] = missing.as_slice() else {
            return None;
        };
        let var = self.recipe.variables.get(name)?;
        (var.kind == VarType::Text).then(|| name.clone())
    }

    /// Resolves the values and renders the turns, with no target and no context check (an
    /// MCP client receives the messages themselves).
    pub fn prompt(
        &self,
        given: &[(String, Input)],
        naming: Naming,
    ) -> Result<(Map<String, Value>, Prompt)> {
        let values = resolve(&self.recipe, given).map_err(|e| e.to_error(&self.recipe, naming))?;
        let prompt = render_with(&self.recipe, &values, &self.snippets)?;
        Ok((self.in_order(values), prompt))
    }

    /// The whole render: resolve, render, check the context window, produce the target.
    /// Writes nothing; call [`Rendered::remember`] after the face delivered the result.
    pub fn render(
        &self,
        given: &[(String, Input)],
        target: &Target,
        naming: Naming,
    ) -> Result<Rendered> {
        let (values, prompt) = self.prompt(given, naming)?;
        let output = targets::produce(
            &prompt,
            target.format,
            target.model.as_deref(),
            target.force,
            !target.no_cache,
        )?;
        Ok(Rendered {
            name: self.name.clone(),
            version: self.version,
            values,
            prompt,
            output,
        })
    }

    /// Values in the recipe's declaration order (what is remembered and shown).
    fn in_order(&self, mut values: Map<String, Value>) -> Map<String, Value> {
        self.recipe
            .variables
            .keys()
            .filter_map(|k| values.remove(k).map(|v| (k.clone(), v)))
            .collect()
    }
}

impl Rendered {
    /// The text to print, copy or save.
    pub fn text(&self) -> &str {
        &self.output.text
    }

    /// Remembers the values for `--again` and "use my last answers". Call it only after the
    /// prompt was delivered (printed, saved, copied), so a failed command changes nothing.
    /// A read-only library is left alone: the person chose it.
    pub fn remember(&self, library: &mut Library) -> Result<()> {
        if library.is_read_only() {
            return Ok(());
        }
        library.remember_answers(&self.name, self.version, &self.values)
    }
}

/// The recipe answered most recently, for `--again` without a name.
pub fn last_answered(library: &Library) -> Result<Option<String>> {
    library.last_answered()
}

impl From<&Earlier> for Vec<(String, Input)> {
    fn from(e: &Earlier) -> Self {
        e.values
            .iter()
            .map(|(k, v)| (k.clone(), Input::Value(v.clone())))
            .collect()
    }
}

#[cfg(test)]
mod snippet_tests;
