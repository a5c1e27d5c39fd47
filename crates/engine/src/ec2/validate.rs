//! Parameter checks shared by the EC2 calls: tags and IPv4 CIDR blocks.

use std::collections::HashSet;

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
