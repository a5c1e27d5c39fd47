//! The engine's state as plain data: records keyed by ID plus the secondary
//! indexes the Describe calls need, so a Describe costs O(result).
//!
//! Records hold what the API shows and who owns it; `to_api` renderers live
//! next to the operations that use them.

use crate::hashing::HashMap;
use dxlocal_model::{
    AddressFamily, BGPPeerState, BGPStatus, BillingMode, ConnectionState,
    DirectConnectGatewayAssociationProposalState, DirectConnectGatewayAssociationState,
    DirectConnectGatewayAttachmentState, DirectConnectGatewayAttachmentType,
    DirectConnectGatewayState, GatewayType, Tag, VirtualInterfaceState,
};
use serde::{Deserialize, Serialize};

use crate::label::Label;
use crate::tracked::{Observed, Tracked};

/// Key of per-account, per-region indexes.
pub type Scope = (String, String);

pub fn scope(account: &str, region: &str) -> Scope {
    (account.to_string(), region.to_string())
}

/// What a `dxcon-` resource is: they share one ID space and ARN type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConnKind {
    Dedicated,
    /// Allocated by a partner on its interconnect or LAG (`parent_id`),
    /// owned by the customer.
    Hosted {
        parent_id: String,
        partner: String,
        partner_name: String,
        vlan: i32,
        /// Whether the parent interconnect or LAG is MACsec capable.
        parent_macsec: bool,
    },
    Interconnect,
}

/// One of a few fixed status words. Named rather than written `&'static
/// str` in the records below because serde's derive borrows any field
/// spelled `&str` from its input, which a snapshot cannot lend; these are
/// read through `snapshot::static_word_field` instead.
pub type Word = &'static str;

/// A MACsec key associated with a port (resources.md §13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MacSecKey {
    pub secret_arn: String,
    pub ckn: String,
    #[serde(deserialize_with = "crate::snapshot::static_word_field")]
    pub state: Word,
    pub start_on: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Connection {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub name: String,
    pub location: String,
    pub bandwidth: String,
    pub state: ConnectionState,
    pub lag_id: Option<String>,
    /// Chosen at creation; shown from `pending` on (resources.md §2).
    pub aws_device: String,
    pub aws_logical_device_id: String,
    pub provider_name: Option<String>,
    pub mac_sec_capable: bool,
    pub billing_mode: BillingMode,
    pub tags: Vec<Tag>,
    pub loa_issue_time: Option<f64>,
    /// When it became `deleted`/`rejected`; it stays listed for the tail.
    pub deleted_at: Option<f64>,
    pub kind: ConnKind,
    pub macsec_keys: Vec<MacSecKey>,
    pub encryption_mode: Option<String>,
}

impl Connection {
    pub fn is_live(&self) -> bool {
        !matches!(
            self.state,
            ConnectionState::Deleted | ConnectionState::Deleting | ConnectionState::Rejected
        )
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BgpPeer {
    pub id: String,
    pub asn: i64,
    pub auth_key: String,
    pub family: AddressFamily,
    pub amazon_address: String,
    pub customer_address: String,
    pub state: BGPPeerState,
    pub status: BGPStatus,
    /// Held down by an injected fault: stays down when its port comes back.
    pub forced_down: bool,
    pub aws_device_v2: String,
    pub aws_logical_device_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VifType {
    Private,
    Public,
    Transit,
}

impl VifType {
    pub fn as_str(self) -> &'static str {
        match self {
            VifType::Private => "private",
            VifType::Public => "public",
            VifType::Transit => "transit",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Vif {
    pub id: String,
    /// The VIF's owner: the creator, or for a hosted VIF the accepter.
    pub owner: String,
    /// Owner of the connection or LAG it sits on (the allocator of a hosted VIF).
    pub connection_owner: String,
    pub connection_id: String,
    pub region: String,
    pub location: String,
    pub kind: VifType,
    pub name: String,
    pub vlan: i32,
    pub amazon_side_asn: i64,
    pub mtu: i32,
    pub jumbo_frame_capable: bool,
    pub state: VirtualInterfaceState,
    /// `""` when not attached to one, as the real service sends it.
    pub virtual_gateway_id: String,
    pub direct_connect_gateway_id: String,
    pub route_filter_prefixes: Vec<String>,
    pub peers: Vec<BgpPeer>,
    pub tags: Vec<Tag>,
    pub site_link_enabled: bool,
    pub aws_device_v2: String,
    pub aws_logical_device_id: String,
    pub rate_limit: Option<String>,
    pub deleted_at: Option<f64>,
    /// The failover test running now, and the state to return to after it.
    pub running_test: Option<(String, VirtualInterfaceState)>,
    /// Routes the customer side advertises (set through the admin API).
    pub customer_routes: Vec<String>,
}

impl Vif {
    /// Counts against quotas and VLAN uniqueness.
    pub fn is_live(&self) -> bool {
        !matches!(
            self.state,
            VirtualInterfaceState::Deleted | VirtualInterfaceState::Rejected
        )
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DxGateway {
    pub id: String,
    pub owner: String,
    pub name: String,
    pub amazon_side_asn: i64,
    pub state: DirectConnectGatewayState,
    pub state_change_error: Option<String>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Attachment {
    pub gateway_id: String,
    pub vif_id: String,
    pub vif_region: String,
    pub vif_owner: String,
    pub state: DirectConnectGatewayAttachmentState,
    pub kind: DirectConnectGatewayAttachmentType,
    /// The ID its events carry ([`attachment_id`]), made once instead of
    /// formatted for every event. Not stored: a snapshot's attachments
    /// have it empty and format it when asked.
    #[serde(skip)]
    pub event_id: Label,
}

/// A DX gateway's association with a VGW or TGW (possibly in another account).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Association {
    pub id: String,
    pub gateway_id: String,
    pub gateway_owner: String,
    pub associated_id: String,
    pub associated_type: GatewayType,
    pub associated_owner: String,
    pub associated_region: String,
    pub state: DirectConnectGatewayAssociationState,
    pub state_change_error: Option<String>,
    pub allowed_prefixes: Vec<String>,
    /// The EC2 attachment a TGW association creates.
    pub tgw_attachment_id: Option<String>,
}

impl Association {
    pub fn is_live(&self) -> bool {
        self.state != DirectConnectGatewayAssociationState::Disassociated
    }
}

/// A cross-account request to associate (or re-prefix) a gateway.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Proposal {
    pub id: String,
    pub gateway_id: String,
    pub gateway_owner: String,
    pub associated_id: String,
    pub associated_type: GatewayType,
    pub proposer: String,
    pub associated_region: String,
    pub state: DirectConnectGatewayAssociationProposalState,
    pub requested_prefixes: Vec<String>,
    pub remove_prefixes: Vec<String>,
    pub existing_prefixes: Option<Vec<String>>,
}

/// The first answer to an idempotent call, replayed for a retry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Replay {
    Group(dxlocal_model::ResiliencyGroup),
    Associations(Vec<dxlocal_model::ResiliencyGroupAssociation>),
}

/// A BGP failover test (StartBgpFailoverTest).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FailoverTest {
    pub id: String,
    pub vif_id: String,
    pub owner: String,
    pub region: String,
    pub peers: Vec<String>,
    /// `in-progress`, `completed` or `cancelled` ([choice], resources.md §17).
    #[serde(deserialize_with = "crate::snapshot::static_word_field")]
    pub status: Word,
    pub duration_minutes: i32,
    pub start: f64,
    pub end: Option<f64>,
}

/// A link aggregation group. Its state is derived from its members once
/// one of them has been provisioned.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Lag {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub name: String,
    pub location: String,
    pub bandwidth: String,
    pub minimum_links: i32,
    pub aws_device: String,
    pub aws_logical_device_id: String,
    pub allows_hosted_connections: bool,
    pub members: Vec<String>,
    pub tags: Vec<Tag>,
    pub provider_name: Option<String>,
    pub mac_sec_capable: bool,
    pub encryption_mode: Option<String>,
    pub macsec_keys: Vec<MacSecKey>,
    pub billing_mode: BillingMode,
    pub deleted: bool,
}

/// A resiliency group and its member connections (resources.md §19).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResiliencyGroup {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub name: String,
    pub state: dxlocal_model::ResiliencyGroupState,
    pub tags: Vec<Tag>,
    /// Connection ARN, connection ID and association state.
    pub members: Vec<(
        String,
        String,
        dxlocal_model::ResiliencyGroupAssociationState,
    )>,
}

/// Everything Direct Connect holds, with its indexes. Index vectors keep
/// creation order, which is the order Describe calls answer in.
#[derive(Default, Serialize, Deserialize)]
pub struct State {
    pub connections: Tracked<Connection>,
    /// Connections by owner and region.
    pub connections_by_owner: HashMap<Scope, Vec<String>>,

    /// Boxed: a VIF is large, and a hash table keeps up to twice as many
    /// slots as entries; with the records inline, the empty slots of a
    /// million VIFs would cost as much memory again as the VIFs.
    #[serde(with = "crate::snapshot::split_tracked")]
    pub vifs: Tracked<Box<Vif>>,
    /// VIFs each account sees in a region: its own, and (hosted VIFs) those
    /// on connections it owns.
    pub vifs_by_viewer: HashMap<Scope, Vec<String>>,
    pub vifs_by_connection: HashMap<String, Vec<String>>,
    /// Only the live ones (not `deleted`/`rejected`): the VLAN, quota and
    /// address checks of every create must not walk the deleted tail.
    pub live_vifs_by_connection: HashMap<String, Vec<String>>,

    pub gateways: Tracked<DxGateway>,
    pub gateways_by_owner: HashMap<String, Vec<String>>,

    /// DXGW attachments keyed by VIF (a VIF attaches to at most one gateway).
    pub attachments: Tracked<Attachment>,
    pub attachments_by_gateway: HashMap<String, Vec<String>>,
    /// Only those still holding a slot (not `detached`): every confirm onto
    /// a gateway checks them, and must not walk the detached ones a
    /// gateway collects while its VIFs come and go. Derived from
    /// `attachments`, so not stored: a snapshot rebuilds it on load.
    #[serde(skip)]
    pub live_attachments_by_gateway: HashMap<String, Vec<String>>,

    pub associations: Tracked<Association>,
    pub associations_by_gateway: HashMap<String, Vec<String>>,
    /// Associations by the VGW/TGW on the other side.
    pub associations_by_associated: HashMap<String, Vec<String>>,

    pub proposals: Tracked<Proposal>,
    /// Proposals by the account that sees them: proposer and gateway owner.
    pub proposals_by_viewer: HashMap<String, Vec<String>>,

    /// Hosted connections by the interconnect or LAG they were allocated on.
    pub hosted_by_parent: HashMap<String, Vec<String>>,

    pub lags: Tracked<Lag>,
    pub lags_by_owner: HashMap<Scope, Vec<String>>,

    pub groups: Tracked<ResiliencyGroup>,
    pub groups_by_owner: HashMap<Scope, Vec<String>>,
    /// Client tokens already answered: key (account, region, operation,
    /// token) -> (fingerprint of the input, when, the answer).
    pub client_tokens: HashMap<String, (u64, f64, Replay)>,
    /// MACsec secrets minted for CKN/CAK pairs: ARN -> (account, CKN).
    pub macsec_secrets: HashMap<String, (String, String)>,
    /// Accounts that signed the customer agreement.
    pub agreements_signed: std::collections::HashSet<String>,

    /// Latest fault generation per fault target: a timed fault's undo only
    /// applies while no later fault has been injected on the same target.
    pub fault_generations: HashMap<String, u64>,

    pub tests: Tracked<FailoverTest>,
    /// Failover tests by owner and region, oldest first.
    pub tests_by_owner: HashMap<Scope, Vec<String>>,
}

impl State {
    /// Whether any record was touched since the event log last looked.
    pub fn touched_any(&self) -> bool {
        self.connections.has_touched()
            || self.vifs.has_touched()
            || self.gateways.has_touched()
            || self.attachments.has_touched()
            || self.associations.has_touched()
            || self.proposals.has_touched()
            || self.lags.has_touched()
            || self.groups.has_touched()
            || self.tests.has_touched()
    }

    /// Whether records are being watched (see `set_quiet`).
    pub fn is_quiet(&self) -> bool {
        self.vifs.quiet
    }

    /// Stops (or resumes) noting touched records: nothing is watching while
    /// a journal replays.
    pub fn set_quiet(&mut self, quiet: bool) {
        self.connections.quiet = quiet;
        self.vifs.quiet = quiet;
        self.gateways.quiet = quiet;
        self.attachments.quiet = quiet;
        self.associations.quiet = quiet;
        self.proposals.quiet = quiet;
        self.lags.quiet = quiet;
        self.groups.quiet = quiet;
        self.tests.quiet = quiet;
    }

    pub fn insert_lag(&mut self, l: Lag) {
        self.lags_by_owner
            .entry(scope(&l.owner, &l.region))
            .or_default()
            .push(l.id.clone());
        self.lags.insert(l.id.clone(), l);
    }

    pub fn insert_connection(&mut self, c: Connection) {
        if let ConnKind::Hosted { parent_id, .. } = &c.kind {
            self.hosted_by_parent
                .entry(parent_id.clone())
                .or_default()
                .push(c.id.clone());
        }
        self.connections_by_owner
            .entry(scope(&c.owner, &c.region))
            .or_default()
            .push(c.id.clone());
        self.connections.insert(c.id.clone(), c);
    }

    pub fn remove_connection(&mut self, id: &str) {
        if let Some(c) = self.connections.remove(id) {
            if let Some(list) = self
                .connections_by_owner
                .get_mut(&scope(&c.owner, &c.region))
            {
                list.retain(|x| x != id);
            }
            self.vifs_by_connection.remove(id);
            self.live_vifs_by_connection.remove(id);
            if let ConnKind::Hosted { parent_id, .. } = &c.kind {
                if let Some(list) = self.hosted_by_parent.get_mut(parent_id) {
                    list.retain(|x| x != id);
                }
            }
        }
    }

    /// Re-files a hosted connection under a new parent (AssociateHostedConnection).
    pub fn move_hosted(&mut self, id: &str, from: &str, to: &str) {
        if let Some(list) = self.hosted_by_parent.get_mut(from) {
            list.retain(|x| x != id);
        }
        self.hosted_by_parent
            .entry(to.to_string())
            .or_default()
            .push(id.to_string());
    }

    pub fn insert_vif(&mut self, v: Vif) {
        self.vifs_by_viewer
            .entry(scope(&v.owner, &v.region))
            .or_default()
            .push(v.id.clone());
        if v.connection_owner != v.owner {
            self.vifs_by_viewer
                .entry(scope(&v.connection_owner, &v.region))
                .or_default()
                .push(v.id.clone());
        }
        self.vifs_by_connection
            .entry(v.connection_id.clone())
            .or_default()
            .push(v.id.clone());
        if v.is_live() {
            self.live_vifs_by_connection
                .entry(v.connection_id.clone())
                .or_default()
                .push(v.id.clone());
        }
        self.vifs.insert(v.id.clone(), Box::new(v));
    }

    pub fn remove_vif(&mut self, id: &str) {
        self.remove_vif_keep_attachment(id);
        self.remove_attachment(id);
    }

    /// Takes a VIF out of the maps and indexes but leaves its gateway
    /// attachment, for re-inserting it elsewhere (migration).
    pub fn remove_vif_keep_attachment(&mut self, id: &str) {
        let Some(v) = self.vifs.remove(id) else {
            return;
        };
        for viewer in [&v.owner, &v.connection_owner] {
            if let Some(list) = self.vifs_by_viewer.get_mut(&scope(viewer, &v.region)) {
                list.retain(|x| x != id);
            }
        }
        if let Some(list) = self.vifs_by_connection.get_mut(&v.connection_id) {
            list.retain(|x| x != id);
        }
        self.retire_vif(&v.connection_id, id);
    }

    /// A VIF stopped counting on its connection (it became `deleted` or
    /// `rejected`); it stays listed until purged.
    pub fn retire_vif(&mut self, connection_id: &str, id: &str) {
        if let Some(list) = self.live_vifs_by_connection.get_mut(connection_id) {
            list.retain(|x| x != id);
        }
    }

    pub fn insert_gateway(&mut self, g: DxGateway) {
        self.gateways_by_owner
            .entry(g.owner.clone())
            .or_default()
            .push(g.id.clone());
        self.gateways.insert(g.id.clone(), g);
    }

    pub fn remove_gateway(&mut self, id: &str) {
        if let Some(g) = self.gateways.remove(id) {
            if let Some(list) = self.gateways_by_owner.get_mut(&g.owner) {
                list.retain(|x| x != id);
            }
        }
    }

    pub fn insert_attachment(&mut self, a: Attachment) {
        self.attachments_by_gateway
            .entry(a.gateway_id.clone())
            .or_default()
            .push(a.vif_id.clone());
        if a.state != DirectConnectGatewayAttachmentState::Detached {
            self.live_attachments_by_gateway
                .entry(a.gateway_id.clone())
                .or_default()
                .push(a.vif_id.clone());
        }
        self.attachments.insert(a.vif_id.clone(), a);
    }

    pub fn remove_attachment(&mut self, vif_id: &str) {
        if let Some(a) = self.attachments.remove(vif_id) {
            if let Some(list) = self.attachments_by_gateway.get_mut(&a.gateway_id) {
                list.retain(|x| x != vif_id);
            }
            self.forget_live_attachment(&a.gateway_id, vif_id);
        }
    }

    /// The VIF's attachment (if any) frees its gateway slot.
    pub fn detach(&mut self, vif_id: &str) {
        let Some(a) = self.attachments.get_mut(vif_id) else {
            return;
        };
        a.state = DirectConnectGatewayAttachmentState::Detached;
        let gateway = a.gateway_id.clone();
        self.forget_live_attachment(&gateway, vif_id);
    }

    fn forget_live_attachment(&mut self, gateway_id: &str, vif_id: &str) {
        if let Some(list) = self.live_attachments_by_gateway.get_mut(gateway_id) {
            list.retain(|x| x != vif_id);
            if list.is_empty() {
                self.live_attachments_by_gateway.remove(gateway_id);
            }
        }
    }

    /// Rebuilds the derived index after a snapshot is loaded, in creation
    /// order (the order of `attachments_by_gateway`).
    pub(crate) fn index_live_attachments(&mut self) {
        let mut live: HashMap<String, Vec<String>> = HashMap::default();
        for (gateway, ids) in &self.attachments_by_gateway {
            let held: Vec<String> = ids
                .iter()
                .filter(|id| {
                    self.attachments
                        .get(id.as_str())
                        .is_some_and(|a| a.state != DirectConnectGatewayAttachmentState::Detached)
                })
                .cloned()
                .collect();
            if !held.is_empty() {
                live.insert(gateway.clone(), held);
            }
        }
        self.live_attachments_by_gateway = live;
    }

    pub fn insert_association(&mut self, a: Association) {
        self.associations_by_gateway
            .entry(a.gateway_id.clone())
            .or_default()
            .push(a.id.clone());
        self.associations_by_associated
            .entry(a.associated_id.clone())
            .or_default()
            .push(a.id.clone());
        self.associations.insert(a.id.clone(), a);
    }

    pub fn remove_association(&mut self, id: &str) {
        if let Some(a) = self.associations.remove(id) {
            for (index, key) in [
                (&mut self.associations_by_gateway, &a.gateway_id),
                (&mut self.associations_by_associated, &a.associated_id),
            ] {
                if let Some(list) = index.get_mut(key) {
                    list.retain(|x| x != id);
                }
            }
        }
    }

    /// Live associations of a DX gateway.
    pub fn live_associations_of<'a>(
        &'a self,
        gateway_id: &str,
    ) -> impl Iterator<Item = &'a Association> + 'a {
        self.associations_by_gateway
            .get(gateway_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.associations.get(id))
            .filter(|a| a.is_live())
    }

    /// Live associations of a VGW or TGW.
    pub fn live_associations_with<'a>(
        &'a self,
        associated_id: &str,
    ) -> impl Iterator<Item = &'a Association> + 'a {
        self.associations_by_associated
            .get(associated_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.associations.get(id))
            .filter(|a| a.is_live())
    }

    pub fn has_live_association(&self, gateway_id: &str, kind: GatewayType) -> bool {
        self.live_associations_of(gateway_id)
            .any(|a| a.associated_type == kind)
    }

    pub fn insert_proposal(&mut self, p: Proposal) {
        self.proposals_by_viewer
            .entry(p.proposer.clone())
            .or_default()
            .push(p.id.clone());
        if p.gateway_owner != p.proposer {
            self.proposals_by_viewer
                .entry(p.gateway_owner.clone())
                .or_default()
                .push(p.id.clone());
        }
        self.proposals.insert(p.id.clone(), p);
    }

    pub fn remove_proposal(&mut self, id: &str) {
        if let Some(p) = self.proposals.remove(id) {
            for viewer in [&p.proposer, &p.gateway_owner] {
                if let Some(list) = self.proposals_by_viewer.get_mut(viewer) {
                    list.retain(|x| x != id);
                }
            }
        }
    }

    /// Live VIFs on a connection or LAG.
    pub fn live_vifs_on<'a>(&'a self, connection_id: &str) -> impl Iterator<Item = &'a Vif> + 'a {
        self.live_vifs_by_connection
            .get(connection_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.vifs.get(id).map(|v| &**v))
    }

    /// Attachments to a gateway that still hold a slot (not `detached`).
    pub fn live_attachments_of<'a>(
        &'a self,
        gateway_id: &str,
    ) -> impl Iterator<Item = &'a Attachment> + 'a {
        self.live_attachments_by_gateway
            .get(gateway_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.attachments.get(id))
            .filter(|a| a.state != DirectConnectGatewayAttachmentState::Detached)
    }
}

// What the event log compares, record by record.

impl Observed for Connection {
    fn kind(&self) -> &'static str {
        match self.kind {
            ConnKind::Dedicated => "connection",
            ConnKind::Hosted { .. } => "hostedConnection",
            ConnKind::Interconnect => "interconnect",
        }
    }
    fn state(&self) -> &'static str {
        self.state.as_str()
    }
    fn account(&self) -> &str {
        &self.owner
    }
    fn region(&self) -> Option<&str> {
        Some(&self.region)
    }
}

impl Observed for Vif {
    fn kind(&self) -> &'static str {
        "virtualInterface"
    }
    fn state(&self) -> &'static str {
        self.state.as_str()
    }
    fn parts(&self) -> &[BgpPeer] {
        &self.peers
    }
    fn account(&self) -> &str {
        &self.owner
    }
    fn region(&self) -> Option<&str> {
        Some(&self.region)
    }
}

impl Observed for Attachment {
    fn kind(&self) -> &'static str {
        "gatewayAttachment"
    }
    fn state(&self) -> &'static str {
        self.state.as_str()
    }
    fn account(&self) -> &str {
        &self.vif_owner
    }
    fn region(&self) -> Option<&str> {
        Some(&self.vif_region)
    }
    /// Attachments have no ID of their own: gateway and VIF name one.
    fn event_id(&self, _key: &Label) -> Label {
        if self.event_id.is_empty() {
            Label::from(attachment_id(&self.gateway_id, &self.vif_id))
        } else {
            self.event_id.clone()
        }
    }
}

/// `Observed` for a record with one kind, a plain state, an owner and
/// (unless global) a region.
macro_rules! observed {
    ($ty:ty, $kind:literal, |$r:ident| $state:expr, $account:expr, $region:expr) => {
        impl Observed for $ty {
            fn kind(&self) -> &'static str {
                $kind
            }
            fn state(&self) -> &'static str {
                let $r = self;
                $state
            }
            fn account(&self) -> &str {
                let $r = self;
                $account
            }
            #[allow(unused_variables)]
            fn region(&self) -> Option<&str> {
                let $r = self;
                $region
            }
        }
    };
}

observed!(
    DxGateway,
    "directConnectGateway",
    |g| g.state.as_str(),
    &g.owner,
    None
);
observed!(
    Association,
    "gatewayAssociation",
    |a| a.state.as_str(),
    &a.gateway_owner,
    None
);
observed!(
    Proposal,
    "associationProposal",
    |p| p.state.as_str(),
    &p.proposer,
    None
);
observed!(
    ResiliencyGroup,
    "resiliencyGroup",
    |g| g.state.as_str(),
    &g.owner,
    Some(&g.region)
);
observed!(
    FailoverTest,
    "failoverTest",
    |t| t.status,
    &t.owner,
    Some(&t.region)
);
// A LAG's state is derived from its members; the event log works it out
// itself (`events::EventLog::compare_lag`), so the mark is only presence.
observed!(
    Lag,
    "lag",
    |l| if l.deleted { "deleted" } else { "" },
    &l.owner,
    Some(&l.region)
);

/// The ID an attachment goes by in events and `/_dxlocal/resources`.
pub fn attachment_id(gateway_id: &str, vif_id: &str) -> String {
    format!("{gateway_id}/{vif_id}")
}
