//! Where promptbook keeps its files: the library in the data folder, settings and the model
//! catalog override in the config folder (XDG on Linux).

use std::path::PathBuf;

use crate::error::{Error, Result};

/// The environment variable that overrides the library path.
pub const LIBRARY_ENV: &str = "PROMPTBOOK_LIBRARY";

fn dirs() -> Result<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "promptbook").ok_or_else(|| {
        Error::library("cannot find your home folder to keep the library in")
            .hint(format!("pass --library PATH or set {LIBRARY_ENV}"))
    })
}

/// The default library file: `$XDG_DATA_HOME/promptbook/library.sqlite3` on Linux.
pub fn default_library() -> Result<PathBuf> {
    Ok(dirs()?.data_dir().join("library.sqlite3"))
}

/// The config folder: `$XDG_CONFIG_HOME/promptbook` on Linux.
pub fn config_dir() -> Option<PathBuf> {
    dirs().ok().map(|d| d.config_dir().to_path_buf())
}

/// The data folder: `$XDG_DATA_HOME/promptbook` on Linux. Editor drafts are kept below it, so
/// they survive a crash or a reboot (unlike files in the system's temporary folder).
pub fn data_dir() -> Result<PathBuf> {
    Ok(dirs()?.data_dir().to_path_buf())
}
