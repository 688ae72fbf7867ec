//! What the server serves: the library behind a lock, the selection, and caches of parsed
//! recipes and of the prompt list. Every method is synchronous and short; the handlers in
//! `server.rs` call them. All storage goes through the core `Library`, all rendering through
//! the core's render session (`session::Session`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rmcp::model::{self, GetPromptResult, JsonObject, ListPromptsResult};

use super::convert;
use crate::error::{Error, ErrorKind, Result, did_you_mean};
use crate::recipe::Recipe;
use crate::render::Prompt;
use crate::session::{Session, Target};
use crate::store::{Library, SearchHit, Selection};

/// How a variable is named in MCP error hints (the command line says `--var NAME=…`).
pub fn how(name: &str) -> String {
    format!("argument `{name}`")
}

/// The served library. rusqlite's connection is `Send` but not `Sync`, so it sits behind a
/// mutex; each request holds it only for its SQL (microseconds), never while parsing or
/// rendering.
pub struct Served {
    lib: Mutex<Library>,
    selection: Selection,
    page_size: usize,
    /// Parsed recipes by content hash: a recipe is parsed (and its templates compiled) once
    /// per process, and an edit (a new hash) is parsed afresh.
    parsed: Mutex<HashMap<String, Arc<Recipe>>>,
    /// The prompt list and the `data_version` it was built at.
    list: Mutex<Option<(i64, Arc<Vec<model::Prompt>>)>>,
}

/// The last state the change watcher saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    data_version: i64,
    signature: u64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a lock is caught per request; the data stays usable.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Served {
    pub fn new(lib: Library, selection: Selection, page_size: usize) -> Served {
        Served {
            lib: Mutex::new(lib),
            selection,
            page_size: page_size.max(1),
            parsed: Mutex::new(HashMap::new()),
            list: Mutex::new(None),
        }
    }

    pub fn selection(&self) -> &Selection {
        &self.selection
    }

    /// The parsed recipe for stored YAML, from the cache when this exact text was seen.
    fn parse(&self, stored: &crate::store::StoredRecipe) -> Result<Arc<Recipe>> {
        if let Some(r) = lock(&self.parsed).get(&stored.hash) {
            return Ok(r.clone());
        }
        let recipe = Arc::new(stored.parse_for_render()?);
        lock(&self.parsed).insert(stored.hash.clone(), recipe.clone());
        Ok(recipe)
    }

    /// Every served prompt, by name; rebuilt only when another process changed the library.
    pub fn prompts(&self) -> Result<Arc<Vec<model::Prompt>>> {
        let (version, stored) = {
            let lib = lock(&self.lib);
            let version = lib.data_version()?;
            if let Some((v, list)) = &*lock(&self.list)
                && *v == version
            {
                return Ok(list.clone());
            }
            (version, lib.current(&self.selection)?)
        };
        let mut prompts = Vec::with_capacity(stored.len());
        for s in &stored {
            match self.parse(s) {
                // Named as stored (`pack/recipe` for a pack's), so prompts/get finds the same one.
                Ok(recipe) => prompts.push(convert::prompt(&s.name, &recipe)),
                // A stored recipe this version cannot read is left out rather than failing
                // the whole list; the person sees why on standard error.
                Err(e) => eprintln!("promptbook mcp: skipping `{}`: {}", s.name, e.full_text()),
            }
        }
        let prompts = Arc::new(prompts);
        *lock(&self.list) = Some((version, prompts.clone()));
        Ok(prompts)
    }

    /// One page of the prompt list. Pages hold `page_size` prompts (all of them, for any
    /// library smaller than that); the cursor is the last name of the previous page, so a
    /// recipe added or removed between pages shifts nothing.
    pub fn list_page(&self, cursor: Option<&str>) -> Result<ListPromptsResult> {
        let prompts = self.prompts()?;
        let start = match cursor {
            Some(after) => prompts.partition_point(|p| p.name.as_str() <= after),
            None => 0,
        };
        let end = (start + self.page_size).min(prompts.len());
        let mut result = ListPromptsResult::with_all_items(prompts[start..end].to_vec());
        if end < prompts.len() {
            result.next_cursor = Some(prompts[end - 1].name.clone());
        }
        Ok(result)
    }

    /// A render session over the served recipe `name`, or a not-found error that says what
    /// is served instead.
    pub fn session(&self, name: &str) -> Result<Session> {
        let stored = lock(&self.lib).get(name);
        let stored = match stored {
            Ok(s) => s,
            Err(e) if e.kind == ErrorKind::NotFound => return Err(self.unknown(name)),
            Err(e) => return Err(e),
        };
        let recipe = self.parse(&stored)?;
        let pack = stored.pack.as_deref();
        if !self.selection.packs.is_empty() && !self.selection.admits(pack, &recipe) {
            return Err(Error::not_found(format!(
                "`{name}` is in the library but not served here: this server serves only the recipes of the pack(s) {}",
                self.selection.packs.join(", ")
            ))
            .hint(match pack {
                Some(p) => format!("it comes from the pack `{p}`; start the server with --pack {p} to serve it"),
                None => "it is your own recipe, not a pack's; start the server without --pack to serve it".to_string(),
            }));
        }
        if !self.selection.admits(pack, &recipe) {
            return Err(Error::not_found(format!(
                "`{name}` is in the library but not served here: this server serves only recipes tagged {}",
                self.selection.tags.join(", ")
            ))
            .hint(format!(
                "its tags are: {}; start the server with one of them in --tag to serve it",
                if recipe.tags.is_empty() {
                    "(none)".to_string()
                } else {
                    recipe.tags.join(", ")
                }
            )));
        }
        let snippets = lock(&self.lib).snippets_for(&recipe, pack)?;
        Ok(Session::from_parsed(
            stored.name,
            stored.version,
            recipe,
            snippets,
        ))
    }

    fn unknown(&self, name: &str) -> Error {
        let mut e = Error::not_found(format!("no prompt named `{name}`"));
        if let Ok(prompts) = self.prompts()
            && let Some(close) = did_you_mean(name, prompts.iter().map(|p| p.name.as_str()))
        {
            e = e.hint(format!("did you mean `{close}`?"));
        }
        e.hint("prompts/list lists the prompts; the search_recipes tool finds one by words")
    }

    /// Resolves and renders through the core session, exactly as `promptbook render` does:
    /// the same defaults and checks, values as data.
    fn render(&self, name: &str, arguments: Option<&JsonObject>) -> Result<(Session, Prompt)> {
        let session = self.session(name)?;
        let (_, prompt) = session.prompt(&convert::inputs(arguments), &how)?;
        Ok((session, prompt))
    }

    /// `prompts/get`: the rendered recipe as MCP messages.
    pub fn get_prompt(
        &self,
        name: &str,
        arguments: Option<&JsonObject>,
    ) -> Result<GetPromptResult> {
        let (session, prompt) = self.render(name, arguments)?;
        let recipe = session.recipe();
        let description = if recipe.description.trim().is_empty() {
            recipe.title.clone()
        } else {
            recipe.description.trim().to_string()
        };
        Ok(GetPromptResult::new(convert::messages(&prompt)).with_description(description))
    }

    /// `render_recipe`: the same text `promptbook render NAME` prints.
    pub fn render_text(&self, name: &str, arguments: Option<&JsonObject>) -> Result<String> {
        let session = self.session(name)?;
        let rendered = session.render(&convert::inputs(arguments), &Target::default(), &how)?;
        Ok(rendered.output.text)
    }

    /// `completion/complete` for an argument of a served prompt.
    pub fn complete(&self, prompt: &str, argument: &str, typed: &str) -> Result<Vec<String>> {
        let session = self.session(prompt)?;
        let recipe = session.recipe();
        let Some(var) = recipe.variables.get(argument) else {
            let mut e = Error::usage(format!("`{prompt}` has no argument `{argument}`"));
            if let Some(close) = did_you_mean(argument, recipe.variables.keys().map(String::as_str))
            {
                e = e.hint(format!("did you mean `{close}`?"));
            }
            return Err(e);
        };
        Ok(convert::completions(var, typed))
    }

    /// `search_recipes`: ranked matches among the served recipes.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        lock(&self.lib).search_in(&self.selection, query, limit)
    }

    /// What the change watcher compares: cheap (`data_version`, no table read) unless another
    /// process committed, then the signature of the served recipes.
    pub fn seen(&self, last: Option<Seen>) -> Result<Seen> {
        let lib = lock(&self.lib);
        let data_version = lib.data_version()?;
        if let Some(last) = last
            && last.data_version == data_version
        {
            return Ok(last);
        }
        Ok(Seen {
            data_version,
            signature: lib.signature(&self.selection)?,
        })
    }
}

impl Seen {
    /// Whether the served recipes differ between two observations.
    pub fn recipes_changed(&self, before: &Seen) -> bool {
        self.signature != before.signature
    }
}
