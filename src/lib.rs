//! lp-consumer: a command-line client for the LivePerson Messaging Window API
//! (consumer side), and lp-mock, a local stand-in of the service.
//!
//! The library exists for the two binaries, the integration tests, the
//! benchmark and the fuzz targets; it exports only what they use.

mod address;
mod app;
mod cache;
mod chat;
mod choices;
mod cli;
mod commands;
mod config;
mod connection;
mod convo;
mod credentials;
mod csds;
mod engine;
mod exit;
mod frames;
mod generate;
mod http;
mod idp;
mod jsonscan;
mod jwt;
mod lines;
#[cfg(feature = "mock")]
pub mod mock;
mod out_file;
mod output;
mod patience;
mod proxy;
mod reconnect;
mod relink;
mod render;
mod sanitise;
mod secret;
mod session;
mod signals;
mod state;
mod token;
mod transport;
mod version;
mod when;

pub mod fuzzing;

pub use app::main;
pub use cli::parse_or_exit;
pub use config::is_account_id;
pub use generate::{ManBlock, ManSection, write_man_page};
pub use jwt::encode_unsigned;
pub use version::{VERSION, VERSION_HELP};
