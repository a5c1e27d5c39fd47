//! EC2 Query: parameters in, XML out.
//!
//! Requests use capitalised member names and flattened 1-based lists
//! without `.member` (`VpnGatewayId.1`, `Filter.1.Value.1`,
//! `TagSpecification.1.Tag.1.Key`). Responses use the model's lower-camel
//! `locationName`s, `<item>` for list members, and `<requestId>` after the
//! root; errors use the `<Response><Errors>` envelope with `<RequestID>`.

use dxlocal_model::ec2::{
    Ec2Error, Ec2Request, Ec2Response, Filter, Tag, TagSpecification, TransitGateway,
    TransitGatewayAttachment, TransitGatewayRequestOptions, Vpc, VpcAttachment, VpnGateway,
};

use super::xml::XmlWriter;
use super::{Params, QueryRequest};
use crate::WireReply;

/// The namespace of every EC2 response root.
pub const XMLNS: &str = "http://ec2.amazonaws.com/doc/2016-11-15/";

const CONTENT_TYPE: &str = "text/xml;charset=UTF-8";

/// Decodes the parameters of an EC2 call.
///
/// `DryRun=true` on a well-formed request yields `DryRunOperation` (412),
/// as EC2 answers when the caller would have been allowed. Parameters the
/// emulator does not know are ignored.
pub fn decode(req: &QueryRequest) -> Result<Ec2Request, Ec2Error> {
    let p = Params::new(&req.params);
    let decoded = match req.action.as_str() {
        "CreateVpc" => {
            for unsupported in [
                "Ipv4IpamPoolId",
                "Ipv6IpamPoolId",
                "Ipv6Pool",
                "Ipv6CidrBlock",
            ] {
                if p.get(unsupported).is_some() {
                    return Err(Ec2Error::unsupported_operation(format!(
                        "The parameter {unsupported} is not supported by this emulator"
                    )));
                }
            }
            if boolean(&p, "AmazonProvidedIpv6CidrBlock")? {
                return Err(Ec2Error::unsupported_operation(
                    "IPv6 CIDR blocks are not supported by this emulator",
                ));
            }
            Ec2Request::CreateVpc {
                cidr_block: p.get("CidrBlock").map(str::to_owned),
                instance_tenancy: p.get("InstanceTenancy").map(str::to_owned),
                tag_specifications: tag_specifications(&p),
            }
        }
        "DescribeVpcs" => Ec2Request::DescribeVpcs {
            vpc_ids: owned(p.strings("VpcId")),
            filters: filters(&p)?,
            max_results: integer(&p, "MaxResults")?,
            next_token: p.get("NextToken").map(str::to_owned),
        },
        "DeleteVpc" => Ec2Request::DeleteVpc {
            vpc_id: required(&p, "VpcId")?,
        },
        "CreateVpnGateway" => Ec2Request::CreateVpnGateway {
            gateway_type: required(&p, "Type")?,
            amazon_side_asn: integer(&p, "AmazonSideAsn")?,
            availability_zone: p.get("AvailabilityZone").map(str::to_owned),
            tag_specifications: tag_specifications(&p),
        },
        "DescribeVpnGateways" => Ec2Request::DescribeVpnGateways {
            vpn_gateway_ids: owned(p.strings("VpnGatewayId")),
            filters: filters(&p)?,
        },
        "AttachVpnGateway" => Ec2Request::AttachVpnGateway {
            vpc_id: required(&p, "VpcId")?,
            vpn_gateway_id: required(&p, "VpnGatewayId")?,
        },
        "DetachVpnGateway" => Ec2Request::DetachVpnGateway {
            vpc_id: required(&p, "VpcId")?,
            vpn_gateway_id: required(&p, "VpnGatewayId")?,
        },
        "DeleteVpnGateway" => Ec2Request::DeleteVpnGateway {
            vpn_gateway_id: required(&p, "VpnGatewayId")?,
        },
        "CreateTransitGateway" => {
            let option = |name: &str| p.get(&format!("Options.{name}")).map(str::to_owned);
            Ec2Request::CreateTransitGateway {
                description: p.get("Description").map(str::to_owned),
                options: TransitGatewayRequestOptions {
                    amazon_side_asn: integer(&p, "Options.AmazonSideAsn")?,
                    transit_gateway_cidr_blocks: owned(
                        p.strings("Options.TransitGatewayCidrBlocks"),
                    ),
                    auto_accept_shared_attachments: option("AutoAcceptSharedAttachments"),
                    default_route_table_association: option("DefaultRouteTableAssociation"),
                    default_route_table_propagation: option("DefaultRouteTablePropagation"),
                    vpn_ecmp_support: option("VpnEcmpSupport"),
                    dns_support: option("DnsSupport"),
                    security_group_referencing_support: option("SecurityGroupReferencingSupport"),
                    multicast_support: option("MulticastSupport"),
                },
                tag_specifications: tag_specifications(&p),
            }
        }
        "DescribeTransitGateways" => Ec2Request::DescribeTransitGateways {
            transit_gateway_ids: owned(p.strings("TransitGatewayIds")),
            filters: filters(&p)?,
            max_results: integer(&p, "MaxResults")?,
            next_token: p.get("NextToken").map(str::to_owned),
        },
        "DeleteTransitGateway" => Ec2Request::DeleteTransitGateway {
            transit_gateway_id: required(&p, "TransitGatewayId")?,
        },
        "DescribeTransitGatewayAttachments" => Ec2Request::DescribeTransitGatewayAttachments {
            transit_gateway_attachment_ids: owned(p.strings("TransitGatewayAttachmentIds")),
            filters: filters(&p)?,
            max_results: integer(&p, "MaxResults")?,
            next_token: p.get("NextToken").map(str::to_owned),
        },
        other => return Err(Ec2Error::invalid_action(other)),
    };
    if boolean(&p, "DryRun")? {
        return Err(Ec2Error::dry_run());
    }
    Ok(decoded)
}

fn owned(v: Vec<&str>) -> Vec<String> {
    v.into_iter().map(str::to_owned).collect()
}

fn required(p: &Params<'_>, name: &str) -> Result<String, Ec2Error> {
    p.get(name)
        .map(str::to_owned)
        .ok_or_else(|| Ec2Error::missing_parameter(name))
}

fn boolean(p: &Params<'_>, name: &str) -> Result<bool, Ec2Error> {
    match p.get(name) {
        None => Ok(false),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(v) => Err(Ec2Error::invalid_value_for(name, v)),
    }
}

fn integer(p: &Params<'_>, name: &str) -> Result<Option<i64>, Ec2Error> {
    p.get(name)
        .map(|v| {
            v.trim()
                .parse::<i64>()
                .map_err(|_| Ec2Error::invalid_value_for(name, v))
        })
        .transpose()
}

fn filters(p: &Params<'_>) -> Result<Vec<Filter>, Ec2Error> {
    p.structs("Filter")
        .into_iter()
        .map(|f| {
            let name = f
                .get("Name")
                .ok_or_else(|| Ec2Error::missing_parameter("Filter.N.Name"))?;
            Ok(Filter {
                name: name.to_owned(),
                values: owned(f.strings("Value")),
            })
        })
        .collect()
}

fn tag_specifications(p: &Params<'_>) -> Vec<TagSpecification> {
    p.structs("TagSpecification")
        .into_iter()
        .map(|spec| TagSpecification {
            resource_type: spec.get("ResourceType").map(str::to_owned),
            tags: spec
                .structs("Tag")
                .into_iter()
                .map(|t| Tag::new(t.get("Key").unwrap_or(""), t.get("Value").unwrap_or("")))
                .collect(),
        })
        .collect()
}

fn reply(status: u16, body: Vec<u8>, request_id: &str) -> WireReply {
    WireReply {
        status,
        headers: vec![
            ("Content-Type", CONTENT_TYPE.to_owned()),
            ("x-amzn-RequestId", request_id.to_owned()),
        ],
        body,
    }
}

/// Renders a successful call as `<{Action}Response>` (HTTP 200).
pub fn encode_response(resp: &Ec2Response, request_id: &str) -> WireReply {
    let root = format!("{}Response", resp.action());
    let mut w = XmlWriter::new(&root, XMLNS);
    w.leaf("requestId", request_id);
    match resp {
        Ec2Response::CreateVpc { vpc } => {
            w.open("vpc");
            write_vpc(&mut w, vpc, true);
            w.close("vpc");
        }
        Ec2Response::DescribeVpcs { vpcs, next_token } => {
            write_set(&mut w, "vpcSet", vpcs, |w, v| write_vpc(w, v, false));
            if let Some(token) = next_token {
                w.leaf("nextToken", token);
            }
        }
        Ec2Response::CreateVpnGateway { vpn_gateway } => {
            w.open("vpnGateway");
            write_vpn_gateway(&mut w, vpn_gateway);
            w.close("vpnGateway");
        }
        Ec2Response::DescribeVpnGateways { vpn_gateways } => {
            write_set(&mut w, "vpnGatewaySet", vpn_gateways, write_vpn_gateway);
        }
        Ec2Response::AttachVpnGateway { attachment } => {
            w.open("attachment");
            write_attachment(&mut w, attachment);
            w.close("attachment");
        }
        Ec2Response::DeleteVpc | Ec2Response::DetachVpnGateway | Ec2Response::DeleteVpnGateway => {
            w.leaf("return", "true");
        }
        Ec2Response::CreateTransitGateway { transit_gateway } => {
            w.open("transitGateway");
            write_transit_gateway(&mut w, transit_gateway, TgwView::Created);
            w.close("transitGateway");
        }
        Ec2Response::DescribeTransitGateways {
            transit_gateways,
            next_token,
        } => {
            write_set(&mut w, "transitGatewaySet", transit_gateways, |w, t| {
                write_transit_gateway(w, t, TgwView::Described)
            });
            if let Some(token) = next_token {
                w.leaf("nextToken", token);
            }
        }
        Ec2Response::DeleteTransitGateway { transit_gateway } => {
            w.open("transitGateway");
            write_transit_gateway(&mut w, transit_gateway, TgwView::Deleted);
            w.close("transitGateway");
        }
        Ec2Response::DescribeTransitGatewayAttachments {
            transit_gateway_attachments,
            next_token,
        } => {
            // The one EC2 list here whose name has no `Set` suffix.
            write_set(
                &mut w,
                "transitGatewayAttachments",
                transit_gateway_attachments,
                write_tgw_attachment,
            );
            if let Some(token) = next_token {
                w.leaf("nextToken", token);
            }
        }
    }
    reply(200, w.finish(&root), request_id)
}

/// Renders an error in EC2's envelope, with the error's own HTTP status.
pub fn encode_error(err: &Ec2Error, request_id: &str) -> WireReply {
    let mut w = XmlWriter::bare("Response");
    w.open("Errors")
        .open("Error")
        .leaf("Code", &err.code)
        .leaf("Message", &err.message)
        .close("Error")
        .close("Errors")
        .leaf("RequestID", request_id);
    reply(err.status, w.finish("Response"), request_id)
}

/// A list as `<name><item>..</item>..</name>`, or `<name/>` when empty.
fn write_set<T>(
    w: &mut XmlWriter,
    name: &str,
    items: &[T],
    mut each: impl FnMut(&mut XmlWriter, &T),
) {
    if items.is_empty() {
        w.empty(name);
        return;
    }
    w.open(name);
    for item in items {
        w.open("item");
        each(w, item);
        w.close("item");
    }
    w.close(name);
}

/// EC2 leaves `tagSet` out when a VPC or gateway has no tags (the CLI
/// examples then show no `Tags` key at all).
fn write_tags(w: &mut XmlWriter, tags: &[Tag]) {
    if !tags.is_empty() {
        write_tag_set(w, tags);
    }
}

/// `tagSet` even when empty (`<tagSet/>`, read by SDKs as `Tags: []`), as
/// the transit gateway describe calls answer.
fn write_tag_set(w: &mut XmlWriter, tags: &[Tag]) {
    write_set(w, "tagSet", tags, |w, t| {
        w.leaf("key", &t.key).leaf("value", &t.value);
    });
}

fn write_vpc(w: &mut XmlWriter, vpc: &Vpc, created: bool) {
    w.leaf("vpcId", &vpc.vpc_id)
        .leaf("ownerId", &vpc.owner_id)
        .leaf("state", vpc.state.as_str())
        .leaf("cidrBlock", &vpc.cidr_block);
    write_set(
        w,
        "cidrBlockAssociationSet",
        &vpc.cidr_block_associations,
        |w, a| {
            w.leaf("associationId", &a.association_id)
                .leaf("cidrBlock", &a.cidr_block)
                .open("cidrBlockState")
                .leaf("state", &a.state)
                .close("cidrBlockState");
        },
    );
    // CreateVpc's answer carries an empty IPv6 set; DescribeVpcs omits it.
    if created {
        w.empty("ipv6CidrBlockAssociationSet");
    }
    w.leaf("dhcpOptionsId", &vpc.dhcp_options_id);
    write_tags(w, &vpc.tags);
    w.leaf("instanceTenancy", &vpc.instance_tenancy)
        .leaf("isDefault", if vpc.is_default { "true" } else { "false" });
}

fn write_attachment(w: &mut XmlWriter, a: &VpcAttachment) {
    w.leaf("vpcId", &a.vpc_id).leaf("state", a.state.as_str());
}

fn write_vpn_gateway(w: &mut XmlWriter, g: &VpnGateway) {
    w.leaf("vpnGatewayId", &g.vpn_gateway_id)
        .leaf("state", g.state.as_str())
        .leaf("type", &g.gateway_type);
    if let Some(az) = &g.availability_zone {
        w.leaf("availabilityZone", az);
    }
    write_set(w, "attachments", &g.attachments, write_attachment);
    w.leaf("amazonSideAsn", &g.amazon_side_asn.to_string());
    write_tags(w, &g.tags);
}

/// Which call a transit gateway is rendered for: the CLI examples show
/// `tagSet` only on DescribeTransitGateways when there are no tags, and no
/// `transitGatewayArn` on DeleteTransitGateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TgwView {
    Created,
    Described,
    Deleted,
}

fn write_transit_gateway(w: &mut XmlWriter, t: &TransitGateway, view: TgwView) {
    w.leaf("transitGatewayId", &t.transit_gateway_id);
    if view != TgwView::Deleted {
        w.leaf("transitGatewayArn", &t.transit_gateway_arn);
    }
    w.leaf("state", t.state.as_str())
        .leaf("ownerId", &t.owner_id);
    if let Some(description) = &t.description {
        w.leaf("description", description);
    }
    w.leaf("creationTime", &iso8601(t.creation_time));

    let o = &t.options;
    w.open("options")
        .leaf("amazonSideAsn", &o.amazon_side_asn.to_string());
    // Absent, like in the CLI examples, when the gateway has none.
    if !o.transit_gateway_cidr_blocks.is_empty() {
        w.open("transitGatewayCidrBlocks");
        for cidr in &o.transit_gateway_cidr_blocks {
            w.leaf("item", cidr);
        }
        w.close("transitGatewayCidrBlocks");
    }
    w.leaf(
        "autoAcceptSharedAttachments",
        o.auto_accept_shared_attachments.as_str(),
    )
    .leaf(
        "defaultRouteTableAssociation",
        o.default_route_table_association.as_str(),
    );
    if let Some(rtb) = &o.association_default_route_table_id {
        w.leaf("associationDefaultRouteTableId", rtb);
    }
    w.leaf(
        "defaultRouteTablePropagation",
        o.default_route_table_propagation.as_str(),
    );
    if let Some(rtb) = &o.propagation_default_route_table_id {
        w.leaf("propagationDefaultRouteTableId", rtb);
    }
    w.leaf("vpnEcmpSupport", o.vpn_ecmp_support.as_str())
        .leaf("dnsSupport", o.dns_support.as_str())
        .leaf(
            "securityGroupReferencingSupport",
            o.security_group_referencing_support.as_str(),
        )
        .leaf("multicastSupport", o.multicast_support.as_str())
        .close("options");

    if view == TgwView::Described {
        write_tag_set(w, &t.tags);
    } else {
        write_tags(w, &t.tags);
    }
}

fn write_tgw_attachment(w: &mut XmlWriter, a: &TransitGatewayAttachment) {
    w.leaf(
        "transitGatewayAttachmentId",
        &a.transit_gateway_attachment_id,
    )
    .leaf("transitGatewayId", &a.transit_gateway_id)
    .leaf("transitGatewayOwnerId", &a.transit_gateway_owner_id)
    .leaf("resourceOwnerId", &a.resource_owner_id)
    .leaf("resourceType", a.resource_type.as_str())
    .leaf("resourceId", &a.resource_id)
    .leaf("state", a.state.as_str());
    if let Some(assoc) = &a.association {
        w.open("association")
            .leaf(
                "transitGatewayRouteTableId",
                &assoc.transit_gateway_route_table_id,
            )
            .leaf("state", assoc.state.as_str())
            .close("association");
    }
    w.leaf("creationTime", &iso8601(a.creation_time));
    write_tag_set(w, &a.tags);
}

/// Epoch seconds as EC2 writes timestamps: `2019-07-10T14:02:12.000Z`.
pub(crate) fn iso8601(epoch_seconds: i64) -> String {
    let days = epoch_seconds.div_euclid(86_400);
    let secs = epoch_seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.000Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The proleptic Gregorian date of a day number counted from 1970-01-01
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}
