//! Names the build for `--version`: `0.1.0 (rev 2c3ec75, 2026-11-30)`, the
//! commit and its date, when built from this repository's git checkout; just
//! `0.1.0` from a published crate, a source archive or without git. Never
//! fails the build and touches no network.
//!
//! The date is the commit's, not the clock's: the same commit builds the same
//! binary (as Debian asks of packages), and the script need not run again
//! until HEAD moves.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let version = env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    // Outside a checkout, no rerun-if line: cargo then runs the script again
    // when any of the package's files changes. That also keeps a checkout's
    // build from reusing this answer when they share a target directory, as
    // `cargo package`'s verification build does.
    let line = match Checkout::at(&manifest_dir) {
        Some(checkout) => {
            println!("cargo:rerun-if-changed=build.rs");
            for path in checkout.watched {
                println!("cargo:rerun-if-changed={}", path.display());
            }
            format!("{version} (rev {})", checkout.rev_and_date)
        }
        None => version,
    };
    println!("cargo:rustc-env=LP_CONSUMER_VERSION={line}");
}

/// The git checkout the package is built from.
struct Checkout {
    /// `2c3ec75, 2026-11-30`.
    rev_and_date: String,
    /// The files that change when HEAD moves: HEAD itself, the branch it
    /// names and the packed refs, those that exist (cargo runs the script
    /// on every build while a watched file is missing).
    watched: Vec<PathBuf>,
}

impl Checkout {
    /// `None` without git, outside a checkout, or when the checkout is not
    /// this package's own (a crate unpacked inside another repository).
    fn at(dir: &Path) -> Option<Checkout> {
        let top = git(dir, &["rev-parse", "--show-toplevel"])?;
        if Path::new(&top).canonicalize().ok()? != dir.canonicalize().ok()? {
            return None;
        }
        let rev_and_date = git(dir, &["log", "-1", "--date=short", "--format=%h, %cd"])?;
        let mut refs = vec!["HEAD".to_owned(), "packed-refs".to_owned()];
        refs.extend(git(dir, &["symbolic-ref", "-q", "HEAD"]));
        let watched = refs
            .iter()
            .filter_map(|name| git(dir, &["rev-parse", "--git-path", name]))
            .map(|path| dir.join(path))
            .filter(|path| path.exists())
            .collect();
        Some(Checkout {
            rev_and_date,
            watched,
        })
    }
}

/// What `git -C dir args` prints, trimmed; `None` when it cannot run or fails.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (output.status.success() && !text.is_empty()).then(|| text.to_owned())
}
