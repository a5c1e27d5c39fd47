"""ConfirmPrivateVirtualInterface refusals, one test per row of the check
table in operations.md (rows 1-13). Every refusal is a 400
DirectConnectClientException with the table's wording and leaves the VIF
exactly as it was.
"""

import pytest
from botocore.exceptions import ClientError

from support import (
    CUSTOMER, PARTNER, THIRD, UNKNOWN_DXGW, UNKNOWN_VGW, UNKNOWN_VIF,
    VALIDATION_NULL_VIF_ID, allocate, assert_raw_error, available_connection,
    client_error, create_dxgw, create_vgw, describe_vif, expect_error,
    raw, vif_snapshot,
)

CLIENT_ERR = "DirectConnectClientException"


@pytest.fixture
def hosted(dx, proto):
    """A private VIF allocated by the partner to the customer, still `confirming`."""
    partner = dx(PARTNER, proto)
    conn_id = available_connection(partner, "partner-port")
    vif = allocate(partner, conn_id, vlan=101)
    customer = dx(CUSTOMER, proto)
    before = vif_snapshot(describe_vif(customer, vif["virtualInterfaceId"]))
    assert before["virtualInterfaceState"] == "confirming"

    class Hosted:
        pass

    h = Hosted()
    h.partner, h.customer, h.conn_id = partner, customer, conn_id
    h.vif_id, h.before = vif["virtualInterfaceId"], before

    def unchanged(client=customer, vif_id=None, expected=None):
        vid = vif_id or h.vif_id
        assert vif_snapshot(describe_vif(client, vid)) == (expected or h.before)

    h.unchanged = unchanged
    return h


def confirm(client, **kw):
    return lambda: client.confirm_private_virtual_interface(**kw)


# -- row 1: virtualInterfaceId missing or empty (botocore refuses to send it) --

def test_row01_missing_vif_id(server, hosted, proto):
    resp = raw(proto, server.url, "ConfirmPrivateVirtualInterface",
               {"virtualGatewayId": UNKNOWN_VGW}, account=CUSTOMER)
    assert_raw_error(resp, 400, CLIENT_ERR)
    assert resp.message() == VALIDATION_NULL_VIF_ID
    hosted.unchanged()


def test_row01_empty_body(server, hosted, proto):
    resp = raw(proto, server.url, "ConfirmPrivateVirtualInterface", {}, account=CUSTOMER)
    assert_raw_error(resp, 400, CLIENT_ERR)
    assert resp.message() == VALIDATION_NULL_VIF_ID
    hosted.unchanged()


def test_row01_empty_vif_id(server, hosted, proto):
    resp = raw(proto, server.url, "ConfirmPrivateVirtualInterface",
               {"virtualInterfaceId": "", "virtualGatewayId": UNKNOWN_VGW}, account=CUSTOMER)
    assert_raw_error(resp, 400, CLIENT_ERR)
    assert "virtualInterfaceId" in resp.message()
    hosted.unchanged()


# -- row 2: malformed ID -------------------------------------------------------

@pytest.mark.parametrize("bad_id", ["not-a-vif", "dxcon-fg31dyv6", "DXVIF"])
def test_row02_invalid_format(hosted, bad_id):
    expect_error(confirm(hosted.customer, virtualInterfaceId=bad_id, virtualGatewayId=UNKNOWN_VGW),
                 CLIENT_ERR, f"Virtual interface ID {bad_id} has an invalid format.")
    hosted.unchanged()


# -- row 3: no such VIF visible to the caller -----------------------------------

def test_row03_unknown_vif(hosted):
    expect_error(confirm(hosted.customer, virtualInterfaceId=UNKNOWN_VIF, virtualGatewayId=UNKNOWN_VGW),
                 CLIENT_ERR, f"Virtual interface {UNKNOWN_VIF} does not exist")
    hosted.unchanged()


def test_row03_vif_of_another_account(dx, proto, hosted):
    # The third party neither owns nor allocated the VIF: it must look absent.
    third = dx(THIRD, proto)
    expect_error(confirm(third, virtualInterfaceId=hosted.vif_id, virtualGatewayId=UNKNOWN_VGW),
                 CLIENT_ERR, f"Virtual interface {hosted.vif_id} does not exist")
    hosted.unchanged()


def test_row03_vif_in_another_region(dx, proto, hosted):
    west = dx(CUSTOMER, proto, "us-west-2")
    expect_error(confirm(west, virtualInterfaceId=hosted.vif_id, virtualGatewayId=UNKNOWN_VGW),
                 CLIENT_ERR, f"Virtual interface {hosted.vif_id} does not exist")
    hosted.unchanged()


def test_row03_vif_gone_after_tail(server, hosted):
    hosted.customer.delete_virtual_interface(virtualInterfaceId=hosted.vif_id)
    server.advance(16 * 60)
    assert hosted.customer.describe_virtual_interfaces(
        virtualInterfaceId=hosted.vif_id)["virtualInterfaces"] == []
    expect_error(confirm(hosted.customer, virtualInterfaceId=hosted.vif_id, virtualGatewayId=UNKNOWN_VGW),
                 CLIENT_ERR, f"Virtual interface {hosted.vif_id} does not exist")


# -- row 4: caller is not the owner ------------------------------------------------

def test_row04_connection_owner_cannot_confirm(ec2, hosted):
    vgw_id = create_vgw(ec2(PARTNER))["VpnGatewayId"]
    expect_error(confirm(hosted.partner, virtualInterfaceId=hosted.vif_id, virtualGatewayId=vgw_id),
                 CLIENT_ERR,
                 f"Virtual interface {hosted.vif_id} can only be confirmed by its owner {CUSTOMER}")
    hosted.unchanged()
    hosted.unchanged(client=hosted.partner)


# -- row 5: not a private VIF -------------------------------------------------------

def test_row05_not_a_private_vif(dx, proto, ec2, hosted):
    resp = hosted.partner.allocate_transit_virtual_interface(
        connectionId=hosted.conn_id, ownerAccount=CUSTOMER,
        newTransitVirtualInterfaceAllocation={"virtualInterfaceName": "transit", "vlan": 202,
                                              "asn": 65001})
    transit_id = resp["virtualInterface"]["virtualInterfaceId"]
    before = vif_snapshot(describe_vif(hosted.customer, transit_id))
    vgw_id = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    expect_error(confirm(hosted.customer, virtualInterfaceId=transit_id, virtualGatewayId=vgw_id),
                 CLIENT_ERR, f"Virtual interface {transit_id} is not a private virtual interface")
    hosted.unchanged(vif_id=transit_id, expected=before)


# -- row 6: not confirming ------------------------------------------------------------

def test_row06_second_confirm_is_refused(ec2, hosted):
    vgw_id = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    assert hosted.customer.confirm_private_virtual_interface(
        virtualInterfaceId=hosted.vif_id, virtualGatewayId=vgw_id)["virtualInterfaceState"] == "pending"
    after_first = vif_snapshot(describe_vif(hosted.customer, hosted.vif_id))
    assert after_first["virtualInterfaceState"] == "available"
    expect_error(confirm(hosted.customer, virtualInterfaceId=hosted.vif_id, virtualGatewayId=vgw_id),
                 CLIENT_ERR,
                 f"Virtual interface {hosted.vif_id} is not in the confirming state (current state: available)")
    hosted.unchanged(expected=after_first)


def test_row06_rejected_vif(ec2, hosted):
    vgw_id = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    assert hosted.customer.delete_virtual_interface(
        virtualInterfaceId=hosted.vif_id)["virtualInterfaceState"] == "rejected"
    before = vif_snapshot(describe_vif(hosted.customer, hosted.vif_id))
    expect_error(confirm(hosted.customer, virtualInterfaceId=hosted.vif_id, virtualGatewayId=vgw_id),
                 CLIENT_ERR,
                 f"Virtual interface {hosted.vif_id} is not in the confirming state (current state: rejected)")
    hosted.unchanged(expected=before)


def test_row06_deleted_vif(ec2, hosted):
    # The partner (connection owner) removes the unconfirmed VIF: deleting -> deleted.
    vgw_id = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    assert hosted.partner.delete_virtual_interface(
        virtualInterfaceId=hosted.vif_id)["virtualInterfaceState"] == "deleting"
    before = vif_snapshot(describe_vif(hosted.customer, hosted.vif_id))
    assert before["virtualInterfaceState"] == "deleted"
    expect_error(confirm(hosted.customer, virtualInterfaceId=hosted.vif_id, virtualGatewayId=vgw_id),
                 CLIENT_ERR,
                 f"Virtual interface {hosted.vif_id} is not in the confirming state (current state: deleted)")
    hosted.unchanged(expected=before)


# -- row 7: no gateway ---------------------------------------------------------------

NO_GATEWAY = "Either virtualGatewayId or directConnectGatewayId must be specified"


def test_row07_no_gateway(hosted):
    expect_error(confirm(hosted.customer, virtualInterfaceId=hosted.vif_id), CLIENT_ERR, NO_GATEWAY)
    hosted.unchanged()


def test_row07_both_gateways_empty(hosted):
    expect_error(confirm(hosted.customer, virtualInterfaceId=hosted.vif_id,
                         virtualGatewayId="", directConnectGatewayId=""), CLIENT_ERR, NO_GATEWAY)
    hosted.unchanged()


# -- row 8: both gateways -------------------------------------------------------------

def test_row08_both_gateways(ec2, hosted):
    vgw_id = create_vgw(ec2(CUSTOMER))["VpnGatewayId"]
    dxgw_id = create_dxgw(hosted.customer)["directConnectGatewayId"]
    expect_error(confirm(hosted.customer, virtualInterfaceId=hosted.vif_id,
                         virtualGatewayId=vgw_id, directConnectGatewayId=dxgw_id),
                 CLIENT_ERR, "Only one of virtualGatewayId and directConnectGatewayId can be specified")
    hosted.unchanged()


# -- row 9: VGW not found in the VIF's region for the caller --------------------------

def vgw_missing(vgw_id):
    return f"The VirtualGateway {vgw_id} does not exist."


def test_row09_unknown_vgw(hosted):
    expect_error(confirm(hosted.customer, virtualInterfaceId=hosted.vif_id, virtualGatewayId=UNKNOWN_VGW),
                 CLIENT_ERR, vgw_missing(UNKNOWN_VGW))
    hosted.unchanged()


def test_row09_vgw_of_another_account(ec2, hosted):
    vgw_id = create_vgw(ec2(THIRD))["VpnGatewayId"]
    expect_error(confirm(hosted.customer, virtualInterfaceId=hosted.vif_id, virtualGatewayId=vgw_id),
                 CLIENT_ERR, vgw_missing(vgw_id))
    hosted.unchanged()


def test_row09_vgw_in_another_region(ec2, hosted):
    vgw_id = create_vgw(ec2(CUSTOMER, "us-west-2"))["VpnGatewayId"]
    expect_error(confirm(hosted.customer, virtualInterfaceId=hosted.vif_id, virtualGatewayId=vgw_id),
                 CLIENT_ERR, vgw_missing(vgw_id))
    hosted.unchanged()


# -- row 10: VGW not available ------------------------------------------------------------

def test_row10_deleted_vgw(ec2, hosted):
    client = ec2(CUSTOMER)
    vgw_id = create_vgw(client, attach=False)["VpnGatewayId"]
    client.delete_vpn_gateway(VpnGatewayId=vgw_id)
    expect_error(confirm(hosted.customer, virtualInterfaceId=hosted.vif_id, virtualGatewayId=vgw_id),
                 CLIENT_ERR, f"The VirtualGateway {vgw_id} is not available")
    hosted.unchanged()


# -- row 11: DXGW not found for the caller (global) or deleted -----------------------------

def dxgw_missing(dxgw_id):
    return f"Direct Connect Gateway {dxgw_id} does not exist"


def test_row11_unknown_dxgw(hosted):
    expect_error(confirm(hosted.customer, virtualInterfaceId=hosted.vif_id, directConnectGatewayId=UNKNOWN_DXGW),
                 CLIENT_ERR, dxgw_missing(UNKNOWN_DXGW))
    hosted.unchanged()


def test_row11_dxgw_of_another_account(dx, proto, hosted):
    dxgw_id = create_dxgw(dx(THIRD, proto))["directConnectGatewayId"]
    expect_error(confirm(hosted.customer, virtualInterfaceId=hosted.vif_id, directConnectGatewayId=dxgw_id),
                 CLIENT_ERR, dxgw_missing(dxgw_id))
    hosted.unchanged()


def test_row11_deleted_dxgw(hosted):
    dxgw_id = create_dxgw(hosted.customer)["directConnectGatewayId"]
    hosted.customer.delete_direct_connect_gateway(directConnectGatewayId=dxgw_id)
    expect_error(confirm(hosted.customer, virtualInterfaceId=hosted.vif_id, directConnectGatewayId=dxgw_id),
                 CLIENT_ERR, dxgw_missing(dxgw_id))
    hosted.unchanged()


def test_row11_dxgw_is_global(dx, proto, hosted):
    # A DXGW made through another region's endpoint is still usable: not a refusal.
    dxgw_id = create_dxgw(dx(CUSTOMER, proto, "eu-west-1"))["directConnectGatewayId"]
    assert hosted.customer.confirm_private_virtual_interface(
        virtualInterfaceId=hosted.vif_id, directConnectGatewayId=dxgw_id)["virtualInterfaceState"] == "pending"


# -- row 12: DXGW with a transit gateway association or transit VIF ------------------------

def test_row12_dxgw_with_transit_association(dx, proto, ec2, hosted):
    dxgw_id = create_dxgw(hosted.customer, asn=64999)["directConnectGatewayId"]
    tgw = ec2(CUSTOMER).create_transit_gateway(Options={"AmazonSideAsn": 64600})["TransitGateway"]
    hosted.customer.create_direct_connect_gateway_association(
        directConnectGatewayId=dxgw_id, gatewayId=tgw["TransitGatewayId"],
        addAllowedPrefixesToDirectConnectGateway=[{"cidr": "10.20.0.0/16"}])
    expect_error(confirm(hosted.customer, virtualInterfaceId=hosted.vif_id, directConnectGatewayId=dxgw_id),
                 CLIENT_ERR,
                 f"Direct Connect Gateway {dxgw_id} is associated with a transit gateway; "
                 "private virtual interfaces cannot be attached")
    hosted.unchanged()


def test_row12_dxgw_with_transit_vif(dx, proto, hosted):
    dxgw_id = create_dxgw(hosted.customer, asn=64998)["directConnectGatewayId"]
    transit = hosted.partner.allocate_transit_virtual_interface(
        connectionId=hosted.conn_id, ownerAccount=CUSTOMER,
        newTransitVirtualInterfaceAllocation={"virtualInterfaceName": "transit", "vlan": 203,
                                              "asn": 65001})["virtualInterface"]
    hosted.customer.confirm_transit_virtual_interface(
        virtualInterfaceId=transit["virtualInterfaceId"], directConnectGatewayId=dxgw_id)
    expect_error(confirm(hosted.customer, virtualInterfaceId=hosted.vif_id, directConnectGatewayId=dxgw_id),
                 CLIENT_ERR,
                 f"Direct Connect Gateway {dxgw_id} is associated with a transit gateway; "
                 "private virtual interfaces cannot be attached")
    hosted.unchanged()


# -- row 13: DXGW already has 30 VIFs --------------------------------------------------------

def test_row13_dxgw_vif_quota(dx, proto, hosted):
    partner, customer = hosted.partner, hosted.customer
    dxgw_id = create_dxgw(customer)["directConnectGatewayId"]
    # Spread over a few connections so no per-connection quota gets in the way.
    connections = [hosted.conn_id] + [available_connection(partner, f"port-{i}") for i in range(2)]
    confirmed = []
    for i in range(30):
        conn_id = connections[i % len(connections)]
        vif_id = allocate(partner, conn_id, vlan=500 + i)["virtualInterfaceId"]
        assert customer.confirm_private_virtual_interface(
            virtualInterfaceId=vif_id, directConnectGatewayId=dxgw_id)["virtualInterfaceState"] == "pending"
        confirmed.append(vif_id)
    attachments = customer.describe_direct_connect_gateway_attachments(
        directConnectGatewayId=dxgw_id)["directConnectGatewayAttachments"]
    assert sorted(a["virtualInterfaceId"] for a in attachments) == sorted(confirmed)

    err = expect_error(confirm(customer, virtualInterfaceId=hosted.vif_id, directConnectGatewayId=dxgw_id),
                       CLIENT_ERR)
    assert "30" in err.response["Error"]["Message"]
    hosted.unchanged()
    assert len(customer.describe_direct_connect_gateway_attachments(
        directConnectGatewayId=dxgw_id)["directConnectGatewayAttachments"]) == 30


# -- first failure wins ------------------------------------------------------------------

def test_checks_apply_in_table_order(hosted):
    # Unknown VIF (row 3) beats a missing gateway (row 7) and an unknown VGW (row 9).
    expect_error(confirm(hosted.customer, virtualInterfaceId=UNKNOWN_VIF),
                 CLIENT_ERR, f"Virtual interface {UNKNOWN_VIF} does not exist")
    # Not the owner (row 4) beats both gateways given (row 8).
    expect_error(confirm(hosted.partner, virtualInterfaceId=hosted.vif_id,
                         virtualGatewayId=UNKNOWN_VGW, directConnectGatewayId=UNKNOWN_DXGW),
                 CLIENT_ERR,
                 f"Virtual interface {hosted.vif_id} can only be confirmed by its owner {CUSTOMER}")
    hosted.unchanged()


def test_refusals_have_request_ids(hosted):
    err = client_error(confirm(hosted.customer, virtualInterfaceId=UNKNOWN_VIF, virtualGatewayId=UNKNOWN_VGW))
    assert err.response["ResponseMetadata"].get("RequestId")
