//! The address guard (SSRF): where the outbox may send.
//!
//! By default a URL may reach only public addresses: loopback, link-local (cloud metadata at
//! `169.254.169.254`), private, shared (CGNAT), multicast, documentation and reserved ranges, and
//! every address of this machine itself are refused, whatever the name they hide behind. A store's
//! own receiver on its LAN (and tests on `127.0.0.1`) are let through by an explicit allow-list:
//!
//! ```toml
//! [outbox]
//! allow = ["127.0.0.1", "10.0.0.0/8", "receiver.store.lan"]   # addresses, CIDR networks, host names
//! ```
//!
//! The check runs twice: when a URL is stored ([`AddressGuard::check_url`], which resolves names)
//! and at every delivery, where the outbox's HTTP client resolves names only through
//! [`GuardedResolver`]: it drops the refused addresses, so the connection goes to an address that
//! was checked a moment ago (a name that re-resolves to `127.0.0.1` between the two checks, DNS
//! rebinding, finds nothing to connect to). URLs carrying credentials (`user:pass@`) are refused;
//! redirects are never followed (the client's policy) and proxies are never used.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

/// `[outbox]` of till.toml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutboxConfig {
    /// Addresses (`10.0.0.5`), networks (`10.0.0.0/8`, `fd00::/8`) and host names the outbox may
    /// reach although they are not public.
    pub allow: Vec<String>,
}

/// Why a URL or an address is refused. The message says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Allow {
    Net { base: IpAddr, prefix: u8 },
    Host(String),
}

/// The policy: the default refusals and the store's allow-list.
#[derive(Debug, Clone, Default)]
pub struct AddressGuard {
    allow: Vec<Allow>,
}

/// How long resolving a name may take when a URL is stored.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

impl AddressGuard {
    /// The guard of `[outbox]`; a malformed allow entry is a configuration error.
    pub fn from_config(cfg: &OutboxConfig) -> Result<AddressGuard, String> {
        let mut allow = Vec::new();
        for entry in &cfg.allow {
            let e = entry.trim();
            let parsed = if let Some((ip, prefix)) = e.split_once('/') {
                let base: IpAddr = ip.parse().map_err(|_| format!("[outbox] allow: {e:?} is not a network"))?;
                let max = if base.is_ipv4() { 32 } else { 128 };
                let prefix = prefix
                    .parse::<u8>()
                    .ok()
                    .filter(|p| *p <= max)
                    .ok_or_else(|| format!("[outbox] allow: {e:?} has a bad prefix length"))?;
                Allow::Net { base, prefix }
            } else if let Ok(ip) = e.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
                Allow::Net { base: ip, prefix: if ip.is_ipv4() { 32 } else { 128 } }
            } else if !e.is_empty() && e.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-') {
                Allow::Host(e.to_ascii_lowercase())
            } else {
                return Err(format!("[outbox] allow: {e:?} is not an address, a network or a host name"));
            };
            allow.push(parsed);
        }
        Ok(AddressGuard { allow })
    }

    fn host_allowed(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.allow.iter().any(|a| matches!(a, Allow::Host(h) if *h == host))
    }

    fn ip_allowed(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.allow.iter().any(|a| match a {
            Allow::Net { base, prefix } => in_net(ip, canonical(*base), *prefix),
            Allow::Host(_) => false,
        })
    }

    /// Ok when `ip` may be reached: allow-listed, or public and not this machine's.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), Refused> {
        if self.ip_allowed(ip) {
            return Ok(());
        }
        if let Some(why) = non_public(ip) {
            return Err(Refused(format!(
                "{ip} is {why}; an address that is not public must be listed in [outbox] allow in till.toml"
            )));
        }
        if is_own_address(ip) {
            return Err(Refused(format!("{ip} is an address of this server")));
        }
        Ok(())
    }

    /// Checks a URL's form (http or https, a host, no credentials) and its host: an address
    /// literal directly, a name by resolving it now. Returns the parsed URL.
    pub async fn check_url(&self, raw: &str) -> Result<reqwest::Url, Refused> {
        let url = self.check_form(raw)?;
        let host = url.host_str().unwrap_or_default().to_string();
        if let Some(ip) = literal(&url) {
            self.check_ip(ip)?;
            return Ok(url);
        }
        if self.host_allowed(&host) {
            return Ok(url);
        }
        if host == "localhost" || host.ends_with(".localhost") {
            return Err(Refused(format!("{host} is this machine; list it in [outbox] allow to use it")));
        }
        let port = url.port_or_known_default().unwrap_or(443);
        let addrs = match tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((host.as_str(), port))).await {
            Ok(Ok(addrs)) => addrs.collect::<Vec<_>>(),
            Ok(Err(e)) => return Err(Refused(format!("{host} does not resolve: {e}"))),
            Err(_) => return Err(Refused(format!("{host} did not resolve within 5 s"))),
        };
        if addrs.is_empty() {
            return Err(Refused(format!("{host} does not resolve")));
        }
        for a in &addrs {
            self.check_ip(a.ip()).map_err(|Refused(m)| Refused(format!("{host} resolves to {m}")))?;
        }
        Ok(url)
    }

    /// The checks that need no network: scheme, host, no credentials, sane length.
    pub fn check_form(&self, raw: &str) -> Result<reqwest::Url, Refused> {
        let raw = raw.trim();
        if raw.len() > 2048 || raw.contains(char::is_whitespace) {
            return Err(Refused("a URL has at most 2048 characters and no spaces".into()));
        }
        let url = reqwest::Url::parse(raw).map_err(|e| Refused(format!("not a URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Refused("the URL must be http or https".into()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Refused(
                "the URL carries credentials (user:password@); they would be stored and shown: use the signature instead"
                    .into(),
            ));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(Refused("the URL has no host".into()));
        }
        Ok(url)
    }

    /// Checks what can be checked before connecting: the form and an address literal. A name is
    /// checked by [`GuardedResolver`] when the client resolves it.
    pub fn check_before_connect(&self, raw: &str) -> Result<reqwest::Url, Refused> {
        let url = self.check_form(raw)?;
        if let Some(ip) = literal(&url) {
            self.check_ip(ip)?;
        }
        Ok(url)
    }
}

/// The host of `url` when it is an address literal (`http://10.0.0.1/`, `http://[::1]:22/`).
/// (The URL parser has already normalised `0x7f000001` and `2130706433` to `127.0.0.1`.)
fn literal(url: &reqwest::Url) -> Option<IpAddr> {
    url.host_str()?.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

/// IPv4 addresses carried inside IPv6 ones (mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4
/// `2002::/16`, the deprecated compatible `::a.b.c.d`) are judged as the IPv4 address they reach.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let s = v6.segments();
            if let Some(v4) = v6.to_ipv4_mapped() {
                return IpAddr::V4(v4);
            }
            if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
                return IpAddr::V4(Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8));
            }
            if s[0] == 0x2002 {
                return IpAddr::V4(Ipv4Addr::new((s[1] >> 8) as u8, s[1] as u8, (s[2] >> 8) as u8, s[2] as u8));
            }
            if s[..6] == [0, 0, 0, 0, 0, 0] && (s[6] != 0 || s[7] > 1) {
                return IpAddr::V4(Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8));
            }
            ip
        }
    }
}

fn in_net(ip: IpAddr, base: IpAddr, prefix: u8) -> bool {
    match (ip, base) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(prefix)) };
            u32::from(a) & mask == u32::from(b) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(b)) => {
            let mask = if prefix == 0 { 0 } else { u128::MAX << (128 - u32::from(prefix)) };
            u128::from(a) & mask == u128::from(b) & mask
        }
        _ => false,
    }
}

/// Why `ip` is not a public unicast address, or `None` when it is.
pub fn non_public(ip: IpAddr) -> Option<&'static str> {
    let v4 = |a: Ipv4Addr| -> Option<&'static str> {
        let o = a.octets();
        let net = |base: [u8; 4], prefix: u8| in_net(IpAddr::V4(a), IpAddr::V4(Ipv4Addr::from(base)), prefix);
        if a.is_loopback() {
            Some("a loopback address")
        } else if a.is_unspecified() || o[0] == 0 {
            Some("an unspecified (\"this network\") address")
        } else if a.is_link_local() {
            Some("a link-local address (cloud metadata lives there)")
        } else if a.is_private() {
            Some("a private address")
        } else if net([100, 64, 0, 0], 10) {
            Some("a shared (carrier-grade NAT) address")
        } else if net([192, 0, 0, 0], 24) || net([198, 18, 0, 0], 15) || o[0] >= 240 {
            Some("a reserved address")
        } else if net([192, 0, 2, 0], 24) || net([198, 51, 100, 0], 24) || net([203, 0, 113, 0], 24) {
            Some("a documentation address")
        } else if a.is_multicast() || a.is_broadcast() {
            Some("a multicast or broadcast address")
        } else {
            None
        }
    };
    match canonical(ip) {
        IpAddr::V4(a) => v4(a),
        IpAddr::V6(a) => {
            let s = a.segments();
            let net = |base: Ipv6Addr, prefix: u8| in_net(IpAddr::V6(a), IpAddr::V6(base), prefix);
            if a.is_loopback() {
                Some("a loopback address")
            } else if a.is_unspecified() {
                Some("an unspecified address")
            } else if (s[0] & 0xffc0) == 0xfe80 || (s[0] & 0xffc0) == 0xfec0 {
                Some("a link-local address")
            } else if (s[0] & 0xfe00) == 0xfc00 {
                Some("a private (unique local) address")
            } else if a.is_multicast() {
                Some("a multicast address")
            } else if net(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32) {
                Some("a documentation address")
            } else if net(Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0), 64) {
                Some("a discard-only address")
            } else {
                None
            }
        }
    }
}

/// Whether `ip` belongs to this machine: binding a socket to it succeeds only for a local
/// interface's address (no crate, no interface list to keep fresh).
fn is_own_address(ip: IpAddr) -> bool {
    std::net::UdpSocket::bind(SocketAddr::new(ip, 0)).is_ok()
}

/// The outbox client's resolver: resolves with the system resolver and keeps only the addresses
/// the guard allows, so every connection goes to a checked address.
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    guard: Arc<AddressGuard>,
}

impl GuardedResolver {
    pub fn new(guard: Arc<AddressGuard>) -> GuardedResolver {
        GuardedResolver { guard }
    }
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let guard = Arc::clone(&self.guard);
        let host = name.as_str().to_string();
        Box::pin(async move {
            let all: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if guard.host_allowed(&host) {
                return Ok(Box::new(all.into_iter()) as reqwest::dns::Addrs);
            }
            let mut refused = None;
            let ok: Vec<SocketAddr> = all
                .into_iter()
                .filter(|a| match guard.check_ip(a.ip()) {
                    Ok(()) => true,
                    Err(e) => {
                        refused = Some(e);
                        false
                    }
                })
                .collect();
            if ok.is_empty() {
                let why = refused.map(|Refused(m)| m).unwrap_or_else(|| "no address".into());
                return Err(format!("refused by the outbox's address guard: {host} resolves to {why}").into());
            }
            Ok(Box::new(ok.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn non_public_ranges_are_named() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
            "2001:db8::1",
        ] {
            assert!(non_public(ip(a)).is_some(), "{a} passed as public");
        }
        for a in ["1.1.1.1", "8.8.8.8", "2606:4700:4700::1111", "93.184.216.34"] {
            assert_eq!(non_public(ip(a)), None, "{a}");
        }
    }

    #[test]
    fn the_allow_list_lets_named_addresses_networks_and_hosts_through() {
        let cfg = OutboxConfig { allow: vec!["127.0.0.1".into(), "10.0.0.0/8".into(), "Hooks.Store.lan".into()] };
        let g = AddressGuard::from_config(&cfg).unwrap();
        assert!(g.check_ip(ip("127.0.0.1")).is_ok());
        assert!(g.check_ip(ip("::ffff:127.0.0.1")).is_ok());
        assert!(g.check_ip(ip("10.200.3.4")).is_ok());
        assert!(g.check_ip(ip("127.0.0.2")).is_err());
        assert!(g.check_ip(ip("169.254.169.254")).is_err());
        assert!(g.host_allowed("hooks.store.lan."));
        for bad in ["10.0.0.0/33", "not a host!", "1.2.3.4/x"] {
            assert!(AddressGuard::from_config(&OutboxConfig { allow: vec![bad.into()] }).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn urls_are_refused_by_form_and_by_address() {
        let g = AddressGuard::default();
        for bad in [
            "http://169.254.169.254/latest/meta-data/",
            "http://127.0.0.1:7878/gift/redeem.json",
            "http://[::1]:22/",
            "http://localhost:6379/",
            "http://user:pw@example.com/hook",
            "https://token@example.com/hook",
            "ftp://example.com/",
            "http://0x7f000001/",
            "http://2130706433/",
        ] {
            assert!(g.check_url(bad).await.is_err(), "{bad} was accepted");
        }
        let with_creds = g.check_url("http://user:pw@example.com/").await.unwrap_err();
        assert!(!with_creds.0.contains("pw"), "the refusal repeats the password: {with_creds}");
        // Public literals pass without a lookup.
        assert!(g.check_url("https://93.184.216.34/hook").await.is_ok());
    }

    #[test]
    fn own_addresses_are_recognised() {
        assert!(is_own_address(ip("127.0.0.1")));
        assert!(!is_own_address(ip("93.184.216.34")));
    }
}
