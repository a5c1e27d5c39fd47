"""Helpers for the durability, scenario, fault and isolation tests: servers
started on a state directory, clients for servers that come and go, the
`dxlocal state` command line, and a snapshot of everything the accounts of
a scenario can read, so two states can be compared for equality.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from dxserver import LISTEN_RE, Server, dxlocal_bin
from support import REGION

# In botocore's default (legacy) retry mode `max_attempts` counts retries, not
# attempts; `total_max_attempts` = 1 is what really sends a call once. A write
# cut by a crash must not be sent again behind the test's back.
NO_RETRIES = Config(retries={"total_max_attempts": 1}, connect_timeout=10, read_timeout=60)
SECRET = "dxlocal-test-secret"


# --------------------------------------------------------------------------
# Servers and clients
# --------------------------------------------------------------------------


_LOCK = threading.RLock()
_SESSION = []


def _json_session():
    # One session for every endpoint: a new session loads the EC2 model
    # again, which costs most of a second.
    with _LOCK:
        if not _SESSION:
            _SESSION.append(boto3.Session())
        return _SESSION[0]


class Endpoint:
    """Clients for one server URL, in both Direct Connect protocols.

    Servers in these tests are restarted on new ports, so clients are keyed
    by URL rather than shared through the module fixtures.
    """

    def __init__(self, url: str, cbor_session=None):
        self.url = url
        self._sessions = {"json": _json_session(), "cbor": cbor_session}
        self._clients = {}

    def _client(self, service, account, region, protocol="json", config=NO_RETRIES):
        key = (service, account, region, protocol)
        # Sessions are not safe to build clients from concurrently.
        with _LOCK:
            if key not in self._clients:
                session = self._sessions[protocol]
                assert session is not None, "pass the cbor_session fixture for CBOR clients"
                self._clients[key] = session.client(
                    service, region_name=region, endpoint_url=self.url,
                    aws_access_key_id=account, aws_secret_access_key=SECRET, config=config)
            return self._clients[key]

    def dx(self, account: str, protocol: str = "json", region: str = REGION):
        return self._client("directconnect", account, region, protocol)

    def ec2(self, account: str, region: str = REGION):
        return self._client("ec2", account, region)


class ListeningServer(Server):
    """A `dxlocal serve` on a chosen address, so a restarted server can come
    back on the port its clients already use (Server always asks for :0)."""

    def __init__(self, args: list, listen: str = "127.0.0.1:0"):
        binary = dxlocal_bin()
        self.args = list(args)
        self.stderr_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"dxlocal-{os.getpid()}-{id(self)}.err"
        self._stderr = open(self.stderr_path, "w+b")
        self.proc = subprocess.Popen([str(binary), "serve", "--listen", listen, *self.args],
                                     stdout=subprocess.PIPE, stderr=self._stderr)
        try:
            self.first_line = self._read_first_line()
        except BaseException:
            # Server._read_first_line fails without the server's last words.
            raise AssertionError(f"dxlocal did not start (exit code {self.proc.poll()}): "
                                 f"{self.stderr_tail()}") from None
        m = LISTEN_RE.match(self.first_line)
        if not m:
            self.stop()
            raise AssertionError(f"unexpected first stdout line {self.first_line!r}; stderr: {self.stderr_tail()}")
        self.url = m.group(1)
        self.port = int(m.group(2))
        self.extra_stdout = bytearray()
        self._drain = threading.Thread(target=self._drain_stdout, daemon=True)
        self._drain.start()

    def stop(self):
        # Keep what the server said: stop() deletes the file it went to.
        if not self._stderr.closed:
            self._last_stderr = Server.stderr_tail(self)
        super().stop()

    def stderr_tail(self, n: int = 4000) -> str:
        if self._stderr.closed:
            return getattr(self, "_last_stderr", "")[-n:]
        return super().stderr_tail(n)


def state_server(state_dir: Path, *extra: str, port: int = 0) -> Server:
    return ListeningServer(["--state-dir", str(state_dir), *extra], listen=f"127.0.0.1:{port}")


def admin_json(server: Server, method: str, path: str, body=None) -> dict:
    resp = server.admin(method, path, body)
    assert resp.status == 200, (method, path, resp.status, resp.body[:500])
    return json.loads(resp.body)


def export_doc(server: Server) -> dict:
    return admin_json(server, "GET", "/_dxlocal/state")


def fault(server: Server, body: dict, status: int = 200) -> dict:
    resp = server.admin("POST", "/_dxlocal/faults", body)
    assert resp.status == status, (body, resp.status, resp.body)
    return json.loads(resp.body)


def crash(server: Server):
    """SIGKILL: no shutdown hook, no flush, whatever was in flight is cut."""
    server.proc.kill()
    server.proc.wait(timeout=10)
    server.stop()


def run_dxlocal(args: list, stdin: bytes | None = None, timeout: float = 60,
                env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([str(dxlocal_bin()), *args], input=stdin, capture_output=True,
                          timeout=timeout, env=full_env)


def serve_expecting_exit(state_dir: Path, timeout: float = 20) -> subprocess.CompletedProcess:
    """`dxlocal serve` on a state directory it must refuse: it has to exit by
    itself, before announcing an address."""
    try:
        return run_dxlocal(["serve", "--listen", "127.0.0.1:0", "--state-dir", str(state_dir)],
                           timeout=timeout)
    except subprocess.TimeoutExpired as err:
        raise AssertionError(f"dxlocal kept serving on {state_dir}: {err.stdout!r}") from None


# --------------------------------------------------------------------------
# Snapshots
# --------------------------------------------------------------------------


def strip(resp: dict) -> dict:
    out = dict(resp)
    out.pop("ResponseMetadata", None)
    return out


def outcome(fn, **kwargs):
    """A call's answer, or its error as data, so refusals can be compared."""
    try:
        return strip(fn(**kwargs))
    except ClientError as err:
        return {"error": err.response["Error"]["Code"],
                "message": err.response["Error"].get("Message", ""),
                "status": err.response["ResponseMetadata"]["HTTPStatusCode"]}


def arn(kind: str, resource_id: str, account: str, region: str = REGION) -> str:
    if kind == "dx-gateway":
        return f"arn:aws:directconnect::{account}:dx-gateway/{resource_id}"
    return f"arn:aws:directconnect:{region}:{account}:{kind}/{resource_id}"


def _chunks(items, n):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def snapshot(ep: Endpoint, accounts, regions) -> dict:
    """Everything each account can read in each region, keyed by what was
    asked. Two servers in the same state give equal snapshots."""
    snap = {}
    for region in regions:
        for account in accounts:
            dx = ep.dx(account, region=region)
            ec2 = ep.ec2(account, region=region)
            view = {}
            view["connections"] = outcome(dx.describe_connections)
            view["interconnects"] = outcome(dx.describe_interconnects)
            view["lags"] = outcome(dx.describe_lags)
            view["vifs"] = outcome(dx.describe_virtual_interfaces)
            view["virtualGateways"] = outcome(dx.describe_virtual_gateways)
            view["customerMetadata"] = outcome(dx.describe_customer_metadata)
            view["testHistory"] = outcome(dx.list_virtual_interface_test_history)
            view["resiliencyGroups"] = outcome(dx.list_resiliency_groups)
            view["dxgws"] = outcome(dx.describe_direct_connect_gateways)
            view["proposals"] = outcome(dx.describe_direct_connect_gateway_association_proposals)
            arns = []
            for c in view["connections"].get("connections", []):
                arns.append(arn("dxcon", c["connectionId"], c["ownerAccount"], region))
            for i in view["interconnects"].get("interconnects", []):
                arns.append(arn("dxcon", i["interconnectId"], account, region))
                view["hosted:" + i["interconnectId"]] = outcome(
                    dx.describe_hosted_connections, connectionId=i["interconnectId"])
            for lag in view["lags"].get("lags", []):
                arns.append(arn("dxlag", lag["lagId"], lag["ownerAccount"], region))
                view["hosted:" + lag["lagId"]] = outcome(
                    dx.describe_hosted_connections, connectionId=lag["lagId"])
            for v in view["vifs"].get("virtualInterfaces", []):
                view["vifAttachments:" + v["virtualInterfaceId"]] = outcome(
                    dx.describe_direct_connect_gateway_attachments,
                    virtualInterfaceId=v["virtualInterfaceId"])
                if v["ownerAccount"] == account and v["virtualInterfaceState"] not in ("deleted", "rejected"):
                    arns.append(arn("dxvif", v["virtualInterfaceId"], account, region))
            for g in view["dxgws"].get("directConnectGateways", []):
                gid = g["directConnectGatewayId"]
                arns.append(arn("dx-gateway", gid, account))
                view["associations:" + gid] = outcome(
                    dx.describe_direct_connect_gateway_associations, directConnectGatewayId=gid)
                view["attachments:" + gid] = outcome(
                    dx.describe_direct_connect_gateway_attachments, directConnectGatewayId=gid)
                view["proposals:" + gid] = outcome(
                    dx.describe_direct_connect_gateway_association_proposals, directConnectGatewayId=gid)
            for rg in view["resiliencyGroups"].get("items", []):
                rid = rg["resiliencyGroupId"]
                arns.append(rg["resiliencyGroupArn"])
                view["resiliencyGroup:" + rid] = outcome(dx.get_resiliency_group, resiliencyGroupId=rid)
                view["resiliencyAssociations:" + rid] = outcome(
                    dx.list_resiliency_group_associations, resiliencyGroupId=rid)
            view["tags"] = [outcome(dx.describe_tags, resourceArns=chunk) for chunk in _chunks(arns, 20)]
            view["ec2:vpcs"] = outcome(ec2.describe_vpcs)
            view["ec2:vpnGateways"] = outcome(ec2.describe_vpn_gateways)
            view["ec2:transitGateways"] = outcome(ec2.describe_transit_gateways)
            view["ec2:tgwAttachments"] = outcome(ec2.describe_transit_gateway_attachments)
            vgws = view["ec2:vpnGateways"].get("VpnGateways", [])
            for g in vgws:
                view["associationsByVgw:" + g["VpnGatewayId"]] = outcome(
                    dx.describe_direct_connect_gateway_associations, virtualGatewayId=g["VpnGatewayId"])
            snap[f"{account}/{region}"] = view
    return snap


def resource_count(snap: dict) -> int:
    """How many resources a snapshot shows, to tell an empty state from a
    full one without caring which is which."""
    total = 0
    for view in snap.values():
        total += len(view["connections"].get("connections", []))
        total += len(view["interconnects"].get("interconnects", []))
        total += len(view["lags"].get("lags", []))
        total += len(view["vifs"].get("virtualInterfaces", []))
        total += len(view["dxgws"].get("directConnectGateways", []))
        total += len(view["resiliencyGroups"].get("items", []))
        total += len(view["ec2:vpcs"].get("Vpcs", []))
        total += len(view["ec2:vpnGateways"].get("VpnGateways", []))
        total += len(view["ec2:transitGateways"].get("TransitGateways", []))
    return total


def diff(a: dict, b: dict, limit: int = 5) -> str:
    """The first few keys where two snapshots differ, for assertion messages."""
    out = []
    for key in sorted(set(a) | set(b)):
        va, vb = a.get(key), b.get(key)
        if va == vb:
            continue
        if isinstance(va, dict) and isinstance(vb, dict):
            for sub in sorted(set(va) | set(vb)):
                if va.get(sub) != vb.get(sub):
                    out.append(f"{key}[{sub}]: {json.dumps(va.get(sub), default=str)[:400]} != "
                               f"{json.dumps(vb.get(sub), default=str)[:400]}")
        else:
            out.append(f"{key}: {va!r:.300} != {vb!r:.300}")
        if len(out) >= limit:
            break
    return "\n".join(out)


# --------------------------------------------------------------------------
# Raw load from other processes
# --------------------------------------------------------------------------


def _signed_headers(url: str, operation: str, body: bytes, account: str) -> dict:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    req = AWSRequest(method="POST", url=url + "/", data=body, headers={
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"OvertureService.{operation}"})
    SigV4Auth(Credentials(account, SECRET), "directconnect", REGION).add_auth(req)
    return dict(req.headers.items())


def hammer(url: str, role: str, connection_id: str, partner: str, customer: str, seconds: float, results):
    """Runs in a separate process (the GIL would serialise threads): raw
    HTTP calls as fast as one connection goes. `alloc` takes VLAN 100 on the
    connection and gives it back at once; `read` only lists VIFs."""
    import http.client

    conn = http.client.HTTPConnection(url.removeprefix("http://"), timeout=30)
    read_body = b"{}"
    read_headers = _signed_headers(url, "DescribeVirtualInterfaces", read_body, partner)
    alloc_body = json.dumps({"connectionId": connection_id, "ownerAccount": customer,
                             "newPrivateVirtualInterfaceAllocation": {
                                 "virtualInterfaceName": "race", "vlan": 100, "asn": 65000}}).encode()
    alloc_headers = _signed_headers(url, "AllocatePrivateVirtualInterface", alloc_body, partner)
    counts = {"calls": 0, "allocated": 0, "refused": 0}
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if role == "read":
            conn.request("POST", "/", read_body, read_headers)
            conn.getresponse().read()
            counts["calls"] += 1
            continue
        conn.request("POST", "/", alloc_body, alloc_headers)
        resp = conn.getresponse()
        data = resp.read()
        counts["calls"] += 1
        if resp.status != 200:
            counts["refused"] += 1
            continue
        counts["allocated"] += 1
        body = json.dumps({"virtualInterfaceId": json.loads(data)["virtualInterfaceId"]}).encode()
        conn.request("POST", "/", body, _signed_headers(url, "DeleteVirtualInterface", body, partner))
        assert conn.getresponse().read()
        counts["calls"] += 1
    results.put((role, counts))
