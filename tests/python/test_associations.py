"""Direct Connect gateway associations made in one account (operations.md §H
UpdateDirectConnectGateway, §I; resources.md §9): a DX gateway and the VGW
or transit gateway it reaches belong to the same customer, so no proposal
is involved. Every refused request must leave the gateway without a new
association.
"""

import pytest

from support import (
    CUSTOMER, PARTNER, THIRD, UNKNOWN_DXGW, UNKNOWN_VGW, UUID_RE, allocate, available_connection,
    describe_vif, expect_error,
)
from support_gateways import (
    CLIENT_ERR, UNKNOWN_UUID, VPC_CIDR, assert_tgw_association, assert_vgw_association,
    association, association_states, associations, available_tgw, cidrs, detached_vgw, dxgw,
    prefixes, private_vif_on_dxgw, vpc_with_vgw,
)


def gateway(client, dxgw_id):
    [gw] = client.describe_direct_connect_gateways(directConnectGatewayId=dxgw_id)["directConnectGateways"]
    return gw


def associate(client, dxgw_id, gateway_id, *allowed):
    kw = {"directConnectGatewayId": dxgw_id, "gatewayId": gateway_id}
    if allowed:
        kw["addAllowedPrefixesToDirectConnectGateway"] = prefixes(*allowed)
    return client.create_direct_connect_gateway_association(**kw)["directConnectGatewayAssociation"]


# -- UpdateDirectConnectGateway ---------------------------------------------------

def test_rename_gateway(dx, proto):
    client = dx(CUSTOMER, proto)
    gw_id = dxgw(client, "before", asn=65100)
    renamed = client.update_direct_connect_gateway(
        directConnectGatewayId=gw_id, newDirectConnectGatewayName="after rename")["directConnectGateway"]
    assert renamed["directConnectGatewayId"] == gw_id
    assert renamed["directConnectGatewayName"] == "after rename"
    assert (renamed["amazonSideAsn"], renamed["ownerAccount"], renamed["directConnectGatewayState"]) == (
        65100, CUSTOMER, "available")
    seen = gateway(client, gw_id)
    assert (seen["directConnectGatewayName"], seen["amazonSideAsn"]) == ("after rename", 65100)
    # The gateway is global: the new name shows from any region.
    assert gateway(dx(CUSTOMER, proto, "eu-west-1"), gw_id)["directConnectGatewayName"] == "after rename"


def test_rename_unknown_or_foreign_gateway(dx, proto):
    client = dx(CUSTOMER, proto)
    expect_error(lambda: client.update_direct_connect_gateway(
        directConnectGatewayId=UNKNOWN_DXGW, newDirectConnectGatewayName="x"),
        CLIENT_ERR, contains=["does not exist", UNKNOWN_DXGW])
    gw_id = dxgw(client, "mine")
    # Someone else's gateway is reported exactly like an unknown one.
    expect_error(lambda: dx(THIRD, proto).update_direct_connect_gateway(
        directConnectGatewayId=gw_id, newDirectConnectGatewayName="stolen"),
        CLIENT_ERR, contains=["does not exist", gw_id])
    assert gateway(client, gw_id)["directConnectGatewayName"] == "mine"


def test_rename_deleted_gateway(dx, proto):
    client = dx(CUSTOMER, proto)
    gw_id = dxgw(client, "short-lived")
    client.delete_direct_connect_gateway(directConnectGatewayId=gw_id)
    expect_error(lambda: client.update_direct_connect_gateway(
        directConnectGatewayId=gw_id, newDirectConnectGatewayName="x"),
        CLIENT_ERR, contains=["does not exist", gw_id])


# -- VGW associations: create and describe ------------------------------------------

def test_vgw_association_defaults_to_the_vpc_cidr(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    _, vgw_id = vpc_with_vgw(ec2(CUSTOMER))
    gw_id = dxgw(client)
    created = associate(client, gw_id, vgw_id)
    assoc_id = created["associationId"]
    assert UUID_RE.match(assoc_id)
    expected = dict(dxgw_id=gw_id, dxgw_owner=CUSTOMER, vgw_id=vgw_id, vgw_owner=CUSTOMER,
                    allowed=[VPC_CIDR])
    assert_vgw_association(created, state="associating", **expected)

    settled = association(client, assoc_id)
    assert settled["associationId"] == assoc_id
    assert_vgw_association(settled, state="associated", **expected)

    # Every filter finds the same single association.
    for filters in ({"directConnectGatewayId": gw_id}, {"associatedGatewayId": vgw_id},
                    {"virtualGatewayId": vgw_id}, {"directConnectGatewayId": gw_id, "associatedGatewayId": vgw_id},
                    {"associationId": assoc_id, "directConnectGatewayId": gw_id}):
        assert [a["associationId"] for a in associations(client, **filters)] == [assoc_id], filters
    # Associations are global objects: describable from another region.
    assert association(dx(CUSTOMER, proto, "eu-central-1"), assoc_id)["associationState"] == "associated"


def test_vgw_association_with_legacy_virtual_gateway_id(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    _, vgw_id = vpc_with_vgw(ec2(CUSTOMER))
    gw_id = dxgw(client)
    created = client.create_direct_connect_gateway_association(
        directConnectGatewayId=gw_id, virtualGatewayId=vgw_id)["directConnectGatewayAssociation"]
    assert_vgw_association(created, dxgw_id=gw_id, dxgw_owner=CUSTOMER, vgw_id=vgw_id, vgw_owner=CUSTOMER,
                           state="associating", allowed=[VPC_CIDR])


def test_vgw_association_with_explicit_prefixes(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    _, vgw_id = vpc_with_vgw(ec2(CUSTOMER))
    gw_id = dxgw(client)
    created = associate(client, gw_id, vgw_id, "10.1.0.0/17", "10.0.0.0/8")
    assert created["associationState"] == "associating"
    assert cidrs(created) == ["10.1.0.0/17", "10.0.0.0/8"]
    settled = association(client, created["associationId"])
    assert settled["associationState"] == "associated"
    assert cidrs(settled) == ["10.1.0.0/17", "10.0.0.0/8"]


def test_describe_associations_needs_a_filter(dx, proto):
    expect_error(lambda: dx(CUSTOMER, proto).describe_direct_connect_gateway_associations(), CLIENT_ERR)


# The empty ID is the observed case: the message then has two spaces.
@pytest.mark.parametrize("bad_id", ["", "not-an-association", "dxvif-fzzzzzzz", UNKNOWN_UUID + "0"])
def test_describe_malformed_association_id(dx, proto, bad_id):
    expect_error(lambda: dx(CUSTOMER, proto).describe_direct_connect_gateway_associations(associationId=bad_id),
                 CLIENT_ERR, f"Association ID {bad_id} has an invalid format.")


def test_describe_unknown_ids_give_empty_lists(dx, proto):
    client = dx(CUSTOMER, proto)
    assert associations(client, associationId=UNKNOWN_UUID) == []
    assert associations(client, directConnectGatewayId=UNKNOWN_DXGW) == []
    assert associations(client, associatedGatewayId=UNKNOWN_VGW) == []


def test_associations_are_visible_to_their_parties_only(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    _, vgw_id = vpc_with_vgw(ec2(CUSTOMER))
    gw_id = dxgw(client)
    assoc_id = associate(client, gw_id, vgw_id)["associationId"]
    third = dx(THIRD, proto)
    assert associations(third, associationId=assoc_id) == []
    assert associations(third, directConnectGatewayId=gw_id) == []
    assert associations(third, associatedGatewayId=vgw_id) == []
    # Nor may a stranger change or delete it.
    expect_error(lambda: third.update_direct_connect_gateway_association(
        associationId=assoc_id, addAllowedPrefixesToDirectConnectGateway=prefixes("10.9.0.0/16")),
        CLIENT_ERR, contains=["does not exist", assoc_id])
    expect_error(lambda: third.delete_direct_connect_gateway_association(associationId=assoc_id),
                 CLIENT_ERR, contains=["does not exist", assoc_id])
    settled = association(client, assoc_id)
    assert (settled["associationState"], cidrs(settled)) == ("associated", [VPC_CIDR])


def test_associations_paginate(dx, ec2, proto):
    client, cust_ec2 = dx(CUSTOMER, proto), ec2(CUSTOMER)
    gw_id = dxgw(client)
    ids = [associate(client, gw_id, vpc_with_vgw(cust_ec2, f"10.{i}.0.0/16")[1])["associationId"]
           for i in range(1, 4)]
    first = client.describe_direct_connect_gateway_associations(directConnectGatewayId=gw_id, maxResults=2)
    assert [a["associationId"] for a in first["directConnectGatewayAssociations"]] == ids[:2]
    assert first["nextToken"]
    rest = client.describe_direct_connect_gateway_associations(
        directConnectGatewayId=gw_id, maxResults=2, nextToken=first["nextToken"])
    assert [a["associationId"] for a in rest["directConnectGatewayAssociations"]] == ids[2:]
    assert "nextToken" not in rest
    # botocore ships a paginator for this operation.
    pages = client.get_paginator("describe_direct_connect_gateway_associations").paginate(
        directConnectGatewayId=gw_id, PaginationConfig={"PageSize": 1})
    assert [a["associationId"] for page in pages for a in page["directConnectGatewayAssociations"]] == ids
    # A token is bound to the query it came from.
    expect_error(lambda: client.describe_direct_connect_gateway_associations(
        associatedGatewayId=UNKNOWN_VGW, nextToken=first["nextToken"]), CLIENT_ERR)


# -- UpdateDirectConnectGatewayAssociation ------------------------------------------

def test_update_association_prefixes(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    _, vgw_id = vpc_with_vgw(ec2(CUSTOMER))
    gw_id = dxgw(client)
    assoc_id = associate(client, gw_id, vgw_id)["associationId"]
    assert association(client, assoc_id)["associationState"] == "associated"

    added = client.update_direct_connect_gateway_association(
        associationId=assoc_id,
        addAllowedPrefixesToDirectConnectGateway=prefixes("10.0.0.0/8"))["directConnectGatewayAssociation"]
    assert added["associationId"] == assoc_id
    assert added["associationState"] == "updating"
    # The full new list, the added prefix first (as in the CLI example).
    assert cidrs(added) == ["10.0.0.0/8", VPC_CIDR]
    assert added["associatedGateway"]["id"] == vgw_id
    settled = association(client, assoc_id)
    assert (settled["associationState"], cidrs(settled)) == ("associated", ["10.0.0.0/8", VPC_CIDR])

    # A prefix already allowed is not listed twice.
    again = client.update_direct_connect_gateway_association(
        associationId=assoc_id,
        addAllowedPrefixesToDirectConnectGateway=prefixes(VPC_CIDR))["directConnectGatewayAssociation"]
    assert cidrs(again) == ["10.0.0.0/8", VPC_CIDR]
    assert association(client, assoc_id)["associationState"] == "associated"

    removed = client.update_direct_connect_gateway_association(
        associationId=assoc_id,
        removeAllowedPrefixesToDirectConnectGateway=prefixes(VPC_CIDR))["directConnectGatewayAssociation"]
    assert (removed["associationState"], cidrs(removed)) == ("updating", ["10.0.0.0/8"])
    settled = association(client, assoc_id)
    assert (settled["associationState"], cidrs(settled)) == ("associated", ["10.0.0.0/8"])

    both = client.update_direct_connect_gateway_association(
        associationId=assoc_id,
        addAllowedPrefixesToDirectConnectGateway=prefixes("10.1.0.0/24"),
        removeAllowedPrefixesToDirectConnectGateway=prefixes("10.0.0.0/8"))["directConnectGatewayAssociation"]
    assert (both["associationState"], cidrs(both)) == ("updating", ["10.1.0.0/24"])
    assert cidrs(association(client, assoc_id)) == ["10.1.0.0/24"]


def test_update_unknown_or_malformed_association(dx, proto):
    client = dx(CUSTOMER, proto)
    expect_error(lambda: client.update_direct_connect_gateway_association(
        associationId=UNKNOWN_UUID, addAllowedPrefixesToDirectConnectGateway=prefixes("10.0.0.0/8")),
        CLIENT_ERR, contains=["does not exist", UNKNOWN_UUID])
    expect_error(lambda: client.update_direct_connect_gateway_association(
        associationId="bogus", addAllowedPrefixesToDirectConnectGateway=prefixes("10.0.0.0/8")),
        CLIENT_ERR, "Association ID bogus has an invalid format.")


def test_update_with_an_invalid_prefix_changes_nothing(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    _, vgw_id = vpc_with_vgw(ec2(CUSTOMER))
    gw_id = dxgw(client)
    assoc_id = associate(client, gw_id, vgw_id)["associationId"]
    expect_error(lambda: client.update_direct_connect_gateway_association(
        associationId=assoc_id, addAllowedPrefixesToDirectConnectGateway=prefixes("10.0.0.300/8")),
        CLIENT_ERR, contains="10.0.0.300/8")
    settled = association(client, assoc_id)
    assert (settled["associationState"], cidrs(settled)) == ("associated", [VPC_CIDR])


# -- DeleteDirectConnectGatewayAssociation ------------------------------------------

def test_delete_association_and_its_tail(server, dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    _, vgw_id = vpc_with_vgw(ec2(CUSTOMER))
    gw_id = dxgw(client)
    assoc_id = associate(client, gw_id, vgw_id)["associationId"]
    assert association(client, assoc_id)["associationState"] == "associated"

    deleted = client.delete_direct_connect_gateway_association(
        associationId=assoc_id)["directConnectGatewayAssociation"]
    assert_vgw_association(deleted, dxgw_id=gw_id, dxgw_owner=CUSTOMER, vgw_id=vgw_id, vgw_owner=CUSTOMER,
                           state="disassociating", allowed=[VPC_CIDR])
    assert deleted["associationId"] == assoc_id
    assert association(client, assoc_id)["associationState"] == "disassociated"
    assert association_states(client, directConnectGatewayId=gw_id) == {assoc_id: "disassociated"}
    # A disassociated association is gone as far as changes go.
    expect_error(lambda: client.delete_direct_connect_gateway_association(associationId=assoc_id),
                 CLIENT_ERR, contains=["does not exist", assoc_id])

    server.advance(14 * 60)
    assert association(client, assoc_id)["associationState"] == "disassociated"
    server.advance(2 * 60)
    assert associations(client, associationId=assoc_id) == []
    assert associations(client, directConnectGatewayId=gw_id) == []


def test_reassociate_after_disassociation(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    _, vgw_id = vpc_with_vgw(ec2(CUSTOMER))
    first_gw, second_gw = dxgw(client, "first"), dxgw(client, "second")
    first = associate(client, first_gw, vgw_id)["associationId"]
    client.delete_direct_connect_gateway_association(associationId=first)
    assert association(client, first)["associationState"] == "disassociated"
    # The VGW is free again, for another gateway too.
    second = associate(client, second_gw, vgw_id)["associationId"]
    assert second != first
    assert association(client, second)["associationState"] == "associated"
    assert association_states(client, associatedGatewayId=vgw_id) == {
        first: "disassociated", second: "associated"}


def test_delete_by_gateway_and_vgw_ids(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    _, vgw_id = vpc_with_vgw(ec2(CUSTOMER))
    gw_id = dxgw(client)
    assoc_id = associate(client, gw_id, vgw_id)["associationId"]
    deleted = client.delete_direct_connect_gateway_association(
        directConnectGatewayId=gw_id, virtualGatewayId=vgw_id)["directConnectGatewayAssociation"]
    assert (deleted["associationId"], deleted["associationState"]) == (assoc_id, "disassociating")
    assert association(client, assoc_id)["associationState"] == "disassociated"


def test_delete_unknown_association(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    expect_error(lambda: client.delete_direct_connect_gateway_association(associationId=UNKNOWN_UUID),
                 CLIENT_ERR, contains=["does not exist", UNKNOWN_UUID])
    expect_error(lambda: client.delete_direct_connect_gateway_association(associationId="nope"),
                 CLIENT_ERR, "Association ID nope has an invalid format.")
    _, vgw_id = vpc_with_vgw(ec2(CUSTOMER))
    gw_id = dxgw(client)
    expect_error(lambda: client.delete_direct_connect_gateway_association(
        directConnectGatewayId=gw_id, virtualGatewayId=vgw_id),
        CLIENT_ERR, contains=["does not exist", gw_id, vgw_id])


# -- Routes seen on a VIF of the gateway ------------------------------------------

def test_vpc_cidr_is_advertised_on_a_vif_of_the_gateway(dx, ec2, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    gw_id = dxgw(customer, asn=64999)
    vif_id = private_vif_on_dxgw(partner, customer, gw_id)
    _, vgw_id = vpc_with_vgw(ec2(CUSTOMER))
    associate(customer, gw_id, vgw_id)

    out = customer.list_virtual_interface_routes(
        virtualInterfaceId=vif_id, filters={"routeDirection": "advertised"})
    assert out["virtualInterfaceId"] == vif_id
    routes = out["routes"]
    assert [(r["cidr"], r["routeDirection"], r["addressFamily"]) for r in routes] == [
        (VPC_CIDR, "advertised", "ipv4")], routes
    # Nothing is learned from the customer without injected routes.
    assert customer.list_virtual_interface_routes(
        virtualInterfaceId=vif_id, filters={"routeDirection": "accepted"})["routes"] == []


def test_routes_follow_prefix_updates(dx, ec2, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    gw_id = dxgw(customer)
    vif_id = private_vif_on_dxgw(partner, customer, gw_id)
    _, vgw_id = vpc_with_vgw(ec2(CUSTOMER))
    assoc_id = associate(customer, gw_id, vgw_id)["associationId"]
    customer.update_direct_connect_gateway_association(
        associationId=assoc_id, addAllowedPrefixesToDirectConnectGateway=prefixes("10.0.0.0/8"),
        removeAllowedPrefixesToDirectConnectGateway=prefixes(VPC_CIDR))
    routes = customer.list_virtual_interface_routes(
        virtualInterfaceId=vif_id, filters={"routeDirection": "advertised"})["routes"]
    assert [r["cidr"] for r in routes] == ["10.0.0.0/8"]
    customer.delete_direct_connect_gateway_association(associationId=assoc_id)
    assert association(customer, assoc_id)["associationState"] == "disassociated"
    assert customer.list_virtual_interface_routes(
        virtualInterfaceId=vif_id, filters={"routeDirection": "advertised"})["routes"] == []


def test_detaching_the_vgw_disassociates_it(dx, ec2, proto):
    # "Detaching the VGW from its VPC disassociates it" (resources.md §9).
    client, cust_ec2 = dx(CUSTOMER, proto), ec2(CUSTOMER)
    vpc_id, vgw_id = vpc_with_vgw(cust_ec2)
    gw_id = dxgw(client)
    assoc_id = associate(client, gw_id, vgw_id)["associationId"]
    assert association(client, assoc_id)["associationState"] == "associated"
    cust_ec2.detach_vpn_gateway(VpcId=vpc_id, VpnGatewayId=vgw_id)
    [gw] = cust_ec2.describe_vpn_gateways(VpnGatewayIds=[vgw_id])["VpnGateways"]
    assert gw["VpcAttachments"] == [{"VpcId": vpc_id, "State": "detached"}]
    assert association(client, assoc_id)["associationState"] == "disassociated"


def test_vif_on_a_vgw_advertises_the_vpc_cidr(dx, ec2, proto):
    # Without a DX gateway in between, the VGW's VPC is what is advertised.
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    _, vgw_id = vpc_with_vgw(ec2(CUSTOMER), "10.7.0.0/16", asn=65010)
    conn_id = available_connection(partner)
    vif_id = allocate(partner, conn_id, vlan=10)["virtualInterfaceId"]
    customer.confirm_private_virtual_interface(virtualInterfaceId=vif_id, virtualGatewayId=vgw_id)
    assert describe_vif(customer, vif_id)["virtualInterfaceState"] == "available"
    routes = customer.list_virtual_interface_routes(virtualInterfaceId=vif_id)["routes"]
    assert [(r["cidr"], r["routeDirection"], r["asPath"]) for r in routes] == [
        ("10.7.0.0/16", "advertised", [{"pathType": "seq", "path": [65010]}])], routes


# -- Rules ------------------------------------------------------------------------

def test_vgw_not_attached_to_a_vpc_is_refused(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    vgw_id = detached_vgw(ec2(CUSTOMER))
    gw_id = dxgw(client)
    expect_error(lambda: associate(client, gw_id, vgw_id), CLIENT_ERR, contains=vgw_id)
    assert associations(client, directConnectGatewayId=gw_id) == []


def test_vgw_already_associated_elsewhere_is_refused(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    _, vgw_id = vpc_with_vgw(ec2(CUSTOMER))
    first_gw, second_gw = dxgw(client, "first"), dxgw(client, "second")
    assoc_id = associate(client, first_gw, vgw_id)["associationId"]
    expect_error(lambda: associate(client, second_gw, vgw_id), CLIENT_ERR, contains=[vgw_id, first_gw])
    assert associations(client, directConnectGatewayId=second_gw) == []
    assert association_states(client, associatedGatewayId=vgw_id) == {assoc_id: "associated"}


def test_duplicate_association_is_refused(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    _, vgw_id = vpc_with_vgw(ec2(CUSTOMER))
    gw_id = dxgw(client)
    assoc_id = associate(client, gw_id, vgw_id)["associationId"]
    expect_error(lambda: associate(client, gw_id, vgw_id), CLIENT_ERR, contains=vgw_id)
    assert association_states(client, directConnectGatewayId=gw_id) == {assoc_id: "associated"}


def test_overlapping_vpc_cidrs_on_one_gateway_are_refused(dx, ec2, proto):
    client, cust_ec2 = dx(CUSTOMER, proto), ec2(CUSTOMER)
    _, first_vgw = vpc_with_vgw(cust_ec2, "10.1.0.0/16")
    _, second_vgw = vpc_with_vgw(cust_ec2, "10.1.128.0/20")
    gw_id = dxgw(client)
    assoc_id = associate(client, gw_id, first_vgw)["associationId"]
    expect_error(lambda: associate(client, gw_id, second_vgw), CLIENT_ERR, contains=second_vgw)
    assert association_states(client, directConnectGatewayId=gw_id) == {assoc_id: "associated"}
    # A disjoint VPC is fine on the same gateway.
    _, third_vgw = vpc_with_vgw(cust_ec2, "10.2.0.0/16")
    assert associate(client, gw_id, third_vgw)["associationState"] == "associating"


def test_gateway_never_mixes_vgw_then_tgw(dx, ec2, proto):
    client, cust_ec2 = dx(CUSTOMER, proto), ec2(CUSTOMER)
    _, vgw_id = vpc_with_vgw(cust_ec2)
    tgw_id = available_tgw(cust_ec2)
    gw_id = dxgw(client)
    assoc_id = associate(client, gw_id, vgw_id)["associationId"]
    expect_error(lambda: associate(client, gw_id, tgw_id, "192.168.0.0/24"), CLIENT_ERR, contains=gw_id)
    assert association_states(client, directConnectGatewayId=gw_id) == {assoc_id: "associated"}
    assert associations(client, associatedGatewayId=tgw_id) == []


def test_gateway_never_mixes_tgw_then_vgw(dx, ec2, proto):
    client, cust_ec2 = dx(CUSTOMER, proto), ec2(CUSTOMER)
    _, vgw_id = vpc_with_vgw(cust_ec2)
    tgw_id = available_tgw(cust_ec2)
    gw_id = dxgw(client)
    assoc_id = associate(client, gw_id, tgw_id, "192.168.0.0/24")["associationId"]
    expect_error(lambda: associate(client, gw_id, vgw_id), CLIENT_ERR, contains=gw_id)
    assert association_states(client, directConnectGatewayId=gw_id) == {assoc_id: "associated"}
    assert associations(client, associatedGatewayId=vgw_id) == []


def test_vgw_quota_per_gateway(dx, ec2, proto):
    client, cust_ec2 = dx(CUSTOMER, proto), ec2(CUSTOMER)
    gw_id = dxgw(client)
    for i in range(20):
        associate(client, gw_id, vpc_with_vgw(cust_ec2, f"10.{i}.0.0/16")[1])
    _, extra = vpc_with_vgw(cust_ec2, "10.200.0.0/16")
    expect_error(lambda: associate(client, gw_id, extra), CLIENT_ERR, contains=["20", gw_id])
    assert len(associations(client, directConnectGatewayId=gw_id)) == 20
    assert associations(client, associatedGatewayId=extra) == []


def test_tgw_quota_per_gateway(dx, ec2, proto):
    client, cust_ec2 = dx(CUSTOMER, proto), ec2(CUSTOMER)
    gw_id = dxgw(client, asn=65000)
    for i in range(6):
        associate(client, gw_id, available_tgw(cust_ec2, 64600 + i), f"172.16.{i}.0/24")
    extra = available_tgw(cust_ec2, 64700)
    expect_error(lambda: associate(client, gw_id, extra, "172.16.100.0/24"), CLIENT_ERR, contains=["6", gw_id])
    assert len(associations(client, directConnectGatewayId=gw_id)) == 6
    assert associations(client, associatedGatewayId=extra) == []


def test_tgw_association(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    tgw_id = available_tgw(ec2(CUSTOMER), asn=64513)
    gw_id = dxgw(client, asn=64999)
    created = associate(client, gw_id, tgw_id, "192.168.1.0/30", "192.168.2.0/30")
    expected = dict(dxgw_id=gw_id, dxgw_owner=CUSTOMER, tgw_id=tgw_id, tgw_owner=CUSTOMER,
                    allowed=["192.168.1.0/30", "192.168.2.0/30"])
    assert_tgw_association(created, state="associating", **expected)
    assert_tgw_association(association(client, created["associationId"]), state="associated", **expected)


def test_tgw_association_requires_prefixes(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    tgw_id = available_tgw(ec2(CUSTOMER))
    gw_id = dxgw(client)
    expect_error(lambda: associate(client, gw_id, tgw_id), CLIENT_ERR,
                 contains=["addAllowedPrefixesToDirectConnectGateway", tgw_id])
    assert associations(client, directConnectGatewayId=gw_id) == []


def test_tgw_association_cannot_lose_its_last_prefix(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    tgw_id = available_tgw(ec2(CUSTOMER))
    gw_id = dxgw(client)
    assoc_id = associate(client, gw_id, tgw_id, "192.168.0.0/24")["associationId"]
    expect_error(lambda: client.update_direct_connect_gateway_association(
        associationId=assoc_id, removeAllowedPrefixesToDirectConnectGateway=prefixes("192.168.0.0/24")),
        CLIENT_ERR, contains=assoc_id)
    settled = association(client, assoc_id)
    assert (settled["associationState"], cidrs(settled)) == ("associated", ["192.168.0.0/24"])


def test_overlapping_tgw_prefixes_are_refused(dx, ec2, proto):
    client, cust_ec2 = dx(CUSTOMER, proto), ec2(CUSTOMER)
    first_tgw, second_tgw = available_tgw(cust_ec2, 64513), available_tgw(cust_ec2, 64514)
    gw_id = dxgw(client)
    assoc_id = associate(client, gw_id, first_tgw, "192.168.0.0/16")["associationId"]
    expect_error(lambda: associate(client, gw_id, second_tgw, "172.16.0.0/12", "192.168.4.0/24"),
                 CLIENT_ERR, contains=["192.168.4.0/24", "192.168.0.0/16"])
    assert association_states(client, directConnectGatewayId=gw_id) == {assoc_id: "associated"}
    # Disjoint prefixes are fine.
    assert associate(client, gw_id, second_tgw, "172.16.0.0/12")["associationState"] == "associating"


def test_update_into_an_overlap_is_refused(dx, ec2, proto):
    client, cust_ec2 = dx(CUSTOMER, proto), ec2(CUSTOMER)
    first_tgw, second_tgw = available_tgw(cust_ec2, 64513), available_tgw(cust_ec2, 64514)
    gw_id = dxgw(client)
    associate(client, gw_id, first_tgw, "192.168.0.0/16")
    second = associate(client, gw_id, second_tgw, "172.16.0.0/12")["associationId"]
    expect_error(lambda: client.update_direct_connect_gateway_association(
        associationId=second, addAllowedPrefixesToDirectConnectGateway=prefixes("192.168.7.0/24")),
        CLIENT_ERR, contains="192.168.7.0/24")
    settled = association(client, second)
    assert (settled["associationState"], cidrs(settled)) == ("associated", ["172.16.0.0/12"])


def test_tgw_with_the_gateway_asn_is_refused(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    tgw_id = available_tgw(ec2(CUSTOMER), asn=64999)
    gw_id = dxgw(client, asn=64999)
    expect_error(lambda: associate(client, gw_id, tgw_id, "192.168.0.0/24"), CLIENT_ERR,
                 contains=[tgw_id, "64999"])
    assert associations(client, directConnectGatewayId=gw_id) == []


def test_tgw_refused_on_a_gateway_with_private_vifs(dx, ec2, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    gw_id = dxgw(customer)
    private_vif_on_dxgw(partner, customer, gw_id)
    tgw_id = available_tgw(ec2(CUSTOMER))
    expect_error(lambda: associate(customer, gw_id, tgw_id, "192.168.0.0/24"), CLIENT_ERR, contains=gw_id)
    assert associations(customer, directConnectGatewayId=gw_id) == []


def test_another_accounts_vgw_does_not_exist(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    _, foreign_vgw = vpc_with_vgw(ec2(THIRD))
    gw_id = dxgw(client)
    expect_error(lambda: associate(client, gw_id, foreign_vgw), CLIENT_ERR,
                 f"The VirtualGateway {foreign_vgw} does not exist.")
    assert associations(client, directConnectGatewayId=gw_id) == []
    assert associations(dx(THIRD, proto), associatedGatewayId=foreign_vgw) == []


def test_vgw_of_another_region_does_not_exist(dx, ec2, proto):
    # The gateway is looked up in the region of the call (resources.md §0.1).
    client = dx(CUSTOMER, proto)
    _, west_vgw = vpc_with_vgw(ec2(CUSTOMER, "us-west-2"))
    gw_id = dxgw(client)
    expect_error(lambda: associate(client, gw_id, west_vgw), CLIENT_ERR,
                 f"The VirtualGateway {west_vgw} does not exist.")
    assert associations(client, directConnectGatewayId=gw_id) == []
    west = associate(dx(CUSTOMER, proto, "us-west-2"), gw_id, west_vgw)
    assert west["associatedGateway"]["region"] == "us-west-2"
    assert west["virtualGatewayRegion"] == "us-west-2"


def test_unknown_vgw_and_unknown_or_foreign_gateway(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    gw_id = dxgw(client)
    expect_error(lambda: associate(client, gw_id, UNKNOWN_VGW), CLIENT_ERR,
                 f"The VirtualGateway {UNKNOWN_VGW} does not exist.")
    _, vgw_id = vpc_with_vgw(ec2(CUSTOMER))
    expect_error(lambda: associate(client, UNKNOWN_DXGW, vgw_id), CLIENT_ERR,
                 contains=["does not exist", UNKNOWN_DXGW])
    # A gateway of another account cannot be associated directly; that is
    # what proposals are for.
    foreign_gw = dxgw(dx(PARTNER, proto))
    expect_error(lambda: associate(client, foreign_gw, vgw_id), CLIENT_ERR,
                 contains=["does not exist", foreign_gw])
    assert associations(client, associatedGatewayId=vgw_id) == []
    assert associations(dx(PARTNER, proto), directConnectGatewayId=foreign_gw) == []


def test_gateway_id_and_virtual_gateway_id_must_agree(dx, ec2, proto):
    client, cust_ec2 = dx(CUSTOMER, proto), ec2(CUSTOMER)
    _, first_vgw = vpc_with_vgw(cust_ec2, "10.1.0.0/16")
    _, second_vgw = vpc_with_vgw(cust_ec2, "10.2.0.0/16")
    gw_id = dxgw(client)
    expect_error(lambda: client.create_direct_connect_gateway_association(
        directConnectGatewayId=gw_id, gatewayId=first_vgw, virtualGatewayId=second_vgw),
        CLIENT_ERR, contains=[first_vgw, second_vgw])
    expect_error(lambda: client.create_direct_connect_gateway_association(directConnectGatewayId=gw_id),
                 CLIENT_ERR)
    assert associations(client, directConnectGatewayId=gw_id) == []


def test_invalid_allowed_prefix_is_refused(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    _, vgw_id = vpc_with_vgw(ec2(CUSTOMER))
    gw_id = dxgw(client)
    expect_error(lambda: associate(client, gw_id, vgw_id, "not-a-cidr"), CLIENT_ERR, contains="not-a-cidr")
    assert associations(client, directConnectGatewayId=gw_id) == []


def test_deleting_a_gateway_with_an_association_reverts(server, dx, ec2, proto):
    # AWS accepts the delete, shows `deleting`, then returns the gateway to
    # `available` with a stateChangeError (resources.md §8); the association
    # must survive the attempt.
    client = dx(CUSTOMER, proto)
    _, vgw_id = vpc_with_vgw(ec2(CUSTOMER))
    gw_id = dxgw(client)
    assoc_id = associate(client, gw_id, vgw_id)["associationId"]
    deleting = client.delete_direct_connect_gateway(directConnectGatewayId=gw_id)["directConnectGateway"]
    assert (deleting["directConnectGatewayId"], deleting["directConnectGatewayState"]) == (gw_id, "deleting")
    server.advance(3 * 60)
    listed = client.describe_direct_connect_gateways(directConnectGatewayId=gw_id)["directConnectGateways"]
    assert [(g["directConnectGatewayId"], g["directConnectGatewayState"]) for g in listed] == [
        (gw_id, "available")], listed
    assert listed[0].get("stateChangeError")
    assert association(client, assoc_id)["associationState"] == "associated"
