//! One convo or partial convo file, read line by line as BotiumScript's text
//! compiler reads it: a name, then sections (`#begin`, `#include`, `#me`,
//! `#bot`, `#end`), each a message, asserters and logic hooks.

use super::json_text::botium_reads_as_json;

/// Who a section speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sender {
    Begin,
    Include,
    Me,
    Bot,
    End,
}

impl Sender {
    fn from_tag(tag: &str) -> Option<Self> {
        Some(match tag {
            "begin" => Self::Begin,
            "include" => Self::Include,
            "me" => Self::Me,
            "bot" => Self::Bot,
            "end" => Self::End,
            _ => return None,
        })
    }

    pub(crate) fn tag(self) -> &'static str {
        match self {
            Self::Begin => "#begin",
            Self::Include => "#include",
            Self::Me => "#me",
            Self::Bot => "#bot",
            Self::End => "#end",
        }
    }
}

/// A check on the agent's message (or, for a skill, on the conversation).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Asserter {
    pub(crate) kind: AsserterKind,
    pub(crate) args: Vec<String>,
    pub(crate) not: bool,
    pub(crate) optional: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AsserterKind {
    /// `BUTTONS`: quick replies and card buttons, by title or payload.
    Buttons,
    /// `CARDS`: the texts of structured content.
    Cards,
    /// `CHECKLIVEPERSONSKILL`: the conversation's current skill.
    Skill,
}

/// A logic hook that acts in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hook {
    /// `PAUSE ms`: wait ms, after the step or with its `WAITFORBOT` (see
    /// `run`).
    Pause(u64),
    /// `WAITFORBOT [ms]`: wait for a new agent message, or ms.
    WaitForBot(Option<u64>),
}

/// One section of a convo.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Step {
    pub(crate) sender: Sender,
    /// 1-based index of the section in its file.
    pub(crate) section: usize,
    /// 1-based line of the section's tag.
    pub(crate) line: usize,
    /// The message; `None` when the section has no text at all.
    pub(crate) text: Option<String>,
    pub(crate) not: bool,
    pub(crate) optional: bool,
    pub(crate) asserters: Vec<Asserter>,
    pub(crate) hooks: Vec<Hook>,
    /// `BUTTON title` in a `#me` section: the title (or payload) to click.
    pub(crate) button: Option<Vec<String>>,
    /// Partial convos to play after this step.
    pub(crate) includes: Vec<String>,
    /// The partial convos this step came through, outermost first.
    pub(crate) partial: Vec<String>,
    /// For a `#bot` text naming an utterance set: its utterances, any of
    /// which matches.
    pub(crate) alternatives: Vec<String>,
}

impl Step {
    /// Whether the step does anything but include (Botium's `hasInteraction`).
    pub(crate) fn has_interaction(&self) -> bool {
        self.text.as_deref().is_some_and(|text| !text.is_empty())
            || !self.asserters.is_empty()
            || !self.hooks.is_empty()
            || self.button.is_some()
    }
}

/// A file's name: its first line, unless that starts a section or is
/// empty. It is read even when the rest of the file cannot be.
pub(crate) fn name(text: &str) -> Option<String> {
    let first = lines(text)[0];
    (!first.is_empty() && section_tag(first).is_none()).then(|| first.to_owned())
}

/// Asserters, logic hooks and user inputs Botium knows; a line starting with
/// one of these names is never text, so a name we do not support is an error
/// rather than a message that silently means something else.
const BOTIUM_ASSERTERS: &[&str] = &[
    "BUTTONS",
    "BUTTONS_COUNT",
    "BUTTONS_COUNT_REC",
    "MEDIA",
    "MEDIA_COUNT",
    "MEDIA_COUNT_REC",
    "CARDS",
    "CARDS_COUNT",
    "CARDS_COUNT_REC",
    "PAUSE_ASSERTER",
    "JSON_PATH",
    "JSON_PATH_COUNT",
    "RESPONSE_LENGTH",
    "FORMS",
    "ENTITIES",
    "ENTITY_VALUES",
    "ENTITY_CONTENT",
    "INTENT",
    "INTENT_UNIQUE",
    "INTENT_CONFIDENCE",
    "TEXT_CONTAINS_ANY",
    "TEXT_CONTAINS_ANY_IC",
    "TEXT_CONTAINS_ALL",
    "TEXT_CONTAINS_ALL_IC",
    "TEXT_WILDCARD_ANY",
    "TEXT_WILDCARD_ANY_IC",
    "TEXT_WILDCARD_ALL",
    "TEXT_WILDCARD_ALL_IC",
    "TEXT_WILDCARDEXACT_ANY",
    "TEXT_WILDCARDEXACT_ANY_IC",
    "TEXT_WILDCARDEXACT_ALL",
    "TEXT_WILDCARDEXACT_ALL_IC",
    "TEXT_REGEXP_ANY",
    "TEXT_REGEXP_ANY_IC",
    "TEXT_REGEXP_ALL",
    "TEXT_REGEXP_ALL_IC",
    "TEXT_EQUALS",
    "TEXT_EQUALS_IC",
    "TEXT",
    "TEXT_IC",
    "TEXT_WER",
    "BOT_CONSUMED",
    "BOT_UNCONSUMED_COUNT",
    // Botium's LivePerson connector's.
    "CHECKLIVEPERSONSKILL",
];

/// The asserters lp-consumer runs, offered as the likely meaning of a text
/// line that fails.
const SUPPORTED_ASSERTERS: &[&str] = &["BUTTONS", "CARDS", "CHECKLIVEPERSONSKILL"];

/// The asserter a text line of `text` was probably meant to be: its first
/// word differs from one in case only, or by at most two letters
/// (`BUTONS`, `buttons`). Botium reads such a line as text, and so do we;
/// a failing step names the likely intent.
pub(crate) fn misspelled_asserter(text: &str) -> Option<&'static str> {
    text.split('\n').find_map(|line| {
        let word = line
            .trim_start_matches(['?', '!'])
            .split(' ')
            .next()
            .unwrap_or_default();
        SUPPORTED_ASSERTERS
            .iter()
            .copied()
            .find(|name| word.eq_ignore_ascii_case(name) || edit_distance(word, name) <= 2)
    })
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substituted = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substituted.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

const BOTIUM_LOGIC_HOOKS: &[&str] = &[
    "PAUSE",
    "WAITFORBOT",
    "SET_SCRIPTING_MEMORY",
    "CLEAR_SCRIPTING_MEMORY",
    "ASSIGN_SCRIPTING_MEMORY",
    "UPDATE_CUSTOM",
    "SKIP_BOT_UNCONSUMED",
    "INCLUDE",
    "CONDITIONAL_STEP_TIME_BASED",
    "CONDITIONAL_STEP_BUSINESS_HOURS",
    "CONDITIONAL_STEP_CAPABILITY_VALUE_BASED",
    "CONDITIONAL_STEP_JSON_PATH_BASED",
    "CONVO_STEP_PARAMETERS",
    "ORDERED_LIST_TO_BUTTON",
];

const BOTIUM_USER_INPUTS: &[&str] = &["BUTTON", "MEDIA", "FORM"];

/// The lines of a text, ended by `\r\n`, `\r` or `\n`.
pub(crate) fn lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(['\r', '\n']) {
        lines.push(&rest[..at]);
        let skip = if rest[at..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[at + skip..];
    }
    lines.push(rest);
    lines
}

/// Reads a convo file's steps; an error names the line and what is wrong
/// there.
pub(crate) fn parse(text: &str) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    let mut section: Option<(Sender, usize, Vec<&str>)> = None;
    let mut channel: Option<&str> = None;
    let all = lines(text);
    for (index, line) in all.iter().enumerate() {
        if let Some(sender) = section_tag(line) {
            if let Some((sender, at, body)) = section.take() {
                steps.push(step(sender, steps.len() + 1, at, channel, &body)?);
            }
            section = Some((sender, index + 1, Vec::new()));
            channel = line[1..]
                .trim()
                .split_once(' ')
                .map(|(_, channel)| channel.trim());
        } else if let Some((_, _, body)) = &mut section {
            body.push(line);
        }
    }
    if let Some((sender, at, body)) = section {
        steps.push(step(sender, steps.len() + 1, at, channel, &body)?);
    }
    Ok(steps)
}

/// The sender a line starts a section for: only the five tags do (text
/// after the tag is a channel); any other `#` line is text.
fn section_tag(line: &str) -> Option<Sender> {
    let tag = line.strip_prefix('#')?;
    Sender::from_tag(tag.split(' ').next().unwrap_or_default())
}

/// What a section's line is to Botium, by its first word once the `?`
/// and `!` prefixes are off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Asserter,
    UserInput,
    Hook,
    Text,
}

fn line_kind(sender: Sender, name: &str) -> LineKind {
    if sender != Sender::Me && BOTIUM_ASSERTERS.contains(&name) {
        LineKind::Asserter
    } else if sender == Sender::Me && BOTIUM_USER_INPUTS.contains(&name) {
        LineKind::UserInput
    } else if BOTIUM_LOGIC_HOOKS.contains(&name) {
        LineKind::Hook
    } else {
        LineKind::Text
    }
}

/// Whether Botium reads `line`, in a `sender` section, as text: not a
/// section's tag, an asserter, a user input or a logic hook.
pub(crate) fn reads_as_text(sender: Sender, line: &str) -> bool {
    let (_, _, logic) = prefixes(line);
    let name = logic.split(' ').next().unwrap_or_default();
    section_tag(line).is_none() && line_kind(sender, name) == LineKind::Text
}

/// `a|b\|c` → `["a", "b|c"]`, each trimmed.
fn split_args(text: &str) -> Vec<String> {
    let mut args = vec![String::new()];
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                args.last_mut().expect("one argument at least").push('|');
            }
            '|' => args.push(String::new()),
            c => args.last_mut().expect("one argument at least").push(c),
        }
    }
    args.iter().map(|arg| arg.trim().to_owned()).collect()
}

/// Strips a line's `?` (optional) and then `!` (not) prefix; `??` and `!!`
/// stand for a literal first character.
fn prefixes(line: &str) -> (bool, bool, &str) {
    let mut rest = line;
    let mut optional = false;
    let mut not = false;
    if rest.starts_with('?') {
        optional = !rest.starts_with("??");
        rest = &rest[1..];
    }
    if rest.starts_with('!') {
        not = !rest.starts_with("!!");
        rest = &rest[1..];
    }
    (optional, not, rest)
}

/// A section's lines read; `channel` is the text after the tag (for
/// `#include`, the partial's name; otherwise unused).
fn step(
    sender: Sender,
    section: usize,
    line: usize,
    channel: Option<&str>,
    body: &[&str],
) -> Result<Step, String> {
    let at = |offset: usize| line + 1 + offset;
    let mut step = Step {
        sender,
        section,
        line,
        text: None,
        not: false,
        optional: false,
        asserters: Vec::new(),
        hooks: Vec::new(),
        button: None,
        includes: Vec::new(),
        partial: Vec::new(),
        alternatives: Vec::new(),
    };
    // Lines held until a non-empty line shows they are inside the text
    // (trailing empty lines are dropped).
    let mut pending: Vec<&str> = Vec::new();
    let mut text: Vec<&str> = Vec::new();
    let mut text_allowed = true;
    for (offset, &raw) in body.iter().enumerate() {
        let (optional, not, logic) = prefixes(raw);
        let name = logic.split(' ').next().unwrap_or_default();
        let args = || match logic.get(name.len() + 1..) {
            Some(rest) if !rest.is_empty() => split_args(rest),
            _ => Vec::new(),
        };
        let unsupported = |what: &str| {
            Err(format!(
                "line {}: {what} {name} is not supported by lp-consumer",
                at(offset)
            ))
        };
        let line_kind = line_kind(sender, name);
        if line_kind == LineKind::Asserter {
            let kind = match name {
                "BUTTONS" => AsserterKind::Buttons,
                "CARDS" => AsserterKind::Cards,
                "CHECKLIVEPERSONSKILL" => AsserterKind::Skill,
                _ => return unsupported("the asserter"),
            };
            let allowed = match sender {
                Sender::Bot => true,
                Sender::End => kind == AsserterKind::Skill,
                _ => false,
            };
            if !allowed {
                return Err(format!(
                    "line {}: {name} cannot check a {} section",
                    at(offset),
                    sender.tag()
                ));
            }
            let args = args();
            if kind == AsserterKind::Skill && args.len() != 1 {
                return Err(format!("line {}: {name} takes one skill id", at(offset)));
            }
            step.asserters.push(Asserter {
                kind,
                args,
                not,
                optional,
            });
        } else if line_kind == LineKind::UserInput {
            if name != "BUTTON" {
                return unsupported("the user input");
            }
            let args = args();
            if args.is_empty() || args.len() > 2 || args.iter().any(String::is_empty) {
                return Err(format!(
                    "line {}: BUTTON needs the title of the button to click",
                    at(offset)
                ));
            }
            step.button = Some(args);
            text_allowed = false;
        } else if line_kind == LineKind::Hook {
            let args = args();
            match name {
                "PAUSE" => step
                    .hooks
                    .push(Hook::Pause(milliseconds(&args, at(offset))?)),
                "WAITFORBOT" if args.is_empty() => step.hooks.push(Hook::WaitForBot(None)),
                "WAITFORBOT" => step
                    .hooks
                    .push(Hook::WaitForBot(Some(milliseconds(&args, at(offset))?))),
                "INCLUDE" => match args.as_slice() {
                    [partial] if !partial.is_empty() => step.includes.push(partial.clone()),
                    _ => {
                        return Err(format!(
                            "line {}: INCLUDE takes the name of one partial convo",
                            at(offset)
                        ));
                    }
                },
                _ => return unsupported("the logic hook"),
            }
            text_allowed = false;
        } else if sender == Sender::Me && !text_allowed {
            if !raw.trim().is_empty() {
                return Err(format!(
                    "line {}: no text expected after PAUSE, BUTTON or another logic hook: '{}'",
                    at(offset),
                    raw.trim()
                ));
            }
        } else {
            pending.push(raw);
        }
        if !pending.is_empty() && !raw.trim().is_empty() {
            text.append(&mut pending);
        }
    }
    if text.is_empty() && !pending.is_empty() {
        text = pending;
    }
    if sender == Sender::Include {
        step.includes.extend(channel.map(str::to_owned));
        step.includes.extend(
            text.iter()
                .map(|line| line.trim())
                .filter(|line| !line.is_empty())
                .map(str::to_owned),
        );
        return Ok(step);
    }
    if let Some(first) = text.first_mut() {
        let (optional, not, rest) = prefixes(first);
        step.optional = optional;
        step.not = not;
        *first = rest;
        if botium_reads_as_json(&text.join(" ")) {
            return Err(format!(
                "line {line}: Botium reads this text as a JSON message (its sourceData, \
                 as it reads `{{...}}`, `\"...\"`, `true`, `1, 2`); JSON messages are not \
                 supported by lp-consumer"
            ));
        }
        let joined = text.join("\n");
        step.text = Some(joined.trim_end_matches(['\n', '\t', '\r']).to_owned());
    }
    let text_optional = step
        .text
        .as_deref()
        .is_some_and(|t| !t.is_empty())
        .then_some(step.optional);
    let mut optionals = step
        .asserters
        .iter()
        .map(|a| a.optional)
        .chain(text_optional);
    if let Some(first) = optionals.next()
        && optionals.any(|optional| optional != first)
    {
        return Err(format!(
            "line {line}: a section's text and asserters are either all optional or none"
        ));
    }
    Ok(step)
}

fn milliseconds(args: &[String], line: usize) -> Result<u64, String> {
    match args {
        [ms] => ms
            .parse()
            .map_err(|_| format!("line {line}: not a whole number of milliseconds: '{ms}'")),
        _ => Err(format!("line {line}: expected one number of milliseconds")),
    }
}
