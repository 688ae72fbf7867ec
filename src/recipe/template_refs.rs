//! Finds which recipe variables a Handlebars template reads, with their positions, so a
//! template that uses an undeclared variable is rejected when the recipe is added.

use handlebars::Path;
use handlebars::template::{HelperTemplate, Parameter, Template, TemplateElement};

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

/// What a template reads at the root of its context, and what it does that is not allowed.
#[derive(Debug, Default)]
pub struct TemplateRefs {
    pub vars: Vec<VarRef>,
    pub problems: Vec<Unsupported>,
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
            TemplateElement::PartialExpression(_) | TemplateElement::PartialBlock(_) => {
                refs.problems.push(Unsupported {
                    message: "partials (`{{> name}}`) are not supported in recipes".into(),
                    line: pos.0,
                    column: pos.1,
                })
            }
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
    fn rejects_unknown_helpers_and_partials() {
        let t = Template::compile("{{shout x}} {{> other}}").unwrap();
        let refs = collect(&t);
        assert_eq!(refs.problems.len(), 2);
        assert!(refs.problems[0].message.contains("unknown helper `shout`"));
    }
}
