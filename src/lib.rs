//! lp-consumer: a command-line client for the LivePerson Messaging Window API
//! (consumer side), and lp-mock, a local stand-in of the service.

pub mod jwt;
pub mod mock;
