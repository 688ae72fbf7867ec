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
    pub context_window: u64,
    /// USD per million input tokens.
    pub input_per_mtok: f64,
    /// USD per million output tokens.
    pub output_per_mtok: f64,
}

impl Model {
    /// Estimated cost in USD of `input` tokens in and `output` tokens out.
    pub fn cost(&self, input: u64, output: u64) -> f64 {
        (input as f64 * self.input_per_mtok + output as f64 * self.output_per_mtok) / 1_000_000.0
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
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Error::failed(format!(
                "cannot read the model catalog {}: {e}",
                path.display()
            ))
        })?;
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

    /// The model to use for `provider`, given a recipe hint or an explicit choice.
    ///
    /// An explicit `--model` of the wrong provider is an error; a hint (advice) of another
    /// provider's family is mapped to its equivalent.
    pub fn pick(
        &self,
        provider: Provider,
        explicit: Option<&str>,
        hint: Option<&str>,
    ) -> Result<&Model> {
        if let Some(name) = explicit {
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
            return Ok(m);
        }
        let wanted = hint.unwrap_or("sonnet");
        let m = self.resolve(wanted)?;
        if m.provider == provider {
            return Ok(m);
        }
        let family = m.family.clone().unwrap_or_else(|| "sonnet".into());
        match provider {
            Provider::Openai => {
                let id = self
                    .openai_equivalents
                    .get(&family)
                    .map(String::as_str)
                    .unwrap_or("gpt-4.1");
                self.resolve(id)
            }
            Provider::Anthropic => self.resolve("sonnet"),
        }
    }

    /// The smallest context window of any model in the catalog.
    pub fn min_window(&self) -> u64 {
        self.models
            .iter()
            .map(|m| m.context_window)
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
            "claude-opus-4-5"
        );
    }

    #[test]
    fn cost_is_per_million() {
        let c = Catalog::shipped();
        let sonnet = c.resolve("sonnet").unwrap();
        assert!((sonnet.cost(1_000_000, 1_000_000) - 18.0).abs() < 1e-9);
    }
}
