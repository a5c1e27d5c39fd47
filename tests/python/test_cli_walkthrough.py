"""The README's AWS CLI walkthrough (examples/hosted-vif-walkthrough.sh) runs
as written against the server, and leaves the customer with an available
hosted VIF on its virtual private gateway."""

import os
import subprocess
import sys
from pathlib import Path

from support import CUSTOMER, PARTNER

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "hosted-vif-walkthrough.sh"


def test_walkthrough_runs_as_written(server, dx):
    env = dict(os.environ)
    # The `aws` command installed next to this interpreter (the test venv).
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    for key in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SESSION_TOKEN", "AWS_REGION"):
        env.pop(key, None)
    done = subprocess.run(["bash", str(SCRIPT), server.url], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]

    vifs = dx(CUSTOMER).describe_virtual_interfaces()["virtualInterfaces"]
    assert [(v["ownerAccount"], v["virtualInterfaceState"], v["vlan"]) for v in vifs] == [(CUSTOMER, "available", 101)]
    assert vifs[0]["virtualGatewayId"].startswith("vgw-")
    # The partner still sees the VIF it allocated, on its connection.
    [seen] = dx(PARTNER).describe_virtual_interfaces()["virtualInterfaces"]
    assert seen["virtualInterfaceId"] == vifs[0]["virtualInterfaceId"]
