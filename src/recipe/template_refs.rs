//! Finds which recipe variables a Handlebars template reads, with their positions, so a
//! template that uses an undeclared variable is rejected when the recipe is added.

use handlebars::Path;
use handlebars::template::{
    DecoratorTemplate, HelperTemplate, Parameter, Template, TemplateElement,
};

/// Helpers a template may call: Handlebars' built-ins without side effects, and ours.
pub const KNOWN_HELPERS: &[&str] = &[
    "if", "unless", "each", "with", "lookup", "eq", "ne", "gt", "gte", "lt", "lte", "and", "or",
    "not", "len", "join",
];

/// Block helpers that change the context inside their block.
const SCOPING_HELPERS: &[&str] = &["each", "with"];

/// A variable read by a template, at a 1-based line and column of the template text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarRef {
    pub name: String,
    pub line: usize,
    pub column: usize,
}

/// Something the template does that recipes may not do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// A snippet a template includes (`{{> name}}`), at a 1-based line and column of the
/// template text. `name` is as written: `brand-voice`, or `team/brand-voice` for a pack's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnippetRef {
    pub name: String,
    pub line: usize,
    pub column: usize,
}

/// What a template reads at the root of its context, the snippets it includes, and what it
/// does that is not allowed.
#[derive(Debug, Default)]
pub struct TemplateRefs {
    pub vars: Vec<VarRef>,
    pub snippets: Vec<SnippetRef>,
    pub problems: Vec<Unsupported>,
}

/// Whether `name` can name a snippet in `{{> name}}`: kebab-case, or `pack/name`.
pub fn is_snippet_name(name: &str) -> bool {
    match name.split_once('/') {
        Some((pack, bare)) => super::is_kebab(pack) && super::is_kebab(bare),
        None => super::is_kebab(name),
    }
}

/// The most blocks (`{{#if}}`, `{{#each}}`, …) open at once in a template, and the most
/// parentheses open at once in one expression. Deeper templates are refused before the
/// Handlebars parser sees them: its parser, and every walk over the parsed template,
/// recurse once per level, so 10,000 levels would overflow the stack.
pub const MAX_TEMPLATE_DEPTH: usize = 32;

/// Where a template first nests blocks or parentheses deeper than [`MAX_TEMPLATE_DEPTH`]
/// (1-based line and column of the opening that goes too deep), found by scanning the text.
pub fn too_deep(source: &str) -> Option<Unsupported> {
    if !source.contains("{{") {
        return None;
    }
    let chars: Vec<char> = source.chars().collect();
    let (mut line, mut column) = (1, 1);
    let mut blocks = 0usize;
    let mut i = 0;
    let at = |i: usize, line: &mut usize, column: &mut usize, upto: usize| {
        for c in &chars[i..upto] {
            if *c == '\n' {
                *line += 1;
                *column = 1;
            } else {
                *column += 1;
            }
        }
    };
    while i < chars.len() {
        let opens =
            chars[i] == '{' && chars.get(i + 1) == Some(&'{') && (i == 0 || chars[i - 1] != '\\');
        if !opens {
            at(i, &mut line, &mut column, i + 1);
            i += 1;
            continue;
        }
        let start = (line, column);
        let mut j = i + 2;
        while matches!(chars.get(j), Some('{') | Some('~')) {
            j += 1;
        }
        let comment = chars.get(j) == Some(&'!');
        let long_comment =
            comment && chars.get(j + 1) == Some(&'-') && chars.get(j + 2) == Some(&'-');
        match chars.get(j) {
            Some('#') => blocks += 1,
            Some('^') if !matches!(chars.get(j + 1), Some('}') | Some('~')) => blocks += 1,
            Some('/') => blocks = blocks.saturating_sub(1),
            _ => {}
        }
        if blocks > MAX_TEMPLATE_DEPTH {
            return Some(Unsupported {
                message: format!("blocks are nested more than {MAX_TEMPLATE_DEPTH} deep"),
                line: start.0,
                column: start.1,
            });
        }
        // To the end of the tag, counting parentheses outside quotes.
        let end_mark: &[char] = if long_comment {
            &['-', '-', '}', '}']
        } else {
            &['}', '}']
        };
        let mut parens = 0usize;
        let mut quote: Option<char> = None;
        let mut k = j;
        while k < chars.len() && !chars[k..].starts_with(end_mark) {
            let c = chars[k];
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') if !comment => quote = Some(c),
                (None, '(') if !comment => {
                    parens += 1;
                    if parens > MAX_TEMPLATE_DEPTH {
                        let mut p = (line, column);
                        at(i, &mut p.0, &mut p.1, k);
                        return Some(Unsupported {
                            message: format!(
                                "parentheses are nested more than {MAX_TEMPLATE_DEPTH} deep"
                            ),
                            line: p.0,
                            column: p.1,
                        });
                    }
                }
                (None, ')') => parens = parens.saturating_sub(1),
                _ => {}
            }
            k += 1;
        }
        let next = (k + end_mark.len()).min(chars.len());
        at(i, &mut line, &mut column, next);
        i = next;
    }
    None
}

/// Walks `template` and returns the root variables it reads.
pub fn collect(template: &Template) -> TemplateRefs {
    let mut refs = TemplateRefs::default();
    walk(template, 0, (1, 1), &mut refs);
    refs
}

fn walk(template: &Template, depth: usize, parent: (usize, usize), refs: &mut TemplateRefs) {
    for (i, element) in template.elements.iter().enumerate() {
        let pos = template
            .mapping
            .get(i)
            .map(|m| (m.0, m.1))
            .unwrap_or(parent);
        match element {
            TemplateElement::Expression(h) | TemplateElement::HtmlExpression(h) => {
                helper(h, depth, pos, false, refs)
            }
            TemplateElement::HelperBlock(h) => helper(h, depth, pos, true, refs),
            TemplateElement::PartialExpression(d) => snippet(d, depth, pos, refs),
            TemplateElement::PartialBlock(_) => refs.problems.push(Unsupported {
                message: "partial blocks (`{{#> name}}…{{/name}}`) are not supported; include a snippet with `{{> name}}`".into(),
                line: pos.0,
                column: pos.1,
            }),
            TemplateElement::DecoratorExpression(_) | TemplateElement::DecoratorBlock(_) => {
                refs.problems.push(Unsupported {
                    message: "decorators (`{{* name}}`) are not supported in recipes".into(),
                    line: pos.0,
                    column: pos.1,
                })
            }
            _ => {}
        }
    }
}

/// Records `{{> name}}`: a snippet, which reads the recipe's variables, so it takes no
/// arguments and stands where the context is the recipe's own (outside each/with).
fn snippet(d: &DecoratorTemplate, depth: usize, pos: (usize, usize), refs: &mut TemplateRefs) {
    let mut problem = |message: String| {
        refs.problems.push(Unsupported {
            message,
            line: pos.0,
            column: pos.1,
        })
    };
    let name = match &d.name {
        Parameter::Name(n) => n.clone(),
        Parameter::Path(p) => raw_path(p).to_string(),
        Parameter::Literal(serde_json::Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    if !is_snippet_name(&name) {
        problem(format!(
            "`{{{{> {name}}}}}` does not name a snippet: snippet names are kebab-case, e.g. `{{{{> brand-voice}}}}` (or `{{{{> pack/brand-voice}}}}`)"
        ));
        return;
    }
    if !d.params.is_empty() || !d.hash.is_empty() {
        problem(format!(
            "`{{{{> {name}}}}}` is given arguments, but a snippet takes none: it reads the recipe's own variables"
        ));
        return;
    }
    if depth > 0 {
        problem(format!(
            "`{{{{> {name}}}}}` stands inside `{{{{#each}}}}` or `{{{{#with}}}}`, where the recipe's variables are out of reach; include the snippet outside the block"
        ));
        return;
    }
    refs.snippets.push(SnippetRef {
        name,
        line: pos.0,
        column: pos.1,
    });
}

fn helper(
    h: &HelperTemplate,
    depth: usize,
    pos: (usize, usize),
    block: bool,
    refs: &mut TemplateRefs,
) {
    let is_call = block || !h.params.is_empty() || !h.hash.is_empty();
    let helper_name = match &h.name {
        Parameter::Name(n) => Some(n.clone()),
        Parameter::Path(p) if is_call => Some(raw_path(p).to_string()),
        _ => None,
    };
    match (&helper_name, &h.name) {
        (Some(name), _) => {
            if !KNOWN_HELPERS.contains(&name.as_str()) {
                refs.problems.push(Unsupported {
                    message: format!(
                        "unknown helper `{name}`; available: {}",
                        KNOWN_HELPERS.join(", ")
                    ),
                    line: pos.0,
                    column: pos.1,
                });
            }
        }
        (None, Parameter::Path(p)) => path(p, depth, pos, refs),
        (None, other) => param(other, depth, pos, refs),
    }
    for p in &h.params {
        param(p, depth, pos, refs);
    }
    for p in h.hash.values() {
        param(p, depth, pos, refs);
    }
    let scoped = helper_name
        .as_deref()
        .is_some_and(|n| SCOPING_HELPERS.contains(&n));
    if let Some(inner) = &h.template {
        walk(inner, if scoped { depth + 1 } else { depth }, pos, refs);
    }
    if let Some(inverse) = &h.inverse {
        walk(inverse, depth, pos, refs);
    }
}

fn param(p: &Parameter, depth: usize, pos: (usize, usize), refs: &mut TemplateRefs) {
    match p {
        Parameter::Path(p) => path(p, depth, pos, refs),
        Parameter::Subexpression(sub) => match sub.element.as_ref() {
            TemplateElement::Expression(h) | TemplateElement::HelperBlock(h) => {
                helper(h, depth, pos, true, refs)
            }
            _ => {}
        },
        _ => {}
    }
}

fn raw_path(p: &Path) -> &str {
    match p {
        Path::Relative((_, raw)) => raw,
        Path::Local((_, _, raw)) => raw,
    }
}

/// Records a path if it reads from the root context: a plain name at depth 0, `../name` that
/// climbs back to the root, or `@root.name`.
fn path(p: &Path, depth: usize, pos: (usize, usize), refs: &mut TemplateRefs) {
    let Path::Relative((_, raw)) = p else { return };
    let mut rest = raw.as_str();
    let mut level = depth;
    if let Some(r) = rest
        .strip_prefix("@root.")
        .or_else(|| rest.strip_prefix("@root/"))
    {
        rest = r;
        level = 0;
    } else {
        while let Some(r) = rest.strip_prefix("../") {
            rest = r;
            level = level.saturating_sub(1);
        }
        rest = rest.strip_prefix("./").unwrap_or(rest);
    }
    if level != 0 || rest.starts_with('@') {
        return;
    }
    let name = rest.split(['.', '/', '[']).next().unwrap_or("");
    if name.is_empty() || name == "this" {
        return;
    }
    refs.vars.push(VarRef {
        name: name.to_string(),
        line: pos.0,
        column: pos.1,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_measured_from_the_text() {
        let nested = |n: usize| "{{#if a}}".repeat(n) + &"{{/if}}".repeat(n);
        assert!(too_deep(&nested(MAX_TEMPLATE_DEPTH)).is_none());
        let e = too_deep(&format!("x\n {}", nested(10_000))).unwrap();
        assert_eq!((e.line, e.column), (2, 2 + 9 * MAX_TEMPLATE_DEPTH));
        // Siblings, escapes, comments and quoted parentheses do not nest.
        let siblings = "{{#if a}}x{{/if}}".repeat(1000);
        assert!(too_deep(&siblings).is_none());
        assert!(too_deep(&"\\{{#if a}}".repeat(100)).is_none());
        assert!(too_deep(&format!("{{{{!-- {} --}}}}", nested(100))).is_none());
        assert!(too_deep(&format!("{{{{eq a \"{}\"}}}}", "(".repeat(100))).is_none());
        let e = too_deep(&format!(
            "{{{{len {}a{}}}}}",
            "(".repeat(40),
            ")".repeat(40)
        ))
        .unwrap();
        assert_eq!((e.line, e.column), (1, 7 + MAX_TEMPLATE_DEPTH));
    }

    fn names(src: &str) -> Vec<String> {
        let t = Template::compile(src).unwrap();
        collect(&t).vars.into_iter().map(|v| v.name).collect()
    }

    #[test]
    fn finds_root_variables_but_not_scoped_ones() {
        assert_eq!(
            names(
                "{{a}} {{#if b}}{{c}}{{else}}{{d}}{{/if}} {{join e \", \"}} {{#each f}}{{this}}{{g}}{{../h}}{{@index}}{{/each}}"
            ),
            ["a", "b", "c", "d", "e", "f", "h"]
        );
        assert_eq!(names("{{#if (eq tone \"x\")}}y{{/if}}"), ["tone"]);
        assert_eq!(names("{{@root.x}}{{x.y}}"), ["x", "x"]);
    }

    #[test]
    fn positions_are_template_lines_and_columns() {
        let t = Template::compile("hello\n  {{topik}}").unwrap();
        let refs = collect(&t);
        assert_eq!(
            refs.vars[0],
            VarRef {
                name: "topik".into(),
                line: 2,
                column: 3
            }
        );
    }

    #[test]
    fn rejects_unknown_helpers_and_partial_blocks() {
        let t = Template::compile("{{shout x}} {{#> other}}x{{/other}}").unwrap();
        let refs = collect(&t);
        assert_eq!(refs.problems.len(), 2);
        assert!(refs.problems[0].message.contains("unknown helper `shout`"));
        assert!(refs.problems[1].message.contains("partial blocks"));
    }

    #[test]
    fn snippets_are_found_and_misuses_refused() {
        let t = Template::compile(
            "{{> brand-voice}}\n{{#if a}}{{> team/house-style}}{{/if}}\n{{> x tone=\"a\"}}{{#each l}}{{> y}}{{/each}}{{> Bad_Name}}",
        )
        .unwrap();
        let refs = collect(&t);
        let names: Vec<_> = refs.snippets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["brand-voice", "team/house-style"]);
        assert_eq!((refs.snippets[1].line, refs.snippets[1].column), (2, 10));
        let problems: Vec<_> = refs.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("is given arguments"));
        assert!(problems[1].contains("inside `{{#each}}`"));
        assert!(problems[2].contains("does not name a snippet"));
    }
}
