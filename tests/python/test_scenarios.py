"""Scenario documents: `GET /_dxlocal/state` exports everything (every
account, region, resource and the clock) as one document, and
`PUT /_dxlocal/state` or `dxlocal state import` puts it back. A round trip
must reproduce every Describe/List answer exactly, on the same server after
a reset and on a second, fresh server; a document that is malformed (400)
or does not replay (422) must change nothing; and `dxlocal state export
--state-dir` must read a stopped server's directory offline.
"""

from __future__ import annotations

import base64
import json
import time

import pytest

from dxserver import Server
from support import CUSTOMER, PARTNER, THIRD, http, speed_to_bandwidth
from support_state import (
    Endpoint, admin_json, diff, export_doc, fault, resource_count, run_dxlocal, snapshot,
    state_server,
)

ACCOUNTS = [PARTNER, CUSTOMER, THIRD]
REGIONS = ["us-east-1", "us-west-2"]
ADVANCE = 3600.0


# --------------------------------------------------------------------------
# The scenario
# --------------------------------------------------------------------------


def _port(dx, speed="10G"):
    for loc in dx.describe_locations()["locations"]:
        if speed in loc["availablePortSpeeds"]:
            return loc["locationCode"], speed_to_bandwidth(speed)
    raise AssertionError(f"no {speed} location")


def _vpc_vgw(ec2, cidr):
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    return vpc, vgw


def build(ep: Endpoint, server: Server) -> dict:
    """A state that touches every kind of call the journal records: three
    accounts, two regions, both protocols, EC2, failed calls, an LOA read
    (it stamps the connection), faults and a clock advance between calls
    (deleted things vanish across it)."""
    ids = {}
    dxgw_customer = ep.dx(CUSTOMER).create_direct_connect_gateway(
        directConnectGatewayName="customer-gw", amazonSideAsn=64999,
        tags=[{"key": "env", "value": "prod"}])["directConnectGateway"]["directConnectGatewayId"]
    # THIRD talks CBOR: replay must decode journaled CBOR bodies too.
    third_cbor = ep.dx(THIRD, "cbor")
    dxgw_third = third_cbor.create_direct_connect_gateway(
        directConnectGatewayName="third-gw", amazonSideAsn=65010)["directConnectGateway"]["directConnectGatewayId"]
    ids["dxgw"] = (dxgw_customer, dxgw_third)

    for n, region in enumerate(REGIONS):
        partner = ep.dx(PARTNER, region=region)
        customer = ep.dx(CUSTOMER, region=region)
        third = ep.dx(THIRD, "cbor", region=region)
        location, bandwidth = _port(partner)

        conn = partner.create_connection(location=location, bandwidth=bandwidth, connectionName=f"edge-{region}",
                                         tags=[{"key": "site", "value": region}])["connectionId"]
        spare = partner.create_connection(location=location, bandwidth=bandwidth, connectionName="spare")["connectionId"]
        partner.describe_loa(connectionId=conn)
        partner.update_connection(connectionId=conn, connectionName=f"edge-{region}-renamed")
        ic = partner.create_interconnect(interconnectName="ic", bandwidth="1Gbps",
                                         location=_port(partner, "1G")[0])["interconnectId"]
        hosted = partner.allocate_hosted_connection(connectionId=ic, ownerAccount=CUSTOMER, bandwidth="500Mbps",
                                                    connectionName="hosted", vlan=300)["connectionId"]
        customer.confirm_connection(connectionId=hosted)
        lag = partner.create_lag(numberOfConnections=2, location=location, connectionsBandwidth=bandwidth,
                                 lagName="bundle", tags=[{"key": "lag", "value": "yes"}])["lagId"]
        partner.update_lag(lagId=lag, minimumLinks=1)

        # Hosted private VIFs: onto a VGW (EC2 in this region) and onto DX gateways.
        _, vgw = _vpc_vgw(ep.ec2(CUSTOMER, region), f"10.{n}.0.0/16")
        v_vgw = partner.allocate_private_virtual_interface(
            connectionId=conn, ownerAccount=CUSTOMER,
            newPrivateVirtualInterfaceAllocation={"virtualInterfaceName": "to-vgw", "vlan": 101, "asn": 65000})
        customer.confirm_private_virtual_interface(virtualInterfaceId=v_vgw["virtualInterfaceId"],
                                                   virtualGatewayId=vgw)
        customer.tag_resource(resourceArn=f"arn:aws:directconnect:{region}:{CUSTOMER}:dxvif/{v_vgw['virtualInterfaceId']}",
                              tags=[{"key": "owner", "value": "customer"}])
        v_dxgw = partner.allocate_private_virtual_interface(
            connectionId=conn, ownerAccount=THIRD,
            newPrivateVirtualInterfaceAllocation={"virtualInterfaceName": "to-dxgw", "vlan": 102, "asn": 65001})
        third.confirm_private_virtual_interface(virtualInterfaceId=v_dxgw["virtualInterfaceId"],
                                                directConnectGatewayId=dxgw_third)
        v_lag = partner.allocate_private_virtual_interface(
            connectionId=lag, ownerAccount=CUSTOMER,
            newPrivateVirtualInterfaceAllocation={"virtualInterfaceName": "on-lag", "vlan": 200, "asn": 65002})
        customer.confirm_private_virtual_interface(virtualInterfaceId=v_lag["virtualInterfaceId"],
                                                   directConnectGatewayId=dxgw_customer)
        # A failed call (VLAN taken) is journaled too; replay must fail it again.
        try:
            partner.allocate_private_virtual_interface(
                connectionId=conn, ownerAccount=CUSTOMER,
                newPrivateVirtualInterfaceAllocation={"virtualInterfaceName": "dup", "vlan": 101, "asn": 65000})
            raise AssertionError("a duplicate VLAN was accepted")
        except partner.exceptions.DirectConnectClientException:
            pass
        # Rejected before the clock jump: gone afterwards.
        v_gone = partner.allocate_private_virtual_interface(
            connectionId=conn, ownerAccount=CUSTOMER,
            newPrivateVirtualInterfaceAllocation={"virtualInterfaceName": "gone", "vlan": 103, "asn": 65000})
        customer.delete_virtual_interface(virtualInterfaceId=v_gone["virtualInterfaceId"])
        # An association with a VGW, a proposal from another account.
        _, vgw_assoc = _vpc_vgw(ep.ec2(CUSTOMER, region), f"172.{16 + n}.0.0/16")
        customer.create_direct_connect_gateway_association(directConnectGatewayId=dxgw_customer, gatewayId=vgw_assoc)
        _, vgw_third = _vpc_vgw(ep.ec2(THIRD, region), f"192.168.{n}.0/24")
        third.create_direct_connect_gateway_association_proposal(
            directConnectGatewayId=dxgw_customer, directConnectGatewayOwnerAccount=CUSTOMER, gatewayId=vgw_third,
            addAllowedPrefixesToDirectConnectGateway=[{"cidr": f"192.168.{n}.0/24"}])
        rg = partner.create_resiliency_group(resiliencyGroupName=f"rg-{n}", intendedResiliencyModel="high-resiliency",
                                             clientToken=f"rg-{n}")["resiliencyGroup"]["resiliencyGroupId"]
        partner.associate_connections_to_resiliency_group(connectionIdentifiers=[spare], resiliencyGroupId=rg)
        ids[region] = {"conn": conn, "spare": spare, "lag": lag, "ic": ic, "hosted": hosted,
                       "v_vgw": v_vgw["virtualInterfaceId"], "v_dxgw": v_dxgw["virtualInterfaceId"],
                       "v_lag": v_lag["virtualInterfaceId"], "v_gone": v_gone["virtualInterfaceId"]}

    east = ids["us-east-1"]
    fault(server, {"fault": "connection-down", "connectionId": east["spare"]})
    peer = ep.dx(THIRD).describe_virtual_interfaces(
        virtualInterfaceId=east["v_dxgw"])["virtualInterfaces"][0]["bgpPeers"][0]["bgpPeerId"]
    fault(server, {"fault": "bgp-peer-down", "virtualInterfaceId": east["v_dxgw"], "bgpPeerId": peer})
    # A timed fault that is still pending when the state is exported.
    fault(server, {"fault": "connection-down", "connectionId": ids["us-west-2"]["spare"], "seconds": 2 * ADVANCE})
    admin_json(server, "POST", "/_dxlocal/clock/advance", {"seconds": ADVANCE})

    # After the jump: a deletion still inside its 15-minute tail, a rename.
    west = ids["us-west-2"]
    ep.dx(PARTNER, region="us-west-2").delete_virtual_interface(virtualInterfaceId=west["v_dxgw"])
    ep.dx(CUSTOMER).update_direct_connect_gateway(directConnectGatewayId=dxgw_customer,
                                                  newDirectConnectGatewayName="customer-gw-2")
    ep.dx(PARTNER).tag_resource(resourceArn=f"arn:aws:directconnect:us-east-1:{PARTNER}:dxlag/{east['lag']}",
                                tags=[{"key": "after", "value": "advance"}])
    return ids


def mini_build(ep: Endpoint):
    """A few calls of each kind, for tests about the plumbing rather than
    the breadth of the state."""
    partner = ep.dx(PARTNER)
    location, bandwidth = _port(partner)
    conn = partner.create_connection(location=location, bandwidth=bandwidth, connectionName="mini")["connectionId"]
    ep.dx(CUSTOMER, "cbor").create_direct_connect_gateway(directConnectGatewayName="mini-gw")
    _vpc_vgw(ep.ec2(THIRD), "10.99.0.0/16")
    try:
        partner.allocate_private_virtual_interface(connectionId=conn, ownerAccount=PARTNER,
                                                   newPrivateVirtualInterfaceAllocation={
                                                       "virtualInterfaceName": "self", "vlan": 5, "asn": 65000})
        raise AssertionError("allocating to the connection owner was accepted")
    except partner.exceptions.DirectConnectClientException:
        pass


def check_scenario_shape(snap: dict, ids: dict):
    """The snapshot is of the scenario, not of an empty or half-built state."""
    east = snap[f"{PARTNER}/us-east-1"]
    states = {v["virtualInterfaceId"]: v["virtualInterfaceState"] for v in east["vifs"]["virtualInterfaces"]}
    e = ids["us-east-1"]
    assert states[e["v_vgw"]] == "available"
    assert states[e["v_dxgw"]] == "down"  # its only BGP peer is down
    assert e["v_gone"] not in states  # rejected, then an hour passed
    west = {v["virtualInterfaceId"]: v["virtualInterfaceState"]
            for v in snap[f"{PARTNER}/us-west-2"]["vifs"]["virtualInterfaces"]}
    assert west[ids["us-west-2"]["v_dxgw"]] == "deleted"
    conns = {c["connectionId"]: c for c in east["connections"]["connections"]}
    assert conns[e["spare"]]["connectionState"] == "down"
    assert "loaIssueTime" in conns[e["conn"]]
    west_conns = {c["connectionId"]: c for c in snap[f"{PARTNER}/us-west-2"]["connections"]["connections"]}
    assert west_conns[ids["us-west-2"]["spare"]]["connectionState"] == "down"
    assert resource_count(snap) > 40


def clock_offset(server: Server) -> float:
    return admin_json(server, "GET", "/_dxlocal/health")["now"] - time.time()


@pytest.fixture(scope="module")
def ep(server, cbor_session):
    return Endpoint(server.url, cbor_session)


# --------------------------------------------------------------------------
# Round trips
# --------------------------------------------------------------------------


def _export(server: Server, via: str, tmp_path) -> bytes:
    if via == "admin":
        resp = server.admin("GET", "/_dxlocal/state")
        assert resp.status == 200, resp.body
        assert resp.header("content-type") == "application/json"
        return resp.body
    path = tmp_path / "scenario.json"
    proc = run_dxlocal(["state", "export", str(path), "--endpoint", server.url])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == b""
    return path.read_bytes()


def _import(server: Server, doc: bytes, via: str, tmp_path):
    if via == "admin":
        resp = http("PUT", server.url + "/_dxlocal/state", doc, {"Content-Type": "application/json"})
        assert resp.status == 200, resp.body
        answer = json.loads(resp.body)
        assert answer["calls"] == len(json.loads(doc)["calls"])
        return
    path = tmp_path / "scenario-in.json"
    path.write_bytes(doc)
    proc = run_dxlocal(["state", "import", str(path), "--endpoint", server.url])
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("via", ["admin", "cli"])
def test_export_reset_import_round_trip(server, ep, via, tmp_path):
    # A reset keeps the virtual clock, so earlier tests may have moved it.
    start = clock_offset(server)
    ids = build(ep, server)
    before = snapshot(ep, ACCOUNTS, REGIONS)
    check_scenario_shape(before, ids)
    offset = clock_offset(server)
    assert offset - start == pytest.approx(ADVANCE, abs=60)

    raw_doc = _export(server, via, tmp_path)
    doc = json.loads(raw_doc)
    assert (doc["format"], doc["version"]) == ("dxlocal-state", 1)
    assert doc["lifecycle"] == "instant"
    assert int(doc["seed"]) >= 0
    assert doc["writtenBy"].startswith("dxlocal ")
    kinds = {c["kind"] for c in doc["calls"]}
    assert kinds == {"dx", "ec2", "admin"}, kinds
    assert {c["protocol"] for c in doc["calls"] if c["kind"] == "dx"} == {"json", "cbor"}
    assert any(c["status"] == 400 for c in doc["calls"]), "the failed allocation is not in the document"
    # Reads are not state changes; DescribeLoa is, because it stamps loaIssueTime.
    targets = {c["target"] for c in doc["calls"]}
    assert "DescribeLoa" in targets
    assert not {t for t in targets if t.startswith(("DescribeConnections", "DescribeVirtualInterfaces", "List"))}

    server.reset()
    empty = snapshot(ep, ACCOUNTS, REGIONS)
    assert resource_count(empty) == 0, diff(empty, before)

    _import(server, raw_doc, via, tmp_path)
    after = snapshot(ep, ACCOUNTS, REGIONS)
    assert after == before, diff(before, after)
    # The virtual clock is part of the scenario.
    assert clock_offset(server) == pytest.approx(offset, abs=5)
    # The import replaced the history rather than appending to it: the
    # reset after the export is gone and the calls are the document's.
    assert [(c["kind"], c["target"], c["body"]) for c in export_doc(server)["calls"]] == [
        (c["kind"], c["target"], c["body"]) for c in doc["calls"]]


def test_document_survives_import_unchanged(server, ep):
    """Export after import gives back the imported document, number for
    number: a scenario file kept in version control must not churn, and
    replay must run each call at exactly the recorded time."""
    build(ep, server)
    doc = export_doc(server)
    server.reset()
    resp = http("PUT", server.url + "/_dxlocal/state", json.dumps(doc).encode())
    assert resp.status == 200, resp.body
    again = export_doc(server)
    changed = [(i, c["target"], c["wall"], a["wall"]) for i, (c, a) in enumerate(zip(doc["calls"], again["calls"]))
               if c != a]
    assert changed == [], f"{len(changed)} calls changed, first: {changed[:3]}"
    assert again["createdWall"] == doc["createdWall"]
    assert again == doc


def test_timed_fault_survives_the_round_trip(server, ep):
    """A fault set to clear later is a pending timer in the state: it must
    still fire after an import."""
    ids = build(ep, server)
    doc = export_doc(server)
    server.reset()
    admin = http("PUT", server.url + "/_dxlocal/state", json.dumps(doc).encode())
    assert admin.status == 200, admin.body
    west = ep.dx(PARTNER, region="us-west-2")
    spare = ids["us-west-2"]["spare"]
    assert west.describe_connections(connectionId=spare)["connections"][0]["connectionState"] == "down"
    server.advance(ADVANCE + 1)
    assert west.describe_connections(connectionId=spare)["connections"][0]["connectionState"] == "available"


def test_import_into_a_second_fresh_server(server, ep, cbor_session):
    build(ep, server)
    before = snapshot(ep, ACCOUNTS, REGIONS)
    offset = clock_offset(server)
    raw_doc = server.admin("GET", "/_dxlocal/state").body
    # A different seed and lifecycle: the document's own seed and lifecycle win.
    other = Server(["--seed", "1", "--lifecycle", "manual"])
    try:
        other_ep = Endpoint(other.url, cbor_session)
        assert resource_count(snapshot(other_ep, ACCOUNTS, REGIONS)) == 0
        resp = http("PUT", other.url + "/_dxlocal/state", raw_doc, {"Content-Type": "application/json"})
        assert resp.status == 200, resp.body
        after = snapshot(other_ep, ACCOUNTS, REGIONS)
        assert after == before, diff(before, after)
        health = admin_json(other, "GET", "/_dxlocal/health")
        assert health["lifecycle"] == "instant"
        assert health["now"] - time.time() == pytest.approx(offset, abs=5)
        # Both servers go on from the same state: the next IDs agree too.
        a = ep.dx(CUSTOMER).create_direct_connect_gateway(directConnectGatewayName="next")
        b = other_ep.dx(CUSTOMER).create_direct_connect_gateway(directConnectGatewayName="next")
        assert a["directConnectGateway"] == b["directConnectGateway"]
    finally:
        other.stop()


def test_cli_round_trip_through_stdout_and_stdin(server, ep):
    mini_build(ep)
    before = snapshot(ep, ACCOUNTS, REGIONS)
    out = run_dxlocal(["state", "export", "-", "--endpoint", server.url])
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["format"] == "dxlocal-state"
    server.reset()
    inp = run_dxlocal(["state", "import", "-"], stdin=out.stdout, env={"DXLOCAL_ENDPOINT": server.url})
    assert inp.returncode == 0, inp.stderr
    after = snapshot(ep, ACCOUNTS, REGIONS)
    assert after == before, diff(before, after)


def test_large_document_round_trips(server, ep):
    """Whatever a server exports it must take back: a few hundred tagged
    resources make a document of a couple of megabytes."""
    partner = ep.dx(PARTNER)
    location, bandwidth = _port(partner)
    conn = partner.create_connection(location=location, bandwidth=bandwidth, connectionName="big")["connectionId"]
    resource = f"arn:aws:directconnect:us-east-1:{PARTNER}:dxcon/{conn}"
    for i in range(120):
        partner.tag_resource(resourceArn=resource, tags=[
            {"key": f"key-{n:02d}", "value": f"{i}-" + "x" * 250} for n in range(50)])
    before = snapshot(ep, [PARTNER], ["us-east-1"])
    raw_doc = server.admin("GET", "/_dxlocal/state").body
    assert len(raw_doc) > 2 * 1024 * 1024
    server.reset()
    resp = http("PUT", server.url + "/_dxlocal/state", raw_doc, {"Content-Type": "application/json"})
    assert resp.status == 200, (resp.status, resp.body[:300])
    after = snapshot(ep, [PARTNER], ["us-east-1"])
    assert after == before, diff(before, after)


# --------------------------------------------------------------------------
# Documents that must change nothing
# --------------------------------------------------------------------------


def _flip_status(doc: dict, target: str, status_from: int, status_to: int) -> dict:
    edited = json.loads(json.dumps(doc))
    for call in edited["calls"]:
        if call["target"] == target and call["status"] == status_from:
            call["status"] = status_to
            return edited
    raise AssertionError(f"no {target} call answered {status_from}")


def _malformed(doc: dict) -> dict:
    no_calls = dict(doc)
    del no_calls["calls"]
    newer = dict(doc, version=2)
    bad_body = json.loads(json.dumps(doc))
    bad_body["calls"][0]["body"] = "not base64!"
    no_status = json.loads(json.dumps(doc))
    del no_status["calls"][-1]["status"]
    return {
        "not json": b"{\"format\": \"dxlocal-state\",",
        "wrong format": json.dumps(dict(doc, format="something-else")).encode(),
        "no calls": json.dumps(no_calls).encode(),
        "newer version": json.dumps(newer).encode(),
        "body not base64": json.dumps(bad_body).encode(),
        "call without status": json.dumps(no_status).encode(),
        "seed not a number": json.dumps(dict(doc, seed="many")).encode(),
    }


def _unreplayable(doc: dict) -> dict:
    # A call that changed the state recorded as a failure, and a failure
    # recorded as a success: either way the document lies about its calls.
    bad_op = json.loads(json.dumps(doc))
    bad_op["calls"][0]["target"] = "NoSuchOperation"
    return {
        "success recorded as failure": json.dumps(_flip_status(doc, "CreateConnection", 200, 400)).encode(),
        "failure recorded as success": json.dumps(
            _flip_status(doc, "AllocatePrivateVirtualInterface", 400, 200)).encode(),
        "unknown operation": json.dumps(bad_op).encode(),
        "unknown lifecycle": json.dumps(dict(doc, lifecycle="sometimes")).encode(),
    }


def test_bad_documents_change_nothing(server, ep):
    build(ep, server)
    before = snapshot(ep, ACCOUNTS, REGIONS)
    doc = export_doc(server)
    for status, bad in [(400, _malformed(doc)), (422, _unreplayable(doc))]:
        for name, body in bad.items():
            resp = http("PUT", server.url + "/_dxlocal/state", body, {"Content-Type": "application/json"})
            assert resp.status == status, (name, resp.status, resp.body)
            answer = json.loads(resp.body)
            assert answer["error"] == ("BadRequest" if status == 400 else "StateNotApplicable"), (name, answer)
            assert answer["message"], name
    after = snapshot(ep, ACCOUNTS, REGIONS)
    assert after == before, diff(before, after)
    assert export_doc(server) == doc


def test_bad_document_through_the_cli_changes_nothing(server, ep, tmp_path):
    mini_build(ep)
    before = snapshot(ep, ACCOUNTS, REGIONS)
    doc = export_doc(server)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_flip_status(doc, "CreateConnection", 200, 400)))
    proc = run_dxlocal(["state", "import", str(path), "--endpoint", server.url])
    assert proc.returncode != 0
    assert b"422" in proc.stderr and b"StateNotApplicable" in proc.stderr, proc.stderr
    after = snapshot(ep, ACCOUNTS, REGIONS)
    assert after == before, diff(before, after)
    assert export_doc(server) == doc


def test_a_failed_call_is_replayed_as_a_failure(server, ep):
    """The document records failures with their status; a replay that made
    one succeed would hand out different IDs from then on."""
    partner = ep.dx(PARTNER)
    location, bandwidth = _port(partner)
    conn = partner.create_connection(location=location, bandwidth=bandwidth, connectionName="c")["connectionId"]
    try:
        partner.delete_lag(lagId="dxlag-fzzzzzzz")
        raise AssertionError("deleting an unknown LAG succeeded")
    except partner.exceptions.DirectConnectClientException:
        pass
    doc = export_doc(server)
    # The module's server is reset before each test: this test's calls are
    # the ones after the last reset.
    calls = doc["calls"]
    last_reset = max(i for i, c in enumerate(calls) if c["target"] == "/_dxlocal/reset")
    mine = calls[last_reset + 1:]
    assert [(c["kind"], c["target"], c["status"]) for c in mine] == [
        ("dx", "CreateConnection", 200), ("dx", "DeleteLag", 400)]
    body = json.loads(base64.b64decode(mine[0]["body"]))
    assert body == {"location": location, "bandwidth": bandwidth, "connectionName": "c"}
    assert (mine[0]["account"], mine[0]["region"], mine[0]["protocol"]) == (PARTNER, "us-east-1", "json")
    server.reset()
    resp = http("PUT", server.url + "/_dxlocal/state", json.dumps(doc).encode())
    assert resp.status == 200, resp.body
    assert [c["connectionId"] for c in partner.describe_connections()["connections"]] == [conn]


# --------------------------------------------------------------------------
# State directories, offline
# --------------------------------------------------------------------------


def test_export_from_a_stopped_servers_state_dir(tmp_path, cbor_session):
    state_dir = tmp_path / "state"
    live = state_server(state_dir)
    try:
        live_ep = Endpoint(live.url, cbor_session)
        build(live_ep, live)
        before = snapshot(live_ep, ACCOUNTS, REGIONS)
        live_doc = export_doc(live)
    finally:
        live.stop()
    assert live.proc.returncode == 0

    out = tmp_path / "offline.json"
    proc = run_dxlocal(["state", "export", str(out), "--state-dir", str(state_dir)])
    assert proc.returncode == 0, proc.stderr
    # The same document the running server gave (so it imports anywhere the
    # live one does).
    offline_doc = json.loads(out.read_bytes())
    assert offline_doc == live_doc

    # `state import --state-dir` makes a directory a server starts from.
    other_dir = tmp_path / "imported"
    proc = run_dxlocal(["state", "import", str(out), "--state-dir", str(other_dir)])
    assert proc.returncode == 0, proc.stderr
    restored = state_server(other_dir)
    try:
        restored_ep = Endpoint(restored.url, cbor_session)
        after = snapshot(restored_ep, ACCOUNTS, REGIONS)
        assert after == before, diff(before, after)
        assert admin_json(restored, "GET", "/_dxlocal/health")["durable"] is True
    finally:
        restored.stop()


def test_export_of_a_directory_without_state_fails(tmp_path):
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    proc = run_dxlocal(["state", "export", str(tmp_path / "out.json"), "--state-dir", str(empty)])
    assert proc.returncode != 0
    assert b"holds no dxlocal state" in proc.stderr, proc.stderr
    assert not (tmp_path / "out.json").exists()
    assert not (empty / "dxlocal.sqlite3").exists()


def test_import_into_a_durable_server_survives_a_restart(tmp_path, server, ep, cbor_session):
    """PUT on a server with a state directory replaces its journal: after a
    restart the imported state is there, not the one before the import."""
    build(ep, server)
    before = snapshot(ep, ACCOUNTS, REGIONS)
    doc = server.admin("GET", "/_dxlocal/state").body
    state_dir = tmp_path / "state"
    durable = state_server(state_dir)
    try:
        durable_ep = Endpoint(durable.url, cbor_session)
        durable_ep.dx(CUSTOMER).create_direct_connect_gateway(directConnectGatewayName="replaced")
        resp = http("PUT", durable.url + "/_dxlocal/state", doc)
        assert resp.status == 200, resp.body
    finally:
        durable.stop()
    again = state_server(state_dir)
    try:
        again_ep = Endpoint(again.url, cbor_session)
        after = snapshot(again_ep, ACCOUNTS, REGIONS)
        assert after == before, diff(before, after)
    finally:
        again.stop()
