//! EC2 as far as Direct Connect flows need it: VPCs, virtual private
//! gateways (VGWs) and transit gateways (TGWs), per account and region, on
//! the engine's virtual clock. TGW attachments are per region rather than
//! per account, because two accounts see one: the TGW owner and the owner
//! of the attached resource (a Direct Connect gateway).
//!
//! Transitions EC2 makes on its own (a VPC becoming `available`, an
//! attachment becoming `attached`, a gateway becoming `deleted`) are
//! stored as "becomes X at T" and queued; [`Ec2State::settle`] applies
//! whatever is due, in time order. [`Ec2State::execute`] settles first, so
//! a call's own answer shows the intermediate state even when the delay is
//! zero, and the next call sees the settled one.

mod filter;
mod ids;
mod tgw;
mod validate;
mod vgw;
mod vpc;

#[cfg(test)]
mod tests;

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap};

use crate::hashing::HashMap;

use dxlocal_model::ec2::{
    AttachmentState, Ec2Error, Ec2Request, Ec2Response, TransitGateway,
    TransitGatewayAssociationState, TransitGatewayAttachment, TransitGatewayAttachmentState,
    TransitGatewayState, Vpc, VpcState, VpnGateway, VpnState,
};
use rand::Rng;
use serde::{Deserialize, Serialize};

/// How long a `deleted` gateway is still listed before it disappears
/// (virtual seconds). Not scaled by the lifecycle: it is a visibility tail,
/// not a transition anyone waits for.
pub const DELETED_VGW_RETENTION: f64 = 15.0 * 60.0;

/// How long a `deleted` transit gateway is still listed (virtual seconds).
pub const DELETED_TGW_RETENTION: f64 = 15.0 * 60.0;

/// How long a `deleted` TGW attachment is still listed. EC2 keeps deleted
/// attachments visible for a while (so a re-created Direct Connect
/// association's attachment is listed beside the old one); how long is
/// not documented, so it matches the other tails.
pub const DELETED_TGW_ATTACHMENT_RETENTION: f64 = 15.0 * 60.0;

/// `pending` -> `available` of a transit gateway in the realistic timer
/// table, in virtual seconds.
pub const TGW_AVAILABLE_DELAY_REALISTIC: f64 = 10.0;

/// Delays of the EC2 transitions, in virtual seconds. The engine zeroes
/// them in instant mode (`Ec2Delays::REALISTIC.map(|d| clock.delay(d))`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Ec2Delays {
    /// CreateVpc: `pending` -> `available`.
    pub vpc_available: f64,
    /// AttachVpnGateway: `attaching` -> `attached`.
    pub vgw_attach: f64,
    /// DetachVpnGateway: `detaching` -> `detached`.
    pub vgw_detach: f64,
    /// DeleteVpnGateway: `deleting` -> `deleted`.
    pub vgw_delete: f64,
}

impl Ec2Delays {
    pub const INSTANT: Ec2Delays = Ec2Delays {
        vpc_available: 0.0,
        vgw_attach: 0.0,
        vgw_detach: 0.0,
        vgw_delete: 0.0,
    };

    /// The default timer table: 2 s for each step.
    pub const REALISTIC: Ec2Delays = Ec2Delays {
        vpc_available: 2.0,
        vgw_attach: 2.0,
        vgw_detach: 2.0,
        vgw_delete: 2.0,
    };

    /// Applies `f` to every delay.
    pub fn map(self, f: impl Fn(f64) -> f64) -> Self {
        Ec2Delays {
            vpc_available: f(self.vpc_available),
            vgw_attach: f(self.vgw_attach),
            vgw_detach: f(self.vgw_detach),
            vgw_delete: f(self.vgw_delete),
        }
    }

    /// CreateTransitGateway: `pending` -> `available`.
    ///
    /// Derived from `vpc_available` so that every existing construction of
    /// this struct keeps compiling and instant mode (all zero) stays
    /// instant: [`TGW_AVAILABLE_DELAY_REALISTIC`] when `vpc_available`
    /// has its realistic value, scaled with it otherwise.
    pub fn tgw_available(&self) -> f64 {
        self.vpc_available.max(0.0)
            * (TGW_AVAILABLE_DELAY_REALISTIC / Self::REALISTIC.vpc_available)
    }

    /// DeleteTransitGateway: `deleting` -> `deleted`; a gateway deletion
    /// like DeleteVpnGateway's, so it shares that timer.
    pub fn tgw_delete(&self) -> f64 {
        self.vgw_delete
    }
}

impl Default for Ec2Delays {
    fn default() -> Self {
        Ec2Delays::REALISTIC
    }
}

/// "Becomes `to` at virtual time `at`."
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
struct Transition<S> {
    to: S,
    at: f64,
}

impl<S: Copy> Transition<S> {
    fn new(to: S, now: f64, delay: f64) -> Self {
        // NaN and negative delays (a misconfiguration) count as zero.
        Transition {
            to,
            at: now + delay.max(0.0),
        }
    }

    fn due(self, now: f64) -> Option<Self> {
        (self.at <= now).then_some(self)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct VpcRecord {
    vpc: Vpc,
    becomes: Option<Transition<VpcState>>,
    /// The gateway with a live (not `detached`) attachment to this VPC.
    vpn_gateway_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct TgwRecord {
    tgw: TransitGateway,
    becomes: Option<Transition<TransitGatewayState>>,
    /// When a `deleted` gateway stops being listed.
    purge_at: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct TgwAttachmentRecord {
    att: TransitGatewayAttachment,
    becomes: Option<Transition<TransitGatewayAttachmentState>>,
    /// When a `deleted` attachment stops being listed.
    purge_at: Option<f64>,
}

impl TgwAttachmentRecord {
    /// Whether `account` may see the attachment: EC2 shows it to the
    /// gateway owner and to the owner of the attached resource.
    fn visible_to(&self, account: &str) -> bool {
        self.att.transit_gateway_owner_id == account || self.att.resource_owner_id == account
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct VgwRecord {
    gw: VpnGateway,
    becomes: Option<Transition<VpnState>>,
    /// Applies to the gateway's live attachment (there is at most one).
    attachment_becomes: Option<Transition<AttachmentState>>,
    /// When a `deleted` gateway stops being listed.
    purge_at: Option<f64>,
}

/// Rows in creation order, found by ID.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Table<T> {
    next_seq: u64,
    rows: BTreeMap<u64, T>,
    index: HashMap<String, u64>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            next_seq: 0,
            rows: BTreeMap::new(),
            index: HashMap::default(),
        }
    }
}

impl<T> Table<T> {
    fn insert(&mut self, id: String, row: T) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.rows.insert(seq, row);
        self.index.insert(id, seq);
    }

    fn contains(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }

    fn seq_of(&self, id: &str) -> Option<u64> {
        self.index.get(id).copied()
    }

    fn get(&self, id: &str) -> Option<&T> {
        self.rows.get(self.index.get(id)?)
    }

    fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        self.rows.get_mut(self.index.get(id)?)
    }

    fn remove(&mut self, id: &str) -> Option<T> {
        self.rows.remove(&self.index.remove(id)?)
    }

    fn values(&self) -> impl DoubleEndedIterator<Item = &T> {
        self.rows.values()
    }

    /// Rows from creation number `seq` on, with their numbers.
    fn starting_at(&self, seq: u64) -> impl Iterator<Item = (u64, &T)> {
        self.rows.range(seq..).map(|(s, r)| (*s, r))
    }

    fn at_seq(&self, seq: u64) -> Option<&T> {
        self.rows.get(&seq)
    }
}

/// One account's resources in one region.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Scope {
    /// The region's default DHCP options set, made with the first VPC and
    /// shared by every VPC after it, as in a real account.
    dhcp_options_id: Option<String>,
    vpcs: Table<VpcRecord>,
    vgws: Table<VgwRecord>,
    tgws: Table<TgwRecord>,
}

/// What a queued transition applies to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Target {
    Vpc(String),
    VpnGateway(String),
    TransitGateway(String),
    /// Lives in [`Ec2State::tgw_attachments`]; the entry's account is the
    /// gateway owner's, for the record only.
    TgwAttachment(String),
}

/// A queued "something happens at `at`". Entries may be stale (the
/// resource was deleted or its transition replaced); applying one re-reads
/// the resource's own pending transition, so a stale entry does nothing.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Due {
    at: f64,
    /// Ties in `at` resolve in scheduling order, keeping settles
    /// deterministic.
    seq: u64,
    account: String,
    region: String,
    target: Target,
}

impl PartialEq for Due {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Due {}

impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Due {
    /// Reversed, so that `BinaryHeap` (a max-heap) pops the earliest first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .at
            .total_cmp(&self.at)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

/// One EC2 resource, as [`Ec2State::each`] lists it.
pub enum Ec2Resource<'a> {
    Vpc(&'a Vpc),
    VpnGateway(&'a VpnGateway),
    TransitGateway(&'a TransitGateway),
}

/// All EC2 state of the emulator.
///
/// Reads through `&self` ([`Ec2State::vpn_gateway`] and friends) return
/// what is stored; the engine calls [`Ec2State::settle`] with the current
/// virtual time first (every [`Ec2State::execute`] does so itself) so that
/// stored states include every transition that has fallen due.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Ec2State {
    /// account -> region -> resources.
    accounts: HashMap<String, HashMap<String, Scope>>,
    /// region -> TGW attachments of every account there.
    tgw_attachments: HashMap<String, Table<TgwAttachmentRecord>>,
    due: BinaryHeap<Due>,
    due_seq: u64,
}

impl Ec2State {
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs one EC2 call for `account` in `region` at virtual time `now`.
    /// Resources of other accounts and regions are invisible to it.
    pub fn execute(
        &mut self,
        account: &str,
        region: &str,
        req: Ec2Request,
        now: f64,
        rng: &mut impl Rng,
        delays: &Ec2Delays,
    ) -> Result<Ec2Response, Ec2Error> {
        self.settle(now);
        let at = Here {
            account,
            region,
            now,
        };
        match req {
            Ec2Request::CreateVpc {
                cidr_block,
                instance_tenancy,
                tag_specifications,
            } => self.create_vpc(
                at,
                cidr_block.as_deref(),
                instance_tenancy.as_deref(),
                &tag_specifications,
                delays.vpc_available,
                rng,
            ),
            Ec2Request::DescribeVpcs {
                vpc_ids,
                filters,
                max_results,
                next_token,
            } => self.describe_vpcs(at, &vpc_ids, &filters, max_results, next_token.as_deref()),
            Ec2Request::DeleteVpc { vpc_id } => self.delete_vpc(at, &vpc_id),
            Ec2Request::CreateVpnGateway {
                gateway_type,
                amazon_side_asn,
                availability_zone,
                tag_specifications,
            } => self.create_vpn_gateway(
                at,
                &gateway_type,
                amazon_side_asn,
                availability_zone.as_deref(),
                &tag_specifications,
                rng,
            ),
            Ec2Request::DescribeVpnGateways {
                vpn_gateway_ids,
                filters,
            } => self.describe_vpn_gateways(at, &vpn_gateway_ids, &filters),
            Ec2Request::AttachVpnGateway {
                vpc_id,
                vpn_gateway_id,
            } => self.attach_vpn_gateway(at, &vpn_gateway_id, &vpc_id, delays.vgw_attach),
            Ec2Request::DetachVpnGateway {
                vpc_id,
                vpn_gateway_id,
            } => self.detach_vpn_gateway(at, &vpn_gateway_id, &vpc_id, delays.vgw_detach),
            Ec2Request::DeleteVpnGateway { vpn_gateway_id } => {
                self.delete_vpn_gateway(at, &vpn_gateway_id, delays.vgw_delete)
            }
            Ec2Request::CreateTransitGateway {
                description,
                options,
                tag_specifications,
            } => self.create_transit_gateway(
                at,
                description,
                &options,
                &tag_specifications,
                delays.tgw_available(),
                rng,
            ),
            Ec2Request::DescribeTransitGateways {
                transit_gateway_ids,
                filters,
                max_results,
                next_token,
            } => self.describe_transit_gateways(
                at,
                &transit_gateway_ids,
                &filters,
                max_results,
                next_token.as_deref(),
            ),
            Ec2Request::DeleteTransitGateway { transit_gateway_id } => {
                self.delete_transit_gateway(at, &transit_gateway_id, delays.tgw_delete())
            }
            Ec2Request::DescribeTransitGatewayAttachments {
                transit_gateway_attachment_ids,
                filters,
                max_results,
                next_token,
            } => self.describe_transit_gateway_attachments(
                at,
                &transit_gateway_attachment_ids,
                &filters,
                max_results,
                next_token.as_deref(),
            ),
        }
    }

    /// Applies every transition due at or before `now`, earliest first.
    /// Cost is proportional to the number of due entries, not to the state.
    pub fn settle(&mut self, now: f64) {
        while self.due.peek().is_some_and(|d| d.at <= now) {
            if let Some(due) = self.due.pop() {
                self.apply(due, now);
            }
        }
    }

    /// The earliest virtual time at which a queued transition falls due,
    /// if any (entries may be stale, so nothing may change then).
    pub fn next_due(&self) -> Option<f64> {
        self.due.peek().map(|d| d.at)
    }

    /// A gateway of `account` in `region`, including a `deleted` one that
    /// is still listed. Call [`Ec2State::settle`] first.
    pub fn vpn_gateway(&self, account: &str, region: &str, id: &str) -> Option<&VpnGateway> {
        self.scope(account, region)?.vgws.get(id).map(|r| &r.gw)
    }

    /// Every listed gateway of `account` in `region`, in creation order.
    /// Call [`Ec2State::settle`] first.
    pub fn vpn_gateways<'a>(
        &'a self,
        account: &str,
        region: &str,
    ) -> impl Iterator<Item = &'a VpnGateway> + 'a {
        self.scope(account, region)
            .into_iter()
            .flat_map(|s| s.vgws.values())
            .map(|r| &r.gw)
    }

    /// A VPC of `account` in `region`. Call [`Ec2State::settle`] first.
    pub fn vpc(&self, account: &str, region: &str, id: &str) -> Option<&Vpc> {
        self.scope(account, region)?.vpcs.get(id).map(|r| &r.vpc)
    }

    /// The VPC a gateway is attached to, only once the attachment is
    /// `attached` (not while `attaching` or `detaching`). Call
    /// [`Ec2State::settle`] first.
    pub fn attached_vpc(&self, account: &str, region: &str, vgw_id: &str) -> Option<&Vpc> {
        let scope = self.scope(account, region)?;
        let gw = &scope.vgws.get(vgw_id)?.gw;
        let attachment = gw
            .attachments
            .iter()
            .find(|a| a.state == AttachmentState::Attached)?;
        scope.vpcs.get(&attachment.vpc_id).map(|r| &r.vpc)
    }

    /// The IPv4 CIDR blocks of the VPC the gateway is attached to (see
    /// [`Ec2State::attached_vpc`]); empty when it is not attached.
    pub fn attached_vpc_cidrs(&self, account: &str, region: &str, vgw_id: &str) -> Vec<String> {
        self.attached_vpc(account, region, vgw_id)
            .map(|vpc| {
                vpc.cidr_block_associations
                    .iter()
                    .map(|a| a.cidr_block.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every VPC, VGW and TGW of every account and region, for the
    /// emulator's own resource listing. Call [`Ec2State::settle`] first.
    pub fn each(&self, mut f: impl FnMut(&str, &str, Ec2Resource<'_>)) {
        for (account, regions) in &self.accounts {
            for (region, scope) in regions {
                for r in scope.vpcs.values() {
                    f(account, region, Ec2Resource::Vpc(&r.vpc));
                }
                for r in scope.vgws.values() {
                    f(account, region, Ec2Resource::VpnGateway(&r.gw));
                }
                for r in scope.tgws.values() {
                    f(account, region, Ec2Resource::TransitGateway(&r.tgw));
                }
            }
        }
    }

    /// `(kind, id, state)` of every VPC, VGW (and its VPC attachment) and
    /// TGW of one account and region: what the event log compares before
    /// and after an EC2 call. Scopes are small (a few per account).
    pub fn marks(&self, account: &str, region: &str) -> Vec<(&'static str, String, &'static str)> {
        let mut out = Vec::new();
        if let Some(scope) = self.scope(account, region) {
            for r in scope.vpcs.values() {
                out.push(("vpc", r.vpc.vpc_id.clone(), r.vpc.state.as_str()));
            }
            for r in scope.vgws.values() {
                let gw = &r.gw;
                out.push((
                    "virtualPrivateGateway",
                    gw.vpn_gateway_id.clone(),
                    gw.state.as_str(),
                ));
                for a in &gw.attachments {
                    let id = format!("{}/{}", gw.vpn_gateway_id, a.vpc_id);
                    out.push(("vpcAttachment", id, a.state.as_str()));
                }
            }
            for r in scope.tgws.values() {
                out.push((
                    "transitGateway",
                    r.tgw.transit_gateway_id.clone(),
                    r.tgw.state.as_str(),
                ));
            }
        }
        out
    }

    /// The accounts and regions whose transitions fall due by `now`.
    pub fn due_scopes(&self, now: f64) -> Vec<(String, String)> {
        let mut scopes: Vec<(String, String)> = self
            .due
            .iter()
            .filter(|d| d.at <= now)
            .map(|d| (d.account.clone(), d.region.clone()))
            .collect();
        scopes.sort_unstable();
        scopes.dedup();
        scopes
    }

    fn scope(&self, account: &str, region: &str) -> Option<&Scope> {
        self.accounts.get(account)?.get(region)
    }

    fn scope_mut(&mut self, account: &str, region: &str) -> &mut Scope {
        self.accounts
            .entry(account.to_owned())
            .or_default()
            .entry(region.to_owned())
            .or_default()
    }

    fn existing_scope_mut(&mut self, account: &str, region: &str) -> Option<&mut Scope> {
        self.accounts.get_mut(account)?.get_mut(region)
    }

    fn schedule(&mut self, at: f64, account: &str, region: &str, target: Target) {
        self.due_seq += 1;
        self.due.push(Due {
            at,
            seq: self.due_seq,
            account: account.to_owned(),
            region: region.to_owned(),
            target,
        });
    }

    fn apply(&mut self, due: Due, now: f64) {
        if let Target::TgwAttachment(id) = &due.target {
            self.apply_tgw_attachment(&due.account, &due.region, id, now);
            return;
        }
        let Some(scope) = self.existing_scope_mut(&due.account, &due.region) else {
            return;
        };
        match due.target {
            // Applied above: attachments are not kept in a scope.
            Target::TgwAttachment(_) => {}
            Target::TransitGateway(id) => {
                let Some(rec) = scope.tgws.get_mut(&id) else {
                    return;
                };
                let mut purge_at = None;
                if let Some(t) = rec.becomes.and_then(|t| t.due(now)) {
                    rec.tgw.state = t.to;
                    rec.becomes = None;
                    if t.to == TransitGatewayState::Deleted {
                        rec.purge_at = Some(t.at + DELETED_TGW_RETENTION);
                        purge_at = rec.purge_at;
                    }
                }
                if rec.purge_at.is_some_and(|p| p <= now) {
                    scope.tgws.remove(&id);
                    purge_at = None;
                }
                if let Some(at) = purge_at {
                    self.schedule(at, &due.account, &due.region, Target::TransitGateway(id));
                }
            }
            Target::Vpc(id) => {
                if let Some(rec) = scope.vpcs.get_mut(&id) {
                    if let Some(t) = rec.becomes.and_then(|t| t.due(now)) {
                        rec.vpc.state = t.to;
                        rec.becomes = None;
                    }
                }
            }
            Target::VpnGateway(id) => {
                let Some(rec) = scope.vgws.get_mut(&id) else {
                    return;
                };
                let mut detached_from = None;
                if let Some(t) = rec.attachment_becomes.and_then(|t| t.due(now)) {
                    rec.attachment_becomes = None;
                    if let Some(a) = rec
                        .gw
                        .attachments
                        .iter_mut()
                        .find(|a| a.state != AttachmentState::Detached)
                    {
                        a.state = t.to;
                        if t.to == AttachmentState::Detached {
                            detached_from = Some(a.vpc_id.clone());
                        }
                    }
                }
                let mut purge_at = None;
                if let Some(t) = rec.becomes.and_then(|t| t.due(now)) {
                    rec.gw.state = t.to;
                    rec.becomes = None;
                    if t.to == VpnState::Deleted {
                        // The tail runs from when it was deleted, not from
                        // when someone happened to look.
                        rec.purge_at = Some(t.at + DELETED_VGW_RETENTION);
                        purge_at = rec.purge_at;
                    }
                }
                if rec.purge_at.is_some_and(|p| p <= now) {
                    scope.vgws.remove(&id);
                    purge_at = None;
                }
                if let Some(vpc_id) = detached_from {
                    if let Some(vpc) = scope.vpcs.get_mut(&vpc_id) {
                        if vpc.vpn_gateway_id.as_deref() == Some(id.as_str()) {
                            vpc.vpn_gateway_id = None;
                        }
                    }
                }
                if let Some(at) = purge_at {
                    self.schedule(at, &due.account, &due.region, Target::VpnGateway(id));
                }
            }
        }
    }
}

impl Ec2State {
    fn apply_tgw_attachment(&mut self, account: &str, region: &str, id: &str, now: f64) {
        let Some(table) = self.tgw_attachments.get_mut(region) else {
            return;
        };
        let Some(rec) = table.get_mut(id) else {
            return;
        };
        let mut purge_at = None;
        if let Some(t) = rec.becomes.and_then(|t| t.due(now)) {
            rec.att.state = t.to;
            rec.becomes = None;
            if t.to == TransitGatewayAttachmentState::Deleted {
                if let Some(a) = rec.att.association.as_mut() {
                    a.state = TransitGatewayAssociationState::Disassociated;
                }
                rec.purge_at = Some(t.at + DELETED_TGW_ATTACHMENT_RETENTION);
                purge_at = rec.purge_at;
            }
        }
        if rec.purge_at.is_some_and(|p| p <= now) {
            table.remove(id);
            purge_at = None;
        }
        if let Some(at) = purge_at {
            self.schedule(at, account, region, Target::TgwAttachment(id.to_owned()));
        }
    }
}

/// The caller's account and region and the call's virtual time.
#[derive(Debug, Clone, Copy)]
struct Here<'a> {
    account: &'a str,
    region: &'a str,
    now: f64,
}

/// The smallest and largest `MaxResults` EC2 accepts.
const MIN_RESULTS: i64 = 5;
const MAX_RESULTS: i64 = 1000;

/// The page size `MaxResults` asks for; unbounded when absent.
fn page_limit(max_results: Option<i64>) -> Result<usize, Ec2Error> {
    match max_results {
        None => Ok(usize::MAX),
        Some(n @ MIN_RESULTS..=MAX_RESULTS) => Ok(n as usize),
        Some(n) => Err(Ec2Error::invalid_parameter_value(format!(
            "Value ( {n} ) for parameter maxResults is invalid. Parameter must be between {MIN_RESULTS} and {MAX_RESULTS}."
        ))),
    }
}

/// Up to `limit` rows of `candidates` (creation number, row) that `keep`
/// accepts, and the token naming the first one left over.
fn take_page<'r, R: 'r, T>(
    candidates: impl Iterator<Item = (u64, &'r R)>,
    limit: usize,
    keep: impl Fn(&R) -> bool,
    item: impl Fn(&R) -> T,
) -> (Vec<T>, Option<String>) {
    let mut page = Vec::new();
    for (seq, row) in candidates.filter(|(_, r)| keep(r)) {
        if page.len() == limit {
            return (page, Some(page_token(seq)));
        }
        page.push(item(row));
    }
    (page, None)
}

/// An opaque pagination token naming the creation number to resume from.
fn page_token(seq: u64) -> String {
    format!("{seq:016x}")
}

fn parse_page_token(token: &str) -> Result<u64, Ec2Error> {
    if token.len() == 16 {
        if let Ok(seq) = u64::from_str_radix(token, 16) {
            return Ok(seq);
        }
    }
    Err(Ec2Error::invalid_pagination_token(token))
}
