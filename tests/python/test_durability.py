"""Crash safety of `dxlocal serve --state-dir`: every call the server
acknowledged with a 2xx is on disk before the answer leaves, so a SIGKILL at
any moment loses nothing a client was told about, and a restart replays the
journal into exactly that state.

The crash test drives concurrent mutating load from several threads and
accounts (both protocols, two regions), kills the server while requests are
in flight, restarts it on the same directory and checks every acknowledged
write and the state invariants. It repeats for DXLOCAL_CRASH_CYCLES cycles
(default 5). To soak it, run it longer, with `-s` to see the summary line:

    DXLOCAL_CRASH_CYCLES=200 .venv/bin/python -m pytest tests/python/test_durability.py -k crash -s

Also here: a clean restart (SIGTERM) keeps everything; a damaged or newer
state directory stops the server with exit code 2 before it announces an
address; a restarted server goes on handing out new IDs.
"""

from __future__ import annotations

import base64
import json
import os
import random
import signal
import sqlite3
import threading
import time

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from dxserver import Server
from support import CUSTOMER, PARTNER, THIRD, http, speed_to_bandwidth
from support_state import (
    Endpoint, ListeningServer, admin_json, arn, crash, diff, export_doc, fault, resource_count, run_dxlocal,
    serve_expecting_exit, snapshot, state_server,
)

CYCLES = int(os.environ.get("DXLOCAL_CRASH_CYCLES", "5"))
WORKERS = 6
REGIONS = ["us-east-1", "us-west-2"]
# Deleted VIFs stay listed for 15 minutes; only soak runs last that long.
DELETED_TAIL = 15 * 60 - 30
DEAD = ("deleted", "rejected")
MAX_CONNECTIONS = 3
MAX_LIVE_VIFS = 8
MAX_DXGWS = 3
MAX_VGWS = 2
VLANS = range(100, 100 + MAX_LIVE_VIFS + 4)


def _port(dx):
    for loc in dx.describe_locations()["locations"]:
        if "10G" in loc["availablePortSpeeds"]:
            return loc["locationCode"], speed_to_bandwidth("10G")
    raise AssertionError("no 10G location")


class Worker:
    """One pair of accounts (a partner selling hosted VIFs, a customer
    accepting them) driving random writes, and the model of every write the
    server acknowledged. A write whose answer never came (the server died)
    is `uncertain`: after the restart either outcome is accepted, and the
    model adopts what the server shows."""

    def __init__(self, index: int, seed: int):
        self.index = index
        self.partner = f"7000000{index:03d}01"
        self.customer = f"7000000{index:03d}02"
        self.region = REGIONS[index % len(REGIONS)]
        self.protocol = "cbor" if index % 3 == 2 else "json"
        self.rng = random.Random(seed)
        self.conns = {}   # id -> {"name", "tags"}
        self.vifs = {}    # id -> {"conn", "vlan", "state", "gateway": (field, id) | None, "tags", "dead_since"}
        self.dxgws = {}   # id -> {"name", "tags"}
        self.vgws = {}    # id -> vpc id
        self.acked = []   # (cycle, resource key)
        self.uncertain = None
        self.in_flight = False
        self.errors = []
        self.counter = 0

    # -- clients -----------------------------------------------------------

    def bind(self, ep: Endpoint):
        self.p = ep.dx(self.partner, self.protocol, self.region)
        self.c = ep.dx(self.customer, self.protocol, self.region)
        self.ec2 = ep.ec2(self.customer, self.region)
        self.location = _port(self.p)

    # -- the load ----------------------------------------------------------

    def run(self, cycle: int, stop: threading.Event, ids: "IdLedger"):
        self.cycle = cycle
        self.ids = ids
        while not stop.is_set():
            try:
                self.step()
            except (HTTPClientError, BotoConnectionError) as err:  # the server went away mid-call
                # Refused connections never reached the server; anything
                # else (reset, closed, timed out) was in flight.
                self.in_flight = not isinstance(err, EndpointConnectionError)
                return
            except (ClientError, AssertionError) as err:
                self.errors.append(f"worker {self.index}, {self.uncertain}: {err!r}")
                self.uncertain = None
                return
            except Exception as err:
                self.errors.append(f"worker {self.index}, {self.uncertain}: unexpected {err!r}")
                return
            self.uncertain = None

    def ack(self, key):
        self.acked.append((self.cycle, key))

    def live_vifs(self, conn=None):
        return [v for v, m in self.vifs.items() if m["state"] not in DEAD and (conn is None or m["conn"] == conn)]

    def step(self):
        rng = self.rng
        self.counter += 1
        choices = []
        if len(self.conns) < MAX_CONNECTIONS:
            choices += ["connection"] * 2
        if len(self.dxgws) < MAX_DXGWS:
            choices.append("dxgw")
        if len(self.vgws) < MAX_VGWS:
            choices.append("vgw")
        if self.conns:
            choices += ["allocate"] * 4 + ["tag-connection"]
        if any(m["state"] == "confirming" for m in self.vifs.values()) and (self.vgws or self.dxgws):
            choices += ["confirm"] * 4
        if self.live_vifs():
            choices += ["delete"] * 2 + ["tag-vif"]
        if self.dxgws:
            choices.append("tag-dxgw")
        getattr(self, "op_" + rng.choice(choices).replace("-", "_"))()

    def op_connection(self):
        name = f"w{self.index}-c{self.counter}"
        tags = [{"key": "made", "value": str(self.counter)}]
        self.uncertain = ("connection", name)
        loc, bw = self.location
        cid = self.p.create_connection(location=loc, bandwidth=bw, connectionName=name, tags=tags)["connectionId"]
        self.ids.add(cid)
        self.conns[cid] = {"name": name, "tags": {"made": str(self.counter)}}
        self.ack(("conn", cid))

    def op_dxgw(self):
        name = f"w{self.index}-g{self.counter}"
        self.uncertain = ("dxgw", name)
        g = self.c.create_direct_connect_gateway(directConnectGatewayName=name, amazonSideAsn=64512 + self.index)
        gid = g["directConnectGateway"]["directConnectGatewayId"]
        self.ids.add(gid)
        self.dxgws[gid] = {"name": name, "tags": {}}
        self.ack(("dxgw", gid))

    def op_vgw(self):
        cidr = f"10.{self.index}.{len(self.vgws) + 16 * self.rng.randrange(8)}.0/24"
        self.uncertain = ("vpc", cidr)
        vpc = self.ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
        self.ids.add(vpc)
        self.uncertain = ("vgw", vpc)
        vgw = self.ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
        self.ids.add(vgw)
        self.vgws[vgw] = None
        self.ack(("vgw", vgw))
        self.uncertain = ("attach", vgw, vpc)
        self.ec2.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
        self.vgws[vgw] = vpc
        self.ack(("vgw", vgw))

    def op_allocate(self):
        conn = self.rng.choice(sorted(self.conns))
        used = {self.vifs[v]["vlan"] for v in self.live_vifs(conn)}
        free = [v for v in VLANS if v not in used]
        if len(used) >= MAX_LIVE_VIFS or not free:
            return
        vlan = self.rng.choice(free)
        self.uncertain = ("allocate", conn, vlan)
        vif = self.p.allocate_private_virtual_interface(
            connectionId=conn, ownerAccount=self.customer,
            newPrivateVirtualInterfaceAllocation={"virtualInterfaceName": f"v{self.counter}", "vlan": vlan,
                                                  "asn": 65000})
        vid = vif["virtualInterfaceId"]
        assert vif["virtualInterfaceState"] == "confirming", vif
        self.ids.add(vid)
        self.vifs[vid] = {"conn": conn, "vlan": vlan, "state": "confirming", "gateway": None, "tags": {},
                          "dead_since": None}
        self.ack(("vif", vid))

    def op_confirm(self):
        vid = self.rng.choice(sorted(v for v, m in self.vifs.items() if m["state"] == "confirming"))
        # A DX gateway takes at most 30 VIFs; stay clear of that quota.
        on_dxgw = [g for g in self.dxgws if sum(
            1 for m in self.vifs.values() if m["gateway"] == ("directConnectGatewayId", g)
            and m["state"] not in DEAD) < 20]
        vgws = [g for g, vpc in self.vgws.items() if vpc]
        options = [("virtualGatewayId", g) for g in vgws] + [("directConnectGatewayId", g) for g in on_dxgw]
        if not options:
            return
        field, gw = self.rng.choice(sorted(options))
        self.uncertain = ("confirm", vid, field, gw)
        state = self.c.confirm_private_virtual_interface(virtualInterfaceId=vid, **{field: gw})
        assert state["virtualInterfaceState"] == "pending", state
        # Instant lifecycle: the next read shows the settled state.
        self.vifs[vid].update(state="available", gateway=(field, gw))
        self.ack(("vif", vid))

    def op_delete(self):
        vid = self.rng.choice(sorted(self.live_vifs()))
        by_partner = self.rng.random() < 0.5
        self.uncertain = ("delete", vid)
        answer = (self.p if by_partner else self.c).delete_virtual_interface(virtualInterfaceId=vid)
        state = answer["virtualInterfaceState"]
        assert state in ("deleting", "rejected"), answer
        self.vifs[vid].update(state="deleted" if state == "deleting" else "rejected", dead_since=time.monotonic())
        self.ack(("vif", vid))

    def _tag(self, client, resource_arn, model, key):
        key_name, value = f"k{self.rng.randrange(12)}", f"v{self.counter}"
        self.uncertain = ("tag", key, key_name)
        client.tag_resource(resourceArn=resource_arn, tags=[{"key": key_name, "value": value}])
        model["tags"][key_name] = value
        self.ack(key)

    def op_tag_connection(self):
        cid = self.rng.choice(sorted(self.conns))
        self._tag(self.p, arn("dxcon", cid, self.partner, self.region), self.conns[cid], ("conn", cid))

    def op_tag_dxgw(self):
        gid = self.rng.choice(sorted(self.dxgws))
        self._tag(self.c, arn("dx-gateway", gid, self.customer), self.dxgws[gid], ("dxgw", gid))

    def op_tag_vif(self):
        vid = self.rng.choice(sorted(self.live_vifs()))
        self._tag(self.c, arn("dxvif", vid, self.customer, self.region), self.vifs[vid], ("vif", vid))

    # -- after the restart -------------------------------------------------

    def read(self):
        """What the restarted server shows this worker's accounts."""
        view = {
            "conns": {c["connectionId"]: c for c in self.p.describe_connections()["connections"]},
            "lags": {lag["lagId"] for lag in self.p.describe_lags()["lags"]},
            "partner_vifs": {v["virtualInterfaceId"]: v
                             for v in self.p.describe_virtual_interfaces()["virtualInterfaces"]},
            "customer_vifs": {v["virtualInterfaceId"]: v
                              for v in self.c.describe_virtual_interfaces()["virtualInterfaces"]},
            "dxgws": {g["directConnectGatewayId"]: g
                      for g in self.c.describe_direct_connect_gateways()["directConnectGateways"]},
            "vgws": {g["VpnGatewayId"]: g for g in self.ec2.describe_vpn_gateways()["VpnGateways"]},
            "vpcs": {v["VpcId"]: v for v in self.ec2.describe_vpcs()["Vpcs"]},
        }
        view["attachments"] = {
            g: self.c.describe_direct_connect_gateway_attachments(
                directConnectGatewayId=g)["directConnectGatewayAttachments"] for g in view["dxgws"]}
        arns = [(self.p, arn("dxcon", c, self.partner, self.region)) for c in view["conns"]]
        arns += [(self.c, arn("dx-gateway", g, self.customer)) for g in view["dxgws"]]
        arns += [(self.c, arn("dxvif", v, self.customer, self.region)) for v, x in view["customer_vifs"].items()
                 if x["virtualInterfaceState"] not in DEAD]
        view["tags"] = {}
        for client in (self.p, self.c):
            mine = [a for cl, a in arns if cl is client]
            for i in range(0, len(mine), 20):
                for rt in client.describe_tags(resourceArns=mine[i:i + 20])["resourceTags"]:
                    view["tags"][rt["resourceArn"]] = {t["key"]: t.get("value", "") for t in rt["tags"]}
        return view

    def reconcile(self, view):
        """Adopts the outcome of the call that got no answer when the server
        shows it applied; `compare` then holds the server to the model
        either way, so only the two possible outcomes pass."""
        u, self.uncertain = self.uncertain, None
        if u is None:
            return
        kind = u[0]
        if kind == "connection":
            new = [c for c in view["conns"] if c not in self.conns]
            if new:
                [cid] = new
                self.ids.add(cid)
                self.conns[cid] = {"name": u[1], "tags": {"made": u[1].split("-c")[1]}}
        elif kind == "dxgw":
            new = [g for g in view["dxgws"] if g not in self.dxgws]
            if new:
                [gid] = new
                self.ids.add(gid)
                self.dxgws[gid] = {"name": u[1], "tags": {}}
        elif kind in ("vpc", "vgw"):
            new = [g for g in view["vgws"] if g not in self.vgws]
            if new:
                [vgw] = new
                self.ids.add(vgw)
                self.vgws[vgw] = None
        elif kind == "attach":
            _, vgw, vpc = u
            attached = [a["VpcId"] for a in view["vgws"][vgw]["VpcAttachments"] if a["State"] == "attached"]
            if attached == [vpc]:
                self.vgws[vgw] = vpc
        elif kind == "allocate":
            new = [v for v in view["partner_vifs"] if v not in self.vifs]
            if new:
                [vid] = new
                self.ids.add(vid)
                self.vifs[vid] = {"conn": u[1], "vlan": u[2], "state": "confirming", "gateway": None,
                                  "tags": {}, "dead_since": None}
        elif kind == "confirm":
            _, vid, field, gw = u
            seen = view["customer_vifs"].get(vid, {})
            if seen.get("virtualInterfaceState") == "available" and seen.get(field) == gw:
                self.vifs[vid].update(state="available", gateway=(field, gw))
        elif kind == "delete":
            vid = u[1]
            state = view["customer_vifs"].get(vid, {}).get("virtualInterfaceState")
            if state in DEAD:
                self.vifs[vid].update(state=state, dead_since=time.monotonic())
        elif kind == "tag":
            key, tag_key = u[1], u[2]
            model, resource_arn = {
                "conn": lambda i: (self.conns[i], arn("dxcon", i, self.partner, self.region)),
                "dxgw": lambda i: (self.dxgws[i], arn("dx-gateway", i, self.customer)),
                "vif": lambda i: (self.vifs[i], arn("dxvif", i, self.customer, self.region)),
            }[key[0]](key[1])
            shown = view["tags"].get(resource_arn, {})
            if tag_key in shown:
                model["tags"][tag_key] = shown[tag_key]

    def compare(self, view) -> dict:
        """Resource key -> what differs from the acknowledged writes."""
        bad = {}
        for cid, m in self.conns.items():
            c = view["conns"].get(cid)
            tags = view["tags"].get(arn("dxcon", cid, self.partner, self.region))
            if c is None:
                bad[("conn", cid)] = "missing"
            elif (c["connectionName"], c["connectionState"]) != (m["name"], "available"):
                bad[("conn", cid)] = f"{c['connectionName']}/{c['connectionState']}"
            elif tags != m["tags"]:
                bad[("conn", cid)] = f"tags {tags} != {m['tags']}"
        for gid, m in self.dxgws.items():
            g = view["dxgws"].get(gid)
            tags = view["tags"].get(arn("dx-gateway", gid, self.customer))
            if g is None:
                bad[("dxgw", gid)] = "missing"
            elif (g["directConnectGatewayName"], g["directConnectGatewayState"]) != (m["name"], "available"):
                bad[("dxgw", gid)] = str(g)
            elif tags != m["tags"]:
                bad[("dxgw", gid)] = f"tags {tags} != {m['tags']}"
        for vgw, vpc in self.vgws.items():
            g = view["vgws"].get(vgw)
            attached = None if g is None else [a["VpcId"] for a in g["VpcAttachments"] if a["State"] == "attached"]
            if g is None or attached != ([vpc] if vpc else []) or (vpc and vpc not in view["vpcs"]):
                bad[("vgw", vgw)] = f"{g}"
        now = time.monotonic()
        for vid, m in self.vifs.items():
            v = view["partner_vifs"].get(vid)
            mine = view["customer_vifs"].get(vid)
            if v is None or mine is None:
                if m["state"] in DEAD and now - m["dead_since"] > DELETED_TAIL:
                    continue
                bad[("vif", vid)] = f"missing (partner sees {v is not None}, customer sees {mine is not None})"
                continue
            field, gw = m["gateway"] or (None, None)
            want = {"connectionId": m["conn"], "vlan": m["vlan"], "ownerAccount": self.customer,
                    "virtualInterfaceState": m["state"],
                    "virtualGatewayId": gw if field == "virtualGatewayId" else "",
                    "directConnectGatewayId": gw if field == "directConnectGatewayId" else ""}
            got = {k: v.get(k) for k in want}
            if got != want or mine != v:
                bad[("vif", vid)] = f"{got} != {want}" if got != want else "partner and customer disagree"
                continue
            tags = ({t["key"]: t.get("value", "") for t in v.get("tags", [])} if m["state"] in DEAD
                    else view["tags"].get(arn("dxvif", vid, self.customer, self.region)))
            if tags != m["tags"]:
                bad[("vif", vid)] = f"tags {tags} != {m['tags']}"
        # Anything the server has that no write (acknowledged or in flight)
        # made: a call replayed differently than it ran.
        for cid in set(view["conns"]) - set(self.conns):
            bad[("conn", cid)] = "appeared from nowhere"
        for vid in set(view["partner_vifs"]) - set(self.vifs):
            bad[("vif", vid)] = "appeared from nowhere"
        for gid in set(view["dxgws"]) - set(self.dxgws):
            bad[("dxgw", gid)] = "appeared from nowhere"
        return bad


class IdLedger:
    """Every ID a server handed out: none may be handed out twice."""

    def __init__(self):
        self.lock = threading.Lock()
        self.seen = set()
        self.collisions = []

    def add(self, resource_id):
        with self.lock:
            if resource_id in self.seen:
                self.collisions.append(resource_id)
            self.seen.add(resource_id)


def invariants(workers, views) -> list:
    problems = []
    owners = {}
    for w in workers:
        for cid in list(views[w.index]["conns"]) + list(views[w.index]["lags"]):
            owners[cid] = w
    for w in workers:
        view = views[w.index]
        live = {}
        for v in view["partner_vifs"].values():
            if v["virtualInterfaceState"] in DEAD:
                continue
            key = (v["connectionId"], v["vlan"])
            if key in live:
                problems.append(f"VLAN {v['vlan']} used twice on {v['connectionId']}: "
                                f"{live[key]} and {v['virtualInterfaceId']}")
            live[key] = v["virtualInterfaceId"]
        for v in list(view["partner_vifs"].values()) + list(view["customer_vifs"].values()):
            owner = owners.get(v["connectionId"])
            if owner is None:
                problems.append(f"{v['virtualInterfaceId']} is on {v['connectionId']}, which no owner lists")
            elif v["virtualInterfaceId"] not in views[owner.index]["partner_vifs"]:
                problems.append(f"the owner of {v['connectionId']} does not see {v['virtualInterfaceId']}")
        for gid, attachments in view["attachments"].items():
            for a in attachments:
                vid = a["virtualInterfaceId"]
                if a["virtualInterfaceOwnerAccount"] != w.customer or a["virtualInterfaceRegion"] != w.region:
                    problems.append(f"attachment {a} names an unexpected owner or region")
                    continue
                seen = view["customer_vifs"].get(vid)
                if seen is None:
                    if w.vifs.get(vid, {}).get("state") in DEAD:
                        continue  # gone after its 15-minute tail, with its attachment detached
                    problems.append(f"attachment of {gid} names {vid}, which does not exist")
                elif seen["directConnectGatewayId"] != gid:
                    problems.append(f"attachment of {gid} names {vid}, which is on {seen['directConnectGatewayId']!r}")
                elif (a["attachmentState"] == "detached") != (seen["virtualInterfaceState"] in DEAD):
                    problems.append(f"attachment {a['attachmentState']} for a {seen['virtualInterfaceState']} VIF")
    return problems


# Also with snapshots taken every few calls, so kills land while one is
# being written and restarts start from one.
@pytest.mark.parametrize("extra", [(), ("--snapshot-every", "40")], ids=["journal", "snapshots"])
def test_crash_cycles_lose_no_acknowledged_write(tmp_path, cbor_session, extra):
    state_dir = tmp_path / "state"
    # A failing run can be repeated with DXLOCAL_CRASH_SEED (printed below).
    seed = int(os.environ.get("DXLOCAL_CRASH_SEED", time.time_ns() % 1_000_000_007))
    rng = random.Random(seed)
    workers = [Worker(i, rng.randrange(1 << 30)) for i in range(WORKERS)]
    ids = IdLedger()
    srv = state_server(state_dir, *extra)
    port = srv.port
    ep = Endpoint(srv.url, cbor_session)
    for w in workers:
        w.bind(ep)
    checked = lost = in_flight = cycles = 0
    try:
        for cycle in range(CYCLES):
            stop = threading.Event()
            threads = [threading.Thread(target=w.run, args=(cycle, stop, ids), daemon=True) for w in workers]
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.3, 1.2))
            crash(srv)
            stop.set()
            for t in threads:
                t.join(timeout=60)
            assert not any(t.is_alive() for t in threads), "a worker hung after the crash"
            errors = [e for w in workers for e in w.errors]
            assert not errors, errors
            in_flight += sum(1 for w in workers if w.in_flight)
            for w in workers:
                w.in_flight = False

            # Same directory, same port: the clients carry on as if nothing happened.
            srv = state_server(state_dir, *extra, port=port)
            health = admin_json(srv, "GET", "/_dxlocal/health")
            assert health["durable"] is True
            views = {w.index: w.read() for w in workers}
            for w in workers:
                w.reconcile(views[w.index])
            bad = {}
            for w in workers:
                for key, why in w.compare(views[w.index]).items():
                    bad[(w.index,) + key] = why
            acked_now = [(w.index, key) for w in workers for (c, key) in w.acked if c == cycle]
            checked += len(acked_now)
            lost_now = [k for k in acked_now if (k[0],) + k[1] in bad]
            lost += len(lost_now)
            assert not bad, (f"cycle {cycle}: {len(lost_now)} acknowledged writes lost; "
                             + "; ".join(f"{k}: {v}" for k, v in list(bad.items())[:10]))
            problems = invariants(workers, views)
            assert not problems, f"cycle {cycle}: " + "; ".join(problems[:10])
            assert not ids.collisions, f"IDs handed out twice: {ids.collisions}"
            cycles += 1
    finally:
        srv.stop()
        print(f"\ncrash cycles: {cycles}/{CYCLES}, acknowledged writes checked: {checked}, lost: {lost}, "
              f"requests cut in flight: {in_flight}, IDs: {len(ids.seen)}, seed: {seed}")
    assert lost == 0
    # Every cycle wrote something, and the kills did land on requests in flight.
    assert checked >= CYCLES
    assert in_flight > 0


def _vif_views(server):
    ep = Endpoint(server.url)
    return {account: {"vifs": ep.dx(account).describe_virtual_interfaces()["virtualInterfaces"],
                      "connections": ep.dx(account).describe_connections()["connections"]}
            for account in (PARTNER, CUSTOMER)}


def test_racing_calls_replay_to_the_same_state(tmp_path):
    """Calls that race for the same VLAN, with reads in between, must replay
    to the outcomes they had: a restart rebuilds the state from the journal
    alone, and a journal that does not replay leaves a directory the server
    refuses to start on. Reads are not journaled, yet a read also applies
    whatever fell due; a write that took its wall time before another write
    but ran after it (and after such a read) saw a different state live than
    it sees on replay."""
    import multiprocessing

    from support_state import hammer

    state_dir = tmp_path / "state"
    # fork: a spawned child would import boto3 again before its first call.
    ctx = multiprocessing.get_context("fork")
    srv = state_server(state_dir)
    try:
        partner = Endpoint(srv.url).dx(PARTNER)
        loc, bw = _port(partner)
        conn = partner.create_connection(location=loc, bandwidth=bw, connectionName="race")["connectionId"]
        for round_ in range(2):
            results = ctx.Queue()
            procs = [ctx.Process(target=hammer, args=(srv.url, role, conn, PARTNER, CUSTOMER, 3.0, results))
                     for role in ["alloc"] * 3 + ["read"] * 3]
            for p in procs:
                p.start()
            for p in procs:
                p.join(timeout=60)
            counts = [results.get(timeout=10) for _ in procs]
            assert sum(c["allocated"] for role, c in counts if role == "alloc") > 0, counts
            before = _vif_views(srv)
            srv.stop()
            # Starting again replays every call; it must answer as it did.
            srv = state_server(state_dir)
            after = _vif_views(srv)
            assert after == before, f"round {round_}: " + diff(before, after)
    finally:
        srv.stop()


# --------------------------------------------------------------------------
# Clean restarts, directories the server must refuse
# --------------------------------------------------------------------------

ACCOUNTS = [PARTNER, CUSTOMER, THIRD]


def small_state(ep: Endpoint, server: Server) -> dict:
    partner, customer = ep.dx(PARTNER), ep.dx(CUSTOMER, "cbor")
    loc, bw = _port(partner)
    conn = partner.create_connection(location=loc, bandwidth=bw, connectionName="c",
                                     tags=[{"key": "a", "value": "1"}])["connectionId"]
    ec2 = ep.ec2(CUSTOMER)
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    gw = customer.create_direct_connect_gateway(directConnectGatewayName="g")["directConnectGateway"]
    vifs = []
    for vlan, target in ((101, {"virtualGatewayId": vgw}),
                         (102, {"directConnectGatewayId": gw["directConnectGatewayId"]})):
        vid = partner.allocate_private_virtual_interface(
            connectionId=conn, ownerAccount=CUSTOMER,
            newPrivateVirtualInterfaceAllocation={"virtualInterfaceName": "v", "vlan": vlan, "asn": 65000},
        )["virtualInterfaceId"]
        customer.confirm_private_virtual_interface(virtualInterfaceId=vid, **target)
        vifs.append(vid)
    partner.delete_virtual_interface(virtualInterfaceId=vifs[1])
    fault(server, {"fault": "vif-bgp-down", "virtualInterfaceId": vifs[0]})
    fault(server, {"fault": "connection-down", "connectionId": conn, "seconds": 600})
    admin_json(server, "POST", "/_dxlocal/clock/advance", {"seconds": 120})
    return {"conn": conn, "vifs": vifs, "dxgw": gw["directConnectGatewayId"], "vgw": vgw}


def test_clean_restart_keeps_everything(tmp_path, cbor_session):
    state_dir = tmp_path / "state"
    srv = state_server(state_dir)
    try:
        ep = Endpoint(srv.url, cbor_session)
        ids = small_state(ep, srv)
        before = snapshot(ep, ACCOUNTS, REGIONS)
        doc = export_doc(srv)
        offset = admin_json(srv, "GET", "/_dxlocal/health")["now"] - time.time()
    finally:
        srv.proc.send_signal(signal.SIGTERM)
        assert srv.proc.wait(timeout=10) == 0
        srv.stop()
    assert os.path.exists(state_dir / "dxlocal.sqlite3")

    srv = state_server(state_dir)
    try:
        ep = Endpoint(srv.url, cbor_session)
        after = snapshot(ep, ACCOUNTS, REGIONS)
        assert after == before, diff(before, after)
        assert export_doc(srv) == doc
        health = admin_json(srv, "GET", "/_dxlocal/health")
        assert health["durable"] is True
        # The clock advance is part of the state.
        assert health["now"] - time.time() == pytest.approx(offset, abs=5)
        vif = ep.dx(CUSTOMER).describe_virtual_interfaces(virtualInterfaceId=ids["vifs"][0])["virtualInterfaces"][0]
        assert vif["virtualInterfaceState"] == "down"
        # The timed fault is still pending: it clears 600 s after it was set.
        conn = ep.dx(PARTNER).describe_connections(connectionId=ids["conn"])["connections"][0]
        assert conn["connectionState"] == "down"
        srv.advance(481)
        conn = ep.dx(PARTNER).describe_connections(connectionId=ids["conn"])["connections"][0]
        assert conn["connectionState"] == "available"
    finally:
        srv.stop()


def _snapshot_files(state_dir):
    return sorted(p.name for p in state_dir.iterdir() if p.name.startswith("snapshot-"))


def test_restarts_from_a_snapshot_answer_exactly_as_before(tmp_path, cbor_session):
    """With a snapshot every few calls, a restart loads the latest snapshot
    and replays only the journal after it: after a clean stop and after a
    crash it must answer exactly as before, timers and clock included."""
    state_dir = tmp_path / "state"
    every = ("--snapshot-every", "4")
    srv = state_server(state_dir, *every)
    try:
        ep = Endpoint(srv.url, cbor_session)
        ids = small_state(ep, srv)
        before = snapshot(ep, ACCOUNTS, REGIONS)
        offset = admin_json(srv, "GET", "/_dxlocal/health")["now"] - time.time()
    finally:
        srv.proc.send_signal(signal.SIGTERM)
        assert srv.proc.wait(timeout=30) == 0
        srv.stop()
    assert len(_snapshot_files(state_dir)) == 1
    with sqlite3.connect(state_dir / "dxlocal.sqlite3") as conn:
        # Only the calls after the latest snapshot are left to replay.
        assert conn.execute("SELECT count(*) FROM journal").fetchone()[0] < 4

    srv = state_server(state_dir, *every)
    try:
        ep = Endpoint(srv.url, cbor_session)
        after = snapshot(ep, ACCOUNTS, REGIONS)
        assert after == before, diff(before, after)
        health = admin_json(srv, "GET", "/_dxlocal/health")
        assert health["now"] - time.time() == pytest.approx(offset, abs=5)
        # More calls, some after the latest snapshot, then a crash.
        partner = ep.dx(PARTNER)
        loc, bw = _port(partner)
        for i in range(6):
            partner.create_connection(location=loc, bandwidth=bw, connectionName=f"more{i}")
        before = snapshot(ep, ACCOUNTS, REGIONS)
    finally:
        crash(srv)
    srv = state_server(state_dir, *every)
    try:
        ep = Endpoint(srv.url, cbor_session)
        after = snapshot(ep, ACCOUNTS, REGIONS)
        assert after == before, diff(before, after)
        # The pending timed fault survived both restarts.
        srv.advance(481)
        conn = ep.dx(PARTNER).describe_connections(connectionId=ids["conn"])["connections"][0]
        assert conn["connectionState"] == "available"
        # The generator goes on from where it was: the next ID is new.
        new = ep.dx(PARTNER).create_connection(location=loc, bandwidth=bw, connectionName="next")["connectionId"]
        assert new not in json.dumps(before)
        # A reset of a snapshotted directory starts a fresh history.
        srv.reset()
        assert resource_count(snapshot(ep, ACCOUNTS, REGIONS)) == 0
    finally:
        srv.stop()
    srv = state_server(state_dir, *every)
    try:
        assert resource_count(snapshot(Endpoint(srv.url, cbor_session), ACCOUNTS, REGIONS)) == 0
    finally:
        srv.stop()


def test_snapshot_documents_round_trip(tmp_path, cbor_session):
    """Once the history was folded into a snapshot, export carries the
    snapshot (document version 2); such a document imports into a fresh
    server, a state directory offline, and back out of it."""
    srv = ListeningServer(["--snapshot-every", "3"])
    other = ListeningServer([])
    try:
        ep = Endpoint(srv.url, cbor_session)
        small_state(ep, srv)
        before = snapshot(ep, ACCOUNTS, REGIONS)
        doc = export_doc(srv)
        assert doc["version"] == 2 and doc["snapshot"] and doc["calls"] == []
        resp = http("PUT", other.url + "/_dxlocal/state", json.dumps(doc).encode())
        assert resp.status == 200, resp.body
        after = snapshot(Endpoint(other.url, cbor_session), ACCOUNTS, REGIONS)
        assert after == before, diff(before, after)
        # A damaged snapshot changes nothing.
        bad = dict(doc, snapshot=base64.b64encode(b"not an engine").decode())
        resp = http("PUT", other.url + "/_dxlocal/state", json.dumps(bad).encode())
        assert resp.status == 422, resp.body
        assert snapshot(Endpoint(other.url, cbor_session), ACCOUNTS, REGIONS) == before
    finally:
        srv.stop()
        other.stop()
    state_dir = tmp_path / "state"
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc))
    out = run_dxlocal(["state", "import", str(path), "--state-dir", str(state_dir)])
    assert out.returncode == 0, out.stderr
    out = run_dxlocal(["state", "export", "-", "--state-dir", str(state_dir)])
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["snapshot"] == doc["snapshot"]
    srv = state_server(state_dir)
    try:
        after = snapshot(Endpoint(srv.url, cbor_session), ACCOUNTS, REGIONS)
        assert after == before, diff(before, after)
    finally:
        srv.stop()


def test_state_dir_from_the_environment(tmp_path, monkeypatch):
    state_dir = tmp_path / "from-env"
    monkeypatch.setenv("DXLOCAL_STATE_DIR", str(state_dir))
    srv = Server()
    try:
        assert admin_json(srv, "GET", "/_dxlocal/health")["durable"] is True
        Endpoint(srv.url).dx(CUSTOMER).create_direct_connect_gateway(directConnectGatewayName="env")
    finally:
        srv.stop()
    assert (state_dir / "dxlocal.sqlite3").exists()
    monkeypatch.delenv("DXLOCAL_STATE_DIR")
    plain = Server()
    try:
        assert admin_json(plain, "GET", "/_dxlocal/health")["durable"] is False
    finally:
        plain.stop()
    again = state_server(state_dir)
    try:
        gws = Endpoint(again.url).dx(CUSTOMER).describe_direct_connect_gateways()["directConnectGateways"]
        assert [g["directConnectGatewayName"] for g in gws] == ["env"]
    finally:
        again.stop()


def _used_dir(tmp_path, name="state"):
    """A state directory with a few calls in it, its server stopped."""
    state_dir = tmp_path / name
    srv = state_server(state_dir)
    try:
        ep = Endpoint(srv.url)
        loc, bw = _port(ep.dx(PARTNER))
        for i in range(3):
            ep.dx(PARTNER).create_connection(location=loc, bandwidth=bw, connectionName=f"c{i}")
    finally:
        srv.stop()
    return state_dir


def _assert_refused(proc, *needles):
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert b"listening" not in proc.stdout, proc.stdout
    assert proc.stdout == b"", proc.stdout
    err = proc.stderr.decode(errors="replace")
    for needle in needles:
        assert needle in err, (needle, err)
    return err


def test_corrupted_database_exits_2(tmp_path):
    state_dir = _used_dir(tmp_path)
    db = state_dir / "dxlocal.sqlite3"
    # Fold the write-ahead log into the database file first (as a backup
    # copy would be): while page 1 still sits in the log, SQLite reads it
    # from there and a damaged header in the file goes unnoticed.
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    with open(db, "r+b") as f:
        f.write(b"\x00garbage, not the SQLite header\x00" * 4)
    proc = serve_expecting_exit(state_dir)
    _assert_refused(proc, "damaged")


def test_not_a_database_at_all_exits_2(tmp_path):
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    (state_dir / "dxlocal.sqlite3").write_bytes(os.urandom(8192))
    proc = serve_expecting_exit(state_dir)
    _assert_refused(proc, "damaged")


def test_newer_format_exits_2(tmp_path):
    state_dir = _used_dir(tmp_path)
    db = state_dir / "dxlocal.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'format_version'")
    proc = serve_expecting_exit(state_dir)
    _assert_refused(proc, "format version 99", "reads up to 2")
    # Refusing must not rewrite the directory for this version.
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'format_version'").fetchone() == ("99",)
        assert conn.execute("SELECT count(*) FROM journal").fetchone() == (3,)
    # Offline export refuses it the same way.
    out = run_dxlocal(["state", "export", "-", "--state-dir", str(state_dir)])
    assert out.returncode != 0 and out.stdout == b""
    assert b"format version 99" in out.stderr, out.stderr


def test_journal_that_does_not_replay_exits_2(tmp_path):
    """A journal edited behind the server's back (a success turned into a
    failure) cannot rebuild the state clients were told about."""
    state_dir = _used_dir(tmp_path)
    with sqlite3.connect(state_dir / "dxlocal.sqlite3") as conn:
        conn.execute("UPDATE journal SET status = 400 WHERE seq = (SELECT min(seq) FROM journal)")
    proc = serve_expecting_exit(state_dir)
    _assert_refused(proc, "cannot rebuild the state", "record 1")


def test_restart_continues_the_id_sequence(tmp_path):
    """A state directory keeps its seed: a restart (even one given another
    --seed) goes on from where the generator was, never repeating an ID."""
    state_dir = tmp_path / "state"

    def make(ep, n):
        partner, customer = ep.dx(PARTNER), ep.dx(CUSTOMER)
        loc, bw = _port(partner)
        out = []
        for i in range(n):
            out.append(partner.create_connection(location=loc, bandwidth=bw, connectionName=f"c{i}")["connectionId"])
            out.append(customer.create_direct_connect_gateway(
                directConnectGatewayName=f"g{i}")["directConnectGateway"]["directConnectGatewayId"])
            out.append(ep.ec2(CUSTOMER).create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"])
        return out

    seen = []
    seeds = set()
    for run, extra in enumerate([("--seed", "5"), ("--seed", "6"), ()]):
        srv = state_server(state_dir, *extra)
        try:
            new = make(Endpoint(srv.url), 3)
            seeds.add(export_doc(srv)["seed"])
        finally:
            if run == 1:
                crash(srv)  # a crash must not rewind the generator either
            else:
                srv.stop()
        assert not set(new) & set(seen), f"run {run} handed out IDs again: {set(new) & set(seen)}"
        assert len(set(new)) == len(new)
        seen += new
    assert seeds == {"5"}
