"""The hosted private VIF story across three accounts: a partner owns the
connection, allocates VIFs to a customer, the customer accepts them onto a
VGW or a Direct Connect gateway (or rejects one), and a third party sees none
of it.
"""

import re

import pytest

from support import (
    AUTH_KEY_RE, CONNECTION_ID_RE, CUSTOMER, PARTNER, REGION, SEEDED_REGIONS, THIRD,
    UUID_RE, VIF_ID_RE, allocate, assert_error, client_error, create_dxgw, create_vgw,
    describe_connection, describe_vif, pick_location, vif_arn, vif_ids,
)

LOCATION_MEMBERS = {
    "locationCode", "locationName", "region", "availablePortSpeeds", "availableProviders",
    "availableMacSecPortSpeeds", "availableBillingModes",
}
SPEED_RE = re.compile(r"^\d+G$")


@pytest.mark.parametrize("region", SEEDED_REGIONS)
def test_describe_locations_catalogue(dx, proto, region):
    locations = dx(PARTNER, proto, region).describe_locations()["locations"]
    assert len(locations) >= 2
    for loc in locations:
        assert set(loc) >= LOCATION_MEMBERS, sorted(LOCATION_MEMBERS - set(loc))
        assert loc["region"] == region
        assert loc["locationCode"] and loc["locationName"]
        assert loc["availablePortSpeeds"]
        assert loc["availableProviders"]
        for speed in loc["availablePortSpeeds"] + loc["availableMacSecPortSpeeds"]:
            assert SPEED_RE.match(speed), speed
        # MACsec is never offered on 1 Gbps ports.
        assert "1G" not in loc["availableMacSecPortSpeeds"]
        modes = {m["billingMode"]: m for m in loc["availableBillingModes"]}
        assert "PayAsYouGo" in modes
        assert set(modes["PayAsYouGo"]["availablePortSpeeds"]) == set(loc["availablePortSpeeds"])
    assert any(loc["availableMacSecPortSpeeds"] for loc in locations)
    assert any(m["billingMode"] != "PayAsYouGo"
               for loc in locations for m in loc["availableBillingModes"])
    codes = [loc["locationCode"] for loc in locations]
    assert len(codes) == len(set(codes))


def test_locations_differ_by_region(dx, proto):
    east = {l["locationCode"] for l in dx(PARTNER, proto, "us-east-1").describe_locations()["locations"]}
    west = {l["locationCode"] for l in dx(PARTNER, proto, "us-west-2").describe_locations()["locations"]}
    assert east and west and not (east & west)


def test_three_account_hosted_vif_flow(dx, ec2, proto):
    partner, customer, third = dx(PARTNER, proto), dx(CUSTOMER, proto), dx(THIRD, proto)

    # -- partner orders a dedicated connection --------------------------------
    location, bandwidth = pick_location(partner)
    conn = partner.create_connection(location=location, bandwidth=bandwidth, connectionName="partner-port")
    conn_id = conn["connectionId"]
    assert CONNECTION_ID_RE.match(conn_id)
    assert conn["connectionState"] == "requested"
    assert conn["ownerAccount"] == PARTNER
    assert conn["location"] == location
    assert conn["bandwidth"] == bandwidth
    assert conn["region"] == REGION
    assert conn["connectionName"] == "partner-port"
    # No device is reported while the port is only requested.
    assert "awsDevice" not in conn and "awsDeviceV2" not in conn
    assert describe_connection(partner, conn_id)["connectionState"] == "available"

    # -- partner allocates a private VIF to the customer -----------------------
    vif = allocate(partner, conn_id, vlan=101, asn=65000, name="for-customer")
    vif_id = vif["virtualInterfaceId"]
    assert VIF_ID_RE.match(vif_id)
    assert vif["virtualInterfaceState"] == "confirming"
    assert vif["ownerAccount"] == CUSTOMER
    assert vif["connectionId"] == conn_id
    assert vif["virtualInterfaceType"] == "private"
    assert vif["virtualInterfaceName"] == "for-customer"
    assert vif["vlan"] == 101
    assert vif["asn"] == 65000
    assert vif["asnLong"] == 65000
    assert vif["virtualGatewayId"] == ""
    assert vif["directConnectGatewayId"] == ""
    assert vif["amazonSideAsn"] == 7224
    assert vif["location"] == location
    assert vif["region"] == REGION
    assert vif["addressFamily"] == "ipv4"
    assert vif["mtu"] == 1500
    assert vif["routeFilterPrefixes"] == []
    m = re.match(r"^169\.254\.(\d{1,3})\.(\d{1,3})/30$", vif["amazonAddress"])
    assert m, vif["amazonAddress"]
    third_octet, last = m.groups()
    # A /30 block: network address 4n, Amazon the first host, customer the second.
    network = int(last) - 1
    assert network % 4 == 0
    assert vif["customerAddress"] == f"169.254.{third_octet}.{network + 2}/30"
    assert AUTH_KEY_RE.match(vif["authKey"]), vif["authKey"]
    assert len(vif["bgpPeers"]) == 1
    peer = vif["bgpPeers"][0]
    assert peer["bgpPeerId"].startswith("dxpeer-")
    assert peer["bgpPeerState"] == "pending"
    assert peer["bgpStatus"] == "down"
    assert peer["asn"] == 65000
    assert peer["addressFamily"] == "ipv4"
    assert peer["amazonAddress"] == vif["amazonAddress"]
    assert peer["customerAddress"] == vif["customerAddress"]
    assert peer["authKey"] == vif["authKey"]
    assert "<amazon_bgp_asn>7224</amazon_bgp_asn>" in vif["customerRouterConfig"]
    assert f'id="{vif_id}"' in vif["customerRouterConfig"]

    # -- who sees it ----------------------------------------------------------
    assert describe_vif(customer, vif_id)["virtualInterfaceState"] == "confirming"
    assert vif_id in vif_ids(customer)
    assert describe_vif(partner, vif_id)["ownerAccount"] == CUSTOMER
    assert vif_id in vif_ids(partner, connectionId=conn_id)
    assert vif_id not in vif_ids(third)
    assert vif_ids(third, virtualInterfaceId=vif_id) == []
    # The connection itself stays the partner's business.
    assert conn_id not in [c["connectionId"] for c in customer.describe_connections()["connections"]]

    # -- customer builds a VPC with a VGW and accepts the VIF onto it ---------
    cust_ec2 = ec2(CUSTOMER)
    vgw = create_vgw(cust_ec2, cidr="10.1.0.0/16")
    vgw_id = vgw["VpnGatewayId"]
    assert vgw["AmazonSideAsn"] == 64512
    gateways = customer.describe_virtual_gateways()["virtualGateways"]
    assert {"virtualGatewayId": vgw_id, "virtualGatewayState": "available"} in gateways
    assert vgw_id not in [g["virtualGatewayId"] for g in partner.describe_virtual_gateways()["virtualGateways"]]

    resp = customer.confirm_private_virtual_interface(virtualInterfaceId=vif_id, virtualGatewayId=vgw_id)
    assert resp["virtualInterfaceState"] == "pending"
    assert set(resp) - {"ResponseMetadata"} == {"virtualInterfaceState"}

    confirmed = describe_vif(customer, vif_id)
    assert confirmed["virtualInterfaceState"] == "available"
    assert confirmed["virtualGatewayId"] == vgw_id
    assert confirmed["directConnectGatewayId"] == ""
    assert confirmed["amazonSideAsn"] == 64512
    assert confirmed["ownerAccount"] == CUSTOMER
    # Peers keep their identity, addresses and key through the confirm.
    assert [p["bgpPeerId"] for p in confirmed["bgpPeers"]] == [peer["bgpPeerId"]]
    assert confirmed["amazonAddress"] == vif["amazonAddress"]
    assert confirmed["customerAddress"] == vif["customerAddress"]
    assert confirmed["authKey"] == vif["authKey"]
    assert confirmed["bgpPeers"][0]["bgpPeerState"] == "available"
    assert confirmed["bgpPeers"][0]["bgpStatus"] == "up"
    assert "<amazon_bgp_asn>64512</amazon_bgp_asn>" in confirmed["customerRouterConfig"]
    # The partner still sees it on its connection, settled too.
    assert describe_vif(partner, vif_id)["virtualInterfaceState"] == "available"

    # -- second allocation, accepted onto the customer's DX gateway ------------
    dxgw = create_dxgw(customer, "customer-dxgw", asn=64999)
    dxgw_id = dxgw["directConnectGatewayId"]
    assert UUID_RE.match(dxgw_id)
    assert dxgw["directConnectGatewayState"] == "available"
    assert dxgw["ownerAccount"] == CUSTOMER
    assert dxgw["amazonSideAsn"] == 64999

    vif2_id = allocate(partner, conn_id, vlan=102)["virtualInterfaceId"]
    resp = customer.confirm_private_virtual_interface(virtualInterfaceId=vif2_id, directConnectGatewayId=dxgw_id)
    assert resp["virtualInterfaceState"] == "pending"
    vif2 = describe_vif(customer, vif2_id)
    assert vif2["virtualInterfaceState"] == "available"
    assert vif2["directConnectGatewayId"] == dxgw_id
    assert vif2["virtualGatewayId"] == ""
    assert vif2["amazonSideAsn"] == 64999
    assert "<amazon_bgp_asn>64999</amazon_bgp_asn>" in vif2["customerRouterConfig"]

    attachments = customer.describe_direct_connect_gateway_attachments(
        directConnectGatewayId=dxgw_id)["directConnectGatewayAttachments"]
    assert len(attachments) == 1
    att = attachments[0]
    assert att["directConnectGatewayId"] == dxgw_id
    assert att["virtualInterfaceId"] == vif2_id
    assert att["virtualInterfaceRegion"] == REGION
    assert att["virtualInterfaceOwnerAccount"] == CUSTOMER
    assert att["attachmentType"] == "PrivateVirtualInterface"
    assert att["attachmentState"] == "attached"
    by_vif = customer.describe_direct_connect_gateway_attachments(
        virtualInterfaceId=vif2_id)["directConnectGatewayAttachments"]
    assert by_vif == attachments
    # The VGW-attached VIF has no DXGW attachment.
    assert customer.describe_direct_connect_gateway_attachments(
        virtualInterfaceId=vif_id)["directConnectGatewayAttachments"] == []

    # -- third allocation, rejected by the customer -----------------------------
    vif3_id = allocate(partner, conn_id, vlan=103)["virtualInterfaceId"]
    resp = customer.delete_virtual_interface(virtualInterfaceId=vif3_id)
    assert resp["virtualInterfaceState"] == "rejected"
    assert describe_vif(customer, vif3_id)["virtualInterfaceState"] == "rejected"
    assert describe_vif(partner, vif3_id)["virtualInterfaceState"] == "rejected"

    # -- tags live in the owner's (customer's) account ---------------------------
    arn = vif_arn(vif_id, CUSTOMER)
    customer.tag_resource(resourceArn=arn, tags=[{"key": "team", "value": "net"}, {"key": "env", "value": "prod"}])
    tags = customer.describe_tags(resourceArns=[arn])["resourceTags"]
    assert len(tags) == 1 and tags[0]["resourceArn"] == arn
    assert sorted((t["key"], t["value"]) for t in tags[0]["tags"]) == [("env", "prod"), ("team", "net")]
    customer.untag_resource(resourceArn=arn, tagKeys=["env"])
    tags = customer.describe_tags(resourceArns=[arn])["resourceTags"]
    assert [(t["key"], t["value"]) for t in tags[0]["tags"]] == [("team", "net")]

    # The partner allocated it but does not own it: no tagging, not even reading.
    err = client_error(partner.tag_resource, resourceArn=arn, tags=[{"key": "k", "value": "v"}])
    assert_error(err, "DirectConnectClientException")
    err = client_error(partner.describe_tags, resourceArns=[arn])
    assert_error(err, "DirectConnectClientException")
    # Nor under an ARN in its own account.
    err = client_error(partner.tag_resource, resourceArn=vif_arn(vif_id, PARTNER),
                       tags=[{"key": "k", "value": "v"}])
    assert_error(err, "DirectConnectClientException")
    err = client_error(third.tag_resource, resourceArn=arn, tags=[{"key": "k", "value": "v"}])
    assert_error(err, "DirectConnectClientException")
    tags = customer.describe_tags(resourceArns=[arn])["resourceTags"]
    assert [(t["key"], t["value"]) for t in tags[0]["tags"]] == [("team", "net")]


def test_allocator_tags_stay_with_the_vif(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    location, bandwidth = pick_location(partner)
    conn_id = partner.create_connection(location=location, bandwidth=bandwidth,
                                        connectionName="p")["connectionId"]
    vif = allocate(partner, conn_id, vlan=300, tags=[{"key": "from", "value": "partner"}])
    assert vif["tags"] == [{"key": "from", "value": "partner"}]
    tags = customer.describe_tags(resourceArns=[vif_arn(vif["virtualInterfaceId"])])["resourceTags"]
    assert tags[0]["tags"] == [{"key": "from", "value": "partner"}]


def test_allocation_with_explicit_addresses_and_key(dx, proto):
    partner = dx(PARTNER, proto)
    location, bandwidth = pick_location(partner)
    conn_id = partner.create_connection(location=location, bandwidth=bandwidth,
                                        connectionName="p")["connectionId"]
    vif = allocate(partner, conn_id, vlan=1000, asn=65000, authKey="asdf34example",
                   amazonAddress="192.168.1.1/30", customerAddress="192.168.1.2/30")
    assert vif["amazonAddress"] == "192.168.1.1/30"
    assert vif["customerAddress"] == "192.168.1.2/30"
    assert vif["authKey"] == "asdf34example"
    assert vif["bgpPeers"][0]["authKey"] == "asdf34example"


def test_allocation_with_four_byte_asn(dx, proto):
    partner = dx(PARTNER, proto)
    location, bandwidth = pick_location(partner)
    conn_id = partner.create_connection(location=location, bandwidth=bandwidth,
                                        connectionName="p")["connectionId"]
    vif = partner.allocate_private_virtual_interface(
        connectionId=conn_id, ownerAccount=CUSTOMER,
        newPrivateVirtualInterfaceAllocation={"virtualInterfaceName": "big-asn", "vlan": 7,
                                              "asnLong": 4200000001})
    assert vif["asnLong"] == 4200000001
    assert vif["asn"] == 0


def test_auto_assigned_addresses_do_not_collide(dx, proto):
    partner = dx(PARTNER, proto)
    location, bandwidth = pick_location(partner)
    conn_id = partner.create_connection(location=location, bandwidth=bandwidth,
                                        connectionName="p")["connectionId"]
    vifs = [allocate(partner, conn_id, vlan=v) for v in (11, 12, 13)]
    assert len({v["amazonAddress"] for v in vifs}) == 3
    assert len({v["authKey"] for v in vifs}) == 3
