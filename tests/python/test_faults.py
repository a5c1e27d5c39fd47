"""Fault injection through `POST /_dxlocal/faults`, seen the way a client
sees it: a port losing its link takes its VIFs (and a LAG's VIFs, once the
LAG is short of members) down with their BGP sessions; a BGP session or a
whole VIF going down; an association reporting `stateChangeError`. Faults
with "seconds" undo themselves on the virtual clock. Bad bodies are 400,
faults that do not apply to the target's state are 409.
"""

from __future__ import annotations

import json

import pytest

from support import (
    CUSTOMER, PARTNER, allocate, available_connection, create_vgw, describe_connection, describe_vif, http,
)
from support_gateways import association, dxgw, vpc_with_vgw
from support_ports import (
    allocate_hosted, available_interconnect, available_lag, describe_lag, member_ids,
)

UNKNOWN_CONNECTION = "dxcon-fzzzzzzz"
UNKNOWN_VIF = "dxvif-fzzzzzzz"
UNKNOWN_ASSOCIATION = "00000000-0000-4000-8000-00000000beef"


def inject(server, body, status=200):
    resp = server.admin("POST", "/_dxlocal/faults", body)
    assert resp.status == status, (body, resp.status, resp.body)
    answer = json.loads(resp.body)
    if status == 200:
        assert answer["status"] == "ok"
    return answer


def refused(server, body, status, code, contains=None):
    answer = inject(server, body, status)
    assert answer["error"] == code, answer
    if contains is not None:
        assert contains in answer["message"], answer
    return answer


def confirmed_vif(partner, customer, ec2, port_id, vlan=101):
    """A hosted private VIF on `port_id` (connection or LAG), accepted onto a
    fresh VGW and settled to `available` with its one BGP peer up."""
    vgw = create_vgw(ec2, cidr=f"10.{vlan % 200}.0.0/16")["VpnGatewayId"]
    vif_id = allocate(partner, port_id, vlan=vlan)["virtualInterfaceId"]
    customer.confirm_private_virtual_interface(virtualInterfaceId=vif_id, virtualGatewayId=vgw)
    vif = describe_vif(customer, vif_id)
    assert vif["virtualInterfaceState"] == "available", vif
    assert [p["bgpStatus"] for p in vif["bgpPeers"]] == ["up"]
    return vif_id


def vif_state(client, vif_id):
    vif = describe_vif(client, vif_id)
    return vif["virtualInterfaceState"], [p["bgpStatus"] for p in vif["bgpPeers"]]


@pytest.fixture
def world(dx, ec2, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn = available_connection(partner)
    vif = confirmed_vif(partner, customer, ec2(CUSTOMER), conn)
    return partner, customer, conn, vif


# --------------------------------------------------------------------------
# Ports
# --------------------------------------------------------------------------


def test_connection_down_and_up(server, world):
    partner, customer, conn, vif = world
    inject(server, {"fault": "connection-down", "connectionId": conn})
    assert describe_connection(partner, conn)["connectionState"] == "down"
    # Both sides of the hosted VIF see it down, BGP included.
    assert vif_state(customer, vif) == ("down", ["down"])
    assert vif_state(partner, vif) == ("down", ["down"])
    # Down is not gone: the peer keeps its state, only its session is down.
    assert describe_vif(customer, vif)["bgpPeers"][0]["bgpPeerState"] == "available"
    # Still down after any amount of time: only "seconds" makes it temporary.
    server.advance(86_400)
    assert describe_connection(partner, conn)["connectionState"] == "down"

    inject(server, {"fault": "connection-up", "connectionId": conn})
    assert describe_connection(partner, conn)["connectionState"] == "available"
    assert vif_state(customer, vif) == ("available", ["up"])


def test_connection_down_for_a_while(server, world):
    partner, customer, conn, vif = world
    inject(server, {"fault": "connection-down", "connectionId": conn, "seconds": 120})
    assert describe_connection(partner, conn)["connectionState"] == "down"
    server.advance(119)
    assert describe_connection(partner, conn)["connectionState"] == "down"
    assert vif_state(customer, vif) == ("down", ["down"])
    server.advance(2)
    assert describe_connection(partner, conn)["connectionState"] == "available"
    assert vif_state(customer, vif) == ("available", ["up"])


def test_fault_on_a_hosted_connection(server, dx, ec2, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    ic = available_interconnect(partner)
    hosted = allocate_hosted(partner, ic, vlan=300)["connectionId"]
    customer.confirm_connection(connectionId=hosted)
    vgw = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    vif = customer.create_private_virtual_interface(connectionId=hosted, newPrivateVirtualInterface={
        "virtualInterfaceName": "on-hosted", "vlan": 300, "asn": 65000, "virtualGatewayId": vgw})["virtualInterfaceId"]
    assert vif_state(customer, vif) == ("available", ["up"])
    inject(server, {"fault": "connection-down", "connectionId": hosted})
    assert describe_connection(customer, hosted)["connectionState"] == "down"
    assert vif_state(customer, vif) == ("down", ["down"])
    inject(server, {"fault": "connection-up", "connectionId": hosted})
    assert vif_state(customer, vif) == ("available", ["up"])


def test_interconnect_down_takes_hosted_vifs_down(server, dx, ec2, proto):
    """Hosted connections are VLANs on the partner's interconnect: when the
    interconnect loses its link, nothing on it can carry traffic."""
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    ic = available_interconnect(partner)
    hosted = allocate_hosted(partner, ic, vlan=300)["connectionId"]
    customer.confirm_connection(connectionId=hosted)
    vgw = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    vif = customer.create_private_virtual_interface(connectionId=hosted, newPrivateVirtualInterface={
        "virtualInterfaceName": "on-hosted", "vlan": 300, "asn": 65000, "virtualGatewayId": vgw})["virtualInterfaceId"]
    inject(server, {"fault": "connection-down", "connectionId": ic})
    assert partner.describe_interconnects(interconnectId=ic)["interconnects"][0]["interconnectState"] == "down"
    assert vif_state(customer, vif) == ("down", ["down"])
    inject(server, {"fault": "connection-up", "connectionId": ic})
    assert vif_state(customer, vif) == ("available", ["up"])


def test_lag_member_down_below_minimum_links(server, dx, ec2, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    lag = available_lag(partner, count=2)
    lag_id, (m0, m1) = lag["lagId"], member_ids(lag)
    vif = confirmed_vif(partner, customer, ec2(CUSTOMER), lag_id, vlan=201)
    partner.update_lag(lagId=lag_id, minimumLinks=2)
    assert describe_lag(partner, lag_id)["lagState"] == "available"

    # One member of two down with minimumLinks 2: the LAG is down, and so is every VIF on it.
    inject(server, {"fault": "connection-down", "connectionId": m0})
    lag = describe_lag(partner, lag_id)
    assert lag["lagState"] == "down"
    assert {c["connectionId"]: c["connectionState"] for c in lag["connections"]} == {m0: "down", m1: "available"}
    assert vif_state(customer, vif) == ("down", ["down"])
    assert vif_state(partner, vif) == ("down", ["down"])

    inject(server, {"fault": "connection-up", "connectionId": m0})
    assert describe_lag(partner, lag_id)["lagState"] == "available"
    assert vif_state(customer, vif) == ("available", ["up"])


def test_lag_keeps_its_vifs_while_enough_members_are_up(server, dx, ec2, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    lag = available_lag(partner, count=2)
    lag_id, (m0, m1) = lag["lagId"], member_ids(lag)
    vif = confirmed_vif(partner, customer, ec2(CUSTOMER), lag_id, vlan=202)
    assert describe_lag(partner, lag_id)["minimumLinks"] == 0
    # minimumLinks 0 still needs one working member: max(minimumLinks, 1).
    inject(server, {"fault": "connection-down", "connectionId": m0})
    assert describe_lag(partner, lag_id)["lagState"] == "available"
    assert vif_state(customer, vif) == ("available", ["up"])
    inject(server, {"fault": "connection-down", "connectionId": m1})
    assert describe_lag(partner, lag_id)["lagState"] == "down"
    assert vif_state(customer, vif) == ("down", ["down"])
    inject(server, {"fault": "connection-up", "connectionId": m1})
    assert vif_state(customer, vif) == ("available", ["up"])


def test_raising_minimum_links_above_the_working_members_takes_vifs_down(server, dx, ec2, proto):
    """The rule is the LAG's: its VIFs are down whenever fewer than
    max(minimumLinks, 1) members work, whether a member failed or the
    owner raised minimumLinks past the members that still work."""
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    lag = available_lag(partner, count=2)
    lag_id, (m0, _) = lag["lagId"], member_ids(lag)
    vif = confirmed_vif(partner, customer, ec2(CUSTOMER), lag_id, vlan=203)
    inject(server, {"fault": "connection-down", "connectionId": m0})
    assert vif_state(customer, vif) == ("available", ["up"])
    partner.update_lag(lagId=lag_id, minimumLinks=2)
    assert describe_lag(partner, lag_id)["lagState"] == "down"
    assert vif_state(customer, vif) == ("down", ["down"])
    partner.update_lag(lagId=lag_id, minimumLinks=1)
    assert describe_lag(partner, lag_id)["lagState"] == "available"
    assert vif_state(customer, vif) == ("available", ["up"])


# --------------------------------------------------------------------------
# BGP
# --------------------------------------------------------------------------


def two_peers(customer, vif):
    customer.create_bgp_peer(virtualInterfaceId=vif, newBGPPeer={"asn": 65000, "addressFamily": "ipv6"})
    peers = describe_vif(customer, vif)["bgpPeers"]
    assert [(p["addressFamily"], p["bgpPeerState"], p["bgpStatus"]) for p in peers] == [
        ("ipv4", "available", "up"), ("ipv6", "available", "up")]
    return [p["bgpPeerId"] for p in peers]


def test_bgp_peer_down_and_up(server, world):
    partner, customer, conn, vif = world
    p4, p6 = two_peers(customer, vif)
    inject(server, {"fault": "bgp-peer-down", "virtualInterfaceId": vif, "bgpPeerId": p4})
    # One session of two down: the VIF still carries traffic.
    assert vif_state(customer, vif) == ("available", ["down", "up"])
    inject(server, {"fault": "bgp-peer-down", "virtualInterfaceId": vif, "bgpPeerId": p6})
    assert vif_state(customer, vif) == ("down", ["down", "down"])
    assert vif_state(partner, vif) == ("down", ["down", "down"])
    inject(server, {"fault": "bgp-peer-up", "virtualInterfaceId": vif, "bgpPeerId": p6})
    assert vif_state(customer, vif) == ("available", ["down", "up"])
    inject(server, {"fault": "bgp-peer-up", "virtualInterfaceId": vif, "bgpPeerId": p4})
    assert vif_state(customer, vif) == ("available", ["up", "up"])
    # The port is not involved.
    assert describe_connection(partner, conn)["connectionState"] == "available"


def test_bgp_peer_down_for_a_while(server, world):
    _, customer, _, vif = world
    [peer] = [p["bgpPeerId"] for p in describe_vif(customer, vif)["bgpPeers"]]
    inject(server, {"fault": "bgp-peer-down", "virtualInterfaceId": vif, "bgpPeerId": peer, "seconds": 45})
    assert vif_state(customer, vif) == ("down", ["down"])
    server.advance(46)
    assert vif_state(customer, vif) == ("available", ["up"])


def test_vif_bgp_down_and_up(server, world):
    partner, customer, conn, vif = world
    two_peers(customer, vif)
    inject(server, {"fault": "vif-bgp-down", "virtualInterfaceId": vif})
    assert vif_state(customer, vif) == ("down", ["down", "down"])
    assert vif_state(partner, vif) == ("down", ["down", "down"])
    assert describe_connection(partner, conn)["connectionState"] == "available"
    inject(server, {"fault": "vif-bgp-up", "virtualInterfaceId": vif})
    assert vif_state(customer, vif) == ("available", ["up", "up"])
    inject(server, {"fault": "vif-bgp-down", "virtualInterfaceId": vif, "seconds": 10})
    assert vif_state(customer, vif) == ("down", ["down", "down"])
    server.advance(11)
    assert vif_state(customer, vif) == ("available", ["up", "up"])


def test_bgp_fault_outlives_a_port_flap(server, world):
    """A port that comes back restores what the port took down, not BGP
    sessions a separate fault took down: those stay down until cleared."""
    partner, customer, conn, vif = world
    inject(server, {"fault": "vif-bgp-down", "virtualInterfaceId": vif})
    inject(server, {"fault": "connection-down", "connectionId": conn})
    assert vif_state(customer, vif) == ("down", ["down"])
    inject(server, {"fault": "connection-up", "connectionId": conn})
    assert vif_state(customer, vif) == ("down", ["down"])
    inject(server, {"fault": "vif-bgp-up", "virtualInterfaceId": vif})
    assert vif_state(customer, vif) == ("available", ["up"])


# --------------------------------------------------------------------------
# Associations
# --------------------------------------------------------------------------


@pytest.fixture
def assoc(dx, ec2, proto):
    customer = dx(CUSTOMER, proto)
    _, vgw = vpc_with_vgw(ec2(CUSTOMER))
    gw = dxgw(customer)
    created = customer.create_direct_connect_gateway_association(directConnectGatewayId=gw, gatewayId=vgw)
    aid = created["directConnectGatewayAssociation"]["associationId"]
    a = association(customer, aid)
    assert a["associationState"] == "associated" and "stateChangeError" not in a, a
    return customer, aid, gw, vgw


def test_association_error_and_clear(server, assoc):
    customer, aid, gw, vgw = assoc
    inject(server, {"fault": "association-error", "associationId": aid, "message": "BGP route limit exceeded"})
    a = association(customer, aid)
    assert a["stateChangeError"] == "BGP route limit exceeded"
    assert a["associationState"] == "associated"
    # Every way of finding the association shows the error.
    for filters in ({"directConnectGatewayId": gw}, {"virtualGatewayId": vgw}, {"associatedGatewayId": vgw}):
        [same] = customer.describe_direct_connect_gateway_associations(**filters)["directConnectGatewayAssociations"]
        assert same["stateChangeError"] == "BGP route limit exceeded", filters
    inject(server, {"fault": "association-clear", "associationId": aid})
    assert "stateChangeError" not in association(customer, aid)


def test_association_error_default_message_and_timeout(server, assoc):
    customer, aid, _, _ = assoc
    inject(server, {"fault": "association-error", "associationId": aid, "seconds": 300})
    assert association(customer, aid)["stateChangeError"] == "The association failed"
    server.advance(301)
    assert "stateChangeError" not in association(customer, aid)


# --------------------------------------------------------------------------
# Timers
# --------------------------------------------------------------------------


def test_timed_fault_does_not_clear_a_later_fault(server, world):
    """A timed fault that was cleared by hand must not, when its time
    comes, end a fault injected after it."""
    partner, customer, conn, vif = world
    inject(server, {"fault": "connection-down", "connectionId": conn, "seconds": 60})
    inject(server, {"fault": "connection-up", "connectionId": conn})
    inject(server, {"fault": "connection-down", "connectionId": conn})
    server.advance(61)
    assert describe_connection(partner, conn)["connectionState"] == "down"
    assert vif_state(customer, vif) == ("down", ["down"])


# --------------------------------------------------------------------------
# Refusals
# --------------------------------------------------------------------------


def test_bad_bodies_are_400(server, world):
    partner, customer, conn, vif = world
    cases = [
        ({"fault": "meltdown", "connectionId": conn}, "unknown fault"),
        ({"connectionId": conn}, 'missing "fault"'),
        ({"fault": "connection-down"}, 'missing "connectionId"'),
        ({"fault": "connection-down", "virtualInterfaceId": vif}, 'missing "connectionId"'),
        ({"fault": "bgp-peer-down", "virtualInterfaceId": vif}, 'missing "bgpPeerId"'),
        ({"fault": "vif-bgp-down"}, 'missing "virtualInterfaceId"'),
        ({"fault": "association-error"}, 'missing "associationId"'),
        ({"fault": "connection-down", "connectionId": conn, "seconds": 0}, "seconds"),
        ({"fault": "connection-down", "connectionId": conn, "seconds": -5}, "seconds"),
        ({"fault": "connection-down", "connectionId": conn, "seconds": "60"}, "seconds"),
        ({"fault": 7, "connectionId": conn}, 'missing "fault"'),
    ]
    for body, contains in cases:
        refused(server, body, 400, "BadRequest", contains)
    for raw_body in (b"", b"not json", b"[1, 2]"):
        resp = http("POST", server.url + "/_dxlocal/faults", raw_body, {"Content-Type": "application/json"})
        assert resp.status == 400, (raw_body, resp.status, resp.body)
        assert json.loads(resp.body)["error"] == "BadRequest"
    # None of it touched anything.
    assert describe_connection(partner, conn)["connectionState"] == "available"
    assert vif_state(customer, vif) == ("available", ["up"])


def test_unknown_fault_kind_lists_the_kinds(server, world):
    answer = refused(server, {"fault": "nope", "connectionId": world[2]}, 400, "BadRequest")
    for kind in ("connection-down", "connection-up", "bgp-peer-down", "bgp-peer-up", "vif-bgp-down",
                 "vif-bgp-up", "association-error", "association-clear"):
        assert kind in answer["message"], answer


def test_unknown_targets_are_409(server, world):
    partner, customer, conn, vif = world
    [peer] = [p["bgpPeerId"] for p in describe_vif(customer, vif)["bgpPeers"]]
    for body in (
        {"fault": "connection-down", "connectionId": UNKNOWN_CONNECTION},
        {"fault": "connection-up", "connectionId": UNKNOWN_CONNECTION},
        {"fault": "bgp-peer-down", "virtualInterfaceId": UNKNOWN_VIF, "bgpPeerId": peer},
        {"fault": "bgp-peer-down", "virtualInterfaceId": vif, "bgpPeerId": "dxpeer-fzzzzzzz"},
        {"fault": "vif-bgp-down", "virtualInterfaceId": UNKNOWN_VIF},
        {"fault": "association-error", "associationId": UNKNOWN_ASSOCIATION},
        {"fault": "association-clear", "associationId": UNKNOWN_ASSOCIATION},
        # A VIF ID where a connection ID belongs names no connection.
        {"fault": "connection-down", "connectionId": vif},
    ):
        refused(server, body, 409, "FaultNotApplicable")
    assert describe_connection(partner, conn)["connectionState"] == "available"
    assert vif_state(customer, vif) == ("available", ["up"])


def test_faults_that_do_not_apply_to_the_state_are_409(server, world, dx, proto):
    partner, customer, conn, vif = world
    # Up on a port that is up; up on a VIF that is up.
    refused(server, {"fault": "connection-up", "connectionId": conn}, 409, "FaultNotApplicable", "available")
    refused(server, {"fault": "vif-bgp-up", "virtualInterfaceId": vif}, 409, "FaultNotApplicable")
    # Down twice.
    inject(server, {"fault": "connection-down", "connectionId": conn})
    refused(server, {"fault": "connection-down", "connectionId": conn}, 409, "FaultNotApplicable", "down")
    inject(server, {"fault": "connection-up", "connectionId": conn})
    # A VIF still waiting for its owner has no BGP session to lose.
    waiting = allocate(partner, conn, vlan=150)["virtualInterfaceId"]
    [peer] = [p["bgpPeerId"] for p in describe_vif(partner, waiting)["bgpPeers"]]
    refused(server, {"fault": "vif-bgp-down", "virtualInterfaceId": waiting}, 409, "FaultNotApplicable")
    refused(server, {"fault": "bgp-peer-down", "virtualInterfaceId": waiting, "bgpPeerId": peer}, 409,
            "FaultNotApplicable")
    assert describe_vif(partner, waiting)["virtualInterfaceState"] == "confirming"
    # A deleted port cannot fail.
    spare = available_connection(partner, name="spare")
    partner.delete_connection(connectionId=spare)
    refused(server, {"fault": "connection-down", "connectionId": spare}, 409, "FaultNotApplicable")
    assert describe_connection(partner, spare)["connectionState"] == "deleted"
    assert vif_state(customer, vif) == ("available", ["up"])


def test_faults_endpoint_takes_only_post(server):
    for method in ("GET", "PUT", "DELETE"):
        resp = server.admin(method, "/_dxlocal/faults")
        assert resp.status == 405, (method, resp.status)
        assert resp.header("allow") == "POST"


def test_fault_in_another_region(server, dx, ec2, proto):
    """The admin API names no region: the fault finds its target wherever
    it is, and only that region's Describe calls show it."""
    partner, customer = dx(PARTNER, proto, "us-west-2"), dx(CUSTOMER, proto, "us-west-2")
    conn = available_connection(partner)
    vif = confirmed_vif(partner, customer, ec2(CUSTOMER, "us-west-2"), conn)
    east_conn = available_connection(dx(PARTNER, proto))
    inject(server, {"fault": "connection-down", "connectionId": conn})
    assert vif_state(customer, vif) == ("down", ["down"])
    assert describe_connection(dx(PARTNER, proto), east_conn)["connectionState"] == "available"
