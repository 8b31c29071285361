//! What the benchmarks share: lp-mock's exported variables, and waiting
//! for a measured child with its peak RSS.

use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, ChildStdout, ExitStatus};

/// The `export NAME='value'` lines lp-mock prints, up to the token, the
/// last one.
pub fn exports(stdout: ChildStdout) -> Vec<(String, String)> {
    let mut exports = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("an export line");
        let (name, value) = line
            .strip_prefix("export ")
            .and_then(|rest| rest.split_once("='"))
            .and_then(|(name, value)| Some((name.to_owned(), value.strip_suffix('\'')?.to_owned())))
            .unwrap_or_else(|| panic!("unexpected line {line}"));
        let last = name == "LP_JWT";
        exports.push((name, value));
        if last {
            return exports;
        }
    }
    panic!("lp-mock exported no LP_JWT")
}

/// Waits for our own child with wait4(2); returns its peak RSS in KiB.
pub fn reap(child: &Child) -> i64 {
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4 failed");
    let status = ExitStatus::from_raw(status);
    assert!(status.success(), "the measured command ended with {status}");
    usage.ru_maxrss
}
