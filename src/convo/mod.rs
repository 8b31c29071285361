//! BotiumScript convo suites (`*.convo.txt`, `*.pconvo.txt`,
//! `*.utterances.txt`), read and run as Botium reads and runs them, without
//! a socket: `parse` reads one file, `suite` joins the files given into
//! runnable convos (partials included, utterances expanded, one name space),
//! `json_text` tells the texts Botium reads as JSON, `matcher` compares texts, and `run` plays one convo as a state machine
//! that its driver feeds with the agent's messages and the time.

pub(crate) mod event;
pub(crate) mod json_text;
pub(crate) mod matcher;
mod node_format;
pub(crate) mod parse;
pub(crate) mod record;
pub(crate) mod run;
pub(crate) mod suite;
#[cfg(test)]
mod tests;
