"""Transit virtual interfaces: to a Direct Connect gateway that fronts
transit gateways. Create and Allocate wrap their answer in
`{"virtualInterface": ...}`; a gateway takes transit VIFs or private ones,
never both.
"""

import pytest

from support import (
    CUSTOMER, PARTNER, THIRD, UNKNOWN_CONNECTION, UNKNOWN_DXGW, UNKNOWN_VIF, VIF_ID_RE,
    allocate, assert_raw_error, available_connection, create_dxgw, create_vgw, describe_vif,
    expect_error, raw, vif_ids,
)
from support_vifs import (
    CLIENT_ERR, allocate_transit, associate_tgw, attachments, create_tgw, create_transit,
    expected_router_config, private_on_dxgw, transit_ready_dxgw, transit_spec,
)


def transit_only(dxgw_id):
    return (f"Direct Connect Gateway {dxgw_id} is associated with a virtual private gateway or has "
            "private virtual interfaces; transit virtual interfaces cannot be attached")


def private_refused(dxgw_id):
    return (f"Direct Connect Gateway {dxgw_id} is associated with a transit gateway; "
            "private virtual interfaces cannot be attached")


# -- CreateTransitVirtualInterface ----------------------------------------------------

def test_create_transit_vif(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    dxgw_id, _ = transit_ready_dxgw(client, ec2(CUSTOMER), dxgw_asn=64999)
    vif = create_transit(client, conn_id, 125, dxgw_id, mtu=8500, enableSiteLink=True,
                         tags=[{"key": "k", "value": "v"}])
    vif_id = vif["virtualInterfaceId"]
    assert VIF_ID_RE.match(vif_id)
    assert vif["virtualInterfaceState"] == "pending"
    assert vif["virtualInterfaceType"] == "transit"
    assert (vif["ownerAccount"], vif["connectionId"]) == (CUSTOMER, conn_id)
    assert (vif["directConnectGatewayId"], vif["virtualGatewayId"]) == (dxgw_id, "")
    # The Amazon side of the session is the gateway's ASN.
    assert vif["amazonSideAsn"] == 64999
    assert vif["mtu"] == 8500
    assert vif["siteLinkEnabled"] is True
    assert vif["tags"] == [{"key": "k", "value": "v"}]
    assert vif["routeFilterPrefixes"] == []
    assert vif["bgpPeers"][0]["bgpPeerState"] == "pending"
    assert vif["customerRouterConfig"] == expected_router_config(vif)
    assert "<connection_type>transit</connection_type>" in vif["customerRouterConfig"]
    assert "<amazon_bgp_asn>64999</amazon_bgp_asn>" in vif["customerRouterConfig"]

    settled = describe_vif(client, vif_id)
    assert settled["virtualInterfaceState"] == "available"
    assert settled["bgpPeers"][0]["bgpPeerState"] == "available"
    assert attachments(client, dxgw_id) == [(vif_id, "TransitVirtualInterface", "attached")]


def test_create_transit_needs_a_gateway(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    expect_error(lambda: create_transit(client, conn_id, 10, None), CLIENT_ERR,
                 "A transit virtual interface needs a directConnectGatewayId")
    expect_error(lambda: create_transit(client, conn_id, 10, ""), CLIENT_ERR,
                 "A transit virtual interface needs a directConnectGatewayId")
    assert vif_ids(client) == []


@pytest.mark.parametrize("member", ["virtualInterfaceName", "vlan"])
def test_create_transit_required_members(dx, proto, member):
    # The model marks nothing required in the transit forms; the service does.
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    dxgw_id = create_dxgw(client)["directConnectGatewayId"]
    spec = transit_spec(10, dxgw_id)
    del spec[member]
    expect_error(lambda: client.create_transit_virtual_interface(
        connectionId=conn_id, newTransitVirtualInterface=spec), CLIENT_ERR,
        f"1 validation error detected: Value null at 'newTransitVirtualInterface.{member}' "
        "failed to satisfy constraint: Member must not be null")
    assert vif_ids(client) == []


def test_create_transit_unknown_or_foreign_gateway(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    foreign = create_dxgw(dx(THIRD, proto))["directConnectGatewayId"]
    for dxgw_id in (UNKNOWN_DXGW, foreign):
        expect_error(lambda: create_transit(client, conn_id, 10, dxgw_id), CLIENT_ERR,
                     f"Direct Connect Gateway {dxgw_id} does not exist")
    assert vif_ids(client) == []
    assert attachments(dx(THIRD, proto), foreign) == []


def test_create_transit_mtu(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    dxgw_id = create_dxgw(client)["directConnectGatewayId"]
    expect_error(lambda: create_transit(client, conn_id, 10, dxgw_id, mtu=9001), CLIENT_ERR,
                 "MTU 9001 is not valid for a transit virtual interface: use 1500 or 8500")
    assert vif_ids(client) == []
    assert attachments(client, dxgw_id) == []
    assert create_transit(client, conn_id, 10, dxgw_id)["mtu"] == 1500


def test_create_transit_on_gateway_with_private_vif(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    dxgw_id = create_dxgw(client)["directConnectGatewayId"]
    private = private_on_dxgw(client, conn_id, dxgw_id, vlan=10)
    expect_error(lambda: create_transit(client, conn_id, 11, dxgw_id), CLIENT_ERR, transit_only(dxgw_id))
    assert vif_ids(client) == [private["virtualInterfaceId"]]
    assert attachments(client, dxgw_id) == [(private["virtualInterfaceId"], "PrivateVirtualInterface", "attached")]


def test_create_transit_on_gateway_with_vgw_association(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    dxgw_id = create_dxgw(client)["directConnectGatewayId"]
    vgw_id = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    client.create_direct_connect_gateway_association(directConnectGatewayId=dxgw_id, gatewayId=vgw_id)
    expect_error(lambda: create_transit(client, conn_id, 11, dxgw_id), CLIENT_ERR, transit_only(dxgw_id))
    assert vif_ids(client) == []
    assert attachments(client, dxgw_id) == []


def test_transit_vif_quota_per_connection(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    dxgw_id = create_dxgw(client)["directConnectGatewayId"]
    made = [create_transit(client, conn_id, 20 + i, dxgw_id)["virtualInterfaceId"] for i in range(4)]
    expect_error(lambda: create_transit(client, conn_id, 30, dxgw_id), CLIENT_ERR,
                 f"Exceeded the maximum number of transit virtual interfaces (4) on connection {conn_id}")
    assert sorted(vif_ids(client)) == sorted(made)
    # The transit quota is its own: a private VIF still fits on the connection.
    other = create_dxgw(client, name="private-side")["directConnectGatewayId"]
    private_on_dxgw(client, conn_id, other, vlan=31)


def test_create_transit_on_unknown_connection(dx, proto):
    client = dx(CUSTOMER, proto)
    dxgw_id = create_dxgw(client)["directConnectGatewayId"]
    expect_error(lambda: create_transit(client, UNKNOWN_CONNECTION, 10, dxgw_id), CLIENT_ERR,
                 f"Could not find Connection with ID {UNKNOWN_CONNECTION}")
    assert attachments(client, dxgw_id) == []


# -- AllocateTransitVirtualInterface + ConfirmTransitVirtualInterface (flow 2) --------

def test_hosted_transit_vif_flow(dx, ec2, proto):
    partner, customer, third = dx(PARTNER, proto), dx(CUSTOMER, proto), dx(THIRD, proto)
    conn_id = available_connection(partner, "partner-port")

    vif = allocate_transit(partner, conn_id, 125, asn=65001, mtu=8500,
                           tags=[{"key": "from", "value": "partner"}])
    vif_id = vif["virtualInterfaceId"]
    assert vif["virtualInterfaceState"] == "confirming"
    assert vif["virtualInterfaceType"] == "transit"
    assert (vif["ownerAccount"], vif["connectionId"]) == (CUSTOMER, conn_id)
    assert (vif["virtualGatewayId"], vif["directConnectGatewayId"]) == ("", "")
    assert vif["amazonSideAsn"] == 7224
    assert vif["mtu"] == 8500
    assert vif["tags"] == [{"key": "from", "value": "partner"}]
    [peer] = vif["bgpPeers"]
    assert (peer["bgpPeerState"], peer["bgpStatus"]) == ("pending", "down")
    assert "<amazon_bgp_asn>7224</amazon_bgp_asn>" in vif["customerRouterConfig"]
    assert describe_vif(customer, vif_id)["virtualInterfaceState"] == "confirming"
    assert vif_ids(third) == []

    # The customer's gateway fronts a transit gateway with its own ASN.
    dxgw_id, tgw_id = transit_ready_dxgw(customer, ec2(CUSTOMER), dxgw_asn=64999, tgw_asn=64600)
    resp = customer.confirm_transit_virtual_interface(virtualInterfaceId=vif_id, directConnectGatewayId=dxgw_id)
    resp.pop("ResponseMetadata")
    assert resp == {"virtualInterfaceState": "pending"}
    settled = describe_vif(customer, vif_id)
    assert settled["virtualInterfaceState"] == "available"
    assert (settled["directConnectGatewayId"], settled["virtualGatewayId"]) == (dxgw_id, "")
    assert settled["amazonSideAsn"] == 64999
    assert settled["customerRouterConfig"] == expected_router_config(settled)
    assert "<amazon_bgp_asn>64999</amazon_bgp_asn>" in settled["customerRouterConfig"]
    assert [(p["bgpPeerId"], p["bgpPeerState"]) for p in settled["bgpPeers"]] == [
        (peer["bgpPeerId"], "available")]
    assert settled["tags"] == vif["tags"]
    assert describe_vif(partner, vif_id) == settled
    assert attachments(customer, dxgw_id) == [(vif_id, "TransitVirtualInterface", "attached")]

    # The session advertises the association's allowed prefixes.
    routes = customer.list_virtual_interface_routes(virtualInterfaceId=vif_id)["routes"]
    assert [(r["cidr"], r["routeDirection"]) for r in routes] == [("10.0.0.0/16", "advertised")]

    # A gateway that carries transit traffic takes no private VIF, hosted or created.
    private_id = allocate(partner, conn_id, vlan=126)["virtualInterfaceId"]
    private_before = describe_vif(customer, private_id)
    expect_error(lambda: customer.confirm_private_virtual_interface(
        virtualInterfaceId=private_id, directConnectGatewayId=dxgw_id), CLIENT_ERR, private_refused(dxgw_id))
    assert describe_vif(customer, private_id) == private_before
    own_conn = available_connection(customer, "customer-port")
    expect_error(lambda: customer.create_private_virtual_interface(
        connectionId=own_conn, newPrivateVirtualInterface={
            "virtualInterfaceName": "p", "vlan": 127, "asn": 65000, "directConnectGatewayId": dxgw_id}),
        CLIENT_ERR, private_refused(dxgw_id))
    assert vif_ids(customer, connectionId=own_conn) == []
    assert attachments(customer, dxgw_id) == [(vif_id, "TransitVirtualInterface", "attached")]


def test_private_vif_refused_on_gateway_with_tgw_association(dx, ec2, proto):
    # The transit gateway association alone makes the gateway transit-only,
    # before any transit VIF is attached (operations.md §F, Confirm row 12).
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_id = available_connection(partner, "partner-port")
    private_id = allocate(partner, conn_id, vlan=130)["virtualInterfaceId"]
    before = describe_vif(customer, private_id)
    dxgw_id, _ = transit_ready_dxgw(customer, ec2(CUSTOMER))

    expect_error(lambda: customer.confirm_private_virtual_interface(
        virtualInterfaceId=private_id, directConnectGatewayId=dxgw_id), CLIENT_ERR, private_refused(dxgw_id))
    assert describe_vif(customer, private_id) == before

    own_conn = available_connection(customer, "customer-port")
    expect_error(lambda: customer.create_private_virtual_interface(
        connectionId=own_conn, newPrivateVirtualInterface={
            "virtualInterfaceName": "p", "vlan": 131, "asn": 65000, "directConnectGatewayId": dxgw_id}),
        CLIENT_ERR, private_refused(dxgw_id))
    assert vif_ids(customer, connectionId=own_conn) == []
    assert attachments(customer, dxgw_id) == []


def test_tgw_association_needs_different_asns(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    dxgw_id = create_dxgw(client, asn=64600)["directConnectGatewayId"]
    tgw_id = create_tgw(ec2(CUSTOMER), asn=64600)
    expect_error(lambda: associate_tgw(client, dxgw_id, tgw_id), CLIENT_ERR,
                 f"The transit gateway {tgw_id} uses ASN 64600, the same as Direct Connect Gateway "
                 f"{dxgw_id}; the ASNs must differ")
    assert client.describe_direct_connect_gateway_associations(
        directConnectGatewayId=dxgw_id)["directConnectGatewayAssociations"] == []


# -- ConfirmTransitVirtualInterface refusals -------------------------------------------

@pytest.fixture
def hosted_transit(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_id = available_connection(partner, "partner-port")
    vif_id = allocate_transit(partner, conn_id, 200)["virtualInterfaceId"]
    before = describe_vif(customer, vif_id)
    assert before["virtualInterfaceState"] == "confirming"
    return partner, customer, conn_id, vif_id, before


def confirm_transit(client, vif_id, dxgw_id):
    return lambda: client.confirm_transit_virtual_interface(virtualInterfaceId=vif_id, directConnectGatewayId=dxgw_id)


def test_confirm_transit_needs_a_gateway(server, proto, hosted_transit):
    _, customer, _, vif_id, before = hosted_transit
    # botocore refuses to send without the member; other clients do send it.
    resp = raw(proto, server.url, "ConfirmTransitVirtualInterface", {"virtualInterfaceId": vif_id},
               account=CUSTOMER)
    assert_raw_error(resp, 400, CLIENT_ERR)
    assert resp.message() == ("1 validation error detected: Value null at 'directConnectGatewayId' "
                              "failed to satisfy constraint: Member must not be null")
    resp = raw(proto, server.url, "ConfirmTransitVirtualInterface",
               {"virtualInterfaceId": vif_id, "directConnectGatewayId": ""}, account=CUSTOMER)
    assert_raw_error(resp, 400, CLIENT_ERR)
    assert resp.message() == "A transit virtual interface needs a directConnectGatewayId"
    assert describe_vif(customer, vif_id) == before


def test_confirm_transit_unknown_or_foreign_gateway(dx, proto, hosted_transit):
    _, customer, _, vif_id, before = hosted_transit
    foreign = create_dxgw(dx(THIRD, proto))["directConnectGatewayId"]
    for dxgw_id in (UNKNOWN_DXGW, foreign):
        expect_error(confirm_transit(customer, vif_id, dxgw_id), CLIENT_ERR,
                     f"Direct Connect Gateway {dxgw_id} does not exist")
    assert describe_vif(customer, vif_id) == before


def test_confirm_transit_on_gateway_with_private_vif(hosted_transit):
    _, customer, _, vif_id, before = hosted_transit
    own_conn = available_connection(customer, "customer-port")
    dxgw_id = create_dxgw(customer)["directConnectGatewayId"]
    private = private_on_dxgw(customer, own_conn, dxgw_id, vlan=10)
    expect_error(confirm_transit(customer, vif_id, dxgw_id), CLIENT_ERR, transit_only(dxgw_id))
    assert describe_vif(customer, vif_id) == before
    assert attachments(customer, dxgw_id) == [(private["virtualInterfaceId"], "PrivateVirtualInterface", "attached")]


def test_confirm_transit_on_gateway_with_vgw_association(ec2, hosted_transit):
    _, customer, _, vif_id, before = hosted_transit
    dxgw_id = create_dxgw(customer)["directConnectGatewayId"]
    vgw_id = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    customer.create_direct_connect_gateway_association(directConnectGatewayId=dxgw_id, gatewayId=vgw_id)
    expect_error(confirm_transit(customer, vif_id, dxgw_id), CLIENT_ERR, transit_only(dxgw_id))
    assert describe_vif(customer, vif_id) == before
    assert attachments(customer, dxgw_id) == []


def test_confirm_transit_by_partner_or_stranger(dx, proto, hosted_transit):
    partner, customer, _, vif_id, before = hosted_transit
    partner_gw = create_dxgw(partner)["directConnectGatewayId"]
    expect_error(confirm_transit(partner, vif_id, partner_gw), CLIENT_ERR,
                 f"Virtual interface {vif_id} can only be confirmed by its owner {CUSTOMER}")
    third = dx(THIRD, proto)
    third_gw = create_dxgw(third)["directConnectGatewayId"]
    expect_error(confirm_transit(third, vif_id, third_gw), CLIENT_ERR, f"Virtual interface {vif_id} does not exist")
    expect_error(confirm_transit(customer, UNKNOWN_VIF, UNKNOWN_DXGW), CLIENT_ERR,
                 f"Virtual interface {UNKNOWN_VIF} does not exist")
    assert describe_vif(customer, vif_id) == before
    assert attachments(partner, partner_gw) == [] and attachments(third, third_gw) == []


def test_confirm_transit_on_a_private_vif(hosted_transit):
    partner, customer, conn_id, _, _ = hosted_transit
    private_id = allocate(partner, conn_id, vlan=201)["virtualInterfaceId"]
    before = describe_vif(customer, private_id)
    dxgw_id = create_dxgw(customer)["directConnectGatewayId"]
    expect_error(confirm_transit(customer, private_id, dxgw_id), CLIENT_ERR,
                 f"Virtual interface {private_id} is not a transit virtual interface")
    assert describe_vif(customer, private_id) == before
    assert attachments(customer, dxgw_id) == []


def test_confirm_transit_twice(hosted_transit):
    _, customer, _, vif_id, _ = hosted_transit
    dxgw_id = create_dxgw(customer)["directConnectGatewayId"]
    assert customer.confirm_transit_virtual_interface(
        virtualInterfaceId=vif_id, directConnectGatewayId=dxgw_id)["virtualInterfaceState"] == "pending"
    after = describe_vif(customer, vif_id)
    assert after["virtualInterfaceState"] == "available"
    other = create_dxgw(customer, name="other")["directConnectGatewayId"]
    expect_error(confirm_transit(customer, vif_id, other), CLIENT_ERR,
                 f"Virtual interface {vif_id} is not in the confirming state (current state: available)")
    assert describe_vif(customer, vif_id) == after
    assert attachments(customer, other) == []


def test_allocate_transit_refusals(dx, proto):
    partner, third = dx(PARTNER, proto), dx(THIRD, proto)
    conn_id = available_connection(partner, "partner-port")
    expect_error(lambda: allocate_transit(partner, conn_id, 300, owner=PARTNER), CLIENT_ERR,
                 "Cannot allocate VirtualInterface for the connection owner.")
    expect_error(lambda: allocate_transit(third, conn_id, 300), CLIENT_ERR,
                 f"Could not find Connection with ID {conn_id}")
    expect_error(lambda: allocate_transit(partner, conn_id, 300, mtu=9001), CLIENT_ERR,
                 "MTU 9001 is not valid for a transit virtual interface: use 1500 or 8500")
    assert vif_ids(partner) == [] and vif_ids(dx(CUSTOMER, proto)) == []
    first = allocate_transit(partner, conn_id, 300)["virtualInterfaceId"]
    expect_error(lambda: allocate_transit(partner, conn_id, 300), CLIENT_ERR,
                 f"VLAN 300 is already in use on {conn_id} by virtual interface {first}")
    assert vif_ids(partner) == [first]
