//! The domain API (CSDS): which host serves each of an account's services.
//! Asked in its all-services form, on the host and path LivePerson's
//! node-agent-sdk uses: `https://{csds}/api/account/{account}/service/
//! baseURI.json?version=1.0`. Answers are cached per account and CSDS for
//! `--csds-ttl`; when CSDS cannot be reached or fails, a stale answer beats
//! none (with a warning).

use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::address::is_host;
use crate::cache;
use crate::exit::{self, Exit, Outcome, err_text, fail, http_status_exit, status_failure};
use crate::http::Network;
use crate::http::{self, Request, Site};
use crate::sanitise;
use crate::when;
use crate::when::now_secs;

/// The CSDS host LivePerson's own SDK asks by default.
pub(crate) const DEFAULT_HOST: &str = "adminlogin.liveperson.net";
/// The service of the consumer WebSocket.
pub(crate) const MESSAGING: &str = "asyncMessagingEnt";
/// The service that signs consumers up and in.
pub(crate) const IDP: &str = "idp";

pub(crate) struct Csds {
    site: Site,
    ttl: Duration,
    verbose: bool,
    /// The answer for the run's account, once asked (login needs two hosts).
    answered: OnceCell<Domains>,
}

/// A CSDS answer as it came, and its `baseURIs` entries.
pub(crate) struct Domains {
    answer: Box<RawValue>,
    entries: Vec<Box<RawValue>>,
}

#[derive(Deserialize)]
struct Answer {
    #[serde(rename = "baseURIs")]
    base_uris: Vec<Box<RawValue>>,
}

/// What lp-consumer reads of an entry; the rest is kept as it came.
#[derive(Deserialize)]
struct Entry {
    service: String,
    #[serde(rename = "baseURI")]
    base_uri: String,
}

/// A cache file: the answer, whom and where it was asked for, and when.
#[derive(Serialize, Deserialize)]
struct Cached<A> {
    csds: String,
    account: String,
    fetched: u64,
    answer: A,
}

impl Domains {
    fn parse(answer: Box<RawValue>) -> Option<Domains> {
        let entries = serde_json::from_str::<Answer>(answer.get()).ok()?.base_uris;
        Some(Domains { answer, entries })
    }

    /// The entries, or those of one service, as they came.
    pub(crate) fn entries(&self, service: Option<&str>) -> Vec<&RawValue> {
        self.entries
            .iter()
            .filter(|raw| service.is_none_or(|name| read(raw).is_some_and(|e| e.service == name)))
            .map(|raw| raw.as_ref())
            .collect()
    }

    /// The host of `service`, when the answer names one.
    fn host(&self, service: &str) -> Option<String> {
        self.entries
            .iter()
            .filter_map(|raw| read(raw))
            .find(|entry| entry.service == service)
            .map(|entry| entry.base_uri)
    }
}

fn read(raw: &RawValue) -> Option<Entry> {
    serde_json::from_str(raw.get()).ok()
}

impl Csds {
    /// CSDS at `site`, its answers kept for `ttl`; `verbose` says when a
    /// cached answer is used.
    pub(crate) fn new(site: Site, ttl: Duration, verbose: bool) -> Csds {
        Csds {
            site,
            ttl,
            verbose,
            answered: OnceCell::new(),
        }
    }

    /// True when this CSDS is on this machine: so are the services it names.
    pub(crate) fn is_local(&self) -> bool {
        self.site.is_loopback()
    }

    /// The CSDS as written, unless it is LivePerson's (the default): what
    /// an lp.env must name for `domains` to ask the same one.
    pub(crate) fn custom(&self) -> Option<String> {
        let site = self.site.to_string();
        (site != DEFAULT_HOST).then_some(site)
    }

    /// True for a plain `http://` CSDS: the hosts it names are reached
    /// plainly as well (`ws://`, `http://`). Never assumed otherwise.
    pub(crate) fn plain(&self) -> bool {
        self.site.plain
    }

    /// The host of one of the account's services; an answer without it is
    /// exit 69.
    pub(crate) fn service_host(
        &self,
        net: &Network,
        account: &str,
        service: &str,
    ) -> Result<String> {
        let answered = match self.answered.get() {
            Some(domains) => domains,
            None => {
                let domains = self.lookup(net, account)?;
                self.answered.get_or_init(|| domains)
            }
        };
        let host = answered
            .host(service)
            .ok_or_else(|| self.no_service(answered, Some(service), account))?;
        if !is_host(&host) {
            return Err(fail(
                Exit::Protocol,
                format!(
                    "CSDS {} gave {service} as `{}`, which is not a host name",
                    self.site,
                    host.escape_debug()
                ),
            ));
        }
        Ok(host)
    }

    /// The error for an answer without `service` (or without any), exit 69.
    pub(crate) fn no_service(
        &self,
        domains: &Domains,
        service: Option<&str>,
        account: &str,
    ) -> anyhow::Error {
        let message = match service {
            Some(service) => {
                let mut names: Vec<String> = domains
                    .entries
                    .iter()
                    .filter_map(|raw| read(raw))
                    .map(|entry| entry.service)
                    .collect();
                names.sort_unstable();
                names.dedup();
                // Names are case-sensitive: the likely fix first.
                let hint = match names.iter().find(|name| name.eq_ignore_ascii_case(service)) {
                    Some(name) => format!("; did you mean {name}? (names are case-sensitive)"),
                    None => format!("; it names: {}", names.join(", ")),
                };
                format!(
                    "CSDS {} names no {service} service for account {account}{hint}",
                    self.site
                )
            }
            None => format!(
                "CSDS {} names no service at all for account {account}; check LP_ACCOUNT",
                self.site
            ),
        };
        fail(Exit::Unavailable, message)
    }

    /// The account's services: a cached answer while it is fresh, else
    /// CSDS's (then cached), else a stale cached one if CSDS cannot be
    /// reached or fails.
    pub(crate) fn lookup(&self, net: &Network, account: &str) -> Result<Domains> {
        let path = self.cache_path(account);
        let cached = path
            .as_deref()
            .and_then(|path| self.read_cache(path, account));
        let now = now_secs();
        let stale = match cached {
            Some((fetched, domains)) if self.fresh(fetched, now) => {
                if self.verbose {
                    eprintln!(
                        "lp-consumer: CSDS answer for account {account} from the cache ({} old)",
                        when::span(now.saturating_sub(fetched))
                    );
                }
                return Ok(domains);
            }
            stale => stale,
        };
        match self.fetch(net, account) {
            Ok(domains) => {
                if let Some(path) = &path {
                    self.write_cache(path, account, now, &domains.answer);
                }
                Ok(domains)
            }
            Err(err) => match stale {
                Some((fetched, domains)) if is_outage(&err) => {
                    eprintln!(
                        "lp-consumer: warning: {}; using the answer cached on {} ({} old)",
                        sanitise::line(&format!("{err:#}")),
                        when::utc(fetched as i64),
                        when::span(now.saturating_sub(fetched))
                    );
                    Ok(domains)
                }
                _ => Err(err),
            },
        }
    }

    fn fresh(&self, fetched: u64, now: u64) -> bool {
        now.checked_sub(fetched)
            .is_some_and(|age| (age as f64) < self.ttl.as_secs_f64())
    }

    fn fetch(&self, net: &Network, account: &str) -> Result<Domains> {
        let path = format!("/api/account/{account}/service/baseURI.json?version=1.0");
        let reply = http::send(net, &self.site, &path, Request::Get)
            .map_err(|err| err.context(format!("CSDS {}", self.site)))?;
        if !(200..300).contains(&reply.status) {
            // CSDS takes no credentials: a 4xx is about the account id.
            let (exit, hint) = match http_status_exit(reply.status) {
                Exit::TempFail => (Exit::TempFail, "; retry later"),
                _ => (Exit::Refused, "; check LP_ACCOUNT (--account)"),
            };
            return Err(status_failure(
                exit,
                reply.status,
                format!(
                    "CSDS {} answered HTTP {} for account {account}{hint}",
                    self.site, reply.status
                ),
            ));
        }
        let not_an_answer = || {
            fail(
                Exit::Protocol,
                format!(
                    "CSDS {} did not answer with a {{\"baseURIs\":[...]}} object",
                    self.site
                ),
            )
        };
        let answer = String::from_utf8(reply.body)
            .ok()
            .and_then(|text| RawValue::from_string(text).ok())
            .ok_or_else(not_an_answer)?;
        Domains::parse(answer).ok_or_else(not_an_answer)
    }

    /// One file per account and CSDS, e.g. `csds-123@adminlogin.liveperson.net.json`
    /// or `csds-lp-mock@http_127.0.0.1_8080.json`.
    fn cache_path(&self, account: &str) -> Option<PathBuf> {
        let url = self.site.url("");
        let site: String = url
            .strip_prefix("https://")
            .unwrap_or(&url)
            .replacen("://", "_", 1)
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        Some(cache::dir()?.join(format!("csds-{account}@{site}.json")))
    }

    /// The cached answer and when it was fetched; a file that cannot be
    /// read or is not one of ours is ignored with a warning (and replaced).
    fn read_cache(&self, path: &Path, account: &str) -> Option<(u64, Domains)> {
        // Never read through a link planted there; the write replaces it.
        if std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink()) {
            eprintln!(
                "lp-consumer: warning: ignoring the CSDS cache {}: it is a symbolic link; \
                 it will be replaced by a file",
                path.display()
            );
            return None;
        }
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return None,
            Err(err) => {
                eprintln!(
                    "lp-consumer: warning: ignoring the CSDS cache {}: {}",
                    path.display(),
                    err_text(&err)
                );
                return None;
            }
        };
        let cached = serde_json::from_str::<Cached<Box<RawValue>>>(&text)
            .ok()
            .filter(|cached| cached.csds == self.site.url("") && cached.account == account)
            .and_then(|cached| Some((cached.fetched, Domains::parse(cached.answer)?)));
        if cached.is_none() {
            eprintln!(
                "lp-consumer: warning: ignoring the corrupt CSDS cache {}; it will be replaced",
                path.display()
            );
        }
        cached
    }

    /// Stores an answer. A cache is only a saving: a failure is said with
    /// -v and is otherwise not an error.
    fn write_cache(&self, path: &Path, account: &str, fetched: u64, answer: &RawValue) {
        let cached = Cached {
            csds: self.site.url(""),
            account: account.to_owned(),
            fetched,
            answer,
        };
        let written = serde_json::to_vec(&cached)
            .map_err(std::io::Error::from)
            .and_then(|mut bytes| {
                bytes.push(b'\n');
                cache::store(path, &bytes)
            });
        if let Err(err) = written
            && self.verbose
        {
            eprintln!(
                "lp-consumer: cannot write the CSDS cache {}: {}",
                path.display(),
                err_text(&err)
            );
        }
    }
}

/// CSDS could not be reached, or failed on its side.
fn is_outage(err: &anyhow::Error) -> bool {
    matches!(
        exit::classify(err),
        Outcome::Fail(Exit::Unavailable | Exit::TempFail)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_stay_as_they_came() {
        let answer = RawValue::from_string(
            r#"{"baseURIs":[{"service":"idp","account":"1","baseURI":"idp.example"},
                {"baseURI":"m.example","service":"asyncMessagingEnt"},{"other":1}]}"#
                .to_owned(),
        )
        .unwrap();
        let domains = Domains::parse(answer).unwrap();
        assert_eq!(domains.entries(None).len(), 3);
        let messaging = domains.entries(Some(MESSAGING));
        assert_eq!(
            messaging[0].get(),
            r#"{"baseURI":"m.example","service":"asyncMessagingEnt"}"#
        );
        assert_eq!(domains.host(IDP).as_deref(), Some("idp.example"));
        assert_eq!(domains.host("swift"), None);
        let not_csds = RawValue::from_string(r#"{"baseURI":"x"}"#.to_owned()).unwrap();
        assert!(Domains::parse(not_csds).is_none());
    }
}
