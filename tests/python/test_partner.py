"""The partner side of Direct Connect: interconnects, the hosted connections a
partner allocates on them for its customers, the customer's answer
(ConfirmConnection or DeleteConnection), moving hosted connections between
parents, and UpdateConnection.
"""

import pytest

from support import (
    CONNECTION_ID_RE, CUSTOMER, PARTNER, REGION, THIRD, UNKNOWN_CONNECTION, create_connection,
    create_vgw, describe_connection, describe_vif, expect_error, pick_location, raw, vif_ids,
)
from support_ports import (
    CLIENT_ERR, CONNECTION_NOT_FOUND, DEVICE_FIELDS, INTERCONNECT_NOT_FOUND, UNKNOWN_INTERCONNECT,
    allocate_hosted, available_interconnect, describe_interconnect, describe_lag, device_fields,
    hosted_not_found, hosted_on, member_ids, port_fault,
)
from support_vifs import private_on_vgw


def connection_ids(dx):
    return [c["connectionId"] for c in dx.describe_connections()["connections"]]


def interconnect_ids(dx):
    return [i["interconnectId"] for i in dx.describe_interconnects()["interconnects"]]


def private_spec(vgw_id: str, vlan: int) -> dict:
    return {"virtualInterfaceName": f"private-{vlan}", "vlan": vlan, "asn": 65000,
            "virtualGatewayId": vgw_id}


def confirmed_hosted(partner, customer, parent_id: str, vlan: int, **kw) -> str:
    """A hosted connection the customer has accepted, settled to `available`."""
    conn_id = allocate_hosted(partner, parent_id, vlan, **kw)["connectionId"]
    assert customer.confirm_connection(connectionId=conn_id)["connectionState"] == "pending"
    assert describe_connection(customer, conn_id)["connectionState"] == "available"
    return conn_id


# -- interconnects -------------------------------------------------------------------

def test_create_describe_interconnect(dx, proto):
    partner = dx(PARTNER, proto)
    location, bandwidth = pick_location(partner, "1G")
    ic = partner.create_interconnect(interconnectName="ic-1", bandwidth=bandwidth, location=location)
    ic_id = ic["interconnectId"]
    assert CONNECTION_ID_RE.match(ic_id)
    assert (ic["interconnectState"], ic["interconnectName"], ic["location"], ic["bandwidth"],
            ic["region"]) == ("requested", "ic-1", location, bandwidth, REGION)
    # Not provisioned yet: no device.
    assert device_fields(ic) == {}

    settled = describe_interconnect(partner, ic_id)
    assert settled["interconnectState"] == "available"
    assert settled["awsDeviceV2"].startswith(location + "-")
    assert settled["hasLogicalRedundancy"] == "yes"
    assert interconnect_ids(partner) == [ic_id]
    # Interconnects have their own Describe; DescribeConnections leaves them out.
    assert connection_ids(partner) == []
    expect_error(lambda: partner.describe_connections(connectionId=ic_id), CLIENT_ERR,
                 f"{CONNECTION_NOT_FOUND} {ic_id}")


def test_interconnect_wire_shape_has_no_owner(server, dx, proto):
    # botocore drops members its model lacks, so only the raw body shows
    # whether the server invented an owner for the Interconnect shape.
    location, bandwidth = pick_location(dx(PARTNER, proto), "1G")
    resp = raw(proto, server.url, "CreateInterconnect",
               {"interconnectName": "raw", "bandwidth": bandwidth, "location": location},
               account=PARTNER)
    assert resp.status == 200, resp.body[:300]
    created = resp.data()
    assert created["interconnectState"] == "requested"
    for member in ("ownerAccount", "vlan", "partnerName", "billingMode", "rateLimiterStatus",
                   "prefixPoolSizeIpv4", *DEVICE_FIELDS):
        assert member not in created, member
    resp = raw(proto, server.url, "DescribeInterconnects",
               {"interconnectId": created["interconnectId"]}, account=PARTNER)
    assert resp.status == 200, resp.body[:300]
    [described] = resp.data()["interconnects"]
    assert described["interconnectState"] == "available"
    assert "ownerAccount" not in described
    assert described["awsDevice"].startswith(location + "-")


def test_interconnects_are_private_to_their_owner(dx, proto):
    partner, third = dx(PARTNER, proto), dx(THIRD, proto)
    ic_id = available_interconnect(partner)
    assert interconnect_ids(third) == []
    assert interconnect_ids(dx(PARTNER, proto, "us-west-2")) == []
    for client in (third, dx(PARTNER, proto, "us-west-2")):
        expect_error(lambda: client.describe_interconnects(interconnectId=ic_id), CLIENT_ERR,
                     f"{INTERCONNECT_NOT_FOUND} {ic_id}")
        expect_error(lambda: client.delete_interconnect(interconnectId=ic_id), CLIENT_ERR,
                     f"{INTERCONNECT_NOT_FOUND} {ic_id}")
    assert describe_interconnect(partner, ic_id)["interconnectState"] == "available"


def test_describe_unknown_interconnect(dx, proto):
    partner = dx(PARTNER, proto)
    expect_error(lambda: partner.describe_interconnects(interconnectId=UNKNOWN_INTERCONNECT),
                 CLIENT_ERR, f"{INTERCONNECT_NOT_FOUND} {UNKNOWN_INTERCONNECT}")
    # A dedicated connection is not an interconnect.
    conn_id = create_connection(partner)["connectionId"]
    expect_error(lambda: partner.describe_interconnects(interconnectId=conn_id),
                 CLIENT_ERR, f"{INTERCONNECT_NOT_FOUND} {conn_id}")


def test_create_interconnect_validation(dx, proto):
    partner = dx(PARTNER, proto)
    location, _ = pick_location(partner, "1G")
    expect_error(lambda: partner.create_interconnect(
        interconnectName="x", bandwidth="1Gbps", location="NoSuchSite"), CLIENT_ERR, contains="NoSuchSite")
    expect_error(lambda: partner.create_interconnect(
        interconnectName="x", bandwidth="3Gbps", location=location), CLIENT_ERR, contains="3Gbps")
    assert interconnect_ids(partner) == []


# -- the acceptance flow ---------------------------------------------------------------

def test_hosted_connection_acceptance_flow(dx, ec2, proto):
    partner, customer, third = dx(PARTNER, proto), dx(CUSTOMER, proto), dx(THIRD, proto)

    # -- the partner's interconnect ------------------------------------------------
    location, bandwidth = pick_location(partner, "1G")
    ic = partner.create_interconnect(interconnectName="partner-ic", bandwidth=bandwidth, location=location)
    ic_id = ic["interconnectId"]
    assert ic["interconnectState"] == "requested"
    assert "ownerAccount" not in ic
    assert describe_interconnect(partner, ic_id)["interconnectState"] == "available"

    # -- allocation to the customer --------------------------------------------------
    hosted = partner.allocate_hosted_connection(
        connectionId=ic_id, ownerAccount=CUSTOMER, bandwidth="500Mbps",
        connectionName="customer-500", vlan=301)
    hc_id = hosted["connectionId"]
    assert CONNECTION_ID_RE.match(hc_id) and hc_id != ic_id
    assert (hosted["connectionState"], hosted["vlan"], hosted["ownerAccount"], hosted["bandwidth"],
            hosted["connectionName"], hosted["location"], hosted["region"]) == (
        "ordering", 301, CUSTOMER, "500Mbps", "customer-500", location, REGION)
    # [choice] the partner name defaults to the location code.
    assert hosted["partnerName"] == location
    assert "lagId" not in hosted
    assert device_fields(hosted) == {}

    # -- who sees it ----------------------------------------------------------------
    mine = describe_connection(customer, hc_id)
    assert (mine["connectionState"], mine["vlan"], mine["ownerAccount"]) == ("ordering", 301, CUSTOMER)
    assert connection_ids(customer) == [hc_id]
    assert hosted_on(partner, ic_id) == {hc_id: "ordering"}
    [seen] = partner.describe_hosted_connections(connectionId=ic_id)["connections"]
    assert (seen["ownerAccount"], seen["vlan"], seen["bandwidth"]) == (CUSTOMER, 301, "500Mbps")
    # The partner is not its owner: its own connection list stays empty.
    assert connection_ids(partner) == []
    expect_error(lambda: third.describe_connections(connectionId=hc_id), CLIENT_ERR,
                 f"{CONNECTION_NOT_FOUND} {hc_id}")
    assert connection_ids(third) == []
    expect_error(lambda: third.describe_hosted_connections(connectionId=ic_id), CLIENT_ERR,
                 hosted_not_found(THIRD, ic_id))

    # -- the customer accepts ----------------------------------------------------------
    confirmed = customer.confirm_connection(connectionId=hc_id)
    assert set(confirmed) - {"ResponseMetadata"} == {"connectionState"}
    assert confirmed["connectionState"] == "pending"
    settled = describe_connection(customer, hc_id)
    assert settled["connectionState"] == "available"
    assert settled["awsDeviceV2"].startswith(location + "-")

    # -- a VIF on it: exactly the partner's VLAN, and only one -----------------------------
    vgw_id = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    expect_error(lambda: customer.create_private_virtual_interface(
        connectionId=hc_id, newPrivateVirtualInterface=private_spec(vgw_id, 302)),
        CLIENT_ERR, f"VLAN 302 does not match VLAN 301 of hosted connection {hc_id}")
    assert vif_ids(customer) == []
    vif = customer.create_private_virtual_interface(
        connectionId=hc_id, newPrivateVirtualInterface=private_spec(vgw_id, 301))
    vif_id = vif["virtualInterfaceId"]
    assert (vif["connectionId"], vif["vlan"], vif["virtualInterfaceState"]) == (hc_id, 301, "pending")
    assert describe_vif(customer, vif_id)["virtualInterfaceState"] == "available"
    other_vgw = create_vgw(ec2(CUSTOMER), cidr="10.1.0.0/16")["VpnGatewayId"]
    expect_error(lambda: customer.create_private_virtual_interface(
        connectionId=hc_id, newPrivateVirtualInterface=private_spec(other_vgw, 301)),
        CLIENT_ERR, contains=hc_id)
    assert vif_ids(customer, connectionId=hc_id) == [vif_id]

    # -- the partner still sees its hosted connection ----------------------------------------
    assert hosted_on(partner, ic_id) == {hc_id: "available"}
    assert describe_interconnect(partner, ic_id)["interconnectState"] == "available"


def test_hosted_connection_tags_stay_with_the_customer(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    ic_id = available_interconnect(partner)
    hc_id = allocate_hosted(partner, ic_id, 301, tags=[{"key": "team", "value": "net"}])["connectionId"]
    assert describe_connection(customer, hc_id)["tags"] == [{"key": "team", "value": "net"}]
    # The partner cannot view the customer's tags (resources.md §0.4).
    [seen] = partner.describe_hosted_connections(connectionId=ic_id)["connections"]
    assert seen.get("tags", []) == []


def test_hosted_connection_reports_the_parents_macsec_capability(dx, proto):
    partner = dx(PARTNER, proto)
    location, _ = pick_location(partner, "10G")
    plain = available_interconnect(partner, "plain", "10G")
    secure = partner.create_interconnect(interconnectName="secure", bandwidth="10Gbps",
                                         location=location, requestMACSec=True)["interconnectId"]
    assert describe_interconnect(partner, secure)["macSecCapable"] is True
    on_plain = allocate_hosted(partner, plain, 301)
    on_secure = allocate_hosted(partner, secure, 302)
    assert on_plain["partnerInterconnectMacSecCapable"] is False
    assert on_secure["partnerInterconnectMacSecCapable"] is True
    # MACsec itself is not offered on hosted connections.
    assert on_secure["macSecCapable"] is False


# -- allocation rules ---------------------------------------------------------------------

def test_allocate_to_the_interconnect_owner(dx, proto):
    partner = dx(PARTNER, proto)
    ic_id = available_interconnect(partner)
    expect_error(lambda: allocate_hosted(partner, ic_id, 301, owner=PARTNER), CLIENT_ERR,
                 f"Cannot allocate Connection for the interconnect owner {PARTNER}.")
    expect_error(lambda: partner.allocate_connection_on_interconnect(
        interconnectId=ic_id, ownerAccount=PARTNER, bandwidth="500Mbps", connectionName="self", vlan=301),
        CLIENT_ERR, f"Cannot allocate Connection for the interconnect owner {PARTNER}.")
    assert hosted_on(partner, ic_id) == {}
    assert connection_ids(partner) == []


def test_allocate_connection_on_interconnect(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    ic_id = available_interconnect(partner)
    location, _ = pick_location(partner, "1G")
    conn = partner.allocate_connection_on_interconnect(
        interconnectId=ic_id, ownerAccount=CUSTOMER, bandwidth="200Mbps", connectionName="legacy", vlan=77)
    hc_id = conn["connectionId"]
    assert (conn["connectionState"], conn["vlan"], conn["ownerAccount"], conn["bandwidth"],
            conn["location"], conn["partnerName"]) == ("ordering", 77, CUSTOMER, "200Mbps", location, location)
    assert describe_connection(customer, hc_id)["connectionState"] == "ordering"
    on_ic = partner.describe_connections_on_interconnect(interconnectId=ic_id)
    assert [(c["connectionId"], c["vlan"], c["ownerAccount"]) for c in on_ic["connections"]] == [
        (hc_id, 77, CUSTOMER)]
    # Both Describe forms list the same hosted connections.
    assert hosted_on(partner, ic_id) == {hc_id: "ordering"}
    expect_error(lambda: dx(THIRD, proto).describe_connections_on_interconnect(interconnectId=ic_id),
                 CLIENT_ERR, contains=ic_id)


def test_allocate_connection_on_interconnect_has_no_25g(dx, proto):
    partner = dx(PARTNER, proto)
    ic_id = available_interconnect(partner, "big", "100G")
    expect_error(lambda: partner.allocate_connection_on_interconnect(
        interconnectId=ic_id, ownerAccount=CUSTOMER, bandwidth="25Gbps", connectionName="x", vlan=5),
        CLIENT_ERR, "Bandwidth 25Gbps is not available through AllocateConnectionOnInterconnect")
    assert hosted_on(partner, ic_id) == {}
    # The current operation offers it (any account counts as a qualified partner by default).
    assert allocate_hosted(partner, ic_id, 5, bandwidth="25Gbps")["bandwidth"] == "25Gbps"


def test_vlan_clash_on_the_parent(dx, proto):
    partner = dx(PARTNER, proto)
    ic_a = available_interconnect(partner, "a")
    ic_b = available_interconnect(partner, "b")
    first = allocate_hosted(partner, ic_a, 301)["connectionId"]
    expect_error(lambda: allocate_hosted(partner, ic_a, 301, owner=THIRD), CLIENT_ERR,
                 f"VLAN 301 is already in use on {ic_a} by hosted connection {first}")
    expect_error(lambda: partner.allocate_connection_on_interconnect(
        interconnectId=ic_a, ownerAccount=THIRD, bandwidth="500Mbps", connectionName="x", vlan=301),
        CLIENT_ERR, f"VLAN 301 is already in use on {ic_a} by hosted connection {first}")
    assert hosted_on(partner, ic_a) == {first: "ordering"}
    assert connection_ids(dx(THIRD, proto)) == []
    # The same VLAN on another interconnect is fine ...
    allocate_hosted(partner, ic_b, 301, owner=THIRD)
    # ... and it is free again once the first holder is gone.
    assert partner.delete_connection(connectionId=first)["connectionState"] == "deleted"
    allocate_hosted(partner, ic_a, 301, owner=THIRD)


def test_bandwidth_rules(dx, proto):
    partner = dx(PARTNER, proto)
    ic_id = available_interconnect(partner, speed="1G")
    expect_error(lambda: allocate_hosted(partner, ic_id, 10, bandwidth="2Gbps"), CLIENT_ERR,
                 f"Bandwidth 2Gbps exceeds the 1Gbps of {ic_id}")
    expect_error(lambda: allocate_hosted(partner, ic_id, 10, bandwidth="3Gbps"), CLIENT_ERR,
                 "Bandwidth 3Gbps is not available for hosted connections")
    expect_error(lambda: allocate_hosted(partner, ic_id, 10, bandwidth="500mbps"), CLIENT_ERR,
                 contains="500mbps")
    assert hosted_on(partner, ic_id) == {}
    # Up to the parent's own bandwidth is fine.
    assert allocate_hosted(partner, ic_id, 10, bandwidth="1Gbps")["bandwidth"] == "1Gbps"
    assert allocate_hosted(partner, ic_id, 11, bandwidth="50Mbps")["bandwidth"] == "50Mbps"


@pytest.mark.parametrize("vlan", [0, 4095])
def test_vlan_out_of_range(dx, proto, vlan):
    partner = dx(PARTNER, proto)
    ic_id = available_interconnect(partner)
    expect_error(lambda: allocate_hosted(partner, ic_id, vlan), CLIENT_ERR, contains=str(vlan))
    assert hosted_on(partner, ic_id) == {}


@pytest.mark.parametrize("owner", ["12345", "abcdefghijkl"])
def test_allocate_to_malformed_account(dx, proto, owner):
    partner = dx(PARTNER, proto)
    ic_id = available_interconnect(partner)
    expect_error(lambda: allocate_hosted(partner, ic_id, 301, owner=owner), CLIENT_ERR, contains=owner)
    assert hosted_on(partner, ic_id) == {}


def test_allocate_on_someone_elses_or_unknown_parent(dx, proto):
    ic_id = available_interconnect(dx(PARTNER, proto))
    third = dx(THIRD, proto)
    for parent in (ic_id, UNKNOWN_INTERCONNECT):
        expect_error(lambda: allocate_hosted(third, parent, 301), CLIENT_ERR, contains=parent)
    assert hosted_on(dx(PARTNER, proto), ic_id) == {}
    assert connection_ids(dx(CUSTOMER, proto)) == []


def test_allocate_on_a_dedicated_connection(dx, proto):
    # Hosted connections hang off interconnects and LAGs only.
    partner = dx(PARTNER, proto)
    conn_id = create_connection(partner)["connectionId"]
    assert describe_connection(partner, conn_id)["connectionState"] == "available"
    expect_error(lambda: allocate_hosted(partner, conn_id, 301), CLIENT_ERR, contains=conn_id)
    assert connection_ids(dx(CUSTOMER, proto)) == []


# -- DescribeHostedConnections ------------------------------------------------------------

def test_describe_hosted_connections_on_a_non_parent(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    ic_id = available_interconnect(partner)
    hc_id = allocate_hosted(partner, ic_id, 301)["connectionId"]
    dedicated = create_connection(partner)["connectionId"]
    for target in (hc_id, dedicated, UNKNOWN_CONNECTION):
        expect_error(lambda: partner.describe_hosted_connections(connectionId=target), CLIENT_ERR,
                     hosted_not_found(PARTNER, target))
    # The customer owns the hosted connection, not the interconnect.
    expect_error(lambda: customer.describe_hosted_connections(connectionId=ic_id), CLIENT_ERR,
                 hosted_not_found(CUSTOMER, ic_id))
    expect_error(lambda: customer.describe_hosted_connections(connectionId=hc_id), CLIENT_ERR,
                 hosted_not_found(CUSTOMER, hc_id))


def test_describe_hosted_connections_is_regional(dx, proto):
    partner = dx(PARTNER, proto)
    ic_id = available_interconnect(partner)
    allocate_hosted(partner, ic_id, 301)
    west = dx(PARTNER, proto, "us-west-2")
    expect_error(lambda: west.describe_hosted_connections(connectionId=ic_id), CLIENT_ERR,
                 hosted_not_found(PARTNER, ic_id))
    assert connection_ids(dx(CUSTOMER, proto, "us-west-2")) == []


# -- ConfirmConnection ----------------------------------------------------------------------

def test_confirm_only_an_ordering_connection(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    ic_id = available_interconnect(partner)
    hc_id = confirmed_hosted(partner, customer, ic_id, 301)
    expect_error(lambda: customer.confirm_connection(connectionId=hc_id), CLIENT_ERR,
                 f"Connection {hc_id} is not in the ordering state (current state: available)")
    assert describe_connection(customer, hc_id)["connectionState"] == "available"


def test_confirm_a_dedicated_connection(dx, proto):
    # The caller owns it and can describe it: it exists, but it is not `ordering`
    # (operations.md §C ConfirmConnection).
    customer = dx(CUSTOMER, proto)
    conn_id = create_connection(customer)["connectionId"]
    assert describe_connection(customer, conn_id)["connectionState"] == "available"
    expect_error(lambda: customer.confirm_connection(connectionId=conn_id), CLIENT_ERR,
                 contains=[conn_id, "is not in the ordering state"])
    assert describe_connection(customer, conn_id)["connectionState"] == "available"


def test_only_the_customer_confirms(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    ic_id = available_interconnect(partner)
    hc_id = allocate_hosted(partner, ic_id, 301)["connectionId"]
    for client in (partner, dx(THIRD, proto), dx(CUSTOMER, proto, "us-west-2")):
        expect_error(lambda: client.confirm_connection(connectionId=hc_id), CLIENT_ERR,
                     f"{CONNECTION_NOT_FOUND} {hc_id}")
    assert describe_connection(customer, hc_id)["connectionState"] == "ordering"
    expect_error(lambda: customer.confirm_connection(connectionId=UNKNOWN_CONNECTION), CLIENT_ERR,
                 f"{CONNECTION_NOT_FOUND} {UNKNOWN_CONNECTION}")


# -- DeleteConnection of hosted connections ---------------------------------------------------

def test_customer_rejects_an_ordering_hosted_connection(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    ic_id = available_interconnect(partner)
    hc_id = allocate_hosted(partner, ic_id, 301)["connectionId"]
    rejected = customer.delete_connection(connectionId=hc_id)
    assert (rejected["connectionId"], rejected["connectionState"]) == (hc_id, "rejected")
    assert describe_connection(customer, hc_id)["connectionState"] == "rejected"
    assert hosted_on(partner, ic_id) == {hc_id: "rejected"}
    # It cannot be confirmed or deleted any more ...
    expect_error(lambda: customer.confirm_connection(connectionId=hc_id), CLIENT_ERR, contains=hc_id)
    expect_error(lambda: customer.delete_connection(connectionId=hc_id), CLIENT_ERR,
                 f"{CONNECTION_NOT_FOUND} {hc_id}")
    assert describe_connection(customer, hc_id)["connectionState"] == "rejected"
    # ... and its VLAN is free for a new allocation.
    assert allocate_hosted(partner, ic_id, 301)["connectionState"] == "ordering"


def test_customer_deletes_a_confirmed_hosted_connection(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    ic_id = available_interconnect(partner)
    hc_id = confirmed_hosted(partner, customer, ic_id, 301)
    assert customer.delete_connection(connectionId=hc_id)["connectionState"] == "deleted"
    assert hosted_on(partner, ic_id) == {hc_id: "deleted"}


def test_partner_deletes_a_hosted_connection(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    ic_id = available_interconnect(partner)
    confirmed = confirmed_hosted(partner, customer, ic_id, 301)
    ordering = allocate_hosted(partner, ic_id, 302)["connectionId"]
    for hc_id in (confirmed, ordering):
        deleted = partner.delete_connection(connectionId=hc_id)
        # Only the customer's refusal of an order is a rejection.
        assert (deleted["connectionId"], deleted["connectionState"], deleted["ownerAccount"]) == (
            hc_id, "deleted", CUSTOMER)
        assert describe_connection(customer, hc_id)["connectionState"] == "deleted"
    assert hosted_on(partner, ic_id) == {confirmed: "deleted", ordering: "deleted"}


def test_third_party_cannot_delete_a_hosted_connection(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    ic_id = available_interconnect(partner)
    hc_id = allocate_hosted(partner, ic_id, 301)["connectionId"]
    expect_error(lambda: dx(THIRD, proto).delete_connection(connectionId=hc_id), CLIENT_ERR,
                 f"{CONNECTION_NOT_FOUND} {hc_id}")
    assert describe_connection(customer, hc_id)["connectionState"] == "ordering"
    assert hosted_on(partner, ic_id) == {hc_id: "ordering"}


def test_hosted_connection_with_a_vif_cannot_be_deleted(dx, ec2, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    ic_id = available_interconnect(partner)
    hc_id = confirmed_hosted(partner, customer, ic_id, 301)
    vif_id = private_on_vgw(customer, ec2(CUSTOMER), hc_id, vlan=301)["virtualInterfaceId"]
    for client in (partner, customer):
        expect_error(lambda: client.delete_connection(connectionId=hc_id), CLIENT_ERR,
                     contains=[hc_id, vif_id])
    assert describe_connection(customer, hc_id)["connectionState"] == "available"
    assert describe_vif(customer, vif_id)["virtualInterfaceState"] == "available"


# -- DeleteInterconnect ------------------------------------------------------------------------

def test_delete_interconnect_waits_for_its_hosted_connections(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    ic_id = available_interconnect(partner)
    live = confirmed_hosted(partner, customer, ic_id, 301)
    rejected = allocate_hosted(partner, ic_id, 302)["connectionId"]
    customer.delete_connection(connectionId=rejected)

    # A rejected hosted connection does not hold the interconnect; a live one does.
    expect_error(lambda: partner.delete_interconnect(interconnectId=ic_id), CLIENT_ERR,
                 f"Interconnect {ic_id} still has hosted connections: {live}")
    assert describe_interconnect(partner, ic_id)["interconnectState"] == "available"
    assert hosted_on(partner, ic_id) == {live: "available", rejected: "rejected"}
    assert describe_connection(customer, live)["connectionState"] == "available"

    partner.delete_connection(connectionId=live)
    resp = partner.delete_interconnect(interconnectId=ic_id)
    assert set(resp) - {"ResponseMetadata"} == {"interconnectState"}
    assert resp["interconnectState"] == "deleted"
    assert describe_interconnect(partner, ic_id)["interconnectState"] == "deleted"
    expect_error(lambda: partner.delete_interconnect(interconnectId=ic_id), CLIENT_ERR,
                 f"{INTERCONNECT_NOT_FOUND} {ic_id}")
    # Nothing new can be hung on a deleted interconnect.
    expect_error(lambda: allocate_hosted(partner, ic_id, 303), CLIENT_ERR, contains=ic_id)


def test_delete_unknown_interconnect(dx, proto):
    expect_error(lambda: dx(PARTNER, proto).delete_interconnect(interconnectId=UNKNOWN_INTERCONNECT),
                 CLIENT_ERR, f"{INTERCONNECT_NOT_FOUND} {UNKNOWN_INTERCONNECT}")


# -- AssociateHostedConnection ----------------------------------------------------------------

def test_move_a_hosted_connection_to_another_interconnect(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    ic_a = available_interconnect(partner, "a")
    ic_b = available_interconnect(partner, "b")
    hc_id = allocate_hosted(partner, ic_a, 301)["connectionId"]

    moved = partner.associate_hosted_connection(connectionId=hc_id, parentConnectionId=ic_b)
    assert (moved["connectionId"], moved["connectionState"], moved["vlan"], moved["ownerAccount"]) == (
        hc_id, "ordering", 301, CUSTOMER)
    assert "lagId" not in moved
    assert hosted_on(partner, ic_a) == {}
    assert hosted_on(partner, ic_b) == {hc_id: "ordering"}
    assert describe_connection(customer, hc_id)["connectionState"] == "ordering"
    # Its VLAN left the old parent with it.
    allocate_hosted(partner, ic_a, 301, owner=THIRD)


def test_moving_keeps_the_vif(dx, ec2, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    ic_a = available_interconnect(partner, "a")
    ic_b = available_interconnect(partner, "b")
    hc_id = confirmed_hosted(partner, customer, ic_a, 301)
    vif_id = private_on_vgw(customer, ec2(CUSTOMER), hc_id, vlan=301)["virtualInterfaceId"]
    moved = partner.associate_hosted_connection(connectionId=hc_id, parentConnectionId=ic_b)
    assert moved["connectionState"] == "available"
    vif = describe_vif(customer, vif_id)
    assert (vif["connectionId"], vif["virtualInterfaceState"]) == (hc_id, "available")
    assert hosted_on(partner, ic_b) == {hc_id: "available"}


def test_move_refusals_leave_the_hosted_connection_where_it_was(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    ic_a = available_interconnect(partner, "a")
    ic_b = available_interconnect(partner, "b")
    elsewhere = available_interconnect(partner, "far", index=1)
    hc_id = allocate_hosted(partner, ic_a, 302)["connectionId"]
    holder = allocate_hosted(partner, ic_b, 302, owner=THIRD)["connectionId"]
    far_location = describe_interconnect(partner, elsewhere)["location"]
    near_location = describe_interconnect(partner, ic_a)["location"]

    expect_error(lambda: partner.associate_hosted_connection(connectionId=hc_id, parentConnectionId=ic_b),
                 CLIENT_ERR, f"VLAN 302 conflicts with hosted connection {holder} on {ic_b}")
    expect_error(lambda: partner.associate_hosted_connection(connectionId=hc_id, parentConnectionId=ic_a),
                 CLIENT_ERR, f"Hosted connection {hc_id} is already on {ic_a}")
    expect_error(lambda: partner.associate_hosted_connection(connectionId=hc_id, parentConnectionId=elsewhere),
                 CLIENT_ERR, f"{elsewhere} is at {far_location}; hosted connection {hc_id} is at {near_location}")
    expect_error(lambda: partner.associate_hosted_connection(
        connectionId=hc_id, parentConnectionId=UNKNOWN_INTERCONNECT), CLIENT_ERR, contains=UNKNOWN_INTERCONNECT)
    expect_error(lambda: partner.associate_hosted_connection(
        connectionId=UNKNOWN_CONNECTION, parentConnectionId=ic_b), CLIENT_ERR,
        f"{CONNECTION_NOT_FOUND} {UNKNOWN_CONNECTION}")
    # Only the partner moves it: not its customer, nor a stranger.
    for client in (customer, dx(THIRD, proto)):
        expect_error(lambda: client.associate_hosted_connection(connectionId=hc_id, parentConnectionId=ic_b),
                     CLIENT_ERR, contains=hc_id)

    assert hosted_on(partner, ic_a) == {hc_id: "ordering"}
    assert hosted_on(partner, ic_b) == {holder: "ordering"}
    assert hosted_on(partner, elsewhere) == {}
    assert "lagId" not in describe_connection(customer, hc_id)


def test_move_a_hosted_connection_onto_a_lag_built_from_an_interconnect(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    location, bandwidth = pick_location(partner, "1G")
    ic_a = available_interconnect(partner, "a")
    ic_b = available_interconnect(partner, "b")
    on_a = allocate_hosted(partner, ic_a, 301)["connectionId"]
    on_b = allocate_hosted(partner, ic_b, 302)["connectionId"]

    lag = partner.create_lag(numberOfConnections=1, location=location, connectionsBandwidth=bandwidth,
                             lagName="partner-lag", connectionId=ic_a)
    lag_id = lag["lagId"]
    # A LAG built from an interconnect carries hosted connections, starting
    # with those of that interconnect.
    assert lag["allowsHostedConnections"] is True
    assert [c["connectionId"] for c in lag["connections"]] == [ic_a]
    assert describe_interconnect(partner, ic_a)["lagId"] == lag_id
    assert hosted_on(partner, lag_id) == {on_a: "ordering"}
    assert describe_connection(customer, on_a)["lagId"] == lag_id

    moved = partner.associate_hosted_connection(connectionId=on_b, parentConnectionId=lag_id)
    assert (moved["connectionId"], moved["lagId"], moved["connectionState"], moved["vlan"]) == (
        on_b, lag_id, "ordering", 302)
    assert hosted_on(partner, lag_id) == {on_a: "ordering", on_b: "ordering"}
    assert hosted_on(partner, ic_b) == {}
    assert describe_connection(customer, on_b)["lagId"] == lag_id

    # A new allocation on the LAG lands there too.
    direct = allocate_hosted(partner, lag_id, 303)
    assert direct["lagId"] == lag_id
    # The LAG cannot go while hosted connections live on it.
    expect_error(lambda: partner.delete_lag(lagId=lag_id), CLIENT_ERR,
                 f"Lag {lag_id} still has 3 hosted connection(s)")
    assert partner.describe_lags(lagId=lag_id)["lags"][0]["lagState"] == "available"


def test_a_hosted_connection_rides_its_parents_device(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    ic_a = available_interconnect(partner, "a")
    ic_b = available_interconnect(partner, "b")
    device_a = describe_interconnect(partner, ic_a)["awsDeviceV2"]
    device_b = describe_interconnect(partner, ic_b)["awsDeviceV2"]
    assert device_a != device_b
    hc_id = confirmed_hosted(partner, customer, ic_a, 301)
    assert describe_connection(customer, hc_id)["awsDeviceV2"] == device_a
    # Moved to another interconnect, it is carried by that port's device.
    partner.associate_hosted_connection(connectionId=hc_id, parentConnectionId=ic_b)
    moved = describe_connection(customer, hc_id)
    assert (moved["awsDevice"], moved["awsDeviceV2"]) == (device_b, device_b)


def test_a_hosted_connection_on_a_lag_is_not_a_member(server, dx, proto):
    # minimumLinks counts the LAG's own member ports; a hosted connection
    # allocated on the LAG is none of them, so removing it cannot take a
    # link away from the LAG.
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    location, bandwidth = pick_location(partner, "1G")
    ic_id = available_interconnect(partner)
    lag_id = partner.create_lag(numberOfConnections=2, location=location, connectionsBandwidth=bandwidth,
                                lagName="partner-lag", connectionId=ic_id)["lagId"]
    lag = describe_lag(partner, lag_id)
    [dedicated] = [m for m in member_ids(lag) if m != ic_id]
    hc_id = allocate_hosted(partner, lag_id, 301)["connectionId"]
    assert hc_id not in member_ids(lag)
    partner.update_lag(lagId=lag_id, minimumLinks=2)
    port_fault(server, "connection-down", dedicated)
    assert describe_lag(partner, lag_id)["lagState"] == "down"

    deleted = partner.delete_connection(connectionId=hc_id)
    assert (deleted["connectionId"], deleted["connectionState"]) == (hc_id, "deleted")
    assert describe_connection(customer, hc_id)["connectionState"] == "deleted"
    assert sorted(member_ids(describe_lag(partner, lag_id))) == sorted(member_ids(lag))


def test_describe_hosted_connections_pages(dx, proto):
    partner = dx(PARTNER, proto)
    ic_id = available_interconnect(partner)
    ids = [allocate_hosted(partner, ic_id, 301 + i)["connectionId"] for i in range(3)]
    seen, token, pages = [], None, 0
    while True:
        kw = {"nextToken": token} if token else {}
        page = partner.describe_hosted_connections(connectionId=ic_id, maxResults=2, **kw)
        assert len(page["connections"]) <= 2
        seen += [c["connectionId"] for c in page["connections"]]
        pages += 1
        token = page.get("nextToken")
        if not token:
            break
    assert (seen, pages) == (ids, 2)


def test_a_lag_that_does_not_allow_hosted_connections(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    location, bandwidth = pick_location(partner, "1G")
    ic_id = available_interconnect(partner)
    hc_id = allocate_hosted(partner, ic_id, 301)["connectionId"]
    lag = partner.create_lag(numberOfConnections=1, location=location, connectionsBandwidth=bandwidth,
                             lagName="plain")
    lag_id = lag["lagId"]
    assert lag["allowsHostedConnections"] is False
    expect_error(lambda: partner.associate_hosted_connection(connectionId=hc_id, parentConnectionId=lag_id),
                 CLIENT_ERR, f"Lag {lag_id} does not allow hosted connections")
    expect_error(lambda: allocate_hosted(partner, lag_id, 302), CLIENT_ERR,
                 f"Lag {lag_id} does not allow hosted connections")
    assert hosted_on(partner, ic_id) == {hc_id: "ordering"}
    assert hosted_on(partner, lag_id) == {}
    assert "lagId" not in describe_connection(customer, hc_id)


# -- UpdateConnection ------------------------------------------------------------------------

def test_rename_a_connection(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = create_connection(client, "before")["connectionId"]
    updated = client.update_connection(connectionId=conn_id, connectionName="after")
    assert (updated["connectionId"], updated["connectionName"], updated["connectionState"]) == (
        conn_id, "after", "available")
    described = describe_connection(client, conn_id)
    assert described["connectionName"] == "after"
    assert "encryptionMode" not in described


def test_rename_a_hosted_connection(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    ic_id = available_interconnect(partner)
    hc_id = allocate_hosted(partner, ic_id, 301, name="as-ordered")["connectionId"]
    assert customer.update_connection(connectionId=hc_id, connectionName="mine")["connectionName"] == "mine"
    assert describe_connection(customer, hc_id)["connectionName"] == "mine"
    # The partner does not own it.
    expect_error(lambda: partner.update_connection(connectionId=hc_id, connectionName="theirs"),
                 CLIENT_ERR, f"{CONNECTION_NOT_FOUND} {hc_id}")
    assert describe_connection(customer, hc_id)["connectionName"] == "mine"


def test_encryption_mode_needs_macsec(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = create_connection(client, "plain")["connectionId"]
    assert describe_connection(client, conn_id)["macSecCapable"] is False
    message = (f"Connection {conn_id} is not MACsec capable; "
               "encryptionMode applies to MACsec-capable dedicated connections only")
    expect_error(lambda: client.update_connection(connectionId=conn_id, encryptionMode="should_encrypt"),
                 CLIENT_ERR, message)
    # Refused as a whole: the name sent alongside is not applied either.
    expect_error(lambda: client.update_connection(connectionId=conn_id, connectionName="renamed",
                                                  encryptionMode="no_encrypt"), CLIENT_ERR, message)
    described = describe_connection(client, conn_id)
    assert described["connectionName"] == "plain"
    assert "encryptionMode" not in described


def test_encryption_mode_on_a_macsec_connection(dx, proto):
    client = dx(CUSTOMER, proto)
    location, _ = pick_location(client, "10G")
    conn_id = client.create_connection(location=location, bandwidth="10Gbps", connectionName="secure",
                                       requestMACSec=True)["connectionId"]
    assert describe_connection(client, conn_id)["encryptionMode"] == "must_encrypt"
    updated = client.update_connection(connectionId=conn_id, encryptionMode="should_encrypt")
    assert updated["encryptionMode"] == "should_encrypt"
    assert describe_connection(client, conn_id)["encryptionMode"] == "should_encrypt"
    expect_error(lambda: client.update_connection(connectionId=conn_id, encryptionMode="bogus"),
                 CLIENT_ERR, contains="bogus")
    assert describe_connection(client, conn_id)["encryptionMode"] == "should_encrypt"


def test_encryption_mode_on_a_hosted_connection(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    ic_id = available_interconnect(partner)
    hc_id = confirmed_hosted(partner, customer, ic_id, 301)
    expect_error(lambda: customer.update_connection(connectionId=hc_id, encryptionMode="must_encrypt"),
                 CLIENT_ERR, contains=[hc_id, "MACsec"])
    assert "encryptionMode" not in describe_connection(customer, hc_id)


def test_update_connection_not_found(dx, proto):
    owner = dx(CUSTOMER, proto)
    conn_id = create_connection(owner, "kept")["connectionId"]
    expect_error(lambda: dx(THIRD, proto).update_connection(connectionId=conn_id, connectionName="x"),
                 CLIENT_ERR, f"{CONNECTION_NOT_FOUND} {conn_id}")
    expect_error(lambda: owner.update_connection(connectionId=UNKNOWN_CONNECTION, connectionName="x"),
                 CLIENT_ERR, f"{CONNECTION_NOT_FOUND} {UNKNOWN_CONNECTION}")
    assert describe_connection(owner, conn_id)["connectionName"] == "kept"
    owner.delete_connection(connectionId=conn_id)
    expect_error(lambda: owner.update_connection(connectionId=conn_id, connectionName="x"),
                 CLIENT_ERR, f"{CONNECTION_NOT_FOUND} {conn_id}")
    assert describe_connection(owner, conn_id)["connectionName"] == "kept"
