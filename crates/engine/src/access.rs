//! Who may see and change what (resources.md §0.4), decided here and only
//! here; every operation asks these questions instead of comparing account
//! IDs itself.
//!
//! | resource | sees | acts |
//! |---|---|---|
//! | connection, interconnect, LAG, resiliency group | owner, in its region | owner |
//! | hosted connection | the customer (owner); the partner through its parent | customer; the partner may delete it and move it |
//! | VIF | owner; the owner of its connection or LAG (hosted VIFs) | owner confirms, tags, updates, tests; either side deletes; router configuration is the connection owner's |
//! | DX gateway (global) | owner | owner |
//! | association | both the gateway owner and the VGW/TGW owner | the gateway owner updates; either deletes |
//! | proposal | proposer and gateway owner | proposer withdraws; gateway owner accepts or rejects |
//! | tags | the resource owner | the resource owner |
//!
//! Whatever a caller may not see is reported exactly like something that
//! does not exist, so existence never leaks across accounts.

use crate::state::{Association, ConnKind, Connection, Proposal, Vif};
use crate::Caller;

/// A regional resource the caller owns, in the caller's region.
pub fn owns(caller: &Caller, owner: &str, region: &str) -> bool {
    caller.account == owner && caller.region == region
}

/// A global resource (DX gateway) the caller owns.
pub fn owns_global(caller: &Caller, owner: &str) -> bool {
    caller.account == owner
}

/// The partner that allocated a hosted connection.
pub fn is_hosting_partner(caller: &Caller, c: &Connection) -> bool {
    c.region == caller.region
        && matches!(&c.kind, ConnKind::Hosted { partner, .. } if *partner == caller.account)
}

/// A VIF is visible to its owner and to the owner of the port it is on.
pub fn sees_vif(caller: &Caller, v: &Vif) -> bool {
    v.region == caller.region && (v.owner == caller.account || v.connection_owner == caller.account)
}

/// Only a VIF's owner confirms, tags, updates it or tests its BGP.
pub fn owns_vif(caller: &Caller, v: &Vif) -> bool {
    v.region == caller.region && v.owner == caller.account
}

/// Either end of an association sees it and may delete it.
pub fn association_party(caller: &Caller, a: &Association) -> bool {
    a.gateway_owner == caller.account || a.associated_owner == caller.account
}

/// Only the DX gateway's owner changes an association's prefixes.
pub fn association_gateway_owner(caller: &Caller, a: &Association) -> bool {
    a.gateway_owner == caller.account
}

/// The proposer and the gateway owner see a proposal and may delete it.
pub fn proposal_party(caller: &Caller, p: &Proposal) -> bool {
    p.proposer == caller.account || p.gateway_owner == caller.account
}
