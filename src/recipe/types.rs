//! The recipe format: the Rust types behind `schema/recipe.schema.json`.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Located;
use super::output::Output;

/// One prompt recipe, as written in its YAML file.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "promptbook recipe",
    description = "A reusable prompt recipe for promptbook."
)]
pub struct RecipeFile {
    /// Kebab-case id, unique in the library (e.g. `blog-draft`).
    pub name: Located<String>,
    /// A short human title.
    pub title: String,
    /// What the recipe is for, in one or two sentences.
    #[serde(default)]
    pub description: String,
    /// The recipe's own version (free form, e.g. `1.0.0`).
    #[serde(default)]
    pub version: Option<String>,
    /// Tags for `list --tag` and search.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Model hints: advice, not a requirement.
    #[serde(default)]
    pub model: ModelHints,
    /// Typed variables, in the order interactive fill asks them.
    #[serde(default)]
    pub variables: IndexMap<String, Located<Variable>>,
    /// The system prompt template.
    #[serde(default)]
    pub system: Option<Located<String>>,
    /// The final user turn template. Give either `prompt` or `messages`.
    #[serde(default)]
    pub prompt: Option<Located<String>>,
    /// Multi-turn templates, instead of `prompt`; the last one must be a user turn.
    #[serde(default)]
    pub messages: Vec<Located<MessageTemplate>>,
    /// Few-shot examples: an input (variable values, or literal text) and the ideal output.
    #[serde(default)]
    pub examples: Vec<Located<Example>>,
    /// The shape of the answer: `{ format: json, schema: … }`. API bodies send it as the
    /// provider's structured-output setting; lint checks the examples' outputs against it.
    #[serde(default)]
    pub output: Option<Located<Output>>,
    /// Offline checks of the rendered prompt, run by `promptbook test`.
    // Not in the render form (the only place a recipe is serialized): rendering never reads them.
    #[serde(default, skip_serializing)]
    pub tests: Vec<Located<TestCase>>,
}

/// Which model a recipe prefers and how to call it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelHints {
    /// A family (`haiku`, `sonnet`, `opus`) or a model id from the catalog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefer: Option<String>,
    /// Sampling temperature, 0 to 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 2))]
    pub temperature: Option<f64>,
    /// The most tokens the answer may take (1 to 1,000,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1_000_000))]
    pub max_tokens: Option<u32>,
    /// Why this model: one line for the people who use the recipe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// The type of a variable's value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum VarType {
    /// One line of text.
    #[default]
    String,
    /// Multi-line text (interactive fill opens the editor).
    Text,
    /// One of `choices`.
    Choice,
    /// A whole number.
    Integer,
    /// Any number.
    Number,
    /// true or false.
    Boolean,
    /// A list of strings.
    List,
}

impl VarType {
    /// The name used in recipe files.
    pub fn as_str(self) -> &'static str {
        match self {
            VarType::String => "string",
            VarType::Text => "text",
            VarType::Choice => "choice",
            VarType::Integer => "integer",
            VarType::Number => "number",
            VarType::Boolean => "boolean",
            VarType::List => "list",
        }
    }
}

/// A typed variable of a recipe.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Variable {
    /// The value's type (default `string`).
    #[serde(rename = "type", default)]
    pub kind: VarType,
    /// What to enter, shown in `show` and as the interactive question.
    #[serde(default)]
    pub description: Option<String>,
    /// Whether rendering fails without a value (a default counts as a value).
    #[serde(default)]
    pub required: bool,
    /// The value used when none is given.
    #[serde(default)]
    pub default: Option<Value>,
    /// The allowed values of a `choice` variable.
    #[serde(default)]
    pub choices: Vec<String>,
    /// Smallest allowed value (integer and number).
    #[serde(default)]
    pub min: Option<f64>,
    /// Largest allowed value (integer and number).
    #[serde(default)]
    pub max: Option<f64>,
}

impl Variable {
    /// Required and without a default: rendering needs a value from the user.
    pub fn needs_value(&self) -> bool {
        self.required && self.default.is_none()
    }
}

/// The role of a turn in a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Assistant,
}

impl Role {
    /// The API name of the role.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }
}

/// One turn of a multi-turn recipe.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageTemplate {
    pub role: Role,
    pub content: Located<String>,
}

/// A few-shot example.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// Variable values to render the prompt with, or the literal user turn.
    pub input: ExampleInput,
    /// The ideal answer.
    pub output: String,
}

/// An example's input.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ExampleInput {
    /// Values for the recipe's variables; the prompt is rendered with them.
    Vars(IndexMap<String, Value>),
    /// The user turn, as-is.
    Text(String),
}

/// Read by the value's own shape, a map or a string, as `untagged` would, without serde's
/// untagged machinery (which first copies the value and then tries each variant): the
/// render path reads every example of a recipe this way.
impl<'de> Deserialize<'de> for ExampleInput {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Shape;
        impl<'de> serde::de::Visitor<'de> for Shape {
            type Value = ExampleInput;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of variable values, or the text of the user turn")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<ExampleInput, E> {
                Ok(ExampleInput::Text(s.to_string()))
            }
            fn visit_string<E: serde::de::Error>(self, s: String) -> Result<ExampleInput, E> {
                Ok(ExampleInput::Text(s))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<ExampleInput, A::Error> {
                IndexMap::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(ExampleInput::Vars)
            }
        }
        d.deserialize_any(Shape)
    }
}

/// An offline check of the rendered prompt.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    /// A name shown when the case fails.
    #[serde(default)]
    pub name: Option<String>,
    /// Variable values for this case.
    #[serde(default)]
    pub vars: IndexMap<String, Value>,
    /// What the rendered prompt must satisfy.
    #[serde(default)]
    pub expect: Expect,
}

/// Expectations on a rendered prompt. `contains`, `not_contains` and `matches` read the
/// system prompt and the turns the case's values render, not the few-shot examples (the same
/// in every case); `max_input_tokens` counts everything that is sent.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Strings the rendered prompt must contain.
    #[serde(default)]
    pub contains: Vec<String>,
    /// Strings the rendered prompt must not contain.
    #[serde(default)]
    pub not_contains: Vec<String>,
    /// Regular expressions the rendered prompt must match.
    #[serde(default)]
    pub matches: Vec<String>,
    /// The most estimated input tokens the rendered prompt may take.
    #[serde(default)]
    pub max_input_tokens: Option<u64>,
    /// A sample answer (as the model would give it) that must be JSON following the
    /// recipe's `output.schema`.
    #[serde(default)]
    pub answer: Option<String>,
}
