//! Resiliency groups (2025 additions): groups of dedicated connections the
//! caller wants kept apart. Create, Update, Associate and Disassociate
//! honour client tokens.

use super::tags::{check_tags, TagErrors};
use super::{global_arn, paginate, regional_arn};
use crate::state::{scope, ConnKind, Replay, ResiliencyGroup};
use crate::timers::Event;
use crate::{access, Cx, Engine};
use dxlocal_model::{
    ApiError, AssociateConnectionsToResiliencyGroupRequest,
    AssociateConnectionsToResiliencyGroupResult, CreateResiliencyGroupRequest,
    CreateResiliencyGroupResult, DeleteResiliencyGroupRequest, DeleteResiliencyGroupResult,
    DisassociateConnectionsFromResiliencyGroupRequest,
    DisassociateConnectionsFromResiliencyGroupResult, GetResiliencyGroupRequest,
    GetResiliencyGroupResult, ListResiliencyGroupAssociationsRequest,
    ListResiliencyGroupAssociationsResult, ListResiliencyGroupsRequest, ListResiliencyGroupsResult,
    ResiliencyGroup as ApiGroup, ResiliencyGroupAssociation, ResiliencyGroupAssociationState as RA,
    ResiliencyGroupState as RS, ResiliencyGroupSummary, ResiliencyGroupType,
    UpdateResiliencyGroupRequest, UpdateResiliencyGroupResult,
};

/// How long a client token keeps answering with its first result.
const TOKEN_WINDOW: f64 = 24.0 * 3600.0;

fn arn(region: &str, g: &ResiliencyGroup) -> String {
    global_arn(region, &g.owner, "dx-resiliency-group", &g.id)
}

pub(crate) fn to_api(g: &ResiliencyGroup) -> ApiGroup {
    ApiGroup {
        resiliency_group_id: Some(g.id.clone()),
        resiliency_group_arn: Some(arn(&g.region, g)),
        resiliency_group_name: Some(g.name.clone()),
        resiliency_group_type: Some(ResiliencyGroupType::Managed),
        owner_account: Some(g.owner.clone()),
        state: Some(g.state),
        tags: Some(g.tags.clone()),
    }
}

fn member_to_api(g: &ResiliencyGroup, m: &(String, String, RA)) -> ResiliencyGroupAssociation {
    ResiliencyGroupAssociation {
        resiliency_group_id: Some(g.id.clone()),
        connection_arn: Some(m.0.clone()),
        state: Some(m.2),
    }
}

fn not_found(id: &str) -> ApiError {
    ApiError::client(format!("Resiliency group {id} does not exist"))
}

fn owned<'a>(eng: &'a Engine, cx: &Cx, id: &str) -> Result<&'a ResiliencyGroup, ApiError> {
    eng.state
        .groups
        .get(id)
        .filter(|g| access::owns(&cx.caller, &g.owner, &g.region))
        .ok_or_else(|| not_found(id))
}

/// A retry with a known client token: the first answer if the input is the
/// same, an error if it differs; `None` for a new token.
fn replay(
    eng: &Engine,
    cx: &Cx,
    op: &str,
    token: Option<&str>,
    fingerprint: u64,
) -> Result<Option<Replay>, ApiError> {
    let Some(token) = token else { return Ok(None) };
    let key = format!("{}|{}|{op}|{token}", cx.caller.account, cx.caller.region);
    match eng.state.client_tokens.get(&key) {
        Some((fp, at, answer)) if cx.now - at <= TOKEN_WINDOW => {
            if *fp == fingerprint {
                Ok(Some(answer.clone()))
            } else {
                Err(ApiError::client(format!(
                    "Client token {token} was already used with different parameters"
                )))
            }
        }
        _ => Ok(None),
    }
}

fn remember(
    eng: &mut Engine,
    cx: &Cx,
    op: &str,
    token: Option<&str>,
    fingerprint: u64,
    answer: Replay,
) {
    if let Some(token) = token {
        let key = format!("{}|{}|{op}|{token}", cx.caller.account, cx.caller.region);
        eng.state
            .client_tokens
            .insert(key, (fingerprint, cx.now, answer));
    }
}

fn fingerprint(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    h
}

fn check_name(name: &str) -> Result<(), ApiError> {
    let ok = !name.is_empty()
        && name.len() <= 255
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(ApiError::client(format!(
            "Resiliency group name {name} is not valid: 1 to 255 characters from a-z, A-Z, 0-9, _ and -"
        )))
    }
}

pub fn create_resiliency_group(
    eng: &mut Engine,
    cx: &Cx,
    input: CreateResiliencyGroupRequest,
) -> Result<CreateResiliencyGroupResult, ApiError> {
    let tags = input.tags.clone().unwrap_or_default();
    let tag_text = format!("{tags:?}");
    let fp = fingerprint(&[
        &input.resiliency_group_name,
        input.intended_resiliency_model.as_str(),
        &tag_text,
    ]);
    let token = input.client_token.as_deref();
    if let Some(Replay::Group(g)) = replay(eng, cx, "CreateResiliencyGroup", token, fp)? {
        return Ok(CreateResiliencyGroupResult {
            resiliency_group: Some(g),
        });
    }
    check_name(&input.resiliency_group_name)?;
    check_tags(
        &[],
        &tags,
        eng.config.quotas.tags_per_resource,
        TagErrors::Modeled,
    )?;
    let limit = eng.config.quotas.resiliency_groups_per_region;
    let count = eng
        .state
        .groups_by_owner
        .get(&scope(&cx.caller.account, &cx.caller.region))
        .into_iter()
        .flatten()
        .filter(|id| {
            eng.state
                .groups
                .get(*id)
                .is_some_and(|g| g.state != RS::Deleted)
        })
        .count();
    if count >= limit {
        return Err(ApiError::limit_exceeded(format!(
            "Exceeded the maximum number of resiliency groups ({limit}) in {}",
            cx.caller.region
        )));
    }
    let g = ResiliencyGroup {
        id: eng.ids.resiliency_group(),
        owner: cx.caller.account.clone(),
        region: cx.caller.region.clone(),
        name: input.resiliency_group_name,
        state: RS::Pending,
        tags,
        members: Vec::new(),
    };
    let out = to_api(&g);
    let at = cx.now + eng.delay(|d| d.resiliency_group_change);
    eng.timers.schedule(
        at,
        Event::ResiliencyGroup {
            id: g.id.clone(),
            from: RS::Pending,
            to: RS::Available,
        },
    );
    eng.state
        .groups_by_owner
        .entry(scope(&g.owner, &g.region))
        .or_default()
        .push(g.id.clone());
    eng.state.groups.insert(g.id.clone(), g);
    remember(
        eng,
        cx,
        "CreateResiliencyGroup",
        token,
        fp,
        Replay::Group(out.clone()),
    );
    Ok(CreateResiliencyGroupResult {
        resiliency_group: Some(out),
    })
}

pub fn get_resiliency_group(
    eng: &mut Engine,
    cx: &Cx,
    input: GetResiliencyGroupRequest,
) -> Result<GetResiliencyGroupResult, ApiError> {
    Ok(GetResiliencyGroupResult {
        resiliency_group: Some(to_api(owned(eng, cx, &input.resiliency_group_id)?)),
    })
}

pub fn list_resiliency_groups(
    eng: &mut Engine,
    cx: &Cx,
    input: ListResiliencyGroupsRequest,
) -> Result<ListResiliencyGroupsResult, ApiError> {
    let items: Vec<ResiliencyGroupSummary> = eng
        .state
        .groups_by_owner
        .get(&scope(&cx.caller.account, &cx.caller.region))
        .into_iter()
        .flatten()
        .filter_map(|id| eng.state.groups.get(id))
        .filter(|g| g.state != RS::Deleted)
        .map(|g| ResiliencyGroupSummary {
            resiliency_group_id: Some(g.id.clone()),
            resiliency_group_arn: Some(arn(&g.region, g)),
            resiliency_group_name: Some(g.name.clone()),
            resiliency_group_type: Some(ResiliencyGroupType::Managed),
            owner_account: Some(g.owner.clone()),
            state: Some(g.state),
        })
        .collect();
    let binding = format!(
        "ListResiliencyGroups|{}|{}",
        cx.caller.account, cx.caller.region
    );
    let (page, next) = paginate(
        items,
        input.max_results,
        input.next_token.as_deref(),
        &binding,
    )?;
    Ok(ListResiliencyGroupsResult {
        items: Some(page),
        next_token: next,
    })
}

pub fn update_resiliency_group(
    eng: &mut Engine,
    cx: &Cx,
    input: UpdateResiliencyGroupRequest,
) -> Result<UpdateResiliencyGroupResult, ApiError> {
    let fp = fingerprint(&[&input.resiliency_group_id, &input.resiliency_group_name]);
    let token = input.client_token.as_deref();
    if let Some(Replay::Group(g)) = replay(eng, cx, "UpdateResiliencyGroup", token, fp)? {
        return Ok(UpdateResiliencyGroupResult {
            resiliency_group: Some(g),
        });
    }
    let g = owned(eng, cx, &input.resiliency_group_id)?;
    if matches!(g.state, RS::Deleting | RS::Deleted) {
        return Err(ApiError::client(format!(
            "Resiliency group {} is {} and cannot be updated",
            g.id, g.state
        )));
    }
    check_name(&input.resiliency_group_name)?;
    let g = eng
        .state
        .groups
        .get_mut(&input.resiliency_group_id)
        .expect("owned");
    g.name = input.resiliency_group_name;
    let out = to_api(g);
    remember(
        eng,
        cx,
        "UpdateResiliencyGroup",
        token,
        fp,
        Replay::Group(out.clone()),
    );
    Ok(UpdateResiliencyGroupResult {
        resiliency_group: Some(out),
    })
}

pub fn delete_resiliency_group(
    eng: &mut Engine,
    cx: &Cx,
    input: DeleteResiliencyGroupRequest,
) -> Result<DeleteResiliencyGroupResult, ApiError> {
    let g = owned(eng, cx, &input.resiliency_group_id)?;
    if matches!(g.state, RS::Deleting | RS::Deleted) {
        return Err(not_found(&g.id));
    }
    if !g.members.is_empty() {
        return Err(ApiError::client(format!(
            "Resiliency group {} still has {} connection(s); disassociate them first",
            g.id,
            g.members.len()
        )));
    }
    let delay = eng.delay(|d| d.resiliency_group_change);
    let g = eng
        .state
        .groups
        .get_mut(&input.resiliency_group_id)
        .expect("owned");
    g.state = RS::Deleting;
    let out = to_api(g);
    eng.timers.schedule(
        cx.now + delay,
        Event::ResiliencyGroup {
            id: out.resiliency_group_id.clone().unwrap_or_default(),
            from: RS::Deleting,
            to: RS::Deleted,
        },
    );
    Ok(DeleteResiliencyGroupResult {
        resiliency_group: Some(out),
    })
}

/// Resolves connection IDs or ARNs to caller-owned dedicated connections:
/// (ARN, ID) pairs, all or nothing.
fn resolve(
    eng: &Engine,
    cx: &Cx,
    identifiers: &[String],
) -> Result<Vec<(String, String)>, ApiError> {
    let mut out: Vec<(String, String)> = Vec::with_capacity(identifiers.len());
    for ident in identifiers {
        let id = ident.rsplit('/').next().unwrap_or(ident);
        let c = eng
            .state
            .connections
            .get(id)
            .filter(|c| access::owns(&cx.caller, &c.owner, &c.region) && c.is_live())
            .filter(|c| c.kind == ConnKind::Dedicated)
            .ok_or_else(|| super::connections::not_found(ident))?;
        let arn = regional_arn(&c.region, &c.owner, "dxcon", &c.id);
        if ident.starts_with("arn:") && *ident != arn {
            return Err(super::connections::not_found(ident));
        }
        if !out.iter().any(|(_, i)| i == id) {
            out.push((arn, c.id.clone()));
        }
    }
    Ok(out)
}

pub fn associate_connections_to_resiliency_group(
    eng: &mut Engine,
    cx: &Cx,
    input: AssociateConnectionsToResiliencyGroupRequest,
) -> Result<AssociateConnectionsToResiliencyGroupResult, ApiError> {
    let mut parts: Vec<&str> = vec![&input.resiliency_group_id];
    parts.extend(input.connection_identifiers.iter().map(String::as_str));
    let fp = fingerprint(&parts);
    let token = input.client_token.as_deref();
    if let Some(Replay::Associations(a)) =
        replay(eng, cx, "AssociateConnectionsToResiliencyGroup", token, fp)?
    {
        return Ok(AssociateConnectionsToResiliencyGroupResult {
            resiliency_group_associations: Some(a),
        });
    }
    let g = owned(eng, cx, &input.resiliency_group_id)?;
    if matches!(g.state, RS::Deleting | RS::Deleted) {
        return Err(not_found(&g.id));
    }
    let wanted = resolve(eng, cx, &input.connection_identifiers)?;
    for (_, id) in &wanted {
        let elsewhere = eng
            .state
            .groups
            .values()
            .filter(|o| access::owns(&cx.caller, &o.owner, &o.region))
            .find(|o| o.members.iter().any(|m| &m.1 == id));
        if let Some(o) = elsewhere {
            if o.id == g.id {
                return Err(ApiError::client(format!(
                    "Connection {id} is already in resiliency group {}",
                    g.id
                )));
            }
            return Err(ApiError::client(format!(
                "Connection {id} already belongs to resiliency group {}",
                o.id
            )));
        }
    }
    let limit = eng.config.quotas.connections_per_resiliency_group;
    if g.members.len() + wanted.len() > limit {
        return Err(ApiError::limit_exceeded(format!(
            "A resiliency group holds at most {limit} connections; {} would have {}",
            g.id,
            g.members.len() + wanted.len()
        )));
    }
    let delay = eng.delay(|d| d.resiliency_group_change);
    let gid = input.resiliency_group_id.clone();
    let g = eng.state.groups.get_mut(&gid).expect("owned");
    let mut out = Vec::new();
    for (arn, id) in wanted {
        let m = (arn, id.clone(), RA::Associating);
        out.push(member_to_api(g, &m));
        g.members.push(m);
        eng.timers.schedule(
            cx.now + delay,
            Event::GroupMember {
                group: gid.clone(),
                connection: id,
                from: RA::Associating,
                to: RA::Associated,
            },
        );
    }
    remember(
        eng,
        cx,
        "AssociateConnectionsToResiliencyGroup",
        token,
        fp,
        Replay::Associations(out.clone()),
    );
    Ok(AssociateConnectionsToResiliencyGroupResult {
        resiliency_group_associations: Some(out),
    })
}

pub fn disassociate_connections_from_resiliency_group(
    eng: &mut Engine,
    cx: &Cx,
    input: DisassociateConnectionsFromResiliencyGroupRequest,
) -> Result<DisassociateConnectionsFromResiliencyGroupResult, ApiError> {
    let mut parts: Vec<&str> = vec![&input.resiliency_group_id];
    parts.extend(input.connection_identifiers.iter().map(String::as_str));
    let fp = fingerprint(&parts);
    let token = input.client_token.as_deref();
    if let Some(Replay::Associations(a)) = replay(
        eng,
        cx,
        "DisassociateConnectionsFromResiliencyGroup",
        token,
        fp,
    )? {
        return Ok(DisassociateConnectionsFromResiliencyGroupResult {
            resiliency_group_associations: Some(a),
        });
    }
    let g = owned(eng, cx, &input.resiliency_group_id)?;
    let wanted = resolve(eng, cx, &input.connection_identifiers)?;
    for (_, id) in &wanted {
        if !g
            .members
            .iter()
            .any(|m| &m.1 == id && m.2 != RA::Disassociating)
        {
            return Err(ApiError::client(format!(
                "Connection {id} is not associated with resiliency group {}",
                g.id
            )));
        }
    }
    let delay = eng.delay(|d| d.resiliency_group_change);
    let gid = input.resiliency_group_id.clone();
    let g = eng.state.groups.get_mut(&gid).expect("owned");
    let mut out = Vec::new();
    for (_, id) in wanted {
        if let Some(m) = g.members.iter_mut().find(|m| m.1 == id) {
            m.2 = RA::Disassociating;
            out.push(ResiliencyGroupAssociation {
                resiliency_group_id: Some(gid.clone()),
                connection_arn: Some(m.0.clone()),
                state: Some(RA::Disassociating),
            });
        }
        eng.timers.schedule(
            cx.now + delay,
            Event::GroupMember {
                group: gid.clone(),
                connection: id,
                from: RA::Disassociating,
                to: RA::Disassociated,
            },
        );
    }
    remember(
        eng,
        cx,
        "DisassociateConnectionsFromResiliencyGroup",
        token,
        fp,
        Replay::Associations(out.clone()),
    );
    Ok(DisassociateConnectionsFromResiliencyGroupResult {
        resiliency_group_associations: Some(out),
    })
}

pub fn list_resiliency_group_associations(
    eng: &mut Engine,
    cx: &Cx,
    input: ListResiliencyGroupAssociationsRequest,
) -> Result<ListResiliencyGroupAssociationsResult, ApiError> {
    let g = owned(eng, cx, &input.resiliency_group_id)?;
    let items: Vec<ResiliencyGroupAssociation> =
        g.members.iter().map(|m| member_to_api(g, m)).collect();
    let binding = format!(
        "ListResiliencyGroupAssociations|{}|{}",
        cx.caller.account, g.id
    );
    let (page, next) = paginate(
        items,
        input.max_results,
        input.next_token.as_deref(),
        &binding,
    )?;
    Ok(ListResiliencyGroupAssociationsResult {
        items: Some(page),
        next_token: next,
    })
}
