// The hosted private VIF flow driven by the AWS SDK for JavaScript v3, once
// with the client's default awsJson1_1 protocol and once with a client
// switched to Smithy RPC v2 CBOR (protocols.md §2, §3, §5; operations.md §F
// ConfirmPrivateVirtualInterface). The JS SDK validates no input, so the
// server's own validation is what a JS caller sees.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import {
  AllocatePrivateVirtualInterfaceCommand,
  ConfirmPrivateVirtualInterfaceCommand,
  CreateConnectionCommand,
  CreateDirectConnectGatewayCommand,
  DescribeConnectionsCommand,
  DescribeLocationsCommand,
  DescribeVirtualInterfacesCommand,
  DirectConnectClient,
  DirectConnectClientException,
} from "@aws-sdk/client-direct-connect";
import { AwsSmithyRpcV2CborProtocol } from "@aws-sdk/core/protocols";

const PARTNER = "111111111111";
const CUSTOMER = "222222222222";
const REGION = "us-east-1";
const REPO = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const LISTEN_RE = /^dxlocal listening on (http:\/\/127\.0\.0\.1:\d+)$/;
const STARTUP_TIMEOUT_MS = 20_000;
// Keep the end of the request log for failure messages, not all of it.
const LOG_LIMIT = 64 * 1024;

/** `DXLOCAL_BIN` (relative paths from the repository root) or the release build. */
function serverBinary() {
  const configured = process.env.DXLOCAL_BIN || "target/release/dxlocal";
  const path = isAbsolute(configured) ? configured : resolve(REPO, configured);
  assert.ok(existsSync(path), `dxlocal binary not found at ${path}; build it or set DXLOCAL_BIN`);
  return path;
}

/** Starts `dxlocal serve` on a free port and resolves once it has said where. */
function startServer() {
  const child = spawn(serverBinary(), ["serve", "--listen", "127.0.0.1:0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  // Drained continuously so a chatty server never blocks on a full pipe.
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    log = (log + chunk).slice(-LOG_LIMIT);
  });
  const server = { child, url: undefined, log: () => log };
  return new Promise((resolvePromise, reject) => {
    const lines = createInterface({ input: child.stdout });
    const fail = (why) => {
      clearTimeout(timer);
      child.kill();
      reject(new Error(`dxlocal did not start: ${why}\n--- dxlocal stderr ---\n${log}`));
    };
    const timer = setTimeout(() => fail("it printed no listening line in time"), STARTUP_TIMEOUT_MS);
    child.once("error", (err) => fail(err.message));
    child.once("exit", (code) => fail(`it exited with code ${code}`));
    lines.once("line", (line) => {
      clearTimeout(timer);
      child.removeAllListeners("exit");
      const match = LISTEN_RE.exec(line);
      if (!match) {
        fail(`unexpected first stdout line ${JSON.stringify(line)}`);
        return;
      }
      server.url = match[1];
      // Anything printed later is read and dropped for the same reason.
      lines.on("line", () => {});
      resolvePromise(server);
    });
  });
}

function stopServer(server) {
  if (!server || server.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    server.child.once("exit", () => resolvePromise());
    server.child.kill();
  });
}

/**
 * A client signing as `account` whose requests and responses are recorded in
 * `wire`, so the tests can prove which protocol went over the wire.
 */
function makeClient(server, account, protocolConfig, wire) {
  const client = new DirectConnectClient({
    region: REGION,
    endpoint: server.url,
    credentials: { accessKeyId: account, secretAccessKey: "dxlocal-test-secret" },
    // One SDK call = one request: a retry would hide a 5xx and repeat a create.
    maxAttempts: 1,
    ...protocolConfig,
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      const { path, headers, body } = args.request;
      const entry = { path, headers: { ...headers }, body };
      wire.push(entry);
      const record = (response) => {
        entry.status = response?.statusCode;
        entry.responseType = response?.headers["content-type"];
      };
      try {
        const result = await next(args);
        record(result.response);
        return result;
      } catch (err) {
        // A service error carries the raw response it was read from.
        record(err.$response);
        throw err;
      }
    },
    // After signing: the request as it leaves, and the raw response.
    { step: "finalizeRequest", priority: "low", name: "dxlocalWireRecorder" },
  );
  return client;
}

/** Runs `fn`, which must throw a DirectConnectClientException, and returns it. */
async function clientError(fn) {
  try {
    const out = await fn();
    assert.fail(`expected DirectConnectClientException, got a success: ${JSON.stringify(out)}`);
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    assert.ok(err instanceof DirectConnectClientException, `expected DirectConnectClientException, got ${err}`);
    assert.equal(err.name, "DirectConnectClientException");
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.$fault, "client");
    return err;
  }
}

let server;

/** A test body whose failure message ends with the server's request log. */
function withServerLog(fn) {
  return async () => {
    try {
      await fn();
    } catch (err) {
      err.message += `\n--- dxlocal stderr (${server.url}) ---\n${server.log().slice(-8000)}`;
      throw err;
    }
  };
}

before(async () => {
  server = await startServer();
});

after(async () => {
  await stopServer(server);
});

const PROTOCOLS = [
  {
    name: "awsJson1_1 (the client's default)",
    config: {},
    checkWire(wire) {
      for (const { path, headers, body, responseType } of wire) {
        assert.equal(path, "/");
        assert.equal(headers["content-type"], "application/x-amz-json-1.1");
        // JSON text (as a string or as UTF-8 bytes, depending on the serializer).
        const text = typeof body === "string" ? body : Buffer.from(body).toString("utf8");
        assert.equal(text[0], "{", `JSON body ${text}`);
        assert.equal(typeof JSON.parse(text), "object");
        assert.match(headers["x-amz-target"], /^OvertureService\.[A-Za-z]+$/);
        assert.equal(headers["smithy-protocol"], undefined);
        assert.match(responseType, /^application\/x-amz-json-1\.1/);
      }
      return wire.map(({ headers }) => headers["x-amz-target"].split(".")[1]);
    },
  },
  {
    name: "RPC v2 CBOR",
    config: { protocol: AwsSmithyRpcV2CborProtocol },
    checkWire(wire) {
      const prefix = "/service/OvertureService/operation/";
      for (const { path, headers, body, responseType } of wire) {
        assert.ok(path.startsWith(prefix), `CBOR request path ${path}`);
        assert.equal(headers["smithy-protocol"], "rpc-v2-cbor");
        assert.equal(headers.accept, "application/cbor");
        if (body === undefined) {
          // An operation without input members may send no body at all.
          assert.equal(headers["content-type"], undefined);
        } else {
          assert.equal(headers["content-type"], "application/cbor");
          // A CBOR map (major type 5), not JSON text.
          assert.ok(body instanceof Uint8Array, `CBOR body ${typeof body}`);
          assert.equal(body[0] >> 5, 5, `first byte 0x${body[0].toString(16)}`);
        }
        assert.equal(headers["x-amz-target"], undefined);
        assert.equal(responseType, "application/cbor");
      }
      return wire.map(({ path }) => path.slice(prefix.length));
    },
  },
];

for (const protocol of PROTOCOLS) {
  describe(`hosted private VIF over ${protocol.name}`, () => {
    const wire = [];
    let partner;
    let customer;

    before(() => {
      partner = makeClient(server, PARTNER, protocol.config, wire);
      customer = makeClient(server, CUSTOMER, protocol.config, wire);
    });

    /** An `available` partner connection and a `confirming` VIF on it for the customer. */
    async function allocatedVif(vlan) {
      const { locations } = await partner.send(new DescribeLocationsCommand({}));
      assert.ok(locations.length > 0, "DescribeLocations returned no locations");
      const location = locations[0];
      assert.equal(location.region, REGION);
      assert.ok(location.availablePortSpeeds.includes("10G"), `no 10G at ${location.locationCode}`);

      const conn = await partner.send(
        new CreateConnectionCommand({
          location: location.locationCode,
          bandwidth: "10Gbps",
          connectionName: "partner-uplink",
        }),
      );
      assert.match(conn.connectionId, /^dxcon-[a-z0-9]{8}$/);
      assert.equal(conn.connectionState, "requested");
      assert.equal(conn.ownerAccount, PARTNER);
      const { connections } = await partner.send(new DescribeConnectionsCommand({ connectionId: conn.connectionId }));
      assert.deepEqual(
        connections.map((c) => [c.connectionId, c.connectionState]),
        [[conn.connectionId, "available"]],
      );

      // Private allocations answer the VirtualInterface itself, not wrapped.
      const vif = await partner.send(
        new AllocatePrivateVirtualInterfaceCommand({
          connectionId: conn.connectionId,
          ownerAccount: CUSTOMER,
          newPrivateVirtualInterfaceAllocation: { virtualInterfaceName: "hosted", vlan, asn: 65000 },
        }),
      );
      assert.match(vif.virtualInterfaceId, /^dxvif-[a-z0-9]{8}$/);
      assert.equal(vif.virtualInterfaceState, "confirming");
      assert.equal(vif.ownerAccount, CUSTOMER);
      assert.equal(vif.connectionId, conn.connectionId);
      assert.equal(vif.virtualInterfaceType, "private");
      assert.equal(vif.vlan, vlan);
      assert.equal(vif.asn, 65000);
      return vif.virtualInterfaceId;
    }

    async function describeVif(client, vifId) {
      const { virtualInterfaces } = await client.send(
        new DescribeVirtualInterfacesCommand({ virtualInterfaceId: vifId }),
      );
      assert.deepEqual(
        virtualInterfaces.map((v) => v.virtualInterfaceId),
        [vifId],
      );
      return virtualInterfaces[0];
    }

    test("the customer confirms the VIF onto its Direct Connect gateway", withServerLog(async () => {
      wire.length = 0;
      const vifId = await allocatedVif(101);

      const { directConnectGateway: gateway } = await customer.send(
        new CreateDirectConnectGatewayCommand({ directConnectGatewayName: "customer-dxgw", amazonSideAsn: 64999 }),
      );
      assert.match(gateway.directConnectGatewayId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(gateway.directConnectGatewayState, "available");
      assert.equal(gateway.ownerAccount, CUSTOMER);
      // amazonSideAsn is a long: it must come back as a number in both protocols.
      assert.equal(gateway.amazonSideAsn, 64999);

      const confirmed = await customer.send(
        new ConfirmPrivateVirtualInterfaceCommand({
          virtualInterfaceId: vifId,
          directConnectGatewayId: gateway.directConnectGatewayId,
        }),
      );
      assert.equal(confirmed.virtualInterfaceState, "pending");

      const seen = await describeVif(customer, vifId);
      assert.equal(seen.virtualInterfaceState, "available");
      assert.equal(seen.directConnectGatewayId, gateway.directConnectGatewayId);
      assert.equal(seen.virtualGatewayId, "");
      assert.equal(seen.amazonSideAsn, 64999);
      assert.equal(seen.ownerAccount, CUSTOMER);
      // The allocating partner still sees the VIF on its connection.
      assert.equal((await describeVif(partner, vifId)).virtualInterfaceState, "available");

      assert.deepEqual(protocol.checkWire(wire), [
        "DescribeLocations",
        "CreateConnection",
        "DescribeConnections",
        "AllocatePrivateVirtualInterface",
        "CreateDirectConnectGateway",
        "ConfirmPrivateVirtualInterface",
        "DescribeVirtualInterfaces",
        "DescribeVirtualInterfaces",
      ]);
      assert.ok(wire.every((w) => w.status === 200), JSON.stringify(wire.map((w) => w.status)));
    }));

    test("the allocating partner cannot confirm", withServerLog(async () => {
      wire.length = 0;
      const vifId = await allocatedVif(102);
      const err = await clientError(() =>
        partner.send(new ConfirmPrivateVirtualInterfaceCommand({ virtualInterfaceId: vifId })),
      );
      assert.match(err.message, /can only be confirmed by its owner/);
      assert.ok(err.message.includes(vifId) && err.message.includes(CUSTOMER), err.message);
      assert.ok(err.$metadata.requestId, "no request ID on the error");
      // The refusal changed nothing.
      assert.equal((await describeVif(customer, vifId)).virtualInterfaceState, "confirming");
      const ops = protocol.checkWire(wire);
      assert.equal(ops.at(-2), "ConfirmPrivateVirtualInterface");
      assert.equal(wire.at(-2).status, 400);
    }));

    test("a missing virtualInterfaceId is the server's validation error", withServerLog(async () => {
      wire.length = 0;
      // Unlike botocore and the Rust SDK, the JS SDK sends this as is.
      const err = await clientError(() => customer.send(new ConfirmPrivateVirtualInterfaceCommand({})));
      assert.equal(
        err.message,
        "1 validation error detected: Value null at 'virtualInterfaceId' failed to satisfy constraint: Member must not be null",
      );
      assert.deepEqual(protocol.checkWire(wire), ["ConfirmPrivateVirtualInterface"]);
    }));
  });
}
