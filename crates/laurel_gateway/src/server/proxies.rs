//! The client's address, behind reverse proxies. Failed logins and verification lookups are
//! counted per client address; behind a proxy every connection comes from the proxy, so one
//! careless clerk would hold up the whole province. When the connection comes from a proxy the
//! operator named (`laurel serve --trusted-proxy`), the address is read from `X-Forwarded-For`,
//! from the right: the first hop that is not itself a trusted proxy is the client. Anyone else's
//! `X-Forwarded-For` is ignored, since a client can write what it likes there.
//!
//! Networks are [`ipnet::IpNet`] (a well-kept crate for address ranges, already in the build
//! through the HTTP stack) rather than hand-written prefix arithmetic.

use std::net::{IpAddr, SocketAddr};

use ipnet::IpNet;

/// The reverse proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Proxies at these addresses or networks.
    pub fn new(networks: Vec<IpNet>) -> TrustedProxies {
        TrustedProxies(networks)
    }

    /// Reads an address (`10.0.0.5`, `::1`) or a network (`10.0.0.0/8`, `fd00::/8`).
    pub fn parse(text: &str) -> Result<IpNet, String> {
        let text = text.trim();
        text.parse::<IpNet>()
            .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
            .map_err(|_| {
                format!("`{text}` is neither an IP address nor a network such as 10.0.0.0/8")
            })
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client of a connection from `peer` carrying these `X-Forwarded-For` headers (in
    /// the order received).
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.trusts(client) {
            return client;
        }
        let hops: Vec<&str> = forwarded_for
            .iter()
            .flat_map(|header| header.split(','))
            .map(str::trim)
            .collect();
        for hop in hops.iter().rev() {
            // A hop that does not read as an address ends the walk at the last one we trust.
            let Some(ip) = parse_hop(hop) else {
                return client;
            };
            client = ip.to_canonical();
            if !self.trusts(client) {
                return client;
            }
        }
        client
    }
}

/// An `X-Forwarded-For` entry: an address, with a port or in brackets as some proxies write.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|a| a.ip()))
        .or_else(|| {
            hop.strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .and_then(|h| h.parse().ok())
        })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is the failure report
mod tests {
    use super::TrustedProxies;

    #[test]
    fn the_client_is_the_first_hop_from_the_right_that_is_not_a_trusted_proxy() {
        let proxies = TrustedProxies::new(vec![
            TrustedProxies::parse("10.0.0.0/8").unwrap(),
            TrustedProxies::parse("::1").unwrap(),
        ]);
        for (peer, forwarded, client, why) in [
            ("203.0.113.9", &[][..], "203.0.113.9", "no proxy"),
            (
                "203.0.113.9",
                &["198.51.100.1"][..],
                "203.0.113.9",
                "an untrusted peer's header is ignored",
            ),
            (
                "10.1.2.3",
                &[][..],
                "10.1.2.3",
                "a proxy without the header is the client",
            ),
            (
                "10.1.2.3",
                &["198.51.100.1"][..],
                "198.51.100.1",
                "one proxy",
            ),
            (
                "10.1.2.3",
                &["6.6.6.6, 198.51.100.1, 10.9.9.9"][..],
                "198.51.100.1",
                "a forged left part is not believed",
            ),
            (
                "10.1.2.3",
                &["6.6.6.6", "198.51.100.1"][..],
                "198.51.100.1",
                "two header lines",
            ),
            (
                "10.1.2.3",
                &["10.4.4.4, 10.5.5.5"][..],
                "10.4.4.4",
                "only proxies: the farthest",
            ),
            (
                "10.1.2.3",
                &["198.51.100.1, garbage"][..],
                "10.1.2.3",
                "garbage stops at the last trusted hop",
            ),
            (
                "10.1.2.3",
                &["198.51.100.1:4711"][..],
                "198.51.100.1",
                "with a port",
            ),
            (
                "10.1.2.3",
                &["[2001:db8::7]"][..],
                "2001:db8::7",
                "IPv6 in brackets",
            ),
            (
                "::ffff:10.1.2.3",
                &["198.51.100.1"][..],
                "198.51.100.1",
                "a mapped IPv4 proxy",
            ),
            ("::1", &["2001:db8::7"][..], "2001:db8::7", "an IPv6 proxy"),
        ] {
            let peer = peer.parse().unwrap();
            assert_eq!(proxies.client(peer, forwarded).to_string(), client, "{why}");
        }
    }

    #[test]
    fn addresses_and_networks_are_read_and_anything_else_is_refused() {
        assert_eq!(
            TrustedProxies::parse(" 10.0.0.5 ").unwrap().to_string(),
            "10.0.0.5/32"
        );
        assert_eq!(
            TrustedProxies::parse("fd00::/8").unwrap().to_string(),
            "fd00::/8"
        );
        assert!(TrustedProxies::parse("proxy.local").is_err());
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
    }
}
