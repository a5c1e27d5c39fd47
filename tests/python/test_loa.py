"""Letters of Authorization (operations.md §B DescribeLoa, DescribeConnectionLoa,
§C DescribeInterconnectLoa; resources.md §15): a real PDF for connections,
interconnects and LAGs, bare from DescribeLoa and wrapped in `loa` by the
deprecated calls, a blob on the wire in both protocols, `loaIssueTime` once
read, and no letter for hosted connections or ports the caller does not own.
"""

import base64

import pytest

from support import (
    CUSTOMER, PARTNER, THIRD, UNKNOWN_CONNECTION, client_error, describe_connection, expect_error,
    pick_location, raw,
)

CLIENT_ERR = "DirectConnectClientException"
NOT_FOUND = "Could not find Connection with ID"
UNKNOWN_LAG = "dxlag-fzzzzzzz"


def assert_pdf(content, *must_name):
    """A whole PDF file (header to end-of-file marker) naming what it is for."""
    assert isinstance(content, bytes), type(content)
    assert content.startswith(b"%PDF-"), content[:20]
    assert content.rstrip().endswith(b"%%EOF"), content[-20:]
    for text in must_name:
        assert text.encode() in content, f"{text!r} not in the letter"


def new_connection(client, name="loa", **kw):
    location, bandwidth = pick_location(client)
    conn = client.create_connection(location=location, bandwidth=bandwidth, connectionName=name, **kw)
    assert describe_connection(client, conn["connectionId"])["connectionState"] == "available"
    return conn["connectionId"], location


def new_interconnect(partner):
    location, bandwidth = pick_location(partner)
    ic_id = partner.create_interconnect(interconnectName="ic", bandwidth=bandwidth,
                                        location=location)["interconnectId"]
    assert describe_interconnect(partner, ic_id)["interconnectState"] == "available"
    return ic_id, location


def describe_interconnect(client, ic_id):
    [ic] = client.describe_interconnects(interconnectId=ic_id)["interconnects"]
    return ic


def hosted_connection(partner, customer):
    """A hosted connection on a partner interconnect, accepted by the customer."""
    ic_id, _ = new_interconnect(partner)
    hosted = partner.allocate_hosted_connection(connectionId=ic_id, ownerAccount=CUSTOMER,
                                                bandwidth="500Mbps", connectionName="hosted", vlan=100)
    customer.confirm_connection(connectionId=hosted["connectionId"])
    assert describe_connection(customer, hosted["connectionId"])["connectionState"] == "available"
    return hosted["connectionId"]


# -- DescribeLoa ------------------------------------------------------------------------

def test_describe_loa_returns_the_bare_letter(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id, location = new_connection(client)
    assert "loaIssueTime" not in describe_connection(client, conn_id)

    resp = client.describe_loa(connectionId=conn_id)
    # The Loa structure itself, not wrapped in `loa` (the model's output shape).
    assert set(resp) - {"ResponseMetadata"} == {"loaContent", "loaContentType"}
    assert resp["loaContentType"] == "application/pdf"
    assert_pdf(resp["loaContent"], conn_id, location)

    # Reading the letter stamps the connection.
    assert "loaIssueTime" in describe_connection(client, conn_id)


def test_describe_loa_with_content_type(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id, location = new_connection(client)
    resp = client.describe_loa(connectionId=conn_id, loaContentType="application/pdf")
    assert resp["loaContentType"] == "application/pdf"
    assert_pdf(resp["loaContent"], conn_id, location)


def test_describe_loa_names_the_provider(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id, location = new_connection(client)
    plain = client.describe_loa(connectionId=conn_id)["loaContent"]
    [loc] = [l for l in client.describe_locations()["locations"] if l["locationCode"] == location]
    # A provider whose name the letter does not already carry, so finding it
    # proves `providerName` was printed.
    provider = next(p for p in loc["availableProviders"] if p.encode() not in plain)
    letter = client.describe_loa(connectionId=conn_id, providerName=provider)["loaContent"]
    assert_pdf(letter, conn_id, location, provider)


def test_loa_on_the_json_wire_is_base64_text(server, dx):
    client = dx(CUSTOMER, "json")
    conn_id, location = new_connection(client)
    resp = raw("json", server.url, "DescribeLoa", {"connectionId": conn_id})
    assert resp.status == 200, resp.body[:300]
    assert resp.header("content-type").startswith("application/x-amz-json-1.1")
    body = resp.data()
    assert set(body) == {"loaContent", "loaContentType"}
    assert isinstance(body["loaContent"], str)
    assert_pdf(base64.b64decode(body["loaContent"], validate=True), conn_id, location)
    assert body["loaContentType"] == "application/pdf"


def test_loa_on_the_cbor_wire_is_a_byte_string(server, dx):
    client = dx(CUSTOMER, "json")
    conn_id, location = new_connection(client)
    resp = raw("cbor", server.url, "DescribeLoa", {"connectionId": conn_id})
    assert resp.status == 200, resp.body[:300]
    assert resp.header("content-type") == "application/cbor"
    body = resp.data()
    assert set(body) == {"loaContent", "loaContentType"}
    # A CBOR blob is a byte string (major type 2), not base64 text.
    assert isinstance(body["loaContent"], bytes)
    assert_pdf(body["loaContent"], conn_id, location)
    assert body["loaContentType"] == "application/pdf"


@pytest.mark.parametrize("protocol", ["json", "cbor"])
def test_loa_content_type_outside_the_enum(server, dx, protocol):
    client = dx(CUSTOMER, "json")
    conn_id, _ = new_connection(client)
    # botocore does not check enums, so the server has to.
    resp = raw(protocol, server.url, "DescribeLoa", {"connectionId": conn_id, "loaContentType": "text/plain"})
    assert resp.status == 400
    assert resp.error_code() == CLIENT_ERR
    assert resp.message() == (
        "1 validation error detected: Value 'text/plain' at 'loaContentType' failed to satisfy "
        "constraint: Member must satisfy enum value set: [application/pdf]")
    # A refused request issues no letter.
    assert "loaIssueTime" not in describe_connection(client, conn_id)


def test_describe_loa_on_a_lag(dx, proto):
    client = dx(CUSTOMER, proto)
    location, bandwidth = pick_location(client)
    lag = client.create_lag(numberOfConnections=1, location=location, connectionsBandwidth=bandwidth,
                            lagName="lag")
    resp = client.describe_loa(connectionId=lag["lagId"])
    assert set(resp) - {"ResponseMetadata"} == {"loaContent", "loaContentType"}
    assert resp["loaContentType"] == "application/pdf"
    assert_pdf(resp["loaContent"], lag["lagId"], location)


def test_describe_loa_on_an_interconnect(dx, proto):
    partner = dx(PARTNER, proto)
    ic_id, location = new_interconnect(partner)
    resp = partner.describe_loa(connectionId=ic_id)
    assert_pdf(resp["loaContent"], ic_id, location)
    assert "loaIssueTime" in describe_interconnect(partner, ic_id)


# -- the deprecated forms ---------------------------------------------------------------

def test_describe_connection_loa_wraps_the_letter(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id, location = new_connection(client)
    resp = client.describe_connection_loa(connectionId=conn_id)
    assert set(resp) - {"ResponseMetadata"} == {"loa"}
    assert set(resp["loa"]) == {"loaContent", "loaContentType"}
    assert resp["loa"]["loaContentType"] == "application/pdf"
    assert_pdf(resp["loa"]["loaContent"], conn_id, location)
    assert "loaIssueTime" in describe_connection(client, conn_id)


def test_describe_connection_loa_on_the_wire(server, dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id, location = new_connection(client)
    body = raw(proto, server.url, "DescribeConnectionLoa", {"connectionId": conn_id}).data()
    content = body["loa"]["loaContent"]
    if proto == "json":
        assert isinstance(content, str)
        content = base64.b64decode(content, validate=True)
    assert_pdf(content, conn_id, location)


def test_describe_interconnect_loa_wraps_the_letter(dx, proto):
    partner = dx(PARTNER, proto)
    ic_id, location = new_interconnect(partner)
    assert "loaIssueTime" not in describe_interconnect(partner, ic_id)
    resp = partner.describe_interconnect_loa(interconnectId=ic_id)
    assert set(resp) - {"ResponseMetadata"} == {"loa"}
    assert resp["loa"]["loaContentType"] == "application/pdf"
    assert_pdf(resp["loa"]["loaContent"], ic_id, location)
    assert "loaIssueTime" in describe_interconnect(partner, ic_id)


def test_describe_interconnect_loa_only_for_interconnects(dx, proto):
    client = dx(PARTNER, proto)
    conn_id, _ = new_connection(client)
    for target in (conn_id, UNKNOWN_CONNECTION):
        expect_error(lambda: client.describe_interconnect_loa(interconnectId=target), CLIENT_ERR,
                     f"Could not find Interconnect with ID {target}")
    assert "loaIssueTime" not in describe_connection(client, conn_id)


def test_describe_interconnect_loa_of_another_account(dx, proto):
    ic_id, _ = new_interconnect(dx(PARTNER, proto))
    # Someone else's interconnect reads exactly like one that does not exist
    # (operations.md §0.3), or the answer would confirm the ID is real.
    err = client_error(lambda: dx(THIRD, proto).describe_interconnect_loa(interconnectId=ic_id))
    assert err.response["Error"]["Code"] == CLIENT_ERR
    assert err.response["Error"]["Message"] == f"Could not find Interconnect with ID {ic_id}"
    assert "loaIssueTime" not in describe_interconnect(dx(PARTNER, proto), ic_id)


def test_describe_connection_loa_is_not_for_lags(dx, proto):
    client = dx(CUSTOMER, proto)
    location, bandwidth = pick_location(client)
    lag_id = client.create_lag(numberOfConnections=1, location=location, connectionsBandwidth=bandwidth,
                               lagName="lag")["lagId"]
    expect_error(lambda: client.describe_connection_loa(connectionId=lag_id), CLIENT_ERR,
                 f"{NOT_FOUND} {lag_id}")


# -- refusals ---------------------------------------------------------------------------

def test_no_letter_for_a_hosted_connection(dx, proto):
    partner, customer = dx(PARTNER, proto), dx(CUSTOMER, proto)
    hosted_id = hosted_connection(partner, customer)
    # The partner provides the cross connect for a hosted connection.
    for call in (customer.describe_loa, customer.describe_connection_loa):
        expect_error(lambda: call(connectionId=hosted_id), CLIENT_ERR,
                     f"Connection {hosted_id} is a hosted connection; its partner provides the "
                     "cross connect, so there is no LOA")
    # The partner does not own the hosted connection.
    expect_error(lambda: partner.describe_loa(connectionId=hosted_id), CLIENT_ERR, f"{NOT_FOUND} {hosted_id}")
    assert "loaIssueTime" not in describe_connection(customer, hosted_id)


def test_unknown_ids(dx, proto):
    client = dx(CUSTOMER, proto)
    expect_error(lambda: client.describe_loa(connectionId=UNKNOWN_CONNECTION), CLIENT_ERR,
                 f"{NOT_FOUND} {UNKNOWN_CONNECTION}")
    expect_error(lambda: client.describe_connection_loa(connectionId=UNKNOWN_CONNECTION), CLIENT_ERR,
                 f"{NOT_FOUND} {UNKNOWN_CONNECTION}")
    expect_error(lambda: client.describe_loa(connectionId=UNKNOWN_LAG), CLIENT_ERR,
                 f"Could not find Lag with ID {UNKNOWN_LAG}")


def test_another_accounts_connection(dx, proto):
    owner = dx(CUSTOMER, proto)
    conn_id, _ = new_connection(owner)
    for client in (dx(THIRD, proto), dx(PARTNER, proto), dx(CUSTOMER, proto, "us-west-2")):
        # The same words as for an ID that never existed.
        expect_error(lambda: client.describe_loa(connectionId=conn_id), CLIENT_ERR, f"{NOT_FOUND} {conn_id}")
        expect_error(lambda: client.describe_connection_loa(connectionId=conn_id), CLIENT_ERR,
                     f"{NOT_FOUND} {conn_id}")
    assert "loaIssueTime" not in describe_connection(owner, conn_id)


def test_another_accounts_lag(dx, proto):
    owner = dx(CUSTOMER, proto)
    location, bandwidth = pick_location(owner)
    lag_id = owner.create_lag(numberOfConnections=1, location=location, connectionsBandwidth=bandwidth,
                              lagName="lag")["lagId"]
    expect_error(lambda: dx(THIRD, proto).describe_loa(connectionId=lag_id), CLIENT_ERR,
                 f"Could not find Lag with ID {lag_id}")


def test_no_letter_for_a_deleted_connection(dx, proto):
    client = dx(CUSTOMER, proto)
    conn_id, _ = new_connection(client)
    client.delete_connection(connectionId=conn_id)
    expect_error(lambda: client.describe_loa(connectionId=conn_id), CLIENT_ERR, f"{NOT_FOUND} {conn_id}")
    conn = describe_connection(client, conn_id)
    assert conn["connectionState"] == "deleted"
    assert "loaIssueTime" not in conn
