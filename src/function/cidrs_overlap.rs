//! `provider::dli::cidrs_overlap(a, b)`: whether two CIDR blocks share an
//! address. DLI refuses a queue or elastic resource pool whose CIDR overlaps
//! the subnet of a data source it connects to; this tells before it does.

use std::net::{Ipv4Addr, Ipv6Addr};

use tfplugin::{FunctionError, Model, TypedFunction};

/// The function.
pub struct CidrsOverlap;

/// Its arguments.
#[derive(Model)]
#[tf(parameters)]
pub struct Arguments {
    /// A CIDR block, IPv4 (`10.0.0.0/16`) or IPv6 (`fd00::/64`).
    a: String,
    /// A CIDR block, IPv4 (`10.0.0.0/16`) or IPv6 (`fd00::/64`).
    b: String,
}

impl TypedFunction for CidrsOverlap {
    type Arguments = Arguments;
    type Returns = bool;
    const NAME: &'static str = "cidrs_overlap";
    const SUMMARY: &'static str = "Whether two CIDR blocks share an address";
    const DESCRIPTION: &'static str = "Whether the CIDR blocks `a` and `b` share at least one \
        address. An IPv4 and an IPv6 block never overlap; an IPv4-mapped IPv6 block \
        (`::ffff:10.0.0.0/104`) is IPv6. A block with host bits set is taken as its network \
        (`10.0.0.7/24` is `10.0.0.0/24`), as Terraform's `cidrhost` does. A malformed block (a \
        missing or out-of-range prefix length, leading zeros) is an error naming the argument \
        and the value.";

    fn call(&self, Arguments { a, b }: Arguments) -> Result<bool, FunctionError> {
        let parse = |index, name, text: &str| {
            Block::parse(text).map_err(|why| {
                FunctionError::at(
                    index,
                    format!("{name} = {text:?} is not a CIDR block: {why}."),
                )
            })
        };
        let (a, b) = (parse(0, Arguments::A, &a)?, parse(1, Arguments::B, &b)?);
        Ok(a.overlaps(&b))
    }
}

/// A CIDR block as its network: the address with the host bits cleared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Block {
    v6: bool,
    network: u128,
    prefix: u32,
}

impl Block {
    fn parse(text: &str) -> Result<Block, String> {
        let (address, prefix) = text
            .split_once('/')
            .ok_or("it has no prefix length (like /24)")?;
        let v6 = address.contains(':');
        let bits = if v6 { 128 } else { 32 };
        let plain = !prefix.is_empty()
            && prefix.len() <= 3
            && prefix.bytes().all(|b| b.is_ascii_digit())
            && !(prefix.len() > 1 && prefix.starts_with('0'));
        let prefix = plain
            .then(|| prefix.parse::<u32>().ok())
            .flatten()
            .filter(|p| *p <= bits)
            .ok_or_else(|| {
                format!(
                    "the prefix length {prefix:?} is not a number from 0 to {bits} without \
                     leading zeros"
                )
            })?;
        // The standard parsers refuse leading zeros in IPv4 octets (Go's
        // does too), and zones: a CIDR has none.
        let address = if v6 {
            address
                .parse::<Ipv6Addr>()
                .map(u128::from)
                .map_err(|_| format!("{address:?} is not an IPv6 address"))?
        } else {
            address
                .parse::<Ipv4Addr>()
                .map(|a| u128::from(u32::from(a)))
                .map_err(|_| format!("{address:?} is not an IPv4 address"))?
        };
        Ok(Block {
            v6,
            network: address & mask(prefix, bits),
            prefix,
        })
    }

    /// Two blocks overlap when one holds the other: they agree on the bits
    /// of the shorter prefix.
    fn overlaps(&self, other: &Block) -> bool {
        if self.v6 != other.v6 {
            return false;
        }
        let bits = if self.v6 { 128 } else { 32 };
        let mask = mask(self.prefix.min(other.prefix), bits);
        self.network & mask == other.network & mask
    }
}

/// The first `prefix` of `bits` address bits set (`prefix <= bits`).
fn mask(prefix: u32, bits: u32) -> u128 {
    let all = if bits == 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    };
    let host = bits - prefix;
    all.checked_shl(host).map_or(0, |m| m & all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::{Function, Value};

    fn call(a: &str, b: &str) -> Result<Value, FunctionError> {
        Function::call(
            &CidrsOverlap,
            &[Value::String(a.into()), Value::String(b.into())],
        )
    }

    fn overlaps(a: &str, b: &str) -> bool {
        match call(a, b) {
            Ok(Value::Bool(answer)) => answer,
            other => panic!("{a} {b}: {other:?}"),
        }
    }

    #[test]
    fn nested_and_equal_blocks_overlap_both_ways() {
        for (a, b) in [
            ("10.0.0.0/16", "10.0.3.0/24"),
            ("10.0.0.0/24", "10.0.0.0/24"),
            ("0.0.0.0/0", "192.168.1.1/32"),
            ("fd00::/8", "fd12:3456::/64"),
            ("::/0", "2001:db8::1/128"),
        ] {
            assert!(overlaps(a, b), "{a} {b}");
            assert!(overlaps(b, a), "{b} {a}");
        }
    }

    #[test]
    fn neighbours_and_other_families_do_not() {
        for (a, b) in [
            ("10.0.0.0/24", "10.0.1.0/24"),
            ("192.168.0.0/17", "192.168.128.0/17"),
            ("10.0.0.0/8", "fd00::/8"),
            ("0.0.0.0/0", "::/0"),
            // IPv4-mapped IPv6 is IPv6.
            ("::ffff:10.0.0.0/104", "10.0.0.0/8"),
            ("fd00::/64", "fd00:0:0:1::/64"),
        ] {
            assert!(!overlaps(a, b), "{a} {b}");
            assert!(!overlaps(b, a), "{b} {a}");
        }
    }

    #[test]
    fn host_bits_are_the_network() {
        assert!(overlaps("10.0.0.7/24", "10.0.0.200/32"));
        assert!(!overlaps("10.0.1.7/24", "10.0.0.200/32"));
        assert!(overlaps("::ffff:10.0.0.1/104", "::ffff:10.200.0.0/112"));
    }

    #[test]
    fn malformed_blocks_name_the_argument_and_the_value() {
        for bad in [
            "10.0.0.0",
            "10.0.0.0/33",
            "10.0.0.0/-1",
            "10.0.0.0/",
            "10.0.0.0/08",
            "010.0.0.0/8",
            "10.0.0/8",
            "10.0.0.0/8/8",
            "fd00::/129",
            "fd00::%eth0/64",
            "fd00:::/64",
            "",
            "/0",
            " 10.0.0.0/8",
        ] {
            let error = call("10.0.0.0/8", bad).unwrap_err();
            assert_eq!(error.argument, Some(1), "{bad:?}");
            assert!(
                error
                    .text
                    .starts_with(&format!("b = {bad:?} is not a CIDR block: ")),
                "{}",
                error.text
            );
            let error = call(bad, "10.0.0.0/8").unwrap_err();
            assert_eq!(error.argument, Some(0), "{bad:?}");
            assert!(error.text.starts_with("a = "), "{}", error.text);
        }
    }

    #[test]
    fn masks_cover_every_prefix_length() {
        assert_eq!(mask(0, 32), 0);
        assert_eq!(mask(32, 32), u128::from(u32::MAX));
        assert_eq!(mask(24, 32), 0xffff_ff00);
        assert_eq!(mask(0, 128), 0);
        assert_eq!(mask(128, 128), u128::MAX);
        assert_eq!(mask(1, 128), 1u128 << 127);
    }
}
