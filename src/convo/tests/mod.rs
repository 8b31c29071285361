//! Each test names the botium-core spec (under `test/compiler` or
//! `test/convo`) whose behaviour it checks, on fixtures of our own.

mod json_text;
mod matcher;
mod node_format;
mod parse;
mod run;
mod suite;
