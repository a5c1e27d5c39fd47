//! Hand-written shapes for the few EC2 and STS Query calls that Direct
//! Connect flows need (VPCs, virtual private gateways, transit gateways,
//! GetCallerIdentity). Owned by the EC2 part of the emulator.
//!
//! The botocore EC2 model is enormous and only a handful of its operations
//! matter here, so these types are written by hand rather than generated.
//! Field names follow the EC2 model's member names in snake case; only the
//! members the emulator produces or honours are present.

use std::fmt;

/// The EC2 API version every request and response carries.
pub const EC2_API_VERSION: &str = "2016-11-15";

/// A resource tag (`Key`/`Value` in requests, `key`/`value` in responses).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

impl Tag {
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Tag {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// `TagSpecification.N`: tags to put on the resource a Create call makes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TagSpecification {
    /// `vpc`, `vpn-gateway`, ... Absent when the client left it out.
    pub resource_type: Option<String>,
    pub tags: Vec<Tag>,
}

/// `Filter.N`: a describe filter. Values are alternatives (OR); several
/// filters must all match (AND).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    pub name: String,
    pub values: Vec<String>,
}

impl Filter {
    pub fn new<I, S>(name: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Filter {
            name: name.into(),
            values: values.into_iter().map(Into::into).collect(),
        }
    }
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum! {
    /// `VpcState`.
    VpcState { Pending => "pending", Available => "available" }
}

string_enum! {
    /// `VpnState`: the state of a virtual private gateway.
    VpnState {
        Pending => "pending",
        Available => "available",
        Deleting => "deleting",
        Deleted => "deleted",
    }
}

string_enum! {
    /// `TransitGatewayState`.
    TransitGatewayState {
        Pending => "pending",
        Available => "available",
        Modifying => "modifying",
        Deleting => "deleting",
        Deleted => "deleted",
    }
}

string_enum! {
    /// `TransitGatewayAttachmentState`: the states the emulator produces
    /// (EC2 models more, for VPC and peering attachments).
    TransitGatewayAttachmentState {
        Pending => "pending",
        Available => "available",
        Deleting => "deleting",
        Deleted => "deleted",
    }
}

string_enum! {
    /// `TransitGatewayAssociationState`: an attachment's link to a route table.
    TransitGatewayAssociationState {
        Associating => "associating",
        Associated => "associated",
        Disassociating => "disassociating",
        Disassociated => "disassociated",
    }
}

string_enum! {
    /// `TransitGatewayAttachmentResourceType`. Only Direct Connect gateway
    /// attachments are made here, but filters may name any type.
    TransitGatewayAttachmentResourceType {
        Vpc => "vpc",
        Vpn => "vpn",
        VpnConcentrator => "vpn-concentrator",
        DirectConnectGateway => "direct-connect-gateway",
        Connect => "connect",
        Peering => "peering",
        TgwPeering => "tgw-peering",
        NetworkFunction => "network-function",
        ClientVpn => "client-vpn",
    }
}

string_enum! {
    /// The `enable`/`disable` value of every transit gateway option
    /// (`AutoAcceptSharedAttachmentsValue`, `DnsSupportValue`, ...).
    Toggle {
        Enable => "enable",
        Disable => "disable",
    }
}

string_enum! {
    /// `AttachmentStatus`: the state of a VPC attachment.
    AttachmentState {
        Attaching => "attaching",
        Attached => "attached",
        Detaching => "detaching",
        Detached => "detached",
    }
}

/// `VpcCidrBlockAssociation`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VpcCidrBlockAssociation {
    /// `vpc-cidr-assoc-` + 17 hex digits.
    pub association_id: String,
    pub cidr_block: String,
    /// `CidrBlockState.State`: `associating`, `associated`, ...
    pub state: String,
}

/// `Vpc`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Vpc {
    pub vpc_id: String,
    pub owner_id: String,
    pub state: VpcState,
    /// The primary IPv4 CIDR block.
    pub cidr_block: String,
    pub cidr_block_associations: Vec<VpcCidrBlockAssociation>,
    pub dhcp_options_id: String,
    /// `default` or `dedicated`.
    pub instance_tenancy: String,
    pub is_default: bool,
    pub tags: Vec<Tag>,
}

/// `VpcAttachment`: a virtual private gateway's link to a VPC.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VpcAttachment {
    pub vpc_id: String,
    pub state: AttachmentState,
}

/// `VpnGateway` (a virtual private gateway, VGW).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VpnGateway {
    pub vpn_gateway_id: String,
    pub state: VpnState,
    /// Always `ipsec.1`.
    pub gateway_type: String,
    pub availability_zone: Option<String>,
    pub amazon_side_asn: i64,
    /// At most one entry is live (`attaching`/`attached`/`detaching`); a
    /// `detached` entry stays until the gateway is attached again, as EC2
    /// shows it.
    pub attachments: Vec<VpcAttachment>,
    pub tags: Vec<Tag>,
}

impl VpnGateway {
    /// The attachment that is not `detached`, if any.
    pub fn live_attachment(&self) -> Option<&VpcAttachment> {
        self.attachments
            .iter()
            .find(|a| a.state != AttachmentState::Detached)
    }
}

/// `TransitGatewayRequestOptions` as sent: the enable/disable values stay
/// raw strings so that the engine can refuse a bad one with EC2's error.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct TransitGatewayRequestOptions {
    pub amazon_side_asn: Option<i64>,
    pub transit_gateway_cidr_blocks: Vec<String>,
    pub auto_accept_shared_attachments: Option<String>,
    pub default_route_table_association: Option<String>,
    pub default_route_table_propagation: Option<String>,
    pub vpn_ecmp_support: Option<String>,
    pub dns_support: Option<String>,
    pub security_group_referencing_support: Option<String>,
    pub multicast_support: Option<String>,
}

/// `TransitGatewayOptions`. `encryptionSupport` is modeled by EC2 but left
/// out: no Direct Connect flow reads it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TransitGatewayOptions {
    pub amazon_side_asn: i64,
    pub transit_gateway_cidr_blocks: Vec<String>,
    pub auto_accept_shared_attachments: Toggle,
    pub default_route_table_association: Toggle,
    /// The default route table (`tgw-rtb-…`) when association is enabled.
    pub association_default_route_table_id: Option<String>,
    pub default_route_table_propagation: Toggle,
    /// The default route table when propagation is enabled.
    pub propagation_default_route_table_id: Option<String>,
    pub vpn_ecmp_support: Toggle,
    pub dns_support: Toggle,
    pub security_group_referencing_support: Toggle,
    pub multicast_support: Toggle,
}

/// `TransitGateway` (TGW).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TransitGateway {
    pub transit_gateway_id: String,
    /// `arn:aws:ec2:<region>:<owner>:transit-gateway/<id>`.
    pub transit_gateway_arn: String,
    pub state: TransitGatewayState,
    pub owner_id: String,
    pub description: Option<String>,
    /// Whole epoch seconds: EC2 reports creation times with `.000` millis.
    pub creation_time: i64,
    pub options: TransitGatewayOptions,
    pub tags: Vec<Tag>,
}

/// `TransitGatewayAttachmentAssociation`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TransitGatewayAttachmentAssociation {
    pub transit_gateway_route_table_id: String,
    pub state: TransitGatewayAssociationState,
}

/// `TransitGatewayAttachment`: a resource (here a Direct Connect gateway)
/// linked to a transit gateway.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TransitGatewayAttachment {
    pub transit_gateway_attachment_id: String,
    pub transit_gateway_id: String,
    pub transit_gateway_owner_id: String,
    pub resource_owner_id: String,
    pub resource_type: TransitGatewayAttachmentResourceType,
    /// For a Direct Connect gateway, its UUID.
    pub resource_id: String,
    pub state: TransitGatewayAttachmentState,
    /// Absent when the gateway has no default association route table.
    pub association: Option<TransitGatewayAttachmentAssociation>,
    /// Whole epoch seconds, as for [`TransitGateway::creation_time`].
    pub creation_time: i64,
    pub tags: Vec<Tag>,
}

/// An EC2 call the emulator implements, decoded from its Query parameters.
/// `DryRun` never reaches this type: the wire layer answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ec2Request {
    CreateVpc {
        /// Required in practice; absent only when the client sent none.
        cidr_block: Option<String>,
        instance_tenancy: Option<String>,
        tag_specifications: Vec<TagSpecification>,
    },
    DescribeVpcs {
        vpc_ids: Vec<String>,
        filters: Vec<Filter>,
        max_results: Option<i64>,
        next_token: Option<String>,
    },
    DeleteVpc {
        vpc_id: String,
    },
    CreateVpnGateway {
        gateway_type: String,
        amazon_side_asn: Option<i64>,
        availability_zone: Option<String>,
        tag_specifications: Vec<TagSpecification>,
    },
    DescribeVpnGateways {
        vpn_gateway_ids: Vec<String>,
        filters: Vec<Filter>,
    },
    AttachVpnGateway {
        vpc_id: String,
        vpn_gateway_id: String,
    },
    DetachVpnGateway {
        vpc_id: String,
        vpn_gateway_id: String,
    },
    DeleteVpnGateway {
        vpn_gateway_id: String,
    },
    CreateTransitGateway {
        description: Option<String>,
        options: TransitGatewayRequestOptions,
        tag_specifications: Vec<TagSpecification>,
    },
    DescribeTransitGateways {
        transit_gateway_ids: Vec<String>,
        filters: Vec<Filter>,
        max_results: Option<i64>,
        next_token: Option<String>,
    },
    DeleteTransitGateway {
        transit_gateway_id: String,
    },
    DescribeTransitGatewayAttachments {
        transit_gateway_attachment_ids: Vec<String>,
        filters: Vec<Filter>,
        max_results: Option<i64>,
        next_token: Option<String>,
    },
}

/// Whether an EC2 action only reads (changes nothing, draws no IDs).
pub fn action_is_read_only(action: &str) -> bool {
    action.starts_with("Describe")
}

impl Ec2Request {
    /// See [`action_is_read_only`].
    pub fn is_read_only(&self) -> bool {
        action_is_read_only(self.action())
    }

    /// The Query `Action` name.
    pub fn action(&self) -> &'static str {
        match self {
            Ec2Request::CreateVpc { .. } => "CreateVpc",
            Ec2Request::DescribeVpcs { .. } => "DescribeVpcs",
            Ec2Request::DeleteVpc { .. } => "DeleteVpc",
            Ec2Request::CreateVpnGateway { .. } => "CreateVpnGateway",
            Ec2Request::DescribeVpnGateways { .. } => "DescribeVpnGateways",
            Ec2Request::AttachVpnGateway { .. } => "AttachVpnGateway",
            Ec2Request::DetachVpnGateway { .. } => "DetachVpnGateway",
            Ec2Request::DeleteVpnGateway { .. } => "DeleteVpnGateway",
            Ec2Request::CreateTransitGateway { .. } => "CreateTransitGateway",
            Ec2Request::DescribeTransitGateways { .. } => "DescribeTransitGateways",
            Ec2Request::DeleteTransitGateway { .. } => "DeleteTransitGateway",
            Ec2Request::DescribeTransitGatewayAttachments { .. } => {
                "DescribeTransitGatewayAttachments"
            }
        }
    }

    /// Whether the call changes state (worth journaling).
    pub fn is_mutation(&self) -> bool {
        !matches!(
            self,
            Ec2Request::DescribeVpcs { .. }
                | Ec2Request::DescribeVpnGateways { .. }
                | Ec2Request::DescribeTransitGateways { .. }
                | Ec2Request::DescribeTransitGatewayAttachments { .. }
        )
    }
}

/// The result of a successful EC2 call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ec2Response {
    CreateVpc {
        vpc: Vpc,
    },
    DescribeVpcs {
        vpcs: Vec<Vpc>,
        next_token: Option<String>,
    },
    /// No modeled output; EC2 answers `<return>true</return>`.
    DeleteVpc,
    CreateVpnGateway {
        vpn_gateway: VpnGateway,
    },
    DescribeVpnGateways {
        vpn_gateways: Vec<VpnGateway>,
    },
    AttachVpnGateway {
        attachment: VpcAttachment,
    },
    /// No modeled output; EC2 answers `<return>true</return>`.
    DetachVpnGateway,
    /// No modeled output; EC2 answers `<return>true</return>`.
    DeleteVpnGateway,
    CreateTransitGateway {
        transit_gateway: TransitGateway,
    },
    DescribeTransitGateways {
        transit_gateways: Vec<TransitGateway>,
        next_token: Option<String>,
    },
    /// The gateway as it is now (`deleting`).
    DeleteTransitGateway {
        transit_gateway: TransitGateway,
    },
    DescribeTransitGatewayAttachments {
        transit_gateway_attachments: Vec<TransitGatewayAttachment>,
        next_token: Option<String>,
    },
}

impl Ec2Response {
    /// The Query `Action` this answers; names the XML root element.
    pub fn action(&self) -> &'static str {
        match self {
            Ec2Response::CreateVpc { .. } => "CreateVpc",
            Ec2Response::DescribeVpcs { .. } => "DescribeVpcs",
            Ec2Response::DeleteVpc => "DeleteVpc",
            Ec2Response::CreateVpnGateway { .. } => "CreateVpnGateway",
            Ec2Response::DescribeVpnGateways { .. } => "DescribeVpnGateways",
            Ec2Response::AttachVpnGateway { .. } => "AttachVpnGateway",
            Ec2Response::DetachVpnGateway => "DetachVpnGateway",
            Ec2Response::DeleteVpnGateway => "DeleteVpnGateway",
            Ec2Response::CreateTransitGateway { .. } => "CreateTransitGateway",
            Ec2Response::DescribeTransitGateways { .. } => "DescribeTransitGateways",
            Ec2Response::DeleteTransitGateway { .. } => "DeleteTransitGateway",
            Ec2Response::DescribeTransitGatewayAttachments { .. } => {
                "DescribeTransitGatewayAttachments"
            }
        }
    }
}

/// An EC2 (or Query-level) error: the `<Code>`, the `<Message>` and the
/// HTTP status. Unlike Direct Connect, EC2 has hundreds of codes, so the
/// code is a `String`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ec2Error {
    pub code: String,
    pub message: String,
    pub status: u16,
}

impl Ec2Error {
    pub fn new(code: impl Into<String>, status: u16, message: impl Into<String>) -> Self {
        Ec2Error {
            code: code.into(),
            message: message.into(),
            status,
        }
    }

    fn client(code: &str, message: impl Into<String>) -> Self {
        Self::new(code, 400, message)
    }

    pub fn dry_run() -> Self {
        Self::new(
            "DryRunOperation",
            412,
            "Request would have succeeded, but DryRun flag is set.",
        )
    }

    pub fn invalid_action(action: &str) -> Self {
        Self::client(
            "InvalidAction",
            format!("The action {action} is not valid for this web service."),
        )
    }

    pub fn missing_parameter(name: &str) -> Self {
        Self::client(
            "MissingParameter",
            format!("The request must contain the parameter {name}"),
        )
    }

    pub fn invalid_parameter_value(message: impl Into<String>) -> Self {
        Self::client("InvalidParameterValue", message)
    }

    /// A value that does not parse as the parameter's type.
    pub fn invalid_value_for(parameter: &str, value: &str) -> Self {
        Self::invalid_parameter_value(format!(
            "Value ({value}) for parameter {parameter} is invalid."
        ))
    }

    pub fn invalid_filter(name: &str) -> Self {
        Self::invalid_parameter_value(format!("The filter '{name}' is invalid"))
    }

    pub fn invalid_pagination_token(token: &str) -> Self {
        Self::client(
            "InvalidPaginationToken",
            format!("Invalid pagination token: {token}"),
        )
    }

    pub fn unsupported_operation(message: impl Into<String>) -> Self {
        Self::client("UnsupportedOperation", message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new("UnauthorizedOperation", 403, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new("InternalError", 500, message)
    }

    pub fn incorrect_state(message: impl Into<String>) -> Self {
        Self::client("IncorrectState", message)
    }

    pub fn dependency_violation(message: impl Into<String>) -> Self {
        Self::client("DependencyViolation", message)
    }

    pub fn tag_limit_exceeded(limit: usize) -> Self {
        Self::client(
            "TagLimitExceeded",
            format!("The maximum number of tags per resource ({limit}) has been exceeded."),
        )
    }

    pub fn vpc_not_found(id: &str) -> Self {
        Self::client(
            "InvalidVpcID.NotFound",
            format!("The vpc ID '{id}' does not exist"),
        )
    }

    /// Several unknown IDs in one describe call.
    pub fn vpcs_not_found(ids: &[&str]) -> Self {
        match ids {
            [one] => Self::vpc_not_found(one),
            _ => Self::client(
                "InvalidVpcID.NotFound",
                format!("The vpc IDs '{}' do not exist", ids.join(", ")),
            ),
        }
    }

    pub fn vpc_malformed(id: &str) -> Self {
        Self::client("InvalidVpcID.Malformed", format!("Invalid id: \"{id}\""))
    }

    /// CIDR mask outside /16../28.
    pub fn invalid_vpc_range(cidr: &str) -> Self {
        Self::client("InvalidVpcRange", format!("The CIDR '{cidr}' is invalid."))
    }

    /// The VPC already has a (different) virtual private gateway.
    pub fn invalid_vpc_state(message: impl Into<String>) -> Self {
        Self::client("InvalidVpcState", message)
    }

    pub fn vpn_gateway_not_found(id: &str) -> Self {
        Self::client(
            "InvalidVpnGatewayID.NotFound",
            format!("The vpnGateway ID '{id}' does not exist"),
        )
    }

    pub fn vpn_gateways_not_found(ids: &[&str]) -> Self {
        match ids {
            [one] => Self::vpn_gateway_not_found(one),
            _ => Self::client(
                "InvalidVpnGatewayID.NotFound",
                format!("The vpnGateway IDs '{}' do not exist", ids.join(", ")),
            ),
        }
    }

    pub fn vpn_gateway_malformed(id: &str) -> Self {
        Self::client(
            "InvalidVpnGatewayID.Malformed",
            format!("Invalid id: \"{id}\""),
        )
    }

    /// The gateway is not `available` (pending, deleting).
    pub fn invalid_vpn_gateway_state(message: impl Into<String>) -> Self {
        Self::client("InvalidVpnGatewayState", message)
    }

    /// The gateway already has a live VPC attachment.
    pub fn vpn_gateway_attachment_limit_exceeded(vgw_id: &str) -> Self {
        Self::client(
            "VpnGatewayAttachmentLimitExceeded",
            format!("The maximum number of VPC attachments for vpnGateway '{vgw_id}' (1) has been reached."),
        )
    }

    pub fn vpn_gateway_attachment_not_found(vgw_id: &str, vpc_id: &str) -> Self {
        Self::client(
            "InvalidVpnGatewayAttachment.NotFound",
            format!(
                "The attachment with vpn gateway ID '{vgw_id}' and vpc ID '{vpc_id}' does not exist"
            ),
        )
    }

    /// The message pattern EC2 uses for transit gateway resources.
    pub fn transit_gateway_not_found(id: &str) -> Self {
        Self::client(
            "InvalidTransitGatewayID.NotFound",
            format!("Transit Gateway {id} was deleted or does not exist."),
        )
    }

    pub fn transit_gateway_malformed(id: &str) -> Self {
        Self::client(
            "InvalidTransitGatewayID.Malformed",
            format!("Invalid id: \"{id}\""),
        )
    }

    pub fn transit_gateway_attachment_not_found(id: &str) -> Self {
        Self::client(
            "InvalidTransitGatewayAttachmentID.NotFound",
            format!("Transit Gateway Attachment {id} was deleted or does not exist."),
        )
    }

    pub fn transit_gateway_attachment_malformed(id: &str) -> Self {
        Self::client(
            "InvalidTransitGatewayAttachmentID.Malformed",
            format!("Invalid id: \"{id}\""),
        )
    }

    /// DeleteTransitGateway while Direct Connect gateways are still
    /// attached (the wording EC2 uses, final period included).
    pub fn transit_gateway_has_dx_attachments(tgw_id: &str, attachment_ids: &[&str]) -> Self {
        Self::incorrect_state(format!(
            "{tgw_id} has non-deleted DirectConnect Gateway Attachments: {}.",
            attachment_ids.join(", ")
        ))
    }
}

impl fmt::Display for Ec2Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Ec2Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_through_their_wire_names() {
        for s in VpnState::ALL {
            assert_eq!(VpnState::parse(s.as_str()), Some(*s));
        }
        for s in AttachmentState::ALL {
            assert_eq!(AttachmentState::parse(s.as_str()), Some(*s));
        }
        for s in TransitGatewayState::ALL {
            assert_eq!(TransitGatewayState::parse(s.as_str()), Some(*s));
        }
        for s in TransitGatewayAttachmentState::ALL {
            assert_eq!(TransitGatewayAttachmentState::parse(s.as_str()), Some(*s));
        }
        for s in TransitGatewayAttachmentResourceType::ALL {
            assert_eq!(
                TransitGatewayAttachmentResourceType::parse(s.as_str()),
                Some(*s)
            );
        }
        assert_eq!(
            TransitGatewayAttachmentResourceType::DirectConnectGateway.as_str(),
            "direct-connect-gateway"
        );
        assert_eq!(Toggle::parse("enable"), Some(Toggle::Enable));
        assert_eq!(Toggle::parse("Enable"), None);
        assert_eq!(VpcState::parse("available"), Some(VpcState::Available));
        assert_eq!(VpcState::parse("Available"), None);
    }

    #[test]
    fn not_found_messages_name_every_missing_id() {
        let one = Ec2Error::vpn_gateways_not_found(&["vgw-1"]);
        assert_eq!(one.message, "The vpnGateway ID 'vgw-1' does not exist");
        let two = Ec2Error::vpcs_not_found(&["vpc-1", "vpc-2"]);
        assert_eq!(two.code, "InvalidVpcID.NotFound");
        assert_eq!(two.message, "The vpc IDs 'vpc-1, vpc-2' do not exist");
        assert_eq!(Ec2Error::dry_run().status, 412);
    }

    #[test]
    fn transit_gateway_errors_use_ec2_wording() {
        let missing = Ec2Error::transit_gateway_not_found("tgw-0262a0e521e123456");
        assert_eq!(missing.code, "InvalidTransitGatewayID.NotFound");
        assert_eq!(
            missing.message,
            "Transit Gateway tgw-0262a0e521e123456 was deleted or does not exist."
        );
        let busy = Ec2Error::transit_gateway_has_dx_attachments(
            "tgw-0262a0e521e123456",
            &["tgw-attach-0a09d082b320ed0bc"],
        );
        assert_eq!((busy.code.as_str(), busy.status), ("IncorrectState", 400));
        assert_eq!(
            busy.message,
            "tgw-0262a0e521e123456 has non-deleted DirectConnect Gateway Attachments: tgw-attach-0a09d082b320ed0bc."
        );
        assert_eq!(
            Ec2Error::transit_gateway_attachment_malformed("x").code,
            "InvalidTransitGatewayAttachmentID.Malformed"
        );
    }
}
