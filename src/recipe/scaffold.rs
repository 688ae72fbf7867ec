//! The starting text of a new recipe or snippet: a commented scaffold, or a copy of another
//! under a new name.

/// A commented scaffold for a recipe called `name`. It is a valid recipe as it stands, so
/// a person may change as little as they like; every field says what it is for.
pub fn scaffold(name: &str) -> String {
    format!(
        r#"# A new promptbook recipe. Fill it in, save and close the editor to store it.
# Close without saving to store nothing. Lines starting with # are comments.
name: {name}
title: {title}
description: What this recipe is for, in one or two sentences.
version: 1.0.0
tags: [draft]
model:
  # haiku: routing, classification, short extraction · sonnet: daily writing, code and
  # analysis · opus: where accuracy is critical (legal, deep research synthesis)
  prefer: sonnet
  temperature: 0.5
  max_tokens: 1500
  why: One line on why this model fits the task.
variables:
  # Types: string, text (several lines), choice, integer, number, boolean, list.
  topic: {{ type: string, required: true, description: What the answer is about }}
  tone: {{ type: choice, choices: [friendly, formal], default: friendly, description: The voice of the answer }}
system: |
  You are a careful expert. Say who the model is and what good work looks like here.
prompt: |
  Write about the topic below in a {{{{tone}}}} tone.

  <topic>{{{{topic}}}}</topic>

  Answer in Markdown, in at most 200 words.
examples:
  - input: {{ topic: why teams write postmortems }}
    output: |
      Postmortems turn an outage into a lesson the whole team keeps …
tests:
  - vars: {{ topic: remote onboarding }}
    expect: {{ contains: ["<topic>remote onboarding</topic>"], max_input_tokens: 1000 }}
"#,
        title = title_of(name)
    )
}

/// A commented scaffold for a snippet called `name`: valid as it stands, and it says how a
/// recipe includes it and what its template may use.
pub fn snippet(name: &str) -> String {
    let other = if name == "sign-off" {
        "house-style"
    } else {
        "sign-off"
    };
    format!(
        r#"# A new promptbook snippet: a piece of text that recipes include with {{{{> {name}}}}}.
# Fill it in, save and close the editor to store it. Close without saving to store nothing.
name: {name}
description: What this snippet is for, in one sentence.
# The text put in place of {{{{> {name}}}}}. It may use the variables of the recipes that
# include it, e.g. {{{{audience}}}} or {{{{#if notes}}}}…{{{{/if}}}} (each of those recipes must
# declare them), and include other snippets, e.g. {{{{> {other}}}}}.
template: |
  Write in a warm, plain voice: short sentences, everyday words, no jargon.
"#
    )
}

/// `blog-draft` → `Blog draft`.
fn title_of(name: &str) -> String {
    let words = name.replace('-', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `source` (a recipe's YAML) with its top-level `name:` value replaced by `name`; comments
/// after the value are kept. `line` is the 1-based line of the name's value.
pub fn renamed(source: &str, line: usize, name: &str) -> String {
    let mut out = String::with_capacity(source.len() + name.len());
    for (i, l) in source.split_inclusive('\n').enumerate() {
        if i + 1 == line
            && let Some(rest) = l.strip_prefix("name:")
        {
            let (content, newline) = match rest.strip_suffix('\n') {
                Some(c) => (c, "\n"),
                None => (rest, ""),
            };
            let comment = match content.find(" #") {
                Some(i) => &content[content[..i].trim_end().len()..],
                None => "",
            };
            out.push_str("name: ");
            out.push_str(name);
            out.push_str(comment);
            out.push_str(newline);
        } else {
            out.push_str(l);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recipe::Recipe;

    #[test]
    fn the_scaffold_is_a_valid_recipe() {
        let r = Recipe::parse(&scaffold("my-recipe"), "new").unwrap();
        assert_eq!(r.name(), "my-recipe");
        assert_eq!(r.title, "My recipe");
    }

    #[test]
    fn the_snippet_scaffold_is_a_valid_snippet() {
        let s = crate::recipe::snippet::Snippet::parse(&snippet("house-style"), "new").unwrap();
        assert_eq!(s.name(), "house-style");
        assert!(s.uses.vars.is_empty() && s.uses.snippets.is_empty());
    }

    #[test]
    fn renaming_keeps_everything_else() {
        let src = "# c\nname: old-one   # the id\ntitle: T\n";
        assert_eq!(
            renamed(src, 2, "new-one"),
            "# c\nname: new-one   # the id\ntitle: T\n"
        );
    }
}
