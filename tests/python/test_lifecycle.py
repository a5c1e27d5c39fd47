"""Manual lifecycle: nothing moves until the admin API advances the virtual
clock, and then things move after the default delays (resources.md §22).
"""

from support import (
    CUSTOMER, PARTNER, allocate, create_connection, create_dxgw, create_vgw,
    describe_connection, describe_vif, expect_error, pick_location,
)

SERVER_ARGS = ["--lifecycle", "manual"]


def provisioned_connection(server, client) -> str:
    conn_id = create_connection(client)["connectionId"]
    server.advance(60)
    assert describe_connection(client, conn_id)["connectionState"] == "available"
    return conn_id


def test_connection_provisioning_steps(server, dx, proto):
    client = dx(PARTNER, proto)
    conn_id = create_connection(client)["connectionId"]
    assert describe_connection(client, conn_id)["connectionState"] == "requested"
    server.advance(29)
    assert describe_connection(client, conn_id)["connectionState"] == "requested"
    server.advance(1)
    pending = describe_connection(client, conn_id)
    assert pending["connectionState"] == "pending"
    # The device is known from `pending` on.
    assert pending.get("awsDeviceV2")
    server.advance(30)
    assert describe_connection(client, conn_id)["connectionState"] == "available"


def test_connection_must_be_provisioned_before_vifs(server, dx, proto):
    client = dx(PARTNER, proto)
    conn_id = create_connection(client)["connectionId"]
    expect_error(lambda: allocate(client, conn_id, vlan=10), "DirectConnectClientException")
    server.advance(30)
    assert describe_connection(client, conn_id)["connectionState"] == "pending"
    expect_error(lambda: allocate(client, conn_id, vlan=10), "DirectConnectClientException")
    server.advance(30)
    assert allocate(client, conn_id, vlan=10)["virtualInterfaceState"] == "confirming"


def test_confirm_waits_for_the_clock(server, dx, ec2, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_id = provisioned_connection(server, partner)
    vif_id = allocate(partner, conn_id, vlan=10)["virtualInterfaceId"]
    # An allocated VIF waits for its owner however long it takes.
    server.advance(3600)
    assert describe_vif(customer, vif_id)["virtualInterfaceState"] == "confirming"

    vgw_id = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    assert customer.confirm_private_virtual_interface(
        virtualInterfaceId=vif_id, virtualGatewayId=vgw_id)["virtualInterfaceState"] == "pending"
    vif = describe_vif(customer, vif_id)
    assert vif["virtualInterfaceState"] == "pending"
    # The gateway is recorded at once; only the state waits.
    assert vif["virtualGatewayId"] == vgw_id
    assert vif["amazonSideAsn"] == 64512
    server.advance(9)
    assert describe_vif(customer, vif_id)["virtualInterfaceState"] == "pending"
    server.advance(1)
    vif = describe_vif(customer, vif_id)
    assert vif["virtualInterfaceState"] == "available"
    assert vif["bgpPeers"][0]["bgpPeerState"] == "available"
    assert describe_vif(partner, vif_id)["virtualInterfaceState"] == "available"


def test_dxgw_attachment_follows_the_vif(server, dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_id = provisioned_connection(server, partner)
    vif_id = allocate(partner, conn_id, vlan=10)["virtualInterfaceId"]
    gw_id = create_dxgw(customer)["directConnectGatewayId"]
    customer.confirm_private_virtual_interface(virtualInterfaceId=vif_id, directConnectGatewayId=gw_id)

    def attachment_states():
        return [a["attachmentState"] for a in customer.describe_direct_connect_gateway_attachments(
            directConnectGatewayId=gw_id)["directConnectGatewayAttachments"]]

    assert attachment_states() == ["attaching"]
    server.advance(10)
    assert attachment_states() == ["attached"]
    assert describe_vif(customer, vif_id)["virtualInterfaceState"] == "available"

    assert customer.delete_virtual_interface(virtualInterfaceId=vif_id)["virtualInterfaceState"] == "deleting"
    assert describe_vif(customer, vif_id)["virtualInterfaceState"] == "deleting"
    assert attachment_states() == ["detaching"]
    server.advance(10)
    assert describe_vif(customer, vif_id)["virtualInterfaceState"] == "deleted"
    assert attachment_states() in ([], ["detached"])


def test_deleted_vif_tail(server, dx, proto):
    partner = dx(PARTNER, proto)
    conn_id = provisioned_connection(server, partner)
    vif_id = allocate(partner, conn_id, vlan=10)["virtualInterfaceId"]
    assert partner.delete_virtual_interface(virtualInterfaceId=vif_id)["virtualInterfaceState"] == "deleting"
    assert describe_vif(partner, vif_id)["virtualInterfaceState"] == "deleting"
    server.advance(10)
    assert describe_vif(partner, vif_id)["virtualInterfaceState"] == "deleted"
    server.advance(14 * 60)
    assert describe_vif(partner, vif_id)["virtualInterfaceState"] == "deleted"
    server.advance(2 * 60)
    assert partner.describe_virtual_interfaces(virtualInterfaceId=vif_id)["virtualInterfaces"] == []


def test_created_vif_becomes_available(server, dx, ec2, proto):
    client = dx(CUSTOMER, proto)
    conn_id = provisioned_connection(server, client)
    vgw_id = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    vif = client.create_private_virtual_interface(
        connectionId=conn_id,
        newPrivateVirtualInterface={"virtualInterfaceName": "own", "vlan": 5, "asn": 65000,
                                    "virtualGatewayId": vgw_id})
    assert vif["virtualInterfaceState"] == "pending"
    assert describe_vif(client, vif["virtualInterfaceId"])["virtualInterfaceState"] == "pending"
    server.advance(10)
    assert describe_vif(client, vif["virtualInterfaceId"])["virtualInterfaceState"] == "available"


def test_dxgw_deletion_takes_ten_seconds(server, dx, proto):
    client = dx(CUSTOMER, proto)
    gw_id = create_dxgw(client)["directConnectGatewayId"]
    assert client.delete_direct_connect_gateway(
        directConnectGatewayId=gw_id)["directConnectGateway"]["directConnectGatewayState"] == "deleting"
    gws = client.describe_direct_connect_gateways(directConnectGatewayId=gw_id)["directConnectGateways"]
    assert [g["directConnectGatewayState"] for g in gws] == ["deleting"]
    server.advance(10)
    assert client.describe_direct_connect_gateways(directConnectGatewayId=gw_id)["directConnectGateways"] == []


def test_vgw_attachment_takes_two_seconds(server, ec2):
    client = ec2(CUSTOMER)
    vgw_id = create_vgw(client, attach=False)["VpnGatewayId"]
    vpc_id = client.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    assert client.attach_vpn_gateway(VpcId=vpc_id, VpnGatewayId=vgw_id)["VpcAttachment"]["State"] == "attaching"

    def attachment():
        return client.describe_vpn_gateways(VpnGatewayIds=[vgw_id])["VpnGateways"][0]["VpcAttachments"]

    assert attachment() == [{"VpcId": vpc_id, "State": "attaching"}]
    server.advance(2)
    assert attachment() == [{"VpcId": vpc_id, "State": "attached"}]


def test_reset_clears_pending_work(server, dx, proto):
    client = dx(PARTNER, proto)
    location, bandwidth = pick_location(client)
    client.create_connection(location=location, bandwidth=bandwidth, connectionName="x")
    server.reset()
    assert client.describe_connections()["connections"] == []


def test_second_confirm_while_pending(server, dx, ec2, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_id = provisioned_connection(server, partner)
    vif_id = allocate(partner, conn_id, vlan=10)["virtualInterfaceId"]
    vgw_id = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    customer.confirm_private_virtual_interface(virtualInterfaceId=vif_id, virtualGatewayId=vgw_id)
    expect_error(lambda: customer.confirm_private_virtual_interface(virtualInterfaceId=vif_id, virtualGatewayId=vgw_id),
                 "DirectConnectClientException",
                 f"Virtual interface {vif_id} is not in the confirming state (current state: pending)")
    assert describe_vif(customer, vif_id)["virtualInterfaceState"] == "pending"


def test_delete_while_pending(server, dx, ec2, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_id = provisioned_connection(server, partner)
    vif_id = allocate(partner, conn_id, vlan=10)["virtualInterfaceId"]
    vgw_id = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    customer.confirm_private_virtual_interface(virtualInterfaceId=vif_id, virtualGatewayId=vgw_id)
    assert customer.delete_virtual_interface(virtualInterfaceId=vif_id)["virtualInterfaceState"] == "deleting"
    # The pending -> available timer must not resurrect a deleting VIF.
    server.advance(10)
    assert describe_vif(customer, vif_id)["virtualInterfaceState"] == "deleted"
    server.advance(60)
    assert describe_vif(customer, vif_id)["virtualInterfaceState"] == "deleted"


def test_connection_deleted_while_provisioning(server, dx, proto):
    client = dx(PARTNER, proto)
    conn_id = create_connection(client)["connectionId"]
    assert client.delete_connection(connectionId=conn_id)["connectionState"] == "deleted"
    # The provisioning timers must not bring it back.
    server.advance(120)
    assert describe_connection(client, conn_id)["connectionState"] == "deleted"


def test_clock_advance_in_one_big_step(server, dx, ec2, proto):
    # Several due transitions in one jump apply in order.
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_id = create_connection(partner)["connectionId"]
    server.advance(3600)
    assert describe_connection(partner, conn_id)["connectionState"] == "available"
    vif_id = allocate(partner, conn_id, vlan=10)["virtualInterfaceId"]
    vgw_id = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    customer.confirm_private_virtual_interface(virtualInterfaceId=vif_id, virtualGatewayId=vgw_id)
    customer.delete_virtual_interface(virtualInterfaceId=vif_id)
    server.advance(5)
    assert describe_vif(customer, vif_id)["virtualInterfaceState"] == "deleting"
    server.advance(3600)
    assert customer.describe_virtual_interfaces(virtualInterfaceId=vif_id)["virtualInterfaces"] == []
