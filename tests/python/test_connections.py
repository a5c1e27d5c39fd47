"""Dedicated connections and the VIF rules that hang off them: creation,
visibility, deletion, quotas, VLANs, and VIF deletion with its 15-minute tail.
"""

import pytest

from support import (
    CONNECTION_ID_RE, CUSTOMER, PARTNER, REGION, THIRD, UNKNOWN_CONNECTION, UNKNOWN_VIF,
    allocate, available_connection, create_connection, create_dxgw, create_vgw,
    describe_connection, describe_vif, expect_error, pick_location, vif_ids,
)

CLIENT_ERR = "DirectConnectClientException"
NOT_FOUND = "Could not find Connection with ID"


def connection_ids(dx):
    return [c["connectionId"] for c in dx.describe_connections()["connections"]]


# -- create / describe / delete ----------------------------------------------------

def test_create_describe_delete(dx, proto):
    client = dx(PARTNER, proto)
    location, bandwidth = pick_location(client)
    conn = client.create_connection(location=location, bandwidth=bandwidth, connectionName="edge-1")
    conn_id = conn["connectionId"]
    assert CONNECTION_ID_RE.match(conn_id)
    assert conn["connectionState"] == "requested"
    assert (conn["ownerAccount"], conn["region"], conn["location"], conn["bandwidth"]) == (
        PARTNER, REGION, location, bandwidth)
    assert "loaIssueTime" not in conn

    described = describe_connection(client, conn_id)
    assert described["connectionState"] == "available"
    assert described["connectionName"] == "edge-1"
    # Once provisioned, the port sits on a device at its location.
    assert described["awsDeviceV2"].startswith(location + "-")
    assert connection_ids(client) == [conn_id]

    deleted = client.delete_connection(connectionId=conn_id)
    assert deleted["connectionId"] == conn_id
    assert deleted["connectionState"] == "deleted"
    # Deleted connections stay listed for a while, in state `deleted`.
    states = {c["connectionId"]: c["connectionState"] for c in client.describe_connections()["connections"]}
    assert states == {conn_id: "deleted"}
    # A second delete finds nothing live to delete.
    expect_error(lambda: client.delete_connection(connectionId=conn_id), CLIENT_ERR, contains=NOT_FOUND)


def test_create_connection_with_tags_and_billing_mode(dx, proto):
    client = dx(PARTNER, proto)
    conn = create_connection(client, tags=[{"key": "k", "value": "v"}])
    assert conn["tags"] == [{"key": "k", "value": "v"}]
    assert conn.get("billingMode", "PayAsYouGo") == "PayAsYouGo"


def test_creates_are_not_idempotent(dx, proto):
    client = dx(PARTNER, proto)
    a = create_connection(client, "same")
    b = create_connection(client, "same")
    assert a["connectionId"] != b["connectionId"]
    assert sorted(connection_ids(client)) == sorted([a["connectionId"], b["connectionId"]])


def test_connections_are_private_to_their_account_and_region(dx, proto):
    partner = dx(PARTNER, proto)
    conn_id = create_connection(partner)["connectionId"]
    assert connection_ids(dx(THIRD, proto)) == []
    assert connection_ids(dx(PARTNER, proto, "us-west-2")) == []
    for client in (dx(THIRD, proto), dx(PARTNER, proto, "us-west-2")):
        expect_error(lambda: client.describe_connections(connectionId=conn_id), CLIENT_ERR, contains=NOT_FOUND)
        expect_error(lambda: client.delete_connection(connectionId=conn_id), CLIENT_ERR, contains=NOT_FOUND)
    assert describe_connection(partner, conn_id)["connectionState"] == "available"


def test_unknown_connection_id(dx, proto):
    client = dx(PARTNER, proto)
    err = expect_error(lambda: client.describe_connections(connectionId=UNKNOWN_CONNECTION),
                       CLIENT_ERR, contains=[NOT_FOUND, UNKNOWN_CONNECTION])
    assert err.response["ResponseMetadata"].get("RequestId")
    expect_error(lambda: client.delete_connection(connectionId=UNKNOWN_CONNECTION),
                 CLIENT_ERR, contains=NOT_FOUND)


# -- validation -------------------------------------------------------------------

def test_unknown_location(dx, proto):
    client = dx(PARTNER, proto)
    expect_error(lambda: client.create_connection(location="NoSuchSite", bandwidth="10Gbps",
                                                  connectionName="x"), CLIENT_ERR)
    assert connection_ids(client) == []


def test_location_of_another_region(dx, proto):
    client = dx(PARTNER, proto)
    west_code, bandwidth = pick_location(dx(PARTNER, proto, "us-west-2"))
    expect_error(lambda: client.create_connection(location=west_code, bandwidth=bandwidth,
                                                  connectionName="x"), CLIENT_ERR)
    assert connection_ids(client) == []


@pytest.mark.parametrize("bandwidth", ["3Gbps", "banana", "10G", "", "10gbps"])
def test_bad_bandwidth(dx, proto, bandwidth):
    client = dx(PARTNER, proto)
    location, _ = pick_location(client)
    expect_error(lambda: client.create_connection(location=location, bandwidth=bandwidth,
                                                  connectionName="x"), CLIENT_ERR)
    assert connection_ids(client) == []


def test_bandwidth_not_offered_at_location(dx, proto):
    client = dx(PARTNER, proto)
    gaps = [(loc["locationCode"], speed)
            for loc in client.describe_locations()["locations"]
            for speed in ("1G", "10G", "100G", "400G") if speed not in loc["availablePortSpeeds"]]
    # The seeded catalogue has sites without 400G ports.
    assert gaps
    location, speed = gaps[0]
    expect_error(lambda: client.create_connection(
        location=location, bandwidth=speed + "bps", connectionName="x"), CLIENT_ERR)
    assert connection_ids(client) == []


def test_connection_quota_per_location(dx, proto):
    client = dx(PARTNER, proto)
    location, bandwidth = pick_location(client)
    ids = [client.create_connection(location=location, bandwidth=bandwidth,
                                    connectionName=f"c{i}")["connectionId"] for i in range(10)]
    expect_error(lambda: client.create_connection(location=location, bandwidth=bandwidth,
                                                  connectionName="c10"), CLIENT_ERR)
    assert sorted(connection_ids(client)) == sorted(ids)
    # The quota is per location and per account ...
    other_location, other_bw = pick_location(client, index=1)
    client.create_connection(location=other_location, bandwidth=other_bw, connectionName="elsewhere")
    dx(THIRD, proto).create_connection(location=location, bandwidth=bandwidth, connectionName="theirs")
    # ... and counts live connections only.
    client.delete_connection(connectionId=ids[0])
    client.create_connection(location=location, bandwidth=bandwidth, connectionName="again")


# -- deletion with VIFs ------------------------------------------------------------

def test_delete_connection_with_vif_is_refused(dx, proto):
    partner = dx(PARTNER, proto)
    conn_id = available_connection(partner)
    vif_id = allocate(partner, conn_id, vlan=10)["virtualInterfaceId"]
    expect_error(lambda: partner.delete_connection(connectionId=conn_id), CLIENT_ERR)
    assert describe_connection(partner, conn_id)["connectionState"] == "available"
    assert describe_vif(partner, vif_id)["virtualInterfaceState"] == "confirming"
    # Once the VIF is gone the connection can go.
    assert partner.delete_virtual_interface(virtualInterfaceId=vif_id)["virtualInterfaceState"] == "deleting"
    assert describe_vif(partner, vif_id)["virtualInterfaceState"] == "deleted"
    assert partner.delete_connection(connectionId=conn_id)["connectionState"] == "deleted"


# -- VIFs on the caller's own connection -------------------------------------------

def test_create_private_vif_on_vgw(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    vgw = create_vgw(ec2(CUSTOMER), asn=65010)
    vif = client.create_private_virtual_interface(
        connectionId=conn_id,
        newPrivateVirtualInterface={"virtualInterfaceName": "mine", "vlan": 42, "asn": 65000,
                                    "virtualGatewayId": vgw["VpnGatewayId"]})
    assert vif["virtualInterfaceState"] == "pending"
    assert vif["ownerAccount"] == CUSTOMER
    assert vif["virtualGatewayId"] == vgw["VpnGatewayId"]
    assert vif["directConnectGatewayId"] == ""
    assert vif["amazonSideAsn"] == 65010
    assert vif["bgpPeers"][0]["bgpPeerState"] == "pending"
    settled = describe_vif(client, vif["virtualInterfaceId"])
    assert settled["virtualInterfaceState"] == "available"


def test_create_private_vif_on_dxgw(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    dxgw_id = create_dxgw(client, asn=4200000000)["directConnectGatewayId"]
    vif = client.create_private_virtual_interface(
        connectionId=conn_id,
        newPrivateVirtualInterface={"virtualInterfaceName": "mine", "vlan": 43, "asn": 65000,
                                    "directConnectGatewayId": dxgw_id, "mtu": 9001})
    assert vif["virtualInterfaceState"] == "pending"
    assert vif["directConnectGatewayId"] == dxgw_id
    assert vif["virtualGatewayId"] == ""
    assert vif["amazonSideAsn"] == 4200000000
    assert vif["mtu"] == 9001
    atts = client.describe_direct_connect_gateway_attachments(
        directConnectGatewayId=dxgw_id)["directConnectGatewayAttachments"]
    assert [(a["virtualInterfaceId"], a["attachmentState"], a["attachmentType"]) for a in atts] == [
        (vif["virtualInterfaceId"], "attached", "PrivateVirtualInterface")]


def test_create_private_vif_needs_exactly_one_gateway(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    vgw_id = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    dxgw_id = create_dxgw(client)["directConnectGatewayId"]
    base = {"virtualInterfaceName": "x", "vlan": 44, "asn": 65000}
    for extra in ({}, {"virtualGatewayId": vgw_id, "directConnectGatewayId": dxgw_id}):
        expect_error(lambda: client.create_private_virtual_interface(
            connectionId=conn_id, newPrivateVirtualInterface={**base, **extra}), CLIENT_ERR)
    assert vif_ids(client) == []


def test_create_private_vif_on_someone_elses_connection(dx, ec2, proto):
    partner_conn = available_connection(dx(PARTNER, proto))
    client = dx(CUSTOMER, proto)
    vgw_id = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    expect_error(lambda: client.create_private_virtual_interface(
        connectionId=partner_conn,
        newPrivateVirtualInterface={"virtualInterfaceName": "x", "vlan": 44, "asn": 65000,
                                    "virtualGatewayId": vgw_id}),
        CLIENT_ERR, contains=NOT_FOUND)


@pytest.mark.parametrize("mtu", [1400, 8500, 9000])
def test_private_vif_mtu(dx, ec2, proto, mtu):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    vgw_id = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    expect_error(lambda: client.create_private_virtual_interface(
        connectionId=conn_id,
        newPrivateVirtualInterface={"virtualInterfaceName": "x", "vlan": 45, "asn": 65000, "mtu": mtu,
                                    "virtualGatewayId": vgw_id}), CLIENT_ERR)


# -- allocation rules --------------------------------------------------------------

def test_allocate_to_connection_owner(dx, proto):
    partner = dx(PARTNER, proto)
    conn_id = available_connection(partner)
    expect_error(lambda: allocate(partner, conn_id, vlan=10, owner=PARTNER),
                 CLIENT_ERR, "Cannot allocate VirtualInterface for the connection owner.")
    assert vif_ids(partner) == []


def test_allocate_on_someone_elses_connection(dx, proto):
    conn_id = available_connection(dx(PARTNER, proto))
    third = dx(THIRD, proto)
    expect_error(lambda: allocate(third, conn_id, vlan=10, owner=CUSTOMER), CLIENT_ERR, contains=NOT_FOUND)


def test_allocate_on_unknown_connection(dx, proto):
    expect_error(lambda: allocate(dx(PARTNER, proto), UNKNOWN_CONNECTION, vlan=10),
                 CLIENT_ERR, contains=NOT_FOUND)


@pytest.mark.parametrize("owner", ["12345", "abcdefghijkl", ""])
def test_allocate_to_malformed_account(dx, proto, owner):
    partner = dx(PARTNER, proto)
    conn_id = available_connection(partner)
    expect_error(lambda: allocate(partner, conn_id, vlan=10, owner=owner), CLIENT_ERR)


@pytest.mark.parametrize("vlan", [0, 4095, -1])
def test_vlan_out_of_range(dx, proto, vlan):
    partner = dx(PARTNER, proto)
    conn_id = available_connection(partner)
    expect_error(lambda: allocate(partner, conn_id, vlan=vlan), CLIENT_ERR)
    assert vif_ids(partner) == []


def test_vlan_unique_per_connection(dx, proto):
    partner = dx(PARTNER, proto)
    conn_a = available_connection(partner, "a")
    conn_b = available_connection(partner, "b")
    first = allocate(partner, conn_a, vlan=100)["virtualInterfaceId"]
    expect_error(lambda: allocate(partner, conn_a, vlan=100, owner=THIRD), CLIENT_ERR)
    # The same VLAN on another connection is fine.
    allocate(partner, conn_b, vlan=100)
    # And it is free again once the VIF holding it is deleted.
    partner.delete_virtual_interface(virtualInterfaceId=first)
    assert describe_vif(partner, first)["virtualInterfaceState"] == "deleted"
    allocate(partner, conn_a, vlan=100)


def test_allocate_requires_an_asn(dx, proto):
    partner = dx(PARTNER, proto)
    conn_id = available_connection(partner)
    expect_error(lambda: partner.allocate_private_virtual_interface(
        connectionId=conn_id, ownerAccount=CUSTOMER,
        newPrivateVirtualInterfaceAllocation={"virtualInterfaceName": "x", "vlan": 9}), CLIENT_ERR)


def test_allocate_with_only_one_address(dx, proto):
    partner = dx(PARTNER, proto)
    conn_id = available_connection(partner)
    expect_error(lambda: allocate(partner, conn_id, vlan=9, amazonAddress="192.168.1.1/30"), CLIENT_ERR)


def test_four_byte_asn_in_asn_field(dx, proto):
    partner = dx(PARTNER, proto)
    conn_id = available_connection(partner)
    expect_error(lambda: allocate(partner, conn_id, vlan=9, asn=4200000001), CLIENT_ERR)


# -- DeleteVirtualInterface --------------------------------------------------------

def test_delete_vif_then_gone_after_tail(server, dx, ec2, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_id = available_connection(partner)
    vif_id = allocate(partner, conn_id, vlan=10)["virtualInterfaceId"]
    vgw_id = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    customer.confirm_private_virtual_interface(virtualInterfaceId=vif_id, virtualGatewayId=vgw_id)
    assert describe_vif(customer, vif_id)["virtualInterfaceState"] == "available"

    resp = customer.delete_virtual_interface(virtualInterfaceId=vif_id)
    assert resp["virtualInterfaceState"] == "deleting"
    assert set(resp) - {"ResponseMetadata"} == {"virtualInterfaceState"}
    deleted = describe_vif(customer, vif_id)
    assert deleted["virtualInterfaceState"] == "deleted"
    assert all(p["bgpPeerState"] == "deleted" for p in deleted["bgpPeers"])
    assert describe_vif(partner, vif_id)["virtualInterfaceState"] == "deleted"
    assert vif_id in vif_ids(customer)
    # Deleting again: it no longer exists as far as deletion is concerned.
    expect_error(lambda: customer.delete_virtual_interface(virtualInterfaceId=vif_id),
                 CLIENT_ERR, contains="does not exist")

    server.advance(14 * 60)
    assert describe_vif(customer, vif_id)["virtualInterfaceState"] == "deleted"
    server.advance(2 * 60)
    assert customer.describe_virtual_interfaces(virtualInterfaceId=vif_id)["virtualInterfaces"] == []
    assert vif_id not in vif_ids(customer)
    assert vif_id not in vif_ids(partner)


def test_connection_owner_may_delete_hosted_vif(dx, ec2, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_id = available_connection(partner)
    vif_id = allocate(partner, conn_id, vlan=10)["virtualInterfaceId"]
    vgw_id = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    customer.confirm_private_virtual_interface(virtualInterfaceId=vif_id, virtualGatewayId=vgw_id)
    assert partner.delete_virtual_interface(virtualInterfaceId=vif_id)["virtualInterfaceState"] == "deleting"
    assert describe_vif(customer, vif_id)["virtualInterfaceState"] == "deleted"


def test_third_party_cannot_delete_vif(dx, proto):
    partner = dx(PARTNER, proto)
    conn_id = available_connection(partner)
    vif_id = allocate(partner, conn_id, vlan=10)["virtualInterfaceId"]
    expect_error(lambda: dx(THIRD, proto).delete_virtual_interface(virtualInterfaceId=vif_id),
                 CLIENT_ERR, contains="does not exist")
    assert describe_vif(partner, vif_id)["virtualInterfaceState"] == "confirming"


def test_delete_unknown_vif(dx, proto):
    expect_error(lambda: dx(CUSTOMER, proto).delete_virtual_interface(virtualInterfaceId=UNKNOWN_VIF),
                 CLIENT_ERR, contains=[UNKNOWN_VIF, "does not exist"])


def test_delete_vif_detaches_from_dxgw(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_id = available_connection(partner)
    vif_id = allocate(partner, conn_id, vlan=10)["virtualInterfaceId"]
    dxgw_id = create_dxgw(customer)["directConnectGatewayId"]
    customer.confirm_private_virtual_interface(virtualInterfaceId=vif_id, directConnectGatewayId=dxgw_id)
    customer.delete_virtual_interface(virtualInterfaceId=vif_id)
    atts = customer.describe_direct_connect_gateway_attachments(
        directConnectGatewayId=dxgw_id)["directConnectGatewayAttachments"]
    assert [a["attachmentState"] for a in atts] in ([], ["detached"])


# -- DescribeVirtualInterfaces filters -----------------------------------------------

def test_describe_vifs_filters(dx, proto):
    partner = dx(PARTNER, proto)
    conn_a = available_connection(partner, "a")
    conn_b = available_connection(partner, "b")
    a = allocate(partner, conn_a, vlan=10)["virtualInterfaceId"]
    b = allocate(partner, conn_b, vlan=10)["virtualInterfaceId"]
    assert vif_ids(partner, connectionId=conn_a) == [a]
    assert vif_ids(partner, connectionId=conn_b) == [b]
    assert sorted(vif_ids(partner)) == sorted([a, b])
    assert sorted(vif_ids(dx(CUSTOMER, proto))) == sorted([a, b])
    assert vif_ids(partner, connectionId=UNKNOWN_CONNECTION) == []
    assert vif_ids(partner, virtualInterfaceId=UNKNOWN_VIF) == []
    # VIFs are regional.
    assert vif_ids(dx(PARTNER, proto, "us-west-2")) == []


# -- more VIF validation ---------------------------------------------------------------

def test_vif_quota_per_connection(dx, proto):
    partner = dx(PARTNER, proto)
    conn_id = available_connection(partner)
    for i in range(50):
        allocate(partner, conn_id, vlan=10 + i)
    expect_error(lambda: allocate(partner, conn_id, vlan=99), CLIENT_ERR, contains=["50", conn_id])
    assert len(vif_ids(partner, connectionId=conn_id)) == 50


def test_vgw_must_be_in_the_calling_region(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    west_vgw = create_vgw(ec2(CUSTOMER, "us-west-2"))["VpnGatewayId"]
    expect_error(lambda: client.create_private_virtual_interface(
        connectionId=conn_id,
        newPrivateVirtualInterface={"virtualInterfaceName": "x", "vlan": 3, "asn": 65000,
                                    "virtualGatewayId": west_vgw}),
        CLIENT_ERR, f"The VirtualGateway {west_vgw} does not exist.")
    assert vif_ids(client) == []


def test_ipv6_addresses_are_assigned_not_chosen(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    dxgw_id = create_dxgw(client)["directConnectGatewayId"]
    base = {"virtualInterfaceName": "v6", "vlan": 6, "asn": 65000, "addressFamily": "ipv6",
            "directConnectGatewayId": dxgw_id}
    expect_error(lambda: client.create_private_virtual_interface(
        connectionId=conn_id, newPrivateVirtualInterface={
            **base, "amazonAddress": "2001:db8::1/125", "customerAddress": "2001:db8::2/125"}), CLIENT_ERR)
    vif = client.create_private_virtual_interface(connectionId=conn_id, newPrivateVirtualInterface=base)
    assert vif["addressFamily"] == "ipv6"
    assert vif["amazonAddress"].endswith("/125") and vif["customerAddress"].endswith("/125")
    assert vif["amazonAddress"] != vif["customerAddress"]


@pytest.mark.parametrize("field,value", [("authKey", "abc"), ("authKey", "k" * 81),
                                         ("virtualInterfaceName", ""), ("virtualInterfaceName", "n" * 101)])
def test_vif_field_lengths(dx, proto, field, value):
    partner = dx(PARTNER, proto)
    conn_id = available_connection(partner)
    expect_error(lambda: allocate(partner, conn_id, vlan=9, **{field: value}), CLIENT_ERR)
    assert vif_ids(partner) == []


def test_rejected_vif_disappears_after_tail(server, dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_id = available_connection(partner)
    vif_id = allocate(partner, conn_id, vlan=10)["virtualInterfaceId"]
    assert customer.delete_virtual_interface(virtualInterfaceId=vif_id)["virtualInterfaceState"] == "rejected"
    expect_error(lambda: partner.delete_virtual_interface(virtualInterfaceId=vif_id),
                 CLIENT_ERR, contains="does not exist")
    server.advance(16 * 60)
    assert vif_ids(customer, virtualInterfaceId=vif_id) == []
    assert vif_ids(partner) == []


def test_customer_can_filter_by_the_partners_connection(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_id = available_connection(partner)
    vif_id = allocate(partner, conn_id, vlan=10)["virtualInterfaceId"]
    assert vif_ids(customer, connectionId=conn_id) == [vif_id]
    assert vif_ids(dx(THIRD, proto), connectionId=conn_id) == []


def test_deleted_connection_disappears_after_tail(server, dx, proto):
    client = dx(PARTNER, proto)
    conn_id = create_connection(client)["connectionId"]
    client.delete_connection(connectionId=conn_id)
    assert describe_connection(client, conn_id)["connectionState"] == "deleted"
    server.advance(16 * 60)
    assert connection_ids(client) == []
    expect_error(lambda: client.describe_connections(connectionId=conn_id), CLIENT_ERR, contains=NOT_FOUND)


def test_allocate_on_deleted_connection(dx, proto):
    partner = dx(PARTNER, proto)
    conn_id = available_connection(partner)
    partner.delete_connection(connectionId=conn_id)
    expect_error(lambda: allocate(partner, conn_id, vlan=10), CLIENT_ERR)


# -- paging -----------------------------------------------------------------------------

def test_paging(dx, proto):
    partner = dx(PARTNER, proto)
    conn_ids = [create_connection(partner, f"c{i}")["connectionId"] for i in range(5)]
    seen, token, pages = [], None, 0
    while True:
        kw = {"maxResults": 2}
        if token:
            kw["nextToken"] = token
        page = partner.describe_connections(**kw)
        assert len(page["connections"]) <= 2
        seen += [c["connectionId"] for c in page["connections"]]
        pages += 1
        token = page.get("nextToken")
        if not token:
            break
    assert seen == conn_ids  # creation order, nothing twice
    assert pages == 3
    # Without maxResults everything comes back at once.
    page = partner.describe_connections()
    assert [c["connectionId"] for c in page["connections"]] == conn_ids
    assert "nextToken" not in page


def test_paging_tokens_are_bound_to_their_query(dx, proto):
    partner = dx(PARTNER, proto)
    for i in range(3):
        create_connection(partner, f"c{i}")
    token = partner.describe_connections(maxResults=1)["nextToken"]
    expect_error(lambda: partner.describe_connections(nextToken="garbage"), CLIENT_ERR, contains="nextToken")
    expect_error(lambda: partner.describe_virtual_interfaces(maxResults=1, nextToken=token), CLIENT_ERR)
    expect_error(lambda: dx(THIRD, proto).describe_connections(maxResults=1, nextToken=token), CLIENT_ERR)
    expect_error(lambda: partner.describe_connections(maxResults=0), CLIENT_ERR)


def test_vif_paging(dx, proto):
    partner = dx(PARTNER, proto)
    conn_id = available_connection(partner)
    ids = [allocate(partner, conn_id, vlan=10 + i)["virtualInterfaceId"] for i in range(5)]
    first = partner.describe_virtual_interfaces(maxResults=3)
    second = partner.describe_virtual_interfaces(maxResults=3, nextToken=first["nextToken"])
    got = [v["virtualInterfaceId"] for v in first["virtualInterfaces"] + second["virtualInterfaces"]]
    assert got == ids
    assert "nextToken" not in second
