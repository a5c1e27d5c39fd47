//! CreateTransitGateway, DescribeTransitGateways, DeleteTransitGateway,
//! DescribeTransitGatewayAttachments, and the bridge through which Direct
//! Connect reads transit gateways and attaches its gateways to them.
//!
//! Direct Connect makes the only attachments: associating a Direct Connect
//! gateway with a TGW creates a `direct-connect-gateway` attachment in the
//! TGW's region, and it blocks DeleteTransitGateway until the association
//! is deleted (resources.md §9).

use std::collections::BTreeSet;

use dxlocal_model::ec2::{
    Ec2Error, Ec2Response, Filter, TagSpecification, Toggle, TransitGateway,
    TransitGatewayAssociationState, TransitGatewayAttachment, TransitGatewayAttachmentAssociation,
    TransitGatewayAttachmentResourceType, TransitGatewayAttachmentState, TransitGatewayOptions,
    TransitGatewayRequestOptions, TransitGatewayState,
};
use rand::Rng;

use super::filter::{self, TgwAttachmentField, TgwField};
use super::vgw::DEFAULT_AMAZON_SIDE_ASN;
use super::{
    ids, page_limit, parse_page_token, take_page, validate, Ec2State, Here, Scope, Table, Target,
    TgwAttachmentRecord, TgwRecord, Transition,
};

impl Ec2State {
    pub(super) fn create_transit_gateway(
        &mut self,
        at: Here<'_>,
        description: Option<String>,
        options: &TransitGatewayRequestOptions,
        tag_specifications: &[TagSpecification],
        available_after: f64,
        rng: &mut impl Rng,
    ) -> Result<Ec2Response, Ec2Error> {
        let asn =
            validate::amazon_side_asn(options.amazon_side_asn.unwrap_or(DEFAULT_AMAZON_SIDE_ASN))?;
        let auto_accept = toggle(
            "AutoAcceptSharedAttachments",
            &options.auto_accept_shared_attachments,
            Toggle::Disable,
        )?;
        let association = toggle(
            "DefaultRouteTableAssociation",
            &options.default_route_table_association,
            Toggle::Enable,
        )?;
        let propagation = toggle(
            "DefaultRouteTablePropagation",
            &options.default_route_table_propagation,
            Toggle::Enable,
        )?;
        let vpn_ecmp = toggle("VpnEcmpSupport", &options.vpn_ecmp_support, Toggle::Enable)?;
        let dns = toggle("DnsSupport", &options.dns_support, Toggle::Enable)?;
        let sg_referencing = toggle(
            "SecurityGroupReferencingSupport",
            &options.security_group_referencing_support,
            Toggle::Disable,
        )?;
        let multicast = toggle(
            "MulticastSupport",
            &options.multicast_support,
            Toggle::Disable,
        )?;
        let cidr_blocks = validate::tgw_cidr_blocks(&options.transit_gateway_cidr_blocks)?;
        let tags = validate::tags_for(tag_specifications, "transit-gateway")?;

        let scope = self.scope_mut(at.account, at.region);
        let id = loop {
            let id = ids::generate(ids::TRANSIT_GATEWAY, rng);
            if !scope.tgws.contains(&id) {
                break id;
            }
        };
        // EC2 makes one default route table that serves whichever of
        // association and propagation is enabled, and none when neither is.
        let default_route_table = (association == Toggle::Enable || propagation == Toggle::Enable)
            .then(|| ids::generate(ids::TGW_ROUTE_TABLE, rng));
        let tgw = TransitGateway {
            transit_gateway_arn: format!(
                "arn:{}:ec2:{}:{}:transit-gateway/{id}",
                partition(at.region),
                at.region,
                at.account
            ),
            transit_gateway_id: id.clone(),
            state: TransitGatewayState::Pending,
            owner_id: at.account.to_owned(),
            description,
            creation_time: at.now.floor() as i64,
            options: TransitGatewayOptions {
                amazon_side_asn: asn,
                transit_gateway_cidr_blocks: cidr_blocks,
                auto_accept_shared_attachments: auto_accept,
                default_route_table_association: association,
                association_default_route_table_id: default_route_table
                    .clone()
                    .filter(|_| association == Toggle::Enable),
                default_route_table_propagation: propagation,
                propagation_default_route_table_id: default_route_table
                    .filter(|_| propagation == Toggle::Enable),
                vpn_ecmp_support: vpn_ecmp,
                dns_support: dns,
                security_group_referencing_support: sg_referencing,
                multicast_support: multicast,
            },
            tags,
        };
        let becomes = Transition::new(TransitGatewayState::Available, at.now, available_after);
        scope.tgws.insert(
            id.clone(),
            TgwRecord {
                tgw: tgw.clone(),
                becomes: Some(becomes),
                purge_at: None,
            },
        );
        self.schedule(
            becomes.at,
            at.account,
            at.region,
            Target::TransitGateway(id),
        );
        Ok(Ec2Response::CreateTransitGateway {
            transit_gateway: tgw,
        })
    }

    pub(super) fn describe_transit_gateways(
        &self,
        at: Here<'_>,
        tgw_ids: &[String],
        filters: &[Filter],
        max_results: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<Ec2Response, Ec2Error> {
        if let Some(bad) = tgw_ids
            .iter()
            .find(|id| !ids::well_formed(id, ids::TRANSIT_GATEWAY))
        {
            return Err(Ec2Error::transit_gateway_malformed(bad));
        }
        let filters = filter::compile::<TgwField>(filters)?;
        let limit = page_limit(max_results)?;
        let start = next_token.map(parse_page_token).transpose()?.unwrap_or(0);
        let empty = Scope::default();
        let scope = self.scope(at.account, at.region).unwrap_or(&empty);

        let candidates: Box<dyn Iterator<Item = (u64, &TgwRecord)>> = if tgw_ids.is_empty() {
            Box::new(scope.tgws.starting_at(start))
        } else {
            let mut seqs = BTreeSet::new();
            for id in tgw_ids {
                let seq = scope
                    .tgws
                    .seq_of(id)
                    .ok_or_else(|| Ec2Error::transit_gateway_not_found(id))?;
                seqs.insert(seq);
            }
            Box::new(
                seqs.into_iter()
                    .filter(move |s| *s >= start)
                    .filter_map(|s| scope.tgws.at_seq(s).map(|r| (s, r))),
            )
        };
        let (transit_gateways, next_token) = take_page(
            candidates,
            limit,
            |r| filters.matches(|f| f.values(&r.tgw)),
            |r| r.tgw.clone(),
        );
        Ok(Ec2Response::DescribeTransitGateways {
            transit_gateways,
            next_token,
        })
    }

    pub(super) fn delete_transit_gateway(
        &mut self,
        at: Here<'_>,
        tgw_id: &str,
        delay: f64,
    ) -> Result<Ec2Response, Ec2Error> {
        if !ids::well_formed(tgw_id, ids::TRANSIT_GATEWAY) {
            return Err(Ec2Error::transit_gateway_malformed(tgw_id));
        }
        let rec = self
            .scope(at.account, at.region)
            .and_then(|s| s.tgws.get(tgw_id))
            // A `deleted` gateway, although still listed, is gone as far
            // as changes go.
            .filter(|r| r.tgw.state != TransitGatewayState::Deleted)
            .ok_or_else(|| Ec2Error::transit_gateway_not_found(tgw_id))?;
        match rec.tgw.state {
            TransitGatewayState::Available => {}
            // Repeating a delete that is under way changes nothing.
            TransitGatewayState::Deleting => {
                return Ok(Ec2Response::DeleteTransitGateway {
                    transit_gateway: rec.tgw.clone(),
                })
            }
            TransitGatewayState::Pending
            | TransitGatewayState::Modifying
            | TransitGatewayState::Deleted => {
                return Err(Ec2Error::incorrect_state(format!(
                    "{tgw_id} is in invalid state"
                )))
            }
        }
        let blocking = self.live_dx_attachments(at.account, at.region, tgw_id);
        if !blocking.is_empty() {
            return Err(Ec2Error::transit_gateway_has_dx_attachments(
                tgw_id, &blocking,
            ));
        }

        let becomes = Transition::new(TransitGatewayState::Deleted, at.now, delay);
        let rec = self
            .existing_scope_mut(at.account, at.region)
            .and_then(|s| s.tgws.get_mut(tgw_id))
            .expect("looked up above");
        rec.tgw.state = TransitGatewayState::Deleting;
        rec.becomes = Some(becomes);
        let transit_gateway = rec.tgw.clone();
        self.schedule(
            becomes.at,
            at.account,
            at.region,
            Target::TransitGateway(tgw_id.to_owned()),
        );
        Ok(Ec2Response::DeleteTransitGateway { transit_gateway })
    }

    pub(super) fn describe_transit_gateway_attachments(
        &self,
        at: Here<'_>,
        attachment_ids: &[String],
        filters: &[Filter],
        max_results: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<Ec2Response, Ec2Error> {
        if let Some(bad) = attachment_ids
            .iter()
            .find(|id| !ids::well_formed(id, ids::TGW_ATTACHMENT))
        {
            return Err(Ec2Error::transit_gateway_attachment_malformed(bad));
        }
        let filters = filter::compile::<TgwAttachmentField>(filters)?;
        let limit = page_limit(max_results)?;
        let start = next_token.map(parse_page_token).transpose()?.unwrap_or(0);
        let empty = Table::default();
        let table = self.tgw_attachments.get(at.region).unwrap_or(&empty);

        let candidates: Box<dyn Iterator<Item = (u64, &TgwAttachmentRecord)>> =
            if attachment_ids.is_empty() {
                Box::new(table.starting_at(start))
            } else {
                let mut seqs = BTreeSet::new();
                for id in attachment_ids {
                    // Another account's attachment is reported like a
                    // missing one.
                    let seq = table
                        .seq_of(id)
                        .filter(|s| table.at_seq(*s).is_some_and(|r| r.visible_to(at.account)))
                        .ok_or_else(|| Ec2Error::transit_gateway_attachment_not_found(id))?;
                    seqs.insert(seq);
                }
                Box::new(
                    seqs.into_iter()
                        .filter(move |s| *s >= start)
                        .filter_map(|s| table.at_seq(s).map(|r| (s, r))),
                )
            };
        let (transit_gateway_attachments, next_token) = take_page(
            candidates,
            limit,
            |r| r.visible_to(at.account) && filters.matches(|f| f.values(&r.att)),
            |r| r.att.clone(),
        );
        Ok(Ec2Response::DescribeTransitGatewayAttachments {
            transit_gateway_attachments,
            next_token,
        })
    }

    /// IDs of the Direct Connect gateway attachments of a TGW that are not
    /// `deleted` yet, in creation order.
    fn live_dx_attachments(&self, tgw_owner: &str, region: &str, tgw_id: &str) -> Vec<&str> {
        self.tgw_attachments
            .get(region)
            .into_iter()
            .flat_map(|t| t.values())
            .map(|r| &r.att)
            .filter(|a| {
                a.transit_gateway_id == tgw_id
                    && a.transit_gateway_owner_id == tgw_owner
                    && a.resource_type == TransitGatewayAttachmentResourceType::DirectConnectGateway
                    && a.state != TransitGatewayAttachmentState::Deleted
            })
            .map(|a| a.transit_gateway_attachment_id.as_str())
            .collect()
    }

    // ----- The bridge Direct Connect uses. All reads show what is stored:
    // ----- the engine settles first.

    /// A transit gateway of `account` in `region`, including a `deleted`
    /// one that is still listed.
    pub fn transit_gateway(
        &self,
        account: &str,
        region: &str,
        id: &str,
    ) -> Option<&TransitGateway> {
        self.scope(account, region)?.tgws.get(id).map(|r| &r.tgw)
    }

    /// The Amazon-side ASN of an `available` TGW of `account` in `region`
    /// (settled state); `None` when it is unknown, pending or being deleted.
    pub fn transit_gateway_asn(&self, account: &str, region: &str, id: &str) -> Option<i64> {
        self.transit_gateway(account, region, id)
            .filter(|t| t.state == TransitGatewayState::Available)
            .map(|t| t.options.amazon_side_asn)
    }

    /// A TGW attachment in `region`, whoever owns it, including a `deleted`
    /// one that is still listed.
    pub fn transit_gateway_attachment(
        &self,
        region: &str,
        attachment_id: &str,
    ) -> Option<&TransitGatewayAttachment> {
        self.tgw_attachments
            .get(region)?
            .get(attachment_id)
            .map(|r| &r.att)
    }

    /// Creates the TGW attachment that a Direct Connect gateway association
    /// implies and returns its ID: resource type `direct-connect-gateway`,
    /// resource the DX gateway and its owner, state `available`, associated
    /// with the TGW's default association route table (no association when
    /// the TGW has none), no tags.
    ///
    /// The caller has checked the TGW (see
    /// [`Ec2State::transit_gateway_asn`]); an unknown one still gets its
    /// attachment, without an association.
    #[allow(clippy::too_many_arguments)]
    pub fn attach_direct_connect_gateway(
        &mut self,
        tgw_owner: &str,
        region: &str,
        tgw_id: &str,
        dxgw_id: &str,
        dxgw_owner: &str,
        now: f64,
        rng: &mut impl Rng,
    ) -> String {
        let association = self
            .transit_gateway(tgw_owner, region, tgw_id)
            .and_then(|t| t.options.association_default_route_table_id.clone())
            .map(|rtb| TransitGatewayAttachmentAssociation {
                transit_gateway_route_table_id: rtb,
                state: TransitGatewayAssociationState::Associated,
            });
        let table = self.tgw_attachments.entry(region.to_owned()).or_default();
        let id = loop {
            let id = ids::generate(ids::TGW_ATTACHMENT, rng);
            if !table.contains(&id) {
                break id;
            }
        };
        table.insert(
            id.clone(),
            TgwAttachmentRecord {
                att: TransitGatewayAttachment {
                    transit_gateway_attachment_id: id.clone(),
                    transit_gateway_id: tgw_id.to_owned(),
                    transit_gateway_owner_id: tgw_owner.to_owned(),
                    resource_owner_id: dxgw_owner.to_owned(),
                    resource_type: TransitGatewayAttachmentResourceType::DirectConnectGateway,
                    resource_id: dxgw_id.to_owned(),
                    state: TransitGatewayAttachmentState::Available,
                    association,
                    creation_time: now.floor() as i64,
                    tags: Vec::new(),
                },
                becomes: None,
                purge_at: None,
            },
        );
        id
    }

    /// Starts deleting an attachment made by
    /// [`Ec2State::attach_direct_connect_gateway`]: `deleting` now,
    /// `deleted` from the next settle on (the association's own
    /// `disassociating` is what callers wait for), listed for
    /// [`super::DELETED_TGW_ATTACHMENT_RETENTION`] more, then gone. From
    /// `deleted` on it no longer blocks DeleteTransitGateway. Unknown IDs,
    /// other owners' attachments and repeated calls change nothing.
    pub fn detach_direct_connect_gateway(
        &mut self,
        tgw_owner: &str,
        region: &str,
        attachment_id: &str,
        now: f64,
    ) {
        self.detach_direct_connect_gateway_after(tgw_owner, region, attachment_id, now, 0.0);
    }

    /// [`Ec2State::detach_direct_connect_gateway`] with `deleting` lasting
    /// `delay` virtual seconds, e.g. as long as the association takes to
    /// become `disassociated`.
    pub fn detach_direct_connect_gateway_after(
        &mut self,
        tgw_owner: &str,
        region: &str,
        attachment_id: &str,
        now: f64,
        delay: f64,
    ) {
        let Some(rec) = self
            .tgw_attachments
            .get_mut(region)
            .and_then(|t| t.get_mut(attachment_id))
            .filter(|r| r.att.transit_gateway_owner_id == tgw_owner)
        else {
            return;
        };
        if matches!(
            rec.att.state,
            TransitGatewayAttachmentState::Deleting | TransitGatewayAttachmentState::Deleted
        ) {
            return;
        }
        rec.att.state = TransitGatewayAttachmentState::Deleting;
        if let Some(a) = rec.att.association.as_mut() {
            a.state = TransitGatewayAssociationState::Disassociating;
        }
        let becomes = Transition::new(TransitGatewayAttachmentState::Deleted, now, delay);
        rec.becomes = Some(becomes);
        self.schedule(
            becomes.at,
            tgw_owner,
            region,
            Target::TgwAttachment(attachment_id.to_owned()),
        );
    }
}

/// An enable/disable option, `default` when absent.
fn toggle(name: &str, value: &Option<String>, default: Toggle) -> Result<Toggle, Ec2Error> {
    match value {
        None => Ok(default),
        Some(v) => Toggle::parse(v).ok_or_else(|| Ec2Error::invalid_value_for(name, v)),
    }
}

/// The ARN partition of a region.
fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}
