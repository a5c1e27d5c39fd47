"""Helpers shared by the conformance tests: the accounts of the scenarios,
raw signed HTTP requests in both Direct Connect protocols, and small
builders for the resources most tests need.

Kept out of conftest.py so test modules can import them by name.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import cbor2
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

PARTNER = "111111111111"
CUSTOMER = "222222222222"
THIRD = "333333333333"

REGION = "us-east-1"
SEEDED_REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1"]

PROTOCOLS = ["json", "cbor"]
TARGET_PREFIX = "OvertureService"
CBOR_PATH = "/service/OvertureService/operation/"
CBOR_ERROR_NAMESPACE = "com.amazonaws.directconnect#"

# Well-formed IDs that no server will ever have handed out: the emulator's
# IDs start with "f" (resources.md §0.2), these use "z" in the random part.
UNKNOWN_VIF = "dxvif-fzzzzzzz"
UNKNOWN_CONNECTION = "dxcon-fzzzzzzz"
UNKNOWN_VGW = "vgw-0fffffffffffffff0"
UNKNOWN_DXGW = "00000000-0000-4000-8000-000000000000"

AUTH_KEY_RE = re.compile(r"^0x[A-Za-z0-9._]{22}$")
VIF_ID_RE = re.compile(r"^dxvif-[a-z0-9]{8}$")
CONNECTION_ID_RE = re.compile(r"^dxcon-[a-z0-9]{8}$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
VGW_ID_RE = re.compile(r"^vgw-([0-9a-f]{8}|[0-9a-f]{17})$")

VALIDATION_NULL_VIF_ID = (
    "1 validation error detected: Value null at 'virtualInterfaceId' "
    "failed to satisfy constraint: Member must not be null"
)


# --------------------------------------------------------------------------
# Raw HTTP
# --------------------------------------------------------------------------


@dataclass
class RawResponse:
    status: int
    headers: dict  # lower-cased names
    body: bytes
    protocol: str = "json"
    _decoded: object = field(default=None, repr=False)

    def header(self, name: str):
        return self.headers.get(name.lower())

    def data(self):
        """The body decoded in the protocol the request used."""
        if self._decoded is None:
            if not self.body:
                self._decoded = {}
            elif self.protocol == "cbor":
                self._decoded = cbor2.loads(self.body)
            else:
                self._decoded = json.loads(self.body)
        return self._decoded

    def error_code(self) -> str:
        """`__type` without the Smithy namespace, as every SDK reads it."""
        raw = self.data().get("__type", "")
        return raw.split("#")[-1].split(":")[0]

    def message(self) -> str:
        d = self.data()
        return d.get("message", d.get("Message", ""))


def http(method: str, url: str, body: bytes | None = None, headers: dict | None = None,
         timeout: float = 30) -> RawResponse:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return RawResponse(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
    except urllib.error.HTTPError as err:
        return RawResponse(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())


def signed(endpoint: str, path: str, body: bytes, headers: dict, account: str, region: str,
           service: str = "directconnect", method: str = "POST") -> RawResponse:
    """Send a request signed like an SDK would, so the caller is `account`."""
    url = endpoint.rstrip("/") + path
    req = AWSRequest(method=method, url=url, data=body, headers=dict(headers))
    SigV4Auth(Credentials(account, "dxlocal-test-secret"), service, region).add_auth(req)
    return http(method, url, body, dict(req.headers.items()))


def raw_json(endpoint: str, operation: str | None, body, account: str = CUSTOMER,
             region: str = REGION, headers: dict | None = None) -> RawResponse:
    """awsJson1_1 request. `body` may be bytes (sent verbatim) or a value to encode."""
    payload = body if isinstance(body, (bytes, bytearray)) else json.dumps(body).encode()
    h = {"Content-Type": "application/x-amz-json-1.1"}
    if operation is not None:
        h["X-Amz-Target"] = f"{TARGET_PREFIX}.{operation}"
    h.update(headers or {})
    h = {k: v for k, v in h.items() if v is not None}
    resp = signed(endpoint, "/", bytes(payload), h, account, region)
    resp.protocol = "json"
    return resp


def raw_cbor(endpoint: str, operation: str, body, account: str = CUSTOMER,
             region: str = REGION, headers: dict | None = None) -> RawResponse:
    """RPC v2 CBOR request. `body` may be bytes (sent verbatim) or a value to encode."""
    payload = body if isinstance(body, (bytes, bytearray)) else cbor2.dumps(body)
    h = {"smithy-protocol": "rpc-v2-cbor", "Accept": "application/cbor"}
    if payload:
        h["Content-Type"] = "application/cbor"
    h.update(headers or {})
    h = {k: v for k, v in h.items() if v is not None}
    resp = signed(endpoint, CBOR_PATH + operation, bytes(payload), h, account, region)
    resp.protocol = "cbor"
    return resp


def raw(protocol: str, endpoint: str, operation: str, body, **kw) -> RawResponse:
    if protocol == "cbor":
        return raw_cbor(endpoint, operation, body, **kw)
    return raw_json(endpoint, operation, body, **kw)


# --------------------------------------------------------------------------
# Assertions
# --------------------------------------------------------------------------


def client_error(fn, *args, **kwargs) -> ClientError:
    """Run an SDK call that must fail and return the ClientError."""
    try:
        result = fn(*args, **kwargs)
    except ClientError as err:
        return err
    raise AssertionError(f"expected an error, got a success: {result!r}")


def assert_error(err: ClientError, code: str, message: str | None = None, *,
                 contains: str | list | None = None, status: int = 400):
    got_code = err.response["Error"]["Code"]
    got_msg = err.response["Error"].get("Message", "")
    got_status = err.response["ResponseMetadata"]["HTTPStatusCode"]
    assert (got_code, got_status) == (code, status), (
        f"expected {code}/{status}, got {got_code}/{got_status}: {got_msg!r}")
    if message is not None:
        assert got_msg == message
    if contains is not None:
        for part in [contains] if isinstance(contains, str) else contains:
            assert part in got_msg, f"{part!r} not in {got_msg!r}"


def expect_error(fn, code: str, message: str | None = None, *, contains=None,
                 status: int = 400, **kwargs) -> ClientError:
    err = client_error(fn, **kwargs)
    assert_error(err, code, message, contains=contains, status=status)
    return err


def assert_raw_error(resp: RawResponse, status: int, code: str | None = None):
    assert resp.status == status, (resp.status, resp.body[:300])
    if code is not None:
        assert resp.error_code() == code, resp.data()


# --------------------------------------------------------------------------
# Resource builders
# --------------------------------------------------------------------------


def speed_to_bandwidth(speed: str) -> str:
    """Locations list port speeds as `10G`; connections want `10Gbps`."""
    assert speed.endswith("G"), speed
    return speed + "bps"


def pick_location(dx, speed: str | None = None, index: int = 0):
    """(locationCode, bandwidth) of a seeded location in the client's region.

    Prefers 10G, then 1G, so the same code path works whatever the catalogue
    seeds; `index` picks a different location for tests that need two.
    """
    locations = dx.describe_locations()["locations"]
    assert len(locations) > index, locations
    loc = locations[index]
    speeds = loc["availablePortSpeeds"]
    if speed is None:
        speed = next((s for s in ("10G", "1G", "100G") if s in speeds), speeds[0])
    assert speed in speeds, (speed, loc)
    return loc["locationCode"], speed_to_bandwidth(speed)


def create_connection(dx, name: str = "conn", index: int = 0, **kw) -> dict:
    location, bandwidth = pick_location(dx, index=index)
    return dx.create_connection(location=location, bandwidth=bandwidth, connectionName=name, **kw)


def describe_connection(dx, connection_id: str) -> dict:
    conns = dx.describe_connections(connectionId=connection_id)["connections"]
    assert [c["connectionId"] for c in conns] == [connection_id]
    return conns[0]


def available_connection(dx, name: str = "conn", index: int = 0) -> str:
    """A connection that has settled to `available` (instant lifecycle)."""
    conn = create_connection(dx, name, index=index)
    assert describe_connection(dx, conn["connectionId"])["connectionState"] == "available"
    return conn["connectionId"]


def allocate(dx_partner, connection_id: str, vlan: int, owner: str = CUSTOMER,
             asn: int = 65000, name: str | None = None, **extra) -> dict:
    alloc = {"virtualInterfaceName": name or f"hosted-{vlan}", "vlan": vlan, "asn": asn}
    alloc.update(extra)
    return dx_partner.allocate_private_virtual_interface(
        connectionId=connection_id, ownerAccount=owner,
        newPrivateVirtualInterfaceAllocation=alloc)


def describe_vif(dx, vif_id: str) -> dict:
    vifs = dx.describe_virtual_interfaces(virtualInterfaceId=vif_id)["virtualInterfaces"]
    assert [v["virtualInterfaceId"] for v in vifs] == [vif_id], vifs
    return vifs[0]


def vif_ids(dx, **filters) -> list:
    return [v["virtualInterfaceId"]
            for v in dx.describe_virtual_interfaces(**filters)["virtualInterfaces"]]


def vif_snapshot(vif: dict) -> dict:
    """The parts of a VIF a refused Confirm must leave alone."""
    return {k: vif.get(k) for k in (
        "virtualInterfaceState", "virtualGatewayId", "directConnectGatewayId",
        "amazonSideAsn", "ownerAccount", "connectionId")}


def create_vpc(ec2, cidr: str = "10.0.0.0/16") -> str:
    return ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]


def create_vgw(ec2, attach: bool = True, asn: int | None = None, cidr: str = "10.0.0.0/16") -> dict:
    """A VPN gateway, attached to a fresh VPC unless `attach` is false."""
    kw = {"Type": "ipsec.1"}
    if asn is not None:
        kw["AmazonSideAsn"] = asn
    vgw = ec2.create_vpn_gateway(**kw)["VpnGateway"]
    if attach:
        vpc_id = create_vpc(ec2, cidr)
        ec2.attach_vpn_gateway(VpcId=vpc_id, VpnGatewayId=vgw["VpnGatewayId"])
    return vgw


def create_dxgw(dx, name: str = "dxgw", asn: int | None = 64999) -> dict:
    kw = {"directConnectGatewayName": name}
    if asn is not None:
        kw["amazonSideAsn"] = asn
    return dx.create_direct_connect_gateway(**kw)["directConnectGateway"]


def vif_arn(vif_id: str, account: str = CUSTOMER, region: str = REGION) -> str:
    return f"arn:aws:directconnect:{region}:{account}:dxvif/{vif_id}"


def connection_arn(connection_id: str, account: str, region: str = REGION) -> str:
    return f"arn:aws:directconnect:{region}:{account}:dxcon/{connection_id}"


def dxgw_arn(dxgw_id: str, account: str) -> str:
    return f"arn:aws:directconnect::{account}:dx-gateway/{dxgw_id}"


def not_implemented(err: ClientError) -> bool:
    return (err.response["Error"]["Code"] == "NotImplemented"
            or err.response["ResponseMetadata"]["HTTPStatusCode"] == 501)
