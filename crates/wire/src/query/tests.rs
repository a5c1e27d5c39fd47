use dxlocal_model::ec2::{
    AttachmentState, Ec2Error, Ec2Request, Ec2Response, Filter, Tag, TagSpecification, Toggle,
    TransitGateway, TransitGatewayAssociationState, TransitGatewayAttachment,
    TransitGatewayAttachmentAssociation, TransitGatewayAttachmentResourceType,
    TransitGatewayAttachmentState, TransitGatewayOptions, TransitGatewayRequestOptions,
    TransitGatewayState, Vpc, VpcAttachment, VpcCidrBlockAssociation, VpcState, VpnGateway,
    VpnState,
};

use super::{ec2, parse_form, sts, Params, QueryRequest, MAX_PARAMS};

const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

fn form(body: &str) -> QueryRequest {
    parse_form(body.as_bytes(), None).expect("parses")
}

fn text(reply: &crate::WireReply) -> &str {
    std::str::from_utf8(&reply.body).expect("UTF-8")
}

#[test]
fn parse_form_reads_body_and_query_string() {
    let req = parse_form(
        b"Action=DescribeVpnGateways&Version=2016-11-15&Filter.1.Name=tag%3AName&Filter.1.Value.1=a+b%2Bc",
        Some("VpnGatewayId.1=vgw-1"),
    )
    .unwrap();
    assert_eq!(req.action, "DescribeVpnGateways");
    assert_eq!(req.version.as_deref(), Some("2016-11-15"));
    assert_eq!(
        req.params,
        vec![
            ("VpnGatewayId.1".to_owned(), "vgw-1".to_owned()),
            ("Filter.1.Name".to_owned(), "tag:Name".to_owned()),
            ("Filter.1.Value.1".to_owned(), "a b+c".to_owned()),
        ]
    );
    // A GET carries everything in the URL.
    let get = parse_form(b"", Some("Action=GetCallerIdentity&Version=2011-06-15")).unwrap();
    assert_eq!(get.action, "GetCallerIdentity");
    assert!(get.params.is_empty());
}

#[test]
fn parse_form_edge_cases() {
    let req = form("Action=X&&Flag&Pct=100%&Bad=%zz&Utf=%C3%A9&Empty=");
    assert_eq!(req.get("Flag"), Some(""));
    assert_eq!(req.get("Pct"), Some("100%"));
    assert_eq!(req.get("Bad"), Some("%zz"));
    assert_eq!(req.get("Utf"), Some("é"));
    assert_eq!(req.get("Empty"), Some(""));
    assert_eq!(form("Action=X&K=1&K=2").get("K"), Some("2"), "last wins");

    let missing = parse_form(b"Version=2016-11-15", None).unwrap_err();
    assert_eq!(
        (missing.code.as_str(), missing.status),
        ("MissingAction", 400)
    );
    assert_eq!(
        parse_form(b"Action=", None).unwrap_err().code,
        "MissingAction"
    );
    assert_eq!(
        parse_form(b"Action=X&K=%FF", None).unwrap_err().code,
        "MalformedQueryString"
    );
    let many = format!("Action=X{}", "&K=1".repeat(MAX_PARAMS));
    assert_eq!(
        parse_form(many.as_bytes(), None).unwrap_err().code,
        "InvalidParameterValue"
    );
    let huge = vec![b'a'; super::MAX_FORM_BYTES + 1];
    assert_eq!(parse_form(&huge, None).unwrap_err().status, 413);
}

#[test]
fn flattened_lists_follow_their_numeric_index() {
    let req = form(
        "Action=X&Id.10=j&Id.2=b&Id.1=a&Id.0=zero&Id.x=bad&Id.3.Deep=no\
         &Filter.2.Name=state&Filter.2.Value.1=available\
         &Filter.1.Name=tag:Name&Filter.1.Value.2=y&Filter.1.Value.1=x",
    );
    let p = Params::new(&req.params);
    assert_eq!(p.strings("Id"), vec!["a", "b", "j"]);
    let filters = p.structs("Filter");
    assert_eq!(filters.len(), 2);
    assert_eq!(filters[0].get("Name"), Some("tag:Name"));
    assert_eq!(filters[0].strings("Value"), vec!["x", "y"]);
    assert_eq!(filters[1].get("Name"), Some("state"));
    assert!(p.strings("Nothing").is_empty());
}

#[test]
fn decodes_every_call_as_botocore_sends_it() {
    let cases: Vec<(&str, Ec2Request)> = vec![
        (
            "Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0%2F16\
             &TagSpecification.1.ResourceType=vpc&TagSpecification.1.Tag.1.Key=Name\
             &TagSpecification.1.Tag.1.Value=MyVpc&AmazonProvidedIpv6CidrBlock=false",
            Ec2Request::CreateVpc {
                cidr_block: Some("10.0.0.0/16".into()),
                instance_tenancy: None,
                tag_specifications: vec![TagSpecification {
                    resource_type: Some("vpc".into()),
                    tags: vec![Tag::new("Name", "MyVpc")],
                }],
            },
        ),
        (
            "Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-1&VpcId.2=vpc-2\
             &Filter.1.Name=cidr&Filter.1.Value.1=10.0.0.0%2F16&MaxResults=5&NextToken=t",
            Ec2Request::DescribeVpcs {
                vpc_ids: vec!["vpc-1".into(), "vpc-2".into()],
                filters: vec![Filter::new("cidr", ["10.0.0.0/16"])],
                max_results: Some(5),
                next_token: Some("t".into()),
            },
        ),
        (
            "Action=DeleteVpc&Version=2016-11-15&VpcId=vpc-a01106c2",
            Ec2Request::DeleteVpc { vpc_id: "vpc-a01106c2".into() },
        ),
        (
            "Action=CreateVpnGateway&Version=2016-11-15&Type=ipsec.1&AmazonSideAsn=65001\
             &AvailabilityZone=us-east-1a&TagSpecification.1.ResourceType=vpn-gateway\
             &TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=x",
            Ec2Request::CreateVpnGateway {
                gateway_type: "ipsec.1".into(),
                amazon_side_asn: Some(65001),
                availability_zone: Some("us-east-1a".into()),
                tag_specifications: vec![TagSpecification {
                    resource_type: Some("vpn-gateway".into()),
                    tags: vec![Tag::new("Name", "x")],
                }],
            },
        ),
        (
            "Action=DescribeVpnGateways&Version=2016-11-15&VpnGatewayId.1=vgw-9a4cacf3\
             &Filter.1.Name=state&Filter.1.Value.1=available&Filter.1.Value.2=pending",
            Ec2Request::DescribeVpnGateways {
                vpn_gateway_ids: vec!["vgw-9a4cacf3".into()],
                filters: vec![Filter::new("state", ["available", "pending"])],
            },
        ),
        (
            "Action=AttachVpnGateway&Version=2016-11-15&VpcId=vpc-a01106c2&VpnGatewayId=vgw-9a4cacf3",
            Ec2Request::AttachVpnGateway {
                vpc_id: "vpc-a01106c2".into(),
                vpn_gateway_id: "vgw-9a4cacf3".into(),
            },
        ),
        (
            "Action=DetachVpnGateway&Version=2016-11-15&VpcId=vpc-a01106c2&VpnGatewayId=vgw-9a4cacf3",
            Ec2Request::DetachVpnGateway {
                vpc_id: "vpc-a01106c2".into(),
                vpn_gateway_id: "vgw-9a4cacf3".into(),
            },
        ),
        (
            "Action=DeleteVpnGateway&Version=2016-11-15&VpnGatewayId=vgw-9a4cacf3",
            Ec2Request::DeleteVpnGateway { vpn_gateway_id: "vgw-9a4cacf3".into() },
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(ec2::decode(&form(body)).unwrap(), expected, "{body}");
    }
}

#[test]
fn decode_errors() {
    let err = |body: &str| ec2::decode(&form(body)).unwrap_err();
    let dry = err("Action=CreateVpnGateway&Type=ipsec.1&DryRun=true");
    assert_eq!(dry, Ec2Error::dry_run());
    assert_eq!(dry.status, 412);
    assert_eq!(
        dry.message,
        "Request would have succeeded, but DryRun flag is set."
    );
    assert!(ec2::decode(&form("Action=DescribeVpcs&DryRun=false")).is_ok());
    // A request that would fail does not get the dry-run answer.
    assert_eq!(err("Action=DeleteVpc&DryRun=true").code, "MissingParameter");

    let missing = err("Action=AttachVpnGateway&VpnGatewayId=vgw-1");
    assert_eq!(missing.code, "MissingParameter");
    assert_eq!(
        missing.message,
        "The request must contain the parameter VpcId"
    );
    assert_eq!(err("Action=CreateVpnGateway").code, "MissingParameter");
    assert_eq!(
        err("Action=DescribeVpcs&Filter.1.Value.1=x").code,
        "MissingParameter"
    );

    let unknown = err("Action=RunInstances");
    assert_eq!(unknown.code, "InvalidAction");
    assert_eq!(
        unknown.message,
        "The action RunInstances is not valid for this web service."
    );
    assert_eq!(
        err("Action=DescribeVpcs&DryRun=yes").code,
        "InvalidParameterValue"
    );
    assert_eq!(
        err("Action=CreateVpnGateway&Type=ipsec.1&AmazonSideAsn=big").code,
        "InvalidParameterValue"
    );
    assert_eq!(
        err("Action=DescribeVpcs&MaxResults=5.5").code,
        "InvalidParameterValue"
    );
    assert_eq!(
        err("Action=CreateVpc&CidrBlock=10.0.0.0/16&AmazonProvidedIpv6CidrBlock=true").code,
        "UnsupportedOperation"
    );
    assert_eq!(
        err("Action=CreateVpc&Ipv4IpamPoolId=ipam-pool-1").code,
        "UnsupportedOperation"
    );
}

fn vpc(state: VpcState, tags: Vec<Tag>) -> Vpc {
    Vpc {
        vpc_id: "vpc-0a60eb65b4e123456".into(),
        owner_id: "123456789012".into(),
        state,
        cidr_block: "10.0.0.0/16".into(),
        cidr_block_associations: vec![VpcCidrBlockAssociation {
            association_id: "vpc-cidr-assoc-07501b79ec1234567".into(),
            cidr_block: "10.0.0.0/16".into(),
            state: "associated".into(),
        }],
        dhcp_options_id: "dopt-5e0123456789abcde".into(),
        instance_tenancy: "default".into(),
        is_default: false,
        tags,
    }
}

fn vgw(attachments: Vec<VpcAttachment>, tags: Vec<Tag>) -> VpnGateway {
    VpnGateway {
        vpn_gateway_id: "vgw-9a4cacf3".into(),
        state: VpnState::Available,
        gateway_type: "ipsec.1".into(),
        availability_zone: None,
        amazon_side_asn: 64512,
        attachments,
        tags,
    }
}

fn wrapped(action: &str, inner: &str) -> String {
    format!(
        "{XML_DECL}<{action}Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
         <requestId>req-1</requestId>{inner}</{action}Response>"
    )
}

const VPC_XML: &str = "<vpcId>vpc-0a60eb65b4e123456</vpcId><ownerId>123456789012</ownerId>\
    <state>pending</state><cidrBlock>10.0.0.0/16</cidrBlock>\
    <cidrBlockAssociationSet><item><associationId>vpc-cidr-assoc-07501b79ec1234567</associationId>\
    <cidrBlock>10.0.0.0/16</cidrBlock><cidrBlockState><state>associated</state></cidrBlockState>\
    </item></cidrBlockAssociationSet>";

#[test]
fn create_vpc_xml_matches_the_cli_example_fields() {
    let reply = ec2::encode_response(
        &Ec2Response::CreateVpc {
            vpc: vpc(VpcState::Pending, vec![Tag::new("Name", "MyVpc")]),
        },
        "req-1",
    );
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("text/xml;charset=UTF-8"));
    assert_eq!(reply.header("x-amzn-requestid"), Some("req-1"));
    let inner = format!(
        "<vpc>{VPC_XML}<ipv6CidrBlockAssociationSet/><dhcpOptionsId>dopt-5e0123456789abcde</dhcpOptionsId>\
         <tagSet><item><key>Name</key><value>MyVpc</value></item></tagSet>\
         <instanceTenancy>default</instanceTenancy><isDefault>false</isDefault></vpc>"
    );
    assert_eq!(text(&reply), wrapped("CreateVpc", &inner));
}

#[test]
fn describe_vpcs_xml_omits_empty_tags_and_the_ipv6_set() {
    let listed = vpc(VpcState::Pending, vec![]);
    let reply = ec2::encode_response(
        &Ec2Response::DescribeVpcs {
            vpcs: vec![listed],
            next_token: Some("00ff".into()),
        },
        "req-1",
    );
    let inner = format!(
        "<vpcSet><item>{VPC_XML}<dhcpOptionsId>dopt-5e0123456789abcde</dhcpOptionsId>\
         <instanceTenancy>default</instanceTenancy><isDefault>false</isDefault></item></vpcSet>\
         <nextToken>00ff</nextToken>"
    );
    assert_eq!(text(&reply), wrapped("DescribeVpcs", &inner));
    let empty = ec2::encode_response(
        &Ec2Response::DescribeVpcs {
            vpcs: vec![],
            next_token: None,
        },
        "req-1",
    );
    assert_eq!(text(&empty), wrapped("DescribeVpcs", "<vpcSet/>"));
}

#[test]
fn vpn_gateway_xml_matches_the_cli_example_fields() {
    let created = ec2::encode_response(
        &Ec2Response::CreateVpnGateway {
            vpn_gateway: vgw(vec![], vec![]),
        },
        "req-1",
    );
    assert_eq!(
        text(&created),
        wrapped(
            "CreateVpnGateway",
            "<vpnGateway><vpnGatewayId>vgw-9a4cacf3</vpnGatewayId><state>available</state>\
             <type>ipsec.1</type><attachments/><amazonSideAsn>64512</amazonSideAsn></vpnGateway>"
        )
    );

    let mut zoned = vgw(
        vec![VpcAttachment {
            vpc_id: "vpc-98eb5ef5".into(),
            state: AttachmentState::Attached,
        }],
        vec![Tag::new("Name", "a<b & 'c'")],
    );
    zoned.availability_zone = Some("us-east-1a".into());
    let described = ec2::encode_response(
        &Ec2Response::DescribeVpnGateways {
            vpn_gateways: vec![zoned],
        },
        "req-1",
    );
    assert_eq!(
        text(&described),
        wrapped(
            "DescribeVpnGateways",
            "<vpnGatewaySet><item><vpnGatewayId>vgw-9a4cacf3</vpnGatewayId><state>available</state>\
             <type>ipsec.1</type><availabilityZone>us-east-1a</availabilityZone>\
             <attachments><item><vpcId>vpc-98eb5ef5</vpcId><state>attached</state></item></attachments>\
             <amazonSideAsn>64512</amazonSideAsn>\
             <tagSet><item><key>Name</key><value>a&lt;b &amp; &apos;c&apos;</value></item></tagSet>\
             </item></vpnGatewaySet>"
        )
    );
}

#[test]
fn attach_and_outputless_calls_xml() {
    let attached = ec2::encode_response(
        &Ec2Response::AttachVpnGateway {
            attachment: VpcAttachment {
                vpc_id: "vpc-a01106c2".into(),
                state: AttachmentState::Attaching,
            },
        },
        "req-1",
    );
    assert_eq!(
        text(&attached),
        wrapped(
            "AttachVpnGateway",
            "<attachment><vpcId>vpc-a01106c2</vpcId><state>attaching</state></attachment>"
        )
    );
    for (resp, action) in [
        (Ec2Response::DeleteVpc, "DeleteVpc"),
        (Ec2Response::DetachVpnGateway, "DetachVpnGateway"),
        (Ec2Response::DeleteVpnGateway, "DeleteVpnGateway"),
    ] {
        let reply = ec2::encode_response(&resp, "req-1");
        assert_eq!(text(&reply), wrapped(action, "<return>true</return>"));
    }
}

#[test]
fn ec2_error_xml() {
    let reply = ec2::encode_error(&Ec2Error::vpn_gateway_not_found("vgw-1\"<"), "req-9");
    assert_eq!(reply.status, 400);
    assert_eq!(reply.header("Content-Type"), Some("text/xml;charset=UTF-8"));
    assert_eq!(
        text(&reply),
        format!(
            "{XML_DECL}<Response><Errors><Error><Code>InvalidVpnGatewayID.NotFound</Code>\
             <Message>The vpnGateway ID &apos;vgw-1&quot;&lt;&apos; does not exist</Message>\
             </Error></Errors><RequestID>req-9</RequestID></Response>"
        )
    );
    assert_eq!(ec2::encode_error(&Ec2Error::dry_run(), "r").status, 412);
}

#[test]
fn sts_get_caller_identity_xml() {
    let reply = sts::get_caller_identity("123456789012", "req-3");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("text/xml"));
    let user_id = sts::user_id("123456789012");
    assert_eq!(
        text(&reply),
        format!(
            "{XML_DECL}<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <GetCallerIdentityResult><UserId>{user_id}</UserId><Account>123456789012</Account>\
             <Arn>arn:aws:iam::123456789012:user/dxlocal</Arn></GetCallerIdentityResult>\
             <ResponseMetadata><RequestId>req-3</RequestId></ResponseMetadata>\
             </GetCallerIdentityResponse>"
        )
    );
}

#[test]
fn sts_user_ids_are_stable_per_account() {
    let a = sts::user_id("123456789012");
    assert_eq!(a, sts::user_id("123456789012"));
    assert_ne!(a, sts::user_id("210987654321"));
    assert_eq!(a.len(), 21);
    assert!(a.starts_with("AIDA"));
    assert!(a[4..]
        .bytes()
        .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
}

#[test]
fn sts_error_xml() {
    let reply = sts::encode_error(
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
        403,
        "req-4",
    );
    assert_eq!(reply.status, 403);
    assert_eq!(
        text(&reply),
        format!(
            "{XML_DECL}<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>\
             <Message>The security token included in the request is invalid.</Message></Error>\
             <RequestId>req-4</RequestId></ErrorResponse>"
        )
    );
    let server = sts::encode_error("InternalFailure", "boom", 500, "r");
    assert!(text(&server).contains("<Type>Receiver</Type>"));
}

// ----- Transit gateways -----

#[test]
fn decodes_transit_gateway_calls_as_botocore_sends_them() {
    let cases: Vec<(&str, Ec2Request)> = vec![
        (
            "Action=CreateTransitGateway&Version=2016-11-15&Description=MyTGW\
             &Options.AmazonSideAsn=64513&Options.TransitGatewayCidrBlocks.1=10.0.0.0%2F24\
             &Options.TransitGatewayCidrBlocks.2=10.1.0.0%2F24&Options.DnsSupport=enable\
             &Options.AutoAcceptSharedAttachments=enable&Options.MulticastSupport=disable\
             &Options.SecurityGroupReferencingSupport=enable&Options.VpnEcmpSupport=disable\
             &Options.DefaultRouteTableAssociation=enable&Options.DefaultRouteTablePropagation=disable\
             &TagSpecification.1.ResourceType=transit-gateway&TagSpecification.1.Tag.1.Key=Name\
             &TagSpecification.1.Tag.1.Value=x",
            Ec2Request::CreateTransitGateway {
                description: Some("MyTGW".into()),
                options: TransitGatewayRequestOptions {
                    amazon_side_asn: Some(64513),
                    transit_gateway_cidr_blocks: vec!["10.0.0.0/24".into(), "10.1.0.0/24".into()],
                    auto_accept_shared_attachments: Some("enable".into()),
                    default_route_table_association: Some("enable".into()),
                    default_route_table_propagation: Some("disable".into()),
                    vpn_ecmp_support: Some("disable".into()),
                    dns_support: Some("enable".into()),
                    security_group_referencing_support: Some("enable".into()),
                    multicast_support: Some("disable".into()),
                },
                tag_specifications: vec![TagSpecification {
                    resource_type: Some("transit-gateway".into()),
                    tags: vec![Tag::new("Name", "x")],
                }],
            },
        ),
        (
            "Action=CreateTransitGateway&Version=2016-11-15",
            Ec2Request::CreateTransitGateway {
                description: None,
                options: TransitGatewayRequestOptions::default(),
                tag_specifications: vec![],
            },
        ),
        (
            "Action=DescribeTransitGateways&Version=2016-11-15&TransitGatewayIds.1=tgw-1\
             &TransitGatewayIds.2=tgw-2&Filter.1.Name=state&Filter.1.Value.1=available\
             &MaxResults=5&NextToken=t",
            Ec2Request::DescribeTransitGateways {
                transit_gateway_ids: vec!["tgw-1".into(), "tgw-2".into()],
                filters: vec![Filter::new("state", ["available"])],
                max_results: Some(5),
                next_token: Some("t".into()),
            },
        ),
        (
            "Action=DeleteTransitGateway&Version=2016-11-15&TransitGatewayId=tgw-1",
            Ec2Request::DeleteTransitGateway {
                transit_gateway_id: "tgw-1".into(),
            },
        ),
        (
            "Action=DescribeTransitGatewayAttachments&Version=2016-11-15\
             &TransitGatewayAttachmentIds.1=tgw-attach-1&Filter.1.Name=resource-id\
             &Filter.1.Value.1=x&MaxResults=5&NextToken=t",
            Ec2Request::DescribeTransitGatewayAttachments {
                transit_gateway_attachment_ids: vec!["tgw-attach-1".into()],
                filters: vec![Filter::new("resource-id", ["x"])],
                max_results: Some(5),
                next_token: Some("t".into()),
            },
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(ec2::decode(&form(body)).unwrap(), expected, "{body}");
    }
    let err = |body: &str| ec2::decode(&form(body)).unwrap_err();
    assert_eq!(err("Action=DeleteTransitGateway").code, "MissingParameter");
    assert_eq!(
        err("Action=CreateTransitGateway&Options.AmazonSideAsn=x").message,
        "Value (x) for parameter Options.AmazonSideAsn is invalid."
    );
    assert_eq!(
        err("Action=DescribeTransitGatewayAttachments&MaxResults=many").code,
        "InvalidParameterValue"
    );
    assert_eq!(
        err("Action=DeleteTransitGateway&TransitGatewayId=tgw-1&DryRun=true").status,
        412
    );
}

fn tgw(state: TransitGatewayState, tags: Vec<Tag>) -> TransitGateway {
    TransitGateway {
        transit_gateway_id: "tgw-0262a0e521e123456".into(),
        transit_gateway_arn:
            "arn:aws:ec2:us-east-2:111122223333:transit-gateway/tgw-0262a0e521e123456".into(),
        state,
        owner_id: "111122223333".into(),
        description: Some("MyTGW".into()),
        creation_time: 1_562_767_332,
        options: TransitGatewayOptions {
            amazon_side_asn: 64516,
            transit_gateway_cidr_blocks: vec![],
            auto_accept_shared_attachments: Toggle::Enable,
            default_route_table_association: Toggle::Enable,
            association_default_route_table_id: Some("tgw-rtb-018774adf3e123456".into()),
            default_route_table_propagation: Toggle::Enable,
            propagation_default_route_table_id: Some("tgw-rtb-018774adf3e123456".into()),
            vpn_ecmp_support: Toggle::Enable,
            dns_support: Toggle::Enable,
            security_group_referencing_support: Toggle::Disable,
            multicast_support: Toggle::Disable,
        },
        tags,
    }
}

const TGW_OPTIONS_XML: &str = "<options><amazonSideAsn>64516</amazonSideAsn>\
    <autoAcceptSharedAttachments>enable</autoAcceptSharedAttachments>\
    <defaultRouteTableAssociation>enable</defaultRouteTableAssociation>\
    <associationDefaultRouteTableId>tgw-rtb-018774adf3e123456</associationDefaultRouteTableId>\
    <defaultRouteTablePropagation>enable</defaultRouteTablePropagation>\
    <propagationDefaultRouteTableId>tgw-rtb-018774adf3e123456</propagationDefaultRouteTableId>\
    <vpnEcmpSupport>enable</vpnEcmpSupport><dnsSupport>enable</dnsSupport>\
    <securityGroupReferencingSupport>disable</securityGroupReferencingSupport>\
    <multicastSupport>disable</multicastSupport></options>";

const TGW_HEAD_XML: &str = "<transitGatewayId>tgw-0262a0e521e123456</transitGatewayId>\
    <transitGatewayArn>arn:aws:ec2:us-east-2:111122223333:transit-gateway/tgw-0262a0e521e123456</transitGatewayArn>";

#[test]
fn create_transit_gateway_xml_matches_the_cli_example_fields() {
    let reply = ec2::encode_response(
        &Ec2Response::CreateTransitGateway {
            transit_gateway: tgw(TransitGatewayState::Pending, vec![]),
        },
        "req-1",
    );
    assert_eq!(reply.status, 200);
    let inner = format!(
        "<transitGateway>{TGW_HEAD_XML}<state>pending</state><ownerId>111122223333</ownerId>\
         <description>MyTGW</description><creationTime>2019-07-10T14:02:12.000Z</creationTime>\
         {TGW_OPTIONS_XML}</transitGateway>"
    );
    assert_eq!(text(&reply), wrapped("CreateTransitGateway", &inner));
}

#[test]
fn describe_transit_gateways_xml_always_has_a_tag_set() {
    let mut second = tgw(
        TransitGatewayState::Available,
        vec![Tag::new("Name", "TGW1")],
    );
    second.description = None;
    second.options.transit_gateway_cidr_blocks = vec!["10.0.0.0/24".into(), "2001:db8::/64".into()];
    let reply = ec2::encode_response(
        &Ec2Response::DescribeTransitGateways {
            transit_gateways: vec![tgw(TransitGatewayState::Available, vec![]), second],
            next_token: Some("0000000000000002".into()),
        },
        "req-1",
    );
    let cidr_options = TGW_OPTIONS_XML.replace(
        "</amazonSideAsn>",
        "</amazonSideAsn><transitGatewayCidrBlocks><item>10.0.0.0/24</item>\
         <item>2001:db8::/64</item></transitGatewayCidrBlocks>",
    );
    let inner = format!(
        "<transitGatewaySet><item>{TGW_HEAD_XML}<state>available</state><ownerId>111122223333</ownerId>\
         <description>MyTGW</description><creationTime>2019-07-10T14:02:12.000Z</creationTime>\
         {TGW_OPTIONS_XML}<tagSet/></item>\
         <item>{TGW_HEAD_XML}<state>available</state><ownerId>111122223333</ownerId>\
         <creationTime>2019-07-10T14:02:12.000Z</creationTime>{cidr_options}\
         <tagSet><item><key>Name</key><value>TGW1</value></item></tagSet></item></transitGatewaySet>\
         <nextToken>0000000000000002</nextToken>"
    );
    assert_eq!(text(&reply), wrapped("DescribeTransitGateways", &inner));
    let empty = ec2::encode_response(
        &Ec2Response::DescribeTransitGateways {
            transit_gateways: vec![],
            next_token: None,
        },
        "req-1",
    );
    assert_eq!(
        text(&empty),
        wrapped("DescribeTransitGateways", "<transitGatewaySet/>")
    );
}

#[test]
fn delete_transit_gateway_xml_has_no_arn() {
    let reply = ec2::encode_response(
        &Ec2Response::DeleteTransitGateway {
            transit_gateway: tgw(TransitGatewayState::Deleting, vec![]),
        },
        "req-1",
    );
    let inner = format!(
        "<transitGateway><transitGatewayId>tgw-0262a0e521e123456</transitGatewayId>\
         <state>deleting</state><ownerId>111122223333</ownerId><description>MyTGW</description>\
         <creationTime>2019-07-10T14:02:12.000Z</creationTime>{TGW_OPTIONS_XML}</transitGateway>"
    );
    assert_eq!(text(&reply), wrapped("DeleteTransitGateway", &inner));
}

fn dx_attachment() -> TransitGatewayAttachment {
    TransitGatewayAttachment {
        transit_gateway_attachment_id: "tgw-attach-08e0bc912ce123456".into(),
        transit_gateway_id: "tgw-02f776b1a7e123456".into(),
        transit_gateway_owner_id: "123456789012".into(),
        resource_owner_id: "210987654321".into(),
        resource_type: TransitGatewayAttachmentResourceType::DirectConnectGateway,
        resource_id: "11460968-4ac1-4fd3-bdb2-00599e123456".into(),
        state: TransitGatewayAttachmentState::Available,
        association: Some(TransitGatewayAttachmentAssociation {
            transit_gateway_route_table_id: "tgw-rtb-002573ed1ee123456".into(),
            state: TransitGatewayAssociationState::Associated,
        }),
        creation_time: 1_565_814_464,
        tags: vec![],
    }
}

#[test]
fn describe_transit_gateway_attachments_xml_matches_the_cli_example_fields() {
    let mut bare = dx_attachment();
    bare.association = None;
    bare.state = TransitGatewayAttachmentState::Deleted;
    let reply = ec2::encode_response(
        &Ec2Response::DescribeTransitGatewayAttachments {
            transit_gateway_attachments: vec![dx_attachment(), bare],
            next_token: None,
        },
        "req-1",
    );
    let head =
        "<transitGatewayAttachmentId>tgw-attach-08e0bc912ce123456</transitGatewayAttachmentId>\
        <transitGatewayId>tgw-02f776b1a7e123456</transitGatewayId>\
        <transitGatewayOwnerId>123456789012</transitGatewayOwnerId>\
        <resourceOwnerId>210987654321</resourceOwnerId>\
        <resourceType>direct-connect-gateway</resourceType>\
        <resourceId>11460968-4ac1-4fd3-bdb2-00599e123456</resourceId>";
    let inner = format!(
        "<transitGatewayAttachments><item>{head}<state>available</state>\
         <association><transitGatewayRouteTableId>tgw-rtb-002573ed1ee123456</transitGatewayRouteTableId>\
         <state>associated</state></association>\
         <creationTime>2019-08-14T20:27:44.000Z</creationTime><tagSet/></item>\
         <item>{head}<state>deleted</state><creationTime>2019-08-14T20:27:44.000Z</creationTime>\
         <tagSet/></item></transitGatewayAttachments>"
    );
    assert_eq!(
        text(&reply),
        wrapped("DescribeTransitGatewayAttachments", &inner)
    );
    let empty = ec2::encode_response(
        &Ec2Response::DescribeTransitGatewayAttachments {
            transit_gateway_attachments: vec![],
            next_token: Some("00".into()),
        },
        "req-1",
    );
    assert_eq!(
        text(&empty),
        wrapped(
            "DescribeTransitGatewayAttachments",
            "<transitGatewayAttachments/><nextToken>00</nextToken>"
        )
    );
}

#[test]
fn transit_gateway_error_xml() {
    let reply = ec2::encode_error(
        &Ec2Error::transit_gateway_has_dx_attachments(
            "tgw-0262a0e521e123456",
            &["tgw-attach-0a09d082b320ed0bc"],
        ),
        "req-9",
    );
    assert_eq!(reply.status, 400);
    assert_eq!(
        text(&reply),
        format!(
            "{XML_DECL}<Response><Errors><Error><Code>IncorrectState</Code>\
             <Message>tgw-0262a0e521e123456 has non-deleted DirectConnect Gateway Attachments: \
             tgw-attach-0a09d082b320ed0bc.</Message></Error></Errors><RequestID>req-9</RequestID></Response>"
        )
    );
}

#[test]
fn timestamps_are_iso8601_with_milliseconds() {
    assert_eq!(ec2::iso8601(0), "1970-01-01T00:00:00.000Z");
    assert_eq!(ec2::iso8601(1_562_767_332), "2019-07-10T14:02:12.000Z");
    assert_eq!(ec2::iso8601(1_566_918_275), "2019-08-27T15:04:35.000Z");
    assert_eq!(ec2::iso8601(951_782_400), "2000-02-29T00:00:00.000Z");
    assert_eq!(ec2::iso8601(4_107_542_399), "2100-02-28T23:59:59.000Z");
    assert_eq!(ec2::iso8601(-1), "1969-12-31T23:59:59.000Z");
}
