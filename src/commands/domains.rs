//! `domains`: the account's hosts from the domain API (CSDS), one line per
//! entry of `baseURIs`, as it came.

use anyhow::Result;

use crate::cli::DomainsArgs;
use crate::config::AccountConfig;
use crate::jsonscan::compact;
use crate::output::Output;

pub(crate) fn run(args: &DomainsArgs, config: &AccountConfig, out: &mut Output) -> Result<()> {
    let AccountConfig {
        account,
        csds,
        network,
    } = config;
    let domains = csds.lookup(network, account)?;
    let service = args.service.as_deref();
    let entries = domains.entries(service);
    if entries.is_empty() {
        return Err(csds.no_service(&domains, service, account));
    }
    for entry in entries {
        out.raw_line(&compact(entry.get()))?;
    }
    out.flush()
}
