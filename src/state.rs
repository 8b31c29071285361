//! The `--state-file` cursor: the highest sequence a run has handled, so the
//! next run resumes after it. Written atomically (temp file in the same
//! folder, fsync, rename) after the output it covers is flushed: a crash at
//! any moment leaves the old cursor or the new one, never a torn file.
//! One run at a time: a lock on `PATH.lock` is held for the whole run.
//!
//! The folder may be shared: every file is opened without following a
//! symbolic link, temp files are created new under names nobody can guess,
//! and what is created is the user's alone (0600). A state file that is a
//! link is refused unless `--state-file-symlink` says to write through it.

use std::collections::hash_map::RandomState;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::hash::BuildHasher;
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::exit::{Exit, fail};
use crate::exit::{err_text, unreadable};

#[derive(Serialize, Deserialize)]
struct Stored<'a> {
    #[serde(rename = "conversationId")]
    conversation_id: &'a str,
    sequence: u64,
}

pub(crate) struct StateFile {
    path: PathBuf,
    conversation: String,
    /// Held, never read: dropping it releases the lock.
    _lock: File,
    stored: Option<u64>,
}

impl StateFile {
    /// Takes the lock and reads the stored sequence, if the file exists.
    /// A link is refused unless `through_link`; then its target is used.
    pub(crate) fn open(path: &Path, conversation: &str, through_link: bool) -> Result<StateFile> {
        let linked = fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink());
        let path = match (linked, through_link) {
            (false, _) => path.to_owned(),
            (true, true) => {
                link_target(path).map_err(|err| unreadable(Some("--state-file"), path, &err))?
            }
            (true, false) => {
                return Err(fail(
                    Exit::DataErr,
                    format!(
                        "--state-file {} is a symbolic link; name the file itself, or pass \
                         --state-file-symlink to write through the link",
                        path.display()
                    ),
                ));
            }
        };
        let path = path.as_path();
        // Checked before PATH.lock is made beside it.
        if fs::metadata(path).is_ok_and(|meta| !meta.is_file()) {
            return Err(fail(
                Exit::DataErr,
                format!(
                    "--state-file {} is not a regular file; name a file to keep the cursor in",
                    path.display()
                ),
            ));
        }
        let lock = lock(path)?;
        let stored = match read_unfollowed(path) {
            // A file made empty beforehand (`touch`) holds no cursor yet.
            Ok(text) if text.trim().is_empty() => None,
            Ok(text) => Some(parse(path, &text, conversation)?),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
            Err(err) => return Err(unreadable(Some("--state-file"), path, &err)),
        };
        Ok(StateFile {
            path: path.to_owned(),
            conversation: conversation.to_owned(),
            _lock: lock,
            stored,
        })
    }

    /// The sequence stored by an earlier run.
    pub(crate) fn stored(&self) -> Option<u64> {
        self.stored
    }

    /// Stores `sequence` unless it is already what the file holds.
    pub(crate) fn store(&mut self, sequence: u64) -> Result<()> {
        if self.stored == Some(sequence) {
            return Ok(());
        }
        let text = serde_json::to_string(&Stored {
            conversation_id: &self.conversation,
            sequence,
        })? + "\n";
        write_atomically(&self.path, text.as_bytes()).map_err(|err| {
            fail(
                Exit::IoErr,
                format!(
                    "cannot write --state-file {}: {}",
                    self.path.display(),
                    err_text(&err)
                ),
            )
        })?;
        self.stored = Some(sequence);
        Ok(())
    }
}

/// Where the link at `path` leads, through any links on the way. The last
/// file need not exist yet: a link made before its first run is written
/// through like any other.
fn link_target(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_owned();
    // As many hops as Linux allows before ELOOP.
    for _ in 0..40 {
        match fs::read_link(&current) {
            Ok(next) => {
                let folder = current.parent().unwrap_or(Path::new(""));
                current = folder.join(next);
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(current),
            // EINVAL: not a link, the end of the chain.
            Err(err) if err.raw_os_error() == Some(libc::EINVAL) => return Ok(current),
            Err(err) => return Err(err),
        }
    }
    Err(io::Error::from_raw_os_error(libc::ELOOP))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Options for a file of ours: never through a link (ELOOP instead),
/// never blocking on a FIFO planted in its place, 0600 when created.
fn ours() -> OpenOptions {
    let mut options = OpenOptions::new();
    options
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    options
}

/// `file` if it is a regular one, not a FIFO or a device put in its place.
fn regular(file: File) -> io::Result<File> {
    if file.metadata()?.is_file() {
        Ok(file)
    } else {
        Err(io::Error::other("not a regular file"))
    }
}

/// A regular file's text, read without following a link.
fn read_unfollowed(path: &Path) -> io::Result<String> {
    let mut file = regular(ours().read(true).open(path)?)?;
    let mut text = String::new();
    file.read_to_string(&mut text)?;
    Ok(text)
}

fn lock(path: &Path) -> Result<File> {
    let lock_path = with_suffix(path, ".lock");
    let file = ours()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .and_then(regular)
        .map_err(|err| {
            if fs::symlink_metadata(&lock_path).is_ok_and(|meta| meta.file_type().is_symlink()) {
                return fail(
                    Exit::DataErr,
                    format!(
                        "{} is a symbolic link; remove it (the lock beside --state-file {} \
                         must be a plain file)",
                        lock_path.display(),
                        path.display()
                    ),
                );
            }
            fail(
                Exit::IoErr,
                format!("cannot create {}: {}", lock_path.display(), err_text(&err)),
            )
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(fail(
            Exit::TempFail,
            format!(
                "another run holds {} (one run at a time per state file)",
                lock_path.display()
            ),
        )),
        Err(TryLockError::Error(err)) => Err(fail(
            Exit::IoErr,
            format!("cannot lock {}: {}", lock_path.display(), err_text(&err)),
        )),
    }
}

fn parse(path: &Path, text: &str, conversation: &str) -> Result<u64> {
    let stored: Stored = serde_json::from_str(text).map_err(|_| {
        fail(
            Exit::DataErr,
            format!(
                "--state-file {} is corrupt (expected {{\"conversationId\":..,\"sequence\":N}}); \
                 remove it to start again from --from-seq",
                path.display()
            ),
        )
    })?;
    if stored.sequence.checked_add(1).is_none() {
        return Err(fail(
            Exit::DataErr,
            format!(
                "--state-file {} holds sequence {}, which no event can follow; \
                 remove it to start again from --from-seq",
                path.display(),
                stored.sequence
            ),
        ));
    }
    if stored.conversation_id != conversation {
        return Err(fail(
            Exit::DataErr,
            format!(
                "--state-file {} belongs to conversation {}, not {conversation}: one file \
                 keeps one conversation's cursor, so give this one a file of its own",
                path.display(),
                stored.conversation_id
            ),
        ));
    }
    Ok(stored.sequence)
}

/// Replaces `path` with a file holding `bytes`, through a temp file beside
/// it: created new (never an existing file or a link planted there), under
/// a name nobody can guess, 0600.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let (temp, mut file) = create_temp(path)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if let Err(err) = written.and_then(|()| fs::rename(&temp, path)) {
        let _ = fs::remove_file(&temp);
        return Err(err);
    }
    // Make the rename itself durable; not every file system allows it.
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    if let Ok(folder) = File::open(folder) {
        let _ = folder.sync_all();
    }
    Ok(())
}

/// A new temp file beside `path`: `PATH.<random>.tmp`. A name already
/// taken (by chance, or planted) is skipped for another.
fn create_temp(path: &Path) -> io::Result<(PathBuf, File)> {
    let random = RandomState::new();
    let mut attempt = 0u32;
    loop {
        let word = random.hash_one((std::process::id(), attempt));
        let temp = with_suffix(path, &format!(".{word:016x}.tmp"));
        match ours().write(true).create_new(true).open(&temp) {
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists && attempt < 16 => {
                attempt += 1;
            }
            opened => return opened.map(|file| (temp, file)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_reads_and_refuses_other_conversations() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cursor");
        {
            let mut state = StateFile::open(&path, "conv-a", false).unwrap();
            assert_eq!(state.stored(), None);
            state.store(7).unwrap();
        }
        assert_eq!(
            StateFile::open(&path, "conv-a", false).unwrap().stored(),
            Some(7)
        );
        assert!(StateFile::open(&path, "conv-b", false).is_err());
        fs::write(&path, "{").unwrap();
        assert!(StateFile::open(&path, "conv-a", false).is_err());
        // Empty: no cursor yet. Not a file: refused before any lock.
        fs::write(&path, "\n").unwrap();
        assert_eq!(
            StateFile::open(&path, "conv-a", false).unwrap().stored(),
            None
        );
        let err = StateFile::open(dir.path(), "conv-a", false).err().unwrap();
        assert!(err.to_string().contains("is not a regular file"), "{err}");
        assert!(!dir.path().with_extension("lock").exists());
    }

    #[test]
    fn one_run_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cursor");
        let _held = StateFile::open(&path, "c", false).unwrap();
        let err = StateFile::open(&path, "c", false).err().unwrap();
        assert!(err.to_string().contains("another run holds"));
    }
}
