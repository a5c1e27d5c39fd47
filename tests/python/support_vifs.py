"""Builders shared by the public, transit, VIF-change, BGP and failover
tests: the VIF kinds beyond the private one, transit gateways and their
Direct Connect associations, and a second server whose clock only moves
when told to (for the intermediate states instant mode skips).
"""

from __future__ import annotations

import ipaddress

import boto3
import pytest
from botocore.config import Config

from dxserver import Server
from support import (
    CUSTOMER, REGION, create_connection, create_dxgw, create_vgw,
    describe_connection, describe_vif,
)

CLIENT_ERR = "DirectConnectClientException"

# Public addresses of the documentation ranges (RFC 5737): the service
# refuses private space on public VIFs.
PUBLIC_AMAZON = "203.0.113.1/30"
PUBLIC_CUSTOMER = "203.0.113.2/30"
PUBLIC_PREFIXES = ["203.0.113.0/30", "203.0.113.4/30"]

GENERIC_CONFIG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<logical_connection id="{id}">\n'
    "  <vlan>{vlan}</vlan>\n{v4}{v6}"
    "  <amazon_bgp_asn>{amazon_asn}</amazon_bgp_asn>\n"
    "  <connection_type>{kind}</connection_type>\n</logical_connection>\n"
)


def expected_router_config(vif: dict, peers: list | None = None) -> str:
    """The generic router configuration (resources.md §6.6) a VIF should
    carry, rebuilt from its own fields: one block per live address family."""
    peers = vif["bgpPeers"] if peers is None else peers
    live = [p for p in peers if p["bgpPeerState"] not in ("deleting", "deleted")]
    v4 = next((p for p in live if p["addressFamily"] == "ipv4"), None)
    v6 = next((p for p in live if p["addressFamily"] == "ipv6"), None)
    v4_block = "" if v4 is None else (
        f"  <customer_address>{v4['customerAddress']}</customer_address>\n"
        f"  <amazon_address>{v4['amazonAddress']}</amazon_address>\n"
        f"  <bgp_asn>{v4['asnLong']}</bgp_asn>\n"
        f"  <bgp_auth_key>{v4['authKey']}</bgp_auth_key>\n")
    v6_block = "" if v6 is None else (
        f"  <ipv6_customer_address>{v6['customerAddress']}</ipv6_customer_address>\n"
        f"  <ipv6_amazon_address>{v6['amazonAddress']}</ipv6_amazon_address>\n"
        f"  <ipv6_bgp_asn>{v6['asnLong']}</ipv6_bgp_asn>\n"
        f"  <ipv6_bgp_auth_key>{v6['authKey']}</ipv6_bgp_auth_key>\n")
    return GENERIC_CONFIG.format(
        id=vif["virtualInterfaceId"], vlan=vif["vlan"], v4=v4_block, v6=v6_block,
        amazon_asn=vif["amazonSideAsn"], kind=vif["virtualInterfaceType"])


def same_subnet(amazon: str, customer: str, prefix: int) -> bool:
    a = ipaddress.ip_interface(amazon)
    c = ipaddress.ip_interface(customer)
    return (a.network.prefixlen == c.network.prefixlen == prefix
            and a.network == c.network and a.ip != c.ip)


def peers_by_id(vif: dict) -> dict:
    return {p["bgpPeerId"]: p for p in vif["bgpPeers"]}


# --------------------------------------------------------------------------
# Public VIFs
# --------------------------------------------------------------------------


def public_spec(vlan: int, name: str | None = None, amazon: str | None = PUBLIC_AMAZON,
                customer: str | None = PUBLIC_CUSTOMER, prefixes=PUBLIC_PREFIXES,
                asn: int = 65000, **extra) -> dict:
    spec = {"virtualInterfaceName": name or f"public-{vlan}", "vlan": vlan, "asn": asn}
    if amazon is not None:
        spec["amazonAddress"] = amazon
    if customer is not None:
        spec["customerAddress"] = customer
    if prefixes is not None:
        spec["routeFilterPrefixes"] = [{"cidr": c} for c in prefixes]
    spec.update(extra)
    return spec


def create_public(client, conn_id: str, vlan: int, **kw) -> dict:
    return client.create_public_virtual_interface(
        connectionId=conn_id, newPublicVirtualInterface=public_spec(vlan, **kw))


def allocate_public(partner, conn_id: str, vlan: int, owner: str = CUSTOMER, **kw) -> dict:
    return partner.allocate_public_virtual_interface(
        connectionId=conn_id, ownerAccount=owner,
        newPublicVirtualInterfaceAllocation=public_spec(vlan, **kw))


# --------------------------------------------------------------------------
# Private and transit VIFs
# --------------------------------------------------------------------------


def private_on_vgw(client, ec2_client, conn_id: str, vlan: int = 101, asn: int = 65000,
                   vgw_asn: int | None = 64512, cidr: str = "10.0.0.0/16", **extra) -> dict:
    """A private VIF the caller creates on its own connection, to a fresh VGW
    attached to a fresh VPC, settled to `available`."""
    vgw_id = create_vgw(ec2_client, asn=vgw_asn, cidr=cidr)["VpnGatewayId"]
    spec = {"virtualInterfaceName": f"private-{vlan}", "vlan": vlan, "asn": asn,
            "virtualGatewayId": vgw_id}
    spec.update(extra)
    vif = client.create_private_virtual_interface(connectionId=conn_id, newPrivateVirtualInterface=spec)
    settled = describe_vif(client, vif["virtualInterfaceId"])
    assert settled["virtualInterfaceState"] == "available", settled
    return settled


def private_on_dxgw(client, conn_id: str, dxgw_id: str, vlan: int, asn: int = 65000, **extra) -> dict:
    spec = {"virtualInterfaceName": f"private-{vlan}", "vlan": vlan, "asn": asn,
            "directConnectGatewayId": dxgw_id}
    spec.update(extra)
    vif = client.create_private_virtual_interface(connectionId=conn_id, newPrivateVirtualInterface=spec)
    settled = describe_vif(client, vif["virtualInterfaceId"])
    assert settled["virtualInterfaceState"] == "available", settled
    return settled


def transit_spec(vlan: int, dxgw_id: str | None = None, asn: int = 65001, **extra) -> dict:
    spec = {"virtualInterfaceName": f"transit-{vlan}", "vlan": vlan, "asn": asn}
    if dxgw_id is not None:
        spec["directConnectGatewayId"] = dxgw_id
    spec.update(extra)
    return spec


def create_transit(client, conn_id: str, vlan: int, dxgw_id: str, **extra) -> dict:
    """CreateTransitVirtualInterface; returns the unwrapped VIF after checking
    the wrapper, which is the one thing every SDK trips on."""
    resp = client.create_transit_virtual_interface(
        connectionId=conn_id, newTransitVirtualInterface=transit_spec(vlan, dxgw_id, **extra))
    resp.pop("ResponseMetadata")
    assert list(resp) == ["virtualInterface"], resp
    return resp["virtualInterface"]


def allocate_transit(partner, conn_id: str, vlan: int, owner: str = CUSTOMER, **extra) -> dict:
    resp = partner.allocate_transit_virtual_interface(
        connectionId=conn_id, ownerAccount=owner,
        newTransitVirtualInterfaceAllocation=transit_spec(vlan, **extra))
    resp.pop("ResponseMetadata")
    assert list(resp) == ["virtualInterface"], resp
    return resp["virtualInterface"]


# --------------------------------------------------------------------------
# Transit gateways (EC2) and their Direct Connect associations
# --------------------------------------------------------------------------


def create_tgw(ec2_client, asn: int = 64600) -> str:
    tgw = ec2_client.create_transit_gateway(
        Description="dx", Options={"AmazonSideAsn": asn})["TransitGateway"]
    assert tgw["State"] == "pending", tgw
    tgw_id = tgw["TransitGatewayId"]
    described = ec2_client.describe_transit_gateways(TransitGatewayIds=[tgw_id])["TransitGateways"]
    assert [(t["TransitGatewayId"], t["State"]) for t in described] == [(tgw_id, "available")]
    return tgw_id


def associate_tgw(client, dxgw_id: str, tgw_id: str, prefixes=("10.0.0.0/16",)) -> dict:
    assoc = client.create_direct_connect_gateway_association(
        directConnectGatewayId=dxgw_id, gatewayId=tgw_id,
        addAllowedPrefixesToDirectConnectGateway=[{"cidr": c} for c in prefixes],
    )["directConnectGatewayAssociation"]
    assert assoc["associatedGateway"]["id"] == tgw_id
    assert assoc["associatedGateway"]["type"] == "transitGateway"
    settled = client.describe_direct_connect_gateway_associations(
        associationId=assoc["associationId"])["directConnectGatewayAssociations"]
    assert [a["associationState"] for a in settled] == ["associated"], settled
    return settled[0]


def transit_ready_dxgw(client, ec2_client, dxgw_asn: int = 64999, tgw_asn: int = 64600,
                       prefixes=("10.0.0.0/16",), name: str = "transit-dxgw") -> tuple:
    """A DX gateway associated with a fresh transit gateway: (dxgw_id, tgw_id)."""
    dxgw_id = create_dxgw(client, name=name, asn=dxgw_asn)["directConnectGatewayId"]
    tgw_id = create_tgw(ec2_client, asn=tgw_asn)
    associate_tgw(client, dxgw_id, tgw_id, prefixes)
    return dxgw_id, tgw_id


def attachments(client, dxgw_id: str) -> list:
    return sorted(
        (a["virtualInterfaceId"], a["attachmentType"], a["attachmentState"])
        for a in client.describe_direct_connect_gateway_attachments(
            directConnectGatewayId=dxgw_id)["directConnectGatewayAttachments"])


# --------------------------------------------------------------------------
# A second server on the manual clock
# --------------------------------------------------------------------------

_NO_RETRIES = Config(retries={"max_attempts": 1}, connect_timeout=10, read_timeout=60)


class ManualServer:
    """A dxlocal whose clock moves only through the admin API, with clients
    for it in both protocols. Instant mode answers the intermediate state
    and then jumps to the settled one; this shows the steps in between."""

    def __init__(self, cbor_session):
        self.server = Server(["--lifecycle", "manual"])
        self._sessions = {"json": boto3.Session(), "cbor": cbor_session}
        self._clients = {}

    def dx(self, account: str = CUSTOMER, protocol: str = "json", region: str = REGION):
        key = ("directconnect", account, protocol, region)
        if key not in self._clients:
            self._clients[key] = self._sessions[protocol].client(
                "directconnect", region_name=region, endpoint_url=self.server.url,
                aws_access_key_id=account, aws_secret_access_key="dxlocal-test-secret",
                config=_NO_RETRIES)
        return self._clients[key]

    def advance(self, seconds: float):
        self.server.advance(seconds)

    def connection(self, client, name: str = "conn") -> str:
        """A connection provisioned on this server's clock (30 s + 30 s)."""
        conn_id = create_connection(client, name)["connectionId"]
        self.advance(60)
        assert describe_connection(client, conn_id)["connectionState"] == "available"
        return conn_id


@pytest.fixture(scope="module")
def _manual_server(cbor_session):
    srv = ManualServer(cbor_session)
    yield srv
    srv.server.stop()


@pytest.fixture
def manual(_manual_server):
    """The manual-clock server, reset for each test that uses it."""
    _manual_server.server.reset()
    return _manual_server

