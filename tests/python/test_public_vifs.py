"""Public virtual interfaces: created on the caller's own connection or
allocated by a partner and confirmed by the customer. They need public
addresses the customer owns, 1 to 1,000 route filter prefixes, and pass
through `verifying` while AWS checks prefix and ASN ownership.
"""

import pytest

from support import (
    AUTH_KEY_RE, CUSTOMER, PARTNER, REGION, THIRD, UNKNOWN_CONNECTION, UNKNOWN_VIF,
    VALIDATION_NULL_VIF_ID, VIF_ID_RE, allocate, assert_raw_error, available_connection,
    create_vgw, describe_vif, expect_error, raw, vif_ids,
)
from support_vifs import (
    CLIENT_ERR, PUBLIC_AMAZON, PUBLIC_CUSTOMER, PUBLIC_PREFIXES, _manual_server,  # noqa: F401
    allocate_public, create_public, expected_router_config, manual, public_spec, same_subnet,
)

EXAMPLE_CONFIG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<logical_connection id="{id}">\n'
    "  <vlan>2000</vlan>\n  <customer_address>203.0.113.2/30</customer_address>\n"
    "  <amazon_address>203.0.113.1/30</amazon_address>\n  <bgp_asn>65000</bgp_asn>\n"
    "  <bgp_auth_key>asdf34example</bgp_auth_key>\n  <amazon_bgp_asn>7224</amazon_bgp_asn>\n"
    "  <connection_type>public</connection_type>\n</logical_connection>\n"
)


def create(client, conn_id, vlan=2000, **kw):
    return lambda: create_public(client, conn_id, vlan, **kw)


# -- CreatePublicVirtualInterface ---------------------------------------------------

def test_create_public_vif(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    vif = create_public(client, conn_id, 2000, name="PublicVirtualInterface", authKey="asdf34example")
    # Private and public creates answer the VirtualInterface itself, not a wrapper.
    assert "virtualInterface" not in vif
    vif_id = vif["virtualInterfaceId"]
    assert VIF_ID_RE.match(vif_id)
    assert vif["virtualInterfaceState"] == "verifying"
    assert vif["virtualInterfaceType"] == "public"
    assert vif["virtualInterfaceName"] == "PublicVirtualInterface"
    assert (vif["ownerAccount"], vif["connectionId"], vif["region"]) == (CUSTOMER, conn_id, REGION)
    assert (vif["vlan"], vif["asn"], vif["asnLong"]) == (2000, 65000, 65000)
    assert (vif["amazonAddress"], vif["customerAddress"]) == (PUBLIC_AMAZON, PUBLIC_CUSTOMER)
    assert vif["addressFamily"] == "ipv4"
    assert vif["authKey"] == "asdf34example"
    assert vif["amazonSideAsn"] == 7224
    assert vif["routeFilterPrefixes"] == [{"cidr": c} for c in PUBLIC_PREFIXES]
    # A public VIF lands on no gateway.
    assert (vif["virtualGatewayId"], vif["directConnectGatewayId"]) == ("", "")
    assert vif["mtu"] == 1500
    assert vif["customerRouterConfig"] == EXAMPLE_CONFIG.format(id=vif_id)
    [peer] = vif["bgpPeers"]
    assert peer["bgpPeerId"].startswith("dxpeer-")
    assert (peer["bgpPeerState"], peer["bgpStatus"]) == ("verifying", "down")
    assert (peer["amazonAddress"], peer["customerAddress"]) == (PUBLIC_AMAZON, PUBLIC_CUSTOMER)

    # A private ASN passes verification; the next read shows it settled.
    settled = describe_vif(client, vif_id)
    assert settled["virtualInterfaceState"] == "available"
    assert [(p["bgpPeerId"], p["bgpPeerState"], p["bgpStatus"]) for p in settled["bgpPeers"]] == [
        (peer["bgpPeerId"], "available", "up")]
    assert settled["routeFilterPrefixes"] == vif["routeFilterPrefixes"]
    assert vif_ids(client, connectionId=conn_id) == [vif_id]


def test_create_public_vif_generates_auth_key(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    vif = create_public(client, conn_id, 10)
    assert AUTH_KEY_RE.match(vif["authKey"]), vif["authKey"]
    assert vif["bgpPeers"][0]["authKey"] == vif["authKey"]
    assert vif["customerRouterConfig"] == expected_router_config(vif)


def test_create_public_vif_slash_31(dx, proto):
    # /31 point-to-point links have no network or broadcast address (RFC 3021).
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    vif = create_public(client, conn_id, 11, amazon="198.51.100.0/31", customer="198.51.100.1/31")
    assert (vif["amazonAddress"], vif["customerAddress"]) == ("198.51.100.0/31", "198.51.100.1/31")
    assert describe_vif(client, vif["virtualInterfaceId"])["virtualInterfaceState"] == "available"


def test_create_public_ipv6_vif(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    vif = create_public(client, conn_id, 12, amazon=None, customer=None, addressFamily="ipv6",
                        prefixes=["2001:db8:1000::/48", "2001:db8:2000::/64"])
    assert vif["addressFamily"] == "ipv6"
    # IPv6 peer addresses are always assigned by AWS, as a /125.
    assert same_subnet(vif["amazonAddress"], vif["customerAddress"], 125), vif
    assert vif["routeFilterPrefixes"] == [{"cidr": "2001:db8:1000::/48"}, {"cidr": "2001:db8:2000::/64"}]
    assert vif["virtualInterfaceState"] == "verifying"
    assert describe_vif(client, vif["virtualInterfaceId"])["virtualInterfaceState"] == "available"


@pytest.mark.parametrize("asn_field,asn", [("asn", 64512), ("asn", 65534), ("asnLong", 4200000000)])
def test_private_asns_pass_verification(dx, proto, asn_field, asn):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    spec = public_spec(16)
    del spec["asn"]
    spec[asn_field] = asn
    vif = client.create_public_virtual_interface(connectionId=conn_id, newPublicVirtualInterface=spec)
    assert vif["asnLong"] == asn
    assert describe_vif(client, vif["virtualInterfaceId"])["virtualInterfaceState"] == "available"


def test_public_asn_stays_verifying(server, dx, proto):
    # A public ASN that is not allow-listed is held for review: the VIF never
    # leaves `verifying` on its own.
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    vif_id = create_public(client, conn_id, 13, asn=3356)["virtualInterfaceId"]
    assert describe_vif(client, vif_id)["virtualInterfaceState"] == "verifying"
    server.advance(86400)
    vif = describe_vif(client, vif_id)
    assert vif["virtualInterfaceState"] == "verifying"
    assert vif["bgpPeers"][0]["bgpPeerState"] == "verifying"


def test_route_filter_prefixes_upper_bound(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    thousand = [f"52.{i // 256}.{i % 256}.0/24" for i in range(1000)]
    vif = create_public(client, conn_id, 14, prefixes=thousand)
    assert [p["cidr"] for p in vif["routeFilterPrefixes"]] == thousand
    expect_error(create(client, conn_id, 15, prefixes=thousand + ["54.0.0.0/24"]), CLIENT_ERR,
                 "A public virtual interface needs 1 to 1000 route filter prefixes (got 1001)")
    assert vif_ids(client, connectionId=conn_id) == [vif["virtualInterfaceId"]]


@pytest.mark.parametrize("prefixes", [None, []], ids=["omitted", "empty"])
def test_route_filter_prefixes_required(dx, proto, prefixes):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    expect_error(create(client, conn_id, prefixes=prefixes), CLIENT_ERR,
                 "A public virtual interface needs 1 to 1000 route filter prefixes (got 0)")
    assert vif_ids(client) == []


@pytest.mark.parametrize("prefix,family,message", [
    ("10.0.0.0/8", "ipv4", "Route filter prefix 10.0.0.0/8 is not a public prefix"),
    ("192.168.1.0/24", "ipv4", "Route filter prefix 192.168.1.0/24 is not a public prefix"),
    ("203.0.113.0/33", "ipv4", "Route filter prefix 203.0.113.0/33 is not a valid ipv4 CIDR"),
    ("not-a-cidr", "ipv4", "Route filter prefix not-a-cidr is not a valid ipv4 CIDR"),
    ("2001:db8::/80", "ipv6",
     "Route filter prefix 2001:db8::/80 is too specific: IPv6 prefixes must be /64 or shorter"),
])
def test_bad_route_filter_prefix(dx, proto, prefix, family, message):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    if family == "ipv4":
        kw = {"prefixes": ["198.51.100.0/24", prefix]}
    else:
        kw = {"prefixes": ["2001:db8:1::/48", prefix], "amazon": None, "customer": None,
              "addressFamily": "ipv6"}
    # One good prefix first: the bad one is refused wherever it sits in the list.
    expect_error(create(client, conn_id, **kw), CLIENT_ERR, message)
    assert vif_ids(client) == []


@pytest.mark.parametrize("amazon,customer,message", [
    # The four messages real clients have seen (operations.md §0.2).
    ("10.0.0.1/30", "10.0.0.2/30", "Amazon Address is not allowed to contain a private IP"),
    ("169.254.10.1/30", "169.254.10.2/30", "Amazon Address is not allowed to contain a private IP"),
    ("203.0.113.1/30", "198.51.100.2/30", "Amazon Address and Customer Address must be in the same CIDR"),
    ("203.0.113.1/30", "203.0.113.2/29", "Amazon Address and Customer Address must be in the same CIDR"),
    ("203.0.113.0/30", "203.0.113.2/30", "Amazon Address is address 0 on its subnet."),
    ("203.0.113.3/30", "203.0.113.2/30", "Amazon Address is the broadcast address on its subnet."),
    # The same rules on the customer side name the customer address.
    ("203.0.113.1/30", "192.168.0.2/30", "Customer Address is not allowed to contain a private IP"),
    ("203.0.113.1/30", "203.0.113.0/30", "Customer Address is address 0 on its subnet."),
    ("203.0.113.1/30", "203.0.113.3/30", "Customer Address is the broadcast address on its subnet."),
])
def test_public_address_rules(dx, proto, amazon, customer, message):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    expect_error(create(client, conn_id, amazon=amazon, customer=customer), CLIENT_ERR, message)
    assert vif_ids(client) == []


@pytest.mark.parametrize("amazon,customer", [(None, None), (PUBLIC_AMAZON, None), (None, PUBLIC_CUSTOMER)])
def test_public_ipv4_addresses_required(dx, proto, amazon, customer):
    # AWS never assigns public IPv4 addresses: both must come from the customer.
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    expect_error(create(client, conn_id, amazon=amazon, customer=customer), CLIENT_ERR,
                 "Public virtual interfaces need both amazonAddress and customerAddress: "
                 "AWS does not assign public IPv4 addresses")
    assert vif_ids(client) == []


def test_public_ipv6_addresses_must_be_omitted(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    expect_error(create(client, conn_id, amazon="2001:db8::1/125", customer="2001:db8::6/125",
                        addressFamily="ipv6", prefixes=["2001:db8::/48"]), CLIENT_ERR,
                 "Custom IPv6 addresses are not supported: omit amazonAddress and customerAddress "
                 "for the ipv6 address family")
    assert vif_ids(client) == []


def test_public_address_conflict_on_connection(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    first = create_public(client, conn_id, 20)
    before = describe_vif(client, first["virtualInterfaceId"])
    expect_error(create(client, conn_id, 21), CLIENT_ERR,
                 f"Address {PUBLIC_AMAZON} conflicts with another virtual interface on {conn_id}")
    assert vif_ids(client) == [first["virtualInterfaceId"]]
    assert describe_vif(client, first["virtualInterfaceId"]) == before


def test_create_public_vlan_conflict(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    first = create_public(client, conn_id, 30)["virtualInterfaceId"]
    expect_error(create(client, conn_id, 30, amazon="198.51.100.1/30", customer="198.51.100.2/30"),
                 CLIENT_ERR, f"VLAN 30 is already in use on {conn_id} by virtual interface {first}")
    assert vif_ids(client) == [first]


def test_create_public_on_unknown_or_foreign_connection(dx, proto):
    customer = dx(CUSTOMER, proto)
    partner_conn = available_connection(dx(PARTNER, proto), "partner-port")
    for conn_id in (UNKNOWN_CONNECTION, partner_conn):
        expect_error(create(customer, conn_id), CLIENT_ERR, f"Could not find Connection with ID {conn_id}")
    assert vif_ids(customer) == []
    assert vif_ids(dx(PARTNER, proto)) == []


@pytest.mark.parametrize("field,value,message", [
    ("vlan", 0, "VLAN 0 is out of range: it must be between 1 and 4094"),
    ("vlan", 4095, "VLAN 4095 is out of range: it must be between 1 and 4094"),
    ("authKey", "abc", "BGP authentication key must be 6 to 80 characters (got 3)"),
    ("virtualInterfaceName", "", "Virtual interface name must be 1 to 100 characters (got 0)"),
])
def test_create_public_field_checks(dx, proto, field, value, message):
    client = dx(CUSTOMER, proto)
    conn_id = available_connection(client)
    spec = public_spec(40)
    spec[field] = value
    expect_error(lambda: client.create_public_virtual_interface(
        connectionId=conn_id, newPublicVirtualInterface=spec), CLIENT_ERR, message)
    assert vif_ids(client) == []


# -- the verifying -> pending -> available steps, on a clock that waits -------------

def test_create_public_steps_on_manual_clock(manual, proto):
    client = manual.dx(CUSTOMER, proto)
    conn_id = manual.connection(client)
    vif_id = create_public(client, conn_id, 50)["virtualInterfaceId"]
    vif = describe_vif(client, vif_id)
    assert vif["virtualInterfaceState"] == "verifying"
    assert vif["bgpPeers"][0]["bgpPeerState"] == "verifying"
    manual.advance(9)
    assert describe_vif(client, vif_id)["virtualInterfaceState"] == "verifying"
    manual.advance(1)
    vif = describe_vif(client, vif_id)
    assert vif["virtualInterfaceState"] == "pending"
    assert (vif["bgpPeers"][0]["bgpPeerState"], vif["bgpPeers"][0]["bgpStatus"]) == ("pending", "down")
    manual.advance(10)
    vif = describe_vif(client, vif_id)
    assert vif["virtualInterfaceState"] == "available"
    assert (vif["bgpPeers"][0]["bgpPeerState"], vif["bgpPeers"][0]["bgpStatus"]) == ("available", "up")


def test_confirm_public_steps_on_manual_clock(manual, proto):
    partner, customer = manual.dx(PARTNER, proto), manual.dx(CUSTOMER, proto)
    conn_id = manual.connection(partner, "partner-port")
    vif_id = allocate_public(partner, conn_id, 51)["virtualInterfaceId"]
    # An allocation waits for its owner however long it takes.
    manual.advance(3600)
    assert describe_vif(customer, vif_id)["virtualInterfaceState"] == "confirming"
    assert customer.confirm_public_virtual_interface(virtualInterfaceId=vif_id)["virtualInterfaceState"] == "verifying"
    vif = describe_vif(customer, vif_id)
    assert vif["virtualInterfaceState"] == "verifying"
    assert vif["bgpPeers"][0]["bgpPeerState"] == "verifying"
    manual.advance(10)
    assert describe_vif(customer, vif_id)["virtualInterfaceState"] == "pending"
    manual.advance(10)
    assert describe_vif(customer, vif_id)["virtualInterfaceState"] == "available"
    assert describe_vif(partner, vif_id)["virtualInterfaceState"] == "available"


# -- AllocatePublicVirtualInterface + ConfirmPublicVirtualInterface (flow 1) ---------

def test_hosted_public_vif_flow(dx, proto):
    partner, customer, third = dx(PARTNER, proto), dx(CUSTOMER, proto), dx(THIRD, proto)
    conn_id = available_connection(partner, "partner-port")

    vif = allocate_public(partner, conn_id, 300, name="hosted-public", tags=[{"key": "team", "value": "net"}])
    assert "virtualInterface" not in vif
    vif_id = vif["virtualInterfaceId"]
    assert vif["virtualInterfaceState"] == "confirming"
    assert vif["virtualInterfaceType"] == "public"
    assert (vif["ownerAccount"], vif["connectionId"]) == (CUSTOMER, conn_id)
    assert (vif["amazonAddress"], vif["customerAddress"]) == (PUBLIC_AMAZON, PUBLIC_CUSTOMER)
    assert vif["routeFilterPrefixes"] == [{"cidr": c} for c in PUBLIC_PREFIXES]
    assert vif["amazonSideAsn"] == 7224
    assert (vif["virtualGatewayId"], vif["directConnectGatewayId"]) == ("", "")
    assert vif["tags"] == [{"key": "team", "value": "net"}]
    assert vif["bgpPeers"][0]["bgpStatus"] == "down"
    assert vif["customerRouterConfig"] == expected_router_config(vif)

    # Both sides see the allocation, nobody else does; it waits for its owner.
    assert describe_vif(customer, vif_id)["virtualInterfaceState"] == "confirming"
    assert describe_vif(partner, vif_id)["virtualInterfaceState"] == "confirming"
    assert vif_ids(third) == [] and vif_ids(third, virtualInterfaceId=vif_id) == []

    resp = customer.confirm_public_virtual_interface(virtualInterfaceId=vif_id)
    resp.pop("ResponseMetadata")
    assert resp == {"virtualInterfaceState": "verifying"}
    settled = describe_vif(customer, vif_id)
    assert settled["virtualInterfaceState"] == "available"
    assert settled["bgpPeers"][0]["bgpPeerState"] == "available"
    # Confirming a public VIF picks no gateway and keeps AWS's public ASN.
    assert (settled["virtualGatewayId"], settled["directConnectGatewayId"]) == ("", "")
    assert settled["amazonSideAsn"] == 7224
    assert settled["routeFilterPrefixes"] == vif["routeFilterPrefixes"]
    assert describe_vif(partner, vif_id) == settled
    assert vif_ids(third) == []


def test_allocate_public_for_connection_owner(dx, proto):
    partner = dx(PARTNER, proto)
    conn_id = available_connection(partner, "partner-port")
    expect_error(lambda: allocate_public(partner, conn_id, 301, owner=PARTNER), CLIENT_ERR,
                 "Cannot allocate VirtualInterface for the connection owner.")
    assert vif_ids(partner) == []


def test_allocate_public_needs_the_connection_owner(dx, proto):
    partner, third = dx(PARTNER, proto), dx(THIRD, proto)
    conn_id = available_connection(partner, "partner-port")
    for conn in (conn_id, UNKNOWN_CONNECTION):
        expect_error(lambda: allocate_public(third, conn, 302), CLIENT_ERR,
                     f"Could not find Connection with ID {conn}")
    assert vif_ids(partner) == [] and vif_ids(third) == [] and vif_ids(dx(CUSTOMER, proto)) == []


def test_allocate_public_bad_owner_account(dx, proto):
    partner = dx(PARTNER, proto)
    conn_id = available_connection(partner, "partner-port")
    expect_error(lambda: allocate_public(partner, conn_id, 303, owner="12345"), CLIENT_ERR,
                 "ownerAccount 12345 is not a 12-digit AWS account ID")
    assert vif_ids(partner) == []


def test_allocate_public_checks_addresses_and_prefixes(dx, proto):
    partner = dx(PARTNER, proto)
    conn_id = available_connection(partner, "partner-port")
    expect_error(lambda: allocate_public(partner, conn_id, 304, amazon="10.1.1.1/30", customer="10.1.1.2/30"),
                 CLIENT_ERR, "Amazon Address is not allowed to contain a private IP")
    expect_error(lambda: allocate_public(partner, conn_id, 304, prefixes=[]), CLIENT_ERR,
                 "A public virtual interface needs 1 to 1000 route filter prefixes (got 0)")
    assert vif_ids(partner) == [] and vif_ids(dx(CUSTOMER, proto)) == []


def test_allocate_public_vlan_conflict(dx, proto):
    partner = dx(PARTNER, proto)
    conn_id = available_connection(partner, "partner-port")
    first = allocate_public(partner, conn_id, 305)["virtualInterfaceId"]
    before = describe_vif(partner, first)
    expect_error(lambda: allocate_public(partner, conn_id, 305, amazon="198.51.100.1/30",
                                         customer="198.51.100.2/30"),
                 CLIENT_ERR, f"VLAN 305 is already in use on {conn_id} by virtual interface {first}")
    assert vif_ids(partner) == [first]
    assert describe_vif(partner, first) == before


# -- ConfirmPublicVirtualInterface refusals ------------------------------------------

@pytest.fixture
def hosted_public(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    conn_id = available_connection(partner, "partner-port")
    vif_id = allocate_public(partner, conn_id, 400)["virtualInterfaceId"]
    before = describe_vif(customer, vif_id)
    assert before["virtualInterfaceState"] == "confirming"
    return partner, customer, conn_id, vif_id, before


def confirm_public(client, vif_id):
    return lambda: client.confirm_public_virtual_interface(virtualInterfaceId=vif_id)


def test_confirm_public_unknown_and_malformed(hosted_public):
    _, customer, _, vif_id, before = hosted_public
    expect_error(confirm_public(customer, UNKNOWN_VIF), CLIENT_ERR, f"Virtual interface {UNKNOWN_VIF} does not exist")
    expect_error(confirm_public(customer, "dxcon-fg31dyv6"), CLIENT_ERR,
                 "Virtual interface ID dxcon-fg31dyv6 has an invalid format.")
    assert describe_vif(customer, vif_id) == before


def test_confirm_public_missing_id(server, hosted_public, proto):
    _, customer, _, vif_id, before = hosted_public
    resp = raw(proto, server.url, "ConfirmPublicVirtualInterface", {}, account=CUSTOMER)
    assert_raw_error(resp, 400, CLIENT_ERR)
    assert resp.message() == VALIDATION_NULL_VIF_ID
    assert describe_vif(customer, vif_id) == before


def test_confirm_public_by_partner_or_stranger(dx, proto, hosted_public):
    partner, customer, _, vif_id, before = hosted_public
    expect_error(confirm_public(partner, vif_id), CLIENT_ERR,
                 f"Virtual interface {vif_id} can only be confirmed by its owner {CUSTOMER}")
    expect_error(confirm_public(dx(THIRD, proto), vif_id), CLIENT_ERR, f"Virtual interface {vif_id} does not exist")
    expect_error(confirm_public(dx(CUSTOMER, proto, "us-west-2"), vif_id), CLIENT_ERR,
                 f"Virtual interface {vif_id} does not exist")
    assert describe_vif(customer, vif_id) == before


def test_confirm_public_on_a_private_vif(hosted_public):
    partner, customer, conn_id, _, _ = hosted_public
    private_id = allocate(partner, conn_id, vlan=401)["virtualInterfaceId"]
    before = describe_vif(customer, private_id)
    expect_error(confirm_public(customer, private_id), CLIENT_ERR,
                 f"Virtual interface {private_id} is not a public virtual interface")
    assert describe_vif(customer, private_id) == before


def test_confirm_public_twice(hosted_public):
    _, customer, _, vif_id, _ = hosted_public
    assert customer.confirm_public_virtual_interface(virtualInterfaceId=vif_id)["virtualInterfaceState"] == "verifying"
    after = describe_vif(customer, vif_id)
    assert after["virtualInterfaceState"] == "available"
    expect_error(confirm_public(customer, vif_id), CLIENT_ERR,
                 f"Virtual interface {vif_id} is not in the confirming state (current state: available)")
    assert describe_vif(customer, vif_id) == after


def test_confirm_public_after_rejection(hosted_public):
    _, customer, _, vif_id, _ = hosted_public
    assert customer.delete_virtual_interface(virtualInterfaceId=vif_id)["virtualInterfaceState"] == "rejected"
    after = describe_vif(customer, vif_id)
    expect_error(confirm_public(customer, vif_id), CLIENT_ERR,
                 f"Virtual interface {vif_id} is not in the confirming state (current state: rejected)")
    assert describe_vif(customer, vif_id) == after


def test_confirm_private_on_a_public_vif(ec2, hosted_public):
    # The private confirm refuses a public VIF just as the public one refuses a private VIF.
    _, customer, _, vif_id, before = hosted_public
    vgw_id = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    expect_error(lambda: customer.confirm_private_virtual_interface(virtualInterfaceId=vif_id, virtualGatewayId=vgw_id),
                 CLIENT_ERR, f"Virtual interface {vif_id} is not a private virtual interface")
    assert describe_vif(customer, vif_id) == before


def test_public_vifs_count_against_the_connection(dx, proto):
    # Private and public VIFs share one VLAN space on a connection.
    partner = dx(PARTNER, proto)
    conn_id = available_connection(partner, "partner-port")
    private_id = allocate(partner, conn_id, vlan=500)["virtualInterfaceId"]
    expect_error(lambda: allocate_public(partner, conn_id, 500), CLIENT_ERR,
                 f"VLAN 500 is already in use on {conn_id} by virtual interface {private_id}")
    public_id = allocate_public(partner, conn_id, 501)["virtualInterfaceId"]
    assert sorted(vif_ids(partner, connectionId=conn_id)) == sorted([private_id, public_id])
