//! A team lead's and a colleague's session with packs, as the newcomer's tour walked it:
//! a pack started with `pack init`, checked with `pack build`, kept in a real git repository
//! (at its top or in a folder), added, edited locally, updated, exported and added back, and
//! bundles sent compressed.

use std::path::Path;

use crate::packs::{Repo, git};
use crate::support::*;

/// A pack in a folder of a repository: its folder, its name, and its recipe files.
type FolderPack<'a> = (&'a str, &'a str, &'a [(&'a str, String)]);

/// A repository whose packs live in folders (none at the top).
fn repo_with_packs(env: &Env, repo_name: &str, packs: &[FolderPack<'_>]) -> Repo {
    let repo = Repo::new(
        env,
        repo_name,
        &[("README.md", "Our prompts.\n".to_string())],
    );
    repo.delete("pack.yaml");
    for (folder, name, files) in packs {
        repo.put(
            &format!("{folder}/pack.yaml"),
            &format!("name: {name}\nversion: 1.0.0\n"),
        );
        for (file, text) in *files {
            repo.put(&format!("{folder}/{file}"), text);
        }
    }
    repo.commit(env, "Packs in folders");
    repo
}

#[test]
fn a_pack_checked_with_pack_build_as_its_readme_says_still_installs_from_git() {
    let env = Env::new();
    // The team lead starts a pack inside a working copy and follows its README.
    let repo = Repo::new(&env, "team-prompts", &[("notes.yaml", recipe("notes", ""))]);
    let readme = std::fs::read_to_string(env.path("team-prompts-work/README.md"));
    assert!(readme.is_err(), "Repo::new wrote no README");
    std::fs::remove_file(repo.work.join("pack.yaml")).unwrap();
    env.cmd(&[
        "pack",
        "init",
        repo.work.to_str().unwrap(),
        "--name",
        "team-prompts",
    ])
    .ok()
    .stderr_has("Created the pack `team-prompts`");
    let readme = std::fs::read_to_string(repo.work.join("README.md")).unwrap();
    assert!(readme.contains("`promptbook pack build .`"), "{readme}");
    assert!(readme.contains("never into it"), "{readme}");

    // `pack build .` in the pack folder writes the bundle beside the folder, not into it.
    let built = env
        .cmd(&["pack", "build", "."])
        .current_dir(&repo.work)
        .ok()
        .stderr_has("Wrote ")
        .stderr_has("../team-prompts-0.1.0.pbpack.yaml")
        .stderr_has("Built team-prompts 0.1.0 (2 recipes)");
    assert!(!built.stderr().contains("note:"), "{}", built.stderr());
    assert!(env.path("team-prompts-0.1.0.pbpack.yaml").is_file());
    assert!(!repo.work.join("team-prompts-0.1.0.pbpack.yaml").exists());
    // From a folder below the pack folder too.
    std::fs::create_dir_all(repo.work.join("drafts")).unwrap();
    env.cmd(&["pack", "build", ".."])
        .current_dir(repo.work.join("drafts"))
        .ok()
        .stderr_has("../../team-prompts-0.1.0.pbpack.yaml");
    // From elsewhere, into the current folder.
    env.cmd(&["pack", "build", repo.work.to_str().unwrap()])
        .ok()
        .stderr_has("Wrote ")
        .stderr_has(" to team-prompts-0.1.0.pbpack.yaml");

    // A bundle that did land in the folder (an older promptbook, or `-o` into it), a copy of
    // it under a plain name, and a tool's YAML are committed with the recipes.
    env.cmd(&["pack", "build", ".", "-o", "team-prompts.pbpack.yaml"])
        .current_dir(&repo.work)
        .ok()
        .stderr_has("Wrote ");
    std::fs::copy(
        repo.work.join("team-prompts.pbpack.yaml"),
        repo.work.join("release.yaml"),
    )
    .unwrap();
    repo.put("ci.yaml", "jobs:\n  check:\n    runs-on: linux\n");
    repo.commit(&env, "Pack with a bundle in it");

    // The next build works, saying what it passed over.
    env.cmd(&["pack", "build", "."])
        .current_dir(&repo.work)
        .ok()
        .stderr_has("Built team-prompts 0.1.0 (2 recipes)")
        .stderr_has("note: ./team-prompts.pbpack.yaml: skipped: a pack bundle")
        .stderr_has("note: ./release.yaml: skipped: a pack bundle")
        .stderr_has("note: ./ci.yaml: skipped: YAML without any of a recipe's fields");
    // A colleague adds the repository.
    env.cmd(&["pack", "add", &repo.url])
        .ok()
        .stderr_has("Installed team-prompts 0.1.0")
        .stderr_has("note: team-prompts.pbpack.yaml: skipped: a pack bundle")
        .stderr_has("note: release.yaml: skipped: a pack bundle")
        .stderr_has("note: ci.yaml: skipped: YAML without")
        .stdout_has("team-prompts/example")
        .stdout_has("team-prompts/notes");
    // `add` of the folder (the user's own recipes, all or nothing: the tool's YAML goes)
    // takes the recipes and says it passed over the bundle; `add` of the bundle itself says
    // how to install it.
    let lib = Env::new();
    let refused = lib.cmd(&["add", repo.work.to_str().unwrap()]).run();
    assert_eq!(refused.code, 3, "{}", refused.stderr());
    refused
        .stderr_has("release.yaml:5:1: unknown field `bundle`")
        .stderr_has("ci.yaml:1:1: unknown field `jobs`");
    repo.delete("ci.yaml");
    repo.delete("release.yaml");
    lib.cmd(&["add", repo.work.to_str().unwrap()])
        .ok()
        .stderr_has("added notes")
        .stderr_has("note: skipped ")
        .stderr_has("team-prompts.pbpack.yaml: a pack bundle, not a recipe (`promptbook pack add ");
    lib.cmd(&[
        "add",
        env.path("team-prompts-0.1.0.pbpack.yaml").to_str().unwrap(),
    ])
    .fails(3)
    .stderr_has("this is a pack bundle, not a recipe: `promptbook pack add ");
    env.cmd(&["pack", "update", "--yes"])
        .ok()
        .stderr_has("up to date");
    // A broken recipe is still an error, not passed over.
    repo.put("broken.yaml", &recipe("broken", " {{oops}}"));
    repo.commit(&env, "A broken recipe");
    env.cmd(&["pack", "update", "--yes"])
        .fails(3)
        .stderr_has("broken.yaml:12:");
}

#[test]
fn history_marks_the_version_in_use_after_an_update_kept_a_local_edit() {
    let env = Env::new();
    let repo = Repo::new(&env, "team", &[("notes.yaml", recipe("notes", ""))]);
    env.cmd(&["pack", "add", &repo.url])
        .ok()
        .stderr_has("Installed team 1.0.0");
    env.write("notes.yaml", recipe("notes", " Mine."));
    env.cmd(&["add", "notes.yaml"])
        .ok()
        .stderr_has("updated team/notes (now version 2)");
    repo.put("notes.yaml", &recipe("notes", " The team's."));
    repo.commit(&env, "change notes");
    env.cmd(&["pack", "update", "--yes"])
        .ok()
        .stderr_has("the pack's new version is stored as version 3");

    // show, export and render use version 2; history says so.
    env.cmd(&["render", "notes", "--var", "topic=x"])
        .ok()
        .stdout_has("Mine.");
    let history = env.cmd(&["history", "notes"]).ok();
    let lines: Vec<&str> = history.stdout.lines().collect();
    assert!(
        lines[1].starts_with("v3 ") && !lines[1].contains("current"),
        "{}",
        history.stdout
    );
    assert!(lines[2].starts_with("v2 (current)"), "{}", history.stdout);
    assert!(!lines[3].contains("current"), "{}", history.stdout);
    history
        .stderr_has("v2 is in use; v3 is newer but not in use")
        .stderr_has("`promptbook revert team/notes 3` makes it current");

    let json: serde_json::Value =
        serde_json::from_str(&env.cmd(&["history", "notes", "--json"]).ok().stdout).unwrap();
    let flags: Vec<(u64, bool)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["version"].as_u64().unwrap(),
                e["current"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(flags, [(3, false), (2, true), (1, false)]);

    // Taking the pack's version makes the newest current again; nothing more is said.
    env.cmd(&["revert", "team/notes", "3"])
        .ok()
        .stderr_has("Reverted `team/notes` to version 3: stored as version 4.");
    let history = env.cmd(&["history", "notes"]).ok();
    assert!(
        history
            .stdout
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("v4 (current)")
    );
    assert!(
        !history.stderr().contains("not in use"),
        "{}",
        history.stderr()
    );
}

#[test]
fn an_exported_pack_recipe_goes_back_to_the_pack_not_to_my_own_of_the_same_name() {
    let env = Env::new();
    // `meeting-actions` is a starter recipe of the user's own; the team's pack has one too.
    let dir = env.path("team-prompts");
    env.write(
        "team-prompts/pack.yaml",
        "name: team-prompts\nversion: 1.0.0\n",
    );
    env.write(
        "team-prompts/meeting-actions.yaml",
        recipe("meeting-actions", " Team style."),
    );
    env.cmd(&["pack", "add", dir.to_str().unwrap()])
        .ok()
        .stderr_has("note: `meeting-actions` is also your own recipe, which keeps the name");
    let mine_before = env.yaml("meeting-actions");

    env.cmd(&[
        "export",
        "team-prompts/meeting-actions",
        "-o",
        "meeting-actions.yaml",
    ])
    .ok()
    .stderr_has("Wrote ");
    let exported = std::fs::read_to_string(env.path("meeting-actions.yaml")).unwrap();
    assert!(
        exported.starts_with("# promptbook pack recipe: team-prompts/meeting-actions ("),
        "{exported}"
    );
    assert!(exported.ends_with(&recipe("meeting-actions", " Team style.")));
    // Unedited, it is the same recipe.
    env.cmd(&["add", "meeting-actions.yaml"])
        .ok()
        .stderr_has("unchanged team-prompts/meeting-actions: identical to stored version 1");

    // Edited and added back: the pack's recipe changes, the user's own stays as it was.
    env.write(
        "meeting-actions.yaml",
        exported.replace("Team style.", "Team style, shorter."),
    );
    env.cmd(&["add", "meeting-actions.yaml"])
        .ok()
        .stderr_has("updated team-prompts/meeting-actions (now version 2)");
    assert_eq!(env.yaml("meeting-actions"), mine_before);
    assert_eq!(
        env.cmd(&["render", "team-prompts/meeting-actions", "--var", "topic=x"])
            .ok()
            .stdout,
        "Say something warm about x. Team style, shorter.\n"
    );
    env.cmd(&["pack", "show", "team-prompts"])
        .ok()
        .stdout_has("changed by you");
    // The stored text is the recipe without the line that named it.
    assert!(!env
        .cmd(&["export", "team-prompts/meeting-actions"])
        .ok()
        .stdout
        .contains("# promptbook pack recipe: team-prompts/meeting-actions (`promptbook add` of this file changes that recipe; this line is not stored)\n# promptbook"));
    env.cmd(&["diff", "team-prompts/meeting-actions"])
        .ok()
        .stdout_has("+  Say something {{tone}} about {{topic}}. Team style, shorter.");

    // The user's own recipe exports without the line; adding a file of that name says which
    // recipe changed and how to reach the pack's.
    let own = env.yaml("meeting-actions");
    assert!(!own.contains("# promptbook pack recipe"));
    env.write("own.yaml", own.replace("title:", "title: Mine -"));
    env.cmd(&["add", "own.yaml"])
        .ok()
        .stderr_has("updated meeting-actions (now version 2)")
        .stderr_has("note: this is your own `meeting-actions`; the pack `team-prompts` also has a `meeting-actions`, which was not changed")
        .stderr_has("promptbook export team-prompts/meeting-actions -o FILE");

    // In a library without that pack the file becomes the user's recipe, with a note.
    let other = Env::new();
    std::fs::copy(
        env.path("meeting-actions.yaml"),
        other.path("meeting-actions.yaml"),
    )
    .unwrap();
    other
        .cmd(&["add", "meeting-actions.yaml"])
        .ok()
        .stderr_has("updated meeting-actions")
        .stderr_has("note: the file was exported from `team-prompts/meeting-actions`, which is not in this library; it went to `meeting-actions`");
    assert!(
        !other
            .yaml("meeting-actions")
            .contains("# promptbook pack recipe")
    );
}

#[test]
fn a_pack_in_a_folder_of_a_repository_is_found_chosen_and_pinned() {
    let env = Env::new();
    // One pack, in prompts/team/: found without being named.
    let repo = repo_with_packs(
        &env,
        "monorepo",
        &[(
            "prompts/team",
            "team",
            &[("notes.yaml", recipe("notes", ""))],
        )],
    );
    env.cmd(&["pack", "add", &format!("{}#main", repo.url)])
        .ok()
        .stderr_has(&format!(
            "Installed team 1.0.0 from {}#main:prompts/team at commit",
            repo.url
        ))
        .stdout_has("team/notes");
    env.cmd(&["pack", "show", "team"])
        .ok()
        .stdout_has("Ref:        main\n")
        .stdout_has("Folder:     prompts/team/");
    env.cmd(&["pack", "list"])
        .ok()
        .stdout_has(&format!("{}#main:prompts/team", repo.url));

    // A second pack arrives in the repository; the update stays with the folder it pinned.
    repo.put("prompts/ops/pack.yaml", "name: ops\nversion: 1.0.0\n");
    repo.put("prompts/ops/deploy.yaml", &recipe("deploy", ""));
    repo.put("prompts/team/notes.yaml", &recipe("notes", " Newer."));
    repo.commit(&env, "ops pack; newer notes");
    env.cmd(&["pack", "update", "team", "--yes"])
        .ok()
        .stderr_has("Updated team to 1.0.0.")
        .stdout_has("changed       team/notes");
    env.cmd(&["pack", "update", "team", "--ref", "main", "--yes"])
        .ok()
        .stderr_has("up to date");

    // With several packs and none named: the list, and how to choose; nothing changes.
    let before = env.dump();
    env.cmd(&["pack", "add", &repo.url])
        .fails(2)
        .stderr_has(" holds 2 packs; say which one to add:\n  prompts/ops/\n  prompts/team/")
        .stderr_has(&format!("`promptbook pack add {}#:prompts/ops`", repo.url));
    env.cmd(&["pack", "add", &format!("{}#main:prompts/nope", repo.url)])
        .fails(4)
        .stderr_has("has no pack.yaml in prompts/nope/")
        .stderr_has("prompts/ops/, prompts/team/");
    env.cmd(&["pack", "add", &format!("{}#main:../escape", repo.url)])
        .fails(2)
        .stderr_has("is refused");
    assert_eq!(env.dump(), before);
    // Chosen by its folder, with or without a ref.
    env.cmd(&["pack", "add", &format!("{}#:prompts/ops/", repo.url)])
        .ok()
        .stderr_has("Installed ops 1.0.0")
        .stdout_has("ops/deploy");
    env.cmd(&["pack", "show", "ops"])
        .ok()
        .stdout_has("Ref:        (default branch)")
        .stdout_has("Folder:     prompts/ops/");

    // A working copy on disk: the only pack below a folder is found; several are listed.
    let work = repo.work.to_str().unwrap();
    env.cmd(&["pack", "remove", "ops", "--yes"])
        .ok()
        .stderr_has("Removed the pack `ops`");
    env.cmd(&["pack", "add", &format!("{work}/prompts")])
        .fails(2)
        .stderr_has("holds 2 packs");
    let single = env.path("single");
    std::fs::create_dir_all(single.join("deep")).unwrap();
    copy_dir(&repo.work.join("prompts/ops"), &single.join("deep/ops"));
    env.cmd(&["pack", "add", single.to_str().unwrap()])
        .ok()
        .stderr_has("deep/ops")
        .stdout_has("ops/deploy");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn bundles_travel_compressed_and_a_failed_export_leaves_no_file() {
    let env = Env::new();
    env.cmd(&[
        "pack",
        "export",
        "--tag",
        "writing",
        "--name",
        "writing",
        "-o",
        "writing.pbpack.yaml.gz",
    ])
    .ok()
    .stderr_has("install it with `promptbook pack add writing.pbpack.yaml.gz`");
    let bytes = std::fs::read(env.path("writing.pbpack.yaml.gz")).unwrap();
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "not gzip");
    // gzip itself reads it back as the bundle.
    let out = std::process::Command::new("gzip")
        .args(["-dc", env.path("writing.pbpack.yaml.gz").to_str().unwrap()])
        .output()
        .expect("gzip runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("bundle: 1"));

    let other = Env::new();
    std::fs::copy(
        env.path("writing.pbpack.yaml.gz"),
        other.path("writing.pbpack.yaml.gz"),
    )
    .unwrap();
    other
        .cmd(&["pack", "add", "writing.pbpack.yaml.gz"])
        .ok()
        .stderr_has("Installed writing 0.1.0 from ")
        .stdout_has("writing/blog-draft");

    // A bundle compressed by gzip by hand installs too.
    env.cmd(&[
        "pack",
        "build",
        &folder_pack(&env),
        "-o",
        "team.pbpack.yaml",
    ])
    .ok()
    .stderr_has("Built team 1.0.0 (1 recipe)");
    let status = std::process::Command::new("gzip")
        .arg(env.path("team.pbpack.yaml"))
        .status()
        .unwrap();
    assert!(status.success());
    other
        .cmd(&[
            "pack",
            "add",
            env.path("team.pbpack.yaml.gz").to_str().unwrap(),
        ])
        .ok()
        .stderr_has("Installed team 1.0.0")
        .stdout_has("team/notes");

    // A zip archive, an xz file: what it is and how to unpack it, not "not valid UTF-8".
    let before = other.dump();
    other.write("team.zip", b"PK\x03\x04\x14\x00\x00\x00\x08\x00junk");
    other
        .cmd(&["pack", "add", "team.zip"])
        .fails(3)
        .stderr_has("team.zip: the file is a zip archive, not a bundle")
        .stderr_has("hint: unpack it first (`unzip ")
        .stderr_has("/team.zip`) and use the file inside");
    other.write("team.xz", b"\xfd7zXZ\x00junk");
    other
        .cmd(&["pack", "add", "team.xz"])
        .fails(3)
        .stderr_has("xz-compressed")
        .stderr_has("hint: decompress it first: `unxz -k ")
        .stderr_has("/team.xz`");
    // Damaged gzip data, and gzip that expands past the bundle limit: refused, bounded.
    let mut damaged = bytes.clone();
    damaged.truncate(bytes.len() / 2);
    other.write("damaged.pbpack.yaml.gz", &damaged);
    other
        .cmd(&["pack", "add", "damaged.pbpack.yaml.gz"])
        .fails(3)
        .stderr_has("the gzip data is damaged");
    let bomb = other.path("bomb.pbpack.yaml.gz");
    let status = std::process::Command::new("sh")
        .args([
            "-c",
            &format!("head -c 70000000 /dev/zero | gzip > '{}'", bomb.display()),
        ])
        .status()
        .unwrap();
    assert!(status.success());
    other
        .cmd(&["pack", "add", bomb.to_str().unwrap()])
        .fails(6)
        .stderr_has("decompresses to more than 67108864 bytes");
    // A gzipped recipe given to `add`.
    other.write("r.yaml", recipe("zipped", ""));
    std::process::Command::new("gzip")
        .arg(other.path("r.yaml"))
        .status()
        .unwrap();
    other
        .cmd(&["add", "r.yaml.gz"])
        .fails(3)
        .stderr_has("the file is a gzip-compressed file, not a recipe")
        .stderr_has("gunzip -k r.yaml.gz");
    assert_eq!(other.dump(), before);

    // A failed export writes nothing: no empty or half file is left behind.
    env.cmd(&[
        "pack",
        "export",
        "--all",
        "--name",
        "all",
        "-o",
        "all.pbpack.yaml.gz",
    ])
    .ok()
    .stderr_has("Exported ");
    env.cmd(&["pack", "add", "writing.pbpack.yaml.gz"])
        .ok()
        .stderr_has("Installed writing 0.1.0");
    env.cmd(&[
        "pack",
        "export",
        "--all",
        "--name",
        "all",
        "-o",
        "again.pbpack.yaml.gz",
    ])
    .fails(2)
    .stderr_has("have the same name");
    assert!(!env.path("again.pbpack.yaml.gz").exists());
    // Into a folder: refused before anything is written, and the folder is left alone.
    std::fs::create_dir_all(env.path("out")).unwrap();
    env.cmd(&["pack", "export", "blog-draft", "--name", "w", "-o", "out"])
        .fails(1)
        .stderr_has("out: it is a folder");
    assert_eq!(std::fs::read_dir(env.path("out")).unwrap().count(), 0);
    // A device is written to as it is (there is nothing to replace).
    env.cmd(&[
        "pack",
        "export",
        "blog-draft",
        "--name",
        "w",
        "-o",
        "/dev/stdout",
    ])
    .ok()
    .stderr_has("bytes to /dev/stdout")
    .stdout_has("bundle: 1");
    let leftovers: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A pack folder `team` with one recipe, `notes`; its path.
fn folder_pack(env: &Env) -> String {
    env.write("team/pack.yaml", "name: team\nversion: 1.0.0\n");
    env.write("team/notes.yaml", recipe("notes", ""));
    env.path("team").display().to_string()
}

#[test]
fn the_readme_walkthrough_for_sharing_a_pack() {
    // The team lead, as README's "Sharing recipes with a team" tells it.
    let lead = Env::new();
    let init = lead.cmd(&["pack", "init", "team-prompts"]).ok();
    assert_eq!(
        init.stderr(),
        "Created the pack `team-prompts` in team-prompts: pack.yaml, example.yaml, README.md.\n\
         Next: add recipes (promptbook pack export --tag TAG --dir team-prompts), check them (promptbook pack build team-prompts), then commit and push the folder.\n"
    );
    lead.cmd(&["pack", "export", "support-reply", "--dir", "team-prompts"])
        .ok()
        .stderr_has("Wrote 1 recipe to team-prompts.");
    lead.cmd(&["pack", "build", "team-prompts"])
        .ok()
        .stderr_has("Built team-prompts 0.1.0 (2 recipes); install it with `promptbook pack add team-prompts-0.1.0.pbpack.yaml`.");
    let work = lead.path("team-prompts");
    let bare = lead.path("remote/team-prompts.git");
    std::fs::create_dir_all(&bare).unwrap();
    git(&lead, &bare, &["init", "--quiet", "--bare"]);
    git(&lead, &work, &["init", "--quiet"]);
    let push = |message: &str| {
        git(&lead, &work, &["add", "-A"]);
        git(&lead, &work, &["commit", "--quiet", "-m", message]);
        git(
            &lead,
            &work,
            &["push", "--quiet", bare.to_str().unwrap(), "HEAD:main"],
        );
        git(&lead, &work, &["rev-parse", "HEAD"])
    };
    let first = push("First recipes");
    let url = format!("file://{}", bare.display());

    // A colleague installs it with one command.
    let mate = Env::new();
    let added = mate.cmd(&["pack", "add", &format!("{url}#main")]).ok();
    assert_eq!(
        added.stderr(),
        format!(
            "Installed team-prompts 0.1.0 from {url}#main at commit {}: 2 recipes.\n\
             note: `support-reply` is also your own recipe, which keeps the name; use `team-prompts/support-reply` for the pack's\n\
             Render one with `promptbook render team-prompts/example`; `promptbook pack update team-prompts` fetches new versions.\n",
            &first[..12]
        )
    );
    assert_eq!(
        added.stdout,
        "  team-prompts/example\n  team-prompts/support-reply\n"
    );
    let list = mate.cmd(&["pack", "list"]).ok().stdout.clone();
    assert!(
        list.starts_with("NAME          VERSION  RECIPES  CHANGED  SOURCE\n"),
        "{list}"
    );
    assert!(
        list.contains(&format!(
            "team-prompts  0.1.0    2        0        {url}#main @ {}",
            &first[..12]
        )),
        "{list}"
    );

    // The colleague changes the pack's recipe (export, edit, add) ...
    mate.cmd(&["export", "team-prompts/example", "-o", "mine.yaml"])
        .ok()
        .stderr_has("Wrote ");
    let mine = std::fs::read_to_string(mate.path("mine.yaml"))
        .unwrap()
        .replace("three sentences", "two sentences");
    mate.write("mine.yaml", &mine);
    mate.cmd(&["add", "mine.yaml"])
        .ok()
        .stderr_has("updated team-prompts/example (now version 2)");
    // ... while the team releases 0.2.0.
    let edit = |file: &str, from: &str, to: &str| {
        let p = work.join(file);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{file} lacks {from:?}");
        std::fs::write(&p, text.replace(from, to)).unwrap();
    };
    edit("example.yaml", "prefer: haiku", "prefer: sonnet");
    edit("pack.yaml", "version: \"0.1.0\"", "version: \"0.2.0\"");
    let second = push("0.2.0");

    let before = mate.dump();
    mate.cmd(&["pack", "update"])
        .fails(2)
        .stdout_has(&format!(
            "team-prompts 0.1.0 → 0.2.0 (commit {} → {})\n  kept yours    team-prompts/example  (you changed it; the pack's new version goes to its history)\n",
            &first[..12],
            &second[..12]
        ))
        .stdout_has("--- team-prompts/example (pack 0.1.0)\n+++ team-prompts/example (pack 0.2.0)\n")
        .stdout_has("-  prefer: haiku\n+  prefer: sonnet\n")
        .stderr_has("error: not updating without confirmation\n  hint: pass --yes to apply the update from a script, or --dry-run to only see it");
    assert_eq!(mate.dump(), before);
    mate.cmd(&["pack", "update", "--yes"]).ok().stderr_has(
        "Updated team-prompts to 0.2.0.\n\
         Kept your version of team-prompts/example; the pack's new version is stored as version 3 (`promptbook revert team-prompts/example 3` takes it).\n  \
         To take all of the pack's versions: `promptbook pack update team-prompts --theirs` (yours stay in the history).\n",
    );
    mate.cmd(&["pack", "show", "team-prompts"])
        .ok()
        .stdout_has("team-prompts 0.2.0\n")
        .stdout_has(&format!("Commit:     {second}\n"))
        .stdout_has("Recipes (2 recipes, 1 changed by you):\n")
        .stdout_has("  team-prompts/example        example.yaml        changed by you (updates keep your version)\n");
    mate.cmd(&["render", "example", "--var", "question=Why?"])
        .ok()
        .stdout_has("two sentences");
    mate.cmd(&["history", "example"])
        .ok()
        .stdout_has("v2 (current)")
        .stderr_has("v2 is in use; v3 is newer but not in use");
}
