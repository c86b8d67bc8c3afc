//! The address a per-address limit counts by. An IPv4 address is one visitor; an IPv6 visitor
//! is usually handed a whole /64 (RFC 6177 §2, RFC 7421), so counting single IPv6 addresses
//! would give one person 2^64 allowances. IPv6 sources are therefore grouped by a prefix
//! (`limits.ipv6_prefix_len`, 64 by default), and an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`,
//! RFC 4291 §2.5.5.2) counts as the IPv4 address it carries.
use std::net::{IpAddr, Ipv6Addr};

/// The shortest prefix accepted: shorter ones would lump whole providers together.
pub const MIN_IPV6_PREFIX: u8 = 32;
/// The default grouping: one customer's subnet.
pub const DEFAULT_IPV6_PREFIX: u8 = 64;

/// The address limits count `ip` under: IPv4 as it is, IPv6 cut to its first `v6_prefix` bits
/// (clamped to 0..=128).
pub fn limit_addr(ip: IpAddr, v6_prefix: u8) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => {
            let bits = u32::from(v6_prefix.min(128));
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            IpAddr::V6(Ipv6Addr::from(u128::from(v6) & mask))
        }
    }
}

/// [`limit_addr`] as text for stored counters: `192.0.2.1`, or `2001:db8:1:2::/64`.
pub fn limit_key(ip: IpAddr, v6_prefix: u8) -> String {
    match limit_addr(ip, v6_prefix) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("{v6}/{}", v6_prefix.min(128)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ipv6_addresses_of_one_subnet_share_a_key() {
        let a = limit_key(ip("2001:db8:1:2::1"), 64);
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(limit_key(ip("2001:db8:1:2:ffff:ffff:ffff:ffff"), 64), a);
        assert_ne!(limit_key(ip("2001:db8:1:3::1"), 64), a);
        assert_eq!(
            limit_key(ip("2001:db8:1:2::1"), 48),
            limit_key(ip("2001:db8:1:ff::1"), 48)
        );
        assert_ne!(
            limit_key(ip("2001:db8:1:2::1"), 128),
            limit_key(ip("2001:db8:1:2::2"), 128)
        );
    }

    #[test]
    fn ipv4_is_counted_per_address_also_when_mapped() {
        assert_eq!(limit_key(ip("192.0.2.1"), 64), "192.0.2.1");
        assert_eq!(limit_key(ip("::ffff:192.0.2.1"), 64), "192.0.2.1");
        assert_ne!(limit_key(ip("192.0.2.2"), 64), "192.0.2.1");
    }

    #[test]
    fn out_of_range_prefixes_are_clamped_not_a_panic() {
        assert_eq!(limit_addr(ip("2001:db8::1"), 0), ip("::"));
        assert_eq!(limit_addr(ip("2001:db8::1"), 200), ip("2001:db8::1"));
    }
}
