//! `promptbook pack …` with the real thing: real git repositories (a bare repository in a
//! temporary folder reached by a file:// URL), packs committed with the git command line,
//! bundles and folders on disk.

use std::path::{Path, PathBuf};

use crate::support::*;

/// Runs git with a fixed identity and no user or system configuration.
pub fn git(env: &Env, dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", env.path("git-home"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Pack Author")
        .env("GIT_AUTHOR_EMAIL", "author@example.com")
        .env("GIT_COMMITTER_NAME", "Pack Author")
        .env("GIT_COMMITTER_EMAIL", "author@example.com")
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "tag.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A team's pack repository: a working copy and the bare repository it pushes to.
pub struct Repo {
    pub work: PathBuf,
    pub url: String,
}

impl Repo {
    /// A repository holding pack `name` with `files`, committed and pushed to a bare
    /// repository, reached by a file:// URL.
    pub fn new(env: &Env, name: &str, files: &[(&str, String)]) -> Repo {
        let work = env.path(&format!("{name}-work"));
        let bare = env.path(&format!("remote/{name}.git"));
        std::fs::create_dir_all(&work).unwrap();
        std::fs::create_dir_all(&bare).unwrap();
        git(env, &bare, &["init", "--quiet", "--bare"]);
        git(env, &work, &["init", "--quiet"]);
        std::fs::write(
            work.join("pack.yaml"),
            format!("name: {name}\nversion: 1.0.0\ndescription: The {name} pack.\nauthors: [Pack Author]\nlicense: MIT\n"),
        )
        .unwrap();
        let repo = Repo {
            work,
            url: format!("file://{}", bare.display()),
        };
        for (file, text) in files {
            repo.put(file, text);
        }
        git(
            env,
            &repo.work,
            &["remote", "add", "origin", bare.to_str().unwrap()],
        );
        repo.commit(env, "First version");
        repo
    }

    pub fn put(&self, file: &str, text: &str) {
        let p = self.work.join(file);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn delete(&self, file: &str) {
        std::fs::remove_file(self.work.join(file)).unwrap();
    }

    /// Commits everything and pushes; returns the commit id.
    pub fn commit(&self, env: &Env, message: &str) -> String {
        git(env, &self.work, &["add", "-A"]);
        git(env, &self.work, &["commit", "--quiet", "-m", message]);
        git(env, &self.work, &["push", "--quiet", "origin", "HEAD:main"]);
        git(env, &self.work, &["rev-parse", "HEAD"])
    }

    /// Tags the last commit and pushes the tag.
    fn tag(&self, env: &Env, tag: &str) -> String {
        git(env, &self.work, &["tag", tag]);
        git(env, &self.work, &["push", "--quiet", "origin", tag]);
        git(env, &self.work, &["rev-parse", "HEAD"])
    }

    pub fn set_version(&self, version: &str) {
        let p = self.work.join("pack.yaml");
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(
            p,
            text.replace("version: 1.0.0", &format!("version: {version}")),
        )
        .unwrap();
    }
}

/// A pack folder with `files` under the environment.
fn folder(env: &Env, dir: &str, name: &str, files: &[(&str, String)]) -> PathBuf {
    env.write(
        &format!("{dir}/pack.yaml"),
        format!("name: {name}\nversion: 1.0.0\n"),
    );
    for (file, text) in files {
        env.write(&format!("{dir}/{file}"), text);
    }
    env.path(dir)
}

#[test]
fn git_pack_add_update_with_changed_removed_added_and_a_local_edit_that_survives() {
    let env = Env::new();
    let repo = Repo::new(
        &env,
        "team",
        &[
            ("writing/alpha.yaml", recipe("alpha", "")),
            ("beta.yaml", recipe("beta", "")),
            ("gamma.yaml", recipe("gamma", "")),
            ("delta.yaml", recipe("delta", "")),
        ],
    );
    let first = git(&env, &repo.work, &["rev-parse", "HEAD"]);
    let run = env
        .cmd(&["pack", "add", &format!("{}#main", repo.url)])
        .ok()
        .stderr_has("Installed team 1.0.0")
        .stderr_has(&format!("at commit {}", &first[..12]))
        .stdout_has("team/alpha")
        .stdout_has("team/delta");
    // No terminal: no progress bar is drawn.
    assert!(!run.stderr().contains("Checking recipes") && !run.stderr().contains('\r'));
    // Full and bare names both work.
    env.cmd(&["render", "team/alpha", "--var", "topic=tea"])
        .ok()
        .stdout_has("about tea");
    env.cmd(&["render", "alpha", "--var", "topic=tea"]).ok();
    let list = env.cmd(&["pack", "list"]).ok().stdout.clone();
    assert!(
        list.contains("team") && list.contains("1.0.0") && list.contains(&first[..12]),
        "{list}"
    );

    // The user edits beta locally: it becomes a new version of the pack's recipe.
    let mine = recipe("beta", " My own words.");
    env.write("beta.yaml", &mine);
    env.cmd(&["add", "beta.yaml"])
        .ok()
        .stderr_has("updated team/beta (now version 2)");
    env.cmd(&["pack", "show", "team"])
        .ok()
        .stdout_has("changed by you");

    // The team changes alpha and beta, removes gamma, adds epsilon, and releases 1.1.0.
    repo.put("writing/alpha.yaml", &recipe("alpha", " Now shorter."));
    repo.put("beta.yaml", &recipe("beta", " The team's words."));
    repo.delete("gamma.yaml");
    repo.put("new/epsilon.yaml", &recipe("epsilon", ""));
    repo.set_version("1.1.0");
    let second = repo.commit(&env, "1.1.0");

    let before = env.dump();
    let dry = env.cmd(&["pack", "update", "team", "--dry-run"]).ok();
    for s in [
        "team 1.0.0 → 1.1.0",
        &format!("commit {} → {}", &first[..12], &second[..12]),
        "added         team/epsilon",
        "changed       team/alpha",
        "kept yours    team/beta",
        "removed       team/gamma",
        "+  Say something {{tone}} about {{topic}}. Now shorter.",
        "-  Say something {{tone}} about {{topic}}.",
    ] {
        assert!(dry.stdout.contains(s), "{s:?} missing:\n{}", dry.stdout);
    }
    assert!(!dry.stdout.contains("team/delta"), "{}", dry.stdout);
    dry.stderr_has("nothing was changed");
    assert_eq!(env.dump(), before, "--dry-run changed the library");

    // Without a terminal and without --yes it refuses, with a hint, and changes nothing.
    env.cmd(&["pack", "update", "team"])
        .fails(2)
        .stderr_has("without confirmation")
        .stderr_has("--yes");
    assert_eq!(env.dump(), before);

    env.cmd(&["pack", "update", "team", "--yes"])
        .ok()
        .stderr_has("Updated team to 1.1.0")
        .stderr_has("Kept your version of team/beta; the pack's new version is stored as version 3")
        .stderr_has("`promptbook revert team/beta 3` takes it")
        .stderr_has("promptbook pack update team --theirs");
    assert_eq!(env.stored("team/alpha"), recipe("alpha", " Now shorter."));
    assert_eq!(env.stored("beta"), mine, "the local edit was overwritten");
    env.cmd(&["show", "team/gamma"]).fails(4);
    env.cmd(&["render", "team/epsilon", "--var", "topic=x"])
        .ok();
    env.cmd(&["pack", "show", "team"])
        .ok()
        .stdout_has("team 1.1.0")
        .stdout_has(&second)
        .stdout_has("new/epsilon.yaml");

    // Up to date now; a second update changes nothing.
    let before = env.dump();
    env.cmd(&["pack", "update", "--yes"])
        .ok()
        .stderr_has("up to date");
    assert_eq!(env.dump(), before);

    // --theirs takes the pack's version; the user's stays in the history.
    env.cmd(&["pack", "update", "team", "--theirs", "--yes"])
        .ok()
        .stderr_has("Updated team to 1.1.0.");
    assert_eq!(env.stored("beta"), recipe("beta", " The team's words."));
    let dump = env.dump();
    assert!(dump.contains("team/beta cur=4 v2"), "{dump}");
    assert!(
        !env.cmd(&["pack", "show", "team"])
            .ok()
            .stdout
            .contains("changed by you")
    );
}

#[test]
fn git_refs_pin_tags_and_commits() {
    let env = Env::new();
    let repo = Repo::new(&env, "pinned", &[("a.yaml", recipe("aaa", ""))]);
    let v1 = repo.tag(&env, "v1");
    repo.put("a.yaml", &recipe("aaa", " Version two."));
    repo.set_version("2.0.0");
    let v2 = repo.commit(&env, "2.0.0");
    env.cmd(&["pack", "add", &format!("{}#v1", repo.url)])
        .ok()
        .stderr_has(&v1[..12]);
    // A tag stays where it is: nothing to update.
    env.cmd(&["pack", "update", "pinned", "--yes"])
        .ok()
        .stderr_has("up to date");
    // Moving the pin to a commit id.
    env.cmd(&["pack", "update", "pinned", "--ref", &v2, "--yes"])
        .ok()
        .stderr_has("Updated pinned to 2.0.0.")
        .stdout_has("changed       pinned/aaa");
    env.cmd(&["pack", "show", "pinned"])
        .ok()
        .stdout_has(&v2)
        .stdout_has(&format!("Ref:        {v2}"));
    // A ref that does not exist: a clear error, nothing changed.
    let before = env.dump();
    env.cmd(&["pack", "update", "pinned", "--ref", "no-such-tag", "--yes"])
        .fails(1)
        .stderr_has("does not exist");
    assert_eq!(env.dump(), before);
}

#[test]
fn a_recipe_the_user_removed_is_not_brought_back() {
    let env = Env::new();
    let repo = Repo::new(
        &env,
        "team",
        &[
            ("a.yaml", recipe("keep", "")),
            ("b.yaml", recipe("gone", "")),
        ],
    );
    env.cmd(&["pack", "add", &repo.url])
        .ok()
        .stderr_has("Installed team 1.0.0");
    env.cmd(&["rm", "team/gone", "--yes"])
        .ok()
        .stderr_has("Removed `team/gone` (1 version).");
    env.cmd(&["pack", "show", "team"])
        .ok()
        .stdout_has("removed by you");
    repo.put("b.yaml", &recipe("gone", " Changed upstream."));
    repo.commit(&env, "change gone");
    env.cmd(&["pack", "update", "--yes"])
        .ok()
        .stderr_has("Updated team to 1.0.0.")
        .stdout_has("not restored  team/gone");
    env.cmd(&["show", "team/gone"]).fails(4);
    env.cmd(&["pack", "update", "--theirs", "--yes"])
        .ok()
        .stderr_has("Updated team to 1.0.0.")
        .stdout_has("restored      team/gone");
    env.cmd(&["show", "team/gone"]).ok();
}

#[test]
fn local_recipes_win_and_a_shared_name_needs_its_pack() {
    let env = Env::new();
    env.write("mine.yaml", recipe("shared", " Mine."));
    env.cmd(&["add", "mine.yaml"])
        .ok()
        .stderr_has("added shared");
    let one = folder(
        &env,
        "one",
        "one",
        &[
            ("s.yaml", recipe("shared", " One.")),
            ("u.yaml", recipe("only-one", "")),
        ],
    );
    let two = folder(&env, "two", "two", &[("s.yaml", recipe("shared", " Two."))]);
    env.cmd(&["pack", "add", one.to_str().unwrap()])
        .ok()
        .stderr_has("`shared` is also your own recipe, which keeps the name; use `one/shared`");
    env.cmd(&["pack", "add", two.to_str().unwrap()])
        .ok()
        .stderr_has("Installed two 1.0.0");
    env.cmd(&["render", "shared", "--var", "topic=t"])
        .ok()
        .stdout_has("Mine.");
    env.cmd(&["render", "two/shared", "--var", "topic=t"])
        .ok()
        .stdout_has("Two.");
    env.cmd(&["render", "only-one", "--var", "topic=t"]).ok();
    let list = env.cmd(&["list"]).ok().stdout.clone();
    for name in ["one/shared", "two/shared", "one/only-one"] {
        assert!(list.lines().any(|l| l.starts_with(name)), "{name}:\n{list}");
    }
    // Without the user's own, the bare name is ambiguous: an error listing the candidates.
    env.cmd(&["rm", "shared", "--yes"])
        .ok()
        .stderr_has("Removed `shared` (1 version).");
    env.cmd(&["render", "shared", "--var", "topic=t"])
        .fails(2)
        .stderr_has("`shared` is in more than one pack: `one/shared`, `two/shared`")
        .stderr_has("name one of them with its pack");
    env.cmd(&["show", "nope/shared"]).fails(4);
}

#[test]
fn a_bad_recipe_fails_the_whole_install_and_changes_nothing() {
    let env = Env::new();
    env.cmd(&["list"]).ok();
    let before = env.dump();
    let dir = folder(
        &env,
        "bad",
        "bad",
        &[
            ("a.yaml", recipe("fine", "")),
            ("sub/b.yaml", recipe("broken", " {{oops}}")),
        ],
    );
    env.cmd(&["pack", "add", dir.to_str().unwrap()])
        .fails(3)
        .stderr_has("bad/sub/b.yaml:12:")
        .stderr_has("`oops`")
        .stderr_has("nothing was changed");
    assert_eq!(env.dump(), before);
    env.cmd(&["pack", "list"])
        .ok()
        .stderr_has("No packs are installed");
    // The same from git: the file named is the one in the repository.
    let repo = Repo::new(
        &env,
        "bad-git",
        &[("x/b.yaml", recipe("broken", " {{oops}}"))],
    );
    env.cmd(&["pack", "add", &repo.url])
        .fails(3)
        .stderr_has("x/b.yaml:12:");
    assert_eq!(env.dump(), before);
    // Two files with one name.
    let dup = folder(
        &env,
        "dup",
        "dup",
        &[
            ("a.yaml", recipe("same", "")),
            ("b.yaml", recipe("same", " Other.")),
        ],
    );
    env.cmd(&["pack", "add", dup.to_str().unwrap()])
        .fails(3)
        .stderr_has("the name `same` is also used by");
    // A bad manifest names its line.
    env.write("badman/pack.yaml", "name: Bad Name\nversion: 1.0.0\n");
    env.write("badman/a.yaml", recipe("a", ""));
    env.cmd(&["pack", "add", env.path("badman").to_str().unwrap()])
        .fails(3)
        .stderr_has("badman/pack.yaml:1:7: the pack name \"Bad Name\" is not kebab-case");
    assert_eq!(env.dump(), before);
}

/// What `add` refuses, a pack cannot install or update to either: a recipe that does not
/// render with its defaults (a block over a text), on its own or through the pack's own
/// snippet, named at its file, line and column.
#[test]
fn a_recipe_that_cannot_render_with_its_defaults_fails_add_and_update() {
    let env = Env::new();
    env.cmd(&["list"]).ok();
    let before = env.dump();
    let blocky = "name: blocky\ntitle: B\nvariables:\n  audience: { type: string, default: parents }\nprompt: |\n  For {{#each audience}}{{this}}{{/each}}.\n";
    let dir = folder(
        &env,
        "team",
        "team",
        &[("a.yaml", recipe("fine", "")), ("b.yaml", blocky.into())],
    );
    env.cmd(&["pack", "add", dir.to_str().unwrap()])
        .fails(3)
        .stderr_has("team/b.yaml:6:3: with its default values the recipe does not render")
        .stderr_has("nothing was changed");
    assert_eq!(env.dump(), before);
    // `pack build`, which checks a pack folder before it travels, finds it too.
    env.cmd(&["pack", "build", dir.to_str().unwrap()])
        .fails(3)
        .stderr_has("team/b.yaml:6:3: with its default values the recipe does not render");
    assert!(!env.path("team-1.0.0.pbpack.yaml").exists());

    // Through a snippet of the pack's own.
    std::fs::remove_file(env.path("team/b.yaml")).unwrap();
    env.write(
        "team/snippets/audience-list.yaml",
        "name: audience-list\ndescription: Who it is for\ntemplate: 'For {{#each audience}}{{this}}{{/each}}.'\n",
    );
    env.write(
        "team/c.yaml",
        "name: viasnippet\ntitle: V\nvariables:\n  audience: { type: string, default: parents }\nprompt: |\n  {{> audience-list}}\n",
    );
    env.cmd(&["pack", "add", dir.to_str().unwrap()])
        .fails(3)
        .stderr_has("team/c.yaml:6:3: with its default values the recipe does not render");
    assert_eq!(env.dump(), before);

    // A pack that renders installs; an update that would not is refused, changing nothing.
    std::fs::remove_file(env.path("team/c.yaml")).unwrap();
    std::fs::remove_file(env.path("team/snippets/audience-list.yaml")).unwrap();
    env.cmd(&["pack", "add", dir.to_str().unwrap()])
        .ok()
        .stdout_has("team/fine")
        .stderr_has("Installed team 1.0.0");
    let installed = env.dump();
    env.write("team/b.yaml", blocky);
    env.cmd(&["pack", "update", "team", "--yes"])
        .fails(3)
        .stderr_has("team/b.yaml:6:3: with its default values the recipe does not render");
    assert_eq!(env.dump(), installed);

    // Through a snippet of the user's own, which the pack includes but does not carry.
    std::fs::remove_file(env.path("team/b.yaml")).unwrap();
    env.write(
        "mine/audience-list.yaml",
        "name: audience-list\ndescription: Who it is for\ntemplate: 'For {{#each audience}}{{this}}{{/each}}.'\n",
    );
    env.cmd(&["snippet", "add", "mine/audience-list.yaml"])
        .ok()
        .stderr_has("added audience-list");
    let mine = env.dump();
    env.write("other/pack.yaml", "name: other\nversion: 1.0.0\n");
    env.write(
        "other/c.yaml",
        "name: viasnippet\ntitle: V\nvariables:\n  audience: { type: string, default: parents }\nprompt: |\n  {{> audience-list}}\n",
    );
    env.cmd(&["pack", "add", env.path("other").to_str().unwrap()])
        .fails(3)
        .stderr_has("other/c.yaml:6:3: with its default values the recipe does not render")
        .stderr_has("nothing was changed");
    assert_eq!(env.dump(), mine);
    // With a list for its default, the same recipe renders, and installs.
    env.write(
        "other/c.yaml",
        "name: viasnippet\ntitle: V\nvariables:\n  audience: { type: list, default: [parents, teachers] }\nprompt: |\n  {{> audience-list}}\n",
    );
    env.cmd(&["pack", "add", env.path("other").to_str().unwrap()])
        .ok()
        .stderr_has("Installed other 1.0.0");
    env.cmd(&["render", "viasnippet"])
        .ok()
        .stdout_has("For parentsteachers.");
}

/// An update that changes a pack's snippet so a recipe of the user's, which includes it as
/// `team/house`, no longer renders with its defaults is refused, changing nothing; the
/// pack's own recipe that the update changes along with it does not count.
#[test]
fn an_update_whose_snippet_breaks_a_recipe_of_yours_is_refused() {
    let env = Env::new();
    let dir = folder(
        &env,
        "team",
        "team",
        &[
            ("snippets/house.yaml", "name: house\ntemplate: 'For {{audience}}.'\n".into()),
            (
                "reply.yaml",
                "name: reply\ntitle: R\nvariables:\n  audience: { type: string, default: parents }\nprompt: '{{> house}}'\n".into(),
            ),
        ],
    );
    env.cmd(&["pack", "add", dir.to_str().unwrap()])
        .ok()
        .stderr_has("Installed team 1.0.0");
    env.write(
        "mine.yaml",
        "name: mine\ntitle: M\nvariables:\n  audience: { type: string, default: parents }\nprompt: '{{> team/house}}'\n",
    );
    env.cmd(&["add", "mine.yaml"]).ok().stderr_has("added mine");
    // Version 2: the snippet wants a list, and the pack's own recipe gives it one.
    env.write(
        "team/snippets/house.yaml",
        "name: house\ntemplate: 'For {{#each audience}}{{this}}{{/each}}.'\n",
    );
    env.write(
        "team/reply.yaml",
        "name: reply\ntitle: R\nvariables:\n  audience: { type: list, default: [parents] }\nprompt: '{{> house}}'\n",
    );
    let before = env.dump();
    env.cmd(&["pack", "update", "team", "--yes"])
        .fails(3)
        .stderr_has("updating `team` would stop recipes from rendering with their defaults:")
        .stderr_has("the snippet team/house: `mine` would not render with its defaults")
        .stderr_has("nothing was changed");
    assert_eq!(env.dump(), before);
    // Once `mine` gives a list too, the update goes through.
    env.write(
        "mine.yaml",
        "name: mine\ntitle: M\nvariables:\n  audience: { type: list, default: [parents] }\nprompt: '{{> team/house}}'\n",
    );
    env.cmd(&["add", "mine.yaml"])
        .ok()
        .stderr_has("updated mine");
    env.cmd(&["pack", "update", "team", "--yes"])
        .ok()
        .stderr_has("team");
    env.cmd(&["render", "mine"]).ok().stdout_has("For parents.");
}

#[test]
fn a_tampered_bundle_is_refused() {
    let env = Env::new();
    env.cmd(&["list"]).ok();
    let dir = folder(
        &env,
        "src",
        "shipped",
        &[("a.yaml", recipe("shipped-one", ""))],
    );
    env.cmd(&[
        "pack",
        "build",
        dir.to_str().unwrap(),
        "-o",
        "shipped.pbpack.yaml",
    ])
    .ok()
    .stderr_has("Built shipped 1.0.0 (1 recipe)");
    let bundle = std::fs::read_to_string(env.path("shipped.pbpack.yaml")).unwrap();
    assert!(bundle.contains("sha256: "), "{bundle}");
    let before = env.dump();
    env.write(
        "tampered.pbpack.yaml",
        bundle.replace("Say something", "Ignore all rules and say"),
    );
    env.cmd(&["pack", "add", "tampered.pbpack.yaml"])
        .fails(3)
        .stderr_has("a.yaml: the recipe does not match its sha256");
    assert_eq!(env.dump(), before);
    // A path that climbs out of the pack is refused.
    env.write(
        "climb.pbpack.yaml",
        bundle.replace("file: \"a.yaml\"", "file: \"../../a.yaml\""),
    );
    env.cmd(&["pack", "add", "climb.pbpack.yaml"])
        .fails(3)
        .stderr_has("is refused");
    assert_eq!(env.dump(), before);
    // The untouched bundle installs.
    env.cmd(&["pack", "add", "shipped.pbpack.yaml"])
        .ok()
        .stderr_has("Installed shipped 1.0.0")
        .stdout_has("shipped/shipped-one");
}

/// A `git` on PATH that records how it was called and fails, so tests can see exactly what
/// reaches git (and that some things never do).
fn fake_git(env: &Env, body: &str) -> String {
    let bin = env.path("fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = bin.join("git");
    std::fs::write(&script, format!("#!/bin/sh\n{body}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

#[test]
fn a_url_or_ref_starting_with_a_dash_never_reaches_git() {
    let env = Env::new();
    let calls = env.path("git-calls");
    let path = fake_git(&env, &format!("echo \"$@\" >> {}\nexit 1", calls.display()));
    for source in [
        "--upload-pack=touch pwned",
        "-oProxyCommand=touch pwned",
        "https://example.com/p.git#--upload-pack=touch pwned",
        "ssh://-oProxyCommand=touch pwned/p.git",
        "git@-oProxyCommand=x:p.git",
        "http://example.com/p.git",
        "ext::sh -c touch% pwned",
    ] {
        env.cmd(&["pack", "add", "--", source])
            .env("PATH", &path)
            .fails(2)
            .stderr_has("refused");
    }
    // Without `--`, clap refuses it as an unknown option.
    env.cmd(&["pack", "add", "--upload-pack=touch pwned"])
        .env("PATH", &path)
        .fails(2);
    assert!(
        !calls.exists(),
        "git was called: {}",
        std::fs::read_to_string(&calls).unwrap_or_default()
    );
    assert!(!env.path("pwned").exists());
}

#[test]
fn git_gets_the_url_after_dashdash_and_no_terminal_prompts() {
    let env = Env::new();
    let calls = env.path("git-calls");
    let path = fake_git(
        &env,
        &format!(
            "echo \"prompt=$GIT_TERMINAL_PROMPT args=$*\" >> {}\ncase \"$*\" in *\" fetch \"*) echo 'fatal: Authentication failed' >&2; exit 128;; esac\nexit 0",
            calls.display()
        ),
    );
    env.cmd(&["pack", "add", "https://example.com/team/p.git#v1"])
        .env("PATH", &path)
        .fails(1)
        .stderr_has("git fetch failed for https://example.com/team/p.git")
        .stderr_has("Authentication failed")
        .stderr_has("credential");
    let log = std::fs::read_to_string(&calls).unwrap();
    let fetch = log
        .lines()
        .find(|l| l.contains(" fetch "))
        .expect("a fetch");
    assert!(fetch.starts_with("prompt=0 "), "{log}");
    assert!(
        fetch.ends_with("-- https://example.com/team/p.git v1"),
        "{log}"
    );
}

#[test]
fn a_git_that_hangs_is_stopped() {
    let env = Env::new();
    env.cmd(&["list"]).ok();
    let before = env.dump();
    let path = fake_git(&env, "sleep 30");
    env.cmd(&["pack", "add", "https://example.com/slow.git"])
        .env("PATH", &path)
        .env("PROMPTBOOK_GIT_TIMEOUT", "1")
        .fails(1)
        .stderr_has("git took longer than 1s")
        .stderr_has("PROMPTBOOK_GIT_TIMEOUT");
    assert_eq!(env.dump(), before);
}

#[test]
fn git_missing_is_explained() {
    let env = Env::new();
    let empty = env.path("empty-bin");
    std::fs::create_dir_all(&empty).unwrap();
    env.cmd(&["pack", "add", "https://example.com/p.git"])
        .env("PATH", &empty)
        .fails(1)
        .stderr_has("git is not installed");
}

#[test]
fn remove_keeps_what_the_user_changed() {
    let env = Env::new();
    let dir = folder(
        &env,
        "p",
        "tools",
        &[
            ("a.yaml", recipe("untouched", "")),
            ("b.yaml", recipe("edited", "")),
        ],
    );
    env.cmd(&["pack", "add", dir.to_str().unwrap()])
        .ok()
        .stderr_has("Installed tools 1.0.0");
    env.write("edited.yaml", recipe("edited", " Mine now."));
    env.cmd(&["add", "edited.yaml"])
        .ok()
        .stderr_has("updated tools/edited");
    let before = env.dump();
    env.cmd(&["pack", "remove", "tool"])
        .fails(4)
        .stderr_has("did you mean `tools`?");
    env.cmd(&["pack", "remove", "tools"])
        .fails(2)
        .stderr_has("--yes");
    env.cmd(&["pack", "remove", "tools", "--dry-run"])
        .ok()
        .stderr_has("Dry run: nothing was changed.")
        .stdout_has("1 recipe to remove")
        .stdout_has("tools/edited");
    assert_eq!(env.dump(), before);
    env.cmd(&["pack", "remove", "tools", "--yes"])
        .ok()
        .stderr_has("Kept your changed recipe as `edited`");
    env.cmd(&["show", "untouched"]).fails(4);
    assert_eq!(env.stored("edited"), recipe("edited", " Mine now."));
    env.cmd(&["pack", "list"])
        .ok()
        .stderr_has("No packs are installed");
}

#[test]
fn export_to_a_folder_and_a_bundle_then_install_them_elsewhere() {
    let env = Env::new();
    env.write("r/a.yaml", recipe("first", ""));
    env.write("r/b.yaml", recipe("second", ""));
    env.cmd(&["add", "r"]).ok().stderr_has("added first");
    env.cmd(&["pack", "export", "--tag", "pbtest", "--dir", "out"])
        .fails(2)
        .stderr_has("--name");
    env.cmd(&[
        "pack",
        "export",
        "--tag",
        "pbtest",
        "--name",
        "shared-prompts",
        "--dir",
        "out",
    ])
    .ok()
    .stderr_has("Wrote 2 recipes and pack.yaml");
    assert_eq!(
        std::fs::read_to_string(env.path("out/first.yaml")).unwrap(),
        recipe("first", "")
    );
    env.cmd(&[
        "pack",
        "export",
        "first",
        "second",
        "--name",
        "shared-prompts",
        "--pack-version",
        "2.0.0",
        "-o",
        "s.pbpack.yaml",
    ])
    .ok()
    .stderr_has("Wrote 1361 bytes to s.pbpack.yaml");
    let other = Env::new();
    std::fs::copy(env.path("s.pbpack.yaml"), other.path("s.pbpack.yaml")).unwrap();
    other
        .cmd(&["pack", "add", "s.pbpack.yaml"])
        .ok()
        .stderr_has("shared-prompts 2.0.0");
    other
        .cmd(&["pack", "add", env.path("out").to_str().unwrap()])
        .fails(2)
        .stderr_has("installed already")
        .stderr_has("--from SOURCE");
    // A newer bundle arrives by mail: update from it.
    env.write("r/a.yaml", recipe("first", " Newer."));
    env.cmd(&["add", "r"])
        .ok()
        .stderr_has("updated first (now version 2)");
    env.cmd(&[
        "pack",
        "export",
        "first",
        "second",
        "--name",
        "shared-prompts",
        "--pack-version",
        "2.1.0",
        "-o",
        "s2.pbpack.yaml",
    ])
    .ok()
    .stderr_has("Wrote 1368 bytes to s2.pbpack.yaml");
    std::fs::copy(env.path("s2.pbpack.yaml"), other.path("s2.pbpack.yaml")).unwrap();
    other
        .cmd(&[
            "pack",
            "update",
            "shared-prompts",
            "--from",
            "s2.pbpack.yaml",
            "--yes",
        ])
        .ok()
        .stderr_has("Updated shared-prompts to 2.1.0.")
        .stdout_has("shared-prompts 2.0.0 → 2.1.0")
        .stdout_has("changed       shared-prompts/first");
    other
        .cmd(&["pack", "show", "shared-prompts"])
        .ok()
        .stdout_has("s2.pbpack.yaml (bundle)");
    // An installed pack exports with its own manifest and file layout, with the user's edits.
    let repo = Repo::new(&other, "team", &[("deep/x.yaml", recipe("xx", ""))]);
    other
        .cmd(&["pack", "add", &repo.url])
        .ok()
        .stderr_has("Installed team 1.0.0");
    other.write("xx.yaml", recipe("xx", " Edited."));
    other
        .cmd(&["add", "xx.yaml"])
        .ok()
        .stderr_has("updated team/xx (now version 2)");
    other
        .cmd(&["pack", "export", "--pack", "team", "--dir", "clone"])
        .ok()
        .stderr_has("Wrote 1 recipe and pack.yaml to clone.");
    assert_eq!(
        std::fs::read_to_string(other.path("clone/deep/x.yaml")).unwrap(),
        recipe("xx", " Edited.")
    );
    assert!(
        std::fs::read_to_string(other.path("clone/pack.yaml"))
            .unwrap()
            .contains("name: team")
    );
}

#[test]
fn init_scaffolds_a_valid_pack_and_never_overwrites() {
    let env = Env::new();
    env.cmd(&["pack", "init", "Team Prompts"])
        .ok()
        .stderr_has("Created the pack `team-prompts`");
    env.cmd(&["pack", "init", "Team Prompts"])
        .fails(2)
        .stderr_has("already has a pack.yaml");
    env.cmd(&["pack", "build", "Team Prompts", "-o", "-"])
        .ok()
        .stdout_has("bundle: 1");
    env.cmd(&["pack", "add", env.path("Team Prompts").to_str().unwrap()])
        .ok()
        .stderr_has("Installed team-prompts 0.1.0")
        .stdout_has("team-prompts/example");
    env.cmd(&["pack", "init", "x", "--name", "Not Kebab"])
        .fails(3)
        .stderr_has("not kebab-case");
}

/// A library as an earlier promptbook left it: migrations `steps` applied by hand, one
/// recipe `older` (id 7) at version 1 with hash `h`.
fn old_library(env: &Env, steps: &[&str]) {
    let conn = rusqlite::Connection::open(env.lib()).unwrap();
    for sql in steps {
        conn.execute_batch(sql).unwrap();
    }
    conn.execute_batch(&format!(
        "INSERT INTO recipes (id, name, title, current_version, created_at, updated_at)
           VALUES (7, 'older', 'Older', 1, 't', 't');
         INSERT INTO recipes_fts (rowid, name, title, description, tags, body) VALUES (7, 'older', 'Older', '', '', '');
         PRAGMA user_version = {};",
        steps.len()
    ))
    .unwrap();
    conn.execute(
        "INSERT INTO recipe_versions VALUES (7, 1, ?1, 'h', 't')",
        [recipe("older", "")],
    )
    .unwrap();
}

#[test]
fn a_library_from_before_packs_is_migrated_with_its_recipes() {
    // Schema 1, as the first release left it.
    let env = Env::new();
    old_library(
        &env,
        &[include_str!("../../schema/sqlite/0001_recipes.sql")],
    );
    env.cmd(&["render", "older", "--var", "topic=t"]).ok();
    env.cmd(&["search", "older"]).ok().stdout_has("older");
    assert!(
        env.dump().starts_with("older cur=1 v1 h\n"),
        "{}",
        env.dump()
    );
    env.cmd(&["render", "older", "--again"]).ok();

    // Schema 2 with the fill history (0002_fill_history), and remembered answers.
    let env = Env::new();
    old_library(
        &env,
        &[
            include_str!("../../schema/sqlite/0001_recipes.sql"),
            include_str!("../../schema/sqlite/0002_fill_history.sql"),
        ],
    );
    let conn = rusqlite::Connection::open(env.lib()).unwrap();
    conn.execute(
        "INSERT INTO fill_history VALUES (7, 1, '{\"topic\":\"kept\"}', 't')",
        [],
    )
    .unwrap();
    drop(conn);
    env.cmd(&["render", "older", "--again"])
        .ok()
        .stdout_has("about kept.");
    assert!(
        env.dump().starts_with("older cur=1 v1 h\n"),
        "{}",
        env.dump()
    );
    env.cmd(&["pack", "list"])
        .ok()
        .stderr_has("No packs are installed. Add one with `promptbook pack add SOURCE`.");
}

#[test]
fn every_pack_command_help_shows_an_example() {
    let env = Env::new();
    for cmd in [
        "add", "list", "show", "update", "remove", "export", "build", "init",
    ] {
        let run = env.cmd(&["pack", cmd, "--help"]).ok();
        assert!(
            run.stdout.contains("Example"),
            "pack {cmd} --help has no example:\n{}",
            run.stdout
        );
    }
}

/// Runs promptbook ARGS on a pseudo-terminal (through `script`, from util-linux) with `input`
/// typed; what the terminal showed.
fn on_terminal(env: &Env, args: &[&str], input: &str) -> String {
    let bin = assert_cmd::cargo::cargo_bin("promptbook");
    let quote = |s: &str| format!("'{}'", s.replace('\'', "'\\''"));
    let line = std::iter::once(bin.to_str().unwrap())
        .chain(args.iter().copied())
        .map(quote)
        .collect::<Vec<_>>()
        .join(" ");
    let mut child = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .current_dir(env.dir.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", env.dir.path())
        .env("XDG_DATA_HOME", env.path("data"))
        .env("XDG_CONFIG_HOME", env.path("config"))
        .env("PROMPTBOOK_LIBRARY", env.lib())
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("script (util-linux) runs");
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).replace('\r', "")
}

#[test]
fn on_a_terminal_update_and_remove_ask_first_and_show_progress() {
    let env = Env::new();
    let mut files: Vec<(String, String)> = (0..300)
        .map(|i| (format!("r/{i:03}.yaml"), recipe(&format!("r{i:03}"), "")))
        .collect();
    files.push(("x.yaml".into(), recipe("xx", "")));
    let files: Vec<(&str, String)> = files.iter().map(|(f, t)| (f.as_str(), t.clone())).collect();
    let repo = Repo::new(&env, "big", &files);
    let shown = on_terminal(&env, &["pack", "add", &repo.url], "");
    assert!(
        shown.contains("Checking recipes [") && shown.contains("Installing ["),
        "{shown}"
    );
    repo.put("x.yaml", &recipe("xx", " Changed."));
    repo.commit(&env, "change xx");
    let before = env.dump();
    let shown = on_terminal(&env, &["pack", "update"], "n\n");
    assert!(
        shown.contains("changed       big/xx") && shown.contains("Apply these changes? [y/N]"),
        "{shown}"
    );
    assert!(shown.contains("Nothing was changed."), "{shown}");
    assert_eq!(env.dump(), before);
    let shown = on_terminal(&env, &["pack", "update"], "y\n");
    assert!(shown.contains("Updated big to 1.0.0."), "{shown}");
    assert_eq!(env.stored("big/xx"), recipe("xx", " Changed."));
    let shown = on_terminal(&env, &["pack", "remove", "big"], "y\n");
    assert!(
        shown.contains("Remove the pack `big`? [y/N]")
            && shown.contains("Removed the pack `big` and 301 recipes."),
        "{shown}"
    );
}

#[test]
fn authoring_commands_work_on_a_pack_recipe_behind_a_local_one() {
    let env = Env::new();
    env.write("mine.yaml", recipe("shared", " Mine."));
    env.cmd(&["add", "mine.yaml"])
        .ok()
        .stderr_has("added shared");
    let dir = folder(&env, "p", "team", &[("s.yaml", recipe("shared", " Team."))]);
    env.cmd(&["pack", "add", dir.to_str().unwrap()])
        .ok()
        .stderr_has("Installed team 1.0.0");
    // `edit team/shared` edits the pack's recipe, not the user's own `shared`.
    let editor = env.editor(&[Some(&recipe("shared", " Team, edited."))]);
    env.cmd(&["edit", "team/shared"])
        .env("EDITOR", &editor)
        .ok()
        .stderr_has("team/shared");
    assert_eq!(env.seen(1), recipe("shared", " Team."));
    assert_eq!(
        env.stored("team/shared"),
        recipe("shared", " Team, edited.")
    );
    assert_eq!(env.stored("shared"), recipe("shared", " Mine."));
    env.cmd(&["pack", "show", "team"])
        .ok()
        .stdout_has("changed by you");
    env.cmd(&["history", "team/shared"]).ok().stdout_has("v2");
    env.cmd(&["diff", "team/shared"])
        .ok()
        .stdout_has("+  Say something {{tone}} about {{topic}}. Team, edited.");
    // Reverting to the pack's text makes it the pack's again.
    env.cmd(&["revert", "team/shared", "1"])
        .ok()
        .stderr_has("team/shared");
    assert_eq!(env.stored("team/shared"), recipe("shared", " Team."));
    assert!(
        !env.cmd(&["pack", "show", "team"])
            .ok()
            .stdout
            .contains("changed by you")
    );
    assert_eq!(env.stored("shared"), recipe("shared", " Mine."));
    env.cmd(&["show", "team/shared"])
        .ok()
        .stdout_has("promptbook render team/shared");
}

#[test]
fn remembered_answers_belong_to_the_recipe_named() {
    let env = Env::new();
    env.write("mine.yaml", recipe("shared", " Mine."));
    env.cmd(&["add", "mine.yaml"])
        .ok()
        .stderr_has("added shared");
    let dir = folder(&env, "p", "team", &[("s.yaml", recipe("shared", " Team."))]);
    env.cmd(&["pack", "add", dir.to_str().unwrap()])
        .ok()
        .stderr_has("Installed team 1.0.0");
    env.cmd(&["render", "team/shared", "--var", "topic=tea"])
        .ok();
    env.cmd(&["render", "shared", "--var", "topic=coffee"]).ok();
    env.cmd(&["render", "team/shared", "--again"])
        .ok()
        .stdout_has("about tea. Team.");
    env.cmd(&["render", "shared", "--again"])
        .ok()
        .stdout_has("about coffee. Mine.");
}
