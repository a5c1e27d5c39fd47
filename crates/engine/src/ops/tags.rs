//! TagResource, UntagResource, DescribeTags, and the tag rules every
//! create call shares.

use super::partition;
use crate::{access, Cx, Engine};
use dxlocal_model::{
    ApiError, DescribeTagsRequest, DescribeTagsResponse, ResourceTag, Tag, TagResourceRequest,
    TagResourceResponse, UntagResourceRequest, UntagResourceResponse,
};

/// How an operation reports tag problems: most declare the two tag
/// exceptions; CreateDirectConnectGateway declares neither (operations.md §0.1).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TagErrors {
    Modeled,
    ClientOnly,
}

fn reserved(key: &str) -> bool {
    // `get` and not `[..4]`: byte 4 may fall inside a multi-byte character.
    key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:"))
}

/// Checks tags given to a create call or TagResource, against the tags the
/// resource already has.
pub fn check_tags(
    existing: &[Tag],
    new: &[Tag],
    limit: usize,
    errors: TagErrors,
) -> Result<(), ApiError> {
    let dup = |m: String| match errors {
        TagErrors::Modeled => ApiError::duplicate_tag_keys(m),
        TagErrors::ClientOnly => ApiError::client(m),
    };
    let many = |m: String| match errors {
        TagErrors::Modeled => ApiError::too_many_tags(m),
        TagErrors::ClientOnly => ApiError::client(m),
    };
    for (i, t) in new.iter().enumerate() {
        if reserved(&t.key) {
            return Err(ApiError::client(format!(
                "Tag key {} uses the reserved prefix aws:",
                t.key
            )));
        }
        if new[..i].iter().any(|o| o.key == t.key) {
            return Err(dup(format!("Duplicate tag key {} in the request", t.key)));
        }
    }
    let added = new
        .iter()
        .filter(|t| !existing.iter().any(|e| e.key == t.key))
        .count();
    let total = existing.len() + added;
    if total > limit {
        return Err(many(format!(
            "A resource can have at most {limit} tags; this request would give it {total}"
        )));
    }
    Ok(())
}

/// Adds tags, overwriting the values of keys already present.
pub fn merge_tags(existing: &mut Vec<Tag>, new: Vec<Tag>) {
    for t in new {
        match existing.iter_mut().find(|e| e.key == t.key) {
            Some(e) => e.value = t.value,
            None => existing.push(t),
        }
    }
}

fn not_found(arn: &str) -> ApiError {
    ApiError::client(format!("Resource {arn} does not exist"))
}

/// The tag list of the resource an ARN names, if the caller owns it.
/// Anything else - malformed ARN, other account, other region, deleted -
/// reads as "does not exist", so existence never leaks across accounts.
fn tags_of<'a>(eng: &'a mut Engine, cx: &Cx, arn: &str) -> Result<&'a mut Vec<Tag>, ApiError> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" || parts[2] != "directconnect" {
        return Err(not_found(arn));
    }
    let (part, region, account, resource) = (parts[1], parts[3], parts[4], parts[5]);
    if account != cx.caller.account || part != partition(&cx.caller.region) {
        return Err(not_found(arn));
    }
    let (kind, id) = resource.split_once('/').ok_or_else(|| not_found(arn))?;
    let st = &mut eng.state;
    let tags = match kind {
        "dxcon" if region == cx.caller.region => st
            .connections
            .get_mut(id)
            .filter(|c| {
                access::owns(&cx.caller, &c.owner, &c.region) && c.region == region && c.is_live()
            })
            .map(|c| &mut c.tags),
        "dxvif" if region == cx.caller.region => st
            .vifs
            .get_mut(id)
            .filter(|v| {
                access::owns(&cx.caller, &v.owner, &v.region) && v.region == region && v.is_live()
            })
            .map(|v| &mut v.tags),
        "dxlag" if region == cx.caller.region => st
            .lags
            .get_mut(id)
            .filter(|l| {
                access::owns(&cx.caller, &l.owner, &l.region) && l.region == region && !l.deleted
            })
            .map(|l| &mut l.tags),
        "dx-resiliency-group" if region.is_empty() => st
            .groups
            .get_mut(id)
            .filter(|g| access::owns(&cx.caller, &g.owner, &g.region))
            .map(|g| &mut g.tags),
        "dx-gateway" if region.is_empty() => st
            .gateways
            .get_mut(id)
            .filter(|g| access::owns_global(&cx.caller, &g.owner))
            .map(|g| &mut g.tags),
        _ => None,
    };
    tags.ok_or_else(|| not_found(arn))
}

pub fn tag_resource(
    eng: &mut Engine,
    cx: &Cx,
    input: TagResourceRequest,
) -> Result<TagResourceResponse, ApiError> {
    let limit = eng.config.quotas.tags_per_resource;
    let tags = tags_of(eng, cx, &input.resource_arn)?;
    check_tags(tags, &input.tags, limit, TagErrors::Modeled)?;
    merge_tags(tags, input.tags);
    Ok(TagResourceResponse {})
}

pub fn untag_resource(
    eng: &mut Engine,
    cx: &Cx,
    input: UntagResourceRequest,
) -> Result<UntagResourceResponse, ApiError> {
    if let Some(k) = input.tag_keys.iter().find(|k| reserved(k)) {
        return Err(ApiError::client(format!(
            "Tag key {k} uses the reserved prefix aws:"
        )));
    }
    let tags = tags_of(eng, cx, &input.resource_arn)?;
    // [choice] keys the resource does not have are ignored.
    tags.retain(|t| !input.tag_keys.contains(&t.key));
    Ok(UntagResourceResponse {})
}

pub fn describe_tags(
    eng: &mut Engine,
    cx: &Cx,
    input: DescribeTagsRequest,
) -> Result<DescribeTagsResponse, ApiError> {
    let limit = eng.config.quotas.arns_per_describe_tags;
    if input.resource_arns.len() > limit {
        return Err(ApiError::client(format!(
            "DescribeTags takes at most {limit} resource ARNs (got {})",
            input.resource_arns.len()
        )));
    }
    let mut out = Vec::with_capacity(input.resource_arns.len());
    for arn in input.resource_arns {
        let tags = tags_of(eng, cx, &arn)?.clone();
        out.push(ResourceTag {
            resource_arn: Some(arn),
            tags: Some(tags),
        });
    }
    Ok(DescribeTagsResponse {
        resource_tags: Some(out),
    })
}
