//! Integration tests: the real `lp-consumer` binary against an in-process
//! lp-mock on 127.0.0.1. One test binary, so one link step.

mod connect_proxy;
mod harness;

mod bootstrap;
mod chat;
mod completion;
mod errors;
mod extras;
mod generated;
mod hardening;
mod hostile;
mod jwt_sub;
mod reports;
mod resume;
mod rich;
mod schema_check;
mod schemas;
mod scripted;
mod suites;
mod tls;
mod tutorial;
mod usage;
mod version;
