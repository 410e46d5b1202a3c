//! Notification URLs: Saferpay calls them server-to-server from its own data centre.
//!
//! Documented: "Supported schemes are http and https. You also have to make sure to support the
//! GET-method", at most 2000 characters (saferpay/jsonapi `texts/ContainerDictionary.md`,
//! `Payment_Models_Data_Notification`). A target Saferpay cannot reach — loopback, private
//! networks, link-local, names that only resolve on a LAN — is what a desktop app would offer,
//! and it never gets called in production (review D11). Real Saferpay probably accepts such a
//! URL and just fails to deliver (unconfirmed); the sandbox refuses it up front with the
//! validation error, so a flow that waits for such a notification fails in the sandbox too.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use url::{Host, Url};

/// "Max length: 2000" (`Payment_Models_Data_Notification`).
const MAX_LEN: usize = 2000;

/// The URL if Saferpay could call it from the internet.
pub fn public(raw: &str) -> Option<Url> {
    let url = Url::parse(raw).ok().filter(|_| raw.len() <= MAX_LEN)?;
    if !matches!(url.scheme(), "http" | "https") || !url.username().is_empty() || url.password().is_some() {
        return None;
    }
    let public = match url.host()? {
        Host::Ipv4(ip) => public_ip(IpAddr::V4(ip)),
        Host::Ipv6(ip) => public_ip(IpAddr::V6(ip)),
        Host::Domain(name) => public_name(name),
    };
    public.then_some(url)
}

/// A name the public DNS can resolve: at least two labels, none of the names reserved for
/// local use (RFC 6761 `localhost`, RFC 6762 `local`, RFC 8375 `home.arpa`, ICANN's `internal`)
/// or the common LAN suffix `lan`.
fn public_name(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let local = ["localhost", "local", "internal", "lan", "home.arpa"];
    name.contains('.') && !local.iter().any(|l| name == *l || name.ends_with(&format!(".{l}")))
}

/// Names that cannot resolve anywhere (RFC 2606/6761 `example`, `test`, `invalid`): accepted —
/// Saferpay does not resolve at Initialize — but never looked up by the sandbox.
pub fn never_resolves(url: &Url) -> bool {
    let Some(Host::Domain(name)) = url.host() else { return false };
    let tld = name.trim_end_matches('.').rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    matches!(tld.as_str(), "example" | "test" | "invalid")
}

/// Globally routable (the parts of `IpAddr::is_global` that stable Rust lacks).
pub fn public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => public_v4(v4),
            None => public_v6(v6),
        },
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (carrier-grade NAT), RFC 6598
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments, RFC 6890
        || (a == 198 && (18..20).contains(&b)) // benchmarking, RFC 2544
        || a >= 240) // reserved, RFC 1112
}

fn public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local, RFC 4193
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] == 0x2001 && s[1] == 0x0db8)) // documentation, RFC 3849
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_http_urls_pass() {
        for ok in [
            "https://pay.example.com/saferpay/notify?o=INV-0042&r=ok",
            "http://pay.example.net:8443/notify",
            "https://8.8.8.8/n",
            "https://[2a00:1450:4001::200e]/n",
            "https://shop.example/notify",
        ] {
            assert!(public(ok).is_some(), "{ok}");
        }
        for bad in [
            "myapp://saferpay/notify",
            "ftp://pay.example.com/n",
            "http://127.0.0.1:8080/n",
            "http://localhost:3000/n",
            "http://api.localhost/n",
            "http://printer.local/n",
            "http://intranet/n",
            "http://10.1.2.3/n",
            "http://172.16.0.9/n",
            "http://192.168.1.20/n",
            "http://169.254.169.254/latest",
            "http://100.64.0.1/n",
            "http://0.0.0.0/n",
            "http://[::1]/n",
            "http://[fd00::1]/n",
            "http://[fe80::1]/n",
            "http://[::ffff:127.0.0.1]/n",
            "https://user:pw@pay.example.com/n",
            "not a url",
        ] {
            assert!(public(bad).is_none(), "{bad}");
        }
        let long = format!("https://pay.example.com/{}", "a".repeat(2000));
        assert!(public(&long).is_none(), "more than 2000 characters");
    }

    #[test]
    fn reserved_names_are_not_looked_up() {
        assert!(never_resolves(&Url::parse("https://shop.example/n").unwrap()));
        assert!(never_resolves(&Url::parse("https://a.b.test/n").unwrap()));
        assert!(!never_resolves(&Url::parse("https://example.com/n").unwrap()));
    }
}
