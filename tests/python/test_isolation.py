"""Isolation between accounts (resources.md §0.4, operations.md §0.3): every
operation that names a resource by ID or ARN, called by an account that may
not see that resource, must answer exactly what it answers for a
well-formed ID of the same kind that does not exist - same code, same
message, or the same empty list where unknown IDs give empty lists - and
must leave the resource as it was.

The matrix: for each row (an operation and how to call it with a target),
the callers are the stranger, the related account where the spec names
one (a partner next to its customer's hosted connection, a customer next
to the connection its hosted VIF rides on, a proposer next to the DX
gateway it proposed to), and for regional resources the owner itself in
another region. A related account that may see a resource but not act on
it is refused (DENIED), not necessarily with the not-found text. Every row
runs over JSON; a sample also over CBOR.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from botocore.exceptions import ClientError

from dxserver import Server
from support import CUSTOMER, PARTNER, THIRD, http, speed_to_bandwidth
from support_state import Endpoint, admin_json, arn, outcome, strip

P, K, S = PARTNER, CUSTOMER, THIRD
X = "444444444444"  # proposes an association to K's DX gateway
WEST = "us-west-2"

CKN = "0123456789abcdef" * 4
CAK = "fedcba9876543210" * 4
CKN2 = "a1b2c3d4e5f60718" * 4
PUBLIC = {"amazonAddress": "203.0.113.1/30", "customerAddress": "203.0.113.2/30",
          "routeFilterPrefixes": [{"cidr": "203.0.113.0/30"}]}

# What each world key is, for its unknown twin.
KIND = {
    "C": "dxcon", "C2": "dxcon", "CM": "dxcon", "IC": "dxcon", "H": "dxcon", "HO": "dxcon", "Lm": "dxcon",
    "L": "dxlag",
    "VO": "dxvif", "VH": "dxvif", "VC": "dxvif", "VCpub": "dxvif", "VCtr": "dxvif",
    "VOpeer": "dxpeer",
    "G": "uuid", "A": "uuid", "A2": "uuid", "PR": "uuid",
    "RG": "dxrg",
    "VGW_K": "vgw", "VGW2": "vgw",
}
UNKNOWN = {
    "dxcon": ["dxcon-fzzzzzzz", "dxcon-fzzzzzzy"],
    "dxlag": ["dxlag-fzzzzzzz"],
    "dxvif": ["dxvif-fzzzzzzz"],
    "dxpeer": ["dxpeer-fzzzzzzz"],
    "uuid": ["00000000-0000-4000-8000-0000000000b1", "00000000-0000-4000-8000-0000000000b2"],
    "dxrg": ["dxrg-zzzzzzzzzzzzzzzzz"],
    "vgw": ["vgw-0fffffffffffffff0", "vgw-0fffffffffffffff1"],
}
# Owner account and ARN resource type of the resources rows tag.
ARN_OF = {"C": ("dxcon", P), "IC": ("dxcon", P), "L": ("dxlag", P), "H": ("dxcon", K), "VO": ("dxvif", P),
          "VH": ("dxvif", K), "G": ("dx-gateway", K), "RG": ("dx-resiliency-group", P)}


def arn_for(key: str, resource_id: str, region: str = "us-east-1", account: str | None = None) -> str:
    kind, owner = ARN_OF[key]
    owner = account or owner
    if kind == "dx-resiliency-group":
        return f"arn:aws:directconnect::{owner}:dx-resiliency-group/{resource_id}"
    return arn(kind, resource_id, owner, region)


# --------------------------------------------------------------------------
# The world
# --------------------------------------------------------------------------


def _port(dx, speed="10G", macsec=False):
    for loc in dx.describe_locations()["locations"]:
        speeds = loc["availableMacSecPortSpeeds"] if macsec else loc["availablePortSpeeds"]
        if speed in speeds and speed in loc["availablePortSpeeds"]:
            return loc["locationCode"], speed_to_bandwidth(speed)
    raise AssertionError(f"no {speed} location (macsec={macsec})")


def _vgw(ec2, cidr):
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    return vgw


def _alloc(partner, conn, owner, vlan, kind="private", **extra):
    spec = {"virtualInterfaceName": f"{kind}-{vlan}", "vlan": vlan, "asn": 65000, **extra}
    if kind == "private":
        return partner.allocate_private_virtual_interface(
            connectionId=conn, ownerAccount=owner, newPrivateVirtualInterfaceAllocation=spec)["virtualInterfaceId"]
    if kind == "public":
        return partner.allocate_public_virtual_interface(
            connectionId=conn, ownerAccount=owner,
            newPublicVirtualInterfaceAllocation={**spec, **PUBLIC})["virtualInterfaceId"]
    return partner.allocate_transit_virtual_interface(
        connectionId=conn, ownerAccount=owner,
        newTransitVirtualInterfaceAllocation=spec)["virtualInterface"]["virtualInterfaceId"]


class World(dict):
    """IDs by key; `own[account]` are the caller's own resources a row
    passes next to the foreign one, so the foreign ID is the only fault."""

    def __init__(self, ep: Endpoint, server: Server):
        super().__init__()
        self.ep, self.server = ep, server
        self.own = {}
        p, k, x, s = ep.dx(P), ep.dx(K), ep.dx(X), ep.dx(S)
        loc, bw = _port(p)

        # Partner P: ports, a LAG, a resiliency group, a MACsec port, its own VIF.
        self["C"] = p.create_connection(location=loc, bandwidth=bw, connectionName="c")["connectionId"]
        self["C2"] = p.create_connection(location=loc, bandwidth=bw, connectionName="c2")["connectionId"]
        mloc, mbw = _port(p, macsec=True)
        self["CM"] = p.create_connection(location=mloc, bandwidth=mbw, connectionName="macsec",
                                         requestMACSec=True)["connectionId"]
        self["IC"] = p.create_interconnect(interconnectName="ic", bandwidth="1Gbps",
                                           location=_port(p, "1G")[0])["interconnectId"]
        lag = p.create_lag(numberOfConnections=2, location=loc, connectionsBandwidth=bw, lagName="lag")
        self["L"] = lag["lagId"]
        self["Lm"] = lag["connections"][0]["connectionId"]
        p.describe_connections()  # instant lifecycle: settle everything to available
        self["RG"] = p.create_resiliency_group(resiliencyGroupName="rg", intendedResiliencyModel="high-resiliency",
                                               )["resiliencyGroup"]["resiliencyGroupId"]
        p.associate_connections_to_resiliency_group(connectionIdentifiers=[self["C2"]], resiliencyGroupId=self["RG"])
        self["SA"] = p.associate_mac_sec_key(connectionId=self["CM"], ckn=CKN, cak=CAK)["macSecKeys"][0]["secretARN"]
        vgw_p = _vgw(ep.ec2(P), "10.50.0.0/16")
        self["VO"] = p.create_private_virtual_interface(connectionId=self["C"], newPrivateVirtualInterface={
            "virtualInterfaceName": "own", "vlan": 10, "asn": 65000, "virtualGatewayId": vgw_p})["virtualInterfaceId"]
        self["VOpeer"] = p.describe_virtual_interfaces(virtualInterfaceId=self["VO"])[
            "virtualInterfaces"][0]["bgpPeers"][0]["bgpPeerId"]
        gw_p = p.create_direct_connect_gateway(directConnectGatewayName="p-gw",
                                               amazonSideAsn=64600)["directConnectGateway"]["directConnectGatewayId"]
        self.own[P] = {"vgw": vgw_p, "dxgw": gw_p}

        # Customer K: a hosted connection (and one still ordering), hosted VIFs
        # (one accepted onto its DX gateway, three waiting), a VGW association.
        self["H"] = p.allocate_hosted_connection(connectionId=self["IC"], ownerAccount=K, bandwidth="500Mbps",
                                                 connectionName="hosted", vlan=300)["connectionId"]
        k.confirm_connection(connectionId=self["H"])
        self["HO"] = p.allocate_hosted_connection(connectionId=self["IC"], ownerAccount=K, bandwidth="500Mbps",
                                                  connectionName="ordering", vlan=301)["connectionId"]
        self["G"] = k.create_direct_connect_gateway(directConnectGatewayName="k-gw", amazonSideAsn=64999)[
            "directConnectGateway"]["directConnectGatewayId"]
        self["VGW_K"] = _vgw(ep.ec2(K), "10.60.0.0/16")
        self["VGW2"] = _vgw(ep.ec2(K), "10.61.0.0/16")
        self["VH"] = _alloc(p, self["C"], K, 20)
        k.confirm_private_virtual_interface(virtualInterfaceId=self["VH"], directConnectGatewayId=self["G"])
        self["VC"] = _alloc(p, self["C"], K, 21)
        self["VCpub"] = _alloc(p, self["C"], K, 22, "public")
        self["VCtr"] = _alloc(p, self["C"], K, 23, "transit")
        self["A"] = k.create_direct_connect_gateway_association(
            directConnectGatewayId=self["G"], gatewayId=self["VGW2"])["directConnectGatewayAssociation"]["associationId"]
        self.own[K] = {}

        # Proposer X: one proposal pending, one accepted (a cross-account association).
        vgw_x1, vgw_x2 = _vgw(ep.ec2(X), "10.70.0.0/16"), _vgw(ep.ec2(X), "10.71.0.0/16")
        self["PR"] = x.create_direct_connect_gateway_association_proposal(
            directConnectGatewayId=self["G"], directConnectGatewayOwnerAccount=K, gatewayId=vgw_x1,
            addAllowedPrefixesToDirectConnectGateway=[{"cidr": "10.70.0.0/16"}],
        )["directConnectGatewayAssociationProposal"]["proposalId"]
        accepted = x.create_direct_connect_gateway_association_proposal(
            directConnectGatewayId=self["G"], directConnectGatewayOwnerAccount=K, gatewayId=vgw_x2,
            addAllowedPrefixesToDirectConnectGateway=[{"cidr": "10.71.0.0/16"}],
        )["directConnectGatewayAssociationProposal"]["proposalId"]
        self["A2"] = k.accept_direct_connect_gateway_association_proposal(
            directConnectGatewayId=self["G"], proposalId=accepted, associatedGatewayOwnerAccount=X,
        )["directConnectGatewayAssociation"]["associationId"]
        self.own[X] = {"vgw": vgw_x1}

        # Stranger S: its own things to pass next to a foreign ID.
        own = {}
        own["conn"] = s.create_connection(location=loc, bandwidth=bw, connectionName="s")["connectionId"]
        own["lag"] = s.create_lag(numberOfConnections=1, location=loc, connectionsBandwidth=bw,
                                  lagName="s-lag")["lagId"]
        own["ic"] = s.create_interconnect(interconnectName="s-ic", bandwidth="1Gbps",
                                          location=_port(s, "1G")[0])["interconnectId"]
        s.describe_connections()
        own["vgw"] = _vgw(ep.ec2(S), "10.80.0.0/16")
        own["dxgw"] = s.create_direct_connect_gateway(directConnectGatewayName="s-gw", amazonSideAsn=65100)[
            "directConnectGateway"]["directConnectGatewayId"]
        own["rg"] = s.create_resiliency_group(resiliencyGroupName="s-rg", intendedResiliencyModel="high-resiliency",
                                              )["resiliencyGroup"]["resiliencyGroupId"]
        own["vif"] = s.create_private_virtual_interface(connectionId=own["conn"], newPrivateVirtualInterface={
            "virtualInterfaceName": "s-own", "vlan": 40, "asn": 65000, "virtualGatewayId": own["vgw"]})[
            "virtualInterfaceId"]
        own["conf"] = _alloc(p, self["C2"], S, 30)
        own["conf_tr"] = _alloc(p, self["C2"], S, 31, "transit")
        self.own[S] = own

        self.doc = server.admin("GET", "/_dxlocal/state").body
        self.baseline = digest(self)
        self.views = {}


def digest(w: World) -> dict:
    """What the owners of everything in the world see: a refused call must
    not change any of it."""
    ep = w.ep
    out = {}
    for account in (P, K, X, S):
        dx = ep.dx(account)
        out[account] = {
            "connections": outcome(dx.describe_connections),
            "interconnects": outcome(dx.describe_interconnects),
            "lags": outcome(dx.describe_lags),
            "vifs": outcome(dx.describe_virtual_interfaces),
            "dxgws": outcome(dx.describe_direct_connect_gateways),
            "groups": outcome(dx.list_resiliency_groups),
            "tests": outcome(dx.list_virtual_interface_test_history),
        }
    p, k = ep.dx(P), ep.dx(K)
    out["hosted"] = outcome(p.describe_hosted_connections, connectionId=w["IC"])
    out["group"] = outcome(p.get_resiliency_group, resiliencyGroupId=w["RG"])
    out["members"] = outcome(p.list_resiliency_group_associations, resiliencyGroupId=w["RG"])
    out["associations"] = outcome(k.describe_direct_connect_gateway_associations, directConnectGatewayId=w["G"])
    out["proposals"] = outcome(k.describe_direct_connect_gateway_association_proposals,
                               directConnectGatewayId=w["G"])
    out["attachments"] = outcome(k.describe_direct_connect_gateway_attachments, directConnectGatewayId=w["G"])
    out["tagsP"] = outcome(p.describe_tags, resourceArns=[arn_for(key, w[key]) for key in ("C", "IC", "L", "VO", "RG")])
    out["tagsK"] = outcome(k.describe_tags, resourceArns=[arn_for(key, w[key]) for key in ("H", "VH", "G")])
    return out


OWNER = {"H": K, "HO": K, "VH": K, "VC": K, "VCpub": K, "VCtr": K, "G": K, "A": K, "A2": K, "PR": K,
         "VGW_K": K, "VGW2": K}


def view_of(w: World, key) -> dict:
    """What the owner sees of one resource (a target of a row), or what a
    caller sees of its own things (`("caller", account, region)`)."""
    ep = w.ep
    if isinstance(key, tuple):
        dx = ep.dx(key[1], region=key[2])
        return {"connections": outcome(dx.describe_connections), "lags": outcome(dx.describe_lags),
                "vifs": outcome(dx.describe_virtual_interfaces), "dxgws": outcome(dx.describe_direct_connect_gateways)}
    owner = ep.dx(OWNER.get(key, P))
    rid = w[key]
    kind = KIND[key]
    view = {}
    if key in ARN_OF:
        view["tags"] = outcome(owner.describe_tags, resourceArns=[arn_for(key, rid)])
    if key == "IC":
        view["ic"] = outcome(owner.describe_interconnects, interconnectId=rid)
        view["hosted"] = outcome(owner.describe_hosted_connections, connectionId=rid)
    elif kind == "dxcon":
        view["conn"] = outcome(owner.describe_connections, connectionId=rid)
        view["vifs"] = outcome(owner.describe_virtual_interfaces, connectionId=rid)
    elif kind == "dxlag":
        view["lag"] = outcome(owner.describe_lags, lagId=rid)
        view["vifs"] = outcome(owner.describe_virtual_interfaces, connectionId=rid)
    elif kind in ("dxvif", "dxpeer"):
        vif = w["VO"] if kind == "dxpeer" else rid
        view["vif"] = outcome(owner.describe_virtual_interfaces, virtualInterfaceId=vif)
        view["attachments"] = outcome(owner.describe_direct_connect_gateway_attachments, virtualInterfaceId=vif)
        view["tests"] = outcome(owner.list_virtual_interface_test_history, virtualInterfaceId=vif)
    elif key == "G":
        view["dxgw"] = outcome(owner.describe_direct_connect_gateways, directConnectGatewayId=rid)
        view["associations"] = outcome(owner.describe_direct_connect_gateway_associations, directConnectGatewayId=rid)
        view["attachments"] = outcome(owner.describe_direct_connect_gateway_attachments, directConnectGatewayId=rid)
        view["proposals"] = outcome(owner.describe_direct_connect_gateway_association_proposals,
                                    directConnectGatewayId=rid)
    elif key in ("A", "A2"):
        view["association"] = outcome(owner.describe_direct_connect_gateway_associations, associationId=rid)
    elif key == "PR":
        view["proposal"] = outcome(owner.describe_direct_connect_gateway_association_proposals, proposalId=rid)
    elif kind == "dxrg":
        view["group"] = outcome(owner.get_resiliency_group, resiliencyGroupId=rid)
        view["members"] = outcome(owner.list_resiliency_group_associations, resiliencyGroupId=rid)
    elif kind == "vgw":
        view["vgw"] = outcome(ep.ec2(K).describe_vpn_gateways, VpnGatewayIds=[rid])
        view["associations"] = outcome(owner.describe_direct_connect_gateway_associations, virtualGatewayId=rid)
    return view


@pytest.fixture(scope="module")
def world(cbor_session):
    # Its own server: the shared one is reset before every test, and the
    # world is built once for the whole matrix.
    srv = Server()
    try:
        w = World(Endpoint(srv.url, cbor_session), srv)
        # Every view a row is checked against, taken before any row runs.
        callers = {(c, "us-east-1") if isinstance(c, str) else c for row in ROWS for c, _ in row.cases}
        for key in list(KIND) + [("caller", a, r) for a, r in sorted(callers)]:
            w.views[key] = view_of(w, key)
        yield w
    finally:
        srv.stop()


# --------------------------------------------------------------------------
# The matrix
# --------------------------------------------------------------------------

UNKNOWN_ = "unknown"  # same code and message as an unknown ID of the kind
EMPTY = "empty"       # same as an unknown ID, which answers an empty list
DENIED = "denied"     # visible to the caller, but not its to act on: refused


@dataclass
class Row:
    name: str
    targets: tuple
    call: object       # (client, ids, own, world) -> response
    cases: tuple       # ((caller, expectation), ...); caller is an account or (account, region)
    empty: str = ""    # the list an unknown ID answers empty


STRANGERS = ((S, UNKNOWN_),)


def _tags(key):
    return [
        Row(f"TagResource {key}", (key,), lambda c, i, o, w, key=key: c.tag_resource(
            resourceArn=arn_for(key, i[key]), tags=[{"key": "pwned", "value": "yes"}]), ()),
        Row(f"UntagResource {key}", (key,), lambda c, i, o, w, key=key: c.untag_resource(
            resourceArn=arn_for(key, i[key]), tagKeys=["pwned"]), ()),
        Row(f"DescribeTags {key}", (key,), lambda c, i, o, w, key=key: c.describe_tags(
            resourceArns=[arn_for(key, i[key])]), ()),
    ]


def _with_cases(rows, cases):
    for r in rows:
        r.cases = cases
    return rows


ROWS = [
    # -- dedicated connection C (P's; K has hosted VIFs on it) ------------------------------
    Row("DescribeConnections C", ("C",), lambda c, i, o, w: c.describe_connections(connectionId=i["C"]),
        ((S, UNKNOWN_), (K, UNKNOWN_), ((P, WEST), UNKNOWN_))),
    Row("UpdateConnection C", ("C",), lambda c, i, o, w: c.update_connection(
        connectionId=i["C"], connectionName="hijacked"), ((S, UNKNOWN_), (K, UNKNOWN_), ((P, WEST), UNKNOWN_))),
    Row("DescribeLoa C", ("C",), lambda c, i, o, w: c.describe_loa(connectionId=i["C"]),
        ((S, UNKNOWN_), (K, UNKNOWN_), ((P, WEST), UNKNOWN_))),
    Row("DescribeConnectionLoa C", ("C",), lambda c, i, o, w: c.describe_connection_loa(connectionId=i["C"]),
        ((S, UNKNOWN_), (K, UNKNOWN_))),
    Row("DescribeHostedConnections C", ("C",), lambda c, i, o, w: c.describe_hosted_connections(
        connectionId=i["C"]), ((S, UNKNOWN_), (K, UNKNOWN_))),
    Row("DescribeVirtualInterfaces connectionId C", ("C",), lambda c, i, o, w: c.describe_virtual_interfaces(
        connectionId=i["C"]), ((S, EMPTY), ((P, WEST), EMPTY)), empty="virtualInterfaces"),
    Row("CreateLag from C", ("C",), lambda c, i, o, w: c.create_lag(
        numberOfConnections=1, location=_port(c)[0], connectionsBandwidth=_port(c)[1], lagName="steal",
        connectionId=i["C"]), ((S, UNKNOWN_), (K, UNKNOWN_))),
    Row("AssociateConnectionWithLag C", ("C",), lambda c, i, o, w: c.associate_connection_with_lag(
        connectionId=i["C"], lagId=o["lag"]), STRANGERS),
    Row("AllocatePrivateVirtualInterface on C", ("C",), lambda c, i, o, w: c.allocate_private_virtual_interface(
        connectionId=i["C"], ownerAccount=X, newPrivateVirtualInterfaceAllocation={
            "virtualInterfaceName": "steal", "vlan": 999, "asn": 65000}), ((S, UNKNOWN_), (K, UNKNOWN_))),
    Row("AllocatePublicVirtualInterface on C", ("C",), lambda c, i, o, w: c.allocate_public_virtual_interface(
        connectionId=i["C"], ownerAccount=X, newPublicVirtualInterfaceAllocation={
            "virtualInterfaceName": "steal", "vlan": 998, "asn": 65000, **PUBLIC}), STRANGERS),
    Row("AllocateTransitVirtualInterface on C", ("C",), lambda c, i, o, w: c.allocate_transit_virtual_interface(
        connectionId=i["C"], ownerAccount=X, newTransitVirtualInterfaceAllocation={
            "virtualInterfaceName": "steal", "vlan": 997, "asn": 65000}), STRANGERS),
    Row("CreatePrivateVirtualInterface on C", ("C",), lambda c, i, o, w: c.create_private_virtual_interface(
        connectionId=i["C"], newPrivateVirtualInterface={
            "virtualInterfaceName": "steal", "vlan": 996, "asn": 65000, "virtualGatewayId": o["vgw"]}), STRANGERS),
    Row("CreatePublicVirtualInterface on C", ("C",), lambda c, i, o, w: c.create_public_virtual_interface(
        connectionId=i["C"], newPublicVirtualInterface={
            "virtualInterfaceName": "steal", "vlan": 995, "asn": 65000, **PUBLIC}), ((S, UNKNOWN_), (K, UNKNOWN_))),
    Row("CreateTransitVirtualInterface on C", ("C",), lambda c, i, o, w: c.create_transit_virtual_interface(
        connectionId=i["C"], newTransitVirtualInterface={
            "virtualInterfaceName": "steal", "vlan": 994, "asn": 65000, "directConnectGatewayId": o["dxgw"]}),
        STRANGERS),
    Row("AssociateVirtualInterface onto C", ("C",), lambda c, i, o, w: c.associate_virtual_interface(
        virtualInterfaceId=o["vif"], connectionId=i["C"]), STRANGERS),
    Row("UpdateConnectionsBillingMode C", ("C",), lambda c, i, o, w: c.update_connections_billing_mode(
        connectionIds=[i["C"]], billingMode="PayAsYouGo"), ((S, UNKNOWN_), (K, UNKNOWN_), ((P, WEST), UNKNOWN_))),
    Row("AssociateConnectionsToResiliencyGroup C", ("C",),
        lambda c, i, o, w: c.associate_connections_to_resiliency_group(
            connectionIdentifiers=[i["C"]], resiliencyGroupId=o["rg"]), STRANGERS),
    *_with_cases(_tags("C"), ((S, UNKNOWN_), (K, UNKNOWN_))),
    Row("TagResource C under the caller's account", ("C",), lambda c, i, o, w: c.tag_resource(
        resourceArn=arn_for("C", i["C"], account=S), tags=[{"key": "pwned", "value": "yes"}]), STRANGERS),
    # -- MACsec port CM ------------------------------------------------------------------
    Row("AssociateMacSecKey CM", ("CM",), lambda c, i, o, w: c.associate_mac_sec_key(
        connectionId=i["CM"], ckn=CKN2, cak=CAK), STRANGERS),
    Row("DescribeConnections CM", ("CM",), lambda c, i, o, w: c.describe_connections(connectionId=i["CM"]),
        STRANGERS),
    # -- interconnect IC (P's; K's hosted connections ride on it) --------------------------
    Row("DescribeInterconnects IC", ("IC",), lambda c, i, o, w: c.describe_interconnects(interconnectId=i["IC"]),
        ((S, UNKNOWN_), (K, UNKNOWN_), ((P, WEST), UNKNOWN_))),
    Row("DescribeInterconnectLoa IC", ("IC",), lambda c, i, o, w: c.describe_interconnect_loa(
        interconnectId=i["IC"]), ((S, UNKNOWN_), (K, UNKNOWN_))),
    Row("DescribeLoa IC", ("IC",), lambda c, i, o, w: c.describe_loa(connectionId=i["IC"]),
        ((S, UNKNOWN_), (K, UNKNOWN_))),
    Row("DescribeHostedConnections IC", ("IC",), lambda c, i, o, w: c.describe_hosted_connections(
        connectionId=i["IC"]), ((S, UNKNOWN_), (K, UNKNOWN_), ((P, WEST), UNKNOWN_))),
    Row("DescribeConnectionsOnInterconnect IC", ("IC",), lambda c, i, o, w: c.describe_connections_on_interconnect(
        interconnectId=i["IC"]), ((S, UNKNOWN_), (K, UNKNOWN_))),
    Row("AllocateHostedConnection on IC", ("IC",), lambda c, i, o, w: c.allocate_hosted_connection(
        connectionId=i["IC"], ownerAccount=X, bandwidth="500Mbps", connectionName="steal", vlan=777),
        ((S, UNKNOWN_), (K, UNKNOWN_))),
    Row("AllocateConnectionOnInterconnect IC", ("IC",), lambda c, i, o, w: c.allocate_connection_on_interconnect(
        interconnectId=i["IC"], ownerAccount=X, bandwidth="500Mbps", connectionName="steal", vlan=778),
        STRANGERS),
    *_with_cases(_tags("IC"), ((S, UNKNOWN_), (K, UNKNOWN_))),
    # -- LAG L (P's) -----------------------------------------------------------------------
    Row("DescribeLags L", ("L",), lambda c, i, o, w: c.describe_lags(lagId=i["L"]),
        ((S, UNKNOWN_), (K, UNKNOWN_), ((P, WEST), UNKNOWN_))),
    Row("UpdateLag L", ("L",), lambda c, i, o, w: c.update_lag(lagId=i["L"], lagName="hijacked"),
        ((S, UNKNOWN_), ((P, WEST), UNKNOWN_))),
    Row("DescribeLoa L", ("L",), lambda c, i, o, w: c.describe_loa(connectionId=i["L"]), STRANGERS),
    Row("CreateConnection into L", ("L",), lambda c, i, o, w: c.create_connection(
        location=_port(c)[0], bandwidth=_port(c)[1], connectionName="steal", lagId=i["L"]), STRANGERS),
    Row("AssociateConnectionWithLag into L", ("L",), lambda c, i, o, w: c.associate_connection_with_lag(
        connectionId=o["conn"], lagId=i["L"]), STRANGERS),
    Row("DescribeHostedConnections L", ("L",), lambda c, i, o, w: c.describe_hosted_connections(
        connectionId=i["L"]), STRANGERS),
    Row("AllocateHostedConnection on L", ("L",), lambda c, i, o, w: c.allocate_hosted_connection(
        connectionId=i["L"], ownerAccount=X, bandwidth="500Mbps", connectionName="steal", vlan=779), STRANGERS),
    Row("CreatePrivateVirtualInterface on L", ("L",), lambda c, i, o, w: c.create_private_virtual_interface(
        connectionId=i["L"], newPrivateVirtualInterface={
            "virtualInterfaceName": "steal", "vlan": 993, "asn": 65000, "virtualGatewayId": o["vgw"]}), STRANGERS),
    Row("AllocatePrivateVirtualInterface on L", ("L",), lambda c, i, o, w: c.allocate_private_virtual_interface(
        connectionId=i["L"], ownerAccount=X, newPrivateVirtualInterfaceAllocation={
            "virtualInterfaceName": "steal", "vlan": 992, "asn": 65000}), STRANGERS),
    *_with_cases(_tags("L"), STRANGERS),
    # -- hosted connection H (K's, on P's interconnect) -------------------------------------
    Row("DescribeConnections H", ("H",), lambda c, i, o, w: c.describe_connections(connectionId=i["H"]),
        ((S, UNKNOWN_), (P, UNKNOWN_), ((K, WEST), UNKNOWN_))),
    Row("UpdateConnection H", ("H",), lambda c, i, o, w: c.update_connection(
        connectionId=i["H"], connectionName="hijacked"), ((S, UNKNOWN_), (P, DENIED))),
    Row("DescribeLoa H", ("H",), lambda c, i, o, w: c.describe_loa(connectionId=i["H"]),
        ((S, UNKNOWN_), (P, DENIED))),
    Row("ConfirmConnection HO", ("HO",), lambda c, i, o, w: c.confirm_connection(connectionId=i["HO"]),
        ((S, UNKNOWN_), (P, DENIED), ((K, WEST), UNKNOWN_))),
    Row("AssociateHostedConnection H", ("H",), lambda c, i, o, w: c.associate_hosted_connection(
        connectionId=i["H"], parentConnectionId=o["ic"]), STRANGERS),
    Row("CreatePrivateVirtualInterface on H", ("H",), lambda c, i, o, w: c.create_private_virtual_interface(
        connectionId=i["H"], newPrivateVirtualInterface={
            "virtualInterfaceName": "steal", "vlan": 300, "asn": 65000, "virtualGatewayId": o["vgw"]}),
        STRANGERS),
    # The partner may delete and move it, but it may not add, remove or view its tags.
    *_with_cases(_tags("H"), ((S, UNKNOWN_), (P, DENIED))),
    # -- P's own VIF VO on C (K has VIFs on the same connection) ----------------------------
    Row("DescribeVirtualInterfaces VO", ("VO",), lambda c, i, o, w: c.describe_virtual_interfaces(
        virtualInterfaceId=i["VO"]), ((S, EMPTY), (K, EMPTY), ((P, WEST), EMPTY)), empty="virtualInterfaces"),
    Row("UpdateVirtualInterfaceAttributes VO", ("VO",), lambda c, i, o, w: c.update_virtual_interface_attributes(
        virtualInterfaceId=i["VO"], virtualInterfaceName="hijacked"),
        ((S, UNKNOWN_), (K, UNKNOWN_), ((P, WEST), UNKNOWN_))),
    Row("DescribeRouterConfiguration VO", ("VO",), lambda c, i, o, w: c.describe_router_configuration(
        virtualInterfaceId=i["VO"]), ((S, UNKNOWN_), (K, UNKNOWN_))),
    Row("ListVirtualInterfaceRoutes VO", ("VO",), lambda c, i, o, w: c.list_virtual_interface_routes(
        virtualInterfaceId=i["VO"]), ((S, UNKNOWN_), (K, UNKNOWN_))),
    Row("CreateBGPPeer VO", ("VO",), lambda c, i, o, w: c.create_bgp_peer(
        virtualInterfaceId=i["VO"], newBGPPeer={"asn": 65000, "addressFamily": "ipv6"}),
        ((S, UNKNOWN_), (K, UNKNOWN_))),
    Row("StartBgpFailoverTest VO", ("VO",), lambda c, i, o, w: c.start_bgp_failover_test(
        virtualInterfaceId=i["VO"]), ((S, UNKNOWN_), (K, UNKNOWN_), ((P, WEST), UNKNOWN_))),
    Row("StopBgpFailoverTest VO", ("VO",), lambda c, i, o, w: c.stop_bgp_failover_test(
        virtualInterfaceId=i["VO"]), STRANGERS),
    Row("ListVirtualInterfaceTestHistory VO", ("VO",), lambda c, i, o, w: c.list_virtual_interface_test_history(
        virtualInterfaceId=i["VO"]), ((S, EMPTY), (K, EMPTY)), empty="virtualInterfaceTestHistory"),
    Row("AssociateVirtualInterface VO", ("VO",), lambda c, i, o, w: c.associate_virtual_interface(
        virtualInterfaceId=i["VO"], connectionId=o["conn"]), STRANGERS),
    *_with_cases(_tags("VO"), ((S, UNKNOWN_), (K, UNKNOWN_))),
    # -- K's hosted VIF VH on P's connection, accepted onto K's DX gateway -------------------
    Row("DescribeVirtualInterfaces VH", ("VH",), lambda c, i, o, w: c.describe_virtual_interfaces(
        virtualInterfaceId=i["VH"]), ((S, EMPTY), (X, EMPTY), ((K, WEST), EMPTY)), empty="virtualInterfaces"),
    Row("UpdateVirtualInterfaceAttributes VH", ("VH",), lambda c, i, o, w: c.update_virtual_interface_attributes(
        virtualInterfaceId=i["VH"], virtualInterfaceName="hijacked"), ((S, UNKNOWN_), (P, DENIED))),
    Row("CreateBGPPeer VH", ("VH",), lambda c, i, o, w: c.create_bgp_peer(
        virtualInterfaceId=i["VH"], newBGPPeer={"asn": 65000, "addressFamily": "ipv6"}),
        ((S, UNKNOWN_), (P, DENIED))),
    Row("StartBgpFailoverTest VH", ("VH",), lambda c, i, o, w: c.start_bgp_failover_test(
        virtualInterfaceId=i["VH"]), ((S, UNKNOWN_), (P, DENIED))),
    # The accepter may not download the router configuration of a hosted VIF.
    Row("DescribeRouterConfiguration VH", ("VH",), lambda c, i, o, w: c.describe_router_configuration(
        virtualInterfaceId=i["VH"]), ((S, UNKNOWN_), (K, DENIED))),
    Row("DescribeDirectConnectGatewayAttachments VH", ("VH",),
        lambda c, i, o, w: c.describe_direct_connect_gateway_attachments(virtualInterfaceId=i["VH"]),
        ((S, EMPTY), (X, EMPTY)), empty="directConnectGatewayAttachments"),
    *_with_cases(_tags("VH"), ((S, UNKNOWN_), (P, DENIED))),
    Row("TagResource VH under the partner's account", ("VH",), lambda c, i, o, w: c.tag_resource(
        resourceArn=arn_for("VH", i["VH"], account=P), tags=[{"key": "pwned", "value": "yes"}]), ((P, UNKNOWN_),)),
    # -- VIFs waiting for K to accept them --------------------------------------------------
    Row("ConfirmPrivateVirtualInterface VC", ("VC",), lambda c, i, o, w: c.confirm_private_virtual_interface(
        virtualInterfaceId=i["VC"], virtualGatewayId=o["vgw"]), ((S, UNKNOWN_), (P, DENIED))),
    Row("ConfirmPublicVirtualInterface VCpub", ("VCpub",), lambda c, i, o, w: c.confirm_public_virtual_interface(
        virtualInterfaceId=i["VCpub"]), ((S, UNKNOWN_), (P, DENIED), ((K, WEST), UNKNOWN_))),
    Row("ConfirmTransitVirtualInterface VCtr", ("VCtr",), lambda c, i, o, w: c.confirm_transit_virtual_interface(
        virtualInterfaceId=i["VCtr"], directConnectGatewayId=o["dxgw"]), ((S, UNKNOWN_), (P, DENIED))),
    # -- someone else's gateway next to the caller's own VIF or connection -----------------
    Row("ConfirmPrivateVirtualInterface onto G", ("G",), lambda c, i, o, w: c.confirm_private_virtual_interface(
        virtualInterfaceId=o["conf"], directConnectGatewayId=i["G"]), STRANGERS),
    Row("ConfirmPrivateVirtualInterface onto VGW_K", ("VGW_K",),
        lambda c, i, o, w: c.confirm_private_virtual_interface(
            virtualInterfaceId=o["conf"], virtualGatewayId=i["VGW_K"]), STRANGERS),
    Row("ConfirmTransitVirtualInterface onto G", ("G",), lambda c, i, o, w: c.confirm_transit_virtual_interface(
        virtualInterfaceId=o["conf_tr"], directConnectGatewayId=i["G"]), STRANGERS),
    Row("CreatePrivateVirtualInterface onto G", ("G",), lambda c, i, o, w: c.create_private_virtual_interface(
        connectionId=o["conn"], newPrivateVirtualInterface={
            "virtualInterfaceName": "steal", "vlan": 991, "asn": 65000, "directConnectGatewayId": i["G"]}),
        STRANGERS),
    Row("CreatePrivateVirtualInterface onto VGW_K", ("VGW_K",),
        lambda c, i, o, w: c.create_private_virtual_interface(connectionId=o["conn"], newPrivateVirtualInterface={
            "virtualInterfaceName": "steal", "vlan": 990, "asn": 65000, "virtualGatewayId": i["VGW_K"]}),
        STRANGERS),
    Row("CreateTransitVirtualInterface onto G", ("G",), lambda c, i, o, w: c.create_transit_virtual_interface(
        connectionId=o["conn"], newTransitVirtualInterface={
            "virtualInterfaceName": "steal", "vlan": 989, "asn": 65000, "directConnectGatewayId": i["G"]}),
        STRANGERS),
    Row("CreateDirectConnectGatewayAssociation to G", ("G",),
        lambda c, i, o, w: c.create_direct_connect_gateway_association(
            directConnectGatewayId=i["G"], gatewayId=o["vgw"]), STRANGERS),
    Row("CreateDirectConnectGatewayAssociation of VGW_K", ("VGW_K",),
        lambda c, i, o, w: c.create_direct_connect_gateway_association(
            directConnectGatewayId=o["dxgw"], gatewayId=i["VGW_K"]), STRANGERS),
    # -- K's DX gateway G (X has proposed to it) -------------------------------------------
    Row("DescribeDirectConnectGateways G", ("G",), lambda c, i, o, w: c.describe_direct_connect_gateways(
        directConnectGatewayId=i["G"]), ((S, EMPTY), (X, EMPTY)), empty="directConnectGateways"),
    Row("UpdateDirectConnectGateway G", ("G",), lambda c, i, o, w: c.update_direct_connect_gateway(
        directConnectGatewayId=i["G"], newDirectConnectGatewayName="hijacked"), ((S, UNKNOWN_), (X, UNKNOWN_))),
    Row("DescribeDirectConnectGatewayAttachments G", ("G",),
        lambda c, i, o, w: c.describe_direct_connect_gateway_attachments(directConnectGatewayId=i["G"]),
        ((S, EMPTY), (X, EMPTY), (P, EMPTY)), empty="directConnectGatewayAttachments"),
    Row("DescribeDirectConnectGatewayAssociations G", ("G",),
        lambda c, i, o, w: c.describe_direct_connect_gateway_associations(directConnectGatewayId=i["G"]),
        ((S, EMPTY),), empty="directConnectGatewayAssociations"),
    Row("DescribeDirectConnectGatewayAssociationProposals G", ("G",),
        lambda c, i, o, w: c.describe_direct_connect_gateway_association_proposals(directConnectGatewayId=i["G"]),
        ((S, EMPTY),), empty="directConnectGatewayAssociationProposals"),
    *_with_cases(_tags("G"), ((S, UNKNOWN_), (X, UNKNOWN_))),
    # -- associations A (K with K) and A2 (K's gateway with X's VGW) -----------------------
    Row("DescribeDirectConnectGatewayAssociations A", ("A",),
        lambda c, i, o, w: c.describe_direct_connect_gateway_associations(associationId=i["A"]),
        ((S, EMPTY), (X, EMPTY)), empty="directConnectGatewayAssociations"),
    Row("DescribeDirectConnectGatewayAssociations by VGW2", ("VGW2",),
        lambda c, i, o, w: c.describe_direct_connect_gateway_associations(virtualGatewayId=i["VGW2"]),
        ((S, EMPTY),), empty="directConnectGatewayAssociations"),
    Row("UpdateDirectConnectGatewayAssociation A", ("A",),
        lambda c, i, o, w: c.update_direct_connect_gateway_association(
            associationId=i["A"], addAllowedPrefixesToDirectConnectGateway=[{"cidr": "192.0.2.0/24"}]),
        ((S, UNKNOWN_), (X, UNKNOWN_))),
    Row("DescribeDirectConnectGatewayAssociations A2", ("A2",),
        lambda c, i, o, w: c.describe_direct_connect_gateway_associations(associationId=i["A2"]),
        ((S, EMPTY), (P, EMPTY)), empty="directConnectGatewayAssociations"),
    # Only the DX gateway's owner changes the prefixes, not the VGW's.
    Row("UpdateDirectConnectGatewayAssociation A2", ("A2",),
        lambda c, i, o, w: c.update_direct_connect_gateway_association(
            associationId=i["A2"], addAllowedPrefixesToDirectConnectGateway=[{"cidr": "192.0.2.0/24"}]),
        ((S, UNKNOWN_), (X, DENIED))),
    # -- X's proposal PR to K's gateway ----------------------------------------------------
    Row("DescribeDirectConnectGatewayAssociationProposals PR", ("PR",),
        lambda c, i, o, w: c.describe_direct_connect_gateway_association_proposals(proposalId=i["PR"]),
        ((S, EMPTY), (P, EMPTY)), empty="directConnectGatewayAssociationProposals"),
    Row("AcceptDirectConnectGatewayAssociationProposal PR onto own gateway", ("PR",),
        lambda c, i, o, w: c.accept_direct_connect_gateway_association_proposal(
            directConnectGatewayId=o["dxgw"], proposalId=i["PR"], associatedGatewayOwnerAccount=X), STRANGERS),
    Row("AcceptDirectConnectGatewayAssociationProposal PR", ("G", "PR"),
        lambda c, i, o, w: c.accept_direct_connect_gateway_association_proposal(
            directConnectGatewayId=i["G"], proposalId=i["PR"], associatedGatewayOwnerAccount=X), STRANGERS),
    # The proposer cannot accept its own proposal.
    Row("AcceptDirectConnectGatewayAssociationProposal PR by its proposer", ("PR",),
        lambda c, i, o, w: c.accept_direct_connect_gateway_association_proposal(
            directConnectGatewayId=w["G"], proposalId=i["PR"], associatedGatewayOwnerAccount=X), ((X, DENIED),)),
    # -- P's resiliency group RG -----------------------------------------------------------
    Row("GetResiliencyGroup RG", ("RG",), lambda c, i, o, w: c.get_resiliency_group(resiliencyGroupId=i["RG"]),
        ((S, UNKNOWN_), (K, UNKNOWN_), ((P, WEST), UNKNOWN_))),
    Row("UpdateResiliencyGroup RG", ("RG",), lambda c, i, o, w: c.update_resiliency_group(
        resiliencyGroupId=i["RG"], resiliencyGroupName="hijacked"), STRANGERS),
    Row("ListResiliencyGroupAssociations RG", ("RG",), lambda c, i, o, w: c.list_resiliency_group_associations(
        resiliencyGroupId=i["RG"]), ((S, UNKNOWN_), (K, UNKNOWN_))),
    Row("AssociateConnectionsToResiliencyGroup into RG", ("RG",),
        lambda c, i, o, w: c.associate_connections_to_resiliency_group(
            connectionIdentifiers=[o["conn"]], resiliencyGroupId=i["RG"]), STRANGERS),
    *_with_cases(_tags("RG"), STRANGERS),
    # -- the destructive ones, last --------------------------------------------------------
    Row("DeleteBGPPeer VO", ("VO", "VOpeer"), lambda c, i, o, w: c.delete_bgp_peer(
        virtualInterfaceId=i["VO"], bgpPeerId=i["VOpeer"]), ((S, UNKNOWN_), (K, UNKNOWN_))),
    Row("DisassociateMacSecKey CM", ("CM",), lambda c, i, o, w: c.disassociate_mac_sec_key(
        connectionId=i["CM"], secretARN=w["SA"]), STRANGERS),
    Row("DisassociateConnectionFromLag L", ("Lm", "L"), lambda c, i, o, w: c.disassociate_connection_from_lag(
        connectionId=i["Lm"], lagId=i["L"]), STRANGERS),
    Row("DisassociateConnectionsFromResiliencyGroup RG", ("C2", "RG"),
        lambda c, i, o, w: c.disassociate_connections_from_resiliency_group(
            connectionIdentifiers=[i["C2"]], resiliencyGroupId=i["RG"]), STRANGERS),
    Row("DeleteDirectConnectGatewayAssociationProposal PR", ("PR",),
        lambda c, i, o, w: c.delete_direct_connect_gateway_association_proposal(proposalId=i["PR"]), STRANGERS),
    Row("DeleteDirectConnectGatewayAssociation A", ("A",),
        lambda c, i, o, w: c.delete_direct_connect_gateway_association(associationId=i["A"]),
        ((S, UNKNOWN_), (X, UNKNOWN_))),
    Row("DeleteDirectConnectGatewayAssociation G+VGW2", ("G", "VGW2"),
        lambda c, i, o, w: c.delete_direct_connect_gateway_association(
            directConnectGatewayId=i["G"], virtualGatewayId=i["VGW2"]), STRANGERS),
    Row("DeleteResiliencyGroup RG", ("RG",), lambda c, i, o, w: c.delete_resiliency_group(
        resiliencyGroupId=i["RG"]), STRANGERS),
    Row("DeleteVirtualInterface VO", ("VO",), lambda c, i, o, w: c.delete_virtual_interface(
        virtualInterfaceId=i["VO"]), ((S, UNKNOWN_), (K, UNKNOWN_), ((P, WEST), UNKNOWN_))),
    Row("DeleteVirtualInterface VH", ("VH",), lambda c, i, o, w: c.delete_virtual_interface(
        virtualInterfaceId=i["VH"]), ((S, UNKNOWN_), (X, UNKNOWN_))),
    Row("DeleteDirectConnectGateway G", ("G",), lambda c, i, o, w: c.delete_direct_connect_gateway(
        directConnectGatewayId=i["G"]), ((S, UNKNOWN_), (X, UNKNOWN_))),
    Row("DeleteConnection H", ("H",), lambda c, i, o, w: c.delete_connection(connectionId=i["H"]), STRANGERS),
    Row("DeleteLag L", ("L",), lambda c, i, o, w: c.delete_lag(lagId=i["L"]),
        ((S, UNKNOWN_), ((P, WEST), UNKNOWN_))),
    Row("DeleteInterconnect IC", ("IC",), lambda c, i, o, w: c.delete_interconnect(interconnectId=i["IC"]),
        ((S, UNKNOWN_), (K, UNKNOWN_))),
    Row("DeleteConnection C", ("C",), lambda c, i, o, w: c.delete_connection(connectionId=i["C"]),
        ((S, UNKNOWN_), (K, UNKNOWN_), ((P, WEST), UNKNOWN_))),
]

# Rows that also run over CBOR: one per resource family.
CBOR_SAMPLE = {
    "DescribeConnections C", "DescribeVirtualInterfaces VO", "ConfirmPrivateVirtualInterface VC",
    "TagResource C", "DescribeDirectConnectGateways G", "UpdateDirectConnectGatewayAssociation A",
    "DescribeLags L", "DeleteDirectConnectGatewayAssociationProposal PR",
}


def _cases():
    for row in ROWS:
        for caller, expect in row.cases:
            who = caller if isinstance(caller, str) else f"{caller[0]}@{caller[1]}"
            protocols = ["json", "cbor"] if row.name in CBOR_SAMPLE and caller == S else ["json"]
            for proto in protocols:
                yield pytest.param(row, caller, expect, proto, id=f"{row.name}-{who}-{expect}-{proto}")


def _normalise(result, replacements: dict):
    """The answer with the IDs it names replaced by their role, so the
    answer about a foreign ID and about its unknown twin can be compared."""
    text = json.dumps(result, sort_keys=True, default=str)
    for resource_id, placeholder in sorted(replacements.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(resource_id, placeholder)
    return json.loads(text)


def _unknown_ids(row: Row) -> dict:
    ids, used = {}, {}
    for key in row.targets:
        kind = KIND[key]
        n = used.get(kind, 0)
        used[kind] = n + 1
        ids[key] = UNKNOWN[kind][n]
    return ids


@pytest.mark.parametrize("row,caller,expect,proto", list(_cases()))
def test_foreign_access_is_refused_like_an_unknown_id(world, row, caller, expect, proto):
    account, region = (caller, "us-east-1") if isinstance(caller, str) else caller
    client = world.ep.dx(account, proto, region)
    own = world.own.get(caller, {})
    foreign = {key: world[key] for key in row.targets}
    unknown = _unknown_ids(row)
    try:
        got = _run(row, client, foreign, own, world)
        if expect == DENIED:
            assert "error" in got, f"{row.name} by {caller} succeeded: {got}"
            assert (got["error"], got["status"]) == ("DirectConnectClientException", 400), got
        else:
            twin = _run(row, client, unknown, own, world)
            placeholders = {v: f"<{k}>" for k, v in foreign.items()}
            placeholders.update({v: f"<{k}>" for k, v in unknown.items()})
            assert _normalise(got, placeholders) == _normalise(twin, placeholders), (
                f"{row.name} by {caller}: foreign {got} vs unknown {twin}")
            if expect == EMPTY:
                assert "error" not in twin and twin[row.empty] == [], twin
            else:
                assert "error" in twin, f"{row.name} with an unknown ID succeeded: {twin}"
    finally:
        changed = [key for key in row.targets + (("caller", account, region),)
                   if view_of(world, key) != world.views[key]]
        if changed:
            # Put the world back for the rows that follow.
            resp = http("PUT", world.server.url + "/_dxlocal/state", world.doc)
            assert resp.status == 200, resp.body
            assert digest(world) == world.baseline
            raise AssertionError(f"{row.name} by {caller} changed {changed}")


def _run(row, client, ids, own, world):
    """The call's answer, or its refusal as data."""
    try:
        return strip(row.call(client, ids, own, world))
    except ClientError as err:
        return {"error": err.response["Error"]["Code"], "message": err.response["Error"].get("Message", ""),
                "status": err.response["ResponseMetadata"]["HTTPStatusCode"]}


# --------------------------------------------------------------------------
# Answers that are neither refusals nor empty
# --------------------------------------------------------------------------


def test_vifs_by_connection_show_only_the_callers_own(world):
    """K asking for the VIFs on P's connection gets the ones it owns there,
    never P's own VIF or those allocated to someone else."""
    vifs = world.ep.dx(K).describe_virtual_interfaces(connectionId=world["C"])["virtualInterfaces"]
    assert sorted(v["virtualInterfaceId"] for v in vifs) == sorted(
        world[k] for k in ("VH", "VC", "VCpub", "VCtr"))
    assert {v["ownerAccount"] for v in vifs} == {K}
    everything = world.ep.dx(P).describe_virtual_interfaces(connectionId=world["C"])["virtualInterfaces"]
    assert world["VO"] in {v["virtualInterfaceId"] for v in everything}


def test_related_accounts_see_what_the_spec_shows_them(world):
    """The other side of each relation: the partner sees the hosted
    connection on its interconnect and the hosted VIF on its connection;
    the proposer sees its proposal; both sides see a cross-account
    association."""
    p, k, x = world.ep.dx(P), world.ep.dx(K), world.ep.dx(X)
    hosted = {c["connectionId"] for c in p.describe_hosted_connections(connectionId=world["IC"])["connections"]}
    assert {world["H"], world["HO"]} <= hosted
    assert [v["virtualInterfaceId"] for v in p.describe_virtual_interfaces(
        virtualInterfaceId=world["VH"])["virtualInterfaces"]] == [world["VH"]]
    assert [pr["proposalId"] for pr in x.describe_direct_connect_gateway_association_proposals(
        proposalId=world["PR"])["directConnectGatewayAssociationProposals"]] == [world["PR"]]
    for client in (k, x):
        assert [a["associationId"] for a in client.describe_direct_connect_gateway_associations(
            associationId=world["A2"])["directConnectGatewayAssociations"]] == [world["A2"]]


def test_world_is_unchanged_by_the_matrix(world):
    # Runs after the matrix (same module, later in the file): nothing leaked through.
    assert digest(world) == world.baseline
    assert admin_json(world.server, "GET", "/_dxlocal/health")["status"] == "ok"
