//! The files a run writes for another program to read (`test --junit` and
//! `--metrics`, `chat --record`): checked before the run, so that a path
//! that cannot be written fails before anything is sent, and written after
//! it. A regular file is replaced atomically, a link is written through,
//! and anything else (a FIFO, a device, `/dev/stdout`, and `-` for stdout)
//! is written to as it is, as a shell's `>>` would.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::exit::{Exit, err_text, fail};
use crate::signals;

/// Links followed before giving up, as the kernel does.
const MAX_LINKS: usize = 40;

/// How soon a FIFO without a reader is tried again.
const READER_RETRY: Duration = Duration::from_millis(50);

/// A file named by `flag`, found writable.
pub(crate) struct OutFile {
    flag: &'static str,
    /// As given, for messages.
    path: PathBuf,
    place: Place,
}

enum Place {
    /// A regular file, or none yet, at the end of the links: replaced
    /// through a temporary file beside it, so that a reader (node_exporter,
    /// a CI step) never sees half of it.
    Replaced(PathBuf),
    /// Anything else, opened already, so that its reader sees nothing but
    /// the text.
    Opened(File),
}

impl OutFile {
    /// Checks that `path` can be written, as the error its write would
    /// have (exit 74, `FLAG PATH: cause`): its folder takes a new file, or
    /// the file that is not a regular one opens for writing. A FIFO waits
    /// here for its reader.
    pub(crate) fn check(flag: &'static str, path: &Path) -> Result<OutFile> {
        let failed = |err: io::Error| failed(flag, path, &err);
        // `-` is standard output, as for every tool that writes a file.
        if path == Path::new("-") {
            let stdout = io::stdout().as_fd().try_clone_to_owned().map_err(failed)?;
            return Ok(OutFile {
                flag,
                path: path.to_owned(),
                place: Place::Opened(File::from(stdout)),
            });
        }
        let (target, in_proc) = follow(path).map_err(failed)?;
        let kind = match fs::metadata(path) {
            Ok(meta) => Some(meta.file_type()),
            Err(err) if err.kind() == io::ErrorKind::NotFound => None,
            Err(err) => return Err(failed(err)),
        };
        let place = match kind {
            Some(kind) if kind.is_dir() => {
                return Err(failed(io::Error::new(
                    io::ErrorKind::IsADirectory,
                    "Is a directory; name a file in it",
                )));
            }
            // `/dev/stdout` leads to /proc/self/fd/1, which names the open
            // descriptor, not a file to replace.
            kind if in_proc || kind.is_some_and(|kind| !kind.is_file()) => {
                let fifo = kind.is_some_and(|kind| kind.is_fifo());
                Place::Opened(open(flag, path, fifo)?)
            }
            _ => {
                let (temporary, _) = create_temporary(&target).map_err(failed)?;
                fs::remove_file(&temporary).map_err(failed)?;
                Place::Replaced(target)
            }
        };
        Ok(OutFile {
            flag,
            path: path.to_owned(),
            place,
        })
    }

    /// The path as given.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn write(self, text: &str) -> Result<()> {
        let written = match self.place {
            Place::Replaced(target) => replace(&target, text.as_bytes()),
            Place::Opened(mut file) => file.write_all(text.as_bytes()),
        };
        match written {
            // The reader of a FIFO or of stdout (`| head -1`) left: as for
            // stdout itself, no failure of ours.
            Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            written => written.map_err(|err| failed(self.flag, &self.path, &err)),
        }
    }
}

fn failed(flag: &str, path: &Path, err: &io::Error) -> anyhow::Error {
    fail(
        Exit::IoErr,
        format!("{flag} {}: {}", path.display(), err_text(err)),
    )
}

/// Where `path` leads through its links: the file's path (a dangling
/// link's target, to be created), and whether the way passes through
/// /proc, where a link names an open descriptor rather than a path.
fn follow(path: &Path) -> io::Result<(PathBuf, bool)> {
    let mut at = path.to_owned();
    let mut in_proc = false;
    for _ in 0..=MAX_LINKS {
        let folder = folder_of(&at);
        in_proc |= folder
            .canonicalize()
            .is_ok_and(|folder| folder.starts_with("/proc"));
        match fs::symlink_metadata(&at) {
            Ok(meta) if meta.is_symlink() => at = folder.join(fs::read_link(&at)?),
            Err(err) if err.kind() != io::ErrorKind::NotFound => return Err(err),
            _ => return Ok((at, in_proc)),
        }
    }
    Err(io::Error::from_raw_os_error(libc::ELOOP))
}

/// Whether `a` and `b` are one file: the same inode when both exist, else
/// the same place once their folders are resolved (a report need not
/// exist yet).
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let resolved = |path: &Path| Some(folder_of(path).canonicalize().ok()?.join(path.file_name()?));
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        (Err(_), Err(_)) => resolved(a).is_some_and(|a| resolved(b) == Some(a)),
        _ => false,
    }
}

/// Whether `path` names standard output: `-`, or a path to the file
/// stdout is (`/dev/stdout`, a link to it) unless that is a character
/// device (a terminal, `/dev/null`), where nothing runs into anything.
pub(crate) fn is_stdout(path: &Path) -> bool {
    path == Path::new("-")
        || same_file(path, Path::new("/dev/stdout"))
            && !fs::metadata(path).is_ok_and(|meta| meta.file_type().is_char_device())
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// `path` opened to be written as it is, after what is in it (what stdout
/// wrote, when it is `/dev/stdout` and stdout a file). open(2) of a FIFO
/// waits for a reader, and no signal ends that wait (the handlers restart
/// it): a FIFO is opened without waiting, again until it has a reader or
/// the run is stopped.
fn open(flag: &str, path: &Path, fifo: bool) -> Result<File> {
    loop {
        let opened = OpenOptions::new()
            .append(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path);
        match opened {
            Err(err) if fifo && err.raw_os_error() == Some(libc::ENXIO) => {
                if let Some(exit) = signals::sleep_until(Instant::now() + READER_RETRY) {
                    return Err(fail(
                        exit,
                        format!(
                            "stopped while {flag} {} waited for a reader",
                            path.display()
                        ),
                    ));
                }
            }
            Err(err) => return Err(failed(flag, path, &err)),
            // A slow reader is waited for, as any writer to a pipe does.
            Ok(file) => {
                return rustix::io::ioctl_fionbio(&file, false)
                    .map(|()| file)
                    .map_err(|err| failed(flag, path, &err.into()));
            }
        }
    }
}

/// Writes `bytes` to a temporary file beside `target`, then renames it
/// there.
fn replace(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let (temporary, mut file) = create_temporary(target)?;
    // The file replaced keeps its mode (a report made read-only stays so).
    let kept_mode = match fs::metadata(target) {
        Ok(meta) => file.set_permissions(meta.permissions()),
        Err(_) => Ok(()),
    };
    let written = kept_mode
        .and_then(|()| file.write_all(bytes))
        .and_then(|()| fs::rename(&temporary, target));
    if written.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    written
}

/// `.NAME.PID.tmp` beside `target`, created new: never a file or a link
/// already there.
fn create_temporary(target: &Path) -> io::Result<(PathBuf, File)> {
    let name = target
        .file_name()
        .map(|name| name.to_string_lossy())
        .unwrap_or_default();
    let temporary = target.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temporary)?;
    Ok((temporary, file))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_are_followed_from_their_own_folder_to_a_file_that_may_not_exist() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        symlink("sub/b", dir.path().join("a")).unwrap();
        symlink("c", dir.path().join("sub/b")).unwrap();
        let (target, in_proc) = follow(&dir.path().join("a")).unwrap();
        assert_eq!(target, dir.path().join("sub/c"));
        assert!(!in_proc);
    }

    #[test]
    fn a_loop_of_links_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        symlink("b", dir.path().join("a")).unwrap();
        symlink("a", dir.path().join("b")).unwrap();
        let err = follow(&dir.path().join("a")).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::ELOOP));
    }

    #[test]
    fn stdout_leads_through_proc() {
        let (_, in_proc) = follow(Path::new("/dev/stdout")).unwrap();
        assert!(in_proc);
    }
}
