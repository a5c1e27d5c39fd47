//! CreateVpnGateway, DescribeVpnGateways, AttachVpnGateway,
//! DetachVpnGateway, DeleteVpnGateway.

use std::collections::BTreeSet;

use dxlocal_model::ec2::{
    AttachmentState, Ec2Error, Ec2Response, Filter, TagSpecification, VpcAttachment, VpnGateway,
    VpnState,
};
use rand::Rng;

use super::filter::{self, VgwField};
use super::vpc::dedup;
use super::{ids, validate, Ec2State, Here, Scope, Target, Transition, VgwRecord};

/// The only gateway type EC2 offers.
const GATEWAY_TYPE: &str = "ipsec.1";

/// The default Amazon-side ASN of CreateVpnGateway and
/// CreateTransitGateway.
pub const DEFAULT_AMAZON_SIDE_ASN: i64 = 64512;

impl Ec2State {
    pub(super) fn create_vpn_gateway(
        &mut self,
        at: Here<'_>,
        gateway_type: &str,
        amazon_side_asn: Option<i64>,
        availability_zone: Option<&str>,
        tag_specifications: &[TagSpecification],
        rng: &mut impl Rng,
    ) -> Result<Ec2Response, Ec2Error> {
        if gateway_type != GATEWAY_TYPE {
            return Err(Ec2Error::invalid_value_for("type", gateway_type));
        }
        let asn = validate::amazon_side_asn(amazon_side_asn.unwrap_or(DEFAULT_AMAZON_SIDE_ASN))?;
        if let Some(az) = availability_zone {
            // A zone is the region name plus a suffix (us-east-1a).
            if az.len() <= at.region.len() || !az.starts_with(at.region) {
                return Err(Ec2Error::invalid_parameter_value(format!(
                    "Invalid availability zone: [{az}]"
                )));
            }
        }
        let tags = validate::tags_for(tag_specifications, "vpn-gateway")?;

        let scope = self.scope_mut(at.account, at.region);
        let id = loop {
            let id = ids::generate(ids::VPN_GATEWAY, rng);
            if !scope.vgws.contains(&id) {
                break id;
            }
        };
        let gw = VpnGateway {
            vpn_gateway_id: id.clone(),
            state: VpnState::Available,
            gateway_type: GATEWAY_TYPE.to_owned(),
            availability_zone: availability_zone.map(str::to_owned),
            amazon_side_asn: asn,
            attachments: Vec::new(),
            tags,
        };
        scope.vgws.insert(
            id,
            VgwRecord {
                gw: gw.clone(),
                becomes: None,
                attachment_becomes: None,
                purge_at: None,
            },
        );
        Ok(Ec2Response::CreateVpnGateway { vpn_gateway: gw })
    }

    pub(super) fn describe_vpn_gateways(
        &self,
        at: Here<'_>,
        vpn_gateway_ids: &[String],
        filters: &[Filter],
    ) -> Result<Ec2Response, Ec2Error> {
        if let Some(bad) = vpn_gateway_ids
            .iter()
            .find(|id| !ids::well_formed(id, ids::VPN_GATEWAY))
        {
            return Err(Ec2Error::vpn_gateway_malformed(bad));
        }
        let filters = filter::compile::<VgwField>(filters)?;
        let scope = self.scope(at.account, at.region);
        let keep = |r: &&VgwRecord| filters.matches(|f| f.values(&r.gw));
        let vpn_gateways = if vpn_gateway_ids.is_empty() {
            scope
                .into_iter()
                .flat_map(|s| s.vgws.values())
                .filter(keep)
                .map(|r| r.gw.clone())
                .collect()
        } else {
            let mut seqs = BTreeSet::new();
            let mut missing = Vec::new();
            for id in vpn_gateway_ids {
                match scope.and_then(|s| s.vgws.seq_of(id)) {
                    Some(seq) => {
                        seqs.insert(seq);
                    }
                    None => missing.push(id.as_str()),
                }
            }
            if !missing.is_empty() {
                return Err(Ec2Error::vpn_gateways_not_found(&dedup(missing)));
            }
            let scope = scope.expect("IDs were found in it");
            seqs.into_iter()
                .filter_map(|s| scope.vgws.at_seq(s))
                .filter(keep)
                .map(|r| r.gw.clone())
                .collect()
        };
        Ok(Ec2Response::DescribeVpnGateways { vpn_gateways })
    }

    pub(super) fn attach_vpn_gateway(
        &mut self,
        at: Here<'_>,
        vgw_id: &str,
        vpc_id: &str,
        delay: f64,
    ) -> Result<Ec2Response, Ec2Error> {
        check_vgw_id(vgw_id)?;
        if !ids::well_formed(vpc_id, ids::VPC) {
            return Err(Ec2Error::vpc_malformed(vpc_id));
        }
        let scope = self
            .existing_scope_mut(at.account, at.region)
            .ok_or_else(|| Ec2Error::vpn_gateway_not_found(vgw_id))?;
        let gw = &usable_vgw(scope, vgw_id)?.gw;
        match gw.state {
            VpnState::Available => {}
            state => {
                return Err(Ec2Error::invalid_vpn_gateway_state(format!(
                    "The vpnGateway '{vgw_id}' is in the '{state}' state and cannot be attached."
                )))
            }
        }
        let vpc = scope
            .vpcs
            .get(vpc_id)
            .ok_or_else(|| Ec2Error::vpc_not_found(vpc_id))?;
        if gw.live_attachment().is_some() {
            return Err(Ec2Error::vpn_gateway_attachment_limit_exceeded(vgw_id));
        }
        if vpc.vpn_gateway_id.is_some() {
            return Err(Ec2Error::invalid_vpc_state(format!(
                "VPC {vpc_id} is currently attached to the Virtual Private Gateway."
            )));
        }

        let becomes = Transition::new(AttachmentState::Attached, at.now, delay);
        let attachment = VpcAttachment {
            vpc_id: vpc_id.to_owned(),
            state: AttachmentState::Attaching,
        };
        let rec = scope.vgws.get_mut(vgw_id).expect("looked up above");
        // EC2 lists a detached VPC until the gateway is attached again.
        rec.gw
            .attachments
            .retain(|a| a.state != AttachmentState::Detached);
        rec.gw.attachments.push(attachment.clone());
        rec.attachment_becomes = Some(becomes);
        if let Some(vpc) = scope.vpcs.get_mut(vpc_id) {
            vpc.vpn_gateway_id = Some(vgw_id.to_owned());
        }
        self.schedule(
            becomes.at,
            at.account,
            at.region,
            Target::VpnGateway(vgw_id.to_owned()),
        );
        Ok(Ec2Response::AttachVpnGateway { attachment })
    }

    pub(super) fn detach_vpn_gateway(
        &mut self,
        at: Here<'_>,
        vgw_id: &str,
        vpc_id: &str,
        delay: f64,
    ) -> Result<Ec2Response, Ec2Error> {
        check_vgw_id(vgw_id)?;
        if !ids::well_formed(vpc_id, ids::VPC) {
            return Err(Ec2Error::vpc_malformed(vpc_id));
        }
        let scope = self
            .existing_scope_mut(at.account, at.region)
            .ok_or_else(|| Ec2Error::vpn_gateway_not_found(vgw_id))?;
        usable_vgw(scope, vgw_id)?;
        let rec = scope.vgws.get_mut(vgw_id).expect("looked up above");
        // An unknown VPC is reported as a missing attachment, as EC2 does.
        let attachment = rec
            .gw
            .attachments
            .iter_mut()
            .find(|a| a.vpc_id == vpc_id && a.state != AttachmentState::Detached)
            .ok_or_else(|| Ec2Error::vpn_gateway_attachment_not_found(vgw_id, vpc_id))?;
        if attachment.state == AttachmentState::Detaching {
            return Err(Ec2Error::incorrect_state(format!(
                "The attachment of vpnGateway '{vgw_id}' to vpc '{vpc_id}' is already detaching."
            )));
        }
        attachment.state = AttachmentState::Detaching;
        let becomes = Transition::new(AttachmentState::Detached, at.now, delay);
        rec.attachment_becomes = Some(becomes);
        self.schedule(
            becomes.at,
            at.account,
            at.region,
            Target::VpnGateway(vgw_id.to_owned()),
        );
        Ok(Ec2Response::DetachVpnGateway)
    }

    pub(super) fn delete_vpn_gateway(
        &mut self,
        at: Here<'_>,
        vgw_id: &str,
        delay: f64,
    ) -> Result<Ec2Response, Ec2Error> {
        check_vgw_id(vgw_id)?;
        let scope = self
            .existing_scope_mut(at.account, at.region)
            .ok_or_else(|| Ec2Error::vpn_gateway_not_found(vgw_id))?;
        let rec = usable_vgw(scope, vgw_id)?;
        if rec.gw.state == VpnState::Deleting {
            // Repeating a delete that is under way changes nothing.
            return Ok(Ec2Response::DeleteVpnGateway);
        }
        if let Some(a) = rec.gw.live_attachment() {
            return Err(Ec2Error::incorrect_state(format!(
                "The vpnGateway '{vgw_id}' is in use: its attachment to '{}' is {}. Detach it first.",
                a.vpc_id, a.state
            )));
        }
        let becomes = Transition::new(VpnState::Deleted, at.now, delay);
        let rec = scope.vgws.get_mut(vgw_id).expect("looked up above");
        rec.gw.state = VpnState::Deleting;
        rec.becomes = Some(becomes);
        self.schedule(
            becomes.at,
            at.account,
            at.region,
            Target::VpnGateway(vgw_id.to_owned()),
        );
        Ok(Ec2Response::DeleteVpnGateway)
    }
}

fn check_vgw_id(id: &str) -> Result<(), Ec2Error> {
    if ids::well_formed(id, ids::VPN_GATEWAY) {
        Ok(())
    } else {
        Err(Ec2Error::vpn_gateway_malformed(id))
    }
}

/// A gateway a mutation may name: a `deleted` one, although still listed,
/// is gone as far as changes go.
fn usable_vgw<'s>(scope: &'s Scope, id: &str) -> Result<&'s VgwRecord, Ec2Error> {
    scope
        .vgws
        .get(id)
        .filter(|r| r.gw.state != VpnState::Deleted)
        .ok_or_else(|| Ec2Error::vpn_gateway_not_found(id))
}
