//! Where a pack comes from: a folder, a bundle file, or a git repository at a ref. What the
//! user types is checked here before anything reads it: only https://, ssh (`user@host:path`
//! and ssh://), file:// and local paths are accepted, and nothing that starts with `-` (which
//! git could read as an option) gets through, as a URL or as a ref.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

use super::files::check_rel_path;
use super::git::{self, GitOptions};
use super::install::Origin;
use super::{RawPack, bundle, files};

/// A checked pack source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A pack folder (absolute path).
    Folder(PathBuf),
    /// A bundle file (absolute path).
    Bundle(PathBuf),
    /// A git repository: a URL (or an absolute local path), the ref to fetch, and the
    /// folder of the pack inside it (`None`: the top, or the only pack in the repository).
    Git {
        url: String,
        reference: Option<String>,
        folder: Option<String>,
    },
}

/// A pack read from its source, the commit it came from (git only), and the folder the pack
/// was found in inside the repository (git only; `None` at the top).
pub struct Fetched {
    pub raw: RawPack,
    pub commit: Option<String>,
    pub folder: Option<String>,
}

const SCHEMES_HINT: &str = "give a pack folder, a bundle file, or a git URL: https://host/team/prompts.git#v1.2, git@host:team/prompts.git, ssh://host/team/prompts.git, file:///path/to/repo.git";

impl Source {
    /// Parses what the user typed: `https://…/prompts.git#v1.2`, `git@host:path#ref`,
    /// `ssh://…`, `file://…`, a folder, a bundle file, or a local repository with `#ref`.
    pub fn parse(input: &str) -> Result<Source> {
        if input.is_empty() {
            return Err(Error::usage("the pack source is empty").hint(SCHEMES_HINT));
        }
        if input.starts_with('-') {
            return Err(Error::usage(format!(
                "the pack source {input:?} starts with `-`, which git would read as an option; refused"
            ))
            .hint("for a local folder or file whose name starts with `-`, write ./ before it")
            .hint(SCHEMES_HINT));
        }
        if input.chars().any(|c| c.is_control()) {
            return Err(Error::usage(format!(
                "the pack source {input:?} contains control characters"
            ))
            .hint(SCHEMES_HINT));
        }
        if let Some((transport, _)) = input.split_once("::")
            && !transport.is_empty()
            && transport
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(Error::usage(format!(
                "{input}: git's `{transport}::` transports are not accepted for packs; refused"
            ))
            .hint(SCHEMES_HINT));
        }
        if let Some((scheme, _)) = input.split_once("://") {
            let (url, reference, folder) = split_ref(input)?;
            return match scheme.to_ascii_lowercase().as_str() {
                "https" | "ssh" | "file" => {
                    check_url(url, scheme)?;
                    Ok(Source::Git {
                        url: url.to_string(),
                        reference,
                        folder,
                    })
                }
                "http" => Err(Error::usage(format!(
                    "{url}: plain http is refused (anyone on the way could change the pack)"
                ))
                .hint("use the https:// URL of the repository")),
                other => Err(Error::usage(format!(
                    "{url}: the `{other}://` scheme is not accepted for packs"
                ))
                .hint(SCHEMES_HINT)),
            };
        }
        if is_scp_like(input) {
            let (url, reference, folder) = split_ref(input)?;
            let (user, rest) = url.split_once('@').unwrap_or(("", url));
            let host = rest.split(':').next().unwrap_or("");
            let plain = |s: &str, extra: &[u8]| {
                !s.is_empty()
                    && !s.starts_with('-')
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || extra.contains(&b))
            };
            if !plain(user, b"._-") || !plain(host, b".-") || url.chars().any(char::is_whitespace) {
                return Err(Error::usage(format!(
                    "the URL {url:?} is refused: its user or host is not a plain name (or starts with `-`)"
                ))
                .hint(SCHEMES_HINT));
            }
            return Ok(Source::Git {
                url: url.to_string(),
                reference,
                folder,
            });
        }
        local(input)
    }

    /// Rebuilds a source from what the library recorded (the ref column holds `REF:FOLDER`
    /// for a pack in a folder of its repository; see [`Source::recorded_ref`]).
    pub fn from_record(kind: &str, location: &str, reference: Option<&str>) -> Result<Source> {
        match kind {
            "folder" => Ok(Source::Folder(location.into())),
            "bundle" => Ok(Source::Bundle(location.into())),
            _ => {
                let (r, folder) = split_recorded_ref(reference);
                // Recorded sources were checked when added; check again all the same.
                if location.starts_with('-')
                    || r.is_some_and(|r| check_ref(r).is_err())
                    || folder.is_some_and(|f| check_rel_path(f).is_err())
                {
                    return Err(Error::library(format!(
                        "the recorded source {location:?} is not acceptable"
                    )));
                }
                Ok(Source::Git {
                    url: location.to_string(),
                    reference: r.map(str::to_string),
                    folder: folder.map(str::to_string),
                })
            }
        }
    }

    /// What the library records in its ref column: the ref, with `:FOLDER` after it for a
    /// pack in a folder of its repository (as people type it after `#`). `folder` is where
    /// the fetch found the pack, so an update reads the same folder.
    pub fn recorded_ref(&self, folder: Option<&str>) -> Option<String> {
        let Source::Git { reference, .. } = self else {
            return None;
        };
        match (reference, folder) {
            (r, Some(f)) => Some(format!("{}:{f}", r.as_deref().unwrap_or(""))),
            (Some(r), None) => Some(r.clone()),
            (None, None) => None,
        }
    }

    /// `folder`, `bundle` or `git`, as recorded in the library.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Folder(_) => "folder",
            Source::Bundle(_) => "bundle",
            Source::Git { .. } => "git",
        }
    }

    /// The path or URL, as recorded in the library.
    pub fn location(&self) -> String {
        match self {
            Source::Folder(p) | Source::Bundle(p) => p.display().to_string(),
            Source::Git { url, .. } => url.clone(),
        }
    }

    /// The same source at another ref (`pack update --ref`), in the same folder.
    pub fn with_reference(self, new: &str) -> Result<Source> {
        match self {
            Source::Git { url, folder, .. } => {
                check_ref(new)?;
                Ok(Source::Git {
                    url,
                    reference: Some(new.to_string()),
                    folder,
                })
            }
            other => Err(Error::usage(format!(
                "--ref is for packs from git; this one comes from the {} {}",
                other.kind(),
                other.location()
            ))),
        }
    }

    /// The source as people write it: `URL#ref`, `URL#ref:folder`, or the path.
    pub fn display(&self) -> String {
        match self {
            Source::Git { url, folder, .. } => match self.recorded_ref(folder.as_deref()) {
                Some(r) => format!("{url}#{r}"),
                None => url.clone(),
            },
            other => other.location(),
        }
    }

    /// How the library records this source once fetched: kind, location, ref (with the
    /// folder the pack was found in) and commit.
    pub fn origin(&self, fetched: &Fetched) -> Origin {
        Origin {
            kind: self.kind().to_string(),
            location: self.location(),
            reference: self.recorded_ref(fetched.folder.as_deref()),
            commit: fetched.commit.clone(),
        }
    }

    /// Reads the pack (fetching it with git for a repository).
    pub fn fetch(&self, opts: GitOptions) -> Result<Fetched> {
        match self {
            Source::Folder(dir) => Ok(Fetched {
                raw: files::read_folder(dir)?,
                commit: None,
                folder: None,
            }),
            Source::Bundle(file) => Ok(Fetched {
                raw: bundle::read(file)?,
                commit: None,
                folder: None,
            }),
            Source::Git {
                url,
                reference,
                folder,
            } => {
                let f = git::fetch(url, reference.as_deref(), folder.as_deref(), opts)?;
                Ok(Fetched {
                    raw: f.pack,
                    commit: Some(f.commit),
                    folder: f.folder,
                })
            }
        }
    }
}

impl Origin {
    /// The recorded source as people write it: `URL#ref:folder`, `URL#ref`, or the path.
    pub fn display(&self) -> String {
        match &self.reference {
            Some(r) => format!("{}#{r}", self.location),
            None => self.location.clone(),
        }
    }
}

/// `user@host:path` (git's scp-like syntax for ssh): a `@` and a `:` with no `/` before the
/// `:`, and something after it. The user and host are checked by the caller.
fn is_scp_like(input: &str) -> bool {
    let Some((before, path)) = input.split_once(':') else {
        return false;
    };
    before.contains('@') && !before.contains('/') && !path.is_empty()
}

/// Splits `URL#ref:folder` at the last `#` into the URL, the ref and the folder of the pack
/// in the repository (`URL#ref`, `URL#:folder` and `URL` leave out what is not given).
fn split_ref(input: &str) -> Result<(&str, Option<String>, Option<String>)> {
    match input.rsplit_once('#') {
        Some((url, after)) => {
            let (reference, folder) = split_folder(after)?;
            Ok((url, reference, folder))
        }
        None => Ok((input, None, None)),
    }
}

/// `ref`, `ref:folder` or `:folder` (what follows `#`), checked.
fn split_folder(after: &str) -> Result<(Option<String>, Option<String>)> {
    let (reference, folder) = match after.split_once(':') {
        Some((r, f)) => (r, Some(f.trim_end_matches('/'))),
        None => (after, None),
    };
    let reference = if reference.is_empty() && folder.is_some() {
        None
    } else {
        check_ref(reference)?;
        Some(reference.to_string())
    };
    let folder = match folder {
        None => None,
        Some(f) => {
            check_rel_path(f).map_err(|why| {
                Error::usage(format!("the pack folder {f:?} after `:` is refused: {why}")).hint(
                    "after `#REF:` give the folder of pack.yaml inside the repository, e.g. `#main:prompts/team`",
                )
            })?;
            Some(f.to_string())
        }
    };
    Ok((reference, folder))
}

/// The ref and the folder recorded in a pack's ref column (`REF`, `REF:FOLDER`, `:FOLDER`).
pub fn split_recorded_ref(recorded: Option<&str>) -> (Option<&str>, Option<&str>) {
    match recorded {
        None => (None, None),
        Some(r) => match r.split_once(':') {
            Some((r, f)) => ((!r.is_empty()).then_some(r), Some(f)),
            None => (Some(r), None),
        },
    }
}

/// A ref is a branch, tag or commit id: letters, digits, `.`, `_`, `-`, `/` and `+`, not
/// starting with `-` (git would read it as an option) and without `..`.
pub fn check_ref(reference: &str) -> Result<()> {
    let why = if reference.is_empty() {
        Some("it is empty")
    } else if reference.starts_with('-') {
        Some("it starts with `-`, which git would read as an option")
    } else if reference.len() > 255 {
        Some("it is longer than 255 characters")
    } else if reference.contains("..")
        || reference.starts_with('/')
        || reference.ends_with('/')
        || reference.ends_with(".lock")
        || reference.contains("//")
    {
        Some("it is not a valid branch or tag name")
    } else if !reference
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._-/+".contains(&b))
    {
        Some("it has characters other than letters, digits, `.`, `_`, `-`, `/` and `+`")
    } else {
        None
    };
    match why {
        Some(why) => Err(
            Error::usage(format!("the ref {reference:?} is refused: {why}"))
                .hint("after `#` give a branch, a tag or a commit id, e.g. `#main` or `#v1.2`"),
        ),
        None => Ok(()),
    }
}

fn check_url(url: &str, scheme: &str) -> Result<()> {
    let rest = &url[scheme.len() + 3..];
    let authority = rest.split('/').next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let bad = if url.len() > 2048 {
        Some("it is longer than 2048 characters")
    } else if url.chars().any(char::is_whitespace) {
        Some("it contains spaces")
    } else if scheme.eq_ignore_ascii_case("file") {
        (!rest.starts_with('/')).then_some("a file:// URL needs an absolute path (file:///…)")
    } else if host.is_empty() {
        Some("it has no host")
    } else if host.starts_with('-') || authority.starts_with('-') {
        Some("its host starts with `-`")
    } else {
        None
    };
    match bad {
        Some(why) => {
            Err(Error::usage(format!("the URL {url:?} is refused: {why}")).hint(SCHEMES_HINT))
        }
        None => Ok(()),
    }
}

/// A local folder, bundle file, or repository (a bare repository, or any with `#ref`).
fn local(input: &str) -> Result<Source> {
    let path = Path::new(input);
    if path.exists() {
        let abs = absolute(path)?;
        if abs.is_file() {
            return Ok(Source::Bundle(abs));
        }
        if !abs.is_dir() {
            // A pipe or a device: read as a bundle, which refuses it unopened.
            return Ok(Source::Bundle(abs));
        }
        if !abs.join("pack.yaml").exists() && is_bare_repo(&abs) {
            return Ok(Source::Git {
                url: abs.display().to_string(),
                reference: None,
                folder: None,
            });
        }
        if !abs.join("pack.yaml").exists() {
            return pack_below(input, &abs);
        }
        return Ok(Source::Folder(abs));
    }
    if let Some((dir, after)) = input.rsplit_once('#')
        && Path::new(dir).is_dir()
    {
        let (reference, folder) = split_folder(after)?;
        return Ok(Source::Git {
            url: absolute(Path::new(dir))?.display().to_string(),
            reference,
            folder,
        });
    }
    Err(Error::not_found(format!(
        "{input} does not exist (as a folder, a file or a URL)"
    ))
    .hint(SCHEMES_HINT))
}

/// A folder without pack.yaml: the only pack in a folder below it (a pack kept in
/// `prompts/team/` of a repository's working copy), or an error listing the packs found.
/// Hidden folders and links are not entered; the search is bounded in depth and entries.
fn pack_below(input: &str, dir: &Path) -> Result<Source> {
    const MAX_ENTRIES: usize = 100_000;
    let mut found: Vec<PathBuf> = Vec::new();
    let mut seen = 0usize;
    let mut stack: Vec<(PathBuf, usize)> = vec![(dir.to_path_buf(), 0)];
    while let Some((folder, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            seen += 1;
            if seen > MAX_ENTRIES {
                break;
            }
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if name.starts_with('.') {
                continue;
            }
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() && depth < super::limits::MAX_DEPTH {
                if entry.path().join("pack.yaml").is_file() {
                    found.push(entry.path());
                } else {
                    stack.push((entry.path(), depth + 1));
                }
            }
        }
    }
    found.sort();
    let shown = |p: &PathBuf| {
        let rel = p.strip_prefix(dir).unwrap_or(p);
        Path::new(input).join(rel).display().to_string()
    };
    match found.as_slice() {
        [one] => Ok(Source::Folder(one.clone())),
        [] => Err(Error::not_found(format!("{} has no pack.yaml", dir.display())).hint(format!(
            "a pack is a folder with pack.yaml and recipe files; `promptbook pack init {input}` creates pack.yaml"
        ))),
        several => Err(Error::usage(format!(
            "{input} holds {} packs; say which one to add:\n  {}",
            several.len(),
            several.iter().map(shown).collect::<Vec<_>>().join("\n  ")
        ))
        .hint(format!("give the pack's folder, e.g. `promptbook pack add {}`", shown(&several[0])))),
    }
}

fn is_bare_repo(dir: &Path) -> bool {
    dir.join("HEAD").is_file() && dir.join("objects").is_dir() && dir.join("refs").is_dir()
}

fn absolute(path: &Path) -> Result<PathBuf> {
    std::fs::canonicalize(path)
        .map_err(|e| Error::failed(format!("cannot resolve the path {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(url: &str, reference: Option<&str>) -> Source {
        Source::Git {
            url: url.into(),
            reference: reference.map(Into::into),
            folder: None,
        }
    }

    #[test]
    fn accepts_the_schemes() {
        for (input, url, r) in [
            (
                "https://example.com/t/p.git#v1.2",
                "https://example.com/t/p.git",
                Some("v1.2"),
            ),
            (
                "https://example.com/t/p.git",
                "https://example.com/t/p.git",
                None,
            ),
            (
                "git@example.com:t/p.git#main",
                "git@example.com:t/p.git",
                Some("main"),
            ),
            (
                "ssh://git@example.com:22/t/p.git",
                "ssh://git@example.com:22/t/p.git",
                None,
            ),
            (
                "file:///srv/p.git#feature/x",
                "file:///srv/p.git",
                Some("feature/x"),
            ),
        ] {
            assert_eq!(Source::parse(input).unwrap(), git(url, r), "{input}");
        }
    }

    #[test]
    fn a_folder_after_the_ref_is_kept_and_recorded() {
        let parsed = Source::parse("https://example.com/t/mono.git#v1:prompts/team/").unwrap();
        assert_eq!(
            parsed,
            Source::Git {
                url: "https://example.com/t/mono.git".into(),
                reference: Some("v1".into()),
                folder: Some("prompts/team".into()),
            }
        );
        assert_eq!(
            parsed.recorded_ref(Some("prompts/team")).as_deref(),
            Some("v1:prompts/team")
        );
        let default_branch = Source::parse("git@example.com:t/mono.git#:prompts/ops").unwrap();
        assert_eq!(
            default_branch.recorded_ref(Some("prompts/ops")).as_deref(),
            Some(":prompts/ops")
        );
        assert_eq!(
            Source::from_record("git", "git@example.com:t/mono.git", Some(":prompts/ops")).unwrap(),
            default_branch
        );
        for bad in [
            "https://example.com/p.git#main:../up",
            "https://example.com/p.git#main:/abs",
            "https://example.com/p.git#main:.hidden",
            "https://example.com/p.git#-x:prompts",
        ] {
            assert!(Source::parse(bad).is_err(), "{bad} was accepted");
        }
        assert!(
            Source::from_record("git", "https://example.com/p.git", Some("main:../x")).is_err()
        );
    }

    #[test]
    fn refuses_options_and_other_schemes() {
        for bad in [
            "--upload-pack=touch /tmp/x",
            "-oProxyCommand=x",
            "https://example.com/p.git#--upload-pack=x",
            "https://example.com/p.git#-x",
            "ssh://-oProxyCommand=x/p.git",
            "ssh://user@-oProxyCommand=x/p.git",
            "git@-oProxy:p.git",
            "http://example.com/p.git",
            "git://example.com/p.git",
            "ext::sh -c touch% /tmp/pwned",
            "ftp://example.com/p.git",
            "file://relative/p.git",
            "https://example.com/p.git#a..b",
            "https://example.com/p.git#",
            "https://exa mple.com/p.git",
        ] {
            assert!(Source::parse(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn local_paths() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("pack");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("pack.yaml"), "name: p\n").unwrap();
        let file = tmp.path().join("b.pbpack.yaml");
        std::fs::write(&file, "").unwrap();
        let canon = |p: &Path| std::fs::canonicalize(p).unwrap();
        assert_eq!(
            Source::parse(dir.to_str().unwrap()).unwrap(),
            Source::Folder(canon(&dir))
        );
        assert_eq!(
            Source::parse(file.to_str().unwrap()).unwrap(),
            Source::Bundle(canon(&file))
        );
        let with_ref = format!("{}#v1", dir.display());
        assert_eq!(
            Source::parse(&with_ref).unwrap(),
            git(&canon(&dir).display().to_string(), Some("v1"))
        );
        assert!(Source::parse(&tmp.path().join("missing").display().to_string()).is_err());
    }
}
