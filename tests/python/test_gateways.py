"""Direct Connect gateways (global, owned by their creator), their VIF
attachments, and the VGW list Direct Connect reads from EC2.
"""

import pytest

from support import (
    CUSTOMER, PARTNER, THIRD, UNKNOWN_DXGW, UNKNOWN_VIF, UUID_RE, allocate,
    available_connection, create_dxgw, create_vgw, expect_error,
)

CLIENT_ERR = "DirectConnectClientException"


def dxgw_ids(client, **kw):
    return [g["directConnectGatewayId"]
            for g in client.describe_direct_connect_gateways(**kw)["directConnectGateways"]]


def test_create_describe_delete(dx, proto):
    client = dx(CUSTOMER, proto)
    resp = client.create_direct_connect_gateway(directConnectGatewayName="gw-one", amazonSideAsn=64999)
    gw = resp["directConnectGateway"]
    gw_id = gw["directConnectGatewayId"]
    assert UUID_RE.match(gw_id)
    assert gw["directConnectGatewayName"] == "gw-one"
    assert gw["amazonSideAsn"] == 64999
    assert gw["ownerAccount"] == CUSTOMER
    assert gw["directConnectGatewayState"] == "available"
    assert "stateChangeError" not in gw

    listed = client.describe_direct_connect_gateways(directConnectGatewayId=gw_id)["directConnectGateways"]
    assert len(listed) == 1
    assert {k: listed[0][k] for k in ("directConnectGatewayId", "directConnectGatewayName", "amazonSideAsn",
                                      "ownerAccount", "directConnectGatewayState")} == {
        "directConnectGatewayId": gw_id, "directConnectGatewayName": "gw-one", "amazonSideAsn": 64999,
        "ownerAccount": CUSTOMER, "directConnectGatewayState": "available"}
    assert dxgw_ids(client) == [gw_id]

    deleted = client.delete_direct_connect_gateway(directConnectGatewayId=gw_id)["directConnectGateway"]
    assert deleted["directConnectGatewayId"] == gw_id
    assert deleted["directConnectGatewayState"] == "deleting"
    # Deleted gateways are not returned at all.
    assert dxgw_ids(client) == []
    assert dxgw_ids(client, directConnectGatewayId=gw_id) == []
    expect_error(lambda: client.delete_direct_connect_gateway(directConnectGatewayId=gw_id),
                 CLIENT_ERR, contains="does not exist")


def test_default_amazon_side_asn(dx, proto):
    gw = create_dxgw(dx(CUSTOMER, proto), asn=None)
    assert gw["amazonSideAsn"] == 64512


@pytest.mark.parametrize("asn", [4200000000, 4294967294, 65534, 64512])
def test_valid_private_asns(dx, proto, asn):
    assert create_dxgw(dx(CUSTOMER, proto), asn=asn)["amazonSideAsn"] == asn


@pytest.mark.parametrize("asn", [100, 7224, 65535, 64511, 4199999999, 4294967295])
def test_invalid_asn(dx, proto, asn):
    client = dx(CUSTOMER, proto)
    expect_error(lambda: client.create_direct_connect_gateway(directConnectGatewayName="x", amazonSideAsn=asn),
                 CLIENT_ERR)
    assert dxgw_ids(client) == []


def test_gateways_are_global_but_private(dx, proto):
    client = dx(CUSTOMER, proto)
    gw_id = create_dxgw(client)["directConnectGatewayId"]
    for region in ("eu-west-1", "ap-northeast-1"):
        assert dxgw_ids(dx(CUSTOMER, proto, region)) == [gw_id]
    assert dxgw_ids(dx(THIRD, proto)) == []
    assert dxgw_ids(dx(THIRD, proto), directConnectGatewayId=gw_id) == []
    expect_error(lambda: dx(THIRD, proto).delete_direct_connect_gateway(directConnectGatewayId=gw_id),
                 CLIENT_ERR, contains="does not exist")
    assert dxgw_ids(client) == [gw_id]
    # Deleting through another region's endpoint works too.
    dx(CUSTOMER, proto, "eu-west-1").delete_direct_connect_gateway(directConnectGatewayId=gw_id)
    assert dxgw_ids(client) == []


def test_unknown_ids_give_empty_lists(dx, proto):
    client = dx(CUSTOMER, proto)
    assert dxgw_ids(client, directConnectGatewayId=UNKNOWN_DXGW) == []
    assert client.describe_virtual_interfaces(virtualInterfaceId=UNKNOWN_VIF)["virtualInterfaces"] == []
    assert client.describe_direct_connect_gateway_attachments(
        directConnectGatewayId=UNKNOWN_DXGW)["directConnectGatewayAttachments"] == []
    assert client.describe_direct_connect_gateway_attachments(
        virtualInterfaceId=UNKNOWN_VIF)["directConnectGatewayAttachments"] == []


def test_delete_unknown_gateway(dx, proto):
    expect_error(lambda: dx(CUSTOMER, proto).delete_direct_connect_gateway(directConnectGatewayId=UNKNOWN_DXGW),
                 CLIENT_ERR, contains="does not exist")


def test_attachments_need_a_filter(dx, proto):
    expect_error(lambda: dx(CUSTOMER, proto).describe_direct_connect_gateway_attachments(), CLIENT_ERR)


def test_delete_gateway_with_attached_vif_is_refused(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_id = available_connection(partner)
    vif_id = allocate(partner, conn_id, vlan=10)["virtualInterfaceId"]
    gw_id = create_dxgw(customer)["directConnectGatewayId"]
    customer.confirm_private_virtual_interface(virtualInterfaceId=vif_id, directConnectGatewayId=gw_id)
    expect_error(lambda: customer.delete_direct_connect_gateway(directConnectGatewayId=gw_id), CLIENT_ERR)
    gws = customer.describe_direct_connect_gateways(directConnectGatewayId=gw_id)["directConnectGateways"]
    assert [g["directConnectGatewayState"] for g in gws] == ["available"]
    # After the VIF is gone, the gateway can be deleted.
    customer.delete_virtual_interface(virtualInterfaceId=vif_id)
    assert customer.delete_direct_connect_gateway(
        directConnectGatewayId=gw_id)["directConnectGateway"]["directConnectGatewayState"] == "deleting"
    assert dxgw_ids(customer) == []


def test_attachment_visible_to_vif_owner_only(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_id = available_connection(partner)
    vif_id = allocate(partner, conn_id, vlan=10)["virtualInterfaceId"]
    gw_id = create_dxgw(customer)["directConnectGatewayId"]
    customer.confirm_private_virtual_interface(virtualInterfaceId=vif_id, directConnectGatewayId=gw_id)
    third = dx(THIRD, proto)
    assert third.describe_direct_connect_gateway_attachments(
        directConnectGatewayId=gw_id)["directConnectGatewayAttachments"] == []
    assert third.describe_direct_connect_gateway_attachments(
        virtualInterfaceId=vif_id)["directConnectGatewayAttachments"] == []


def test_gateway_names_and_many_gateways(dx, proto):
    client = dx(CUSTOMER, proto)
    ids = [create_dxgw(client, f"gw {i} With Spaces")["directConnectGatewayId"] for i in range(5)]
    assert sorted(dxgw_ids(client)) == sorted(ids)
    assert len(set(ids)) == 5


# -- DescribeVirtualGateways --------------------------------------------------------

def test_describe_virtual_gateways_follows_ec2(dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    assert client.describe_virtual_gateways()["virtualGateways"] == []
    cust_ec2 = ec2(CUSTOMER)
    attached = create_vgw(cust_ec2)["VpnGatewayId"]
    detached = create_vgw(cust_ec2, attach=False)["VpnGatewayId"]
    states = {g["virtualGatewayId"]: g["virtualGatewayState"]
              for g in client.describe_virtual_gateways()["virtualGateways"]}
    assert states == {attached: "available", detached: "available"}

    cust_ec2.delete_vpn_gateway(VpnGatewayId=detached)
    states = {g["virtualGatewayId"]: g["virtualGatewayState"]
              for g in client.describe_virtual_gateways()["virtualGateways"]}
    assert states[attached] == "available"
    assert states.get(detached, "deleted") in ("deleting", "deleted")

    # Regional and per account.
    assert dx(CUSTOMER, proto, "us-west-2").describe_virtual_gateways()["virtualGateways"] == []
    assert dx(THIRD, proto).describe_virtual_gateways()["virtualGateways"] == []


def test_gateway_quota_per_account(dx, proto):
    client = dx(CUSTOMER, proto)
    for i in range(200):
        create_dxgw(client, f"q{i}")
    expect_error(lambda: create_dxgw(client, "one-too-many"), CLIENT_ERR, contains="200")
    # Another account is unaffected.
    create_dxgw(dx(THIRD, proto), "theirs")
