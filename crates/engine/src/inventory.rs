//! Every resource the emulator holds, across accounts and regions, for the
//! dashboard and scripts (`GET /_dxlocal/resources`). Unlike the Describe
//! calls this ignores who is asking: it is the emulator's own view.
//!
//! Each resource carries its description exactly as the API renders it
//! (the same `to_api` the Describe calls use), plus what a topology view
//! needs: its parent and its links to other resources.

use dxlocal_model::ec2::{TransitGateway, Vpc, VpnGateway};
use dxlocal_model::{
    Connection as ApiConnection, DirectConnectGateway, DirectConnectGatewayAssociation,
    DirectConnectGatewayAssociationProposal, DirectConnectGatewayAttachment, Interconnect,
    Lag as ApiLag, ResiliencyGroup as ApiGroup, Tag, VirtualInterface,
};

use std::collections::BTreeMap;

use crate::ec2::Ec2Resource;
use crate::ops;
use crate::state::{attachment_id, ConnKind};
use crate::tracked::Observed;
use crate::Engine;

/// The API's own description of a resource.
#[derive(Debug, Clone)]
pub enum Description {
    Connection(ApiConnection),
    Interconnect(Interconnect),
    Lag(ApiLag),
    VirtualInterface(VirtualInterface),
    DirectConnectGateway(DirectConnectGateway),
    Association(DirectConnectGatewayAssociation),
    Attachment(DirectConnectGatewayAttachment),
    Proposal(DirectConnectGatewayAssociationProposal),
    ResiliencyGroup(ApiGroup),
    Vpc(Vpc),
    VpnGateway(VpnGateway),
    TransitGateway(TransitGateway),
}

/// A line from one resource to another, possibly in another account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// `connectionOwner`, `directConnectGateway`, `virtualGateway`,
    /// `associated` or `vif`.
    pub kind: &'static str,
    pub id: String,
    pub account: String,
    pub region: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Resource {
    /// As the event log names kinds (`virtualInterface`, `lag`, ...).
    pub kind: &'static str,
    pub id: String,
    pub account: String,
    /// `None` for global resources (Direct Connect gateways and their
    /// associations).
    pub region: Option<String>,
    pub state: &'static str,
    pub name: String,
    /// What it hangs under in a topology: a hosted connection's
    /// interconnect or LAG, a member's LAG, a VIF's connection or LAG, an
    /// association's or attachment's gateway, a VGW's VPC.
    pub parent: Option<String>,
    pub links: Vec<Link>,
    pub tags: Vec<Tag>,
    pub description: Description,
}

/// Which resources to list; `None` matches all.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Resources this account owns or is linked to (a partner sees the
    /// hosted VIFs on its connections).
    pub account: Option<String>,
    /// Resources in this region, and the global ones.
    pub region: Option<String>,
    pub kind: Option<String>,
}

impl Filter {
    fn matches(&self, r: &Resource) -> bool {
        let account = self
            .account
            .as_ref()
            .is_none_or(|a| &r.account == a || r.links.iter().any(|l| &l.account == a));
        let region = match (&self.region, &r.region) {
            (Some(want), Some(have)) => want == have,
            _ => true,
        };
        let kind = self.kind.as_ref().is_none_or(|k| k == r.kind);
        account && region && kind
    }
}

fn link(kind: &'static str, id: &str, account: &str, region: Option<&str>) -> Link {
    Link {
        kind,
        id: id.to_string(),
        account: account.to_string(),
        region: region.map(str::to_string),
    }
}

impl Engine {
    /// Every resource matching `filter`, after settling what fell due.
    /// Ordered by kind, then account, then ID, so a listing is stable.
    pub fn inventory(&mut self, wall_now: f64, filter: &Filter) -> Vec<Resource> {
        let now = self.clock.now(wall_now);
        self.settle(now);
        let mut out = Vec::new();
        let mut keep = |r: Resource| {
            if filter.matches(&r) {
                out.push(r);
            }
        };
        let state = &self.state;
        for c in state.connections.values() {
            let (kind, description, parent, mut links) = match &c.kind {
                ConnKind::Interconnect => (
                    "interconnect",
                    Description::Interconnect(ops::interconnects::to_api(c)),
                    c.lag_id.clone(),
                    Vec::new(),
                ),
                ConnKind::Dedicated => (
                    "connection",
                    Description::Connection(ops::connections::to_api(c)),
                    c.lag_id.clone(),
                    Vec::new(),
                ),
                ConnKind::Hosted {
                    parent_id, partner, ..
                } => (
                    "hostedConnection",
                    Description::Connection(ops::connections::to_api(c)),
                    Some(parent_id.clone()),
                    vec![link("connectionOwner", parent_id, partner, Some(&c.region))],
                ),
            };
            links.dedup();
            keep(Resource {
                kind,
                id: c.id.clone(),
                account: c.owner.clone(),
                region: Some(c.region.clone()),
                state: c.state.as_str(),
                name: c.name.clone(),
                parent,
                links,
                tags: c.tags.clone(),
                description,
            });
        }
        for l in state.lags.values() {
            keep(Resource {
                kind: "lag",
                id: l.id.clone(),
                account: l.owner.clone(),
                region: Some(l.region.clone()),
                state: ops::lags::state_in(state, l).as_str(),
                name: l.name.clone(),
                parent: None,
                links: Vec::new(),
                tags: l.tags.clone(),
                description: Description::Lag(ops::lags::to_api(self, l)),
            });
        }
        for v in state.vifs.values() {
            let mut links = Vec::new();
            if v.connection_owner != v.owner {
                links.push(link(
                    "connectionOwner",
                    &v.connection_id,
                    &v.connection_owner,
                    Some(&v.region),
                ));
            }
            if !v.direct_connect_gateway_id.is_empty() {
                let owner = state
                    .gateways
                    .get(&v.direct_connect_gateway_id)
                    .map_or(v.owner.as_str(), |g| g.owner.as_str());
                links.push(link(
                    "directConnectGateway",
                    &v.direct_connect_gateway_id,
                    owner,
                    None,
                ));
            }
            if !v.virtual_gateway_id.is_empty() {
                links.push(link(
                    "virtualGateway",
                    &v.virtual_gateway_id,
                    &v.owner,
                    Some(&v.region),
                ));
            }
            keep(Resource {
                kind: "virtualInterface",
                id: v.id.clone(),
                account: v.owner.clone(),
                region: Some(v.region.clone()),
                state: v.state.as_str(),
                name: v.name.clone(),
                parent: Some(v.connection_id.clone()),
                links,
                tags: v.tags.clone(),
                description: Description::VirtualInterface(ops::vifs::to_api(v)),
            });
        }
        for g in state.gateways.values() {
            keep(Resource {
                kind: "directConnectGateway",
                id: g.id.clone(),
                account: g.owner.clone(),
                region: None,
                state: g.state.as_str(),
                name: g.name.clone(),
                parent: None,
                links: Vec::new(),
                tags: g.tags.clone(),
                description: Description::DirectConnectGateway(ops::gateways::to_api(g)),
            });
        }
        for a in state.attachments.values() {
            keep(Resource {
                kind: "gatewayAttachment",
                id: attachment_id(&a.gateway_id, &a.vif_id),
                account: a.vif_owner.clone(),
                region: Some(a.vif_region.clone()),
                state: a.state.as_str(),
                name: String::new(),
                parent: Some(a.gateway_id.clone()),
                links: vec![link("vif", &a.vif_id, &a.vif_owner, Some(&a.vif_region))],
                tags: Vec::new(),
                description: Description::Attachment(ops::gateways::attachment_to_api(a)),
            });
        }
        for a in state.associations.values() {
            keep(Resource {
                kind: "gatewayAssociation",
                id: a.id.clone(),
                account: a.gateway_owner.clone(),
                region: None,
                state: a.state.as_str(),
                name: String::new(),
                parent: Some(a.gateway_id.clone()),
                links: vec![link(
                    "associated",
                    &a.associated_id,
                    &a.associated_owner,
                    Some(&a.associated_region),
                )],
                tags: Vec::new(),
                description: Description::Association(ops::associations::to_api(a)),
            });
        }
        for p in state.proposals.values() {
            keep(Resource {
                kind: "associationProposal",
                id: p.id.clone(),
                account: p.proposer.clone(),
                region: None,
                state: p.state.as_str(),
                name: String::new(),
                parent: Some(p.gateway_id.clone()),
                links: vec![link(
                    "directConnectGateway",
                    &p.gateway_id,
                    &p.gateway_owner,
                    None,
                )],
                tags: Vec::new(),
                description: Description::Proposal(ops::associations::proposal_to_api(p)),
            });
        }
        for g in state.groups.values() {
            keep(Resource {
                kind: "resiliencyGroup",
                id: g.id.clone(),
                account: g.owner.clone(),
                region: Some(g.region.clone()),
                state: g.state.as_str(),
                name: g.name.clone(),
                parent: None,
                links: Vec::new(),
                tags: g.tags.clone(),
                description: Description::ResiliencyGroup(ops::resiliency::to_api(g)),
            });
        }
        self.ec2.each(|account, region, r| {
            let resource = match r {
                Ec2Resource::Vpc(v) => Resource {
                    kind: "vpc",
                    id: v.vpc_id.clone(),
                    account: account.to_string(),
                    region: Some(region.to_string()),
                    state: v.state.as_str(),
                    name: name_tag(&v.tags),
                    parent: None,
                    links: Vec::new(),
                    tags: ec2_tags(&v.tags),
                    description: Description::Vpc(v.clone()),
                },
                Ec2Resource::VpnGateway(g) => Resource {
                    kind: "virtualPrivateGateway",
                    id: g.vpn_gateway_id.clone(),
                    account: account.to_string(),
                    region: Some(region.to_string()),
                    state: g.state.as_str(),
                    name: name_tag(&g.tags),
                    parent: g
                        .attachments
                        .iter()
                        .find(|a| a.state.as_str() != "detached")
                        .map(|a| a.vpc_id.clone()),
                    links: Vec::new(),
                    tags: ec2_tags(&g.tags),
                    description: Description::VpnGateway(g.clone()),
                },
                Ec2Resource::TransitGateway(t) => Resource {
                    kind: "transitGateway",
                    id: t.transit_gateway_id.clone(),
                    account: account.to_string(),
                    region: Some(region.to_string()),
                    state: t.state.as_str(),
                    name: name_tag(&t.tags),
                    parent: None,
                    links: Vec::new(),
                    tags: ec2_tags(&t.tags),
                    description: Description::TransitGateway(t.clone()),
                },
            };
            keep(resource);
        });
        out.sort_by(|a, b| (a.kind, &a.account, &a.id).cmp(&(b.kind, &b.account, &b.id)));
        out
    }
}

impl Engine {
    /// How many resources of each kind are in each state (for metrics):
    /// counts only, nothing rendered.
    pub fn census(&mut self, wall_now: f64) -> BTreeMap<(&'static str, &'static str), u64> {
        let now = self.clock.now(wall_now);
        self.settle(now);
        let mut counts = BTreeMap::new();
        let mut count = |kind: &'static str, state: &'static str| {
            *counts.entry((kind, state)).or_insert(0) += 1;
        };
        let state = &self.state;
        for c in state.connections.values() {
            count(c.kind(), c.state.as_str());
        }
        for l in state.lags.values() {
            count("lag", ops::lags::state_in(state, l).as_str());
        }
        for v in state.vifs.values() {
            count("virtualInterface", v.state.as_str());
        }
        for g in state.gateways.values() {
            count("directConnectGateway", g.state.as_str());
        }
        for a in state.attachments.values() {
            count("gatewayAttachment", a.state.as_str());
        }
        for a in state.associations.values() {
            count("gatewayAssociation", a.state.as_str());
        }
        for p in state.proposals.values() {
            count("associationProposal", p.state.as_str());
        }
        for g in state.groups.values() {
            count("resiliencyGroup", g.state.as_str());
        }
        self.ec2.each(|_, _, r| match r {
            Ec2Resource::Vpc(v) => count("vpc", v.state.as_str()),
            Ec2Resource::VpnGateway(g) => count("virtualPrivateGateway", g.state.as_str()),
            Ec2Resource::TransitGateway(t) => count("transitGateway", t.state.as_str()),
        });
        counts
    }
}

/// EC2 resources have no name of their own; consoles show the `Name` tag.
fn name_tag(tags: &[dxlocal_model::ec2::Tag]) -> String {
    tags.iter()
        .find(|t| t.key == "Name")
        .map(|t| t.value.clone())
        .unwrap_or_default()
}

fn ec2_tags(tags: &[dxlocal_model::ec2::Tag]) -> Vec<Tag> {
    tags.iter()
        .map(|t| Tag {
            key: t.key.clone(),
            value: Some(t.value.clone()),
        })
        .collect()
}
