//! Describe filters: `Filter.N.Name` with values that may use EC2's `*` and
//! `?` wildcards (`\` escapes them). Values of one filter are alternatives;
//! all filters must match.

use std::borrow::Cow;

use dxlocal_model::ec2::{
    Ec2Error, Filter, Tag, TransitGateway, TransitGatewayAttachment, Vpc, VpnGateway,
};

/// EC2 refuses more filter values than this in one call.
const MAX_FILTER_VALUES: usize = 200;

/// A filter name resolved against the fields of one resource kind.
pub(crate) trait Field: Sized {
    fn parse(name: &str) -> Option<Self>;
}

/// Filters checked once per call, then applied to each candidate.
pub(crate) struct Compiled<'f, F> {
    filters: Vec<(F, &'f [String])>,
}

pub(crate) fn compile<F: Field>(filters: &[Filter]) -> Result<Compiled<'_, F>, Ec2Error> {
    let total: usize = filters.iter().map(|f| f.values.len()).sum();
    if total > MAX_FILTER_VALUES {
        return Err(Ec2Error::new(
            "FilterLimitExceeded",
            400,
            format!("The maximum number of filter values specified on a single call is {MAX_FILTER_VALUES}"),
        ));
    }
    let filters = filters
        .iter()
        .map(|f| {
            F::parse(&f.name)
                .map(|field| (field, f.values.as_slice()))
                .ok_or_else(|| Ec2Error::invalid_filter(&f.name))
        })
        .collect::<Result<_, _>>()?;
    Ok(Compiled { filters })
}

impl<F> Compiled<'_, F> {
    /// Whether a resource whose field values `values_of` yields passes.
    pub(crate) fn matches<'r>(&self, values_of: impl Fn(&F) -> Vec<Cow<'r, str>>) -> bool {
        self.filters.iter().all(|(field, patterns)| {
            let values = values_of(field);
            patterns.iter().any(|p| values.iter().any(|v| glob(p, v)))
        })
    }
}

/// EC2 wildcard matching: `*` any run, `?` one character, `\` escapes the
/// next character.
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Tok {
        Lit(char),
        One,
        Any,
    }
    let mut toks = Vec::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        toks.push(match c {
            '*' => Tok::Any,
            '?' => Tok::One,
            '\\' => Tok::Lit(chars.next().unwrap_or('\\')),
            c => Tok::Lit(c),
        });
    }
    let text: Vec<char> = text.chars().collect();
    // Greedy match with a single backtrack point: linear in practice.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match toks.get(p) {
            Some(Tok::Any) => {
                star = Some((p, t));
                p += 1;
            }
            Some(Tok::One) => {
                p += 1;
                t += 1;
            }
            Some(Tok::Lit(c)) if *c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    toks[p..].iter().all(|t| *t == Tok::Any)
}

/// The tag-based filters every taggable resource supports.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TagField {
    /// `tag:<key>`: the value of that tag.
    Tag(String),
    /// `tag-key`: any tag's key.
    Key,
    /// `tag-value`: any tag's value.
    Value,
}

impl TagField {
    fn parse(name: &str) -> Option<Self> {
        match name {
            "tag-key" => Some(TagField::Key),
            "tag-value" => Some(TagField::Value),
            _ => name
                .strip_prefix("tag:")
                .map(|k| TagField::Tag(k.to_owned())),
        }
    }

    fn values<'a>(&self, tags: &'a [Tag]) -> Vec<Cow<'a, str>> {
        match self {
            TagField::Tag(key) => tags
                .iter()
                .filter(|t| &t.key == key)
                .map(|t| Cow::Borrowed(t.value.as_str()))
                .collect(),
            TagField::Key => tags.iter().map(|t| Cow::Borrowed(t.key.as_str())).collect(),
            TagField::Value => tags
                .iter()
                .map(|t| Cow::Borrowed(t.value.as_str()))
                .collect(),
        }
    }
}

/// DescribeVpcs filter names.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum VpcField {
    VpcId,
    State,
    /// `cidr` (and `cidr-block`): the primary IPv4 CIDR.
    Cidr,
    AssociationCidr,
    AssociationId,
    AssociationState,
    DhcpOptionsId,
    IsDefault,
    OwnerId,
    Tag(TagField),
}

impl Field for VpcField {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "vpc-id" => VpcField::VpcId,
            "state" => VpcField::State,
            "cidr" | "cidr-block" => VpcField::Cidr,
            "cidr-block-association.cidr-block" => VpcField::AssociationCidr,
            "cidr-block-association.association-id" => VpcField::AssociationId,
            "cidr-block-association.state" => VpcField::AssociationState,
            "dhcp-options-id" => VpcField::DhcpOptionsId,
            "is-default" => VpcField::IsDefault,
            "owner-id" => VpcField::OwnerId,
            other => VpcField::Tag(TagField::parse(other)?),
        })
    }
}

impl VpcField {
    pub(crate) fn values<'a>(&self, vpc: &'a Vpc) -> Vec<Cow<'a, str>> {
        let one = |s: &'a str| vec![Cow::Borrowed(s)];
        let assoc = vpc.cidr_block_associations.iter();
        match self {
            VpcField::VpcId => one(&vpc.vpc_id),
            VpcField::State => one(vpc.state.as_str()),
            VpcField::Cidr => one(&vpc.cidr_block),
            VpcField::AssociationCidr => assoc
                .map(|a| Cow::Borrowed(a.cidr_block.as_str()))
                .collect(),
            VpcField::AssociationId => assoc
                .map(|a| Cow::Borrowed(a.association_id.as_str()))
                .collect(),
            VpcField::AssociationState => assoc.map(|a| Cow::Borrowed(a.state.as_str())).collect(),
            VpcField::DhcpOptionsId => one(&vpc.dhcp_options_id),
            VpcField::IsDefault => one(if vpc.is_default { "true" } else { "false" }),
            VpcField::OwnerId => one(&vpc.owner_id),
            VpcField::Tag(t) => t.values(&vpc.tags),
        }
    }
}

/// DescribeVpnGateways filter names.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum VgwField {
    VpnGatewayId,
    State,
    Type,
    AvailabilityZone,
    AmazonSideAsn,
    AttachmentState,
    AttachmentVpcId,
    Tag(TagField),
}

impl Field for VgwField {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "vpn-gateway-id" => VgwField::VpnGatewayId,
            "state" => VgwField::State,
            "type" => VgwField::Type,
            "availability-zone" => VgwField::AvailabilityZone,
            "amazon-side-asn" => VgwField::AmazonSideAsn,
            "attachment.state" => VgwField::AttachmentState,
            "attachment.vpc-id" => VgwField::AttachmentVpcId,
            other => VgwField::Tag(TagField::parse(other)?),
        })
    }
}

impl VgwField {
    pub(crate) fn values<'a>(&self, g: &'a VpnGateway) -> Vec<Cow<'a, str>> {
        let one = |s: &'a str| vec![Cow::Borrowed(s)];
        match self {
            VgwField::VpnGatewayId => one(&g.vpn_gateway_id),
            VgwField::State => one(g.state.as_str()),
            VgwField::Type => one(&g.gateway_type),
            VgwField::AvailabilityZone => g
                .availability_zone
                .iter()
                .map(|z| Cow::Borrowed(z.as_str()))
                .collect(),
            VgwField::AmazonSideAsn => vec![Cow::Owned(g.amazon_side_asn.to_string())],
            VgwField::AttachmentState => g
                .attachments
                .iter()
                .map(|a| Cow::Borrowed(a.state.as_str()))
                .collect(),
            VgwField::AttachmentVpcId => g
                .attachments
                .iter()
                .map(|a| Cow::Borrowed(a.vpc_id.as_str()))
                .collect(),
            VgwField::Tag(t) => t.values(&g.tags),
        }
    }
}

/// DescribeTransitGateways filter names.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TgwField {
    TransitGatewayId,
    State,
    OwnerId,
    AmazonSideAsn,
    AssociationDefaultRouteTableId,
    PropagationDefaultRouteTableId,
    AutoAcceptSharedAttachments,
    DefaultRouteTableAssociation,
    DefaultRouteTablePropagation,
    DnsSupport,
    VpnEcmpSupport,
    Tag(TagField),
}

impl Field for TgwField {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "transit-gateway-id" => TgwField::TransitGatewayId,
            "state" => TgwField::State,
            "owner-id" => TgwField::OwnerId,
            "options.amazon-side-asn" => TgwField::AmazonSideAsn,
            "options.association-default-route-table-id" => {
                TgwField::AssociationDefaultRouteTableId
            }
            "options.propagation-default-route-table-id" => {
                TgwField::PropagationDefaultRouteTableId
            }
            "options.auto-accept-shared-attachments" => TgwField::AutoAcceptSharedAttachments,
            "options.default-route-table-association" => TgwField::DefaultRouteTableAssociation,
            "options.default-route-table-propagation" => TgwField::DefaultRouteTablePropagation,
            "options.dns-support" => TgwField::DnsSupport,
            "options.vpn-ecmp-support" => TgwField::VpnEcmpSupport,
            other => TgwField::Tag(TagField::parse(other)?),
        })
    }
}

impl TgwField {
    pub(crate) fn values<'a>(&self, t: &'a TransitGateway) -> Vec<Cow<'a, str>> {
        let one = |s: &'a str| vec![Cow::Borrowed(s)];
        let o = &t.options;
        let opt = |s: &'a Option<String>| s.iter().map(|v| Cow::Borrowed(v.as_str())).collect();
        match self {
            TgwField::TransitGatewayId => one(&t.transit_gateway_id),
            TgwField::State => one(t.state.as_str()),
            TgwField::OwnerId => one(&t.owner_id),
            TgwField::AmazonSideAsn => vec![Cow::Owned(o.amazon_side_asn.to_string())],
            TgwField::AssociationDefaultRouteTableId => opt(&o.association_default_route_table_id),
            TgwField::PropagationDefaultRouteTableId => opt(&o.propagation_default_route_table_id),
            TgwField::AutoAcceptSharedAttachments => one(o.auto_accept_shared_attachments.as_str()),
            TgwField::DefaultRouteTableAssociation => {
                one(o.default_route_table_association.as_str())
            }
            TgwField::DefaultRouteTablePropagation => {
                one(o.default_route_table_propagation.as_str())
            }
            TgwField::DnsSupport => one(o.dns_support.as_str()),
            TgwField::VpnEcmpSupport => one(o.vpn_ecmp_support.as_str()),
            TgwField::Tag(f) => f.values(&t.tags),
        }
    }
}

/// DescribeTransitGatewayAttachments filter names.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TgwAttachmentField {
    AttachmentId,
    TransitGatewayId,
    TransitGatewayOwnerId,
    ResourceId,
    ResourceOwnerId,
    ResourceType,
    State,
    AssociationState,
    AssociationRouteTableId,
    Tag(TagField),
}

impl Field for TgwAttachmentField {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "transit-gateway-attachment-id" => TgwAttachmentField::AttachmentId,
            "transit-gateway-id" => TgwAttachmentField::TransitGatewayId,
            "transit-gateway-owner-id" => TgwAttachmentField::TransitGatewayOwnerId,
            "resource-id" => TgwAttachmentField::ResourceId,
            "resource-owner-id" => TgwAttachmentField::ResourceOwnerId,
            "resource-type" => TgwAttachmentField::ResourceType,
            "state" => TgwAttachmentField::State,
            "association.state" => TgwAttachmentField::AssociationState,
            "association.transit-gateway-route-table-id" => {
                TgwAttachmentField::AssociationRouteTableId
            }
            other => TgwAttachmentField::Tag(TagField::parse(other)?),
        })
    }
}

impl TgwAttachmentField {
    pub(crate) fn values<'a>(&self, a: &'a TransitGatewayAttachment) -> Vec<Cow<'a, str>> {
        let one = |s: &'a str| vec![Cow::Borrowed(s)];
        let assoc = a.association.iter();
        match self {
            TgwAttachmentField::AttachmentId => one(&a.transit_gateway_attachment_id),
            TgwAttachmentField::TransitGatewayId => one(&a.transit_gateway_id),
            TgwAttachmentField::TransitGatewayOwnerId => one(&a.transit_gateway_owner_id),
            TgwAttachmentField::ResourceId => one(&a.resource_id),
            TgwAttachmentField::ResourceOwnerId => one(&a.resource_owner_id),
            TgwAttachmentField::ResourceType => one(a.resource_type.as_str()),
            TgwAttachmentField::State => one(a.state.as_str()),
            TgwAttachmentField::AssociationState => {
                assoc.map(|x| Cow::Borrowed(x.state.as_str())).collect()
            }
            TgwAttachmentField::AssociationRouteTableId => assoc
                .map(|x| Cow::Borrowed(x.transit_gateway_route_table_id.as_str()))
                .collect(),
            TgwAttachmentField::Tag(f) => f.values(&a.tags),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_handles_wildcards_and_escapes() {
        assert!(glob("abc", "abc"));
        assert!(!glob("abc", "abcd"));
        assert!(glob("a*", "abcd"));
        assert!(glob("*d", "abcd"));
        assert!(glob("a*c*", "abxcyz"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "ac"));
        assert!(glob("*", ""));
        assert!(!glob("?", ""));
        assert!(glob("a\\*", "a*"));
        assert!(!glob("a\\*", "ab"));
        assert!(glob("*a*a*a", "aaaa"));
        assert!(glob("Prod-??", "Prod-é1"));
    }

    #[test]
    fn unknown_filter_names_are_rejected() {
        let filters = [Filter::new("colour", ["red"])];
        let err = compile::<VpcField>(&filters).err().expect("unknown filter");
        assert_eq!(err.code, "InvalidParameterValue");
        assert_eq!(err.message, "The filter 'colour' is invalid");
        assert!(compile::<VgwField>(&[Filter::new("tag:Name", ["x"])]).is_ok());
        assert!(compile::<TgwField>(&[Filter::new("options.amazon-side-asn", ["64512"])]).is_ok());
        assert!(compile::<TgwField>(&[Filter::new("resource-id", ["x"])]).is_err());
        assert!(compile::<TgwAttachmentField>(&[Filter::new("resource-id", ["x"])]).is_ok());
        assert!(compile::<TgwAttachmentField>(&[Filter::new("owner-id", ["x"])]).is_err());
    }
}
