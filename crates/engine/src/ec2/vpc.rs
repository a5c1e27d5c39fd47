//! CreateVpc, DescribeVpcs, DeleteVpc.

use std::collections::BTreeSet;

use dxlocal_model::ec2::{
    Ec2Error, Ec2Response, Filter, TagSpecification, Vpc, VpcCidrBlockAssociation, VpcState,
};
use rand::Rng;

use super::filter::{self, VpcField};
use super::{
    ids, page_limit, page_token, parse_page_token, validate, Ec2State, Here, Target, Transition,
    VpcRecord,
};

impl Ec2State {
    pub(super) fn create_vpc(
        &mut self,
        at: Here<'_>,
        cidr_block: Option<&str>,
        instance_tenancy: Option<&str>,
        tag_specifications: &[TagSpecification],
        available_after: f64,
        rng: &mut impl Rng,
    ) -> Result<Ec2Response, Ec2Error> {
        let cidr = cidr_block.ok_or_else(|| {
            Ec2Error::new(
                "MissingParameter",
                400,
                "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.",
            )
        })?;
        let cidr = validate::vpc_cidr(cidr)?;
        let tenancy = match instance_tenancy.unwrap_or("default") {
            t @ ("default" | "dedicated") => t,
            other => return Err(Ec2Error::invalid_value_for("instanceTenancy", other)),
        };
        let tags = validate::tags_for(tag_specifications, "vpc")?;

        let scope = self.scope_mut(at.account, at.region);
        let dhcp_options_id = scope
            .dhcp_options_id
            .get_or_insert_with(|| ids::generate(ids::DHCP_OPTIONS, rng))
            .clone();
        let vpc_id = loop {
            let id = ids::generate(ids::VPC, rng);
            if !scope.vpcs.contains(&id) {
                break id;
            }
        };
        let vpc = Vpc {
            vpc_id: vpc_id.clone(),
            owner_id: at.account.to_owned(),
            state: VpcState::Pending,
            cidr_block: cidr.clone(),
            cidr_block_associations: vec![VpcCidrBlockAssociation {
                association_id: ids::generate(ids::VPC_CIDR_ASSOCIATION, rng),
                cidr_block: cidr,
                state: "associated".to_owned(),
            }],
            dhcp_options_id,
            instance_tenancy: tenancy.to_owned(),
            is_default: false,
            tags,
        };
        let becomes = Transition::new(VpcState::Available, at.now, available_after);
        scope.vpcs.insert(
            vpc_id.clone(),
            VpcRecord {
                vpc: vpc.clone(),
                becomes: Some(becomes),
                vpn_gateway_id: None,
            },
        );
        self.schedule(becomes.at, at.account, at.region, Target::Vpc(vpc_id));
        Ok(Ec2Response::CreateVpc { vpc })
    }

    pub(super) fn describe_vpcs(
        &self,
        at: Here<'_>,
        vpc_ids: &[String],
        filters: &[Filter],
        max_results: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<Ec2Response, Ec2Error> {
        if let Some(bad) = vpc_ids.iter().find(|id| !ids::well_formed(id, ids::VPC)) {
            return Err(Ec2Error::vpc_malformed(bad));
        }
        let filters = filter::compile::<VpcField>(filters)?;
        let limit = page_limit(max_results)?;
        let start = next_token.map(parse_page_token).transpose()?.unwrap_or(0);
        let Some(scope) = self.scope(at.account, at.region) else {
            if !vpc_ids.is_empty() {
                let missing = vpc_ids.iter().map(String::as_str).collect();
                return Err(Ec2Error::vpcs_not_found(&dedup(missing)));
            }
            return Ok(Ec2Response::DescribeVpcs {
                vpcs: Vec::new(),
                next_token: None,
            });
        };

        let candidates: Box<dyn Iterator<Item = (u64, &VpcRecord)>> = if vpc_ids.is_empty() {
            Box::new(scope.vpcs.starting_at(start))
        } else {
            let mut seqs = BTreeSet::new();
            let mut missing = Vec::new();
            for id in vpc_ids {
                match scope.vpcs.seq_of(id) {
                    Some(seq) => {
                        seqs.insert(seq);
                    }
                    None => missing.push(id.as_str()),
                }
            }
            if !missing.is_empty() {
                return Err(Ec2Error::vpcs_not_found(&dedup(missing)));
            }
            Box::new(
                seqs.into_iter()
                    .filter(move |s| *s >= start)
                    .filter_map(|s| scope.vpcs.at_seq(s).map(|r| (s, r))),
            )
        };

        let mut vpcs = Vec::new();
        let mut next = None;
        for (seq, rec) in candidates.filter(|(_, r)| filters.matches(|f| f.values(&r.vpc))) {
            if vpcs.len() == limit {
                next = Some(page_token(seq));
                break;
            }
            vpcs.push(rec.vpc.clone());
        }
        Ok(Ec2Response::DescribeVpcs {
            vpcs,
            next_token: next,
        })
    }

    pub(super) fn delete_vpc(
        &mut self,
        at: Here<'_>,
        vpc_id: &str,
    ) -> Result<Ec2Response, Ec2Error> {
        if !ids::well_formed(vpc_id, ids::VPC) {
            return Err(Ec2Error::vpc_malformed(vpc_id));
        }
        let scope = self
            .existing_scope_mut(at.account, at.region)
            .ok_or_else(|| Ec2Error::vpc_not_found(vpc_id))?;
        let rec = scope
            .vpcs
            .get(vpc_id)
            .ok_or_else(|| Ec2Error::vpc_not_found(vpc_id))?;
        if rec.vpn_gateway_id.is_some() {
            return Err(Ec2Error::dependency_violation(format!(
                "The vpc '{vpc_id}' has dependencies and cannot be deleted."
            )));
        }
        scope.vpcs.remove(vpc_id);
        Ok(Ec2Response::DeleteVpc)
    }
}

/// The IDs in first-seen order, each once.
pub(super) fn dedup(ids: Vec<&str>) -> Vec<&str> {
    let mut seen = std::collections::HashSet::new();
    ids.into_iter().filter(|id| seen.insert(*id)).collect()
}
