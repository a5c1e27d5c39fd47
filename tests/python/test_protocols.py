"""The two SDK clients really speak the protocol the test thinks they do.

Everything parametrized over `proto` relies on this: if botocore quietly fell
back to JSON, the CBOR half of the suite would prove nothing.
"""

import pytest

from support import CBOR_PATH, CUSTOMER


def _capture(client):
    seen = []

    def hook(request, **_):
        seen.append(request)

    client.meta.events.register("before-send.directconnect.*", hook)
    return seen


def _headers(request):
    return {k.lower(): (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()}


def test_cbor_client_sends_rpc_v2_cbor(dx):
    client = dx(CUSTOMER, "cbor")
    assert client.meta.service_model.resolved_protocol == "smithy-rpc-v2-cbor"
    seen = _capture(client)
    resp = client.describe_locations()
    req = seen[-1]
    headers = _headers(req)
    assert req.url.endswith(CBOR_PATH + "DescribeLocations")
    assert headers["smithy-protocol"] == "rpc-v2-cbor"
    assert "x-amz-target" not in headers
    # The response came back as CBOR too, with the header the JS SDK requires.
    resp_headers = resp["ResponseMetadata"]["HTTPHeaders"]
    assert resp_headers.get("smithy-protocol") == "rpc-v2-cbor"
    assert resp_headers.get("content-type", "").startswith("application/cbor")
    assert resp["ResponseMetadata"].get("RequestId")


def test_cbor_client_sends_cbor_body(dx):
    client = dx(CUSTOMER, "cbor")
    seen = _capture(client)
    client.describe_virtual_interfaces(virtualInterfaceId="dxvif-fzzzzzzz")
    req = seen[-1]
    assert req.url.endswith(CBOR_PATH + "DescribeVirtualInterfaces")
    assert _headers(req)["content-type"] == "application/cbor"
    # a1 = map of one entry, 72 = text of 18 bytes ("virtualInterfaceId")
    assert req.body.startswith(b"\xa1\x72virtualInterfaceId")


def test_json_client_sends_aws_json_1_1(dx):
    client = dx(CUSTOMER, "json")
    assert client.meta.service_model.resolved_protocol == "json"
    seen = _capture(client)
    resp = client.describe_locations()
    req = seen[-1]
    headers = _headers(req)
    assert req.url.rstrip("/") == client.meta.endpoint_url.rstrip("/")
    assert headers["x-amz-target"] == "OvertureService.DescribeLocations"
    assert headers["content-type"].startswith("application/x-amz-json-1.1")
    resp_headers = resp["ResponseMetadata"]["HTTPHeaders"]
    assert resp_headers.get("content-type", "").startswith("application/x-amz-json-1.1")
    assert resp["ResponseMetadata"].get("RequestId")


@pytest.mark.parametrize("protocol", ["json", "cbor"])
def test_request_ids_are_unique(dx, protocol):
    client = dx(CUSTOMER, protocol)
    ids = {client.describe_locations()["ResponseMetadata"]["RequestId"] for _ in range(3)}
    assert len(ids) == 3
