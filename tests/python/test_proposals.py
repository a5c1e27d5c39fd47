"""Cross-account association proposals (operations.md §I, resources.md §10):
the VGW/TGW owner (the customer) proposes, the DX gateway owner (the
partner) accepts or rejects, and a third party sees none of it.
"""

import pytest

from support import CUSTOMER, PARTNER, REGION, THIRD, UNKNOWN_VGW, UUID_RE, expect_error
from support_gateways import (
    CLIENT_ERR, UNKNOWN_UUID, VPC_CIDR, assert_tgw_association, assert_vgw_association, association,
    associations, available_tgw, cidrs, detached_vgw, dxgw, prefixes, proposal, proposals, tgw_attachments,
    vpc_with_vgw,
)


def propose(client, dxgw_id, gateway_id, *allowed, owner=PARTNER, remove=()):
    kw = {"directConnectGatewayId": dxgw_id, "directConnectGatewayOwnerAccount": owner,
          "gatewayId": gateway_id}
    if allowed:
        kw["addAllowedPrefixesToDirectConnectGateway"] = prefixes(*allowed)
    if remove:
        kw["removeAllowedPrefixesToDirectConnectGateway"] = prefixes(*remove)
    return client.create_direct_connect_gateway_association_proposal(
        **kw)["directConnectGatewayAssociationProposal"]


def accept(client, dxgw_id, proposal_id, owner=CUSTOMER, override=None):
    kw = {"directConnectGatewayId": dxgw_id, "proposalId": proposal_id, "associatedGatewayOwnerAccount": owner}
    if override is not None:
        kw["overrideAllowedPrefixesToDirectConnectGateway"] = prefixes(*override)
    return client.accept_direct_connect_gateway_association_proposal(**kw)["directConnectGatewayAssociation"]


def proposal_ids(client, **filters):
    return [p["proposalId"] for p in proposals(client, **filters)]


@pytest.fixture
def parties(dx, ec2, proto):
    """The partner's DX gateway and the customer's attached VGW."""
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    gw_id = dxgw(partner, "partner-gw", asn=64999)
    _, vgw_id = vpc_with_vgw(ec2(CUSTOMER))
    return partner, customer, gw_id, vgw_id


# -- the VGW flow -------------------------------------------------------------------

def test_vgw_proposal_accepted_with_override(dx, proto, parties):
    partner, customer, gw_id, vgw_id = parties
    created = propose(customer, gw_id, vgw_id, VPC_CIDR)
    proposal_id = created["proposalId"]
    assert UUID_RE.match(proposal_id)
    assert created["proposalState"] == "requested"
    assert (created["directConnectGatewayId"], created["directConnectGatewayOwnerAccount"]) == (gw_id, PARTNER)
    assert created["associatedGateway"] == {
        "id": vgw_id, "type": "virtualPrivateGateway", "ownerAccount": CUSTOMER, "region": REGION}
    assert cidrs(created, "requestedAllowedPrefixesToDirectConnectGateway") == [VPC_CIDR]
    # A proposal for a new association has no existing prefixes.
    assert "existingAllowedPrefixesToDirectConnectGateway" not in created

    # Both parties see it, by every filter and without one.
    for client in (customer, partner):
        assert proposal(client, proposal_id)["proposalState"] == "requested"
        assert proposal_ids(client) == [proposal_id]
        assert proposal_ids(client, directConnectGatewayId=gw_id) == [proposal_id]
        assert proposal_ids(client, associatedGatewayId=vgw_id) == [proposal_id]
    third = dx(THIRD, proto)
    assert proposal_ids(third) == []
    assert proposal_ids(third, proposalId=proposal_id) == []
    assert proposal_ids(third, directConnectGatewayId=gw_id) == []

    accepted = accept(partner, gw_id, proposal_id, override=["10.1.0.0/24", "10.1.1.0/24"])
    assoc_id = accepted["associationId"]
    assert UUID_RE.match(assoc_id)
    expected = dict(dxgw_id=gw_id, dxgw_owner=PARTNER, vgw_id=vgw_id, vgw_owner=CUSTOMER,
                    allowed=["10.1.0.0/24", "10.1.1.0/24"])
    assert_vgw_association(accepted, state="associating", **expected)
    # Both sides of the association can read it; a stranger cannot.
    for client in (partner, customer):
        assert_vgw_association(association(client, assoc_id), state="associated", **expected)
    assert associations(third, associationId=assoc_id) == []
    assert [a["associationId"] for a in associations(customer, associatedGatewayId=vgw_id)] == [assoc_id]

    # The accepted proposal stays listed, its requested list showing the override.
    seen = proposal(customer, proposal_id)
    assert seen["proposalState"] == "accepted"
    assert cidrs(seen, "requestedAllowedPrefixesToDirectConnectGateway") == ["10.1.0.0/24", "10.1.1.0/24"]

    expect_error(lambda: accept(partner, gw_id, proposal_id), CLIENT_ERR,
                 f"Direct Connect Gateway Association Proposal {proposal_id} has been accepted!")
    assert association(partner, assoc_id)["associationState"] == "associated"
    assert len(associations(partner, directConnectGatewayId=gw_id)) == 1


def test_accept_without_override_uses_the_requested_prefixes(parties):
    partner, customer, gw_id, vgw_id = parties
    proposal_id = propose(customer, gw_id, vgw_id, "10.1.0.0/17", "10.1.128.0/17")["proposalId"]
    accepted = accept(partner, gw_id, proposal_id)
    assert cidrs(accepted) == ["10.1.0.0/17", "10.1.128.0/17"]
    assert cidrs(association(partner, accepted["associationId"])) == ["10.1.0.0/17", "10.1.128.0/17"]


def test_accept_without_any_prefixes_defaults_to_the_vpc_cidr(parties):
    partner, customer, gw_id, vgw_id = parties
    proposal_id = propose(customer, gw_id, vgw_id)["proposalId"]
    assert cidrs(proposal(partner, proposal_id), "requestedAllowedPrefixesToDirectConnectGateway") == []
    accepted = accept(partner, gw_id, proposal_id)
    assert cidrs(accepted) == [VPC_CIDR]


def test_proposal_for_an_existing_association(parties):
    partner, customer, gw_id, vgw_id = parties
    first = propose(customer, gw_id, vgw_id, VPC_CIDR)["proposalId"]
    assoc_id = accept(partner, gw_id, first)["associationId"]
    assert association(partner, assoc_id)["associationState"] == "associated"

    second = propose(customer, gw_id, vgw_id, "10.0.0.0/8")
    assert second["proposalState"] == "requested"
    assert cidrs(second, "existingAllowedPrefixesToDirectConnectGateway") == [VPC_CIDR]
    assert cidrs(second, "requestedAllowedPrefixesToDirectConnectGateway") == ["10.0.0.0/8"]
    assert cidrs(proposal(partner, second["proposalId"]), "existingAllowedPrefixesToDirectConnectGateway") == [
        VPC_CIDR]

    # Accepting it changes the prefixes of the same association.
    updated = accept(partner, gw_id, second["proposalId"])
    assert updated["associationId"] == assoc_id
    assert updated["associationState"] == "updating"
    assert sorted(cidrs(updated)) == ["10.0.0.0/8", VPC_CIDR]
    settled = association(partner, assoc_id)
    assert settled["associationState"] == "associated"
    assert sorted(cidrs(settled)) == ["10.0.0.0/8", VPC_CIDR]
    assert [a["associationId"] for a in associations(partner, directConnectGatewayId=gw_id)] == [assoc_id]


def test_proposal_to_remove_a_prefix(parties):
    partner, customer, gw_id, vgw_id = parties
    assoc_id = accept(partner, gw_id, propose(customer, gw_id, vgw_id, VPC_CIDR, "10.0.0.0/8")["proposalId"])[
        "associationId"]
    change = propose(customer, gw_id, vgw_id, remove=["10.0.0.0/8"])
    assert cidrs(change, "existingAllowedPrefixesToDirectConnectGateway") == [VPC_CIDR, "10.0.0.0/8"]
    accept(partner, gw_id, change["proposalId"])
    assert cidrs(association(partner, assoc_id)) == [VPC_CIDR]


def test_proposals_are_global_and_paginate(dx, ec2, proto, parties):
    partner, customer, gw_id, vgw_id = parties
    ids = [propose(customer, gw_id, vgw_id, f"10.1.{i}.0/24")["proposalId"] for i in range(3)]
    # Proposals are global objects: the gateway owner sees them from anywhere.
    assert proposal_ids(dx(PARTNER, proto, "ap-northeast-1"), directConnectGatewayId=gw_id) == ids
    first = partner.describe_direct_connect_gateway_association_proposals(
        directConnectGatewayId=gw_id, maxResults=2)
    assert [p["proposalId"] for p in first["directConnectGatewayAssociationProposals"]] == ids[:2]
    rest = partner.describe_direct_connect_gateway_association_proposals(
        directConnectGatewayId=gw_id, maxResults=2, nextToken=first["nextToken"])
    assert [p["proposalId"] for p in rest["directConnectGatewayAssociationProposals"]] == ids[2:]
    assert "nextToken" not in rest
    assert proposal_ids(partner, proposalId=UNKNOWN_UUID) == []


# -- withdrawing and rejecting ------------------------------------------------------

def test_proposer_withdraws_a_requested_proposal(dx, proto, parties):
    partner, customer, gw_id, vgw_id = parties
    proposal_id = propose(customer, gw_id, vgw_id, VPC_CIDR)["proposalId"]
    deleted = customer.delete_direct_connect_gateway_association_proposal(
        proposalId=proposal_id)["directConnectGatewayAssociationProposal"]
    assert (deleted["proposalId"], deleted["proposalState"]) == (proposal_id, "deleted")
    assert deleted["associatedGateway"]["id"] == vgw_id
    # Deleted proposals stay listed for a while.
    assert proposal(partner, proposal_id)["proposalState"] == "deleted"
    expect_error(lambda: accept(partner, gw_id, proposal_id), CLIENT_ERR,
                 contains=["is not found", proposal_id])
    expect_error(lambda: customer.delete_direct_connect_gateway_association_proposal(proposalId=proposal_id),
                 CLIENT_ERR, contains=["is not found", proposal_id])
    assert associations(partner, directConnectGatewayId=gw_id) == []


def test_gateway_owner_rejects_a_proposal(parties):
    partner, customer, gw_id, vgw_id = parties
    proposal_id = propose(customer, gw_id, vgw_id, VPC_CIDR)["proposalId"]
    deleted = partner.delete_direct_connect_gateway_association_proposal(
        proposalId=proposal_id)["directConnectGatewayAssociationProposal"]
    assert deleted["proposalState"] == "deleted"
    assert proposal(customer, proposal_id)["proposalState"] == "deleted"
    assert associations(customer, associatedGatewayId=vgw_id) == []


def test_delete_unknown_or_foreign_proposal(dx, proto, parties):
    partner, customer, gw_id, vgw_id = parties
    expect_error(lambda: customer.delete_direct_connect_gateway_association_proposal(proposalId=UNKNOWN_UUID),
                 CLIENT_ERR, contains=["is not found", UNKNOWN_UUID])
    proposal_id = propose(customer, gw_id, vgw_id, VPC_CIDR)["proposalId"]
    expect_error(lambda: dx(THIRD, proto).delete_direct_connect_gateway_association_proposal(
        proposalId=proposal_id), CLIENT_ERR, contains=["is not found", proposal_id])
    assert proposal(customer, proposal_id)["proposalState"] == "requested"


def test_accepted_proposal_cannot_be_deleted(parties):
    partner, customer, gw_id, vgw_id = parties
    proposal_id = propose(customer, gw_id, vgw_id, VPC_CIDR)["proposalId"]
    assoc_id = accept(partner, gw_id, proposal_id)["associationId"]
    for client in (customer, partner):
        expect_error(lambda: client.delete_direct_connect_gateway_association_proposal(proposalId=proposal_id),
                     CLIENT_ERR, contains=proposal_id)
    assert proposal(customer, proposal_id)["proposalState"] == "accepted"
    assert association(customer, assoc_id)["associationState"] == "associated"


def test_either_side_deletes_the_association(parties):
    partner, customer, gw_id, vgw_id = parties
    first = accept(partner, gw_id, propose(customer, gw_id, vgw_id)["proposalId"])["associationId"]
    # The gateway owner may disassociate ...
    assert partner.delete_direct_connect_gateway_association(
        associationId=first)["directConnectGatewayAssociation"]["associationState"] == "disassociating"
    assert association(customer, first)["associationState"] == "disassociated"
    # ... and so may the VGW owner.
    second = accept(partner, gw_id, propose(customer, gw_id, vgw_id)["proposalId"])["associationId"]
    assert second != first
    assert customer.delete_direct_connect_gateway_association(
        associationId=second)["directConnectGatewayAssociation"]["associationState"] == "disassociating"
    assert association(partner, second)["associationState"] == "disassociated"


def test_only_the_gateway_owner_updates_prefixes(parties):
    partner, customer, gw_id, vgw_id = parties
    assoc_id = accept(partner, gw_id, propose(customer, gw_id, vgw_id, VPC_CIDR)["proposalId"])["associationId"]
    # The VGW owner changes prefixes through a new proposal, not directly.
    expect_error(lambda: customer.update_direct_connect_gateway_association(
        associationId=assoc_id, addAllowedPrefixesToDirectConnectGateway=prefixes("10.0.0.0/8")),
        CLIENT_ERR, contains=["does not exist", assoc_id])
    assert cidrs(association(partner, assoc_id)) == [VPC_CIDR]
    updated = partner.update_direct_connect_gateway_association(
        associationId=assoc_id, addAllowedPrefixesToDirectConnectGateway=prefixes("10.0.0.0/8"))
    assert cidrs(updated["directConnectGatewayAssociation"]) == ["10.0.0.0/8", VPC_CIDR]


# -- expiry -------------------------------------------------------------------------

def test_unanswered_proposal_expires_after_seven_days(server, parties):
    partner, customer, gw_id, vgw_id = parties
    proposal_id = propose(customer, gw_id, vgw_id, VPC_CIDR)["proposalId"]
    server.advance(7 * 86400 - 60)
    assert proposal(partner, proposal_id)["proposalState"] == "requested"
    server.advance(120)
    # An expired proposal is a deleted one, listed for the same 3-day tail.
    assert proposal(partner, proposal_id)["proposalState"] == "deleted"
    expect_error(lambda: accept(partner, gw_id, proposal_id), CLIENT_ERR, contains=["is not found", proposal_id])
    assert associations(partner, directConnectGatewayId=gw_id) == []
    # Gone for good once the 3-day tail has passed too.
    server.advance(3 * 86400 + 60)
    assert proposal_ids(partner, proposalId=proposal_id) == []


def test_accepted_proposal_disappears_after_three_days(server, parties):
    partner, customer, gw_id, vgw_id = parties
    proposal_id = propose(customer, gw_id, vgw_id, VPC_CIDR)["proposalId"]
    assoc_id = accept(partner, gw_id, proposal_id)["associationId"]
    server.advance(3 * 86400 - 60)
    assert proposal(customer, proposal_id)["proposalState"] == "accepted"
    server.advance(120)
    assert proposal_ids(customer) == []
    assert proposal_ids(partner) == []
    # The association outlives its proposal.
    assert association(customer, assoc_id)["associationState"] == "associated"


# -- accept failures ----------------------------------------------------------------

def test_accept_from_another_region(dx, proto, parties):
    partner, customer, gw_id, vgw_id = parties
    proposal_id = propose(customer, gw_id, vgw_id, VPC_CIDR)["proposalId"]
    west = dx(PARTNER, proto, "us-west-2")
    expect_error(lambda: accept(west, gw_id, proposal_id), CLIENT_ERR,
                 f"The VirtualGateway {vgw_id} does not exist.")
    assert proposal(partner, proposal_id)["proposalState"] == "requested"
    assert associations(partner, directConnectGatewayId=gw_id) == []
    # From the VGW's region the same proposal goes through.
    assert accept(partner, gw_id, proposal_id)["associationState"] == "associating"


def test_accept_with_the_wrong_owner_account(parties):
    partner, customer, gw_id, vgw_id = parties
    proposal_id = propose(customer, gw_id, vgw_id, VPC_CIDR)["proposalId"]
    expect_error(lambda: accept(partner, gw_id, proposal_id, owner=THIRD), CLIENT_ERR, contains=proposal_id)
    assert proposal(partner, proposal_id)["proposalState"] == "requested"
    assert associations(partner, directConnectGatewayId=gw_id) == []


def test_only_the_gateway_owner_accepts(dx, proto, parties):
    partner, customer, gw_id, vgw_id = parties
    proposal_id = propose(customer, gw_id, vgw_id, VPC_CIDR)["proposalId"]
    for client in (customer, dx(THIRD, proto)):
        expect_error(lambda: accept(client, gw_id, proposal_id), CLIENT_ERR, contains=gw_id)
    assert proposal(partner, proposal_id)["proposalState"] == "requested"
    assert associations(partner, directConnectGatewayId=gw_id) == []


def test_accept_unknown_proposal(parties):
    partner, _, gw_id, _ = parties
    expect_error(lambda: accept(partner, gw_id, UNKNOWN_UUID), CLIENT_ERR,
                 contains=["is not found", UNKNOWN_UUID])


def test_accept_after_the_vgw_was_associated_elsewhere(dx, ec2, proto, parties):
    partner, customer, gw_id, vgw_id = parties
    proposal_id = propose(customer, gw_id, vgw_id, VPC_CIDR)["proposalId"]
    own_gw = dxgw(customer, "customer-gw")
    own_assoc = customer.create_direct_connect_gateway_association(
        directConnectGatewayId=own_gw, gatewayId=vgw_id)["directConnectGatewayAssociation"]["associationId"]
    # Accepting applies every CreateDirectConnectGatewayAssociation rule.
    expect_error(lambda: accept(partner, gw_id, proposal_id), CLIENT_ERR, contains=vgw_id)
    assert proposal(partner, proposal_id)["proposalState"] == "requested"
    assert associations(partner, directConnectGatewayId=gw_id) == []
    assert association(customer, own_assoc)["associationState"] == "associated"


# -- create failures ----------------------------------------------------------------

def test_propose_with_the_wrong_gateway_owner(parties):
    partner, customer, gw_id, vgw_id = parties
    expect_error(lambda: propose(customer, gw_id, vgw_id, VPC_CIDR, owner=THIRD), CLIENT_ERR,
                 contains=["does not exist", gw_id])
    assert proposal_ids(customer) == []
    assert proposal_ids(partner) == []


def test_propose_to_an_unknown_gateway(parties):
    _, customer, _, vgw_id = parties
    expect_error(lambda: propose(customer, UNKNOWN_UUID, vgw_id, VPC_CIDR), CLIENT_ERR,
                 contains=["does not exist", UNKNOWN_UUID])
    assert proposal_ids(customer) == []


def test_propose_unknown_or_foreign_vgw(dx, ec2, proto, parties):
    partner, customer, gw_id, _ = parties
    expect_error(lambda: propose(customer, gw_id, UNKNOWN_VGW, VPC_CIDR), CLIENT_ERR,
                 f"The VirtualGateway {UNKNOWN_VGW} does not exist.")
    _, third_vgw = vpc_with_vgw(ec2(THIRD))
    expect_error(lambda: propose(customer, gw_id, third_vgw, VPC_CIDR), CLIENT_ERR,
                 f"The VirtualGateway {third_vgw} does not exist.")
    assert proposal_ids(partner) == []


def test_propose_a_vgw_not_attached_to_a_vpc(ec2, parties):
    partner, customer, gw_id, _ = parties
    vgw_id = detached_vgw(ec2(CUSTOMER))
    expect_error(lambda: propose(customer, gw_id, vgw_id, VPC_CIDR), CLIENT_ERR, contains=vgw_id)
    assert proposal_ids(partner) == []


# -- the TGW flow -------------------------------------------------------------------

def test_tgw_proposal_flow(dx, ec2, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    gw_id = dxgw(partner, "partner-gw", asn=64999)
    cust_ec2 = ec2(CUSTOMER)
    tgw_id = available_tgw(cust_ec2, asn=64513)

    created = propose(customer, gw_id, tgw_id, "192.168.1.0/30")
    assert created["proposalState"] == "requested"
    assert created["associatedGateway"] == {
        "id": tgw_id, "type": "transitGateway", "ownerAccount": CUSTOMER, "region": REGION}
    assert cidrs(created, "requestedAllowedPrefixesToDirectConnectGateway") == ["192.168.1.0/30"]
    assert proposal_ids(partner, associatedGatewayId=tgw_id) == [created["proposalId"]]

    accepted = accept(partner, gw_id, created["proposalId"])
    expected = dict(dxgw_id=gw_id, dxgw_owner=PARTNER, tgw_id=tgw_id, tgw_owner=CUSTOMER,
                    allowed=["192.168.1.0/30"])
    assert_tgw_association(accepted, state="associating", **expected)
    assert_tgw_association(association(customer, accepted["associationId"]), state="associated", **expected)

    # The TGW owner sees the attachment Direct Connect made on its TGW.
    [att] = tgw_attachments(cust_ec2, Filters=[{"Name": "transit-gateway-id", "Values": [tgw_id]}])
    assert (att["ResourceType"], att["ResourceId"], att["State"]) == ("direct-connect-gateway", gw_id, "available")
    assert (att["TransitGatewayOwnerId"], att["ResourceOwnerId"]) == (CUSTOMER, PARTNER)

    # An update proposal on the TGW association shows the current prefixes.
    change = propose(customer, gw_id, tgw_id, "192.168.2.0/30")
    assert cidrs(change, "existingAllowedPrefixesToDirectConnectGateway") == ["192.168.1.0/30"]
    updated = accept(partner, gw_id, change["proposalId"], override=["192.168.2.0/30", "192.168.1.0/30"])
    assert (updated["associationState"], cidrs(updated)) == ("updating", ["192.168.2.0/30", "192.168.1.0/30"])
    assert association(partner, accepted["associationId"])["associationState"] == "associated"


def test_tgw_proposal_with_the_gateway_asn_is_refused_on_accept(dx, ec2, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    gw_id = dxgw(partner, asn=64513)
    tgw_id = available_tgw(ec2(CUSTOMER), asn=64513)
    proposal_id = propose(customer, gw_id, tgw_id, "192.168.1.0/30")["proposalId"]
    expect_error(lambda: accept(partner, gw_id, proposal_id), CLIENT_ERR, contains=[tgw_id, "64513"])
    assert proposal(partner, proposal_id)["proposalState"] == "requested"
    assert associations(partner, directConnectGatewayId=gw_id) == []


def test_tgw_proposal_accepted_from_another_region(dx, ec2, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    gw_id = dxgw(partner)
    tgw_id = available_tgw(ec2(CUSTOMER))
    proposal_id = propose(customer, gw_id, tgw_id, "192.168.1.0/30")["proposalId"]
    expect_error(lambda: accept(dx(PARTNER, proto, "eu-west-1"), gw_id, proposal_id), CLIENT_ERR,
                 contains=[tgw_id, "does not exist"])
    assert proposal(partner, proposal_id)["proposalState"] == "requested"
    assert associations(partner, directConnectGatewayId=gw_id) == []
