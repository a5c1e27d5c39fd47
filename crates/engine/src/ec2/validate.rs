//! Parameter checks shared by the EC2 calls: tags, Amazon-side ASNs and
//! CIDR blocks.

use std::collections::HashSet;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::RangeInclusive;

use dxlocal_model::ec2::{Ec2Error, Tag, TagSpecification};

/// EC2's per-resource tag limit.
pub(crate) const MAX_TAGS: usize = 50;
const MAX_KEY_CHARS: usize = 127;
const MAX_VALUE_CHARS: usize = 256;

/// The tags a Create call puts on a resource of `resource_type` (`vpc`,
/// `vpn-gateway`). A specification without a resource type is taken to
/// mean this resource; one naming another type is refused, as EC2 does.
pub(crate) fn tags_for(
    specs: &[TagSpecification],
    resource_type: &str,
) -> Result<Vec<Tag>, Ec2Error> {
    let mut tags = Vec::new();
    let mut keys = HashSet::new();
    for spec in specs {
        if let Some(rt) = spec
            .resource_type
            .as_deref()
            .filter(|rt| *rt != resource_type)
        {
            return Err(Ec2Error::invalid_parameter_value(format!(
                "'{rt}' is not a valid taggable resource type for this operation."
            )));
        }
        for tag in &spec.tags {
            check_tag(tag)?;
            if !keys.insert(tag.key.as_str()) {
                return Err(Ec2Error::invalid_parameter_value(format!(
                    "Duplicate tag key '{}' specified.",
                    tag.key
                )));
            }
            tags.push(tag.clone());
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(Ec2Error::tag_limit_exceeded(MAX_TAGS));
    }
    Ok(tags)
}

fn check_tag(tag: &Tag) -> Result<(), Ec2Error> {
    if tag.key.is_empty() {
        return Err(Ec2Error::invalid_parameter_value(
            "Tag keys must not be empty.",
        ));
    }
    if tag.key.chars().count() > MAX_KEY_CHARS {
        return Err(Ec2Error::invalid_parameter_value(format!(
            "Tag key exceeds the maximum length of {MAX_KEY_CHARS} characters: '{}'",
            tag.key
        )));
    }
    if tag.value.chars().count() > MAX_VALUE_CHARS {
        return Err(Ec2Error::invalid_parameter_value(format!(
            "Tag value exceeds the maximum length of {MAX_VALUE_CHARS} characters for key '{}'",
            tag.key
        )));
    }
    if tag
        .key
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("aws:"))
    {
        return Err(Ec2Error::invalid_parameter_value(
            "Tag keys starting with 'aws:' are reserved for internal use",
        ));
    }
    Ok(())
}

/// Private ASN ranges EC2 accepts for a gateway's Amazon side (VGW and TGW).
const ASN_16_BIT: RangeInclusive<i64> = 64512..=65534;
const ASN_32_BIT: RangeInclusive<i64> = 4_200_000_000..=4_294_967_294;

/// The Amazon-side ASN of a virtual private or transit gateway.
pub(crate) fn amazon_side_asn(asn: i64) -> Result<i64, Ec2Error> {
    if ASN_16_BIT.contains(&asn) || ASN_32_BIT.contains(&asn) {
        return Ok(asn);
    }
    Err(Ec2Error::invalid_parameter_value(format!(
        "The Amazon side ASN {asn} is invalid. A 16-bit ASN must be in the range {}-{} and a 32-bit ASN in the range {}-{}.",
        ASN_16_BIT.start(),
        ASN_16_BIT.end(),
        ASN_32_BIT.start(),
        ASN_32_BIT.end()
    )))
}

/// A transit gateway accepts at most this many CIDR blocks.
pub(crate) const MAX_TGW_CIDR_BLOCKS: usize = 5;

/// `Options.TransitGatewayCidrBlocks`: IPv4 blocks of /24 or larger outside
/// 169.254.0.0/16, IPv6 blocks of /64 or larger, each written as its
/// network address (as the EC2 console and Terraform require), no repeats.
pub(crate) fn tgw_cidr_blocks(blocks: &[String]) -> Result<Vec<String>, Ec2Error> {
    if blocks.len() > MAX_TGW_CIDR_BLOCKS {
        return Err(Ec2Error::invalid_parameter_value(format!(
            "A transit gateway can have at most {MAX_TGW_CIDR_BLOCKS} CIDR blocks."
        )));
    }
    let mut seen = HashSet::new();
    for raw in blocks {
        let invalid = |why: &str| {
            Ec2Error::invalid_parameter_value(format!(
                "Value ({raw}) for parameter transitGatewayCidrBlocks is invalid. {why}"
            ))
        };
        let (addr, len) = raw
            .split_once('/')
            .ok_or_else(|| invalid("This is not a valid CIDR block."))?;
        let len: u32 = match len {
            l if !l.is_empty() && l.len() <= 3 && l.bytes().all(|b| b.is_ascii_digit()) => l
                .parse()
                .map_err(|_| invalid("This is not a valid CIDR block."))?,
            _ => return Err(invalid("This is not a valid CIDR block.")),
        };
        if let Ok(v4) = addr.parse::<Ipv4Addr>() {
            if len > 24 {
                return Err(invalid("IPv4 CIDR blocks must be /24 or larger."));
            }
            let bits = u32::from(v4);
            if bits & !(u32::MAX.checked_shl(32 - len).unwrap_or(0)) != 0 {
                return Err(invalid("This is not a valid CIDR block."));
            }
            if (bits >> 16) == 0xa9fe && len >= 16 {
                return Err(invalid("CIDR blocks from 169.254.0.0/16 are reserved."));
            }
        } else if let Ok(v6) = addr.parse::<Ipv6Addr>() {
            if len > 64 {
                return Err(invalid("IPv6 CIDR blocks must be /64 or larger."));
            }
            let bits = u128::from(v6);
            if bits & !(u128::MAX.checked_shl(128 - len).unwrap_or(0)) != 0 {
                return Err(invalid("This is not a valid CIDR block."));
            }
        } else {
            return Err(invalid("This is not a valid CIDR block."));
        }
        if !seen.insert(raw.as_str()) {
            return Err(invalid("The CIDR block is specified more than once."));
        }
    }
    Ok(blocks.to_vec())
}

/// A VPC's IPv4 CIDR block, normalised to its network address
/// (`10.0.0.7/16` becomes `10.0.0.0/16`) so that later comparisons, such
/// as Direct Connect's allowed prefixes, see one spelling.
pub(crate) fn vpc_cidr(raw: &str) -> Result<String, Ec2Error> {
    let invalid = || {
        Ec2Error::invalid_parameter_value(format!(
            "Value ({raw}) for parameter cidrBlock is invalid. This is not a valid CIDR block."
        ))
    };
    let (addr, len) = raw.split_once('/').ok_or_else(invalid)?;
    let len: u32 = match len {
        l if !l.is_empty() && l.len() <= 2 && l.bytes().all(|b| b.is_ascii_digit()) => {
            l.parse().map_err(|_| invalid())?
        }
        _ => return Err(invalid()),
    };
    let addr: std::net::Ipv4Addr = addr.parse().map_err(|_| invalid())?;
    if len > 32 {
        return Err(invalid());
    }
    if !(16..=28).contains(&len) {
        return Err(Ec2Error::invalid_vpc_range(raw));
    }
    let mask = u32::MAX << (32 - len);
    let network = std::net::Ipv4Addr::from(u32::from(addr) & mask);
    Ok(format!("{network}/{len}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(rt: Option<&str>, tags: &[(&str, &str)]) -> TagSpecification {
        TagSpecification {
            resource_type: rt.map(str::to_owned),
            tags: tags.iter().map(|(k, v)| Tag::new(*k, *v)).collect(),
        }
    }

    #[test]
    fn cidr_blocks_are_checked_and_normalised() {
        assert_eq!(vpc_cidr("10.0.0.0/16").unwrap(), "10.0.0.0/16");
        assert_eq!(vpc_cidr("10.0.7.9/24").unwrap(), "10.0.7.0/24");
        assert_eq!(vpc_cidr("10.0.0.0/8").unwrap_err().code, "InvalidVpcRange");
        assert_eq!(vpc_cidr("10.0.0.0/29").unwrap_err().code, "InvalidVpcRange");
        for bad in [
            "10.0.0.0",
            "10.0.0/16",
            "10.0.0.0/x",
            "10.0.0.0/33",
            "10.0.0.0/+16",
            "::/16",
        ] {
            assert_eq!(
                vpc_cidr(bad).unwrap_err().code,
                "InvalidParameterValue",
                "{bad}"
            );
        }
    }

    #[test]
    fn amazon_side_asns_must_be_private() {
        for ok in [64512, 65534, 4_200_000_000, 4_294_967_294] {
            assert_eq!(amazon_side_asn(ok).unwrap(), ok);
        }
        for bad in [-1, 0, 7224, 64511, 65535, 4_199_999_999, 4_294_967_295] {
            assert_eq!(
                amazon_side_asn(bad).unwrap_err().code,
                "InvalidParameterValue",
                "{bad}"
            );
        }
    }

    #[test]
    fn tgw_cidr_blocks_are_checked() {
        let blocks = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let ok = blocks(&["10.0.0.0/24", "10.8.0.0/16", "2001:db8::/64", "0.0.0.0/0"]);
        assert_eq!(tgw_cidr_blocks(&ok).unwrap(), ok);
        assert!(tgw_cidr_blocks(&[]).unwrap().is_empty());
        for bad in [
            "10.0.0.0/25",
            "10.0.0.1/24",
            "169.254.0.0/24",
            "169.254.0.0/16",
            "2001:db8::/65",
            "2001:db8::1/64",
            "10.0.0.0",
            "10.0.0.0/x",
            "10.0.0.0/+8",
            "banana/8",
        ] {
            assert_eq!(
                tgw_cidr_blocks(&blocks(&[bad])).unwrap_err().code,
                "InvalidParameterValue",
                "{bad}"
            );
        }
        assert!(tgw_cidr_blocks(&blocks(&["10.0.0.0/24", "10.0.0.0/24"])).is_err());
        let six: Vec<String> = (0..6).map(|i| format!("10.{i}.0.0/24")).collect();
        assert!(tgw_cidr_blocks(&six).is_err());
    }

    #[test]
    fn tag_specifications_are_validated() {
        let ok = tags_for(
            &[
                spec(Some("vpc"), &[("Name", "a")]),
                spec(None, &[("Env", "")]),
            ],
            "vpc",
        )
        .unwrap();
        assert_eq!(ok, vec![Tag::new("Name", "a"), Tag::new("Env", "")]);
        let wrong = tags_for(&[spec(Some("vpn-gateway"), &[("Name", "a")])], "vpc").unwrap_err();
        assert_eq!(
            wrong.message,
            "'vpn-gateway' is not a valid taggable resource type for this operation."
        );
        assert!(tags_for(&[spec(None, &[("AWS:x", "a")])], "vpc").is_err());
        assert!(tags_for(&[spec(None, &[("aéx", "a")])], "vpc").is_ok());
        assert!(tags_for(&[spec(None, &[("", "a")])], "vpc").is_err());
        assert!(tags_for(&[spec(None, &[("k", "a"), ("k", "b")])], "vpc").is_err());
        let many: Vec<(String, String)> =
            (0..51).map(|i| (format!("k{i}"), String::new())).collect();
        let many: Vec<(&str, &str)> = many.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            tags_for(&[spec(None, &many)], "vpc").unwrap_err().code,
            "TagLimitExceeded"
        );
    }
}
