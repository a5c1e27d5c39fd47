use dxlocal_model::ec2::{
    AttachmentState, Ec2Error, Ec2Request, Ec2Response, Filter, Tag, TagSpecification, Toggle,
    TransitGateway, TransitGatewayAssociationState, TransitGatewayAttachment,
    TransitGatewayAttachmentAssociation, TransitGatewayAttachmentResourceType,
    TransitGatewayAttachmentState, TransitGatewayRequestOptions, TransitGatewayState, Vpc,
    VpcAttachment, VpcState, VpnGateway, VpnState,
};
use rand::rngs::StdRng;
use rand::SeedableRng;

use super::{
    Ec2Delays, Ec2State, DELETED_TGW_ATTACHMENT_RETENTION, DELETED_TGW_RETENTION,
    DELETED_VGW_RETENTION,
};

const ACCOUNT: &str = "123456789012";
const OTHER_ACCOUNT: &str = "210987654321";
const REGION: &str = "us-east-1";
const OTHER_REGION: &str = "eu-west-1";

struct World {
    ec2: Ec2State,
    rng: StdRng,
    now: f64,
    delays: Ec2Delays,
}

impl World {
    fn new(delays: Ec2Delays) -> Self {
        World {
            ec2: Ec2State::default(),
            rng: StdRng::seed_from_u64(42),
            now: 1_000.0,
            delays,
        }
    }

    fn instant() -> Self {
        Self::new(Ec2Delays::INSTANT)
    }

    fn realistic() -> Self {
        Self::new(Ec2Delays::REALISTIC)
    }

    fn call_as(
        &mut self,
        account: &str,
        region: &str,
        req: Ec2Request,
    ) -> Result<Ec2Response, Ec2Error> {
        let World {
            ec2,
            rng,
            now,
            delays,
        } = self;
        ec2.execute(account, region, req, *now, rng, delays)
    }

    fn call(&mut self, req: Ec2Request) -> Result<Ec2Response, Ec2Error> {
        self.call_as(ACCOUNT, REGION, req)
    }

    fn advance(&mut self, seconds: f64) {
        self.now += seconds;
    }

    fn create_vpc_as(&mut self, account: &str, region: &str, cidr: &str) -> Vpc {
        let req = Ec2Request::CreateVpc {
            cidr_block: Some(cidr.into()),
            instance_tenancy: None,
            tag_specifications: vec![],
        };
        match self.call_as(account, region, req).expect("CreateVpc") {
            Ec2Response::CreateVpc { vpc } => vpc,
            other => panic!("unexpected {other:?}"),
        }
    }

    fn create_vpc(&mut self, cidr: &str) -> Vpc {
        self.create_vpc_as(ACCOUNT, REGION, cidr)
    }

    fn create_vgw_as(&mut self, account: &str, region: &str) -> VpnGateway {
        match self
            .call_as(account, region, create_vgw(None))
            .expect("CreateVpnGateway")
        {
            Ec2Response::CreateVpnGateway { vpn_gateway } => vpn_gateway,
            other => panic!("unexpected {other:?}"),
        }
    }

    fn create_vgw(&mut self) -> VpnGateway {
        self.create_vgw_as(ACCOUNT, REGION)
    }

    fn describe_vpcs(&mut self, ids: &[&str], filters: Vec<Filter>) -> Result<Vec<Vpc>, Ec2Error> {
        let req = Ec2Request::DescribeVpcs {
            vpc_ids: ids.iter().map(|s| s.to_string()).collect(),
            filters,
            max_results: None,
            next_token: None,
        };
        self.call(req).map(|r| match r {
            Ec2Response::DescribeVpcs {
                vpcs,
                next_token: None,
            } => vpcs,
            other => panic!("unexpected {other:?}"),
        })
    }

    fn describe_vgws(
        &mut self,
        ids: &[&str],
        filters: Vec<Filter>,
    ) -> Result<Vec<VpnGateway>, Ec2Error> {
        let req = Ec2Request::DescribeVpnGateways {
            vpn_gateway_ids: ids.iter().map(|s| s.to_string()).collect(),
            filters,
        };
        self.call(req).map(|r| match r {
            Ec2Response::DescribeVpnGateways { vpn_gateways } => vpn_gateways,
            other => panic!("unexpected {other:?}"),
        })
    }

    fn vgw(&mut self, id: &str) -> VpnGateway {
        self.describe_vgws(&[id], vec![])
            .expect("DescribeVpnGateways")
            .remove(0)
    }

    fn vpc_state(&mut self, id: &str) -> VpcState {
        self.describe_vpcs(&[id], vec![]).expect("DescribeVpcs")[0].state
    }
}

fn create_vgw(asn: Option<i64>) -> Ec2Request {
    Ec2Request::CreateVpnGateway {
        gateway_type: "ipsec.1".into(),
        amazon_side_asn: asn,
        availability_zone: None,
        tag_specifications: vec![],
    }
}

fn attach(vgw: &str, vpc: &str) -> Ec2Request {
    Ec2Request::AttachVpnGateway {
        vpc_id: vpc.into(),
        vpn_gateway_id: vgw.into(),
    }
}

fn detach(vgw: &str, vpc: &str) -> Ec2Request {
    Ec2Request::DetachVpnGateway {
        vpc_id: vpc.into(),
        vpn_gateway_id: vgw.into(),
    }
}

fn delete_vgw(vgw: &str) -> Ec2Request {
    Ec2Request::DeleteVpnGateway {
        vpn_gateway_id: vgw.into(),
    }
}

fn delete_vpc(vpc: &str) -> Ec2Request {
    Ec2Request::DeleteVpc { vpc_id: vpc.into() }
}

fn code(r: Result<impl std::fmt::Debug, Ec2Error>) -> String {
    r.expect_err("expected an error").code
}

#[test]
fn create_vpc_answers_pending_then_describe_shows_available() {
    let mut w = World::instant();
    let vpc = w.create_vpc("10.0.0.0/16");
    assert_eq!(vpc.state, VpcState::Pending);
    assert!(vpc.vpc_id.starts_with("vpc-") && vpc.vpc_id.len() == 21);
    assert_eq!(vpc.owner_id, ACCOUNT);
    assert_eq!(vpc.cidr_block, "10.0.0.0/16");
    assert_eq!(vpc.instance_tenancy, "default");
    assert!(!vpc.is_default);
    assert!(vpc.dhcp_options_id.starts_with("dopt-") && vpc.dhcp_options_id.len() == 22);
    let assoc = &vpc.cidr_block_associations[0];
    assert!(
        assoc.association_id.starts_with("vpc-cidr-assoc-") && assoc.association_id.len() == 32
    );
    assert_eq!(
        (assoc.cidr_block.as_str(), assoc.state.as_str()),
        ("10.0.0.0/16", "associated")
    );
    assert_eq!(w.vpc_state(&vpc.vpc_id), VpcState::Available);

    // Every VPC of an account and region shares the default DHCP options.
    let second = w.create_vpc("10.1.0.0/16");
    assert_eq!(second.dhcp_options_id, vpc.dhcp_options_id);
}

#[test]
fn vpc_becomes_available_only_after_its_delay() {
    let mut w = World::realistic();
    let vpc = w.create_vpc("10.0.0.0/16");
    w.advance(1.5);
    assert_eq!(w.vpc_state(&vpc.vpc_id), VpcState::Pending);
    w.advance(0.5);
    assert_eq!(w.vpc_state(&vpc.vpc_id), VpcState::Available);
}

#[test]
fn create_vpc_validates_its_parameters() {
    let mut w = World::instant();
    let mut create = |cidr: Option<&str>, tenancy: Option<&str>| {
        w.call(Ec2Request::CreateVpc {
            cidr_block: cidr.map(Into::into),
            instance_tenancy: tenancy.map(Into::into),
            tag_specifications: vec![],
        })
    };
    assert_eq!(code(create(None, None)), "MissingParameter");
    assert_eq!(code(create(Some("10.0.0.0/8"), None)), "InvalidVpcRange");
    assert_eq!(code(create(Some("banana"), None)), "InvalidParameterValue");
    assert_eq!(
        code(create(Some("10.0.0.0/16"), Some("host"))),
        "InvalidParameterValue"
    );
    match create(Some("10.0.0.9/24"), Some("dedicated")).unwrap() {
        Ec2Response::CreateVpc { vpc } => {
            assert_eq!(vpc.cidr_block, "10.0.0.0/24");
            assert_eq!(vpc.instance_tenancy, "dedicated");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn describe_vpcs_reports_unknown_and_malformed_ids() {
    let mut w = World::instant();
    let vpc = w.create_vpc("10.0.0.0/16");
    let err = w
        .describe_vpcs(
            &[
                &vpc.vpc_id,
                "vpc-0123456789abcdef0",
                "vpc-0123456789abcdef1",
            ],
            vec![],
        )
        .unwrap_err();
    assert_eq!(err.code, "InvalidVpcID.NotFound");
    assert_eq!(
        err.message,
        "The vpc IDs 'vpc-0123456789abcdef0, vpc-0123456789abcdef1' do not exist"
    );
    assert_eq!(
        code(w.describe_vpcs(&["vpc-nothex!"], vec![])),
        "InvalidVpcID.Malformed"
    );
    // The same ID twice is answered once.
    assert_eq!(
        w.describe_vpcs(&[&vpc.vpc_id, &vpc.vpc_id], vec![])
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn describe_vpcs_filters() {
    let mut w = World::instant();
    let tagged = match w
        .call(Ec2Request::CreateVpc {
            cidr_block: Some("10.0.0.0/16".into()),
            instance_tenancy: None,
            tag_specifications: vec![TagSpecification {
                resource_type: Some("vpc".into()),
                tags: vec![Tag::new("Name", "prod-vpc")],
            }],
        })
        .unwrap()
    {
        Ec2Response::CreateVpc { vpc } => vpc,
        other => panic!("unexpected {other:?}"),
    };
    assert_eq!(tagged.tags, vec![Tag::new("Name", "prod-vpc")]);
    let plain = w.create_vpc("10.1.0.0/16");
    let ids = |vpcs: Vec<Vpc>| vpcs.into_iter().map(|v| v.vpc_id).collect::<Vec<_>>();

    let all = ids(w.describe_vpcs(&[], vec![]).unwrap());
    assert_eq!(
        all,
        vec![tagged.vpc_id.clone(), plain.vpc_id.clone()],
        "creation order"
    );
    let by = |w: &mut World, name: &str, values: &[&str]| {
        ids(w
            .describe_vpcs(&[], vec![Filter::new(name, values.iter().copied())])
            .unwrap())
    };
    assert_eq!(
        by(&mut w, "cidr", &["10.1.0.0/16"]),
        vec![plain.vpc_id.clone()]
    );
    assert_eq!(
        by(&mut w, "cidr-block", &["10.0.0.0/16"]),
        vec![tagged.vpc_id.clone()]
    );
    assert_eq!(
        by(&mut w, "cidr-block-association.cidr-block", &["10.1.*"]),
        vec![plain.vpc_id.clone()]
    );
    assert_eq!(
        by(&mut w, "tag:Name", &["prod-*"]),
        vec![tagged.vpc_id.clone()]
    );
    assert_eq!(
        by(&mut w, "tag-key", &["Name"]),
        vec![tagged.vpc_id.clone()]
    );
    assert_eq!(
        by(&mut w, "vpc-id", &[&plain.vpc_id, "vpc-00000000"]),
        vec![plain.vpc_id.clone()]
    );
    assert_eq!(by(&mut w, "state", &["available"]).len(), 2);
    assert_eq!(by(&mut w, "state", &["pending"]).len(), 0);
    assert_eq!(by(&mut w, "owner-id", &[ACCOUNT]).len(), 2);
    assert_eq!(by(&mut w, "is-default", &["false"]).len(), 2);
    // Several filters must all hold.
    let both = w
        .describe_vpcs(
            &[],
            vec![
                Filter::new("state", ["available"]),
                Filter::new("cidr", ["10.9.0.0/16"]),
            ],
        )
        .unwrap();
    assert!(both.is_empty());
    // IDs and filters combine.
    let none = w
        .describe_vpcs(
            &[&plain.vpc_id],
            vec![Filter::new("tag:Name", ["prod-vpc"])],
        )
        .unwrap();
    assert!(none.is_empty());
    assert_eq!(
        code(w.describe_vpcs(&[], vec![Filter::new("flavour", ["x"])])),
        "InvalidParameterValue"
    );
}

#[test]
fn describe_vpcs_pages_with_max_results() {
    let mut w = World::instant();
    let created: Vec<String> = (0..7)
        .map(|i| w.create_vpc(&format!("10.{i}.0.0/16")).vpc_id)
        .collect();
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let resp = w
            .call(Ec2Request::DescribeVpcs {
                vpc_ids: vec![],
                filters: vec![],
                max_results: Some(5),
                next_token: token.take(),
            })
            .unwrap();
        let Ec2Response::DescribeVpcs { vpcs, next_token } = resp else {
            panic!()
        };
        assert!(vpcs.len() <= 5);
        seen.extend(vpcs.into_iter().map(|v| v.vpc_id));
        match next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    assert_eq!(seen, created);
    let bad = |max, token: Option<&str>| Ec2Request::DescribeVpcs {
        vpc_ids: vec![],
        filters: vec![],
        max_results: max,
        next_token: token.map(Into::into),
    };
    assert_eq!(code(w.call(bad(Some(4), None))), "InvalidParameterValue");
    assert_eq!(code(w.call(bad(Some(1001), None))), "InvalidParameterValue");
    assert_eq!(
        code(w.call(bad(None, Some("garbage")))),
        "InvalidPaginationToken"
    );
}

#[test]
fn create_vpn_gateway_defaults_and_validation() {
    let mut w = World::instant();
    let gw = w.create_vgw();
    assert_eq!(gw.state, VpnState::Available);
    assert_eq!(gw.gateway_type, "ipsec.1");
    assert_eq!(gw.amazon_side_asn, 64512);
    assert!(gw.attachments.is_empty() && gw.tags.is_empty() && gw.availability_zone.is_none());
    assert!(gw.vpn_gateway_id.starts_with("vgw-") && gw.vpn_gateway_id.len() == 21);

    for ok in [64512, 65001, 65534, 4_200_000_000, 4_294_967_294] {
        match w.call(create_vgw(Some(ok))).unwrap() {
            Ec2Response::CreateVpnGateway { vpn_gateway } => {
                assert_eq!(vpn_gateway.amazon_side_asn, ok)
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    for bad in [0, 7224, 64511, 65535, 4_199_999_999, 4_294_967_295, -1] {
        assert_eq!(
            code(w.call(create_vgw(Some(bad)))),
            "InvalidParameterValue",
            "{bad}"
        );
    }
    let wrong_type = Ec2Request::CreateVpnGateway {
        gateway_type: "ipsec.2".into(),
        amazon_side_asn: None,
        availability_zone: None,
        tag_specifications: vec![],
    };
    assert_eq!(code(w.call(wrong_type)), "InvalidParameterValue");
    let zoned = |az: &str| Ec2Request::CreateVpnGateway {
        gateway_type: "ipsec.1".into(),
        amazon_side_asn: None,
        availability_zone: Some(az.into()),
        tag_specifications: vec![TagSpecification {
            resource_type: Some("vpn-gateway".into()),
            tags: vec![Tag::new("Name", "gw")],
        }],
    };
    match w.call(zoned("us-east-1a")).unwrap() {
        Ec2Response::CreateVpnGateway { vpn_gateway } => {
            assert_eq!(vpn_gateway.availability_zone.as_deref(), Some("us-east-1a"));
            assert_eq!(vpn_gateway.tags, vec![Tag::new("Name", "gw")]);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(code(w.call(zoned("eu-west-1a"))), "InvalidParameterValue");
}

#[test]
fn attach_and_detach_run_through_their_states_instantly() {
    let mut w = World::instant();
    let vpc = w.create_vpc("10.0.0.0/16");
    let gw = w.create_vgw();
    let id = gw.vpn_gateway_id.as_str();

    let resp = w.call(attach(id, &vpc.vpc_id)).unwrap();
    assert_eq!(
        resp,
        Ec2Response::AttachVpnGateway {
            attachment: VpcAttachment {
                vpc_id: vpc.vpc_id.clone(),
                state: AttachmentState::Attaching
            }
        }
    );
    let seen = w.vgw(id);
    assert_eq!(
        seen.attachments,
        vec![VpcAttachment {
            vpc_id: vpc.vpc_id.clone(),
            state: AttachmentState::Attached
        }]
    );
    assert_eq!(
        w.ec2.attached_vpc_cidrs(ACCOUNT, REGION, id),
        vec!["10.0.0.0/16".to_owned()]
    );

    assert_eq!(
        w.call(detach(id, &vpc.vpc_id)).unwrap(),
        Ec2Response::DetachVpnGateway
    );
    let seen = w.vgw(id);
    // EC2 keeps showing the VPC, as detached.
    assert_eq!(
        seen.attachments,
        vec![VpcAttachment {
            vpc_id: vpc.vpc_id.clone(),
            state: AttachmentState::Detached
        }]
    );
    assert!(w.ec2.attached_vpc_cidrs(ACCOUNT, REGION, id).is_empty());
    assert_eq!(
        code(w.call(detach(id, &vpc.vpc_id))),
        "InvalidVpnGatewayAttachment.NotFound"
    );

    // Attaching again replaces the detached entry.
    w.call(attach(id, &vpc.vpc_id)).unwrap();
    assert_eq!(w.vgw(id).attachments.len(), 1);
    assert_eq!(w.vgw(id).attachments[0].state, AttachmentState::Attached);
}

#[test]
fn attach_and_detach_take_their_delays() {
    let mut w = World::realistic();
    let vpc = w.create_vpc("10.0.0.0/16");
    let gw = w.create_vgw();
    let id = gw.vpn_gateway_id.as_str();
    w.call(attach(id, &vpc.vpc_id)).unwrap();
    w.advance(1.0);
    assert_eq!(w.vgw(id).attachments[0].state, AttachmentState::Attaching);
    assert!(
        w.ec2.attached_vpc_cidrs(ACCOUNT, REGION, id).is_empty(),
        "not attached yet"
    );
    w.advance(1.0);
    assert_eq!(w.vgw(id).attachments[0].state, AttachmentState::Attached);

    w.call(detach(id, &vpc.vpc_id)).unwrap();
    assert_eq!(w.vgw(id).attachments[0].state, AttachmentState::Detaching);
    assert_eq!(code(w.call(detach(id, &vpc.vpc_id))), "IncorrectState");
    // While detaching, the VPC still has a dependency and the gateway is in use.
    assert_eq!(code(w.call(delete_vpc(&vpc.vpc_id))), "DependencyViolation");
    assert_eq!(code(w.call(delete_vgw(id))), "IncorrectState");
    w.advance(2.0);
    assert_eq!(w.vgw(id).attachments[0].state, AttachmentState::Detached);
    w.call(delete_vpc(&vpc.vpc_id)).unwrap();
}

#[test]
fn detach_while_attaching_supersedes_the_pending_attach() {
    let mut w = World::realistic();
    let vpc = w.create_vpc("10.0.0.0/16");
    let id = w.create_vgw().vpn_gateway_id;
    w.call(attach(&id, &vpc.vpc_id)).unwrap();
    w.call(detach(&id, &vpc.vpc_id)).unwrap();
    w.advance(10.0);
    assert_eq!(w.vgw(&id).attachments[0].state, AttachmentState::Detached);
}

#[test]
fn attach_refuses_conflicts() {
    let mut w = World::instant();
    let vpc_a = w.create_vpc("10.0.0.0/16");
    let vpc_b = w.create_vpc("10.1.0.0/16");
    let gw1 = w.create_vgw().vpn_gateway_id;
    let gw2 = w.create_vgw().vpn_gateway_id;
    w.call(attach(&gw1, &vpc_a.vpc_id)).unwrap();
    assert_eq!(
        code(w.call(attach(&gw1, &vpc_b.vpc_id))),
        "VpnGatewayAttachmentLimitExceeded"
    );
    assert_eq!(
        code(w.call(attach(&gw1, &vpc_a.vpc_id))),
        "VpnGatewayAttachmentLimitExceeded"
    );
    let err = w.call(attach(&gw2, &vpc_a.vpc_id)).unwrap_err();
    assert_eq!(err.code, "InvalidVpcState");
    assert_eq!(
        err.message,
        format!(
            "VPC {} is currently attached to the Virtual Private Gateway.",
            vpc_a.vpc_id
        )
    );
    assert_eq!(
        code(w.call(attach(&gw2, "vpc-0123456789abcdef0"))),
        "InvalidVpcID.NotFound"
    );
    assert_eq!(
        code(w.call(attach("vgw-0123456789abcdef0", &vpc_b.vpc_id))),
        "InvalidVpnGatewayID.NotFound"
    );
    assert_eq!(
        code(w.call(attach("vgw-x", &vpc_b.vpc_id))),
        "InvalidVpnGatewayID.Malformed"
    );
    assert_eq!(
        code(w.call(attach(&gw2, "subnet-1"))),
        "InvalidVpcID.Malformed"
    );
    assert_eq!(
        code(w.call(detach(&gw2, &vpc_b.vpc_id))),
        "InvalidVpnGatewayAttachment.NotFound"
    );
}

#[test]
fn delete_vpn_gateway_lifecycle() {
    let mut w = World::realistic();
    let vpc = w.create_vpc("10.0.0.0/16");
    let id = w.create_vgw().vpn_gateway_id;
    w.call(attach(&id, &vpc.vpc_id)).unwrap();
    w.advance(2.0);
    let err = w.call(delete_vgw(&id)).unwrap_err();
    assert_eq!(err.code, "IncorrectState");
    assert!(err.message.contains(&vpc.vpc_id), "{}", err.message);
    assert_eq!(code(w.call(delete_vpc(&vpc.vpc_id))), "DependencyViolation");

    w.call(detach(&id, &vpc.vpc_id)).unwrap();
    w.advance(2.0);
    assert_eq!(
        w.call(delete_vgw(&id)).unwrap(),
        Ec2Response::DeleteVpnGateway
    );
    assert_eq!(w.vgw(&id).state, VpnState::Deleting);
    // A repeated delete while deleting is harmless.
    assert_eq!(
        w.call(delete_vgw(&id)).unwrap(),
        Ec2Response::DeleteVpnGateway
    );
    assert_eq!(
        code(w.call(attach(&id, &vpc.vpc_id))),
        "InvalidVpnGatewayState"
    );
    w.advance(2.0);
    assert_eq!(w.vgw(&id).state, VpnState::Deleted);
    assert_eq!(
        w.ec2.vpn_gateways(ACCOUNT, REGION).count(),
        1,
        "deleted gateways stay listed"
    );
    // Gone as far as changes go.
    assert_eq!(
        code(w.call(delete_vgw(&id))),
        "InvalidVpnGatewayID.NotFound"
    );
    assert_eq!(
        code(w.call(attach(&id, &vpc.vpc_id))),
        "InvalidVpnGatewayID.NotFound"
    );

    w.advance(DELETED_VGW_RETENTION - 1.0);
    assert_eq!(w.vgw(&id).state, VpnState::Deleted);
    w.advance(1.0);
    assert_eq!(
        code(w.describe_vgws(&[&id], vec![])),
        "InvalidVpnGatewayID.NotFound"
    );
    assert!(w.describe_vgws(&[], vec![]).unwrap().is_empty());

    w.call(delete_vpc(&vpc.vpc_id)).unwrap();
    assert_eq!(
        code(w.describe_vpcs(&[&vpc.vpc_id], vec![])),
        "InvalidVpcID.NotFound"
    );
    assert_eq!(
        code(w.call(delete_vpc(&vpc.vpc_id))),
        "InvalidVpcID.NotFound"
    );
}

#[test]
fn a_long_jump_applies_every_step_in_order() {
    let mut w = World::realistic();
    let id = w.create_vgw().vpn_gateway_id;
    w.call(delete_vgw(&id)).unwrap();
    w.advance(DELETED_VGW_RETENTION * 2.0);
    assert_eq!(
        code(w.describe_vgws(&[&id], vec![])),
        "InvalidVpnGatewayID.NotFound"
    );
    assert!(w.ec2.next_due().is_none());
}

#[test]
fn describe_vpn_gateways_filters() {
    let mut w = World::instant();
    let vpc = w.create_vpc("10.0.0.0/16");
    let attached = w.create_vgw().vpn_gateway_id;
    let spare = match w.call(create_vgw(Some(65001))).unwrap() {
        Ec2Response::CreateVpnGateway { vpn_gateway } => vpn_gateway.vpn_gateway_id,
        other => panic!("unexpected {other:?}"),
    };
    w.call(attach(&attached, &vpc.vpc_id)).unwrap();
    let ids = |w: &mut World, name: &str, values: &[&str]| {
        w.describe_vgws(&[], vec![Filter::new(name, values.iter().copied())])
            .unwrap()
            .into_iter()
            .map(|g| g.vpn_gateway_id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&mut w, "attachment.vpc-id", &[&vpc.vpc_id]),
        vec![attached.clone()]
    );
    assert_eq!(
        ids(&mut w, "attachment.state", &["attached"]),
        vec![attached.clone()]
    );
    assert_eq!(
        ids(&mut w, "vpn-gateway-id", &[&spare]),
        vec![spare.clone()]
    );
    assert_eq!(
        ids(&mut w, "amazon-side-asn", &["65001"]),
        vec![spare.clone()]
    );
    assert_eq!(
        ids(&mut w, "state", &["available"]),
        vec![attached.clone(), spare.clone()]
    );
    assert_eq!(ids(&mut w, "type", &["ipsec.1"]).len(), 2);
    assert!(ids(&mut w, "tag:Name", &["*"]).is_empty());
    assert_eq!(
        code(w.describe_vgws(&[], vec![Filter::new("attachment.colour", ["x"])])),
        "InvalidParameterValue"
    );
    let err = w
        .describe_vgws(&[&spare, "vgw-0123456789abcdef0"], vec![])
        .unwrap_err();
    assert_eq!(
        err.message,
        "The vpnGateway ID 'vgw-0123456789abcdef0' does not exist"
    );
    assert_eq!(
        code(w.describe_vgws(&["vgw-!"], vec![])),
        "InvalidVpnGatewayID.Malformed"
    );
}

#[test]
fn accounts_and_regions_do_not_see_each_other() {
    let mut w = World::instant();
    let vpc = w.create_vpc("10.0.0.0/16");
    let gw = w.create_vgw();
    let id = gw.vpn_gateway_id.as_str();
    for (account, region) in [(OTHER_ACCOUNT, REGION), (ACCOUNT, OTHER_REGION)] {
        let describe = Ec2Request::DescribeVpnGateways {
            vpn_gateway_ids: vec![],
            filters: vec![],
        };
        assert_eq!(
            w.call_as(account, region, describe).unwrap(),
            Ec2Response::DescribeVpnGateways {
                vpn_gateways: vec![]
            }
        );
        let by_id = Ec2Request::DescribeVpnGateways {
            vpn_gateway_ids: vec![id.into()],
            filters: vec![],
        };
        assert_eq!(
            code(w.call_as(account, region, by_id)),
            "InvalidVpnGatewayID.NotFound"
        );
        let vpcs = Ec2Request::DescribeVpcs {
            vpc_ids: vec![vpc.vpc_id.clone()],
            filters: vec![],
            max_results: None,
            next_token: None,
        };
        assert_eq!(
            code(w.call_as(account, region, vpcs)),
            "InvalidVpcID.NotFound"
        );
        assert_eq!(
            code(w.call_as(account, region, attach(id, &vpc.vpc_id))),
            "InvalidVpnGatewayID.NotFound"
        );
        assert_eq!(
            code(w.call_as(account, region, delete_vgw(id))),
            "InvalidVpnGatewayID.NotFound"
        );
        assert_eq!(
            code(w.call_as(account, region, delete_vpc(&vpc.vpc_id))),
            "InvalidVpcID.NotFound"
        );
        assert!(w.ec2.vpn_gateway(account, region, id).is_none());
        assert_eq!(w.ec2.vpn_gateways(account, region).count(), 0);
    }
    // A gateway of another account cannot be attached to our VPC either.
    let foreign = w.create_vgw_as(OTHER_ACCOUNT, REGION).vpn_gateway_id;
    assert_eq!(
        code(w.call(attach(&foreign, &vpc.vpc_id))),
        "InvalidVpnGatewayID.NotFound"
    );
    let foreign_vpc = w.create_vpc_as(ACCOUNT, OTHER_REGION, "10.0.0.0/16");
    assert_eq!(
        code(w.call(attach(id, &foreign_vpc.vpc_id))),
        "InvalidVpcID.NotFound"
    );
    assert_eq!(foreign_vpc.owner_id, ACCOUNT);
}

#[test]
fn readers_for_direct_connect() {
    let mut w = World::realistic();
    let first = w.create_vgw().vpn_gateway_id;
    let second = w.create_vgw().vpn_gateway_id;
    let listed: Vec<&str> = w
        .ec2
        .vpn_gateways(ACCOUNT, REGION)
        .map(|g| g.vpn_gateway_id.as_str())
        .collect();
    assert_eq!(listed, vec![first.as_str(), second.as_str()]);
    let gw = w.ec2.vpn_gateway(ACCOUNT, REGION, &first).unwrap();
    assert_eq!(
        (gw.state.as_str(), gw.amazon_side_asn),
        ("available", 64512)
    );

    let vpc = w.create_vpc("172.16.0.0/20");
    w.call(attach(&second, &vpc.vpc_id)).unwrap();
    // Reads through &self show what is stored: settle first.
    w.ec2.settle(w.now + 2.0);
    assert_eq!(
        w.ec2.attached_vpc_cidrs(ACCOUNT, REGION, &second),
        vec!["172.16.0.0/20".to_owned()]
    );
    assert_eq!(
        w.ec2
            .attached_vpc(ACCOUNT, REGION, &second)
            .map(|v| v.vpc_id.as_str()),
        Some(vpc.vpc_id.as_str())
    );
    assert!(w.ec2.attached_vpc_cidrs(ACCOUNT, REGION, &first).is_empty());
    assert!(w
        .ec2
        .attached_vpc_cidrs(ACCOUNT, REGION, "vgw-00000000")
        .is_empty());
    assert_eq!(
        w.ec2.vpc(ACCOUNT, REGION, &vpc.vpc_id).unwrap().state,
        VpcState::Available
    );
}

#[test]
fn the_same_seed_gives_the_same_ids() {
    let run = || {
        let mut w = World::instant();
        let vpc = w.create_vpc("10.0.0.0/16");
        let gw = w.create_vgw();
        (
            vpc.vpc_id,
            vpc.dhcp_options_id,
            vpc.cidr_block_associations[0].association_id.clone(),
            gw.vpn_gateway_id,
        )
    };
    assert_eq!(run(), run());
}

#[test]
fn cloned_state_evolves_independently() {
    let mut w = World::instant();
    let id = w.create_vgw().vpn_gateway_id;
    let snapshot = w.ec2.clone();
    w.call(delete_vgw(&id)).unwrap();
    assert_eq!(
        snapshot.vpn_gateway(ACCOUNT, REGION, &id).unwrap().state,
        VpnState::Available
    );
}

// ----- Transit gateways -----

fn create_tgw_req(asn: Option<i64>) -> Ec2Request {
    Ec2Request::CreateTransitGateway {
        description: None,
        options: TransitGatewayRequestOptions {
            amazon_side_asn: asn,
            ..Default::default()
        },
        tag_specifications: vec![],
    }
}

fn delete_tgw(id: &str) -> Ec2Request {
    Ec2Request::DeleteTransitGateway {
        transit_gateway_id: id.into(),
    }
}

const DXGW: &str = "5f294f92-bafb-4011-916d-9b0bd1234567";

impl World {
    fn create_tgw_as(&mut self, account: &str, region: &str) -> TransitGateway {
        match self
            .call_as(account, region, create_tgw_req(None))
            .expect("CreateTransitGateway")
        {
            Ec2Response::CreateTransitGateway { transit_gateway } => transit_gateway,
            other => panic!("unexpected {other:?}"),
        }
    }

    fn create_tgw(&mut self) -> TransitGateway {
        self.create_tgw_as(ACCOUNT, REGION)
    }

    fn describe_tgws_as(
        &mut self,
        account: &str,
        region: &str,
        ids: &[&str],
        filters: Vec<Filter>,
    ) -> Result<Vec<TransitGateway>, Ec2Error> {
        let req = Ec2Request::DescribeTransitGateways {
            transit_gateway_ids: ids.iter().map(|s| s.to_string()).collect(),
            filters,
            max_results: None,
            next_token: None,
        };
        self.call_as(account, region, req).map(|r| match r {
            Ec2Response::DescribeTransitGateways {
                transit_gateways,
                next_token: None,
            } => transit_gateways,
            other => panic!("unexpected {other:?}"),
        })
    }

    fn describe_tgws(
        &mut self,
        ids: &[&str],
        filters: Vec<Filter>,
    ) -> Result<Vec<TransitGateway>, Ec2Error> {
        self.describe_tgws_as(ACCOUNT, REGION, ids, filters)
    }

    fn tgw(&mut self, id: &str) -> TransitGateway {
        self.describe_tgws(&[id], vec![])
            .expect("DescribeTransitGateways")
            .remove(0)
    }

    fn describe_attachments_as(
        &mut self,
        account: &str,
        region: &str,
        ids: &[&str],
        filters: Vec<Filter>,
    ) -> Result<Vec<TransitGatewayAttachment>, Ec2Error> {
        let req = Ec2Request::DescribeTransitGatewayAttachments {
            transit_gateway_attachment_ids: ids.iter().map(|s| s.to_string()).collect(),
            filters,
            max_results: None,
            next_token: None,
        };
        self.call_as(account, region, req).map(|r| match r {
            Ec2Response::DescribeTransitGatewayAttachments {
                transit_gateway_attachments,
                next_token: None,
            } => transit_gateway_attachments,
            other => panic!("unexpected {other:?}"),
        })
    }

    fn describe_attachments(
        &mut self,
        ids: &[&str],
        filters: Vec<Filter>,
    ) -> Result<Vec<TransitGatewayAttachment>, Ec2Error> {
        self.describe_attachments_as(ACCOUNT, REGION, ids, filters)
    }

    /// What a Direct Connect association with `tgw` does on the EC2 side.
    fn attach_dxgw(&mut self, tgw: &str, dxgw: &str, dxgw_owner: &str) -> String {
        let World { ec2, rng, now, .. } = self;
        ec2.settle(*now);
        ec2.attach_direct_connect_gateway(ACCOUNT, REGION, tgw, dxgw, dxgw_owner, *now, rng)
    }

    fn detach_dxgw(&mut self, attachment: &str) {
        self.ec2.settle(self.now);
        self.ec2
            .detach_direct_connect_gateway(ACCOUNT, REGION, attachment, self.now);
    }
}

#[test]
fn create_transit_gateway_answers_pending_with_its_options() {
    let mut w = World::instant();
    w.now = 1_562_767_332.75; // 2019-07-10T14:02:12.750Z
    let tgw = w.create_tgw();
    assert_eq!(tgw.state, TransitGatewayState::Pending);
    let id = tgw.transit_gateway_id.clone();
    assert!(id.starts_with("tgw-") && id.len() == 21, "{id}");
    assert_eq!(
        tgw.transit_gateway_arn,
        format!("arn:aws:ec2:{REGION}:{ACCOUNT}:transit-gateway/{id}")
    );
    assert_eq!(tgw.owner_id, ACCOUNT);
    assert_eq!(tgw.description, None);
    assert_eq!(tgw.creation_time, 1_562_767_332);
    assert!(tgw.tags.is_empty());
    let o = &tgw.options;
    assert_eq!(o.amazon_side_asn, 64512);
    assert!(o.transit_gateway_cidr_blocks.is_empty());
    let rtb = o.association_default_route_table_id.clone().expect("rtb");
    assert!(rtb.starts_with("tgw-rtb-") && rtb.len() == 25, "{rtb}");
    assert_eq!(o.propagation_default_route_table_id.as_deref(), Some(&*rtb));
    assert_eq!(
        [
            o.auto_accept_shared_attachments,
            o.default_route_table_association,
            o.default_route_table_propagation,
            o.vpn_ecmp_support,
            o.dns_support,
            o.security_group_referencing_support,
            o.multicast_support,
        ],
        [
            Toggle::Disable,
            Toggle::Enable,
            Toggle::Enable,
            Toggle::Enable,
            Toggle::Enable,
            Toggle::Disable,
            Toggle::Disable,
        ]
    );
    let seen = w.tgw(&id);
    assert_eq!(seen.state, TransitGatewayState::Available);
    assert_eq!(
        TransitGateway {
            state: TransitGatewayState::Pending,
            ..seen
        },
        tgw,
        "nothing else changes"
    );
}

#[test]
fn create_transit_gateway_honours_its_parameters() {
    let mut w = World::instant();
    let req = Ec2Request::CreateTransitGateway {
        description: Some("MyTGW".into()),
        options: TransitGatewayRequestOptions {
            amazon_side_asn: Some(4_200_000_000),
            transit_gateway_cidr_blocks: vec!["10.0.0.0/24".into(), "2001:db8::/64".into()],
            auto_accept_shared_attachments: Some("enable".into()),
            default_route_table_association: Some("enable".into()),
            default_route_table_propagation: Some("disable".into()),
            vpn_ecmp_support: Some("disable".into()),
            dns_support: Some("disable".into()),
            security_group_referencing_support: Some("enable".into()),
            multicast_support: Some("enable".into()),
        },
        tag_specifications: vec![TagSpecification {
            resource_type: Some("transit-gateway".into()),
            tags: vec![Tag::new("Name", "TGW1")],
        }],
    };
    let Ec2Response::CreateTransitGateway { transit_gateway: t } = w.call(req).unwrap() else {
        panic!()
    };
    assert_eq!(t.description.as_deref(), Some("MyTGW"));
    assert_eq!(t.tags, vec![Tag::new("Name", "TGW1")]);
    let o = &t.options;
    assert_eq!(o.amazon_side_asn, 4_200_000_000);
    assert_eq!(
        o.transit_gateway_cidr_blocks,
        vec!["10.0.0.0/24".to_owned(), "2001:db8::/64".to_owned()]
    );
    assert!(o.association_default_route_table_id.is_some());
    assert_eq!(o.propagation_default_route_table_id, None);
    assert_eq!(
        (
            o.auto_accept_shared_attachments,
            o.vpn_ecmp_support,
            o.dns_support
        ),
        (Toggle::Enable, Toggle::Disable, Toggle::Disable)
    );
    assert_eq!(
        (o.security_group_referencing_support, o.multicast_support),
        (Toggle::Enable, Toggle::Enable)
    );

    // Neither association nor propagation: no default route table at all.
    let bare = Ec2Request::CreateTransitGateway {
        description: None,
        options: TransitGatewayRequestOptions {
            default_route_table_association: Some("disable".into()),
            default_route_table_propagation: Some("disable".into()),
            ..Default::default()
        },
        tag_specifications: vec![],
    };
    let Ec2Response::CreateTransitGateway { transit_gateway: b } = w.call(bare).unwrap() else {
        panic!()
    };
    assert_eq!(b.options.association_default_route_table_id, None);
    assert_eq!(b.options.propagation_default_route_table_id, None);
}

#[test]
fn create_transit_gateway_validates_its_parameters() {
    let mut w = World::instant();
    for ok in [64512, 65534, 4_200_000_000, 4_294_967_294] {
        assert!(w.call(create_tgw_req(Some(ok))).is_ok(), "{ok}");
    }
    for bad in [0, 64511, 65535, 4_199_999_999, 4_294_967_295] {
        assert_eq!(
            code(w.call(create_tgw_req(Some(bad)))),
            "InvalidParameterValue",
            "{bad}"
        );
    }
    let with = |options: TransitGatewayRequestOptions, specs: Vec<TagSpecification>| {
        Ec2Request::CreateTransitGateway {
            description: None,
            options,
            tag_specifications: specs,
        }
    };
    let err = w
        .call(with(
            TransitGatewayRequestOptions {
                dns_support: Some("on".into()),
                ..Default::default()
            },
            vec![],
        ))
        .unwrap_err();
    assert_eq!(err.code, "InvalidParameterValue");
    assert_eq!(
        err.message,
        "Value (on) for parameter DnsSupport is invalid."
    );
    assert_eq!(
        code(w.call(with(
            TransitGatewayRequestOptions {
                transit_gateway_cidr_blocks: vec!["10.0.0.0/28".into()],
                ..Default::default()
            },
            vec![]
        ))),
        "InvalidParameterValue"
    );
    assert_eq!(
        code(w.call(with(
            Default::default(),
            vec![TagSpecification {
                resource_type: Some("vpc".into()),
                tags: vec![Tag::new("Name", "x")],
            }]
        ))),
        "InvalidParameterValue"
    );
    assert_eq!(
        w.describe_tgws(&[], vec![]).unwrap().len(),
        4,
        "failed calls create nothing"
    );
}

#[test]
fn transit_gateway_becomes_available_after_ten_seconds() {
    let mut w = World::realistic();
    let id = w.create_tgw().transit_gateway_id;
    assert_eq!(w.ec2.transit_gateway_asn(ACCOUNT, REGION, &id), None);
    w.advance(9.5);
    assert_eq!(w.tgw(&id).state, TransitGatewayState::Pending);
    assert_eq!(
        code(w.call(delete_tgw(&id))),
        "IncorrectState",
        "not while pending"
    );
    w.advance(0.5);
    assert_eq!(w.tgw(&id).state, TransitGatewayState::Available);
    assert_eq!(w.ec2.transit_gateway_asn(ACCOUNT, REGION, &id), Some(64512));
}

#[test]
fn transit_gateway_delays_follow_the_lifecycle() {
    assert_eq!(Ec2Delays::REALISTIC.tgw_available(), 10.0);
    assert_eq!(Ec2Delays::INSTANT.tgw_available(), 0.0);
    assert_eq!(Ec2Delays::INSTANT.tgw_delete(), 0.0);
    let engine_table = Ec2Delays {
        vpc_available: 2.0,
        vgw_attach: 2.0,
        vgw_detach: 2.0,
        vgw_delete: 10.0,
    };
    assert_eq!(engine_table.tgw_available(), 10.0);
    assert_eq!(engine_table.tgw_delete(), 10.0);
}

#[test]
fn delete_transit_gateway_lifecycle() {
    let mut w = World::realistic();
    let id = w.create_tgw().transit_gateway_id;
    w.advance(10.0);
    let Ec2Response::DeleteTransitGateway { transit_gateway } = w.call(delete_tgw(&id)).unwrap()
    else {
        panic!()
    };
    assert_eq!(transit_gateway.transit_gateway_id, id);
    assert_eq!(transit_gateway.state, TransitGatewayState::Deleting);
    assert_eq!(w.ec2.transit_gateway_asn(ACCOUNT, REGION, &id), None);
    // Repeating it while deleting answers the same.
    let Ec2Response::DeleteTransitGateway { transit_gateway } = w.call(delete_tgw(&id)).unwrap()
    else {
        panic!()
    };
    assert_eq!(transit_gateway.state, TransitGatewayState::Deleting);
    w.advance(Ec2Delays::REALISTIC.tgw_delete());
    assert_eq!(w.tgw(&id).state, TransitGatewayState::Deleted);
    assert_eq!(
        w.describe_tgws(&[], vec![]).unwrap().len(),
        1,
        "still listed"
    );
    let err = w.call(delete_tgw(&id)).unwrap_err();
    assert_eq!(err.code, "InvalidTransitGatewayID.NotFound");
    assert_eq!(
        err.message,
        format!("Transit Gateway {id} was deleted or does not exist.")
    );
    w.advance(DELETED_TGW_RETENTION);
    assert_eq!(
        code(w.describe_tgws(&[&id], vec![])),
        "InvalidTransitGatewayID.NotFound"
    );
    assert!(w.describe_tgws(&[], vec![]).unwrap().is_empty());
    assert!(w.ec2.next_due().is_none());
}

#[test]
fn delete_transit_gateway_reports_unknown_and_malformed_ids() {
    let mut w = World::instant();
    let err = w.call(delete_tgw("tgw-0123456789abcdef0")).unwrap_err();
    assert_eq!(err.code, "InvalidTransitGatewayID.NotFound");
    assert_eq!(
        err.message,
        "Transit Gateway tgw-0123456789abcdef0 was deleted or does not exist."
    );
    let bad = w
        .call(delete_tgw("tgw-attach-0123456789abcdef0"))
        .unwrap_err();
    assert_eq!(bad.code, "InvalidTransitGatewayID.Malformed");
    assert_eq!(bad.message, "Invalid id: \"tgw-attach-0123456789abcdef0\"");
    assert_eq!(
        code(w.describe_tgws(&["vgw-0123456789abcdef0"], vec![])),
        "InvalidTransitGatewayID.Malformed"
    );
}

#[test]
fn describe_transit_gateways_filters_and_ids() {
    let mut w = World::instant();
    let plain = w.create_tgw().transit_gateway_id;
    let Ec2Response::CreateTransitGateway { transit_gateway } = w
        .call(Ec2Request::CreateTransitGateway {
            description: None,
            options: TransitGatewayRequestOptions {
                amazon_side_asn: Some(65001),
                dns_support: Some("disable".into()),
                ..Default::default()
            },
            tag_specifications: vec![TagSpecification {
                resource_type: None,
                tags: vec![Tag::new("Name", "prod-tgw")],
            }],
        })
        .unwrap()
    else {
        panic!()
    };
    let tagged = transit_gateway.transit_gateway_id.clone();
    let rtb = transit_gateway
        .options
        .association_default_route_table_id
        .clone()
        .unwrap();
    let ids = |w: &mut World, name: &str, values: &[&str]| {
        w.describe_tgws(&[], vec![Filter::new(name, values.iter().copied())])
            .unwrap()
            .into_iter()
            .map(|t| t.transit_gateway_id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&mut w, "state", &["available"]),
        vec![plain.clone(), tagged.clone()]
    );
    assert!(ids(&mut w, "state", &["pending"]).is_empty());
    assert_eq!(
        ids(&mut w, "transit-gateway-id", &[&plain]),
        vec![plain.clone()]
    );
    assert_eq!(ids(&mut w, "owner-id", &[ACCOUNT]).len(), 2);
    assert_eq!(
        ids(&mut w, "options.amazon-side-asn", &["65001"]),
        vec![tagged.clone()]
    );
    assert_eq!(ids(&mut w, "tag:Name", &["prod-*"]), vec![tagged.clone()]);
    assert_eq!(ids(&mut w, "tag-key", &["Name"]), vec![tagged.clone()]);
    assert_eq!(
        ids(&mut w, "options.dns-support", &["disable"]),
        vec![tagged.clone()]
    );
    assert_eq!(
        ids(
            &mut w,
            "options.association-default-route-table-id",
            &[&rtb]
        ),
        vec![tagged.clone()]
    );
    assert_eq!(
        code(w.describe_tgws(&[], vec![Filter::new("resource-id", ["x"])])),
        "InvalidParameterValue"
    );
    // IDs and filters combine; the same ID twice is answered once.
    let both = w
        .describe_tgws(&[&plain, &plain], vec![Filter::new("state", ["available"])])
        .unwrap();
    assert_eq!(both.len(), 1);
    assert!(w
        .describe_tgws(&[&plain], vec![Filter::new("tag:Name", ["prod-tgw"])])
        .unwrap()
        .is_empty());
    let err = w
        .describe_tgws(&[&plain, "tgw-0123456789abcdef0"], vec![])
        .unwrap_err();
    assert_eq!(
        err.message,
        "Transit Gateway tgw-0123456789abcdef0 was deleted or does not exist."
    );
    // Describe always carries the tags, an empty list included.
    assert!(w.tgw(&plain).tags.is_empty());
    assert_eq!(w.tgw(&tagged).tags, vec![Tag::new("Name", "prod-tgw")]);
}

#[test]
fn describe_transit_gateways_pages() {
    let mut w = World::instant();
    let created: Vec<String> = (0..7).map(|_| w.create_tgw().transit_gateway_id).collect();
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let Ec2Response::DescribeTransitGateways {
            transit_gateways,
            next_token,
        } = w
            .call(Ec2Request::DescribeTransitGateways {
                transit_gateway_ids: vec![],
                filters: vec![],
                max_results: Some(5),
                next_token: token.take(),
            })
            .unwrap()
        else {
            panic!()
        };
        assert!(transit_gateways.len() <= 5);
        seen.extend(transit_gateways.into_iter().map(|t| t.transit_gateway_id));
        match next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    assert_eq!(seen, created);
    let bad = |max, token: Option<&str>| Ec2Request::DescribeTransitGateways {
        transit_gateway_ids: vec![],
        filters: vec![],
        max_results: max,
        next_token: token.map(Into::into),
    };
    assert_eq!(code(w.call(bad(Some(4), None))), "InvalidParameterValue");
    assert_eq!(code(w.call(bad(Some(1001), None))), "InvalidParameterValue");
    assert_eq!(
        code(w.call(bad(None, Some("nope")))),
        "InvalidPaginationToken"
    );
}

#[test]
fn dx_attachment_blocks_deletion_until_detached() {
    let mut w = World::instant();
    w.now = 1_565_814_464.0; // 2019-08-14T20:27:44Z
    let tgw = w.create_tgw();
    let id = tgw.transit_gateway_id.clone();
    let rtb = tgw
        .options
        .association_default_route_table_id
        .clone()
        .unwrap();
    w.ec2.settle(w.now);
    assert_eq!(w.ec2.transit_gateway_asn(ACCOUNT, REGION, &id), Some(64512));

    let att_id = w.attach_dxgw(&id, DXGW, ACCOUNT);
    assert!(
        att_id.starts_with("tgw-attach-") && att_id.len() == 28,
        "{att_id}"
    );
    let expected = TransitGatewayAttachment {
        transit_gateway_attachment_id: att_id.clone(),
        transit_gateway_id: id.clone(),
        transit_gateway_owner_id: ACCOUNT.into(),
        resource_owner_id: ACCOUNT.into(),
        resource_type: TransitGatewayAttachmentResourceType::DirectConnectGateway,
        resource_id: DXGW.into(),
        state: TransitGatewayAttachmentState::Available,
        association: Some(TransitGatewayAttachmentAssociation {
            transit_gateway_route_table_id: rtb.clone(),
            state: TransitGatewayAssociationState::Associated,
        }),
        creation_time: 1_565_814_464,
        tags: vec![],
    };
    assert_eq!(
        w.describe_attachments(&[], vec![]).unwrap(),
        vec![expected.clone()]
    );
    assert_eq!(
        w.ec2.transit_gateway_attachment(REGION, &att_id),
        Some(&expected)
    );
    // Terraform's lookup for the association's attachment.
    let tf = w
        .describe_attachments(
            &[],
            vec![
                Filter::new("resource-type", ["direct-connect-gateway"]),
                Filter::new("resource-id", [DXGW]),
                Filter::new("transit-gateway-id", [id.as_str()]),
            ],
        )
        .unwrap();
    assert_eq!(tf, vec![expected.clone()]);

    let err = w.call(delete_tgw(&id)).unwrap_err();
    assert_eq!((err.code.as_str(), err.status), ("IncorrectState", 400));
    assert_eq!(
        err.message,
        format!("{id} has non-deleted DirectConnect Gateway Attachments: {att_id}.")
    );
    assert_eq!(w.tgw(&id).state, TransitGatewayState::Available);

    w.detach_dxgw(&att_id);
    let now = w.ec2.transit_gateway_attachment(REGION, &att_id).unwrap();
    assert_eq!(now.state, TransitGatewayAttachmentState::Deleting);
    assert_eq!(
        now.association.as_ref().unwrap().state,
        TransitGatewayAssociationState::Disassociating
    );
    // Repeating the detach changes nothing.
    w.detach_dxgw(&att_id);

    let Ec2Response::DeleteTransitGateway { transit_gateway } = w.call(delete_tgw(&id)).unwrap()
    else {
        panic!()
    };
    assert_eq!(transit_gateway.state, TransitGatewayState::Deleting);
    // EC2 keeps listing the deleted attachment for a while.
    let listed = w.describe_attachments(&[&att_id], vec![]).unwrap();
    assert_eq!(listed[0].state, TransitGatewayAttachmentState::Deleted);
    assert_eq!(
        listed[0].association.as_ref().unwrap().state,
        TransitGatewayAssociationState::Disassociated
    );
    w.advance(DELETED_TGW_ATTACHMENT_RETENTION);
    let err = w.describe_attachments(&[&att_id], vec![]).unwrap_err();
    assert_eq!(err.code, "InvalidTransitGatewayAttachmentID.NotFound");
    assert_eq!(
        err.message,
        format!("Transit Gateway Attachment {att_id} was deleted or does not exist.")
    );
    assert!(w.ec2.transit_gateway_attachment(REGION, &att_id).is_none());
    assert!(w.describe_attachments(&[], vec![]).unwrap().is_empty());
}

#[test]
fn every_live_dx_attachment_is_named_and_a_timed_detach_keeps_blocking() {
    let mut w = World::instant();
    let id = w.create_tgw().transit_gateway_id;
    let first = w.attach_dxgw(&id, DXGW, ACCOUNT);
    let second = w.attach_dxgw(&id, "76087ded-bffe-40a0-98a1-d915eb945303", OTHER_ACCOUNT);
    let err = w.call(delete_tgw(&id)).unwrap_err();
    assert_eq!(
        err.message,
        format!("{id} has non-deleted DirectConnect Gateway Attachments: {first}, {second}.")
    );
    w.detach_dxgw(&first);
    w.ec2
        .detach_direct_connect_gateway_after(ACCOUNT, REGION, &second, w.now, 10.0);
    w.advance(5.0);
    let err = w.call(delete_tgw(&id)).unwrap_err();
    assert_eq!(
        err.message,
        format!("{id} has non-deleted DirectConnect Gateway Attachments: {second}."),
        "deleting still counts"
    );
    w.advance(5.0);
    assert!(w.call(delete_tgw(&id)).is_ok());
}

#[test]
fn an_attachment_is_recreated_beside_the_deleted_one() {
    let mut w = World::instant();
    let id = w.create_tgw().transit_gateway_id;
    let old = w.attach_dxgw(&id, DXGW, ACCOUNT);
    w.detach_dxgw(&old);
    let new = w.attach_dxgw(&id, DXGW, ACCOUNT);
    assert_ne!(old, new);
    let states: Vec<_> = w
        .describe_attachments(&[], vec![Filter::new("resource-id", [DXGW])])
        .unwrap()
        .into_iter()
        .map(|a| (a.transit_gateway_attachment_id, a.state))
        .collect();
    assert_eq!(
        states,
        vec![
            (old, TransitGatewayAttachmentState::Deleted),
            (new.clone(), TransitGatewayAttachmentState::Available)
        ]
    );
    let live = w
        .describe_attachments(&[], vec![Filter::new("state", ["available"])])
        .unwrap();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].transit_gateway_attachment_id, new);
}

#[test]
fn describe_transit_gateway_attachments_filters_and_pages() {
    let mut w = World::instant();
    let a = w.create_tgw().transit_gateway_id;
    let b = w.create_tgw().transit_gateway_id;
    let on_a: Vec<String> = (0..4)
        .map(|i| {
            w.attach_dxgw(
                &a,
                &format!("{i}f294f92-bafb-4011-916d-9b0bd1234567"),
                ACCOUNT,
            )
        })
        .collect();
    let on_b = w.attach_dxgw(&b, DXGW, OTHER_ACCOUNT);
    let ids = |w: &mut World, name: &str, values: &[&str]| {
        w.describe_attachments(&[], vec![Filter::new(name, values.iter().copied())])
            .unwrap()
            .into_iter()
            .map(|x| x.transit_gateway_attachment_id)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&mut w, "transit-gateway-id", &[&a]), on_a);
    assert_eq!(ids(&mut w, "transit-gateway-id", &[&b]), vec![on_b.clone()]);
    assert_eq!(ids(&mut w, "resource-id", &[DXGW]), vec![on_b.clone()]);
    assert_eq!(
        ids(&mut w, "resource-owner-id", &[OTHER_ACCOUNT]),
        vec![on_b.clone()]
    );
    assert_eq!(ids(&mut w, "transit-gateway-owner-id", &[ACCOUNT]).len(), 5);
    assert_eq!(
        ids(&mut w, "resource-type", &["direct-connect-gateway"]).len(),
        5
    );
    assert!(ids(&mut w, "resource-type", &["vpc"]).is_empty());
    assert_eq!(
        ids(&mut w, "transit-gateway-attachment-id", &[&on_a[1]]),
        vec![on_a[1].clone()]
    );
    assert_eq!(ids(&mut w, "association.state", &["associated"]).len(), 5);
    assert!(ids(&mut w, "tag-key", &["Name"]).is_empty());
    assert_eq!(
        code(w.describe_attachments(&[], vec![Filter::new("owner-id", [ACCOUNT])])),
        "InvalidParameterValue"
    );
    assert_eq!(
        code(w.describe_attachments(&["tgw-0123456789abcdef0"], vec![])),
        "InvalidTransitGatewayAttachmentID.Malformed"
    );
    assert_eq!(
        code(w.describe_attachments(&["tgw-attach-0123456789abcdef0"], vec![])),
        "InvalidTransitGatewayAttachmentID.NotFound"
    );
    assert_eq!(
        w.describe_attachments(&[&on_b, &on_a[0], &on_b], vec![])
            .unwrap()
            .len(),
        2
    );

    let mut pages = Vec::new();
    let mut token = None;
    loop {
        let Ec2Response::DescribeTransitGatewayAttachments {
            transit_gateway_attachments,
            next_token,
        } = w
            .call(Ec2Request::DescribeTransitGatewayAttachments {
                transit_gateway_attachment_ids: vec![],
                filters: vec![],
                max_results: Some(5),
                next_token: token.take(),
            })
            .unwrap()
        else {
            panic!()
        };
        pages.push(transit_gateway_attachments.len());
        match next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    // Exactly five: a full page and no token (nothing is left).
    assert_eq!(pages, vec![5]);
    w.attach_dxgw(&b, "x", ACCOUNT);
    let Ec2Response::DescribeTransitGatewayAttachments { next_token, .. } = w
        .call(Ec2Request::DescribeTransitGatewayAttachments {
            transit_gateway_attachment_ids: vec![],
            filters: vec![],
            max_results: Some(5),
            next_token: None,
        })
        .unwrap()
    else {
        panic!()
    };
    assert!(next_token.is_some());
}

#[test]
fn transit_gateways_are_isolated_by_account_and_region() {
    let mut w = World::instant();
    let id = w.create_tgw().transit_gateway_id;
    w.ec2.settle(w.now);
    for (account, region) in [(OTHER_ACCOUNT, REGION), (ACCOUNT, OTHER_REGION)] {
        assert!(w
            .describe_tgws_as(account, region, &[], vec![])
            .unwrap()
            .is_empty());
        assert_eq!(
            code(w.describe_tgws_as(account, region, &[&id], vec![])),
            "InvalidTransitGatewayID.NotFound"
        );
        assert_eq!(
            code(w.call_as(account, region, delete_tgw(&id))),
            "InvalidTransitGatewayID.NotFound"
        );
        assert_eq!(w.ec2.transit_gateway_asn(account, region, &id), None);
        assert!(w.ec2.transit_gateway(account, region, &id).is_none());
    }
    assert_eq!(w.ec2.transit_gateway_asn(ACCOUNT, REGION, &id), Some(64512));
    // Another account's gateway with its own ID space works alongside.
    let other = w.create_tgw_as(OTHER_ACCOUNT, REGION).transit_gateway_id;
    assert_eq!(w.describe_tgws(&[], vec![]).unwrap().len(), 1);
    assert_eq!(
        code(w.describe_tgws(&[&other], vec![])),
        "InvalidTransitGatewayID.NotFound"
    );
}

#[test]
fn attachments_are_seen_by_both_owners_in_the_gateway_region_only() {
    const THIRD: &str = "333333333333";
    let mut w = World::instant();
    let id = w.create_tgw().transit_gateway_id;
    // A cross-account association: the DX gateway belongs to OTHER_ACCOUNT.
    let att = w.attach_dxgw(&id, DXGW, OTHER_ACCOUNT);
    for account in [ACCOUNT, OTHER_ACCOUNT] {
        let seen = w
            .describe_attachments_as(account, REGION, &[], vec![])
            .unwrap();
        assert_eq!(seen.len(), 1, "{account}");
        assert_eq!(seen[0].resource_owner_id, OTHER_ACCOUNT);
        assert_eq!(seen[0].transit_gateway_owner_id, ACCOUNT);
        assert_eq!(
            w.describe_attachments_as(account, REGION, &[&att], vec![])
                .unwrap()
                .len(),
            1
        );
    }
    for (account, region) in [
        (THIRD, REGION),
        (ACCOUNT, OTHER_REGION),
        (OTHER_ACCOUNT, OTHER_REGION),
    ] {
        assert!(w
            .describe_attachments_as(account, region, &[], vec![])
            .unwrap()
            .is_empty());
        assert_eq!(
            code(w.describe_attachments_as(account, region, &[&att], vec![])),
            "InvalidTransitGatewayAttachmentID.NotFound"
        );
    }
    // Only the gateway owner's side may detach it.
    w.ec2
        .detach_direct_connect_gateway(OTHER_ACCOUNT, REGION, &att, w.now);
    w.ec2
        .detach_direct_connect_gateway(ACCOUNT, OTHER_REGION, &att, w.now);
    assert_eq!(
        w.ec2
            .transit_gateway_attachment(REGION, &att)
            .unwrap()
            .state,
        TransitGatewayAttachmentState::Available
    );
    // Unknown attachments are ignored.
    w.detach_dxgw("tgw-attach-0123456789abcdef0");
}

#[test]
fn a_tgw_without_default_association_attaches_without_association() {
    let mut w = World::instant();
    let Ec2Response::CreateTransitGateway { transit_gateway } = w
        .call(Ec2Request::CreateTransitGateway {
            description: None,
            options: TransitGatewayRequestOptions {
                default_route_table_association: Some("disable".into()),
                ..Default::default()
            },
            tag_specifications: vec![],
        })
        .unwrap()
    else {
        panic!()
    };
    let att = w.attach_dxgw(&transit_gateway.transit_gateway_id, DXGW, ACCOUNT);
    assert_eq!(
        w.ec2
            .transit_gateway_attachment(REGION, &att)
            .unwrap()
            .association,
        None
    );
}

#[test]
fn transit_gateway_ids_follow_the_seed_and_clones_are_independent() {
    let run = || {
        let mut w = World::instant();
        let t = w.create_tgw();
        let att = w.attach_dxgw(&t.transit_gateway_id, DXGW, ACCOUNT);
        (
            t.transit_gateway_id,
            t.options.association_default_route_table_id,
            att,
        )
    };
    assert_eq!(run(), run());

    let mut w = World::instant();
    let id = w.create_tgw().transit_gateway_id;
    w.ec2.settle(w.now);
    let snapshot = w.ec2.clone();
    w.call(delete_tgw(&id)).unwrap();
    assert_eq!(
        snapshot
            .transit_gateway(ACCOUNT, REGION, &id)
            .unwrap()
            .state,
        TransitGatewayState::Available
    );
}
