//! Templates between formats: every template language the formats use (promptbook's and
//! dotprompt's Handlebars, Prompty's Jinja2, llm's `$var`, GitHub Models' `{{var}}`, Claude
//! Code's `$ARGUMENTS`/`$1`, Fabric's plain text) is read into one small tree and written
//! out again, so a template is translated, never copied. What a language cannot say is a
//! [`Problem`] with its position.

use crate::yaml::Position;

/// A value inside a tag: a variable path, a literal, or a helper call (`(eq a "b")`).
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A variable: `topic`, `this`, `@index`, `@root.topic`.
    Path(String),
    /// A quoted string.
    Str(String),
    /// A number or `true`/`false`, kept as written.
    Lit(String),
    /// A helper call with its arguments: `eq`, `ne`, `not`, `and`, `or`, `join`.
    Call(String, Vec<Expr>),
}

/// The kinds of block the formats share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    If,
    Unless,
    Each,
}

impl BlockKind {
    fn word(self) -> &'static str {
        match self {
            BlockKind::If => "if",
            BlockKind::Unless => "unless",
            BlockKind::Each => "each",
        }
    }
}

/// One piece of a template.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Text sent as it is.
    Text(String),
    /// `{{expr}}`: a value written out.
    Out { expr: Expr, at: Position },
    /// A block with its body and its `else` part.
    Block {
        kind: BlockKind,
        cond: Expr,
        body: Vec<Node>,
        inverse: Vec<Node>,
        at: Position,
    },
    /// `{{> name}}`: a dotprompt partial, replaced by its file before translating.
    Partial { name: String, at: Position },
}

/// Something a template does that the other side cannot say.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub message: String,
    pub at: Position,
    pub hint: Option<String>,
}

impl Problem {
    fn new(message: impl Into<String>, at: Position) -> Problem {
        Problem {
            message: message.into(),
            at,
            hint: None,
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Problem {
        self.hint = Some(hint.into());
        self
    }
}

/// Maps byte offsets of a template to file positions. `base` is where the template's text
/// starts in its file; every line of it starts at that column (a YAML block scalar is
/// indented as a whole; a file's body starts at column 1).
struct Lines {
    starts: Vec<usize>,
    base: Position,
}

impl Lines {
    fn new(text: &str, base: Position) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts, base }
    }

    fn at(&self, offset: usize) -> Position {
        let line = self.starts.partition_point(|s| *s <= offset) - 1;
        let column = offset - self.starts[line] + 1;
        Position {
            line: self.base.line + line,
            column: self.base.column + column - 1,
        }
    }
}

/// The root variables a template reads (in order of first use), with where each is first
/// read.
pub fn variables(nodes: &[Node]) -> Vec<(String, Position)> {
    fn expr(e: &Expr, at: Position, depth: usize, out: &mut Vec<(String, Position)>) {
        match e {
            Expr::Path(p) => {
                let root = p
                    .strip_prefix("@root.")
                    .or_else(|| p.strip_prefix("../"))
                    .map(|r| (r, true))
                    .unwrap_or((p.as_str(), depth == 0));
                if root.1 && !root.0.starts_with('@') && root.0 != "this" {
                    let name = root.0.split('.').next().unwrap_or(root.0).to_string();
                    if !out.iter().any(|(n, _)| *n == name) {
                        out.push((name, at));
                    }
                }
            }
            Expr::Call(_, args) => args.iter().for_each(|a| expr(a, at, depth, out)),
            _ => {}
        }
    }
    fn walk(nodes: &[Node], depth: usize, out: &mut Vec<(String, Position)>) {
        for n in nodes {
            match n {
                Node::Out { expr: e, at } => expr(e, *at, depth, out),
                Node::Block {
                    kind,
                    cond,
                    body,
                    inverse,
                    at,
                } => {
                    expr(cond, *at, depth, out);
                    let inner = if *kind == BlockKind::Each {
                        depth + 1
                    } else {
                        depth
                    };
                    walk(body, inner, out);
                    walk(inverse, depth, out);
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(nodes, 0, &mut out);
    out
}

/// Renames root variables (`firstName` → `first_name`) everywhere in the tree.
pub fn rename(nodes: &mut [Node], map: &dyn Fn(&str) -> Option<String>) {
    fn expr(e: &mut Expr, map: &dyn Fn(&str) -> Option<String>) {
        match e {
            Expr::Path(p) => {
                let (prefix, rest) = match p.strip_prefix("@root.") {
                    Some(r) => ("@root.", r),
                    None => match p.strip_prefix("../") {
                        Some(r) => ("../", r),
                        None => ("", p.as_str()),
                    },
                };
                if let Some(new) = map(rest) {
                    *p = format!("{prefix}{new}");
                }
            }
            Expr::Call(_, args) => args.iter_mut().for_each(|a| expr(a, map)),
            _ => {}
        }
    }
    for n in nodes {
        match n {
            Node::Out { expr: e, .. } => expr(e, map),
            Node::Block {
                cond,
                body,
                inverse,
                ..
            } => {
                expr(cond, map);
                rename(body, map);
                rename(inverse, map);
            }
            _ => {}
        }
    }
}

/// Gives the nodes of a named partial.
pub type Resolver<'a> = dyn FnMut(&str, Position) -> Result<Vec<Node>, Problem> + 'a;

/// Replaces each partial with the nodes `resolve` gives for it.
pub fn inline_partials(nodes: Vec<Node>, resolve: &mut Resolver<'_>) -> Result<Vec<Node>, Problem> {
    let mut out = Vec::with_capacity(nodes.len());
    for n in nodes {
        match n {
            Node::Partial { name, at } => out.extend(resolve(&name, at)?),
            Node::Block {
                kind,
                cond,
                body,
                inverse,
                at,
            } => out.push(Node::Block {
                kind,
                cond,
                body: inline_partials(body, resolve)?,
                inverse: inline_partials(inverse, resolve)?,
                at,
            }),
            other => out.push(other),
        }
    }
    Ok(out)
}

/// Whether the tree is only text and plain variables (what flat formats can carry).
pub fn first_logic(nodes: &[Node]) -> Option<(String, Position)> {
    for n in nodes {
        match n {
            Node::Block { kind, at, .. } => {
                return Some((format!("`{{{{#{}}}}}`", kind.word()), *at));
            }
            Node::Out {
                expr: Expr::Call(name, _),
                at,
            } => return Some((format!("the helper `{name}`"), *at)),
            Node::Out {
                expr: Expr::Path(p),
                at,
            } if p.starts_with('@') || p == "this" || p.contains('.') => {
                return Some((format!("`{{{{{p}}}}}`"), *at));
            }
            _ => {}
        }
    }
    None
}

// ---------------------------------------------------------------------------------------
// Handlebars (promptbook's recipes and dotprompt)

enum Tag {
    Open(BlockKind, Expr),
    Else,
    Close(String),
    Out(Expr),
    Partial(String),
    Comment,
}

/// Reads Handlebars: variables, `if`/`unless`/`each` (and dotprompt's `ifEquals`/
/// `unlessEquals`), `else`, the `eq ne not and or join` helpers, partials and comments.
/// Standalone block lines are removed as Handlebars removes them. `extra` names other
/// helpers the caller handles itself (dotprompt's `role`), kept as calls.
pub fn parse_handlebars(src: &str, base: Position, extra: &[&str]) -> Result<Vec<Node>, Problem> {
    let lines = Lines::new(src, base);
    let mut stack: Vec<Level> = vec![(Vec::new(), None, Vec::new(), false)];
    let mut text = String::new();
    let mut i = 0;
    let bytes = src.as_bytes();
    while i < src.len() {
        let Some(rel) = src[i..].find("{{") else {
            text.push_str(&src[i..]);
            break;
        };
        let start = i + rel;
        if start > 0 && bytes[start - 1] == b'\\' {
            text.push_str(&src[i..start - 1]);
            text.push_str("{{");
            i = start + 2;
            continue;
        }
        text.push_str(&src[i..start]);
        let at = lines.at(start);
        let (inner, end) = if src[start..].starts_with("{{!--") {
            let close = src[start..]
                .find("--}}")
                .ok_or_else(|| Problem::new("a comment `{{!--` is not closed with `--}}`", at))?;
            ("!", start + close + 4)
        } else if src[start..].starts_with("{{{") {
            let close = src[start..]
                .find("}}}")
                .ok_or_else(|| Problem::new("`{{{` is not closed with `}}}`", at))?;
            (&src[start + 3..start + close], start + close + 3)
        } else {
            let close = src[start..].find("}}").ok_or_else(|| {
                Problem::new("`{{` is not closed with `}}`", at)
                    .hint("braces meant as text are written `\\{{`")
            })?;
            (&src[start + 2..start + close], start + close + 2)
        };
        if inner.starts_with('~') || inner.ends_with('~') {
            return Err(
                Problem::new("whitespace control (`{{~` or `~}}`) is not translated", at)
                    .hint("remove the `~` and put the text where it should be"),
            );
        }
        let tag = read_tag(inner.trim(), at, extra)?;
        let block_like = !matches!(tag, Tag::Out(_));
        let mut next = end;
        if block_like {
            // A line holding only this tag disappears, with its line break.
            let line_start = src[..start].rfind('\n').map_or(0, |p| p + 1);
            let before_blank = src[line_start..start]
                .chars()
                .all(|c| c == ' ' || c == '\t');
            let rest = &src[end..];
            let line_end = rest.find('\n');
            let after_blank = rest[..line_end.unwrap_or(rest.len())]
                .chars()
                .all(|c| c == ' ' || c == '\t' || c == '\r');
            if before_blank && after_blank {
                let kept = text.trim_end_matches([' ', '\t']).len();
                text.truncate(kept);
                next = end + line_end.map_or(rest.len(), |p| p + 1);
            }
        }
        flush(&mut text, &mut stack);
        let top = stack.last_mut().expect("the root level is never popped");
        let target = if top.3 { &mut top.2 } else { &mut top.0 };
        match tag {
            Tag::Comment => {}
            Tag::Out(expr) => target.push(Node::Out { expr, at }),
            Tag::Partial(name) => target.push(Node::Partial { name, at }),
            Tag::Open(kind, cond) => {
                let word = inner.trim()[1..]
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_string();
                stack.push((Vec::new(), Some((kind, cond, at, word)), Vec::new(), false));
            }
            Tag::Else => {
                if top.1.is_none() || top.3 {
                    return Err(Problem::new("`{{else}}` outside a block", at));
                }
                top.3 = true;
            }
            Tag::Close(word) => {
                if stack.len() == 1 {
                    return Err(Problem::new(
                        format!("`{{{{/{word}}}}}` closes no block"),
                        at,
                    ));
                }
                let (body, open, inverse, _) = stack.pop().expect("checked above");
                let (kind, cond, open_at, open_word) = open.expect("inner levels have a block");
                if open_word != word {
                    return Err(Problem::new(
                        format!(
                            "`{{{{/{word}}}}}` closes `{{{{#{open_word}}}}}` opened at line {}",
                            open_at.line
                        ),
                        at,
                    ));
                }
                let top = stack.last_mut().expect("the root level is never popped");
                let target = if top.3 { &mut top.2 } else { &mut top.0 };
                target.push(Node::Block {
                    kind,
                    cond,
                    body,
                    inverse,
                    at: open_at,
                });
            }
        }
        i = next;
    }
    flush(&mut text, &mut stack);
    if stack.len() > 1 {
        let (_, open, _, _) = stack.pop().expect("checked");
        let (_, _, at, word) = open.expect("inner levels have a block");
        return Err(
            Problem::new(format!("`{{{{#{word}}}}}` is never closed"), at)
                .hint(format!("add `{{{{/{word}}}}}` where the block ends")),
        );
    }
    Ok(stack.pop().expect("root").0)
}

type Level = (
    Vec<Node>,
    Option<(BlockKind, Expr, Position, String)>,
    Vec<Node>,
    bool,
);

fn flush(text: &mut String, stack: &mut [Level]) {
    if text.is_empty() {
        return;
    }
    let top = stack.last_mut().expect("root");
    let target = if top.3 { &mut top.2 } else { &mut top.0 };
    match target.last_mut() {
        Some(Node::Text(t)) => t.push_str(text),
        _ => target.push(Node::Text(std::mem::take(text))),
    }
    text.clear();
}

fn read_tag(inner: &str, at: Position, extra: &[&str]) -> Result<Tag, Problem> {
    if inner.starts_with('!') {
        return Ok(Tag::Comment);
    }
    if inner == "else" || inner == "^" {
        return Ok(Tag::Else);
    }
    if let Some(rest) = inner.strip_prefix('/') {
        return Ok(Tag::Close(rest.trim().to_string()));
    }
    if let Some(rest) = inner.strip_prefix('>') {
        let name = rest.trim();
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(Problem::new("only a partial's name may follow `{{>`", at));
        }
        return Ok(Tag::Partial(name.to_string()));
    }
    if let Some(rest) = inner.strip_prefix('#') {
        let mut args = parse_args(rest, at)?;
        if args.is_empty() {
            return Err(Problem::new("a block needs a helper name after `{{#`", at));
        }
        let Expr::Path(word) = args.remove(0) else {
            return Err(Problem::new("a block needs a helper name after `{{#`", at));
        };
        let one = |args: Vec<Expr>| -> Result<Expr, Problem> {
            match <[Expr; 1]>::try_from(args) {
                Ok([e]) => Ok(e),
                Err(_) => Err(Problem::new(
                    format!("`{{{{#{word}}}}}` takes exactly one value"),
                    at,
                )),
            }
        };
        return Ok(match word.as_str() {
            "if" => Tag::Open(BlockKind::If, one(args)?),
            "unless" => Tag::Open(BlockKind::Unless, one(args)?),
            "each" => Tag::Open(BlockKind::Each, one(args)?),
            "ifEquals" | "unlessEquals" if args.len() == 2 => Tag::Open(
                if word == "ifEquals" {
                    BlockKind::If
                } else {
                    BlockKind::Unless
                },
                Expr::Call("eq".into(), args),
            ),
            other => {
                return Err(Problem::new(
                    format!("the block helper `{other}` has no equivalent in the other format"),
                    at,
                )
                .hint("blocks that translate: if, unless, each (and dotprompt's ifEquals, unlessEquals)"));
            }
        });
    }
    let mut args = parse_args(inner, at)?;
    if args.is_empty() {
        return Err(Problem::new("an empty `{{}}`", at));
    }
    if args.len() == 1 {
        return Ok(Tag::Out(args.remove(0)));
    }
    let Expr::Path(name) = args.remove(0) else {
        return Err(Problem::new(
            "a helper call must start with a helper name",
            at,
        ));
    };
    if name == "join" || extra.contains(&name.as_str()) {
        return Ok(Tag::Out(Expr::Call(name, args)));
    }
    Err(Problem::new(
        format!("the helper `{name}` has no equivalent in the other format"),
        at,
    )
    .hint("helpers that translate: join, and eq/ne/not/and/or inside a block's condition"))
}

/// Splits `a "b c" (eq x 1)` into values.
fn parse_args(src: &str, at: Position) -> Result<Vec<Expr>, Problem> {
    let mut out = Vec::new();
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' || c == '\'' {
            let mut s = String::new();
            i += 1;
            while i < chars.len() && chars[i] != c {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    i += 1;
                }
                s.push(chars[i]);
                i += 1;
            }
            if i >= chars.len() {
                return Err(Problem::new("a quoted string is not closed", at));
            }
            i += 1;
            out.push(Expr::Str(s));
        } else if c == '(' {
            let mut depth = 0;
            let start = i;
            while i < chars.len() {
                match chars[i] {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            if i >= chars.len() {
                return Err(Problem::new("a `(` is not closed", at));
            }
            let inner: String = chars[start + 1..i].iter().collect();
            i += 1;
            let mut args = parse_args(&inner, at)?;
            if args.is_empty() {
                return Err(Problem::new("an empty `()`", at));
            }
            let Expr::Path(name) = args.remove(0) else {
                return Err(Problem::new("`(` must be followed by a helper name", at));
            };
            if !matches!(name.as_str(), "eq" | "ne" | "not" | "and" | "or") {
                return Err(Problem::new(
                    format!("the helper `{name}` has no equivalent in the other format"),
                    at,
                )
                .hint("conditions that translate: eq, ne, not, and, or"));
            }
            out.push(Expr::Call(name, args));
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '(' {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if word.contains('=') {
                return Err(Problem::new(
                    format!("named arguments (`{word}`) have no equivalent in the other format"),
                    at,
                ));
            }
            let lit = word == "true"
                || word == "false"
                || word.parse::<f64>().is_ok_and(|_| !word.starts_with('.'));
            out.push(if lit {
                Expr::Lit(word)
            } else {
                Expr::Path(word)
            });
        }
    }
    Ok(out)
}

/// How to write a tree as Handlebars.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// promptbook's Handlebars (the Rust crate, with `eq`/`join` helpers).
    Promptbook,
    /// dotprompt: JavaScript Handlebars with only dotprompt's helpers.
    Dotprompt,
}

/// Writes a tree as Handlebars. Block tags that start a line get a line of their own, which
/// Handlebars removes, so the text around them comes out exactly as in the tree.
pub fn to_handlebars(nodes: &[Node], dialect: Dialect) -> Result<String, Problem> {
    let mut out = String::new();
    hbs_nodes(nodes, dialect, &mut out)?;
    Ok(out)
}

fn hbs_tag(out: &mut String, tag: &str) {
    let at_line_start = out.is_empty() || out.ends_with('\n');
    out.push_str(tag);
    if at_line_start {
        out.push('\n');
    }
}

fn hbs_nodes(nodes: &[Node], d: Dialect, out: &mut String) -> Result<(), Problem> {
    for n in nodes {
        match n {
            Node::Text(t) => {
                let escaped = t.replace("{{", "\\{{");
                // A lone line break right after a tag on its own line would be eaten.
                out.push_str(&escaped);
            }
            Node::Out { expr, at } => match (expr, d) {
                (Expr::Call(name, args), Dialect::Dotprompt) if name == "join" => {
                    let (list, sep) = join_args(args, *at)?;
                    out.push_str(&format!(
                        "{{{{#each {list}}}}}{{{{#if @index}}}}{}{{{{/if}}}}{{{{this}}}}{{{{/each}}}}",
                        sep.replace("{{", "\\{{")
                    ));
                }
                (Expr::Call(name, _), _) if name != "join" => {
                    return Err(Problem::new(
                        format!("the helper `{name}` cannot be written out as a value"),
                        *at,
                    ));
                }
                _ => out.push_str(&format!("{{{{{}}}}}", hbs_expr(expr, false))),
            },
            Node::Block {
                kind,
                cond,
                body,
                inverse,
                at,
            } => {
                let (open, close) = match (d, kind, cond) {
                    (
                        Dialect::Dotprompt,
                        BlockKind::If | BlockKind::Unless,
                        Expr::Call(name, args),
                    ) => {
                        let negate = match name.as_str() {
                            "eq" => false,
                            "ne" => true,
                            "not" if args.len() == 1 => {
                                let k = if *kind == BlockKind::If {
                                    BlockKind::Unless
                                } else {
                                    BlockKind::If
                                };
                                let inner = Node::Block {
                                    kind: k,
                                    cond: args[0].clone(),
                                    body: body.clone(),
                                    inverse: inverse.clone(),
                                    at: *at,
                                };
                                hbs_nodes(std::slice::from_ref(&inner), d, out)?;
                                continue;
                            }
                            _ => {
                                return Err(Problem::new(
                                    format!("dotprompt has no `{name}` helper for a condition"),
                                    *at,
                                )
                                .hint("dotprompt conditions: a variable, or ifEquals/unlessEquals of two values"));
                            }
                        };
                        if args.len() != 2 {
                            return Err(Problem::new("`eq` needs two values", *at));
                        }
                        let positive = (*kind == BlockKind::If) != negate;
                        let word = if positive { "ifEquals" } else { "unlessEquals" };
                        (
                            format!(
                                "{{{{#{word} {} {}}}}}",
                                hbs_expr(&args[0], true),
                                hbs_expr(&args[1], true)
                            ),
                            format!("{{{{/{word}}}}}"),
                        )
                    }
                    _ => (
                        format!("{{{{#{} {}}}}}", kind.word(), hbs_expr(cond, true)),
                        format!("{{{{/{}}}}}", kind.word()),
                    ),
                };
                hbs_tag(out, &open);
                hbs_nodes(body, d, out)?;
                if !inverse.is_empty() {
                    hbs_tag(out, "{{else}}");
                    hbs_nodes(inverse, d, out)?;
                }
                hbs_tag(out, &close);
            }
            Node::Partial { name, at } => {
                return Err(Problem::new(
                    format!("the partial `{name}` was not inlined"),
                    *at,
                ));
            }
        }
    }
    Ok(())
}

fn join_args(args: &[Expr], at: Position) -> Result<(String, String), Problem> {
    match args {
        [Expr::Path(list)] => Ok((list.clone(), ", ".into())),
        [Expr::Path(list), Expr::Str(sep)] => Ok((list.clone(), sep.clone())),
        _ => Err(Problem::new(
            "`join` takes a list variable and a quoted separator",
            at,
        )),
    }
}

fn hbs_expr(e: &Expr, nested: bool) -> String {
    match e {
        Expr::Path(p) => p.clone(),
        Expr::Str(s) => format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")),
        Expr::Lit(l) => l.clone(),
        Expr::Call(name, args) => {
            let inner = std::iter::once(name.clone())
                .chain(args.iter().map(|a| hbs_expr(a, true)))
                .collect::<Vec<_>>()
                .join(" ");
            if nested { format!("({inner})") } else { inner }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Jinja2 (Prompty)

/// Reads the Jinja2 that has a Handlebars equivalent: `{{ x }}`, `{{ xs | join(", ") }}`,
/// `{% if %}`/`{% elif %}`/`{% else %}`, `{% for x in xs %}`, `==`, `!=`, `not`, `and`,
/// `or`, comments and `-` trimming. Anything else is a [`Problem`] at its position.
pub fn parse_jinja(src: &str, base: Position) -> Result<Vec<Node>, Problem> {
    let lines = Lines::new(src, base);
    // Each level: the open block, its nodes, its else-nodes, whether in else, loop var.
    struct Open {
        kind: Option<BlockKind>,
        cond: Expr,
        at: Position,
        body: Vec<Node>,
        inverse: Vec<Node>,
        in_else: bool,
        loop_var: Option<String>,
        elifs: usize,
    }
    let root = Open {
        kind: None,
        cond: Expr::Lit("true".into()),
        at: base,
        body: Vec::new(),
        inverse: Vec::new(),
        in_else: false,
        loop_var: None,
        elifs: 0,
    };
    let mut stack = vec![root];
    let mut text = String::new();
    let mut i = 0;
    let mut trim_next = false;
    fn push_text(stack: &mut [Open], text: &mut String) {
        if text.is_empty() {
            return;
        }
        let top = stack.last_mut().expect("root");
        let target = if top.in_else {
            &mut top.inverse
        } else {
            &mut top.body
        };
        match target.last_mut() {
            Some(Node::Text(t)) => t.push_str(text),
            _ => target.push(Node::Text(text.clone())),
        }
        text.clear();
    }
    while i < src.len() {
        let next = ["{{", "{%", "{#"]
            .iter()
            .filter_map(|m| src[i..].find(m).map(|p| (p, *m)))
            .min();
        let Some((rel, marker)) = next else {
            let mut rest = &src[i..];
            if trim_next {
                rest = rest.trim_start();
            }
            text.push_str(rest);
            break;
        };
        let start = i + rel;
        let mut chunk = &src[i..start];
        if trim_next {
            chunk = chunk.trim_start();
            trim_next = false;
        }
        text.push_str(chunk);
        let at = lines.at(start);
        let closer = match marker {
            "{{" => "}}",
            "{%" => "%}",
            _ => "#}",
        };
        let Some(close_rel) = src[start + 2..].find(closer) else {
            return Err(Problem::new(
                format!("`{marker}` is not closed with `{closer}`"),
                at,
            ));
        };
        let mut inner = &src[start + 2..start + 2 + close_rel];
        let end = start + 2 + close_rel + 2;
        if let Some(rest) = inner.strip_prefix('-') {
            inner = rest;
            let trimmed = text.trim_end().len();
            text.truncate(trimmed);
        } else if let Some(rest) = inner.strip_prefix('+') {
            inner = rest;
        }
        if let Some(rest) = inner.strip_suffix('-') {
            inner = rest;
            trim_next = true;
        } else if let Some(rest) = inner.strip_suffix('+') {
            inner = rest;
        }
        i = end;
        if marker == "{#" {
            continue;
        }
        let inner = inner.trim();
        let loop_vars: Vec<String> = stack.iter().filter_map(|o| o.loop_var.clone()).collect();
        if marker == "{{" {
            let expr = jinja_value(inner, at, &loop_vars)?;
            push_text(&mut stack, &mut text);
            let top = stack.last_mut().expect("root");
            let target = if top.in_else {
                &mut top.inverse
            } else {
                &mut top.body
            };
            target.push(Node::Out { expr, at });
            continue;
        }
        let (word, rest) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
        let rest = rest.trim();
        if word == "raw" {
            let Some(end_rel) = src[i..].find("{% endraw %}") else {
                return Err(Problem::new(
                    "`{% raw %}` is never closed with `{% endraw %}`",
                    at,
                ));
            };
            text.push_str(&src[i..i + end_rel]);
            i += end_rel + "{% endraw %}".len();
            continue;
        }
        push_text(&mut stack, &mut text);
        match word {
            "if" => stack.push(Open {
                kind: Some(BlockKind::If),
                cond: jinja_cond(rest, at, &loop_vars)?,
                at,
                body: Vec::new(),
                inverse: Vec::new(),
                in_else: false,
                loop_var: None,
                elifs: 0,
            }),
            "elif" => {
                let top = stack.last_mut().expect("root");
                if top.kind != Some(BlockKind::If) || top.in_else {
                    return Err(Problem::new("`{% elif %}` outside an `{% if %}`", at));
                }
                top.in_else = true;
                top.elifs += 1;
                stack.push(Open {
                    kind: Some(BlockKind::If),
                    cond: jinja_cond(rest, at, &loop_vars)?,
                    at,
                    body: Vec::new(),
                    inverse: Vec::new(),
                    in_else: false,
                    loop_var: None,
                    elifs: usize::MAX,
                });
            }
            "else" => {
                let top = stack.last_mut().expect("root");
                if top.kind.is_none() || top.in_else {
                    return Err(Problem::new("`{% else %}` outside a block", at));
                }
                top.in_else = true;
            }
            "for" => {
                let Some((var, list)) = rest.split_once(" in ") else {
                    return Err(Problem::new(
                        "`{% for %}` must read `{% for item in list %}`",
                        at,
                    ));
                };
                let var = var.trim();
                if !is_ident(var) {
                    return Err(Problem::new(
                        format!("`{{% for {var} in … %}}`: only one loop variable translates"),
                        at,
                    ));
                }
                let list = jinja_value(list.trim(), at, &loop_vars)?;
                if !matches!(list, Expr::Path(_)) {
                    return Err(Problem::new("`{% for %}` must loop over a variable", at));
                }
                stack.push(Open {
                    kind: Some(BlockKind::Each),
                    cond: list,
                    at,
                    body: Vec::new(),
                    inverse: Vec::new(),
                    in_else: false,
                    loop_var: Some(var.to_string()),
                    elifs: 0,
                });
            }
            "endif" | "endfor" => {
                let want = if word == "endif" {
                    BlockKind::If
                } else {
                    BlockKind::Each
                };
                loop {
                    let open = stack.pop().expect("root");
                    if open.kind != Some(want) {
                        return Err(Problem::new(
                            format!("`{{% {word} %}}` closes no block"),
                            at,
                        ));
                    }
                    let chained = open.elifs == usize::MAX;
                    let node = Node::Block {
                        kind: want,
                        cond: open.cond,
                        body: open.body,
                        inverse: open.inverse,
                        at: open.at,
                    };
                    let top = stack.last_mut().expect("root");
                    let target = if top.in_else {
                        &mut top.inverse
                    } else {
                        &mut top.body
                    };
                    target.push(node);
                    if !chained {
                        break;
                    }
                }
            }
            other => {
                return Err(Problem::new(
                    format!("the Jinja statement `{{% {other} %}}` has no Handlebars equivalent"),
                    at,
                )
                .hint("statements that translate: if, elif, else, for, raw"));
            }
        }
    }
    push_text(&mut stack, &mut text);
    if stack.len() > 1 {
        let open = stack.pop().expect("checked");
        return Err(Problem::new("this block is never closed", open.at)
            .hint("add `{% endif %}` or `{% endfor %}` where it ends"));
    }
    Ok(stack.pop().expect("root").body)
}

fn is_ident(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(f) if f.is_ascii_alphabetic() || f == '_')
        && c.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn jinja_value(src: &str, at: Position, loop_vars: &[String]) -> Result<Expr, Problem> {
    if let Some((value, filter)) = src.split_once('|') {
        let filter = filter.trim();
        let base = jinja_value(value.trim(), at, loop_vars)?;
        if filter == "join" {
            return Ok(Expr::Call(
                "join".into(),
                vec![base, Expr::Str(String::new())],
            ));
        }
        if let Some(arg) = filter
            .strip_prefix("join(")
            .and_then(|a| a.strip_suffix(')'))
            && let Some(Expr::Str(sep)) = jinja_literal(arg.trim())
        {
            return Ok(Expr::Call("join".into(), vec![base, Expr::Str(sep)]));
        }
        return Err(Problem::new(
            format!("the Jinja filter `{filter}` has no promptbook helper"),
            at,
        )
        .hint("filters that translate: join(\", \")"));
    }
    if let Some(lit) = jinja_literal(src) {
        return Ok(lit);
    }
    let inner = loop_vars.last();
    if let Some(field) = src.strip_prefix("loop.") {
        return match field {
            "index0" => Ok(Expr::Path("@index".into())),
            "first" => Ok(Expr::Path("@first".into())),
            "last" => Ok(Expr::Path("@last".into())),
            _ => Err(
                Problem::new(format!("`loop.{field}` has no Handlebars equivalent"), at)
                    .hint("loop values that translate: loop.index0, loop.first, loop.last"),
            ),
        };
    }
    if !is_ident(src) {
        return Err(Problem::new(
            format!("the Jinja expression `{src}` has no Handlebars equivalent"),
            at,
        )
        .hint(
            "expressions that translate: a variable, a quoted string, a number, `x | join(\", \")`",
        ));
    }
    if Some(&src.to_string()) == inner {
        return Ok(Expr::Path("this".into()));
    }
    if loop_vars.iter().any(|v| v == src) {
        return Err(Problem::new(
            format!("`{src}` is the variable of an outer loop, which Handlebars cannot reach"),
            at,
        ));
    }
    if loop_vars.is_empty() {
        Ok(Expr::Path(src.to_string()))
    } else {
        Ok(Expr::Path(format!("@root.{src}")))
    }
}

fn jinja_literal(src: &str) -> Option<Expr> {
    let bytes = src.as_bytes();
    if bytes.len() >= 2
        && (bytes[0] == b'"' || bytes[0] == b'\'')
        && bytes[bytes.len() - 1] == bytes[0]
    {
        let inner = &src[1..src.len() - 1];
        if !inner.contains(src.chars().next().unwrap_or('"')) && !inner.contains('\\') {
            return Some(Expr::Str(inner.to_string()));
        }
    }
    if src == "true" || src == "True" {
        return Some(Expr::Lit("true".into()));
    }
    if src == "false" || src == "False" {
        return Some(Expr::Lit("false".into()));
    }
    if !src.is_empty() && src.parse::<f64>().is_ok() {
        return Some(Expr::Lit(src.into()));
    }
    None
}

fn jinja_cond(src: &str, at: Position, loop_vars: &[String]) -> Result<Expr, Problem> {
    let src = src.trim();
    for (op, helper) in [(" or ", "or"), (" and ", "and")] {
        if let Some((a, b)) = split_outside_quotes(src, op) {
            return Ok(Expr::Call(
                helper.into(),
                vec![jinja_cond(a, at, loop_vars)?, jinja_cond(b, at, loop_vars)?],
            ));
        }
    }
    if let Some(rest) = src.strip_prefix("not ") {
        return Ok(Expr::Call(
            "not".into(),
            vec![jinja_cond(rest, at, loop_vars)?],
        ));
    }
    if let Some(inner) = src.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
        return jinja_cond(inner, at, loop_vars);
    }
    for (op, helper) in [("==", "eq"), ("!=", "ne")] {
        if let Some((a, b)) = split_outside_quotes(src, op) {
            return Ok(Expr::Call(
                helper.into(),
                vec![
                    jinja_value(a.trim(), at, loop_vars)?,
                    jinja_value(b.trim(), at, loop_vars)?,
                ],
            ));
        }
    }
    jinja_value(src, at, loop_vars)
}

fn split_outside_quotes<'a>(src: &'a str, op: &str) -> Option<(&'a str, &'a str)> {
    let mut quote: Option<char> = None;
    for (i, c) in src.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if src[i..].starts_with(op) => return Some((&src[..i], &src[i + op.len()..])),
            None => {}
        }
    }
    None
}

/// Writes a tree as Jinja2 (Prompty). Text that looks like Jinja is wrapped in
/// `{% raw %}`; `bools` names boolean variables, written `true`/`false` as Handlebars does.
pub fn to_jinja(nodes: &[Node], bools: &[String]) -> Result<String, Problem> {
    let mut out = String::new();
    jinja_nodes(nodes, bools, &mut Vec::new(), &mut out)?;
    Ok(out)
}

fn jinja_nodes(
    nodes: &[Node],
    bools: &[String],
    loops: &mut Vec<String>,
    out: &mut String,
) -> Result<(), Problem> {
    for n in nodes {
        match n {
            Node::Text(t) => {
                if t.contains("{{") || t.contains("{%") || t.contains("{#") {
                    out.push_str("{% raw %}");
                    out.push_str(t);
                    out.push_str("{% endraw %}");
                } else {
                    out.push_str(t);
                }
            }
            Node::Out { expr, at } => {
                let inner = match expr {
                    Expr::Call(name, args) if name == "join" => {
                        let (list, sep) = join_args(args, *at)?;
                        format!(
                            "{} | join({})",
                            jinja_path(&list, loops, *at)?,
                            jinja_str(&sep)
                        )
                    }
                    Expr::Path(p) if bools.contains(p) && loops.is_empty() => {
                        format!("'true' if {p} else 'false'")
                    }
                    e => jinja_expr(e, loops, *at)?,
                };
                out.push_str(&format!("{{{{ {inner} }}}}"));
            }
            Node::Block {
                kind,
                cond,
                body,
                inverse,
                at,
            } => {
                match kind {
                    BlockKind::If => {
                        out.push_str(&format!("{{% if {} %}}", jinja_expr(cond, loops, *at)?))
                    }
                    BlockKind::Unless => out.push_str(&format!(
                        "{{% if not ({}) %}}",
                        jinja_expr(cond, loops, *at)?
                    )),
                    BlockKind::Each => {
                        let var = if loops.is_empty() {
                            "item".to_string()
                        } else {
                            format!("item{}", loops.len() + 1)
                        };
                        out.push_str(&format!(
                            "{{% for {var} in {} %}}",
                            jinja_expr(cond, loops, *at)?
                        ));
                        loops.push(var);
                        jinja_nodes(body, bools, loops, out)?;
                        loops.pop();
                        if !inverse.is_empty() {
                            out.push_str("{% else %}");
                            jinja_nodes(inverse, bools, loops, out)?;
                        }
                        out.push_str("{% endfor %}");
                        continue;
                    }
                }
                jinja_nodes(body, bools, loops, out)?;
                if !inverse.is_empty() {
                    out.push_str("{% else %}");
                    jinja_nodes(inverse, bools, loops, out)?;
                }
                out.push_str("{% endif %}");
            }
            Node::Partial { name, at } => {
                return Err(Problem::new(
                    format!("the partial `{name}` was not inlined"),
                    *at,
                ));
            }
        }
    }
    Ok(())
}

fn jinja_str(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

fn jinja_path(p: &str, loops: &[String], at: Position) -> Result<String, Problem> {
    let rooted = p.strip_prefix("@root.").or_else(|| p.strip_prefix("../"));
    if let Some(r) = rooted {
        return Ok(r.to_string());
    }
    let current = loops.last();
    match (p, current) {
        ("this", Some(v)) => Ok(v.clone()),
        ("@index", Some(_)) => Ok("loop.index0".into()),
        ("@first", Some(_)) => Ok("loop.first".into()),
        ("@last", Some(_)) => Ok("loop.last".into()),
        (_, None) if !p.starts_with('@') && p != "this" && !p.contains('.') => Ok(p.to_string()),
        _ => Err(Problem::new(
            format!("`{{{{{p}}}}}` has no Jinja equivalent here"),
            at,
        )),
    }
}

fn jinja_expr(e: &Expr, loops: &[String], at: Position) -> Result<String, Problem> {
    Ok(match e {
        Expr::Path(p) => jinja_path(p, loops, at)?,
        Expr::Str(s) => jinja_str(s),
        Expr::Lit(l) => match l.as_str() {
            "true" => "true".into(),
            "false" => "false".into(),
            n => n.to_string(),
        },
        Expr::Call(name, args) => {
            let a: Vec<String> = args
                .iter()
                .map(|x| jinja_expr(x, loops, at))
                .collect::<Result<_, _>>()?;
            match (name.as_str(), a.as_slice()) {
                ("eq", [x, y]) => format!("({x} == {y})"),
                ("ne", [x, y]) => format!("({x} != {y})"),
                ("not", [x]) => format!("(not {x})"),
                ("and", [x, y]) => format!("({x} and {y})"),
                ("or", [x, y]) => format!("({x} or {y})"),
                _ => {
                    return Err(Problem::new(
                        format!("`{name}` with {} values has no Jinja equivalent", a.len()),
                        at,
                    ));
                }
            }
        }
    })
}

// ---------------------------------------------------------------------------------------
// Flat formats: text with variables only.

/// Reads Python `string.Template` text (llm): `$name` and `${name}` are variables, `$$` a
/// `$`; any other `$` is refused, as llm would refuse it.
pub fn parse_dollar(src: &str, base: Position) -> Result<Vec<Node>, Problem> {
    let lines = Lines::new(src, base);
    let mut nodes = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    let b = src.as_bytes();
    while i < b.len() {
        let Some(rel) = src[i..].find('$') else {
            text.push_str(&src[i..]);
            break;
        };
        let d = i + rel;
        text.push_str(&src[i..d]);
        let at = lines.at(d);
        let rest = &src[d + 1..];
        if rest.starts_with('$') {
            text.push('$');
            i = d + 2;
            continue;
        }
        let (name, used) = if let Some(inner) = rest.strip_prefix('{') {
            match inner.find('}') {
                Some(e) if is_ident(&inner[..e]) => (&inner[..e], e + 2),
                _ => {
                    return Err(Problem::new("`${` must hold a variable name and `}`", at)
                        .hint("write `$$` for a dollar sign"));
                }
            }
        } else {
            let len = rest
                .char_indices()
                .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '_')
                .count();
            let name = &rest[..len];
            if !is_ident(name) {
                return Err(Problem::new(
                    "a `$` that is neither a variable nor `$$`: llm refuses such a template",
                    at,
                )
                .hint("write `$$` for a dollar sign"));
            }
            (name, len)
        };
        if !text.is_empty() {
            nodes.push(Node::Text(std::mem::take(&mut text)));
        }
        nodes.push(Node::Out {
            expr: Expr::Path(name.to_string()),
            at,
        });
        i = d + 1 + used;
    }
    if !text.is_empty() {
        nodes.push(Node::Text(text));
    }
    Ok(nodes)
}

/// Reads text in which `{{ name }}` is a variable and nothing else is special (GitHub
/// Models' `.prompt.yml`).
pub fn parse_mustache_flat(src: &str, base: Position) -> Vec<Node> {
    let lines = Lines::new(src, base);
    let mut nodes = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while i < src.len() {
        let Some(rel) = src[i..].find("{{") else {
            text.push_str(&src[i..]);
            break;
        };
        let s = i + rel;
        let close = src[s + 2..].find("}}");
        match close {
            Some(c) if is_ident(src[s + 2..s + 2 + c].trim()) => {
                text.push_str(&src[i..s]);
                if !text.is_empty() {
                    nodes.push(Node::Text(std::mem::take(&mut text)));
                }
                nodes.push(Node::Out {
                    expr: Expr::Path(src[s + 2..s + 2 + c].trim().to_string()),
                    at: lines.at(s),
                });
                i = s + 2 + c + 2;
            }
            _ => {
                text.push_str(&src[i..s + 2]);
                i = s + 2;
            }
        }
    }
    if !text.is_empty() {
        nodes.push(Node::Text(text));
    }
    nodes
}

/// Reads a Claude Code command body: `$ARGUMENTS` is the whole argument text, `$1`…`$9`
/// the positional ones, named by `positional`.
pub fn parse_claude(src: &str, base: Position, positional: &[String]) -> Vec<Node> {
    let lines = Lines::new(src, base);
    let mut nodes = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while i < src.len() {
        let Some(rel) = src[i..].find('$') else {
            text.push_str(&src[i..]);
            break;
        };
        let d = i + rel;
        text.push_str(&src[i..d]);
        let rest = &src[d + 1..];
        let var = if rest.starts_with("ARGUMENTS") {
            Some(("arguments".to_string(), 9))
        } else {
            rest.chars()
                .next()
                .and_then(|c| c.to_digit(10))
                .filter(|n| *n >= 1)
                .map(|n| {
                    let name = positional
                        .get(n as usize - 1)
                        .cloned()
                        .unwrap_or_else(|| format!("arg{n}"));
                    (name, 1)
                })
        };
        match var {
            Some((name, used)) => {
                if !text.is_empty() {
                    nodes.push(Node::Text(std::mem::take(&mut text)));
                }
                nodes.push(Node::Out {
                    expr: Expr::Path(name),
                    at: lines.at(d),
                });
                i = d + 1 + used;
            }
            None => {
                text.push('$');
                i = d + 1;
            }
        }
    }
    if !text.is_empty() {
        nodes.push(Node::Text(text));
    }
    nodes
}

/// How a flat format writes a variable; `None` when it has no way to.
pub type VarWriter<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Writes a tree of text and plain variables for a flat format. `escape` makes text
/// literal (llm's `$` → `$$`), or says why it cannot be.
pub fn to_flat(
    nodes: &[Node],
    var: VarWriter<'_>,
    escape: &dyn Fn(&str) -> Result<String, String>,
    format: &str,
) -> Result<String, Problem> {
    if let Some((what, at)) = first_logic(nodes) {
        return Err(Problem::new(
            format!("{what} has no equivalent in {format}, which only fills in variables"),
            at,
        )
        .hint("export with `--as dotprompt` or `--as prompty`, which carry conditions and lists"));
    }
    let mut out = String::new();
    for n in nodes {
        match n {
            Node::Text(t) => {
                out.push_str(&escape(t).map_err(|why| Problem::new(why, Position::default()))?)
            }
            Node::Out {
                expr: Expr::Path(p),
                at,
            } => out.push_str(&var(p).ok_or_else(|| {
                Problem::new(format!("{format} cannot write the variable `{p}`"), *at)
            })?),
            _ => unreachable!("first_logic found no logic"),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT: Position = Position { line: 1, column: 1 };

    fn hb(src: &str) -> Vec<Node> {
        parse_handlebars(src, AT, &[]).unwrap()
    }

    #[test]
    fn standalone_block_lines_vanish() {
        let nodes = hb("a\n{{#if x}}\nb\n{{/if}}\nc");
        assert_eq!(
            nodes,
            vec![
                Node::Text("a\n".into()),
                Node::Block {
                    kind: BlockKind::If,
                    cond: Expr::Path("x".into()),
                    body: vec![Node::Text("b\n".into())],
                    inverse: vec![],
                    at: Position { line: 2, column: 1 },
                },
                Node::Text("c".into()),
            ]
        );
        assert_eq!(
            to_jinja(&nodes, &[]).unwrap(),
            "a\n{% if x %}b\n{% endif %}c"
        );
        assert_eq!(
            to_handlebars(&nodes, Dialect::Promptbook).unwrap(),
            "a\n{{#if x}}\nb\n{{/if}}\nc"
        );
    }

    #[test]
    fn jinja_becomes_handlebars() {
        let nodes = parse_jinja(
            "Hi {{ name }}{% if tone == \"warm\" %}!{% elif not tone %}.{% else %}?{% endif %}\n{% for t in tags %}- {{ t }} {{ loop.index0 }} {{ name }}\n{% endfor %}{{ tags | join(', ') }}{# note #}",
            AT,
        )
        .unwrap();
        assert_eq!(
            to_handlebars(&nodes, Dialect::Promptbook).unwrap(),
            "Hi {{name}}{{#if (eq tone \"warm\")}}!{{else}}{{#if (not tone)}}.{{else}}?{{/if}}{{/if}}\n{{#each tags}}\n- {{this}} {{@index}} {{@root.name}}\n{{/each}}\n{{join tags \", \"}}"
        );
    }

    #[test]
    fn untranslatable_jinja_has_a_position() {
        let e = parse_jinja("ok\n  {{ name | upper }}", AT).unwrap_err();
        assert_eq!(e.at, Position { line: 2, column: 3 });
        assert!(e.message.contains("upper"), "{}", e.message);
        let e = parse_jinja("{% set x = 1 %}", AT).unwrap_err();
        assert!(e.message.contains("set"));
    }

    #[test]
    fn dollars_for_llm() {
        let nodes = parse_dollar("Cost $$5 for $who and ${what}s", AT).unwrap();
        assert_eq!(variables(&nodes).len(), 2);
        let back = to_flat(
            &nodes,
            &|p| Some(format!("${{{p}}}")),
            &|t| Ok(t.replace('$', "$$")),
            "llm",
        )
        .unwrap();
        assert_eq!(back, "Cost $$5 for ${who} and ${what}s");
        assert!(parse_dollar("a $ b", AT).is_err());
    }

    #[test]
    fn dotprompt_has_no_eq_or_join() {
        let nodes = hb("{{#if (eq tone \"a\")}}A{{else}}B{{/if}} {{join xs \", \"}} \\{{literal}}");
        assert_eq!(
            to_handlebars(&nodes, Dialect::Dotprompt).unwrap(),
            "{{#ifEquals tone \"a\"}}\nA{{else}}B{{/ifEquals}} {{#each xs}}{{#if @index}}, {{/if}}{{this}}{{/each}} \\{{literal}}"
        );
    }
}
