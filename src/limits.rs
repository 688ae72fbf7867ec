//! Reading what the user hands us (recipe files, `@file` values, `--vars`, settings, bundles,
//! standard input) within a limit: never more than the limit plus one byte is read, and
//! something that is not a regular file (a FIFO, a device such as `/dev/zero`, a folder) is
//! refused before it is opened, so nothing blocks or fills memory. The limits are
//! documented in README.md ("Limits").

use std::io::Read;
use std::path::Path;

use crate::error::{Error, ErrorKind, Result};

/// `1048576` as "1 MiB", `65536` as "64 KiB".
pub fn human_bytes(n: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else if n >= 1024 && n.is_multiple_of(1024) {
        format!("{} KiB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

fn too_large(what: &str, limit: u64, kind: ErrorKind) -> Error {
    Error::new(
        kind,
        format!(
            "{what} is over the limit of {limit} bytes ({})",
            human_bytes(limit)
        ),
    )
    .hint("check that this is the right file; README.md lists the limits")
}

/// Reads at most `limit` bytes from `reader`; more is an error of `kind` (nothing past
/// `limit + 1` bytes is read).
pub fn read_stream(reader: impl Read, limit: u64, what: &str, kind: ErrorKind) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::failed(format!("cannot read {what}: {e}")))?;
    if buf.len() as u64 > limit {
        return Err(too_large(what, limit, kind));
    }
    Ok(buf)
}

/// What a path is, when it is not a regular file.
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a pipe (FIFO)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// Reads the regular file at `path`, at most `limit` bytes; `what` names it in messages
/// ("the file for `notes`"), `kind` is the error of a file over the limit.
///
/// # Errors
///
/// A missing file (not found), something that is not a regular file (usage), a file over
/// the limit (`kind`) or a read failure.
pub fn read_file(path: &Path, limit: u64, what: &str, kind: ErrorKind) -> Result<Vec<u8>> {
    let shown = format!("{what} {}", path.display());
    let file = open_regular(path, what)?;
    let len = file
        .metadata()
        .map_err(|e| Error::failed(format!("cannot read {shown}: {e}")))?
        .len();
    if len > limit {
        return Err(too_large(&format!("{shown} ({len} bytes)"), limit, kind));
    }
    read_stream(file, limit, &shown, kind)
}

/// Opens the regular file at `path` for reading; something else (a pipe, a device, a
/// folder) is refused before it is opened, and the open never waits for a pipe's writer.
pub fn open_regular(path: &Path, what: &str) -> Result<std::fs::File> {
    let shown = format!("{what} {}", path.display());
    let not_regular = |meta: &std::fs::Metadata| {
        let message = match file_kind(meta) {
            "not a regular file" => format!("{shown} is not a regular file"),
            kind => format!("{shown} is {kind}, not a file"),
        };
        Error::usage(message).hint("give the path of a regular file")
    };
    let meta = std::fs::metadata(path).map_err(|e| open_error(&shown, &e))?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        // Should the path become a pipe between the check and the open, opening it must
        // not wait for a writer.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| open_error(&shown, &e))?;
    let meta = file
        .metadata()
        .map_err(|e| Error::failed(format!("cannot read {shown}: {e}")))?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    Ok(file)
}

/// [`read_file`] of UTF-8 text.
pub fn read_text(path: &Path, limit: u64, what: &str) -> Result<String> {
    let bytes = read_file(path, limit, what, ErrorKind::Usage)?;
    String::from_utf8(bytes).map_err(|e| {
        Error::usage(format!(
            "{what} {} is not UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
        .hint("convert it to UTF-8, e.g. iconv -f latin1 -t utf-8")
    })
}

fn open_error(shown: &str, e: &std::io::Error) -> Error {
    match e.kind() {
        std::io::ErrorKind::NotFound => {
            Error::not_found(format!("cannot read {shown}: no such file"))
                .hint("check the path; it is relative to the folder you run promptbook in")
        }
        std::io::ErrorKind::PermissionDenied => {
            Error::failed(format!("cannot read {shown}: permission denied"))
                .hint("check the file's permissions")
        }
        _ => Error::failed(format!("cannot read {shown}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_bytes(1024 * 1024), "1 MiB");
        assert_eq!(human_bytes(64 * 1024), "64 KiB");
        assert_eq!(human_bytes(1000), "1000 bytes");
    }

    #[test]
    fn a_stream_is_read_to_the_limit_plus_one_byte_only() {
        let endless = std::io::repeat(b'a');
        let e = read_stream(endless, 10, "standard input", ErrorKind::Usage).unwrap_err();
        assert_eq!(
            e.message,
            "standard input is over the limit of 10 bytes (10 bytes)"
        );
        assert_eq!(
            read_stream(&b"0123456789"[..], 10, "x", ErrorKind::Usage).unwrap(),
            b"0123456789"
        );
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_folders_are_refused_before_reading() {
        let e = read_file(Path::new("/dev/zero"), 10, "the file", ErrorKind::Usage).unwrap_err();
        assert_eq!(e.message, "the file /dev/zero is a device, not a file");
        let e = read_file(Path::new("/"), 10, "the file", ErrorKind::Usage).unwrap_err();
        assert_eq!(e.message, "the file / is a folder, not a file");
    }
}
