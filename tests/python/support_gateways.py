"""Builders and checks shared by the association, proposal and transit
gateway tests: VPC + VGW pairs and transit gateways made through EC2, and
reads of associations and proposals that insist on exactly one answer.

Kept apart from support.py so those modules do not grow a second copy of
each helper.
"""

from __future__ import annotations

import re

from support import CUSTOMER, REGION, allocate, available_connection, describe_vif

CLIENT_ERR = "DirectConnectClientException"

VPC_CIDR = "10.1.0.0/16"
TGW_ID_RE = re.compile(r"^tgw-[0-9a-f]{17}$")
TGW_ATTACH_ID_RE = re.compile(r"^tgw-attach-[0-9a-f]{17}$")
TGW_RTB_ID_RE = re.compile(r"^tgw-rtb-[0-9a-f]{17}$")
# A well-formed association or proposal ID no server has handed out.
UNKNOWN_UUID = "00000000-0000-4000-8000-00000000beef"


def prefixes(*cidrs: str) -> list:
    """The `[{cidr}]` list shape of every allowed-prefix member."""
    return [{"cidr": c} for c in cidrs]


def vpc_with_vgw(ec2, cidr: str = VPC_CIDR, asn: int | None = None) -> tuple[str, str]:
    """(vpc_id, vgw_id): a fresh VPC with a fresh VGW attached to it."""
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    kw = {"Type": "ipsec.1"}
    if asn is not None:
        kw["AmazonSideAsn"] = asn
    vgw_id = ec2.create_vpn_gateway(**kw)["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpcId=vpc_id, VpnGatewayId=vgw_id)
    [gw] = ec2.describe_vpn_gateways(VpnGatewayIds=[vgw_id])["VpnGateways"]
    assert gw["VpcAttachments"] == [{"VpcId": vpc_id, "State": "attached"}], gw
    return vpc_id, vgw_id


def detached_vgw(ec2) -> str:
    return ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]


def available_tgw(ec2, asn: int = 64513) -> str:
    """A transit gateway that has settled to `available` (instant lifecycle)."""
    tgw = ec2.create_transit_gateway(Description="dx", Options={"AmazonSideAsn": asn})["TransitGateway"]
    assert tgw["State"] == "pending", tgw
    tgw_id = tgw["TransitGatewayId"]
    [described] = ec2.describe_transit_gateways(TransitGatewayIds=[tgw_id])["TransitGateways"]
    assert described["State"] == "available", described
    return tgw_id


def dxgw(client, name: str = "dxgw", asn: int = 64999) -> str:
    return client.create_direct_connect_gateway(
        directConnectGatewayName=name, amazonSideAsn=asn)["directConnectGateway"]["directConnectGatewayId"]


def associations(client, **filters) -> list:
    return client.describe_direct_connect_gateway_associations(**filters)["directConnectGatewayAssociations"]


def association(client, association_id: str) -> dict:
    """The one association with this ID, as `client` sees it."""
    found = associations(client, associationId=association_id)
    assert [a["associationId"] for a in found] == [association_id], found
    return found[0]


def association_states(client, **filters) -> dict:
    return {a["associationId"]: a["associationState"] for a in associations(client, **filters)}


def cidrs(obj: dict, member: str = "allowedPrefixesToDirectConnectGateway") -> list:
    """The CIDRs of an allowed-prefix member, in wire order."""
    return [p["cidr"] for p in obj[member]]


def proposals(client, **filters) -> list:
    return client.describe_direct_connect_gateway_association_proposals(
        **filters)["directConnectGatewayAssociationProposals"]


def proposal(client, proposal_id: str) -> dict:
    found = proposals(client, proposalId=proposal_id)
    assert [p["proposalId"] for p in found] == [proposal_id], found
    return found[0]


def assert_vgw_association(assoc: dict, *, dxgw_id: str, dxgw_owner: str, vgw_id: str,
                           vgw_owner: str, state: str, allowed: list, region: str = REGION):
    """Every member a VGW association carries, legacy trio included."""
    assert assoc["directConnectGatewayId"] == dxgw_id
    assert assoc["directConnectGatewayOwnerAccount"] == dxgw_owner
    assert assoc["associationState"] == state
    assert assoc["associatedGateway"] == {
        "id": vgw_id, "type": "virtualPrivateGateway", "ownerAccount": vgw_owner, "region": region}
    assert cidrs(assoc) == allowed
    assert (assoc["virtualGatewayId"], assoc["virtualGatewayRegion"], assoc["virtualGatewayOwnerAccount"]) == (
        vgw_id, region, vgw_owner)
    assert "stateChangeError" not in assoc


def assert_tgw_association(assoc: dict, *, dxgw_id: str, dxgw_owner: str, tgw_id: str,
                           tgw_owner: str, state: str, allowed: list, region: str = REGION):
    assert assoc["directConnectGatewayId"] == dxgw_id
    assert assoc["directConnectGatewayOwnerAccount"] == dxgw_owner
    assert assoc["associationState"] == state
    assert assoc["associatedGateway"] == {
        "id": tgw_id, "type": "transitGateway", "ownerAccount": tgw_owner, "region": region}
    assert cidrs(assoc) == allowed
    # The legacy VGW trio belongs to VGW associations only.
    for legacy in ("virtualGatewayId", "virtualGatewayRegion", "virtualGatewayOwnerAccount"):
        assert legacy not in assoc, (legacy, assoc)


def private_vif_on_dxgw(partner, customer, dxgw_id: str, vlan: int = 101) -> str:
    """A hosted private VIF, allocated by `partner` and confirmed by the
    customer onto `dxgw_id`, settled to `available`."""
    conn_id = available_connection(partner)
    vif_id = allocate(partner, conn_id, vlan=vlan, owner=CUSTOMER)["virtualInterfaceId"]
    assert customer.confirm_private_virtual_interface(
        virtualInterfaceId=vif_id, directConnectGatewayId=dxgw_id)["virtualInterfaceState"] == "pending"
    vif = describe_vif(customer, vif_id)
    assert (vif["virtualInterfaceState"], vif["directConnectGatewayId"]) == ("available", dxgw_id), vif
    return vif_id


def tgw_attachments(ec2, **filters) -> list:
    return ec2.describe_transit_gateway_attachments(**filters)["TransitGatewayAttachments"]
