//! Everything about the emulator's behaviour that a user may want to
//! change: quotas (AWS raises them over time) and transition timers.

use crate::clock::Lifecycle;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EngineConfig {
    pub lifecycle: Lifecycle,
    /// Seed for reproducible IDs; `None` draws from the OS.
    pub seed: Option<u64>,
    pub quotas: Quotas,
    pub delays: Delays,
    /// Public ASNs this emulator treats as verified for public VIFs; any
    /// other public ASN keeps a public VIF in `verifying`, as AWS holds it.
    pub public_asn_allowlist: Vec<i64>,
    /// Accounts that are Direct Connect partners, with their NNI partner
    /// type (`v1` or `v2`); every other account is `nonPartner`.
    pub partners: Vec<(String, dxlocal_model::NniPartnerType)>,
    /// Refuse partner operations (interconnects, hosted connections) from
    /// accounts not listed in `partners`. Off by default: any account may
    /// act as a partner.
    pub restrict_partner_operations: bool,
    /// Refuse DeleteDirectConnectGateway at once while associations exist,
    /// instead of the observed accept-then-revert.
    pub gateway_delete_with_associations_fails: bool,
}

/// Service quotas (resources.md §21), all configurable.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Quotas {
    pub connections_per_location: usize,
    pub private_public_vifs_per_connection: usize,
    pub transit_vifs_per_connection: usize,
    pub bgp_peers_per_family: usize,
    pub vifs_per_hosted_connection: usize,
    pub vifs_per_gateway: usize,
    pub vgws_per_gateway: usize,
    pub tgws_per_gateway: usize,
    pub gateways_per_tgw: usize,
    pub gateways_per_account: usize,
    pub tags_per_resource: usize,
    pub arns_per_describe_tags: usize,
    pub lags_per_region: usize,
    pub resiliency_groups_per_region: usize,
    pub connections_per_resiliency_group: usize,
}

impl Quotas {
    /// Every quota's name, as `--quota NAME=VALUE` takes it.
    pub const NAMES: &'static str = "connections-per-location, private-public-vifs-per-connection, transit-vifs-per-connection, bgp-peers-per-family, vifs-per-hosted-connection, vifs-per-gateway, vgws-per-gateway, tgws-per-gateway, gateways-per-tgw, gateways-per-account, tags-per-resource, arns-per-describe-tags, lags-per-region, resiliency-groups-per-region, connections-per-resiliency-group";

    /// Sets one quota by its kebab-case name (`vifs-per-gateway=60`).
    pub fn set(&mut self, name: &str, value: usize) -> Result<(), String> {
        let slot = match name {
            "connections-per-location" => &mut self.connections_per_location,
            "private-public-vifs-per-connection" => &mut self.private_public_vifs_per_connection,
            "transit-vifs-per-connection" => &mut self.transit_vifs_per_connection,
            "bgp-peers-per-family" => &mut self.bgp_peers_per_family,
            "vifs-per-hosted-connection" => &mut self.vifs_per_hosted_connection,
            "vifs-per-gateway" => &mut self.vifs_per_gateway,
            "vgws-per-gateway" => &mut self.vgws_per_gateway,
            "tgws-per-gateway" => &mut self.tgws_per_gateway,
            "gateways-per-tgw" => &mut self.gateways_per_tgw,
            "gateways-per-account" => &mut self.gateways_per_account,
            "tags-per-resource" => &mut self.tags_per_resource,
            "arns-per-describe-tags" => &mut self.arns_per_describe_tags,
            "lags-per-region" => &mut self.lags_per_region,
            "resiliency-groups-per-region" => &mut self.resiliency_groups_per_region,
            "connections-per-resiliency-group" => &mut self.connections_per_resiliency_group,
            other => return Err(format!("unknown quota {other:?}; known: {}", Self::NAMES)),
        };
        *slot = value;
        Ok(())
    }
}

impl Default for Quotas {
    fn default() -> Self {
        Quotas {
            connections_per_location: 10,
            private_public_vifs_per_connection: 50,
            // The 2023 quota table says both 1 and 4 (resources.md §6.7).
            transit_vifs_per_connection: 4,
            bgp_peers_per_family: 1,
            vifs_per_hosted_connection: 1,
            vifs_per_gateway: 30,
            vgws_per_gateway: 20,
            tgws_per_gateway: 6,
            gateways_per_tgw: 20,
            gateways_per_account: 200,
            tags_per_resource: 50,
            arns_per_describe_tags: 20,
            lags_per_region: 10,
            // [choice] limits are not public (resources.md §19).
            resiliency_groups_per_region: 10,
            connections_per_resiliency_group: 50,
        }
    }
}

/// Realistic transition delays in seconds (resources.md §22). The instant
/// lifecycle turns every one of them into zero.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Delays {
    pub connection_requested_to_pending: f64,
    pub connection_pending_to_available: f64,
    pub hosted_connection_pending_to_available: f64,
    pub resiliency_group_change: f64,
    pub vif_verifying_to_pending: f64,
    pub vif_pending_to_available: f64,
    pub vif_deleting_to_deleted: f64,
    pub gateway_deleting_to_deleted: f64,
    pub vpc_available: f64,
    pub vgw_attach: f64,
    pub vgw_delete: f64,
    pub association_change: f64,
    /// A DX gateway deleted with associations left returns to `available`
    /// after this long (observed: a few minutes).
    pub gateway_delete_revert: f64,
    /// An unanswered proposal expires after this long (7 days).
    pub proposal_expiry: f64,
    /// Accepted or deleted proposals stay visible this long (3 days).
    pub proposal_tail: f64,
    /// How long deleted VIFs and connections stay listed. A visibility
    /// window, not a transition: it applies in every lifecycle.
    pub deleted_visible: f64,
}

impl Default for Delays {
    fn default() -> Self {
        Delays {
            connection_requested_to_pending: 30.0,
            connection_pending_to_available: 30.0,
            hosted_connection_pending_to_available: 10.0,
            resiliency_group_change: 10.0,
            vif_verifying_to_pending: 10.0,
            vif_pending_to_available: 10.0,
            vif_deleting_to_deleted: 10.0,
            gateway_deleting_to_deleted: 10.0,
            vpc_available: 2.0,
            vgw_attach: 2.0,
            vgw_delete: 10.0,
            association_change: 10.0,
            gateway_delete_revert: 120.0,
            proposal_expiry: 7.0 * 86400.0,
            proposal_tail: 3.0 * 86400.0,
            deleted_visible: 15.0 * 60.0,
        }
    }
}
