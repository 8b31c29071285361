//! The files given, joined into runnable convos: partial convos and
//! utterance sets share one name space across all of them, `INCLUDE` and
//! `#include` pull a partial's steps in, and a `#me` text naming an
//! utterance set makes one convo per utterance. A problem with one convo
//! (a parse error, a missing, circular or ambiguous include, a format
//! Botium has and we do not) makes that convo an error, never the suite.

use std::collections::BTreeMap;

use super::node_format;
use super::parse::{self, Sender, Step};

/// A file of the suite and its text.
pub(crate) struct Source {
    /// The path as given or found.
    pub(crate) path: String,
    pub(crate) text: String,
}

/// What a file holds, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Convo,
    Partial,
    Utterances,
    /// A Botium format lp-consumer does not read; the text says which.
    Unsupported(&'static str),
}

/// The kind of a suite file, or `None` for a file that is not part of a
/// suite.
pub(crate) fn kind(path: &str) -> Option<Kind> {
    let name = path.rsplit('/').next().unwrap_or(path).to_lowercase();
    let ends = |suffix: &str| name.len() > suffix.len() && name.ends_with(suffix);
    Some(if ends(".pconvo.txt") {
        Kind::Partial
    } else if ends(".utterances.txt") {
        Kind::Utterances
    } else if ends(".scriptingmemory.txt") {
        Kind::Unsupported("scripting memory files")
    } else if ends(".convo.txt") {
        Kind::Convo
    } else if ends(".xlsx") || ends(".xlsm") {
        Kind::Unsupported("Excel convo files")
    } else if [".convo.csv", ".pconvo.csv", ".utterances.csv"]
        .iter()
        .any(|suffix| ends(suffix))
    {
        Kind::Unsupported("CSV convo files")
    } else if [".convo.yml", ".convo.yaml", ".convo.json", ".convo.md"]
        .iter()
        .any(|suffix| ends(suffix))
    {
        Kind::Unsupported("YAML, JSON and Markdown convo files")
    } else {
        return None;
    })
}

/// Whether Botium skips a file found in a folder, or a convo, by its name:
/// `skip` then `.`, `-` or `_`, in any case (its way to park a convo).
pub(crate) fn skipped(name: &str) -> bool {
    let name = name.as_bytes();
    name.len() > 4 && name[..4].eq_ignore_ascii_case(b"skip") && b".-_".contains(&name[4])
}

/// One convo to run, or to report as an error.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Planned {
    pub(crate) file: String,
    pub(crate) name: String,
    pub(crate) steps: Result<Vec<Step>, String>,
}

/// A partial convo by name: its steps, or why it cannot be included.
type Partials = BTreeMap<String, Result<Vec<Step>, String>>;
type Utterances = BTreeMap<String, Vec<String>>;

/// The convos of a suite, in the order of the sources (sort them first for
/// a stable order), each expanded.
pub(crate) fn plan(sources: &[Source]) -> Vec<Planned> {
    let mut partials = Partials::new();
    let mut utterances = Utterances::new();
    let mut planned = Vec::new();
    let mut convos = Vec::new();
    for source in sources {
        match kind(&source.path) {
            Some(Kind::Partial) => add_partial(&mut partials, &mut planned, source),
            Some(Kind::Utterances) => add_utterances(&mut utterances, source),
            Some(Kind::Convo) => convos.push(source),
            Some(Kind::Unsupported(what)) => planned.push(Planned {
                file: source.path.clone(),
                name: file_stem(&source.path),
                steps: Err(format!("{what} are not supported by lp-consumer")),
            }),
            None => {}
        }
    }
    for source in convos {
        let header = parse::name(&source.text);
        // Without a name line Botium names a convo after its file.
        let base = source.path.rsplit('/').next().unwrap_or(&source.path);
        if skipped(header.as_deref().unwrap_or(base)) {
            continue;
        }
        let parsed = parse::parse(&source.text);
        let name = header.unwrap_or_else(|| file_stem(&source.path));
        let variants = parsed
            .and_then(|steps| expand_includes(&steps, &partials, &[]))
            .and_then(|steps| expand_utterances(&name, steps, &utterances));
        match variants {
            Ok(variants) => {
                for (name, steps) in variants {
                    planned.push(Planned {
                        file: source.path.clone(),
                        name,
                        steps: Ok(steps),
                    });
                }
            }
            Err(error) => planned.push(Planned {
                file: source.path.clone(),
                name,
                steps: Err(error),
            }),
        }
    }
    planned
}

/// A file's name without its folder and its suffixes.
pub(crate) fn file_stem(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.find('.') {
        Some(dot) if dot > 0 => name[..dot].to_owned(),
        _ => name.to_owned(),
    }
}

fn add_partial(partials: &mut Partials, planned: &mut Vec<Planned>, source: &Source) {
    let parsed = match parse::parse(&source.text) {
        Ok(parsed) => parsed,
        Err(error) => {
            match parse::name(&source.text) {
                Some(name) => {
                    let error = format!("partial convo \"{name}\" ({}): {error}", source.path);
                    insert_partial(partials, &name, Err(error));
                }
                None => planned.push(unnamed_partial(source)),
            }
            return;
        }
    };
    let Some(name) = parse::name(&source.text) else {
        planned.push(unnamed_partial(source));
        return;
    };
    if name.contains('|') {
        planned.push(Planned {
            file: source.path.clone(),
            name: name.clone(),
            steps: Err(format!("invalid partial convo name (it has a '|'): {name}")),
        });
        return;
    }
    insert_partial(partials, &name, Ok(parsed));
}

fn insert_partial(partials: &mut Partials, name: &str, steps: Result<Vec<Step>, String>) {
    let duplicate = format!("two partial convos are named \"{name}\"");
    partials
        .entry(name.to_owned())
        .and_modify(|existing| *existing = Err(duplicate))
        .or_insert(steps);
}

fn unnamed_partial(source: &Source) -> Planned {
    Planned {
        file: source.path.clone(),
        name: file_stem(&source.path),
        steps: Err("a partial convo needs its name on its first line".to_owned()),
    }
}

/// An utterances file: its set's name on the first line, one utterance a
/// line after it (empty lines skipped). Two files of one name add up.
fn add_utterances(utterances: &mut Utterances, source: &Source) {
    let lines = parse::lines(&source.text);
    let Some(name) = lines
        .first()
        .map(|name| name.trim())
        .filter(|n| !n.is_empty())
    else {
        return;
    };
    let set = utterances.entry(name.to_owned()).or_default();
    for line in &lines[1..] {
        let utterance = line.trim_end_matches(['\n', '\t', '\r']);
        if !utterance.trim().is_empty() && !set.iter().any(|known| known == utterance) {
            set.push(utterance.to_owned());
        }
    }
}

/// The steps with every include replaced by the partial's steps (its own
/// `#begin` and `#end` dropped), as Botium's `expandPartialConvos` does.
fn expand_includes(
    steps: &[Step],
    partials: &Partials,
    path: &[String],
) -> Result<Vec<Step>, String> {
    let mut expanded = Vec::new();
    for step in steps {
        let keep = step.sender != Sender::Include
            && (step.includes.is_empty() || step.has_interaction())
            && (path.is_empty() || !matches!(step.sender, Sender::Begin | Sender::End));
        if keep {
            let mut step = step.clone();
            step.includes.clear();
            step.partial = path.to_vec();
            expanded.push(step);
        }
        for name in &step.includes {
            if path.contains(name) {
                return Err(format!(
                    "partial convos are included in a circle: \"{name}\" through /{}",
                    path.join("/")
                ));
            }
            let steps = match partials.get(name) {
                Some(Ok(steps)) => steps,
                Some(Err(error)) => return Err(error.clone()),
                None if partials.is_empty() => {
                    return Err(format!(
                        "no partial convo named \"{name}\" (there are no partial convos)"
                    ));
                }
                None => {
                    let known: Vec<&str> = partials.keys().map(String::as_str).collect();
                    return Err(format!(
                        "no partial convo named \"{name}\" (there are: {})",
                        known.join(", ")
                    ));
                }
            };
            let mut inner = path.to_vec();
            inner.push(name.clone());
            expanded.extend(expand_includes(steps, partials, &inner)?);
        }
    }
    Ok(expanded)
}

/// The utterance set a text names, with the words after the name as the
/// arguments of its placeholders (Node's `util.format`, as Botium fills
/// them); Err for a placeholder that cannot be filled as Node would.
fn utterance_set<'a>(
    text: &str,
    utterances: &'a Utterances,
) -> Result<Option<(&'a str, Vec<String>)>, String> {
    if let Some((name, set)) = utterances.get_key_value(text) {
        return Ok(Some((name, set.clone())));
    }
    let mut words = text.split(' ');
    let Some((name, set)) = words.next().and_then(|word| utterances.get_key_value(word)) else {
        return Ok(None);
    };
    let args: Vec<&str> = words.collect();
    let set = set
        .iter()
        .map(|utterance| node_format::format(utterance, &args))
        .collect::<Result<_, _>>()?;
    Ok(Some((name, set)))
}

/// One convo per combination of the utterances its `#me` steps name,
/// named as Botium names them (`name/SET-L1`, numbers padded to the set's
/// size); a `#bot` step naming a set gets the set's utterances as
/// alternatives.
fn expand_utterances(
    name: &str,
    steps: Vec<Step>,
    utterances: &Utterances,
) -> Result<Vec<(String, Vec<Step>)>, String> {
    let mut variants = vec![(name.to_owned(), Vec::new())];
    for step in steps {
        let set = match (step.sender, &step.text) {
            (Sender::Me, Some(text)) => utterance_set(text, utterances)?,
            _ => None,
        };
        match set {
            Some((set_name, set)) if !set.is_empty() => {
                let width = set.len().to_string().len();
                let mut grown = Vec::with_capacity(variants.len() * set.len());
                for (name, steps) in &variants {
                    for (index, utterance) in set.iter().enumerate() {
                        let mut steps = steps.clone();
                        let mut step = step.clone();
                        step.text = Some(utterance.clone());
                        steps.push(step);
                        let name = if set.len() > 1 {
                            format!("{name}/{set_name}-L{:0width$}", index + 1)
                        } else {
                            name.clone()
                        };
                        grown.push((name, steps));
                    }
                }
                variants = grown;
            }
            _ => {
                let mut step = step;
                if step.sender == Sender::Bot
                    && let Some(text) = &step.text
                    && let Some((_, set)) = utterance_set(text, utterances)?
                    && !set.is_empty()
                {
                    step.alternatives = set;
                }
                for (_, steps) in &mut variants {
                    steps.push(step.clone());
                }
            }
        }
    }
    Ok(variants)
}
