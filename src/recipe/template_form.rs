//! A parsed Handlebars template as plain data, stored in a recipe's render form so `render`
//! rebuilds the template tree instead of running Handlebars' parser (which was half of a
//! render's work, and grows with the template's length).
//!
//! [`encode`] turns a template Handlebars parsed into a [`TemplateForm`], and checks that
//! [`TemplateForm::decode`] rebuilds exactly that template; anything it cannot rebuild
//! exactly (an element or parameter kind it does not know) is not encoded at all, and the
//! template is parsed from its text as before. So a stored tree always renders like the text
//! it came from. A rebuilt template carries no positions (Handlebars' `mapping`): rendering
//! does not need them, and checks that report positions parse the text.

use std::collections::HashMap;

use handlebars::template::{
    BlockParam, DecoratorTemplate, ExpressionSpecBuilder, HelperTemplate, Parameter, Subexpression,
    Template, TemplateElement,
};
use handlebars::{Path, PathSeg};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A template's elements, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TemplateForm(Vec<Element>);

/// One element of a template: literal text, a comment, an expression, a block, a partial or
/// a decorator, with Handlebars' own fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Element {
    Text(String),
    Comment(String),
    Expression(Box<Helper>),
    HtmlExpression(Box<Helper>),
    Block(Box<Helper>),
    Partial(Box<Decorator>),
    PartialBlock(Box<Decorator>),
    Decorator(Box<Decorator>),
    DecoratorBlock(Box<Decorator>),
}

/// An expression or block: `{{name params key=value}}`, `{{#name …}}…{{else}}…{{/name}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Helper {
    name: Param,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    params: Vec<Param>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    hash: Vec<(String, Param)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    block_param: Option<BlockParams>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    template: Option<TemplateForm>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    inverse: Option<TemplateForm>,
    #[serde(default, skip_serializing_if = "is_false")]
    block: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    chain: bool,
    /// Handlebars' `indent_before_write` (how a standalone block indents what follows).
    #[serde(default, skip_serializing_if = "is_false")]
    indent: bool,
}

/// A partial or decorator: `{{> name}}`, `{{#> name}}…{{/name}}`, `{{* name}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Decorator {
    name: Param,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    params: Vec<Param>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    hash: Vec<(String, Param)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    template: Option<TemplateForm>,
    /// The white space before a standalone partial, which Handlebars repeats on its lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    indent: Option<String>,
    /// Handlebars' `indent_before_write`.
    #[serde(default, skip_serializing_if = "is_false")]
    indent_before_write: bool,
}

/// `as |item index|`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum BlockParams {
    Single(String),
    Pair(String, String),
}

/// A helper's name, a parameter or a hash value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Param {
    /// A helper or partial name.
    Name(String),
    /// A path of plain names (`topic`, `a.b`, `this`), as written and as its segments.
    Path(String, Vec<String>),
    /// A local variable: `@index`, `../@key` (levels up, name, as written).
    Local(usize, String, String),
    /// Any other path (`../name`, `@root.name`), parsed again from how it was written.
    Parsed(String),
    Literal(Value),
    /// `(helper params key=value)`.
    Sub(Box<Helper>),
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The form of `template`, or `None` when it holds something [`TemplateForm::decode`] cannot
/// rebuild exactly (the template is then parsed from its text when it is rendered).
pub fn encode(template: &Template) -> Option<TemplateForm> {
    let mut plain = template.clone();
    strip_positions(&mut plain);
    let form = TemplateForm::of(&plain)?;
    (form.clone().decode().as_ref() == Some(&plain)).then_some(form)
}

impl TemplateForm {
    /// The form of a template whose text holds no `{{`: that text, as one element.
    pub fn text(text: &str) -> TemplateForm {
        TemplateForm(vec![Element::Text(text.to_string())])
    }

    /// The template again, without positions; `None` for a form no parse could give (read
    /// from a damaged store), which is then ignored.
    pub fn decode(self) -> Option<Template> {
        let mut t = Template::new();
        t.elements = self
            .0
            .into_iter()
            .map(Element::decode)
            .collect::<Option<Vec<_>>>()?;
        Some(t)
    }

    /// The form of a template without positions; `None` for an element it does not know.
    fn of(template: &Template) -> Option<TemplateForm> {
        if template.name.is_some() {
            return None;
        }
        template
            .elements
            .iter()
            .map(Element::of)
            .collect::<Option<Vec<_>>>()
            .map(TemplateForm)
    }
}

/// Clears the positions of `template` and of every template inside it.
fn strip_positions(template: &mut Template) {
    template.mapping.clear();
    for e in &mut template.elements {
        match e {
            TemplateElement::Expression(h)
            | TemplateElement::HtmlExpression(h)
            | TemplateElement::HelperBlock(h) => {
                for t in [&mut h.template, &mut h.inverse].into_iter().flatten() {
                    strip_positions(t);
                }
            }
            TemplateElement::DecoratorExpression(d)
            | TemplateElement::DecoratorBlock(d)
            | TemplateElement::PartialExpression(d)
            | TemplateElement::PartialBlock(d) => {
                if let Some(t) = &mut d.template {
                    strip_positions(t);
                }
            }
            _ => {}
        }
    }
}

impl Element {
    fn of(e: &TemplateElement) -> Option<Element> {
        Some(match e {
            TemplateElement::RawString(s) => Element::Text(s.clone()),
            TemplateElement::Comment(s) => Element::Comment(s.clone()),
            TemplateElement::Expression(h) => Element::Expression(Helper::of(h)?),
            TemplateElement::HtmlExpression(h) => Element::HtmlExpression(Helper::of(h)?),
            TemplateElement::HelperBlock(h) => Element::Block(Helper::of(h)?),
            TemplateElement::PartialExpression(d) => Element::Partial(Decorator::of(d)?),
            TemplateElement::PartialBlock(d) => Element::PartialBlock(Decorator::of(d)?),
            TemplateElement::DecoratorExpression(d) => Element::Decorator(Decorator::of(d)?),
            TemplateElement::DecoratorBlock(d) => Element::DecoratorBlock(Decorator::of(d)?),
            _ => return None,
        })
    }

    fn decode(self) -> Option<TemplateElement> {
        Some(match self {
            Element::Text(s) => TemplateElement::RawString(s),
            Element::Comment(s) => TemplateElement::Comment(s),
            Element::Expression(h) => TemplateElement::Expression(h.decode()?),
            Element::HtmlExpression(h) => TemplateElement::HtmlExpression(h.decode()?),
            Element::Block(h) => TemplateElement::HelperBlock(h.decode()?),
            Element::Partial(d) => TemplateElement::PartialExpression(d.decode()?),
            Element::PartialBlock(d) => TemplateElement::PartialBlock(d.decode()?),
            Element::Decorator(d) => TemplateElement::DecoratorExpression(d.decode()?),
            Element::DecoratorBlock(d) => TemplateElement::DecoratorBlock(d.decode()?),
        })
    }
}

fn params_of(params: &[Parameter]) -> Option<Vec<Param>> {
    params.iter().map(Param::of).collect()
}

fn hash_of(hash: &HashMap<String, Parameter>) -> Option<Vec<(String, Param)>> {
    let mut out = hash
        .iter()
        .map(|(k, v)| Some((k.clone(), Param::of(v)?)))
        .collect::<Option<Vec<_>>>()?;
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Some(out)
}

fn decode_params(params: Vec<Param>) -> Option<Vec<Parameter>> {
    params.into_iter().map(Param::decode).collect()
}

fn decode_hash(hash: Vec<(String, Param)>) -> Option<HashMap<String, Parameter>> {
    hash.into_iter()
        .map(|(k, v)| Some((k, v.decode()?)))
        .collect()
}

fn form_of(template: &Option<Template>) -> Option<Option<TemplateForm>> {
    match template {
        None => Some(None),
        Some(t) => TemplateForm::of(t).map(Some),
    }
}

fn decode_template(form: Option<TemplateForm>) -> Option<Option<Template>> {
    match form {
        None => Some(None),
        Some(f) => f.decode().map(Some),
    }
}

impl Helper {
    /// The form of `h`; its hidden `indent_before_write` is found by rebuilding it both ways.
    fn of(h: &HelperTemplate) -> Option<Box<Helper>> {
        let mut form = Helper {
            name: Param::of(&h.name)?,
            params: params_of(&h.params)?,
            hash: hash_of(&h.hash)?,
            block_param: match &h.block_param {
                None => None,
                Some(BlockParam::Single(Parameter::Name(a))) => {
                    Some(BlockParams::Single(a.clone()))
                }
                Some(BlockParam::Pair((Parameter::Name(a), Parameter::Name(b)))) => {
                    Some(BlockParams::Pair(a.clone(), b.clone()))
                }
                Some(_) => return None,
            },
            template: form_of(&h.template)?,
            inverse: form_of(&h.inverse)?,
            block: h.block,
            chain: h.chain,
            indent: false,
        };
        if form.clone().decode().as_deref() != Some(h) {
            form.indent = true;
            if form.clone().decode().as_deref() != Some(h) {
                return None;
            }
        }
        Some(Box::new(form))
    }

    fn decode(self) -> Option<Box<HelperTemplate>> {
        let mut spec = ExpressionSpecBuilder::default();
        spec.name(self.name.decode()?)
            .params(decode_params(self.params)?)
            .hash(decode_hash(self.hash)?)
            .omit_pre_ws(false)
            .omit_pro_ws(false);
        if let Some(bp) = self.block_param {
            spec.block_param(match bp {
                BlockParams::Single(a) => BlockParam::Single(Parameter::Name(a)),
                BlockParams::Pair(a, b) => {
                    BlockParam::Pair((Parameter::Name(a), Parameter::Name(b)))
                }
            });
        }
        let mut h = HelperTemplate::new(spec.build().ok()?, self.block, self.indent);
        h.template = decode_template(self.template)?;
        h.inverse = decode_template(self.inverse)?;
        h.chain = self.chain;
        Some(Box::new(h))
    }
}

impl Decorator {
    fn of(d: &DecoratorTemplate) -> Option<Box<Decorator>> {
        let mut form = Decorator {
            name: Param::of(&d.name)?,
            params: params_of(&d.params)?,
            hash: hash_of(&d.hash)?,
            template: form_of(&d.template)?,
            indent: d.indent.clone(),
            indent_before_write: false,
        };
        if form.clone().decode().as_deref() != Some(d) {
            form.indent_before_write = true;
            if form.clone().decode().as_deref() != Some(d) {
                return None;
            }
        }
        Some(Box::new(form))
    }

    fn decode(self) -> Option<Box<DecoratorTemplate>> {
        let spec = ExpressionSpecBuilder::default()
            .name(self.name.decode()?)
            .params(decode_params(self.params)?)
            .hash(decode_hash(self.hash)?)
            .omit_pre_ws(false)
            .omit_pro_ws(false)
            .build()
            .ok()?;
        let mut d = DecoratorTemplate::new(spec, self.indent_before_write);
        d.template = decode_template(self.template)?;
        d.indent = self.indent;
        Some(Box::new(d))
    }
}

impl Param {
    fn of(p: &Parameter) -> Option<Param> {
        Some(match p {
            Parameter::Name(n) => Param::Name(n.clone()),
            Parameter::Path(Path::Local((level, name, raw))) => {
                Param::Local(*level, name.clone(), raw.clone())
            }
            Parameter::Path(Path::Relative((segs, raw))) => {
                let names = segs
                    .iter()
                    .map(|s| match s {
                        PathSeg::Named(n) => Some(n.clone()),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>();
                match names {
                    Some(names) => Param::Path(raw.clone(), names),
                    None => Param::Parsed(raw.clone()),
                }
            }
            Parameter::Literal(v) => Param::Literal(v.clone()),
            Parameter::Subexpression(sub) => match sub.element.as_ref() {
                TemplateElement::Expression(h) => Param::Sub(Helper::of(h)?),
                _ => return None,
            },
            _ => return None,
        })
    }

    fn decode(self) -> Option<Parameter> {
        Some(match self {
            Param::Name(n) => Parameter::Name(n),
            Param::Path(raw, names) => Parameter::Path(Path::Relative((
                names.into_iter().map(PathSeg::Named).collect(),
                raw,
            ))),
            Param::Local(level, name, raw) => Parameter::Path(Path::Local((level, name, raw))),
            Param::Parsed(raw) => Parameter::Path(Path::parse(&raw).ok()?),
            Param::Literal(v) => Parameter::Literal(v),
            Param::Sub(h) => {
                // Handlebars itself builds every subexpression this way, and rendering one
                // assumes it: a plain expression with a helper's name.
                if h.block
                    || h.chain
                    || h.indent
                    || h.template.is_some()
                    || h.inverse.is_some()
                    || h.block_param.is_some()
                    || !matches!(h.name, Param::Name(_) | Param::Path(..))
                {
                    return None;
                }
                let h = *h;
                Parameter::Subexpression(Subexpression::new(
                    h.name.decode()?,
                    decode_params(h.params)?,
                    decode_hash(h.hash)?,
                ))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Templates using every part of Handlebars a recipe may: each rebuilds from its form
    /// exactly as Handlebars parsed it (positions aside).
    #[test]
    fn forms_rebuild_what_handlebars_parsed() {
        let sources = [
            "plain text } { \\{{not}} $x\n",
            "{{topic}} and {{{raw}}} and {{a.b.c}} {{this}} {{./x}} {{[odd name]}}",
            "{{#if notes}}\n<notes>\n{{notes}}\n</notes>\n\n{{/if}}\nnext {{x}}\n",
            "{{#if a}}A{{else if b}}B{{else}}C{{/if}}",
            "{{#unless a}}\n  x\n{{else}}\n  y\n{{/unless}}\n",
            "{{#each items as |item i|}}{{@index}} {{i}} {{item}} {{../topic}} {{@root.topic}}{{/each}}",
            "{{#each items}}{{#if @first}}first{{/if}}{{this}}{{@key}}{{/each}}",
            "{{#with person as |p|}}{{p.name}}{{/with}}",
            "{{join keywords \", \"}} {{join (lookup a b) sep=\"-\"}} {{eq tone 'friendly'}}",
            "{{#if (and (eq a 1) (not b) (gt 2.5 c) null true)}}y{{/if}}",
            "  {{~#if a~}}  x  {{~/if~}}  \n{{~b}} {{c~}}\n",
            "{{! short comment }}{{!-- long {{comment}} --}}\nx\n  {{!-- standalone --}}\ny",
            "{{{{raw}}}} {{not parsed}} {{{{/raw}}}}",
            "a\n  {{> snippet-name}}\nb {{> other x=1}} {{#> layout}}inner{{/layout}}\n",
            "{{*inline \"p\"}}{{#*inline \"q\"}}body{{/inline}}",
            "{{lookup this \"key\"}} {{len list}} {{x.[0]}} {{x/y}}",
        ];
        for src in sources {
            let parsed = Template::compile(src).unwrap_or_else(|e| panic!("{src}: {e}"));
            let form = encode(&parsed).unwrap_or_else(|| panic!("not encoded: {src}"));
            let json = serde_json::to_string(&form).unwrap();
            let back: TemplateForm = serde_json::from_str(&json).unwrap();
            let mut plain = parsed.clone();
            strip_positions(&mut plain);
            assert_eq!(back.decode(), Some(plain), "{src}\n{json}");
        }
    }

    #[test]
    fn text_is_one_element() {
        let mut parsed = Template::compile("a } { $x\n").unwrap();
        strip_positions(&mut parsed);
        assert_eq!(TemplateForm::text("a } { $x\n").decode(), Some(parsed));
    }

    #[test]
    fn a_subexpression_of_another_shape_is_refused() {
        let form: TemplateForm =
            serde_json::from_str(r#"[{"expression":{"name":{"name":"if"},"params":[{"sub":{"name":{"literal":1},"block":true}}]}}]"#)
                .unwrap();
        assert_eq!(form.decode(), None);
    }
}
