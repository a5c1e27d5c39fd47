#!/usr/bin/env python3
"""A hosted private virtual interface, end to end, with boto3 against dxlocal.

Two accounts take part, exactly as on AWS:

* the **partner** (an AWS Direct Connect Partner) owns a dedicated connection
  and allocates a private VIF on it *for* the customer
  (``AllocatePrivateVirtualInterface`` with ``ownerAccount``);
* the **customer** sees that VIF in state ``confirming`` and accepts it onto a
  virtual private gateway (or a Direct Connect gateway) with
  ``ConfirmPrivateVirtualInterface``; the VIF then goes ``pending`` →
  ``available``.

dxlocal takes the account from the access key ID: a 12-digit key ID *is* the
account ID, so two boto3 clients with different keys are two accounts. The
script also provokes one API error on purpose (a second VIF on a VLAN that is
already taken) to show what a ``DirectConnectClientException`` looks like.

Run a server (``cargo run --release -- serve``), then::

    python examples/boto3_hosted_vif.py
    python examples/boto3_hosted_vif.py --endpoint http://127.0.0.1:4599 \\
        --partner 111111111111 --customer 222222222222 --gateway dxgw

With ``--lifecycle realistic`` a new connection takes a minute to become
``available`` and a VIF ten seconds; the script waits, or pass
``--fast-forward`` to move dxlocal's virtual clock instead (an emulator-only
admin call). ``--pause`` stops before the customer confirms, so you can look
at the ``confirming`` VIF in the dashboard (``/_dxlocal/ui``) and press Enter.
``--json`` prints one JSON object per step instead of prose.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

# Any secret works unless dxlocal runs with --auth strict.
SECRET = "dxlocal-example-secret"


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description="Allocate a hosted private VIF as a partner and confirm it as the customer.")
    p.add_argument("--endpoint", default="http://127.0.0.1:4599",
                   help="dxlocal endpoint (default: %(default)s)")
    p.add_argument("--region", default="us-east-1", help="region (default: %(default)s)")
    p.add_argument("--partner", default="111111111111", metavar="ACCOUNT",
                   help="partner account ID, used as its access key ID (default: %(default)s)")
    p.add_argument("--customer", default="222222222222", metavar="ACCOUNT",
                   help="customer account ID, used as its access key ID (default: %(default)s)")
    p.add_argument("--location", help="location code for the partner's port (default: the first offered)")
    p.add_argument("--gateway", choices=("vgw", "dxgw"), default="vgw",
                   help="confirm onto a virtual private gateway or a Direct Connect gateway (default: %(default)s)")
    p.add_argument("--vlan", type=int, default=101, help="VLAN of the hosted VIF (default: %(default)s)")
    p.add_argument("--asn", type=int, default=65000, help="customer BGP ASN (default: %(default)s)")
    p.add_argument("--pause", action="store_true",
                   help="wait for Enter (a line on stdin) before the customer confirms")
    p.add_argument("--fast-forward", action="store_true",
                   help="instead of sleeping, advance dxlocal's virtual clock (POST /_dxlocal/clock/advance)")
    p.add_argument("--timeout", type=float, default=300.0,
                   help="seconds to wait for each state (default: %(default)s)")
    p.add_argument("--json", action="store_true", help="print one JSON object per step")
    return p.parse_args(argv)


class Steps:
    """Prints what happens, as prose or as JSON lines (for scripts and tests)."""

    def __init__(self, as_json: bool):
        self.as_json = as_json

    def say(self, step: str, text: str, **fields):
        if self.as_json:
            print(json.dumps({"step": step, **fields}), flush=True)
        else:
            print(f"[{step}] {text}", flush=True)


def clients(args, account):
    session = boto3.Session(aws_access_key_id=account, aws_secret_access_key=SECRET,
                            region_name=args.region)
    # One call = one request: a retry would repeat a create and hide errors.
    config = Config(retries={"max_attempts": 1, "mode": "standard"})
    return (session.client("directconnect", endpoint_url=args.endpoint, config=config),
            session.client("ec2", endpoint_url=args.endpoint, config=config))


def advance_clock(endpoint: str, seconds: float):
    """dxlocal's admin API: move the virtual clock (unauthenticated plain JSON)."""
    req = urllib.request.Request(
        endpoint.rstrip("/") + "/_dxlocal/clock/advance",
        data=json.dumps({"seconds": seconds}).encode(), method="POST",
        headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)


def wait_for(args, what: str, read, want: str, steps: Steps, known: str | None = None):
    """Polls `read()` (a state string) until it equals `want`.

    Like a boto3 waiter, but it also knows dxlocal's virtual clock: with
    --fast-forward each round moves the clock ten seconds instead of sleeping.
    """
    deadline = time.monotonic() + args.timeout
    last = known  # already reported
    while True:
        state = read()
        if state != last:
            steps.say("state", f"{what} is {state}", resource=what, state=state)
            last = state
        if state == want:
            return state
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what} to become {want} (still {state})")
        if args.fast_forward:
            advance_clock(args.endpoint, 10)
        else:
            time.sleep(0.5)


def connection_state(dx, conn_id):
    return dx.describe_connections(connectionId=conn_id)["connections"][0]["connectionState"]


def vif_state(dx, vif_id):
    vifs = dx.describe_virtual_interfaces(virtualInterfaceId=vif_id)["virtualInterfaces"]
    return vifs[0]["virtualInterfaceState"] if vifs else "gone"


def main(argv=None):
    args = parse_args(argv)
    steps = Steps(args.json)
    partner_dx, _ = clients(args, args.partner)
    customer_dx, customer_ec2 = clients(args, args.customer)

    # -- partner: a dedicated port at a location ------------------------------
    locations = partner_dx.describe_locations()["locations"]
    if args.location:
        location = next((l for l in locations if l["locationCode"] == args.location), None)
        if location is None:
            raise SystemExit(f"location {args.location} is not offered in {args.region}")
    else:
        location = locations[0]
    speeds = location["availablePortSpeeds"]
    speed = "1G" if "1G" in speeds else speeds[0]
    bandwidth = speed.replace("G", "Gbps") if speed.endswith("G") else speed
    conn = partner_dx.create_connection(location=location["locationCode"], bandwidth=bandwidth,
                                        connectionName="partner-port",
                                        tags=[{"key": "role", "value": "partner-port"}])
    conn_id = conn["connectionId"]
    steps.say("connection", f"partner {args.partner} ordered {conn_id} at "
              f"{location['locationCode']} ({bandwidth}): {conn['connectionState']}",
              connectionId=conn_id, account=args.partner, state=conn["connectionState"])
    wait_for(args, conn_id, lambda: connection_state(partner_dx, conn_id), "available", steps,
             known=conn["connectionState"])

    # -- partner: allocate a private VIF owned by the customer -----------------
    vif = partner_dx.allocate_private_virtual_interface(
        connectionId=conn_id, ownerAccount=args.customer,
        newPrivateVirtualInterfaceAllocation={
            "virtualInterfaceName": "hosted-for-customer", "vlan": args.vlan, "asn": args.asn,
            "tags": [{"key": "customer", "value": args.customer}]})
    vif_id = vif["virtualInterfaceId"]
    steps.say("allocate", f"partner allocated {vif_id} (VLAN {args.vlan}) to customer "
              f"{args.customer}: {vif['virtualInterfaceState']}",
              virtualInterfaceId=vif_id, connectionId=conn_id, ownerAccount=vif["ownerAccount"],
              state=vif["virtualInterfaceState"])

    # -- an API error on purpose: that VLAN is taken on this connection --------
    try:
        partner_dx.allocate_private_virtual_interface(
            connectionId=conn_id, ownerAccount=args.customer,
            newPrivateVirtualInterfaceAllocation={
                "virtualInterfaceName": "duplicate-vlan", "vlan": args.vlan, "asn": args.asn})
        raise SystemExit("expected the duplicate VLAN to be refused")
    except ClientError as err:
        error = err.response["Error"]
        steps.say("error", f"a second VIF on VLAN {args.vlan} is refused: "
                  f"{error['Code']}: {error['Message']}",
                  errorType=error["Code"], errorMessage=error["Message"],
                  operation=err.operation_name)

    # -- customer: sees the VIF awaiting confirmation --------------------------
    seen = customer_dx.describe_virtual_interfaces(virtualInterfaceId=vif_id)["virtualInterfaces"][0]
    steps.say("customer-sees", f"customer {args.customer} sees {vif_id} on {seen['connectionId']}: "
              f"{seen['virtualInterfaceState']}",
              virtualInterfaceId=vif_id, state=seen["virtualInterfaceState"])

    # -- customer: a gateway to land it on -------------------------------------
    if args.gateway == "vgw":
        vpc_id = customer_ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        vgw_id = customer_ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
        customer_ec2.attach_vpn_gateway(VpcId=vpc_id, VpnGatewayId=vgw_id)
        target = {"virtualGatewayId": vgw_id}
        steps.say("gateway", f"customer created {vpc_id} and attached {vgw_id} to it",
                  vpcId=vpc_id, virtualGatewayId=vgw_id)
    else:
        gw = customer_dx.create_direct_connect_gateway(directConnectGatewayName="customer-dxgw",
                                                       amazonSideAsn=64512)["directConnectGateway"]
        target = {"directConnectGatewayId": gw["directConnectGatewayId"]}
        steps.say("gateway", f"customer created Direct Connect gateway {gw['directConnectGatewayId']}",
                  directConnectGatewayId=gw["directConnectGatewayId"])

    if args.pause:
        steps.say("paused", "paused before confirming: press Enter to continue",
                  virtualInterfaceId=vif_id)
        sys.stdin.readline()

    # -- customer: accept the VIF ---------------------------------------------
    state = customer_dx.confirm_private_virtual_interface(virtualInterfaceId=vif_id, **target)
    steps.say("confirm", f"customer confirmed {vif_id}: {state['virtualInterfaceState']}",
              virtualInterfaceId=vif_id, state=state["virtualInterfaceState"], **target)
    wait_for(args, vif_id, lambda: vif_state(customer_dx, vif_id), "available", steps,
             known=state["virtualInterfaceState"])

    final = customer_dx.describe_virtual_interfaces(virtualInterfaceId=vif_id)["virtualInterfaces"][0]
    peers = ", ".join(f"{p['bgpPeerId']} {p['bgpPeerState']}/{p['bgpStatus']}"
                      for p in final.get("bgpPeers", []))
    steps.say("done", f"{vif_id} is {final['virtualInterfaceState']}; BGP peers: {peers}",
              virtualInterfaceId=vif_id, connectionId=conn_id,
              state=final["virtualInterfaceState"])


if __name__ == "__main__":
    main()
