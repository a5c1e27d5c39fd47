"""BGP on a virtual interface: adding and removing peers (CreateBGPPeer,
DeleteBGPPeer), the router configuration AWS hands out for it, and the
routes a session carries (ListVirtualInterfaceRoutes).
"""

import ipaddress

import pytest

from support import (
    AUTH_KEY_RE, CUSTOMER, PARTNER, THIRD, UNKNOWN_VIF, allocate, available_connection,
    create_dxgw, create_vgw, describe_connection, describe_vif, expect_error, pick_location,
)
from support_vifs import (
    CLIENT_ERR, create_public, expected_router_config, peers_by_id, private_on_dxgw, private_on_vgw,
    same_subnet,
)

LAST_PEER = "The last BGP Peer on a Virtual Interface cannot be deleted"
UNKNOWN_PEER = "dxpeer-fzzzzzzz"

CISCO = "CiscoSystemsInc-2900SeriesRouters-IOS124"
CISCO_ROUTER = {
    "vendor": "Cisco Systems, Inc.",
    "platform": "2900 Series Routers",
    "software": "IOS 12.4+",
    "xsltTemplateName": "customer-router-cisco-generic.xslt",
    "xsltTemplateNameForMacSec": "",
    "routerTypeIdentifier": CISCO,
}


def unwrap(resp):
    """CreateBGPPeer and DeleteBGPPeer answer {"virtualInterface": {...}}."""
    resp = dict(resp)
    resp.pop("ResponseMetadata")
    assert list(resp) == ["virtualInterface"], resp
    return resp["virtualInterface"]


@pytest.fixture
def own_vif(dx, ec2, proto):
    """A private VIF the customer created on its own connection, `available`."""
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    vif = private_on_vgw(client, ec2(CUSTOMER), conn_id, vlan=125, asn=65000)
    return client, conn_id, vif


def add_peer(client, vif_id, **peer):
    return lambda: client.create_bgp_peer(virtualInterfaceId=vif_id, newBGPPeer=peer)


def delete_peer(client, vif_id, **kw):
    return lambda: client.delete_bgp_peer(virtualInterfaceId=vif_id, **kw)


# -- flow 5: an IPv6 session added and removed -------------------------------------------

def test_ipv6_peer_lifecycle(own_vif):
    client, _, vif = own_vif
    vif_id = vif["virtualInterfaceId"]
    [v4] = vif["bgpPeers"]

    added = unwrap(client.create_bgp_peer(
        virtualInterfaceId=vif_id, newBGPPeer={"asn": 64600, "addressFamily": "ipv6"}))
    assert added["virtualInterfaceId"] == vif_id
    # Adding a session leaves the VIF as it was.
    assert added["virtualInterfaceState"] == "available"
    assert len(added["bgpPeers"]) == 2
    assert added["bgpPeers"][0] == v4
    v6 = added["bgpPeers"][1]
    assert v6["bgpPeerId"].startswith("dxpeer-") and v6["bgpPeerId"] != v4["bgpPeerId"]
    assert (v6["addressFamily"], v6["asn"], v6["asnLong"]) == ("ipv6", 64600, 64600)
    assert (v6["bgpPeerState"], v6["bgpStatus"]) == ("pending", "down")
    # AWS assigns the IPv6 pair itself, from one /125.
    assert same_subnet(v6["amazonAddress"], v6["customerAddress"], 125), v6
    assert ipaddress.ip_interface(v6["amazonAddress"]).version == 6
    # Each session has its own generated key.
    assert AUTH_KEY_RE.match(v6["authKey"]) and v6["authKey"] != v4["authKey"]
    # The VIF's top-level peer fields still describe the first session.
    assert (added["addressFamily"], added["authKey"]) == ("ipv4", v4["authKey"])
    config = added["customerRouterConfig"]
    assert config == expected_router_config(added)
    for element in (f"<ipv6_customer_address>{v6['customerAddress']}</ipv6_customer_address>",
                    f"<ipv6_amazon_address>{v6['amazonAddress']}</ipv6_amazon_address>",
                    "<ipv6_bgp_asn>64600</ipv6_bgp_asn>",
                    f"<ipv6_bgp_auth_key>{v6['authKey']}</ipv6_bgp_auth_key>"):
        assert element in config, element

    settled = describe_vif(client, vif_id)
    assert peers_by_id(settled)[v6["bgpPeerId"]]["bgpPeerState"] == "available"
    assert peers_by_id(settled)[v6["bgpPeerId"]]["bgpStatus"] == "up"
    assert settled["customerRouterConfig"] == config
    generic = client.describe_router_configuration(virtualInterfaceId=vif_id)
    assert generic["customerRouterConfig"] == config

    removed = unwrap(client.delete_bgp_peer(virtualInterfaceId=vif_id, bgpPeerId=v6["bgpPeerId"]))
    assert removed["virtualInterfaceState"] == "available"
    assert peers_by_id(removed)[v6["bgpPeerId"]]["bgpPeerState"] == "deleting"
    assert peers_by_id(removed)[v4["bgpPeerId"]]["bgpPeerState"] == "available"
    # A session on its way out is already gone from the configuration.
    assert removed["customerRouterConfig"] == vif["customerRouterConfig"]
    assert "ipv6_" not in removed["customerRouterConfig"]
    after = describe_vif(client, vif_id)
    assert peers_by_id(after)[v6["bgpPeerId"]]["bgpPeerState"] == "deleted"
    assert after["customerRouterConfig"] == vif["customerRouterConfig"]

    # The remaining session is the last one and stays.
    expect_error(delete_peer(client, vif_id, bgpPeerId=v4["bgpPeerId"]), CLIENT_ERR, contains=LAST_PEER)
    assert describe_vif(client, vif_id) == after


def test_delete_peer_by_asn_and_customer_address(own_vif):
    # Terraform names the peer by ASN and customer address, not by ID.
    client, _, vif = own_vif
    vif_id = vif["virtualInterfaceId"]
    added = unwrap(client.create_bgp_peer(
        virtualInterfaceId=vif_id, newBGPPeer={"asn": 64700, "addressFamily": "ipv6"}))
    v6 = added["bgpPeers"][1]
    removed = unwrap(client.delete_bgp_peer(virtualInterfaceId=vif_id, asn=64700,
                                            customerAddress=v6["customerAddress"]))
    assert peers_by_id(removed)[v6["bgpPeerId"]]["bgpPeerState"] == "deleting"
    assert peers_by_id(describe_vif(client, vif_id))[v6["bgpPeerId"]]["bgpPeerState"] == "deleted"


def test_delete_peer_needs_an_identity(own_vif):
    client, _, vif = own_vif
    vif_id = vif["virtualInterfaceId"]
    expect_error(delete_peer(client, vif_id), CLIENT_ERR,
                 "Identify the BGP peer by bgpPeerId, or by asn and customerAddress")
    expect_error(delete_peer(client, vif_id, asn=65000), CLIENT_ERR,
                 "Identify the BGP peer by bgpPeerId, or by asn and customerAddress")
    assert describe_vif(client, vif_id) == vif


def test_delete_unknown_peer(own_vif):
    client, _, vif = own_vif
    vif_id = vif["virtualInterfaceId"]
    # The message names the VIF and the peer the caller asked for.
    expect_error(delete_peer(client, vif_id, bgpPeerId=UNKNOWN_PEER), CLIENT_ERR,
                 contains=[vif_id, UNKNOWN_PEER])
    expect_error(delete_peer(client, vif_id, asn=65001, customerAddress=vif["customerAddress"]), CLIENT_ERR,
                 contains=vif_id)
    assert describe_vif(client, vif_id) == vif
    # A peer already on its way out is no longer there to delete.
    v6 = unwrap(client.create_bgp_peer(virtualInterfaceId=vif_id,
                                       newBGPPeer={"asn": 64600, "addressFamily": "ipv6"}))["bgpPeers"][1]
    client.delete_bgp_peer(virtualInterfaceId=vif_id, bgpPeerId=v6["bgpPeerId"])
    gone = describe_vif(client, vif_id)
    expect_error(delete_peer(client, vif_id, bgpPeerId=v6["bgpPeerId"]), CLIENT_ERR,
                 contains=[vif_id, v6["bgpPeerId"]])
    assert describe_vif(client, vif_id) == gone


def test_delete_the_only_peer(own_vif):
    client, _, vif = own_vif
    vif_id = vif["virtualInterfaceId"]
    expect_error(delete_peer(client, vif_id, asn=65000, customerAddress=vif["customerAddress"]),
                 CLIENT_ERR, LAST_PEER)
    assert describe_vif(client, vif_id) == vif


def test_peer_changes_by_non_owners(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_id = available_connection(partner, "partner-port")
    vif_id = allocate(partner, conn_id, vlan=10)["virtualInterfaceId"]
    dxgw_id = create_dxgw(customer)["directConnectGatewayId"]
    customer.confirm_private_virtual_interface(virtualInterfaceId=vif_id, directConnectGatewayId=dxgw_id)
    unwrap(customer.create_bgp_peer(virtualInterfaceId=vif_id, newBGPPeer={"asn": 64600, "addressFamily": "ipv6"}))
    before = describe_vif(customer, vif_id)
    v6 = before["bgpPeers"][1]["bgpPeerId"]
    # The connection owner sees the hosted VIF but its sessions are the customer's.
    expect_error(add_peer(partner, vif_id, asn=64601, addressFamily="ipv4"), CLIENT_ERR,
                 f"Only the owner {CUSTOMER} of virtual interface {vif_id} can add BGP peers")
    expect_error(delete_peer(partner, vif_id, bgpPeerId=v6), CLIENT_ERR,
                 f"Only the owner {CUSTOMER} of virtual interface {vif_id} can delete BGP peers")
    third = dx(THIRD, proto)
    expect_error(add_peer(third, vif_id, asn=64601, addressFamily="ipv4"), CLIENT_ERR,
                 f"Virtual interface {vif_id} does not exist")
    expect_error(delete_peer(third, vif_id, bgpPeerId=v6), CLIENT_ERR, f"Virtual interface {vif_id} does not exist")
    assert describe_vif(customer, vif_id) == before


def test_add_peer_to_unknown_or_unconfirmed_vif(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    expect_error(add_peer(customer, UNKNOWN_VIF, asn=64600, addressFamily="ipv6"), CLIENT_ERR,
                 f"Virtual interface {UNKNOWN_VIF} does not exist")
    conn_id = available_connection(partner, "partner-port")
    vif_id = allocate(partner, conn_id, vlan=10)["virtualInterfaceId"]
    before = describe_vif(customer, vif_id)
    expect_error(add_peer(customer, vif_id, asn=64600, addressFamily="ipv6"), CLIENT_ERR,
                 f"Virtual interface {vif_id} is not in a state that allows BGP peer changes "
                 "(current state: confirming)")
    assert describe_vif(customer, vif_id) == before


# -- one session per family, two on a logically redundant port -------------------------------

def test_second_session_per_family_needs_logical_redundancy(own_vif):
    # An available dedicated port reports logical redundancy, which allows a
    # second session per address family and no more (resources.md §7).
    client, conn_id, vif = own_vif
    vif_id = vif["virtualInterfaceId"]
    assert describe_connection(client, conn_id)["hasLogicalRedundancy"] == "yes"

    second = unwrap(client.create_bgp_peer(virtualInterfaceId=vif_id,
                                           newBGPPeer={"asn": 65000, "addressFamily": "ipv4"}))
    v4b = second["bgpPeers"][1]
    assert v4b["addressFamily"] == "ipv4"
    assert same_subnet(v4b["amazonAddress"], v4b["customerAddress"], 30)
    assert ipaddress.ip_interface(v4b["amazonAddress"]) in ipaddress.ip_network("169.254.0.0/16")
    assert v4b["amazonAddress"] != vif["amazonAddress"]
    after_two = describe_vif(client, vif_id)
    expect_error(add_peer(client, vif_id, asn=65000, addressFamily="ipv4"), CLIENT_ERR,
                 f"Virtual interface {vif_id} already has 2 ipv4 BGP peer(s); the limit is 2")
    assert describe_vif(client, vif_id) == after_two

    for _ in range(2):
        unwrap(client.create_bgp_peer(virtualInterfaceId=vif_id, newBGPPeer={"asn": 65000, "addressFamily": "ipv6"}))
    after_four = describe_vif(client, vif_id)
    expect_error(add_peer(client, vif_id, asn=65000, addressFamily="ipv6"), CLIENT_ERR,
                 f"Virtual interface {vif_id} already has 2 ipv6 BGP peer(s); the limit is 2")
    assert describe_vif(client, vif_id) == after_four
    assert [p["bgpPeerState"] for p in after_four["bgpPeers"]] == ["available"] * 4

    # A deleted session frees its slot.
    unwrap(client.delete_bgp_peer(virtualInterfaceId=vif_id, bgpPeerId=v4b["bgpPeerId"]))
    unwrap(client.create_bgp_peer(virtualInterfaceId=vif_id, newBGPPeer={"asn": 65000, "addressFamily": "ipv4"}))


def test_second_session_on_a_redundant_lag(dx, ec2, proto):
    # A LAG reports logical redundancy like a dedicated port does, and the
    # same rule applies to the VIFs on it (resources.md §7).
    client = dx(CUSTOMER, proto)
    location, bandwidth = pick_location(client)
    lag_id = client.create_lag(numberOfConnections=2, location=location, connectionsBandwidth=bandwidth,
                               lagName="bundle")["lagId"]
    lag = client.describe_lags(lagId=lag_id)["lags"][0]
    assert (lag["lagState"], lag["hasLogicalRedundancy"]) == ("available", "yes")
    vif = private_on_vgw(client, ec2(CUSTOMER), lag_id, vlan=10)
    added = unwrap(client.create_bgp_peer(virtualInterfaceId=vif["virtualInterfaceId"],
                                          newBGPPeer={"asn": 65000, "addressFamily": "ipv4"}))
    assert [p["addressFamily"] for p in added["bgpPeers"]] == ["ipv4", "ipv4"]


def test_explicit_ipv4_peer_addresses(own_vif):
    client, conn_id, vif = own_vif
    vif_id = vif["virtualInterfaceId"]
    # Addresses in use on the connection are refused, naming the address.
    expect_error(add_peer(client, vif_id, asn=65000, addressFamily="ipv4",
                          amazonAddress=vif["amazonAddress"], customerAddress="169.254.98.2/30"),
                 CLIENT_ERR, f"Address {vif['amazonAddress']} conflicts with another virtual interface on {conn_id}")
    assert describe_vif(client, vif_id) == vif
    added = unwrap(client.create_bgp_peer(virtualInterfaceId=vif_id, newBGPPeer={
        "asn": 65000, "addressFamily": "ipv4", "amazonAddress": "169.254.99.1/30",
        "customerAddress": "169.254.99.2/30", "authKey": "my-bgp-key"}))
    peer = added["bgpPeers"][1]
    assert (peer["amazonAddress"], peer["customerAddress"], peer["authKey"]) == (
        "169.254.99.1/30", "169.254.99.2/30", "my-bgp-key")
    # The router configuration shows the first session of each family.
    assert added["customerRouterConfig"] == vif["customerRouterConfig"]


@pytest.mark.parametrize("peer,message", [
    ({"asn": 64600, "addressFamily": "ipv6", "amazonAddress": "2001:db8::1/125",
      "customerAddress": "2001:db8::6/125"},
     "Custom IPv6 addresses are not supported: omit amazonAddress and customerAddress for the ipv6 address family"),
    ({"asn": 64600, "addressFamily": "ipv4", "amazonAddress": "169.254.50.1/30"},
     "Specify both amazonAddress and customerAddress, or neither to have them assigned"),
    ({"asn": 64600, "addressFamily": "ipv6", "authKey": "abc"},
     "BGP authentication key must be 6 to 80 characters (got 3)"),
    ({"addressFamily": "ipv6"}, "Either asn or asnLong must be specified"),
    ({"asnLong": 4294967295, "addressFamily": "ipv6"},
     "ASN 4294967295 is out of range: asnLong must be between 1 and 4294967294"),
    ({"asn": 64600}, "1 validation error detected: Value null at 'newBGPPeer.addressFamily' "
                     "failed to satisfy constraint: Member must not be null"),
])
def test_add_peer_validation(own_vif, peer, message):
    client, _, vif = own_vif
    vif_id = vif["virtualInterfaceId"]
    expect_error(add_peer(client, vif_id, **peer), CLIENT_ERR, message)
    assert describe_vif(client, vif_id) == vif


def test_four_byte_asn_peer(own_vif):
    client, _, vif = own_vif
    added = unwrap(client.create_bgp_peer(virtualInterfaceId=vif["virtualInterfaceId"],
                                          newBGPPeer={"asnLong": 4200000001, "addressFamily": "ipv6"}))
    peer = added["bgpPeers"][1]
    # Too big for `asn`, which reads 0; the value is in `asnLong`.
    assert (peer["asn"], peer["asnLong"]) == (0, 4200000001)
    assert "<ipv6_bgp_asn>4200000001</ipv6_bgp_asn>" in added["customerRouterConfig"]


def test_public_vif_peer_starts_verifying(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    vif_id = create_public(client, conn_id, 20)["virtualInterfaceId"]
    assert describe_vif(client, vif_id)["virtualInterfaceState"] == "available"
    added = unwrap(client.create_bgp_peer(virtualInterfaceId=vif_id,
                                          newBGPPeer={"asn": 65000, "addressFamily": "ipv6"}))
    v6 = added["bgpPeers"][1]
    assert (v6["bgpPeerState"], added["virtualInterfaceState"]) == ("verifying", "available")
    assert peers_by_id(describe_vif(client, vif_id))[v6["bgpPeerId"]]["bgpPeerState"] == "available"
    # A second public IPv4 session needs public addresses like the first.
    expect_error(add_peer(client, vif_id, asn=65000, addressFamily="ipv4"), CLIENT_ERR,
                 "Public virtual interfaces need both amazonAddress and customerAddress: "
                 "AWS does not assign public IPv4 addresses")
    expect_error(add_peer(client, vif_id, asn=65000, addressFamily="ipv4",
                          amazonAddress="10.9.9.1/30", customerAddress="10.9.9.2/30"), CLIENT_ERR,
                 "Amazon Address is not allowed to contain a private IP")


def test_deleted_peers_leave_after_the_tail(server, own_vif):
    # Deleted sessions stay listed as `deleted` for a while, then drop out
    # of bgpPeers (resources.md §0.5: dropped after 15 minutes).
    client, _, vif = own_vif
    vif_id = vif["virtualInterfaceId"]
    v6 = unwrap(client.create_bgp_peer(virtualInterfaceId=vif_id,
                                       newBGPPeer={"asn": 64600, "addressFamily": "ipv6"}))["bgpPeers"][1]
    client.delete_bgp_peer(virtualInterfaceId=vif_id, bgpPeerId=v6["bgpPeerId"])
    assert peers_by_id(describe_vif(client, vif_id))[v6["bgpPeerId"]]["bgpPeerState"] == "deleted"
    server.advance(16 * 60)
    assert describe_vif(client, vif_id) == vif


# -- DescribeRouterConfiguration --------------------------------------------------------------

def test_generic_router_configuration(own_vif):
    client, _, vif = own_vif
    resp = client.describe_router_configuration(virtualInterfaceId=vif["virtualInterfaceId"])
    resp.pop("ResponseMetadata")
    # Without a router type: the generic XML and no `router` block.
    assert resp == {"customerRouterConfig": vif["customerRouterConfig"],
                    "virtualInterfaceId": vif["virtualInterfaceId"],
                    "virtualInterfaceName": vif["virtualInterfaceName"]}
    assert resp["customerRouterConfig"] == expected_router_config(vif)
    empty = client.describe_router_configuration(virtualInterfaceId=vif["virtualInterfaceId"],
                                                 routerTypeIdentifier="")
    assert "router" not in empty and empty["customerRouterConfig"] == vif["customerRouterConfig"]


def test_cisco_router_configuration(own_vif):
    client, _, vif = own_vif
    resp = client.describe_router_configuration(virtualInterfaceId=vif["virtualInterfaceId"],
                                                routerTypeIdentifier=CISCO)
    assert resp["router"] == CISCO_ROUTER
    assert (resp["virtualInterfaceId"], resp["virtualInterfaceName"]) == (
        vif["virtualInterfaceId"], vif["virtualInterfaceName"])
    text = resp["customerRouterConfig"]
    neighbor = vif["amazonAddress"].split("/")[0]
    for line in (f"encapsulation dot1Q {vif['vlan']}", f"ip address {vif['customerAddress']}",
                 f"router bgp {vif['asn']}", f"neighbor {neighbor} remote-as {vif['amazonSideAsn']}",
                 f"neighbor {neighbor} password {vif['authKey']}"):
        assert line in text, line


def test_unknown_router_type(own_vif):
    client, _, vif = own_vif
    expect_error(lambda: client.describe_router_configuration(
        virtualInterfaceId=vif["virtualInterfaceId"], routerTypeIdentifier="AcmeRouters-9000"),
        CLIENT_ERR, "Router type AcmeRouters-9000 is not supported")
    assert describe_vif(client, vif["virtualInterfaceId"]) == vif


def test_router_configuration_of_hosted_vif(dx, proto):
    # For a hosted VIF the connection owner downloads the configuration, not the accepter.
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_id = available_connection(partner, "partner-port")
    vif = allocate(partner, conn_id, vlan=10)
    vif_id = vif["virtualInterfaceId"]
    got = partner.describe_router_configuration(virtualInterfaceId=vif_id)
    assert got["customerRouterConfig"] == describe_vif(partner, vif_id)["customerRouterConfig"]
    assert partner.describe_router_configuration(virtualInterfaceId=vif_id,
                                                 routerTypeIdentifier=CISCO)["router"] == CISCO_ROUTER
    expect_error(lambda: customer.describe_router_configuration(virtualInterfaceId=vif_id), CLIENT_ERR,
                 f"Router configuration for virtual interface {vif_id} is available to the connection "
                 f"owner {PARTNER} only")
    expect_error(lambda: dx(THIRD, proto).describe_router_configuration(virtualInterfaceId=vif_id), CLIENT_ERR,
                 f"Virtual interface {vif_id} does not exist")
    expect_error(lambda: customer.describe_router_configuration(virtualInterfaceId=UNKNOWN_VIF), CLIENT_ERR,
                 f"Virtual interface {UNKNOWN_VIF} does not exist")


# -- ListVirtualInterfaceRoutes -----------------------------------------------------------------

def test_routes_of_vif_on_vgw(own_vif):
    client, _, vif = own_vif
    vif_id = vif["virtualInterfaceId"]
    resp = client.list_virtual_interface_routes(virtualInterfaceId=vif_id)
    assert resp["virtualInterfaceId"] == vif_id
    [route] = resp["routes"]
    # No routing plane: AWS advertises the VGW's VPC CIDR.
    assert (route["cidr"], route["routeDirection"], route["addressFamily"]) == ("10.0.0.0/16", "advertised", "ipv4")
    assert route["asPath"] == [{"pathType": "seq", "path": [vif["amazonSideAsn"]]}]
    assert route["awsLogicalDeviceId"] == vif["awsLogicalDeviceId"]
    assert "routeInstalledAt" in route

    def cidrs(**filters):
        return [r["cidr"] for r in client.list_virtual_interface_routes(
            virtualInterfaceId=vif_id, filters=filters)["routes"]]

    assert cidrs(routeDirection="advertised") == ["10.0.0.0/16"]
    assert cidrs(routeDirection="accepted") == []
    assert cidrs(addressFamily="ipv6") == []
    assert cidrs(cidrs=["10.0.0.0/16"]) == ["10.0.0.0/16"]
    assert cidrs(cidrs=["10.9.0.0/16"]) == []
    assert cidrs(asPath=[vif["amazonSideAsn"]]) == ["10.0.0.0/16"]


def test_routes_refusals(own_vif, dx, proto):
    client, _, vif = own_vif
    vif_id = vif["virtualInterfaceId"]
    expect_error(lambda: client.list_virtual_interface_routes(virtualInterfaceId=UNKNOWN_VIF), CLIENT_ERR,
                 f"Virtual interface {UNKNOWN_VIF} does not exist")
    expect_error(lambda: dx(THIRD, proto).list_virtual_interface_routes(virtualInterfaceId=vif_id), CLIENT_ERR,
                 f"Virtual interface {vif_id} does not exist")
    expect_error(lambda: client.list_virtual_interface_routes(), CLIENT_ERR,
                 "1 validation error detected: Value null at 'virtualInterfaceId' failed to satisfy "
                 "constraint: Member must not be null")
    eleven = [f"10.{i}.0.0/16" for i in range(11)]
    expect_error(lambda: client.list_virtual_interface_routes(
        virtualInterfaceId=vif_id, filters={"cidrs": eleven}), CLIENT_ERR,
        "1 validation error detected: Value '[11 items]' at 'filters.cidrs' failed to satisfy "
        "constraint: Member must have length less than or equal to 10")
    assert describe_vif(client, vif_id) == vif


def test_routes_of_vif_on_dxgw_with_vgw_association(dx, ec2, proto):
    # On a DX gateway the VIF advertises the allowed prefixes of the gateway's
    # associations; a VGW association defaults them to its VPC's CIDR.
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    dxgw_id = create_dxgw(client)["directConnectGatewayId"]
    vgw_id = create_vgw(ec2(CUSTOMER), cidr="10.20.0.0/16")["VpnGatewayId"]
    client.create_direct_connect_gateway_association(directConnectGatewayId=dxgw_id, gatewayId=vgw_id)
    vif = private_on_dxgw(client, conn_id, dxgw_id, vlan=10)
    routes = client.list_virtual_interface_routes(virtualInterfaceId=vif["virtualInterfaceId"],
                                                  filters={"routeDirection": "advertised"})["routes"]
    assert [(r["cidr"], r["routeDirection"]) for r in routes] == [("10.20.0.0/16", "advertised")]
    assert routes[0]["asPath"] == [{"pathType": "seq", "path": [vif["amazonSideAsn"]]}]


def test_no_peer_changes_during_a_failover_test(own_vif):
    client, _, vif = own_vif
    vif_id = vif["virtualInterfaceId"]
    client.start_bgp_failover_test(virtualInterfaceId=vif_id, testDurationInMinutes=30)
    during = describe_vif(client, vif_id)
    expect_error(add_peer(client, vif_id, asn=64600, addressFamily="ipv6"), CLIENT_ERR,
                 f"Virtual interface {vif_id} is not in a state that allows BGP peer changes "
                 "(current state: testing)")
    assert describe_vif(client, vif_id) == during
