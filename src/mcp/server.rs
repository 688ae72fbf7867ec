//! The MCP handler: prompts, completion and two tools, each a thin call into [`Served`].

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CompleteRequestParams, CompleteResult,
    CompletionInfo, ContentBlock, CustomRequest, CustomResult, ErrorCode, GetPromptRequestParams,
    GetPromptResponse, Implementation, JsonObject, ListPromptsResult, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, SubscriptionFilter, Tool,
    ToolAnnotations,
};
use rmcp::service::{RequestContext, SubscriptionContext};
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::{Value, json};
use tokio::sync::broadcast;

use super::convert;
use super::state::Served;
use crate::error::{Error, ErrorKind};

/// The most matches `search_recipes` returns, whatever the client asks.
const SEARCH_MAX: usize = 50;
const SEARCH_DEFAULT: usize = 10;

/// The server: the served library and the channel the change watcher announces on.
#[derive(Clone)]
pub struct Server {
    state: Arc<Served>,
    changes: broadcast::Sender<()>,
}

impl Server {
    pub fn new(state: Arc<Served>, changes: broadcast::Sender<()>) -> Server {
        Server { state, changes }
    }
}

/// A core error as the JSON-RPC error a client should see: the client's mistakes (a bad
/// argument, an unknown prompt) are invalid params; anything else is internal.
fn to_rpc(e: &Error) -> ErrorData {
    match e.kind {
        ErrorKind::Usage | ErrorKind::NotFound | ErrorKind::InvalidRecipe | ErrorKind::TooLarge => {
            convert::invalid_params(e)
        }
        _ => convert::internal(e),
    }
}

/// Runs one request's work so that a bug (a panic) answers that request with an internal
/// error instead of taking the server down.
fn guarded<T>(f: impl FnOnce() -> Result<T, ErrorData>) -> Result<T, ErrorData> {
    std::panic::catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(ErrorData::internal_error(
            "promptbook hit an internal error while answering this request; the server keeps running",
            Some(json!({ "hints": ["please report it with the request that caused it"] })),
        ))
    })
}

fn schema(v: Value) -> Arc<JsonObject> {
    match v {
        Value::Object(o) => Arc::new(o),
        _ => unreachable!("tool schemas are objects"),
    }
}

fn tools() -> Vec<Tool> {
    let read_only = ToolAnnotations::new()
        .read_only(true)
        .destructive(false)
        .idempotent(true)
        .open_world(false);
    vec![
        Tool::new(
            "search_recipes",
            "Search the user's promptbook library of prompt recipes by words (names, titles, \
             descriptions, tags and template text). Returns the best matches with name, title \
             and description; pass a name to render_recipe to use one.",
            schema(json!({
                "type": "object",
                "properties": {
                    "query": { "type": "string", "description": "Words to look for, e.g. \"blog seo\"" },
                    "limit": {
                        "type": "integer", "minimum": 1, "maximum": SEARCH_MAX, "default": SEARCH_DEFAULT,
                        "description": "The most matches to return"
                    }
                },
                "required": ["query"]
            })),
        )
        .with_title("Search prompt recipes")
        .with_annotations(read_only.clone()),
        Tool::new(
            "render_recipe",
            "Render a promptbook recipe with argument values into the finished prompt text \
             (system prompt, few-shot examples and task), exactly as `promptbook render` \
             prints it. Unset arguments take the recipe's defaults; a missing required \
             argument or a wrong value is reported with how to fix it.",
            schema(json!({
                "type": "object",
                "properties": {
                    "name": { "type": "string", "description": "The recipe's name, e.g. blog-draft" },
                    "arguments": {
                        "type": "object",
                        "description": "Values for the recipe's variables, by name, e.g. {\"topic\": \"remote onboarding\"}",
                        "additionalProperties": true
                    }
                },
                "required": ["name"]
            })),
        )
        .with_title("Render a prompt recipe")
        .with_annotations(read_only),
    ]
}

/// A tool failure the model should read and act on.
fn tool_error(text: impl Into<String>) -> CallToolResponse {
    CallToolResult::error(vec![ContentBlock::text(text)]).into()
}

impl Server {
    fn call(&self, name: &str, args: Option<&JsonObject>) -> Result<CallToolResponse, ErrorData> {
        let empty = JsonObject::new();
        let args = args.unwrap_or(&empty);
        match name {
            "search_recipes" => {
                let Some(query) = args.get("query").and_then(Value::as_str) else {
                    return Ok(tool_error(
                        "search_recipes needs `query`: the words to look for, e.g. {\"query\": \"blog seo\"}",
                    ));
                };
                let limit = args
                    .get("limit")
                    .and_then(Value::as_u64)
                    .map_or(SEARCH_DEFAULT, |n| (n as usize).clamp(1, SEARCH_MAX));
                let hits = match self.state.search(query, limit) {
                    Ok(h) => h,
                    Err(e) if e.kind == ErrorKind::Usage => return Ok(tool_error(e.full_text())),
                    Err(e) => return Err(to_rpc(&e)),
                };
                let text = if hits.is_empty() {
                    format!("No recipe matches `{query}`. Try fewer or shorter words.")
                } else {
                    hits.iter()
                        .map(|h| {
                            if h.description.is_empty() {
                                format!("{} — {}", h.name, h.title)
                            } else {
                                format!("{} — {}: {}", h.name, h.title, h.description)
                            }
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                let recipes: Vec<Value> = hits
                    .iter()
                    .map(|h| json!({ "name": h.name, "title": h.title, "description": h.description }))
                    .collect();
                let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
                result.structured_content = Some(json!({ "recipes": recipes }));
                Ok(result.into())
            }
            "render_recipe" => {
                let Some(recipe) = args.get("name").and_then(Value::as_str) else {
                    return Ok(tool_error(
                        "render_recipe needs `name`: the recipe to render, e.g. {\"name\": \"blog-draft\", \"arguments\": {\"topic\": \"AI\"}}",
                    ));
                };
                let arguments = match args.get("arguments") {
                    None | Some(Value::Null) => None,
                    Some(Value::Object(o)) => Some(o),
                    Some(_) => {
                        return Ok(tool_error(
                            "`arguments` must be an object of variable values by name, e.g. {\"topic\": \"AI\"}",
                        ));
                    }
                };
                match self.state.render_text(recipe, arguments) {
                    Ok(text) => Ok(CallToolResult::success(vec![ContentBlock::text(text)]).into()),
                    Err(e) if e.kind == ErrorKind::Library || e.kind == ErrorKind::Failed => {
                        Err(to_rpc(&e))
                    }
                    Err(e) => Ok(tool_error(e.full_text())),
                }
            }
            other => Err(ErrorData::invalid_params(
                format!("no tool named `{other}`; the tools are search_recipes and render_recipe"),
                None,
            )),
        }
    }
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_completions()
                .enable_prompts()
                .enable_prompts_list_changed()
                .enable_tools()
                .build(),
        )
        .with_server_info(
            Implementation::new("promptbook", env!("CARGO_PKG_VERSION"))
                .with_title("promptbook")
                .with_description("Your prompt recipes, served as MCP prompts"),
        )
        .with_instructions(
            "Each prompt is a recipe from the user's promptbook library. To find a recipe \
             by words use the search_recipes tool; to fill one in and get the finished prompt \
             text use render_recipe.",
        )
    }

    async fn list_prompts(
        &self,
        request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        let cursor = request.and_then(|r| r.cursor);
        guarded(|| {
            self.state
                .list_page(cursor.as_deref())
                .map_err(|e| to_rpc(&e))
        })
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        guarded(|| {
            self.state
                .get_prompt(&request.name, request.arguments.as_ref())
                .map(Into::into)
                .map_err(|e| to_rpc(&e))
        })
    }

    async fn complete(
        &self,
        request: CompleteRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        let Some(prompt) = request.r#ref.as_prompt_name() else {
            return Err(ErrorData::invalid_params(
                "promptbook completes prompt arguments only (ref/prompt); it serves no resources",
                None,
            ));
        };
        guarded(|| {
            let mut values = self
                .state
                .complete(prompt, &request.argument.name, &request.argument.value)
                .map_err(|e| to_rpc(&e))?;
            let total = values.len();
            values.truncate(CompletionInfo::MAX_VALUES);
            let info = CompletionInfo::with_pagination(
                values,
                Some(total as u32),
                total > CompletionInfo::MAX_VALUES,
            )
            .map_err(|e| ErrorData::internal_error(e, None))?;
            Ok(CompleteResult::new(info))
        })
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(tools()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        tools().into_iter().find(|t| t.name == name)
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        guarded(|| self.call(&request.name, request.arguments.as_ref()))
    }

    /// Any method this server does not know gets an error, never silence.
    async fn on_custom_request(
        &self,
        request: CustomRequest,
        _context: RequestContext<RoleServer>,
    ) -> Result<CustomResult, ErrorData> {
        Err(ErrorData::new(
            ErrorCode::METHOD_NOT_FOUND,
            format!(
                "Method not found: `{}` is not a method promptbook serves",
                request.method
            ),
            None,
        ))
    }

    /// Clients on protocol 2026-07-28 and later ask for change notifications with
    /// `subscriptions/listen`; only the prompt list ever changes here.
    fn accepted_subscription_filter(
        &self,
        _requested: &SubscriptionFilter,
    ) -> Option<SubscriptionFilter> {
        Some(SubscriptionFilter::builder().prompts_list_changed().build())
    }

    async fn listen(&self, context: SubscriptionContext) -> Result<(), ErrorData> {
        if context.accepted().prompts_list_changed != Some(true) {
            context.cancelled().await;
            return Ok(());
        }
        let mut changes = self.changes.subscribe();
        loop {
            tokio::select! {
                _ = context.cancelled() => return Ok(()),
                change = changes.recv() => match change {
                    Ok(()) | Err(broadcast::error::RecvError::Lagged(_)) => {
                        if context.sink().notify_prompt_list_changed().await.is_err() {
                            return Ok(());
                        }
                    }
                    Err(broadcast::error::RecvError::Closed) => return Ok(()),
                },
            }
        }
    }
}
