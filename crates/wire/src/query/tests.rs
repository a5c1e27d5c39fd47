use dxlocal_model::ec2::{
    AttachmentState, Ec2Error, Ec2Request, Ec2Response, Filter, Tag, TagSpecification, Vpc,
    VpcAttachment, VpcCidrBlockAssociation, VpcState, VpnGateway, VpnState,
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
