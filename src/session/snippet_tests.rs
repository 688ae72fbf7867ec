//! The snippet flow end to end on a real library: stored, checked as written, rendered
//! through the session.

use crate::recipe::Recipe;
use crate::recipe::snippet::Snippet;
use crate::render::Input;
use crate::session::{Session, Target};
use crate::store::Library;

fn snippet(yaml: &str) -> (Snippet, String, String) {
    (
        Snippet::parse(yaml, "s.yaml").unwrap(),
        yaml.to_string(),
        "s.yaml".to_string(),
    )
}

fn recipe(yaml: &str) -> (Recipe, String) {
    (Recipe::parse(yaml, "r.yaml").unwrap(), yaml.to_string())
}

const VOICE: &str =
    "name: voice\ndescription: How we sound\ntemplate: Write for {{audience}}, warmly.\n";
const NOTE: &str = "name: note\ntitle: Note\nvariables:\n  audience: { type: string, default: parents }\n  topic: { type: string, required: true }\nprompt: |\n  {{> voice}}\n  Topic: {{topic}}\n";

fn render(lib: &Library, name: &str) -> crate::render::Prompt {
    let s = Session::open(lib, name).unwrap();
    let given = [("topic".to_string(), Input::Text("rain".into()))];
    s.render(&given, &Target::default(), &|n| n.to_string())
        .unwrap()
        .prompt
}

#[test]
fn a_recipe_renders_the_snippet_as_it_is_now() {
    let dir = tempfile::tempdir().unwrap();
    let mut lib = Library::open(&dir.path().join("l.sqlite3")).unwrap();
    // Without the snippet the recipe is refused, and nothing is stored.
    let e = lib.add(&[recipe(NOTE)]).unwrap_err();
    assert!(
        e.message
            .contains("note:7:3: the snippet `voice` is not in the library"),
        "{}",
        e.message
    );
    assert!(lib.get("note").is_err());
    lib.add_snippets(&[snippet(VOICE)]).unwrap();
    lib.add(&[recipe(NOTE)]).unwrap();
    let p = render(&lib, "note");
    assert_eq!(
        p.messages[0].content,
        "Write for parents, warmly.\nTopic: rain"
    );
    assert_eq!(p.snippets[0].version, 1);

    let v2 = VOICE.replace("warmly", "plainly");
    lib.add_snippets(&[snippet(&v2)]).unwrap();
    let p = render(&lib, "note");
    assert_eq!(
        p.messages[0].content,
        "Write for parents, plainly.\nTopic: rain"
    );
    assert_eq!(p.snippets[0].version, 2);
    assert_eq!(lib.snippet_users("voice").unwrap(), ["note"]);
    assert_eq!(lib.snippet_history("voice").unwrap().len(), 2);

    // A snippet change that reads a variable the recipe lacks is refused.
    let v3 = VOICE.replace("warmly", "in {{tone}}");
    let e = lib.add_snippets(&[snippet(&v3)]).unwrap_err();
    assert!(
        e.message.contains("s.yaml:3:38: the snippet uses `tone`, which 1 recipe including it does not declare: `note`"),
        "{}",
        e.message
    );
    assert_eq!(lib.snippet("voice").unwrap().version, 2);

    // Removing a snippet in use is refused, naming the recipe.
    let e = lib.remove_snippet("voice").unwrap_err();
    assert!(
        e.message.contains("used by 1 recipe: `note`"),
        "{}",
        e.message
    );
    lib.remove("note").unwrap();
    lib.remove_snippet("voice").unwrap();
    assert!(lib.snippets().unwrap().is_empty());
}

#[test]
fn cycles_and_missing_inner_snippets_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut lib = Library::open(&dir.path().join("l.sqlite3")).unwrap();
    let e = lib
        .add_snippets(&[
            snippet("name: a\ntemplate: 'A {{> b}}'\n"),
            snippet("name: b\ntemplate: 'B {{> a}}'\n"),
        ])
        .unwrap_err();
    assert!(e.message.contains("cycle: a → b → a"), "{}", e.message);
    let e = lib
        .add_snippets(&[snippet("name: a\ntemplate: 'A {{> c}}'\n")])
        .unwrap_err();
    assert!(
        e.message
            .contains("s.yaml:2:14: the snippet `c` is not in the library"),
        "{}",
        e.message
    );
    assert!(lib.snippets().unwrap().is_empty());
}
