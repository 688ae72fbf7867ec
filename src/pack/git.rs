//! Fetching a pack from a git repository with the system `git`, so the user's credentials,
//! SSH keys and proxies work as they do for git itself.
//!
//! Safety: the URL and the ref are checked before git sees them (see [`super::source`]) and
//! always come after `--`; git runs with a time limit, without terminal prompts when promptbook
//! is not interactive, with `ext::` transports off, and with the environment's `GIT_DIR` and
//! friends removed. Files are read from git's object database (`ls-tree` and `cat-file`), never
//! checked out, so no filter, hook or link in the repository runs or is followed; sizes are
//! checked before any blob is read.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use wait_timeout::ChildExt;

use crate::error::{Error, ErrorKind, Result};

use super::files::{bundle_note, check_rel_path, is_bundle_file, is_recipe_file};
use super::{RawFile, RawManifest, RawPack, limits};

/// The environment variable that sets git's time limit, in seconds.
pub const TIMEOUT_ENV: &str = "PROMPTBOOK_GIT_TIMEOUT";
/// The time limit for all git commands of one fetch, unless the environment sets another.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// Environment variables that would point git at another repository than ours.
const REPO_ENV: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_COMMON_DIR",
    "GIT_CEILING_DIRECTORIES",
    "GIT_DISCOVERY_ACROSS_FILESYSTEM",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
];

/// How git may behave: interactive (it may ask for a password on the terminal) or not.
#[derive(Debug, Clone, Copy)]
pub struct GitOptions {
    pub interactive: bool,
    pub timeout: Duration,
}

impl GitOptions {
    /// Options from the environment: interactive when standard input and standard error are
    /// terminals; the time limit from `PROMPTBOOK_GIT_TIMEOUT` (seconds) or the default.
    pub fn from_env() -> GitOptions {
        use std::io::IsTerminal;
        let timeout = std::env::var(TIMEOUT_ENV)
            .ok()
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|s| *s > 0.0 && s.is_finite())
            .map_or(DEFAULT_TIMEOUT, Duration::from_secs_f64);
        GitOptions {
            interactive: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
            timeout,
        }
    }
}

/// What a fetch found: the commit the ref resolved to, the pack's files at it, and the
/// folder the pack is in (`None`: the top of the repository).
pub struct Fetched {
    pub commit: String,
    pub pack: RawPack,
    pub folder: Option<String>,
}

/// One file of a commit's tree, as `git ls-tree --long` lists it.
struct TreeEntry {
    mode: String,
    kind: String,
    oid: String,
    size: u64,
    path: String,
}

/// Fetches `url` at `reference` (the default branch when `None`) and reads the pack in it:
/// the one in `folder`, else the one at the top, else the only one in the repository.
/// `url`, `reference` and `folder` must have been checked by
/// [`super::source::Source::parse`].
pub fn fetch(
    url: &str,
    reference: Option<&str>,
    folder: Option<&str>,
    opts: GitOptions,
) -> Result<Fetched> {
    let deadline = Instant::now() + opts.timeout;
    let tmp = tempfile::Builder::new()
        .prefix("promptbook-pack-")
        .tempdir()
        .map_err(|e| Error::failed(format!("cannot create a temporary folder: {e}")))?;
    let git = Git {
        dir: tmp.path(),
        deadline,
        opts,
        url,
        wanted: reference.unwrap_or(""),
    };
    git.run(&["init", "--quiet", "--bare", "."], None)?;
    let wanted = reference.unwrap_or("HEAD");
    let fetched = git.run(
        &[
            "fetch",
            "--quiet",
            "--no-tags",
            "--no-recurse-submodules",
            "--depth=1",
            "--",
            url,
            wanted,
        ],
        None,
    );
    let commit = match fetched {
        Ok(_) => git.rev_parse("FETCH_HEAD")?,
        Err(e) if reference.is_some_and(looks_like_commit) && e.kind != ErrorKind::Interrupted => {
            // A commit id that the server will not send on its own: fetch the branches and
            // tags, then look for it among them.
            git.run(
                &[
                    "fetch",
                    "--quiet",
                    "--no-recurse-submodules",
                    "--",
                    url,
                    "+refs/heads/*:refs/remotes/origin/*",
                    "+refs/tags/*:refs/tags/*",
                ],
                None,
            )?;
            git.rev_parse(wanted).map_err(|_| {
                Error::not_found(format!("{url} has no commit {wanted}"))
                    .hint("check the ref after `#`: a branch, a tag or a commit id")
            })?
        }
        Err(e) => return Err(e),
    };
    let (pack, folder) = git.read_tree(&commit, folder)?;
    Ok(Fetched {
        commit,
        pack,
        folder,
    })
}

/// Whether a ref looks like a (possibly short) commit id.
pub fn looks_like_commit(r: &str) -> bool {
    (7..=64).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_hexdigit())
}

struct Git<'a> {
    dir: &'a Path,
    deadline: Instant,
    opts: GitOptions,
    url: &'a str,
    /// The ref as the user gave it ("" for the default branch), for hints.
    wanted: &'a str,
}

impl Git<'_> {
    fn rev_parse(&self, what: &str) -> Result<String> {
        let out = self.run(
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                &format!("{what}^{{commit}}"),
            ],
            None,
        )?;
        Ok(String::from_utf8_lossy(&out).trim().to_string())
    }

    /// Lists the commit's files, finds the pack (`folder`, else the top, else the only
    /// pack.yaml in the tree), checks its files against the limits, and reads them.
    fn read_tree(&self, commit: &str, folder: Option<&str>) -> Result<(RawPack, Option<String>)> {
        let listing = self.run(
            &["ls-tree", "-r", "-z", "--long", "--full-tree", commit],
            None,
        )?;
        let mut entries: Vec<TreeEntry> = Vec::new();
        for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
            let entry = String::from_utf8_lossy(entry);
            let Some((meta, path)) = entry.split_once('\t') else {
                continue;
            };
            let fields: Vec<&str> = meta.split_whitespace().collect();
            let [mode, kind, oid, size] = fields[..] else {
                continue;
            };
            let name = path.rsplit('/').next().unwrap_or(path);
            let hidden = path.split('/').any(|p| p.starts_with('.'));
            if hidden || !(name == "pack.yaml" || name.ends_with(".yaml") || name.ends_with(".yml"))
            {
                continue;
            }
            entries.push(TreeEntry {
                mode: mode.to_string(),
                kind: kind.to_string(),
                oid: oid.to_string(),
                size: size.parse().unwrap_or(u64::MAX),
                path: path.to_string(),
            });
        }
        let root = self.choose_pack(commit, folder, &entries)?;
        let prefix = root.as_deref().map(|r| format!("{r}/")).unwrap_or_default();
        let mut manifest: Option<String> = None;
        let mut recipes: Vec<(String, String)> = Vec::new();
        let mut skipped: Vec<String> = Vec::new();
        let mut total: u64 = 0;
        for e in &entries {
            let Some(path) = e.path.strip_prefix(&prefix) else {
                continue;
            };
            let name = path.rsplit('/').next().unwrap_or(path);
            if is_bundle_file(name) {
                skipped.push(bundle_note(&e.path));
                continue;
            }
            if !(path == "pack.yaml" || is_recipe_file(name)) {
                continue;
            }
            if e.kind != "blob" || e.mode == "120000" {
                return Err(Error::invalid(format!(
                    "{} at {}: {} is a {}; packs may not contain links",
                    self.url,
                    short(commit),
                    e.path,
                    if e.mode == "120000" {
                        "symbolic link"
                    } else {
                        &e.kind
                    }
                ))
                .hint("nothing was changed; replace the link with the file itself"));
            }
            check_rel_path(path).map_err(|why| {
                Error::invalid(format!(
                    "{} at {}: the file path {:?} is refused: {why}",
                    self.url,
                    short(commit),
                    e.path
                ))
                .hint("pack files must be plain relative paths; nothing was changed")
            })?;
            if path == "pack.yaml" {
                if e.size > limits::MAX_MANIFEST_BYTES as u64 {
                    return Err(self.too_large(commit, &format!("{} is {} bytes", e.path, e.size)));
                }
                manifest = Some(e.oid.clone());
                continue;
            }
            if e.size > limits::MAX_RECIPE_BYTES as u64 {
                return Err(self.too_large(
                    commit,
                    &format!(
                        "{} is {} bytes, over the limit of {} bytes for a recipe",
                        e.path,
                        e.size,
                        limits::MAX_RECIPE_BYTES
                    ),
                ));
            }
            total += e.size;
            recipes.push((path.to_string(), e.oid.clone()));
            if recipes.len() > limits::MAX_RECIPES {
                return Err(self.too_large(
                    commit,
                    &format!("more than {} recipe files", limits::MAX_RECIPES),
                ));
            }
        }
        if total > limits::MAX_PACK_BYTES {
            return Err(self.too_large(commit, &format!("{total} bytes of recipes")));
        }
        let manifest_oid = manifest.expect("choose_pack found its pack.yaml");
        let mut oids: Vec<&str> = vec![&manifest_oid];
        oids.extend(recipes.iter().map(|(_, oid)| oid.as_str()));
        let blobs = self.cat_blobs(&oids)?;
        let mut blobs = blobs.into_iter();
        let manifest = blobs.next().expect("one blob per oid");
        let files = recipes
            .into_iter()
            .zip(blobs)
            .map(|((path, _), bytes)| RawFile {
                path,
                bytes,
                expected_hash: None,
            })
            .collect();
        Ok((
            RawPack {
                manifest: RawManifest::Text(manifest),
                files,
                display_prefix: prefix,
                skipped,
            },
            root,
        ))
    }

    /// The folder of the pack to read (`None`: the top of the repository): the one asked
    /// for, else the top when it has pack.yaml, else the only folder with one. Several packs
    /// and none asked for is an error that lists them and how to choose.
    fn choose_pack(
        &self,
        commit: &str,
        folder: Option<&str>,
        entries: &[TreeEntry],
    ) -> Result<Option<String>> {
        let packs: Vec<&str> = entries
            .iter()
            .filter_map(|e| {
                if e.path == "pack.yaml" {
                    Some("")
                } else {
                    e.path.strip_suffix("/pack.yaml")
                }
            })
            .collect();
        let at = format!("{} at {}", self.url, short(commit));
        let with = |dir: &str| format!("`promptbook pack add {}#{}:{dir}`", self.url, self.wanted);
        if let Some(folder) = folder {
            if packs.contains(&folder) {
                return Ok(Some(folder.to_string()));
            }
            let mut e = Error::not_found(format!("{at} has no pack.yaml in {folder}/"));
            e = match packs.as_slice() {
                [] => e.hint("a pack is a folder with pack.yaml and recipe files; `promptbook pack init DIR` makes one"),
                [""] => e.hint(format!("the pack is at the top of the repository: `promptbook pack add {}#{}`", self.url, self.wanted)),
                found => e.hint(format!(
                    "the packs there are in {}",
                    found.iter().map(|f| format!("{f}/")).collect::<Vec<_>>().join(", ")
                )),
            };
            return Err(e);
        }
        if packs.contains(&"") {
            return Ok(None);
        }
        match packs.as_slice() {
            [] => Err(Error::not_found(format!("{at} has no pack.yaml"))
                .hint("a pack repository has pack.yaml and recipe files; `promptbook pack init DIR` makes one")),
            [one] => Ok(Some(one.to_string())),
            several => {
                const SHOWN: usize = 20;
                let mut message = format!(
                    "{at} holds {} packs; say which one to add:",
                    several.len()
                );
                for dir in several.iter().take(SHOWN) {
                    message.push_str(&format!("\n  {dir}/"));
                }
                if several.len() > SHOWN {
                    message.push_str(&format!("\n  … and {} more", several.len() - SHOWN));
                }
                Err(Error::usage(message)
                    .hint(format!(
                        "name its folder after the ref and a `:`, e.g. {}",
                        with(several[0])
                    ))
                    .hint("nothing was changed"))
            }
        }
    }

    /// Reads blobs with one `git cat-file --batch`.
    fn cat_blobs(&self, oids: &[&str]) -> Result<Vec<Vec<u8>>> {
        let mut input = String::with_capacity(oids.len() * 41);
        for oid in oids {
            input.push_str(oid);
            input.push('\n');
        }
        let out = self.run(&["cat-file", "--batch"], Some(input.into_bytes()))?;
        let mut blobs = Vec::with_capacity(oids.len());
        let mut rest = &out[..];
        for oid in oids {
            let bad = || Error::failed(format!("git cat-file gave unexpected output for {oid}"));
            let nl = rest.iter().position(|b| *b == b'\n').ok_or_else(bad)?;
            let header = String::from_utf8_lossy(&rest[..nl]).to_string();
            let size: usize = header
                .rsplit(' ')
                .next()
                .and_then(|s| s.parse().ok())
                .ok_or_else(bad)?;
            let start = nl + 1;
            if rest.len() < start + size + 1 {
                return Err(bad());
            }
            blobs.push(rest[start..start + size].to_vec());
            rest = &rest[start + size + 1..];
        }
        Ok(blobs)
    }

    fn too_large(&self, commit: &str, what: &str) -> Error {
        Error::new(
            ErrorKind::TooLarge,
            format!(
                "{} at {}: {what}, over the limits for a pack",
                self.url,
                short(commit)
            ),
        )
        .hint("README.md lists the limits on packs; nothing was changed")
    }

    /// Runs `git ARGS` in the temporary repository within the deadline; its standard output.
    fn run(&self, args: &[&str], stdin: Option<Vec<u8>>) -> Result<Vec<u8>> {
        let mut cmd = Command::new("git");
        cmd.arg("-C").arg(self.dir);
        for c in [
            "protocol.ext.allow=never",
            "core.fsmonitor=false",
            "core.hooksPath=/dev/null",
            "gc.auto=0",
            "maintenance.auto=false",
            "transfer.fsckObjects=true",
            "fetch.recurseSubmodules=false",
            "advice.detachedHead=false",
        ] {
            cmd.arg("-c").arg(c);
        }
        cmd.args(args);
        for var in REPO_ENV {
            cmd.env_remove(var);
        }
        if !self.opts.interactive {
            cmd.env("GIT_TERMINAL_PROMPT", "0");
            cmd.env("GCM_INTERACTIVE", "never");
        }
        cmd.env("LC_ALL", "C");
        cmd.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let mut child = cmd.spawn().map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::failed("git is not installed (or not on PATH); promptbook uses it to fetch packs from repositories")
                    .hint("install git (e.g. `sudo apt install git`), or add the pack from a folder or a bundle file")
            } else {
                Error::failed(format!("cannot run git: {e}"))
            }
        })?;
        if let Some(input) = stdin {
            let mut pipe = child.stdin.take().expect("piped");
            std::thread::spawn(move || {
                let _ = pipe.write_all(&input);
            });
        }
        let stdout = reader(child.stdout.take().expect("piped"));
        let stderr = reader(child.stderr.take().expect("piped"));
        let left = self.deadline.saturating_duration_since(Instant::now());
        let status = child
            .wait_timeout(left)
            .map_err(|e| Error::failed(format!("cannot wait for git: {e}")))?;
        let Some(status) = status else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Error::failed(format!(
                "git took longer than {}s to fetch {}; it was stopped and nothing was changed",
                self.opts.timeout.as_secs_f64().round(),
                self.url
            ))
            .hint(format!(
                "check the URL and your network; for a slow connection raise the limit, e.g. {TIMEOUT_ENV}=600"
            )));
        };
        // Output is complete once git has exited, unless a child of git still holds the pipes.
        let grace = Duration::from_secs(5);
        let out = stdout.recv_timeout(grace).unwrap_or_default();
        let err = stderr.recv_timeout(grace).unwrap_or_default();
        if status.success() {
            return Ok(out);
        }
        let err = String::from_utf8_lossy(&err);
        let detail: Vec<&str> = err
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("hint:"))
            .take(6)
            .collect();
        let what = args.first().copied().unwrap_or("git");
        let mut e = Error::failed(format!(
            "git {what} failed for {}{}",
            self.url,
            if detail.is_empty() {
                String::new()
            } else {
                format!(":\n  {}", detail.join("\n  "))
            }
        ));
        if what == "fetch" {
            let lower = err.to_lowercase();
            e = if lower.contains("couldn't find remote ref")
                || lower.contains("not our ref")
                || lower.contains("unadvertised object")
            {
                e.hint(
                    "the ref after `#` does not exist there: name a branch, a tag or a commit id",
                )
            } else if lower.contains("terminal prompts disabled")
                || lower.contains("authentication")
                || lower.contains("permission denied")
                || lower.contains("could not read username")
            {
                e.hint("git needs credentials: run the command in a terminal, or set up a credential helper or SSH key so `git fetch` works without asking")
            } else {
                e.hint("check the URL; `git ls-remote URL` shows whether git itself can reach it")
            };
        }
        Err(e)
    }
}

/// Reads a pipe to its end on a thread, so neither pipe can fill up and block git.
fn reader(mut pipe: impl Read + Send + 'static) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        let _ = tx.send(buf);
    });
    rx
}

/// The first 12 characters of a commit id, for messages.
pub fn short(commit: &str) -> &str {
    &commit[..commit.len().min(12)]
}
