"""Changing a live VIF: UpdateVirtualInterfaceAttributes (MTU, SiteLink,
name, rate limit) and AssociateVirtualInterface (moving a VIF to another
connection of the same owner, which replaces its BGP sessions).
"""

import pytest

from support import (
    CUSTOMER, PARTNER, THIRD, UNKNOWN_CONNECTION, UNKNOWN_VIF, allocate, available_connection,
    create_dxgw, create_vgw, describe_connection, describe_vif, expect_error, pick_location, vif_ids,
)
from support_vifs import (
    CLIENT_ERR, attachments, create_public, create_transit, expected_router_config, peers_by_id,
    private_on_dxgw, private_on_vgw,
)


def update(client, vif_id, **kw):
    return lambda: client.update_virtual_interface_attributes(virtualInterfaceId=vif_id, **kw)


def settled_public(client, conn_id, vlan=300):
    vif_id = create_public(client, conn_id, vlan)["virtualInterfaceId"]
    vif = describe_vif(client, vif_id)
    assert vif["virtualInterfaceState"] == "available"
    return vif


def settled_transit(client, conn_id, vlan=400):
    dxgw_id = create_dxgw(client, name="transit-gw", asn=64998)["directConnectGatewayId"]
    vif_id = create_transit(client, conn_id, vlan, dxgw_id)["virtualInterfaceId"]
    vif = describe_vif(client, vif_id)
    assert vif["virtualInterfaceState"] == "available"
    return vif


# -- MTU -------------------------------------------------------------------------------

def test_private_jumbo_mtu_change(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    vif = private_on_vgw(client, ec2(CUSTOMER), conn_id)
    vif_id = vif["virtualInterfaceId"]
    assert vif["mtu"] == 1500 and vif["jumboFrameCapable"] is True

    out = client.update_virtual_interface_attributes(virtualInterfaceId=vif_id, mtu=9001)
    # UpdateVirtualInterfaceAttributes answers the VirtualInterface itself.
    assert "virtualInterface" not in out
    assert out["virtualInterfaceId"] == vif_id
    assert out["mtu"] == 9001
    # The device applies the new MTU: pending until done.
    assert out["virtualInterfaceState"] == "pending"
    settled = describe_vif(client, vif_id)
    assert (settled["virtualInterfaceState"], settled["mtu"]) == ("available", 9001)
    # Nothing else moved.
    assert {k: v for k, v in settled.items() if k != "mtu"} == {k: v for k, v in vif.items() if k != "mtu"}

    back = client.update_virtual_interface_attributes(virtualInterfaceId=vif_id, mtu=1500)
    assert (back["virtualInterfaceState"], back["mtu"]) == ("pending", 1500)
    assert describe_vif(client, vif_id) == vif


def test_same_mtu_keeps_the_state(dx, ec2, proto):
    # Observed: setting the MTU a VIF already has is not a change.
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    vif = private_on_vgw(client, ec2(CUSTOMER), conn_id)
    out = client.update_virtual_interface_attributes(virtualInterfaceId=vif["virtualInterfaceId"], mtu=1500)
    assert (out["virtualInterfaceState"], out["mtu"]) == ("available", 1500)
    assert describe_vif(client, vif["virtualInterfaceId"]) == vif


def test_transit_jumbo_mtu(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    vif = settled_transit(client, conn_id)
    vif_id = vif["virtualInterfaceId"]
    expect_error(update(client, vif_id, mtu=9001), CLIENT_ERR,
                 "MTU 9001 is not valid for a transit virtual interface: use 1500 or 8500")
    assert describe_vif(client, vif_id) == vif
    out = client.update_virtual_interface_attributes(virtualInterfaceId=vif_id, mtu=8500)
    assert (out["virtualInterfaceState"], out["mtu"]) == ("pending", 8500)
    settled = describe_vif(client, vif_id)
    assert (settled["virtualInterfaceState"], settled["mtu"]) == ("available", 8500)


@pytest.mark.parametrize("mtu", [8500, 9000, 1499, 0])
def test_private_mtu_values(dx, ec2, proto, mtu):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    vif = private_on_vgw(client, ec2(CUSTOMER), conn_id)
    expect_error(update(client, vif["virtualInterfaceId"], mtu=mtu), CLIENT_ERR,
                 f"MTU {mtu} is not valid for a private virtual interface: use 1500 or 9001")
    assert describe_vif(client, vif["virtualInterfaceId"]) == vif


def test_public_mtu_is_fixed(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    vif = settled_public(client, conn_id)
    vif_id = vif["virtualInterfaceId"]
    for mtu in (9001, 8500):
        expect_error(update(client, vif_id, mtu=mtu), CLIENT_ERR,
                     f"MTU {mtu} is not valid for a public virtual interface: use 1500")
    assert describe_vif(client, vif_id) == vif
    out = client.update_virtual_interface_attributes(virtualInterfaceId=vif_id, mtu=1500)
    assert (out["virtualInterfaceState"], out["mtu"]) == ("available", 1500)


# -- SiteLink ----------------------------------------------------------------------------

def sitelink_refused(vif_id):
    return ("SiteLink can only be enabled on transit virtual interfaces and private virtual "
            f"interfaces attached to a Direct Connect gateway ({vif_id} is not)")


def test_sitelink_on_private_vif_on_dxgw_and_transit(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    dxgw_id = create_dxgw(client)["directConnectGatewayId"]
    for vif in (private_on_dxgw(client, conn_id, dxgw_id, vlan=10), settled_transit(client, conn_id)):
        vif_id = vif["virtualInterfaceId"]
        assert vif["siteLinkEnabled"] is False
        out = client.update_virtual_interface_attributes(virtualInterfaceId=vif_id, enableSiteLink=True)
        # Not an MTU change: the state stays.
        assert (out["siteLinkEnabled"], out["virtualInterfaceState"]) == (True, "available")
        assert describe_vif(client, vif_id) == dict(vif, siteLinkEnabled=True)
        out = client.update_virtual_interface_attributes(virtualInterfaceId=vif_id, enableSiteLink=False)
        assert out["siteLinkEnabled"] is False
        assert describe_vif(client, vif_id) == vif


def test_sitelink_refused_on_vgw_and_public(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    for vif in (private_on_vgw(client, ec2(CUSTOMER), conn_id), settled_public(client, conn_id)):
        vif_id = vif["virtualInterfaceId"]
        expect_error(update(client, vif_id, enableSiteLink=True), CLIENT_ERR, sitelink_refused(vif_id))
        assert describe_vif(client, vif_id) == vif


# -- name, rate limit, prefix pools ---------------------------------------------------------

def test_rename(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    vif = private_on_vgw(client, ec2(CUSTOMER), conn_id)
    vif_id = vif["virtualInterfaceId"]
    out = client.update_virtual_interface_attributes(virtualInterfaceId=vif_id, virtualInterfaceName="Renamed VIF")
    assert (out["virtualInterfaceName"], out["virtualInterfaceState"]) == ("Renamed VIF", "available")
    assert describe_vif(client, vif_id) == dict(vif, virtualInterfaceName="Renamed VIF")


@pytest.mark.parametrize("name", ["", "x" * 101])
def test_bad_name(dx, ec2, proto, name):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    vif = private_on_vgw(client, ec2(CUSTOMER), conn_id)
    expect_error(update(client, vif["virtualInterfaceId"], virtualInterfaceName=name), CLIENT_ERR,
                 f"Virtual interface name must be 1 to 100 characters (got {len(name)})")
    assert describe_vif(client, vif["virtualInterfaceId"]) == vif


def test_rate_limit(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    bandwidth = describe_connection(client, conn_id)["bandwidth"]
    vif = private_on_vgw(client, ec2(CUSTOMER), conn_id)
    vif_id = vif["virtualInterfaceId"]
    out = client.update_virtual_interface_attributes(virtualInterfaceId=vif_id, rateLimit="500Mbps")
    assert (out["rateLimit"], out["virtualInterfaceState"]) == ("500Mbps", "available")
    limited = describe_vif(client, vif_id)
    assert limited == dict(vif, rateLimit="500Mbps")
    # Exactly the port's bandwidth is allowed; more is not.
    assert client.update_virtual_interface_attributes(
        virtualInterfaceId=vif_id, rateLimit=bandwidth)["rateLimit"] == bandwidth
    expect_error(update(client, vif_id, rateLimit="1.6Tbps"), CLIENT_ERR,
                 f"Rate limit 1.6Tbps exceeds the bandwidth {bandwidth} of {conn_id}")
    expect_error(update(client, vif_id, rateLimit="fast"), CLIENT_ERR, "Rate limit fast is not a valid bandwidth")
    assert describe_vif(client, vif_id) == dict(vif, rateLimit=bandwidth)


def test_prefix_pools_not_for_public(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    vif = settled_public(client, conn_id)
    expect_error(update(client, vif["virtualInterfaceId"], prefixPoolAllocatedCountIpv4=1), CLIENT_ERR,
                 "Prefix pool allocations do not apply to public virtual interfaces")
    assert describe_vif(client, vif["virtualInterfaceId"]) == vif


# -- who may update, and when ----------------------------------------------------------------

def test_update_by_non_owner(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_id = available_connection(partner, "partner-port")
    vif_id = allocate(partner, conn_id, vlan=10)["virtualInterfaceId"]
    dxgw_id = create_dxgw(customer)["directConnectGatewayId"]
    customer.confirm_private_virtual_interface(virtualInterfaceId=vif_id, directConnectGatewayId=dxgw_id)
    before = describe_vif(customer, vif_id)
    assert before["virtualInterfaceState"] == "available"
    # The connection owner sees the hosted VIF but may not change it.
    expect_error(update(partner, vif_id, mtu=9001), CLIENT_ERR,
                 f"Only the owner {CUSTOMER} of virtual interface {vif_id} can update its attributes")
    expect_error(update(dx(THIRD, proto), vif_id, virtualInterfaceName="mine"), CLIENT_ERR,
                 f"Virtual interface {vif_id} does not exist")
    expect_error(update(customer, UNKNOWN_VIF, mtu=9001), CLIENT_ERR, f"Virtual interface {UNKNOWN_VIF} does not exist")
    assert describe_vif(customer, vif_id) == before


def test_update_unconfirmed_or_deleted(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_id = available_connection(partner, "partner-port")
    vif_id = allocate(partner, conn_id, vlan=10)["virtualInterfaceId"]
    before = describe_vif(customer, vif_id)
    expect_error(update(customer, vif_id, virtualInterfaceName="early"), CLIENT_ERR,
                 f"Virtual interface {vif_id} cannot be updated in its current state: confirming")
    assert describe_vif(customer, vif_id) == before
    partner.delete_virtual_interface(virtualInterfaceId=vif_id)
    gone = describe_vif(customer, vif_id)
    assert gone["virtualInterfaceState"] == "deleted"
    expect_error(update(customer, vif_id, virtualInterfaceName="late"), CLIENT_ERR,
                 f"Virtual interface {vif_id} cannot be updated in its current state: deleted")
    assert describe_vif(customer, vif_id) == gone


# -- AssociateVirtualInterface (flow 7) --------------------------------------------------------

def associate(client, vif_id, conn_id):
    return lambda: client.associate_virtual_interface(virtualInterfaceId=vif_id, connectionId=conn_id)


def test_move_vif_between_connections(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    conn_a = available_connection(client, "port-a")
    conn_b = available_connection(client, "port-b", index=1)
    vif = private_on_vgw(client, ec2(CUSTOMER), conn_a, vlan=123)
    vif_id = vif["virtualInterfaceId"]
    # A second session (IPv6) moves along with the first.
    client.create_bgp_peer(virtualInterfaceId=vif_id, newBGPPeer={"asn": 64600, "addressFamily": "ipv6"})
    vif = describe_vif(client, vif_id)
    old = peers_by_id(vif)
    assert [p["bgpPeerState"] for p in old.values()] == ["available", "available"]

    moved = client.associate_virtual_interface(virtualInterfaceId=vif_id, connectionId=conn_b)
    # The bare VirtualInterface, same ID, now on the target.
    assert "virtualInterface" not in moved
    assert moved["virtualInterfaceId"] == vif_id
    assert moved["connectionId"] == conn_b
    assert moved["virtualInterfaceState"] == "pending"
    assert moved["location"] == describe_connection(client, conn_b)["location"]
    for key in ("ownerAccount", "vlan", "virtualGatewayId", "amazonSideAsn", "virtualInterfaceType", "mtu"):
        assert moved[key] == vif[key], key
    peers = peers_by_id(moved)
    # The old sessions are torn down ...
    assert {pid: peers[pid]["bgpPeerState"] for pid in old} == {pid: "deleting" for pid in old}
    # ... and rebuilt under new IDs with the same addresses and keys.
    fresh = [p for pid, p in peers.items() if pid not in old]
    assert len(fresh) == 2
    same = ("addressFamily", "asn", "amazonAddress", "customerAddress", "authKey")
    assert sorted(tuple(p[k] for k in same) for p in fresh) == sorted(
        tuple(p[k] for k in same) for p in old.values())
    for p in fresh:
        assert p["bgpPeerId"].startswith("dxpeer-")
        assert (p["bgpPeerState"], p["bgpStatus"]) == ("pending", "down")
    assert moved["customerRouterConfig"] == expected_router_config(moved)

    settled = describe_vif(client, vif_id)
    assert (settled["virtualInterfaceState"], settled["connectionId"]) == ("available", conn_b)
    states = {pid: (p["bgpPeerState"], p["bgpStatus"]) for pid, p in peers_by_id(settled).items()}
    assert {pid: states[pid] for pid in old} == {pid: ("deleted", "down") for pid in old}
    assert sorted(states[p["bgpPeerId"]] for p in fresh) == [("available", "up")] * 2
    assert vif_ids(client, connectionId=conn_b) == [vif_id]
    assert vif_ids(client, connectionId=conn_a) == []
    assert vif_ids(client) == [vif_id]
    # The router configuration follows the live sessions, whose keys did not change.
    assert settled["customerRouterConfig"] == vif["customerRouterConfig"]

    # The freed VLAN on the source connection can be used again.
    vgw_id = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    client.create_private_virtual_interface(connectionId=conn_a, newPrivateVirtualInterface={
        "virtualInterfaceName": "reuse", "vlan": 123, "asn": 65000, "virtualGatewayId": vgw_id})


def test_move_vif_onto_a_lag(dx, ec2, proto):
    # The CLI example moves a VIF from a connection onto a LAG.
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client, "port-a")
    location, bandwidth = pick_location(client)
    lag_id = client.create_lag(numberOfConnections=2, location=location, connectionsBandwidth=bandwidth,
                               lagName="bundle")["lagId"]
    assert client.describe_lags(lagId=lag_id)["lags"][0]["lagState"] == "available"
    vif = private_on_vgw(client, ec2(CUSTOMER), conn_id, vlan=123)
    vif_id = vif["virtualInterfaceId"]
    moved = client.associate_virtual_interface(virtualInterfaceId=vif_id, connectionId=lag_id)
    assert (moved["virtualInterfaceId"], moved["connectionId"], moved["virtualInterfaceState"]) == (
        vif_id, lag_id, "pending")
    assert [p["bgpPeerState"] for p in moved["bgpPeers"]] == ["deleting", "pending"]
    settled = describe_vif(client, vif_id)
    assert (settled["connectionId"], settled["virtualInterfaceState"]) == (lag_id, "available")
    assert vif_ids(client, connectionId=lag_id) == [vif_id]
    assert vif_ids(client, connectionId=conn_id) == []


def test_partner_moves_hosted_vif(dx, proto):
    # The connection owner may move a VIF it hosts between its own ports; the
    # VIF stays the customer's.
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_a = available_connection(partner, "port-a")
    conn_b = available_connection(partner, "port-b", index=1)
    vif_id = allocate(partner, conn_a, vlan=10)["virtualInterfaceId"]
    dxgw_id = create_dxgw(customer)["directConnectGatewayId"]
    customer.confirm_private_virtual_interface(virtualInterfaceId=vif_id, directConnectGatewayId=dxgw_id)
    before = describe_vif(customer, vif_id)
    moved = partner.associate_virtual_interface(virtualInterfaceId=vif_id, connectionId=conn_b)
    assert (moved["connectionId"], moved["ownerAccount"], moved["directConnectGatewayId"]) == (
        conn_b, CUSTOMER, dxgw_id)
    after = describe_vif(customer, vif_id)
    assert (after["virtualInterfaceState"], after["connectionId"]) == ("available", conn_b)
    assert describe_vif(partner, vif_id) == after
    assert after["bgpPeers"][0]["bgpPeerId"] == before["bgpPeers"][0]["bgpPeerId"]
    assert after["bgpPeers"][0]["bgpPeerState"] == "deleted"
    assert after["bgpPeers"][1]["bgpPeerState"] == "available"
    # The VIF stays attached to its gateway through the move.
    assert attachments(customer, dxgw_id) == [(vif_id, "PrivateVirtualInterface", "attached")]


def test_move_refused_on_vlan_conflict(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    conn_a = available_connection(client, "port-a")
    conn_b = available_connection(client, "port-b", index=1)
    vif = private_on_vgw(client, ec2(CUSTOMER), conn_a, vlan=123)
    blocker = private_on_vgw(client, ec2(CUSTOMER), conn_b, vlan=123, cidr="10.1.0.0/16")
    expect_error(associate(client, vif["virtualInterfaceId"], conn_b), CLIENT_ERR,
                 f"VLAN 123 is already in use on {conn_b} by virtual interface {blocker['virtualInterfaceId']}")
    assert describe_vif(client, vif["virtualInterfaceId"]) == vif
    assert describe_vif(client, blocker["virtualInterfaceId"]) == blocker


def test_move_refused_on_address_conflict(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    conn_a = available_connection(client, "port-a")
    conn_b = available_connection(client, "port-b", index=1)
    addrs = {"amazonAddress": "169.254.77.1/30", "customerAddress": "169.254.77.2/30"}
    vif = private_on_vgw(client, ec2(CUSTOMER), conn_a, vlan=123, **addrs)
    blocker = private_on_vgw(client, ec2(CUSTOMER), conn_b, vlan=124, cidr="10.1.0.0/16", **addrs)
    vif_id = vif["virtualInterfaceId"]
    expect_error(associate(client, vif_id, conn_b), CLIENT_ERR,
                 f"Virtual interface {vif_id} has a conflicting IP address on {conn_b}: 169.254.77.2/30")
    assert describe_vif(client, vif_id) == vif
    assert describe_vif(client, blocker["virtualInterfaceId"]) == blocker


def test_move_refusals(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    conn_a = available_connection(client, "port-a")
    vif = private_on_vgw(client, ec2(CUSTOMER), conn_a)
    vif_id = vif["virtualInterfaceId"]
    foreign = available_connection(dx(THIRD, proto), "theirs")
    west = available_connection(dx(CUSTOMER, proto, "us-west-2"), "west")
    # Targets the caller does not own here: someone else's, unknown, another region's.
    for target in (foreign, UNKNOWN_CONNECTION, west):
        expect_error(associate(client, vif_id, target), CLIENT_ERR, f"Could not find Connection with ID {target}")
    expect_error(associate(client, vif_id, conn_a), CLIENT_ERR, f"Virtual interface {vif_id} is already on {conn_a}")
    conn_b = available_connection(client, "port-b", index=1)
    expect_error(associate(client, UNKNOWN_VIF, conn_b), CLIENT_ERR, f"Virtual interface {UNKNOWN_VIF} does not exist")
    # A stranger cannot move the VIF onto its own port either.
    expect_error(associate(dx(THIRD, proto), vif_id, foreign), CLIENT_ERR, f"Virtual interface {vif_id} does not exist")
    assert describe_vif(client, vif_id) == vif
    assert vif_ids(client, connectionId=conn_b) == []


def test_customer_cannot_move_hosted_vif_onto_partner_port(dx, proto):
    # The accepter owns the VIF but not the partner's other port: the target must be the caller's.
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_a = available_connection(partner, "port-a")
    conn_b = available_connection(partner, "port-b", index=1)
    vif_id = allocate(partner, conn_a, vlan=10)["virtualInterfaceId"]
    before = describe_vif(customer, vif_id)
    expect_error(associate(customer, vif_id, conn_b), CLIENT_ERR, f"Could not find Connection with ID {conn_b}")
    assert describe_vif(customer, vif_id) == before
