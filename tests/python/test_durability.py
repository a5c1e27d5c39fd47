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

import os
import random
import sqlite3
import threading
import time
from collections import defaultdict

import pytest
from botocore.exceptions import ClientError

from support import CUSTOMER, PARTNER, THIRD, LISTEN_RE if False else CUSTOMER  # noqa: F401
from dxserver import LISTEN_RE
from support import speed_to_bandwidth
from support_state import (
    Endpoint, admin_json, arn, crash, diff, export_doc, fault, serve_expecting_exit, snapshot,
    state_server,
)

CYCLES = int(os.environ.get("DXLOCAL_CRASH_CYCLES", "5"))
WORKERS = 6
REGIONS = ["us-east-1", "us-west-2"]
# VIFs deleted more than this long ago may have left DescribeVirtualInterfaces
# (they stay listed for 15 minutes); only long soak runs get there.
DELETED_TAIL = 15 * 60 - 30
LIVE = ("confirming", "pending", "available", "down", "verifying", "testing")
