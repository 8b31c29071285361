//! The suite's files: each PATH a file, or a folder searched recursively
//! (hidden entries skipped, and files Botium skips by name) for the files a
//! suite is made of.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::convo::suite::{Kind, Source, kind, skipped};
use crate::exit::{Exit, err_text, fail, unreadable};
use crate::out_file;

/// The suite files under `paths`, each read, sorted by path.
pub(crate) fn read(paths: &[PathBuf]) -> Result<Vec<Source>> {
    let mut found = Vec::new();
    for path in paths {
        let metadata = fs::metadata(path).map_err(|err| unreadable(None, path, &err))?;
        if metadata.is_dir() {
            walk(path, &mut found)?;
        } else if kind(&path.to_string_lossy()).is_some() {
            found.push(path.clone());
        } else {
            return Err(fail(
                Exit::Usage,
                format!(
                    "{} is not a convo file (*.convo.txt, *.pconvo.txt, *.utterances.txt) \
                     nor a folder",
                    path.display()
                ),
            ));
        }
    }
    found.sort();
    found.dedup();
    found
        .into_iter()
        .map(|path| {
            // A format we do not read errors its convo by name; its bytes
            // (an Excel file is not text) are not needed for that.
            if matches!(kind(&path.to_string_lossy()), Some(Kind::Unsupported(_))) {
                return Ok(Source {
                    path: path.display().to_string(),
                    text: String::new(),
                });
            }
            let text = fs::read_to_string(&path).map_err(|err| match err.kind() {
                io::ErrorKind::InvalidData => {
                    fail(Exit::DataErr, format!("{}: not UTF-8 text", path.display()))
                }
                _ => unreadable(None, &path, &err),
            })?;
            Ok(Source {
                path: path.display().to_string(),
                text,
            })
        })
        .collect()
}

fn walk(folder: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    let entries = fs::read_dir(folder).map_err(|err| unreadable(None, folder, &err))?;
    for entry in entries {
        let entry = entry.map_err(|err| {
            fail(
                Exit::NoInput,
                format!("PATH {}: {}", folder.display(), err_text(&err)),
            )
        })?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir {
            walk(&path, found)?;
        } else if kind(&path.to_string_lossy()).is_some()
            && !skipped(&entry.file_name().to_string_lossy())
        {
            found.push(path);
        }
    }
    Ok(())
}

/// Refuses (2) a report that would replace a file of the suite, or the
/// other report.
pub(crate) fn check_reports(
    reports: [(&str, &Option<PathBuf>); 2],
    sources: &[Source],
) -> Result<()> {
    if reports
        .iter()
        .all(|(_, path)| path.as_deref().is_some_and(out_file::is_stdout))
    {
        return Err(fail(
            Exit::Usage,
            "--junit and --metrics would both go to stdout, one report running into the \
             other: name a file for one of them",
        ));
    }
    // `-` is stdout, never a file of the suite.
    let named: Vec<(&str, &Path)> = reports
        .iter()
        .filter_map(|(flag, path)| path.as_deref().map(|path| (*flag, path)))
        .filter(|(_, path)| *path != Path::new("-"))
        .collect();
    for (flag, path) in &named {
        if let Some(source) = sources
            .iter()
            .find(|source| out_file::same_file(path, Path::new(&source.path)))
        {
            return Err(fail(
                Exit::Usage,
                format!(
                    "{flag} {} is a file of the suite ({}): the report would replace it; \
                     name another file",
                    path.display(),
                    source.path
                ),
            ));
        }
    }
    if let [(first, path), (second, other)] = named[..]
        && out_file::same_file(path, other)
    {
        return Err(fail(
            Exit::Usage,
            format!(
                "{first} and {second} name the same file, {}: one report would replace the other",
                path.display()
            ),
        ));
    }
    Ok(())
}
