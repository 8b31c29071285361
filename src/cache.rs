//! lp-consumer's cache folder: `$XDG_CACHE_HOME/lp-consumer`, else
//! `~/.cache/lp-consumer`. Everything in it is safe to delete; files are
//! written atomically, so a reader sees a whole file or none, and as the
//! state file is (new temp files, no links followed, 0600).

use std::env;
use std::fs;
use std::io;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use crate::state::write_atomically;

/// The folder, or None when neither variable names one (the cache is then
/// skipped). XDG says a relative `XDG_CACHE_HOME` is to be ignored.
pub(crate) fn dir() -> Option<PathBuf> {
    let absolute = |name: &str| {
        env::var_os(name)
            .map(PathBuf::from)
            .filter(|path| path.is_absolute())
    };
    absolute("XDG_CACHE_HOME")
        .or_else(|| absolute("HOME").map(|home| home.join(".cache")))
        .map(|base| base.join("lp-consumer"))
}

/// Writes `bytes` to `path` in the cache folder, creating the folder (the
/// user's alone, as the file is).
pub(crate) fn store(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(folder) = path.parent() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(folder)?;
    }
    write_atomically(path, bytes)
}
