//! The model catalog (context windows and prices), token estimates and cost.

mod tokens;

use std::path::PathBuf;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

pub use tokens::{estimate_tokens, fits_without_counting};

use crate::error::{Error, Result, did_you_mean};
use crate::yaml;

/// The catalog shipped inside the binary.
const SHIPPED: &str = include_str!("../../catalog/models.yaml");

/// The smallest context window in the shipped catalog. A prompt whose bytes plus `max_tokens`
/// fit in it fits every shipped model, so the plain render path needs no catalog at all.
/// A unit test keeps this in step with `catalog/models.yaml`.
pub const SHIPPED_MIN_WINDOW: u64 = 128_000;

/// The largest model catalog override read, in bytes.
pub const MAX_CATALOG_BYTES: u64 = 1024 * 1024;

/// The answer budget assumed when a recipe gives no `max_tokens`.
pub const DEFAULT_MAX_TOKENS: u32 = 1024;

/// Which API a model is called through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Anthropic,
    Openai,
}

/// One model: its window and list prices.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    pub id: String,
    pub provider: Provider,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// Tokens the model reads and writes in one request; None: not published (no check).
    #[serde(default)]
    pub context_window: Option<u64>,
    /// USD per million input tokens; None: price unknown.
    #[serde(default)]
    pub input_per_mtok: Option<f64>,
    /// USD per million output tokens; None: price unknown.
    #[serde(default)]
    pub output_per_mtok: Option<f64>,
    /// Whether the API takes a `temperature` for this model. Newer models refuse it with an
    /// error (`temperature: false` in the catalog), so their bodies leave it out.
    #[serde(default = "takes_temperature", skip_serializing_if = "is_true")]
    pub temperature: bool,
    /// USD per million input tokens written to the prompt cache (Anthropic: 1.25 × input
    /// for the 5-minute cache); absent where writing costs the ordinary input price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write_per_mtok: Option<f64>,
    /// USD per million input tokens read from the prompt cache; absent where the provider
    /// has no prompt cache or it is not published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_read_per_mtok: Option<f64>,
    /// The shortest prompt prefix the model caches, in tokens (Anthropic documents it per
    /// model); absent: not published, and nothing is marked for caching.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_cacheable_tokens: Option<u64>,
    /// The catalog does not list this id: it is used as given (see [`Catalog::pick`]).
    #[serde(skip)]
    pub unlisted: bool,
}

fn takes_temperature() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

impl Model {
    /// Estimated cost in USD of `input` tokens in and `output` tokens out; None when the
    /// price is unknown.
    pub fn cost(&self, input: u64, output: u64) -> Option<f64> {
        Some(
            (input as f64 * self.input_per_mtok? + output as f64 * self.output_per_mtok?)
                / 1_000_000.0,
        )
    }

    /// Whether a prompt prefix of `tokens` is long enough for this model's cache.
    pub fn caches(&self, tokens: u64) -> bool {
        self.cache_read_per_mtok.is_some()
            && self.min_cacheable_tokens.is_some_and(|min| tokens >= min)
    }

    /// USD for `input` tokens of which the first `prefix` are written to the cache (the
    /// first call) or read from it (`read`: a repeated call within the cache's lifetime);
    /// None when the price is unknown.
    pub fn cached_input_cost(&self, input: u64, prefix: u64, read: bool) -> Option<f64> {
        let base = self.input_per_mtok?;
        let prefix = prefix.min(input);
        let price = if read {
            self.cache_read_per_mtok.unwrap_or(base)
        } else {
            self.cache_write_per_mtok.unwrap_or(base)
        };
        Some((prefix as f64 * price + (input - prefix) as f64 * base) / 1_000_000.0)
    }

    /// Whether `tokens` in plus `max_tokens` out fit the window (true when it is unknown).
    pub fn fits(&self, tokens: u64, max_tokens: u64) -> bool {
        self.context_window.is_none_or(|w| tokens + max_tokens <= w)
    }

    /// A model id the catalog does not know, passed through as given for `provider`.
    pub fn unlisted(id: &str, provider: Provider) -> Model {
        Model {
            id: id.to_string(),
            provider,
            family: None,
            context_window: None,
            input_per_mtok: None,
            output_per_mtok: None,
            temperature: true,
            cache_write_per_mtok: None,
            cache_read_per_mtok: None,
            min_cacheable_tokens: None,
            unlisted: true,
        }
    }
}

/// The API an id not in the catalog most likely belongs to, from its spelling.
pub fn guess_provider(id: &str) -> Option<Provider> {
    let id = id.to_ascii_lowercase();
    if id.starts_with("claude") {
        Some(Provider::Anthropic)
    } else if id.starts_with("gpt")
        || id.starts_with("chatgpt")
        || id.starts_with("o1")
        || id.starts_with("o3")
        || id.starts_with("o4")
        || id.starts_with("codex")
    {
        Some(Provider::Openai)
    } else {
        None
    }
}

/// The catalog file's shape.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    #[serde(default)]
    pub prices_as_of: String,
    #[serde(default)]
    pub families: IndexMap<String, String>,
    #[serde(default)]
    pub openai_equivalents: IndexMap<String, String>,
    #[serde(default)]
    pub models: Vec<Model>,
}

impl Catalog {
    /// The shipped catalog, without the user's override.
    pub fn shipped() -> Catalog {
        yaml::from_str(SHIPPED).expect("the shipped catalog is valid (tested)")
    }

    /// The user's override file, where it would be.
    pub fn override_path() -> Option<PathBuf> {
        crate::paths::config_dir().map(|d| d.join("models.yaml"))
    }

    /// Whether the user has an override file (one `stat`, for the fast render path).
    pub fn has_override() -> bool {
        Catalog::override_path().is_some_and(|p| p.exists())
    }

    /// The shipped catalog with the user's override applied: its models replace shipped ones
    /// by id, its families and equivalents replace shipped ones by name.
    pub fn load() -> Result<Catalog> {
        let mut catalog = Catalog::shipped();
        let Some(path) = Catalog::override_path().filter(|p| p.exists()) else {
            return Ok(catalog);
        };
        let text = crate::limits::read_text(&path, MAX_CATALOG_BYTES, "the model catalog")?;
        let user: Catalog = yaml::from_str(&text).map_err(|e| {
            let at = e
                .position
                .map(|p| format!(":{}:{}", p.line, p.column))
                .unwrap_or_default();
            Error::invalid(format!("{}{at}: {}", path.display(), e.message))
                .hint("fix the file, or remove it to use the shipped catalog")
        })?;
        if !user.prices_as_of.is_empty() {
            catalog.prices_as_of = user.prices_as_of;
        }
        catalog.families.extend(user.families);
        catalog.openai_equivalents.extend(user.openai_equivalents);
        for m in user.models {
            match catalog.models.iter_mut().find(|x| x.id == m.id) {
                Some(slot) => *slot = m,
                None => catalog.models.push(m),
            }
        }
        Ok(catalog)
    }

    /// Whether `name` is a family or a model id of the catalog.
    pub fn knows(&self, name: &str) -> bool {
        self.resolve(name).is_ok()
    }

    /// A "did you mean" for a name the catalog does not know.
    pub fn suggest(&self, name: &str) -> Option<&str> {
        let names = self
            .families
            .keys()
            .map(String::as_str)
            .chain(self.models.iter().map(|m| m.id.as_str()));
        did_you_mean(name, names)
    }

    /// Finds a model by id or family name.
    pub fn resolve(&self, name: &str) -> Result<&Model> {
        let id = self.families.get(name).map(String::as_str).unwrap_or(name);
        self.models.iter().find(|m| m.id == id).ok_or_else(|| {
            let names = self
                .families
                .keys()
                .map(String::as_str)
                .chain(self.models.iter().map(|m| m.id.as_str()));
            let mut e = Error::usage(format!("unknown model `{name}`"));
            if let Some(close) = did_you_mean(name, names) {
                e = e.hint(format!("did you mean `{close}`?"));
            }
            e.hint("`promptbook models` lists the families and model ids")
        })
    }

    /// The API a render without a fixed format is for: the model's, guessed from the
    /// spelling of an id the catalog does not know, else Anthropic.
    pub fn provider_of(&self, name: &str) -> Provider {
        match self.resolve(name) {
            Ok(m) => m.provider,
            Err(_) => guess_provider(name).unwrap_or(Provider::Anthropic),
        }
    }

    /// The model to use for `provider`, given a recipe hint or an explicit choice.
    ///
    /// An explicit `--model` of the wrong provider is an error; a hint (advice) of another
    /// provider's family is mapped to its equivalent. An id the catalog does not know is
    /// used as given (providers ship models faster than any catalog), unless its spelling
    /// says it is the other provider's and it is only a hint: then it maps like a family.
    pub fn pick(
        &self,
        provider: Provider,
        explicit: Option<&str>,
        hint: Option<&str>,
    ) -> Result<Model> {
        if let Some(name) = explicit {
            if !self.knows(name) {
                return Ok(Model::unlisted(name, provider));
            }
            let m = self.resolve(name)?;
            if m.provider != provider {
                let fmt = match m.provider {
                    Provider::Anthropic => "anthropic",
                    Provider::Openai => "openai",
                };
                return Err(
                    Error::usage(format!("`{}` is not a model of this API", m.id))
                        .hint(format!("use `--format {fmt}` for {}", m.id)),
                );
            }
            return Ok(m.clone());
        }
        let wanted = hint.unwrap_or("sonnet");
        let m = match self.resolve(wanted) {
            Ok(m) => m,
            Err(_) => match guess_provider(wanted) {
                Some(other) if other != provider => self.resolve("sonnet")?,
                _ => return Ok(Model::unlisted(wanted, provider)),
            },
        };
        if m.provider == provider {
            return Ok(m.clone());
        }
        let family = m.family.clone().unwrap_or_else(|| "sonnet".into());
        match provider {
            Provider::Openai => {
                let id = self
                    .openai_equivalents
                    .get(&family)
                    .map(String::as_str)
                    .unwrap_or("gpt-4.1");
                self.resolve(id).cloned()
            }
            Provider::Anthropic => self.resolve("sonnet").cloned(),
        }
    }

    /// The smallest published context window in the catalog.
    pub fn min_window(&self) -> u64 {
        self.models
            .iter()
            .filter_map(|m| m.context_window)
            .min()
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_catalog_is_valid_and_min_window_constant_is_true() {
        let c = Catalog::shipped();
        assert_eq!(c.min_window(), SHIPPED_MIN_WINDOW);
        for f in ["haiku", "sonnet", "opus"] {
            assert_eq!(c.resolve(f).unwrap().provider, Provider::Anthropic);
        }
    }

    #[test]
    fn families_map_to_openai_equivalents() {
        let c = Catalog::shipped();
        assert_eq!(
            c.pick(Provider::Openai, None, Some("haiku")).unwrap().id,
            "gpt-4o-mini"
        );
        assert!(c.pick(Provider::Anthropic, Some("gpt-4o"), None).is_err());
        assert_eq!(
            c.pick(Provider::Anthropic, None, Some("opus")).unwrap().id,
            "claude-opus-5-5"
        );
    }

    #[test]
    fn unknown_ids_pass_through_and_families_are_the_newest() {
        let c = Catalog::shipped();
        for (family, id) in [
            ("haiku", "claude-haiku-5-5"),
            ("sonnet", "claude-sonnet-5-5"),
            ("opus", "claude-opus-5-5"),
        ] {
            assert_eq!(c.resolve(family).unwrap().id, id);
        }
        let m = c
            .pick(Provider::Openai, Some("some-new-model"), None)
            .unwrap();
        assert!(m.unlisted && m.id == "some-new-model" && m.cost(1, 1).is_none());
        let m = c.pick(Provider::Anthropic, None, Some("gpt5")).unwrap();
        assert_eq!(
            m.id, "claude-sonnet-5-5",
            "another provider's id maps like a family"
        );
        let m = c.pick(Provider::Openai, None, Some("gpt5")).unwrap();
        assert_eq!((m.id.as_str(), m.unlisted), ("gpt5", true));
        assert_eq!(c.suggest("gpt5"), Some("gpt-5.4"));
        let fable = c.resolve("claude-fable-5-2").unwrap();
        assert!(fable.cost(10, 10).is_none() && fable.fits(u64::MAX / 2, 1));
    }

    #[test]
    fn cache_prices_follow_the_documented_multipliers() {
        let c = Catalog::shipped();
        for m in c.models.iter().filter(|m| m.cache_write_per_mtok.is_some()) {
            let input = m.input_per_mtok.unwrap();
            assert!(
                (m.cache_write_per_mtok.unwrap() - input * 1.25).abs() < 1e-9,
                "{}",
                m.id
            );
            assert!(
                (m.cache_read_per_mtok.unwrap() - input * 0.1).abs() < 1e-9,
                "{}",
                m.id
            );
            assert!(m.min_cacheable_tokens.is_some(), "{}", m.id);
        }
        let sonnet = c.resolve("claude-sonnet-4-5").unwrap();
        assert!(!sonnet.caches(1023) && sonnet.caches(1024));
        let first = sonnet
            .cached_input_cost(2_000_000, 1_000_000, false)
            .unwrap();
        let again = sonnet
            .cached_input_cost(2_000_000, 1_000_000, true)
            .unwrap();
        assert!((first - 6.75).abs() < 1e-9 && (again - 3.30).abs() < 1e-9);
    }

    #[test]
    fn cost_is_per_million() {
        let c = Catalog::shipped();
        let sonnet = c.resolve("sonnet").unwrap();
        assert!((sonnet.cost(1_000_000, 1_000_000).unwrap() - 12.0).abs() < 1e-9);
    }
}
