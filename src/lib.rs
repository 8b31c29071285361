//! lp-consumer: a command-line client for the LivePerson Messaging Window API
//! (consumer side), and lp-mock, a local stand-in of the service.

pub mod cli;
pub mod commands;
pub mod config;
pub mod connection;
pub mod exit;
pub mod frames;
pub mod generate;
pub mod jsonscan;
pub mod jwt;
pub mod mock;
pub mod output;
pub mod proxy;
pub mod signals;
pub mod state;
