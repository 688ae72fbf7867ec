//! `promptbook add`, `export` and versions.

use crate::support::*;

#[test]
fn add_update_unchanged_and_round_trip() {
    let env = Env::new();
    let file = env.write("mine.yaml", recipe("mine", ""));
    env.cmd(&["add", "mine.yaml"]).ok().stderr_has("added mine");
    env.cmd(&["add", "mine.yaml"])
        .ok()
        .stderr_has("unchanged mine: identical to stored version 1");
    std::fs::write(&file, recipe("mine", " Be short.")).unwrap();
    env.cmd(&["add", "mine.yaml"])
        .ok()
        .stderr_has("updated mine (now version 2)");
    let exported = env.cmd(&["export", "mine"]).ok().stdout.clone();
    assert_eq!(exported, std::fs::read_to_string(&file).unwrap());
    env.cmd(&["export", "mine", "-o", "again.yaml"])
        .ok()
        .stderr_has("Wrote 325 bytes to again.yaml");
    env.cmd(&["add", "again.yaml"])
        .ok()
        .stderr_has("unchanged mine");
    assert!(env.dump().contains("mine cur=2 v1"));
    assert!(env.dump().contains("mine cur=2 v2"));
}

#[test]
fn add_a_folder_is_all_or_nothing() {
    let env = Env::new();
    env.cmd(&["list"]).ok();
    let before = env.dump();
    env.write("pack/a.yaml", recipe("alpha", ""));
    env.write("pack/b.yaml", recipe("beta", "{{oops}}"));
    env.cmd(&["add", "pack"])
        .fails(3)
        .stderr_has("pack/b.yaml:12:42:")
        .stderr_has("`oops`")
        .stderr_has("nothing was added");
    assert_eq!(env.dump(), before);
    env.write("pack/b.yaml", recipe("beta", ""));
    env.cmd(&["add", "pack"])
        .ok()
        .stderr_has("added alpha")
        .stderr_has("added beta");
}

#[test]
fn two_files_with_one_name_are_refused() {
    let env = Env::new();
    env.write("x/a.yaml", recipe("same", ""));
    env.write("x/b.yaml", recipe("same", " Other."));
    env.cmd(&["add", "x"])
        .fails(3)
        .stderr_has("the name `same` is also used by");
}
