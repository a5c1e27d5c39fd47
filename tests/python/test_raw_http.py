"""The wire edges no SDK exercises: malformed and oversized bodies, unknown
or unimplemented operations, wrong content types, indefinite-length CBOR,
and the envelope every response must carry. None of these may change state
or answer 5xx.
"""

import json

import botocore.session
import cbor2
import pytest

from support import (
    CBOR_ERROR_NAMESPACE, CBOR_PATH, CUSTOMER, PARTNER, RawResponse, http, pick_location,
    raw, raw_cbor, raw_json, signed,
)

ALL_OPERATIONS = sorted(botocore.session.get_session().get_service_model("directconnect").operation_names)
ONE_MIB = 1024 * 1024


def check_envelope(resp: RawResponse):
    """What every Direct Connect response carries, success or failure."""
    assert resp.header("x-amzn-RequestId"), resp.headers
    assert resp.status < 500, (resp.status, resp.body[:300])
    if resp.protocol == "cbor":
        assert resp.header("smithy-protocol") == "rpc-v2-cbor", resp.headers
    if resp.status >= 400 and resp.body:
        data = resp.data()
        assert isinstance(data, dict) and "__type" in data, data
        if resp.protocol == "cbor":
            assert data["__type"].startswith(CBOR_ERROR_NAMESPACE), data
        else:
            assert "#" not in data["__type"], data
            # aws-sdk-rust reads the header before the body: they must agree.
            assert resp.header("x-amzn-ErrorType") == data["__type"], resp.headers
    return resp


@pytest.fixture(autouse=True)
def _server_survives(server):
    yield
    # Whatever a test sent, the process must still be up and answering.
    assert server.proc.poll() is None, server.stderr_tail()
    assert http("GET", server.url + "/_dxlocal/health").status == 200


@pytest.fixture
def baseline(dx):
    """One existing connection; `unchanged()` proves a request altered nothing."""
    client = dx(PARTNER, "json")
    location, bandwidth = pick_location(client)
    conn_id = client.create_connection(location=location, bandwidth=bandwidth, connectionName="base")["connectionId"]

    def snapshot():
        return sorted((c["connectionId"], c["connectionState"]) for c in client.describe_connections()["connections"])

    before = snapshot()

    class Baseline:
        pass

    b = Baseline()
    b.location, b.bandwidth, b.conn_id = location, bandwidth, conn_id
    b.valid_create = {"location": location, "bandwidth": bandwidth, "connectionName": "should-not-exist"}
    b.unchanged = lambda: snapshot() == before
    return b


# -- malformed bodies ---------------------------------------------------------------

@pytest.mark.parametrize("body", [b'{"location": ', b"{]", b"\xff\xfe", b'{"a":1}{"b":2}'])
def test_malformed_json(server, baseline, body):
    resp = check_envelope(raw_json(server.url, "CreateConnection", body, account=PARTNER))
    assert resp.status == 400
    assert resp.error_code() == "SerializationException"
    assert baseline.unchanged()


@pytest.mark.parametrize("body", [
    b"\xa1\x68location",          # map of one, key announced as 8 bytes, value missing
    b"\xa3\x68location\x65EqDC2",  # map of three, only one entry present
    b"\xff",                      # a lone "break"
    b"\x1c",                      # reserved additional-information value
    b"\xbf\x68location",          # indefinite map never closed
])
def test_malformed_cbor(server, baseline, body):
    resp = check_envelope(raw_cbor(server.url, "CreateConnection", body, account=PARTNER))
    assert resp.status == 400
    assert baseline.unchanged()


@pytest.mark.parametrize("protocol", ["json", "cbor"])
@pytest.mark.parametrize("top", [[], [1, 2], "text", 5, True])
def test_non_map_top_level(server, baseline, protocol, top):
    resp = check_envelope(raw(protocol, server.url, "CreateConnection", top, account=PARTNER))
    assert resp.status == 400
    if protocol == "json":
        assert resp.error_code() == "SerializationException"
    assert baseline.unchanged()


@pytest.mark.parametrize("protocol", ["json", "cbor"])
def test_member_of_wrong_type(server, baseline, protocol):
    body = dict(baseline.valid_create, location=5)
    resp = check_envelope(raw(protocol, server.url, "CreateConnection", body, account=PARTNER))
    assert resp.status == 400
    if protocol == "json":
        assert resp.error_code() == "SerializationException"
    assert baseline.unchanged()


@pytest.mark.parametrize("protocol", ["json", "cbor"])
def test_missing_required_member(server, baseline, protocol):
    body = {k: v for k, v in baseline.valid_create.items() if k != "location"}
    resp = check_envelope(raw(protocol, server.url, "CreateConnection", body, account=PARTNER))
    assert resp.status == 400
    assert resp.error_code() == "DirectConnectClientException"
    assert "location" in resp.message()
    assert baseline.unchanged()


@pytest.mark.parametrize("protocol", ["json", "cbor"])
def test_oversized_body(server, baseline, protocol):
    body = dict(baseline.valid_create, connectionName="x" * (ONE_MIB + 1024))
    resp = check_envelope(raw(protocol, server.url, "CreateConnection", body, account=PARTNER))
    assert resp.status == 413
    assert baseline.unchanged()


ALLOC = {"connectionId": "dxcon-fzzzzzzz", "ownerAccount": CUSTOMER,
         "newPrivateVirtualInterfaceAllocation": {"virtualInterfaceName": "x", "vlan": 1, "asn": 1}}


def _alloc_with_vlan(vlan):
    body = json.loads(json.dumps(ALLOC))
    body["newPrivateVirtualInterfaceAllocation"]["vlan"] = vlan
    return body


@pytest.mark.parametrize("name,body", [
    ("deep arrays", b"\xa1\x64tags" + b"\x81" * 200000 + b"\x00"),
    ("deep maps", b"\xa1\x64tags" + b"\xa1\x61a" * 100000 + b"\x00"),
    ("map claiming 2^64 entries", b"\xbb" + b"\xff" * 8),
    ("text claiming 4 GiB", b"\xa1\x7b\x00\x00\x00\x01\x00\x00\x00\x00abc"),
    ("array claiming 2^36 items", b"\xa1\x64tags\x9b\x00\x00\x00\x10\x00\x00\x00\x00"),
    ("invalid UTF-8 text", b"\xa1\x6cconnectionId\x62\xff\xfe"),
    ("integer key", b"\xa1\x01\x02"),
    ("byte-string key", b"\xa1\x42ab\x01"),
    ("two top-level items", b"\xa0\xa0"),
    ("tagged string member", b"\xa1\x6cconnectionId\xc1\x65dxcon"),
    ("bignum vlan", cbor2.dumps(_alloc_with_vlan(2 ** 70))),
    ("huge negative vlan", cbor2.dumps(_alloc_with_vlan(-2 ** 63 - 5))),
    ("float vlan", cbor2.dumps(_alloc_with_vlan(1.5))),
])
def test_hostile_cbor(server, baseline, name, body):
    op = "AllocatePrivateVirtualInterface" if "vlan" in name else "DescribeConnections"
    resp = check_envelope(raw_cbor(server.url, op, body, account=PARTNER))
    assert resp.status == 400, name
    assert baseline.unchanged()


@pytest.mark.parametrize("name,body", [
    ("deep arrays", b'{"tags":' + b"[" * 200000 + b"]" * 200000 + b"}"),
    ("number out of range", json.dumps(ALLOC).replace('"vlan": 1', '"vlan": 1e400').encode()),
    ("huge integer", json.dumps(ALLOC).replace('"vlan": 1', '"vlan": 123456789012345678901234567890').encode()),
    ("fractional vlan", json.dumps(ALLOC).replace('"vlan": 1', '"vlan": 10.5').encode()),
    ("string vlan", json.dumps(ALLOC).replace('"vlan": 1', '"vlan": "10"').encode()),
    ("lone surrogate", b'{"connectionId":"\\ud800"}'),
    ("two top-level objects", b"{} {}"),
])
def test_hostile_json(server, baseline, name, body):
    resp = check_envelope(raw_json(server.url, "AllocatePrivateVirtualInterface", body, account=PARTNER))
    assert resp.status == 400, name
    assert resp.error_code() == "SerializationException"
    assert baseline.unchanged()


# -- routing ------------------------------------------------------------------------

def test_json_unknown_operation(server, baseline):
    resp = check_envelope(raw_json(server.url, "Nope", {}, account=PARTNER))
    assert resp.status == 400
    assert resp.error_code() == "UnknownOperationException"
    assert baseline.unchanged()


@pytest.mark.parametrize("target", ["DirectConnect.CreateConnection", "CreateConnection",
                                    "OvertureService.", "OvertureService.createconnection", ""])
def test_json_bad_target(server, baseline, target):
    resp = raw_json(server.url, None, baseline.valid_create, account=PARTNER,
                    headers={"X-Amz-Target": target})
    check_envelope(resp)
    assert resp.status == 400
    assert resp.error_code() == "UnknownOperationException"
    assert baseline.unchanged()


def test_json_missing_target(server, baseline):
    resp = check_envelope(raw_json(server.url, None, baseline.valid_create, account=PARTNER))
    assert resp.status == 400
    assert resp.error_code() == "UnknownOperationException"
    assert baseline.unchanged()


@pytest.mark.parametrize("path", [
    CBOR_PATH + "Nope",
    CBOR_PATH + "createConnection",
    "/service/SomethingElse/operation/CreateConnection",
])
def test_cbor_unknown_operation(server, baseline, path):
    resp = signed(server.url, path, cbor2.dumps(baseline.valid_create),
                  {"smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor",
                   "Accept": "application/cbor"}, PARTNER, "us-east-1")
    resp.protocol = "cbor"
    assert resp.header("x-amzn-RequestId")
    assert resp.status == 404, (resp.status, resp.body)
    if path.startswith(CBOR_PATH):
        check_envelope(resp)
        assert resp.error_code() == "UnknownOperationException"
    assert baseline.unchanged()


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", "application/x-amz-json-1.1"])
def test_cbor_wrong_content_type(server, baseline, content_type):
    resp = check_envelope(raw_cbor(server.url, "CreateConnection", cbor2.dumps(baseline.valid_create),
                                   account=PARTNER, headers={"Content-Type": content_type}))
    assert resp.status == 415
    assert baseline.unchanged()


@pytest.mark.parametrize("content_type", ["text/plain", "application/cbor", "application/x-www-form-urlencoded"])
def test_json_wrong_content_type(server, baseline, content_type):
    resp = check_envelope(raw_json(server.url, "CreateConnection", baseline.valid_create,
                                   account=PARTNER, headers={"Content-Type": content_type}))
    assert 400 <= resp.status < 500
    assert baseline.unchanged()


def test_json_content_type_with_charset(server, baseline):
    resp = check_envelope(raw_json(server.url, "DescribeLocations", {}, account=PARTNER,
                                   headers={"Content-Type": "application/x-amz-json-1.1; charset=utf-8"}))
    assert resp.status == 200
    assert resp.data()["locations"]


@pytest.mark.parametrize("protocol", ["json", "cbor"])
@pytest.mark.parametrize("operation", ALL_OPERATIONS)
def test_every_operation_is_routed(server, protocol, operation):
    assert len(ALL_OPERATIONS) == 73
    resp = check_envelope(raw(protocol, server.url, operation, {}, account=CUSTOMER))
    # Every operation is implemented: an empty input is answered (200) or
    # refused as invalid (400), never unknown or unimplemented.
    assert resp.status in (200, 400), (resp.status, resp.data())
    if resp.status == 400:
        assert resp.error_code() not in ("UnknownOperationException", "NotImplemented")


# -- accepted variants ---------------------------------------------------------------

@pytest.mark.parametrize("protocol,body", [("json", b""), ("json", b"{}"), ("cbor", b""), ("cbor", b"\xa0"),
                                           ("cbor", b"\xbf\xff")])
def test_no_input_operations_accept_empty_bodies(server, protocol, body):
    resp = check_envelope(raw(protocol, server.url, "DescribeLocations", body, account=CUSTOMER))
    assert resp.status == 200, resp.data()
    assert resp.data()["locations"]


def _cbor_text_indefinite(s: str) -> bytes:
    """A text string sent as two chunks, the way streaming encoders may."""
    half = len(s) // 2
    return b"\x7f" + cbor2.dumps(s[:half]) + cbor2.dumps(s[half:]) + b"\xff"


def test_cbor_indefinite_lengths_accepted(server, dx, baseline):
    body = b"\xbf"
    for key, value in baseline.valid_create.items():
        body += _cbor_text_indefinite(key) + _cbor_text_indefinite(value)
    body += _cbor_text_indefinite("tags") + b"\x9f" + b"\xbf" + cbor2.dumps("key") + cbor2.dumps("k") \
        + cbor2.dumps("value") + cbor2.dumps("v") + b"\xff" + b"\xff"
    body += b"\xff"
    resp = check_envelope(raw_cbor(server.url, "CreateConnection", body, account=PARTNER))
    assert resp.status == 200, resp.data()
    created = resp.data()
    assert created["connectionName"] == "should-not-exist"
    assert created["connectionState"] == "requested"
    assert created["tags"] == [{"key": "k", "value": "v"}]
    ids = [c["connectionId"] for c in dx(PARTNER, "json").describe_connections()["connections"]]
    assert created["connectionId"] in ids


def test_unknown_members_are_ignored(server, baseline):
    body = dict(baseline.valid_create, connectionName="extra", someFutureMember={"x": [1, 2]})
    resp = check_envelope(raw_json(server.url, "CreateConnection", body, account=PARTNER))
    assert resp.status == 200, resp.data()
    assert resp.data()["connectionName"] == "extra"


@pytest.mark.parametrize("protocol", ["json", "cbor"])
def test_endpoint_with_path_prefix(server, cbor_session, protocol):
    # Clients prepend the path of a custom endpoint URL to every request.
    import boto3
    from botocore.config import Config

    session = cbor_session if protocol == "cbor" else boto3.Session()
    client = session.client("directconnect", region_name="us-east-1", endpoint_url=server.url + "/prefix",
                            aws_access_key_id=CUSTOMER, aws_secret_access_key="x",
                            config=Config(retries={"max_attempts": 1}))
    assert client.describe_locations()["locations"]


# -- envelopes ----------------------------------------------------------------------

def test_json_success_envelope(server):
    resp = check_envelope(raw_json(server.url, "DescribeLocations", {}, account=CUSTOMER))
    assert resp.status == 200
    assert resp.header("Content-Type").startswith("application/x-amz-json-1.1")


def test_cbor_success_envelope(server):
    resp = check_envelope(raw_cbor(server.url, "DescribeLocations", b"", account=CUSTOMER))
    assert resp.status == 200
    assert resp.header("Content-Type") == "application/cbor"
    assert isinstance(cbor2.loads(resp.body), dict)


def test_json_business_error_envelope(server):
    resp = check_envelope(raw_json(server.url, "DescribeConnections", {"connectionId": "dxcon-fzzzzzzz"}))
    assert resp.status == 400
    data = resp.data()
    assert data["__type"] == "DirectConnectClientException"
    assert "Could not find Connection with ID" in data["message"]


def test_cbor_business_error_envelope(server):
    resp = check_envelope(raw_cbor(server.url, "DescribeConnections", {"connectionId": "dxcon-fzzzzzzz"}))
    assert resp.status == 400
    assert resp.header("Content-Type") == "application/cbor"
    data = resp.data()
    assert data["__type"] == CBOR_ERROR_NAMESPACE + "DirectConnectClientException"
    assert "Could not find Connection with ID" in data["message"]


@pytest.mark.parametrize("protocol,empty", [("json", {}), ("cbor", b"\xa0")])
def test_empty_outputs(server, dx, protocol, empty):
    client = dx(PARTNER, "json")
    location, bandwidth = pick_location(client)
    conn_id = client.create_connection(location=location, bandwidth=bandwidth, connectionName="t")["connectionId"]
    arn = f"arn:aws:directconnect:us-east-1:{PARTNER}:dxcon/{conn_id}"
    resp = check_envelope(raw(protocol, server.url, "TagResource",
                              {"resourceArn": arn, "tags": [{"key": "a", "value": "b"}]}, account=PARTNER))
    assert resp.status == 200
    if protocol == "json":
        assert json.loads(resp.body) == {}
    else:
        assert resp.body == empty


# -- admin API ----------------------------------------------------------------------

def test_admin_health(server):
    resp = http("GET", server.url + "/_dxlocal/health")
    assert resp.status == 200


def test_admin_reset_clears_state(server, dx):
    client = dx(PARTNER, "json")
    location, bandwidth = pick_location(client)
    client.create_connection(location=location, bandwidth=bandwidth, connectionName="t")
    server.reset()
    assert client.describe_connections()["connections"] == []


@pytest.mark.parametrize("body", [b"", b"{}", b'{"seconds": "ten"}', b"nope"])
def test_admin_clock_advance_rejects_bad_input(server, body):
    resp = http("POST", server.url + "/_dxlocal/clock/advance", body, {"Content-Type": "application/json"})
    assert 400 <= resp.status < 500, (resp.status, resp.body)


def test_unknown_paths(server):
    assert http("GET", server.url + "/_dxlocal/nope").status == 404
    assert http("GET", server.url + "/definitely/not/here").status == 404
