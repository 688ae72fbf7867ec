//! What every request of the web page shares: the open library, the per-launch secrets,
//! and a cache of the library's summaries that lives until the library changes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::edit::Drafts;
use crate::error::{Error, Result};
use crate::pack::install::UpdatePlan;
use crate::store::{Library, Selection, Summary};

/// The server's state, behind an `Arc` in every handler.
pub struct App {
    library: Mutex<Library>,
    /// The access token in the printed URL; also the cookie's value.
    pub token: String,
    /// The token every state-changing request carries (a form field or a header).
    pub csrf: String,
    /// The port the server listens on (the `Host` and `Origin` checks need it).
    pub port: u16,
    /// Where an invalid edit is kept.
    pub drafts: Drafts,
    /// Bumped on every write this server makes: `PRAGMA data_version` only moves for other
    /// connections' commits.
    local_writes: AtomicU64,
    summaries: Mutex<Option<Cached>>,
    /// Pack update plans shown and waiting for their confirmation, by id.
    pending: Mutex<HashMap<String, UpdatePlan>>,
}

struct Cached {
    key: (i64, u64),
    summaries: Arc<Vec<Summary>>,
    signature: u64,
}

/// What the library page and the change check need, read once per change of the library.
#[derive(Clone)]
pub struct Snapshot {
    pub summaries: Arc<Vec<Summary>>,
    /// Changes when a recipe is added, edited or removed, by this server or another process.
    pub signature: u64,
}

impl App {
    /// The state for a server on `port` over `library`.
    pub fn new(library: Library, port: u16, drafts: Drafts) -> Result<App> {
        Ok(App {
            library: Mutex::new(library),
            token: random_hex()?,
            csrf: random_hex()?,
            port,
            drafts,
            local_writes: AtomicU64::new(0),
            summaries: Mutex::new(None),
            pending: Mutex::new(HashMap::new()),
        })
    }

    /// The library, for the length of one short piece of work (SQL, never a git fetch).
    pub fn lib(&self) -> MutexGuard<'_, Library> {
        // A panic while holding the lock leaves the library as SQLite left it: consistent.
        self.library.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs a write on the library and marks the cached summaries stale.
    pub fn write<T>(&self, f: impl FnOnce(&mut Library) -> Result<T>) -> Result<T> {
        let mut lib = self.lib();
        let out = f(&mut lib);
        self.local_writes.fetch_add(1, Ordering::SeqCst);
        out
    }

    /// Every recipe's summary and the library's signature, from the cache while neither
    /// another process nor this server has changed the library.
    pub fn snapshot(&self) -> Result<Snapshot> {
        let lib = self.lib();
        let key = (
            lib.data_version()?,
            self.local_writes.load(Ordering::SeqCst),
        );
        let mut cache = self.summaries.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = cache.as_ref()
            && c.key == key
        {
            return Ok(Snapshot {
                summaries: c.summaries.clone(),
                signature: c.signature,
            });
        }
        let summaries = Arc::new(lib.list(None)?);
        let signature = lib.signature(&Selection::default())?;
        *cache = Some(Cached {
            key,
            summaries: summaries.clone(),
            signature,
        });
        Ok(Snapshot {
            summaries,
            signature,
        })
    }
}

impl App {
    /// Keeps `plan` until it is confirmed; returns the address of its preview.
    pub fn pend(&self, plan: UpdatePlan) -> String {
        let id = random_hex()
            .unwrap_or_else(|_| format!("{:x}", self.local_writes.load(Ordering::SeqCst)));
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        // Only the newest few previews are kept: each holds a whole fetched pack.
        if pending.len() >= 8 {
            pending.clear();
        }
        pending.insert(id.clone(), plan);
        format!("/packs/plan/{id}")
    }

    /// The plan waiting under `id`.
    pub fn pending_plan(&self, id: &str) -> Option<UpdatePlan> {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .cloned()
    }

    /// Takes the plan waiting under `id`, so it is applied once.
    pub fn take_plan(&self, id: &str) -> Option<UpdatePlan> {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id)
    }
}

/// 32 random bytes from the operating system, in hex.
fn random_hex() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::failed(format!("cannot get random bytes for the access token: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
        assert_eq!(random_hex().unwrap().len(), 64);
        assert_ne!(random_hex().unwrap(), random_hex().unwrap());
    }
}
