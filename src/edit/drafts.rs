//! Draft files: where an editor session keeps the text being edited. They live in the data
//! folder (not the system's temporary folder), so a crash, a closed terminal or a reboot
//! loses nothing; a session removes its draft only once the text is stored or was never
//! changed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::{Error, Result};

/// The folder of drafts.
#[derive(Debug, Clone)]
pub struct Drafts {
    pub dir: PathBuf,
}

impl Drafts {
    /// `drafts/` in promptbook's data folder.
    pub fn default_location() -> Result<Drafts> {
        Ok(Drafts {
            dir: crate::paths::data_dir()?.join("drafts"),
        })
    }

    /// The drafts of snippets: a folder of their own inside this one, so a snippet's drafts
    /// and a recipe's of the same name are never taken for each other.
    pub fn of_snippets(&self) -> Drafts {
        Drafts {
            dir: self.dir.join("snippets"),
        }
    }

    /// Writes `text` to a new draft file for the recipe (or snippet) `name` and returns its path. Never
    /// replaces an existing file (an earlier session's kept draft stays as it is).
    pub fn create(&self, name: &str, text: &str) -> Result<PathBuf> {
        std::fs::create_dir_all(&self.dir).map_err(|e| {
            Error::failed(format!(
                "cannot create the drafts folder {}: {e}",
                self.dir.display()
            ))
            .hint("check that you may write to your data folder (XDG_DATA_HOME)")
        })?;
        let stamp = utc_stamp(SystemTime::now());
        for n in 0..1000 {
            let file = match n {
                0 => format!("{name}-{stamp}.yaml"),
                n => format!("{name}-{stamp}-{n}.yaml"),
            };
            let path = self.dir.join(file);
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    f.write_all(text.as_bytes())
                        .and_then(|_| f.sync_all())
                        .map_err(|e| {
                            Error::failed(format!("cannot write the draft {}: {e}", path.display()))
                        })?;
                    return Ok(path);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(Error::failed(format!(
                        "cannot create a draft in {}: {e}",
                        self.dir.display()
                    )));
                }
            }
        }
        Err(Error::failed(format!(
            "too many drafts of `{name}` in {}",
            self.dir.display()
        ))
        .hint("remove the drafts you no longer need"))
    }

    /// Drafts kept earlier for the recipe (or snippet) `name`, oldest first.
    pub fn kept(&self, name: &str) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let prefix = format!("{name}-");
        let stamp = regex::Regex::new(r"^\d{8}-\d{6}(-\d+)?\.yaml$").expect("valid");
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .and_then(|n| n.strip_prefix(&prefix))
                    .is_some_and(|rest| stamp.is_match(rest))
            })
            .collect();
        found.sort_by_key(|p| p.to_string_lossy().trim_end_matches(".yaml").to_string());
        found
    }

    /// Removes a draft whose text is safe elsewhere (stored, or never changed).
    pub fn discard(path: &Path) {
        let _ = std::fs::remove_file(path);
    }
}

/// `20261124-100211` (UTC) for draft file names, which then sort by time.
pub fn utc_stamp(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}{m:02}{d:02}-{:02}{:02}{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn stamps_are_utc_dates() {
        let t = UNIX_EPOCH + Duration::from_secs(1_795_000_000);
        assert_eq!(utc_stamp(t), "20261118-110640");
        assert_eq!(utc_stamp(UNIX_EPOCH), "19700101-000000");
    }

    #[test]
    fn drafts_never_replace_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let drafts = Drafts {
            dir: dir.path().join("d"),
        };
        let a = drafts.create("x", "one").unwrap();
        let b = drafts.create("x", "two").unwrap();
        assert_ne!(a, b);
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "one");
        assert_eq!(drafts.kept("x"), vec![a, b]);
        assert!(drafts.kept("x-y").is_empty());
        drafts.create("x-2", "three").unwrap();
        assert_eq!(drafts.kept("x").len(), 2);
    }
}
