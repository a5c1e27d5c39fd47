"""`--auth strict`: SigV4 verified on every Direct Connect, EC2 and STS
request against the keys of the credentials file.

boto3 with a configured key works in both Direct Connect protocols, EC2 and
STS. Every refusal is built from a request botocore signed correctly and then
altered in one way; each must fail with the code the service uses and leave
the state untouched (nothing reaches the engine).

This module starts its own server; the shared `server` fixture runs with
verification off.
"""

from __future__ import annotations

import datetime
import json
import re
from unittest import mock

import boto3
import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from dxserver import Server
from support import CBOR_PATH, TARGET_PREFIX, assert_error, client_error, http

PARTNER_KEY = "AKIASTRICTPARTNER"
PARTNER_SECRET = "partner/Secret+Key0123456789"
PARTNER_ACCOUNT = "111111111111"
CUSTOMER_KEY = "AKIASTRICTCUSTOMER"
CUSTOMER_SECRET = "customer-secret"
CUSTOMER_ACCOUNT = "222222222222"
REGION = "us-east-1"

NO_RETRIES = Config(retries={"max_attempts": 1}, connect_timeout=10, read_timeout=60)

MISMATCH = "The request signature we calculated does not match the signature you provided."
EC2_FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    path = tmp_path_factory.mktemp("strict-auth") / "credentials.json"
    path.write_text(json.dumps({"credentials": [
        {"accessKeyId": PARTNER_KEY, "secretAccessKey": PARTNER_SECRET, "accountId": PARTNER_ACCOUNT},
        {"accessKeyId": CUSTOMER_KEY, "secretAccessKey": CUSTOMER_SECRET, "accountId": CUSTOMER_ACCOUNT},
    ]}))
    srv = Server(["--auth", "strict", "--credentials", str(path)])
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def _fresh(strict):
    # The admin API is not authenticated, in strict mode too.
    strict.reset()


_CLIENTS: dict = {}


def client(strict, service, key=PARTNER_KEY, secret=PARTNER_SECRET, session=None, region=REGION):
    # Building a boto3 client costs tens of milliseconds; the tests build
    # the same few over and over.
    cache_key = (strict.url, service, key, secret, id(session), region)
    if cache_key not in _CLIENTS:
        _CLIENTS[cache_key] = (session or boto3.Session()).client(
            service, region_name=region, endpoint_url=strict.url,
            aws_access_key_id=key, aws_secret_access_key=secret, config=NO_RETRIES)
    return _CLIENTS[cache_key]


def connection_count(strict) -> int:
    return len(client(strict, "directconnect").describe_connections()["connections"])


def vgw_count(strict) -> int:
    return len(client(strict, "ec2").describe_vpn_gateways()["VpnGateways"])


def location(strict) -> str:
    return client(strict, "directconnect").describe_locations()["locations"][0]["locationCode"]


# --------------------------------------------------------------------------
# Raw requests: signed by botocore, then altered
# --------------------------------------------------------------------------


def sign(url, method, body, headers, key=PARTNER_KEY, secret=PARTNER_SECRET,
         service="directconnect", region=REGION, at=None):
    """botocore's own SigV4 signer, optionally at a chosen time."""
    req = AWSRequest(method=method, url=url, data=body, headers=dict(headers))
    signer = SigV4Auth(Credentials(key, secret), service, region)
    if at is None:
        signer.add_auth(req)
    else:
        with mock.patch("botocore.auth.get_current_datetime", return_value=at):
            signer.add_auth(req)
    return dict(req.headers.items())


def dx_request(strict, protocol, operation, payload: dict):
    """(url, body, headers) of a Direct Connect call in `protocol`."""
    if protocol == "json":
        return (strict.url + "/", json.dumps(payload).encode(),
                {"Content-Type": "application/x-amz-json-1.1",
                 "X-Amz-Target": f"{TARGET_PREFIX}.{operation}"})
    import cbor2
    return (strict.url + CBOR_PATH + operation, cbor2.dumps(payload),
            {"smithy-protocol": "rpc-v2-cbor", "Accept": "application/cbor",
             "Content-Type": "application/cbor"})


def error_of(protocol, resp):
    if protocol == "cbor":
        import cbor2
        data = cbor2.loads(resp.body)
    else:
        data = json.loads(resp.body)
    return data["__type"].split("#")[-1], data.get("message", "")


def create_connection_payload(strict):
    return {"location": location(strict), "bandwidth": "10Gbps", "connectionName": "tampered"}


def with_authorization(headers, edit):
    out = dict(headers)
    out["Authorization"] = edit(out["Authorization"])
    return out


def twenty_minutes_ago():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(minutes=20)


TAMPERINGS = {
    # name: (how to build the request headers and body, expected code)
    "wrong_secret": "InvalidSignatureException",
    "unknown_key": "UnrecognizedClientException",
    "tampered_body": "InvalidSignatureException",
    "wrong_region_in_scope": "InvalidSignatureException",
    "expired_date": "InvalidSignatureException",
    "host_not_signed": "IncompleteSignatureException",
    "date_not_signed": "IncompleteSignatureException",
    "unsigned": "MissingAuthenticationTokenException",
}


def tampered(strict, protocol, case):
    url, body, headers = dx_request(strict, protocol, "CreateConnection", create_connection_payload(strict))
    if case == "wrong_secret":
        return url, body, sign(url, "POST", body, headers, secret="not-the-secret")
    if case == "unknown_key":
        return url, body, sign(url, "POST", body, headers, key="AKIANOBODYKNOWS")
    signed = sign(url, "POST", body, headers,
                  at=twenty_minutes_ago() if case == "expired_date" else None)
    if case == "tampered_body":
        other = json.loads(body) if protocol == "json" else None
        if protocol == "json":
            other["connectionName"] = "swapped"
            return url, json.dumps(other).encode(), signed
        import cbor2
        decoded = cbor2.loads(body)
        decoded["connectionName"] = "swapped"
        return url, cbor2.dumps(decoded), signed
    if case == "wrong_region_in_scope":
        return url, body, with_authorization(signed, lambda a: a.replace(f"/{REGION}/", "/eu-west-1/"))
    if case == "host_not_signed":
        return url, body, with_authorization(signed, lambda a: re.sub(r"(SignedHeaders=[^,]*?)host;", r"\1", a))
    if case == "date_not_signed":
        return url, body, with_authorization(signed, lambda a: a.replace(";x-amz-date", ""))
    if case == "unsigned":
        return url, body, headers
    if case == "expired_date":
        return url, body, signed
    raise ValueError(case)


# --------------------------------------------------------------------------
# Configured keys work
# --------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", ["json", "cbor"])
def test_boto3_with_configured_keys(strict, cbor_session, protocol):
    session = cbor_session if protocol == "cbor" else None
    partner = client(strict, "directconnect", session=session)
    conn = partner.create_connection(location=location(strict), bandwidth="1Gbps", connectionName="signed")
    assert conn["ownerAccount"] == PARTNER_ACCOUNT
    listed = partner.describe_connections()["connections"]
    assert [c["connectionId"] for c in listed] == [conn["connectionId"]]
    # The other key is the other account: it sees nothing.
    customer = client(strict, "directconnect", CUSTOMER_KEY, CUSTOMER_SECRET, session=session)
    assert customer.describe_connections()["connections"] == []


def test_ec2_and_sts_with_configured_keys(strict):
    ec2 = client(strict, "ec2", CUSTOMER_KEY, CUSTOMER_SECRET)
    vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]
    assert [g["VpnGatewayId"] for g in ec2.describe_vpn_gateways()["VpnGateways"]] == [vgw["VpnGatewayId"]]
    ident = client(strict, "sts", CUSTOMER_KEY, CUSTOMER_SECRET, region="eu-west-1").get_caller_identity()
    assert ident["Account"] == CUSTOMER_ACCOUNT


# --------------------------------------------------------------------------
# Refusals: right code, nothing changed
# --------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", ["json", "cbor"])
@pytest.mark.parametrize("case", list(TAMPERINGS))
def test_refused_requests_change_nothing(strict, protocol, case):
    before = connection_count(strict)
    url, body, headers = tampered(strict, protocol, case)
    resp = http("POST", url, body, headers)
    code, message = error_of(protocol, resp)
    assert (resp.status, code) == (400, TAMPERINGS[case]), (resp.status, code, message)
    if case in ("wrong_secret", "tampered_body", "wrong_region_in_scope"):
        assert message.startswith(MISMATCH), message
    if case == "expired_date":
        assert message.startswith("Signature expired: "), message
        assert "is now earlier than" in message, message
    if case == "host_not_signed":
        assert "'Host'" in message, message
    if case == "unknown_key":
        assert message == "The security token included in the request is invalid."
    if case == "unsigned":
        assert message == "Missing Authentication Token"
    assert connection_count(strict) == before


def test_untampered_raw_request_is_accepted(strict):
    # The control for the tamperings above: the same request, unaltered.
    url, body, headers = dx_request(strict, "json", "CreateConnection", create_connection_payload(strict))
    resp = http("POST", url, body, sign(url, "POST", body, headers))
    assert resp.status == 200, resp.body
    assert connection_count(strict) == 1


def test_boto3_wrong_secret_and_unknown_key(strict):
    err = client_error(client(strict, "directconnect", secret="wrong").describe_connections)
    assert_error(err, "InvalidSignatureException", contains=MISMATCH)
    err = client_error(client(strict, "directconnect", key="AKIAUNLISTED").describe_locations)
    assert_error(err, "UnrecognizedClientException",
                 "The security token included in the request is invalid.")
    # Twelve digits are an account only when verification is off.
    err = client_error(client(strict, "directconnect", key="333333333333").describe_locations)
    assert_error(err, "UnrecognizedClientException")


def test_session_token_is_refused(strict):
    dx = boto3.Session().client(
        "directconnect", region_name=REGION, endpoint_url=strict.url,
        aws_access_key_id=PARTNER_KEY, aws_secret_access_key=PARTNER_SECRET,
        aws_session_token="FQoGZXIvYXdzEXAMPLE", config=NO_RETRIES)
    assert_error(client_error(dx.describe_locations), "UnrecognizedClientException")


def test_ec2_and_sts_refusals(strict):
    before = vgw_count(strict)
    err = client_error(client(strict, "ec2", secret="wrong").create_vpn_gateway, Type="ipsec.1")
    assert_error(err, "AuthFailure", "AWS was not able to validate the provided access credentials", status=401)
    err = client_error(client(strict, "ec2", key="AKIAUNLISTED").create_vpn_gateway, Type="ipsec.1")
    assert_error(err, "AuthFailure", status=401)
    assert vgw_count(strict) == before

    err = client_error(client(strict, "sts", secret="wrong").get_caller_identity)
    assert_error(err, "SignatureDoesNotMatch", contains=MISMATCH, status=403)
    err = client_error(client(strict, "sts", key="AKIAUNLISTED").get_caller_identity)
    assert_error(err, "InvalidClientTokenId", "The security token included in the request is invalid.",
                 status=403)

    # An expired EC2 request: EC2's RequestExpired.
    url, body = strict.url + "/", b"Action=CreateVpnGateway&Version=2016-11-15&Type=ipsec.1"
    headers = sign(url, "POST", body, EC2_FORM, service="ec2", at=twenty_minutes_ago())
    resp = http("POST", url, body, headers)
    assert resp.status == 400, resp.body
    assert b"<Code>RequestExpired</Code>" in resp.body, resp.body
    # Unsigned: MissingAuthenticationToken in the EC2 envelope.
    resp = http("POST", url, body, dict(EC2_FORM))
    assert resp.status == 403 and b"<Code>MissingAuthenticationToken</Code>" in resp.body, resp.body
    assert vgw_count(strict) == before


def test_scope_must_name_the_endpoint_service(strict):
    # A Direct Connect call signed for EC2 is refused like a bad signature.
    url, body, headers = dx_request(strict, "json", "DescribeLocations", {})
    resp = http("POST", url, body, sign(url, "POST", body, headers, service="ec2"))
    assert resp.status == 400
    code, message = error_of("json", resp)
    assert code == "InvalidSignatureException"
    assert "'directconnect'" in message


# --------------------------------------------------------------------------
# Presigned query form
# --------------------------------------------------------------------------


def presigned_url(strict, query, key=PARTNER_KEY, secret=PARTNER_SECRET, expires=300):
    req = AWSRequest(method="GET", url=f"{strict.url}/?{query}")
    SigV4QueryAuth(Credentials(key, secret), "ec2", REGION, expires=expires).add_auth(req)
    return req.url


def test_presigned_ec2_get(strict):
    vgw = client(strict, "ec2").create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    url = presigned_url(strict, "Action=DescribeVpnGateways&Version=2016-11-15")
    assert "X-Amz-Signature=" in url and "Authorization" not in url
    resp = http("GET", url)
    assert resp.status == 200, resp.body
    assert f"<vpnGatewayId>{vgw}</vpnGatewayId>".encode() in resp.body

    # Any change to the signed query breaks it.
    tampered_url = url.replace("Version=2016-11-15", "Version=2016-11-15&VpnGatewayId.1=vgw-0fffffffffffffff0")
    resp = http("GET", tampered_url)
    assert resp.status == 401, resp.body
    assert b"<Code>AuthFailure</Code>" in resp.body

    # So does a signature by the wrong secret.
    resp = http("GET", presigned_url(strict, "Action=DescribeVpnGateways&Version=2016-11-15", secret="nope"))
    assert resp.status == 401 and b"<Code>AuthFailure</Code>" in resp.body, resp.body
