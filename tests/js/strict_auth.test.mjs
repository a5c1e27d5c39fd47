// `--auth strict` with the AWS SDK for JavaScript v3 (protocols.md §4): a key
// from the credentials file signs requests the server verifies, in both the
// default awsJson1_1 protocol and RPC v2 CBOR; the right key with the wrong
// secret, or a key the file does not list, is refused with the code the SDK
// surfaces as the error's name, and nothing changes.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import {
  CreateConnectionCommand,
  DescribeConnectionsCommand,
  DescribeLocationsCommand,
  DirectConnectClient,
} from "@aws-sdk/client-direct-connect";
import { AwsSmithyRpcV2CborProtocol } from "@aws-sdk/core/protocols";

const KEY = "AKIAJSSTRICT";
const SECRET = "js/strict+Secret";
const ACCOUNT = "111111111111";
const REGION = "us-east-1";
const REPO = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const LISTEN_RE = /^dxlocal listening on (http:\/\/127\.0\.0\.1:\d+)$/;
const STARTUP_TIMEOUT_MS = 20_000;
const LOG_LIMIT = 64 * 1024;
const MISMATCH = "The request signature we calculated does not match the signature you provided.";

function serverBinary() {
  const configured = process.env.DXLOCAL_BIN || "target/release/dxlocal";
  const path = isAbsolute(configured) ? configured : resolve(REPO, configured);
  assert.ok(existsSync(path), `dxlocal binary not found at ${path}; build it or set DXLOCAL_BIN`);
  return path;
}

/** `dxlocal serve --auth strict` on a free port, with one configured key. */
function startStrictServer(credentialsPath) {
  const env = { ...process.env };
  // The test decides the flags; a leftover environment must not.
  for (const name of ["DXLOCAL_AUTH", "DXLOCAL_CREDENTIALS", "DXLOCAL_LIFECYCLE", "DXLOCAL_LISTEN"]) {
    delete env[name];
  }
  const child = spawn(
    serverBinary(),
    ["serve", "--listen", "127.0.0.1:0", "--auth", "strict", "--credentials", credentialsPath],
    { stdio: ["ignore", "pipe", "pipe"], env },
  );
  let log = "";
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

function makeClient(server, accessKeyId, secretAccessKey, protocolConfig) {
  return new DirectConnectClient({
    region: REGION,
    endpoint: server.url,
    credentials: { accessKeyId, secretAccessKey },
    // One call, one request: a retried refusal would hide what was answered.
    maxAttempts: 1,
    ...protocolConfig,
  });
}

async function rejection(promise) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail("expected the call to be refused");
}

const PROTOCOLS = [
  { name: "awsJson1_1", config: {} },
  { name: "RPC v2 CBOR", config: { protocol: AwsSmithyRpcV2CborProtocol } },
];

describe("strict authentication with the JS SDK", () => {
  let server;
  let dir;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "dxlocal-js-strict-"));
    const path = join(dir, "credentials.json");
    writeFileSync(
      path,
      JSON.stringify({
        credentials: [{ accessKeyId: KEY, secretAccessKey: SECRET, accountId: ACCOUNT }],
      }),
    );
    server = await startStrictServer(path);
  });

  after(async () => {
    await stopServer(server);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const { name, config } of PROTOCOLS) {
    test(`${name}: the configured key works, a wrong secret and an unknown key do not`, async () => {
      const dx = makeClient(server, KEY, SECRET, config);
      const { locations } = await dx.send(new DescribeLocationsCommand({}));
      const location = locations[0].locationCode;
      const before = (await dx.send(new DescribeConnectionsCommand({}))).connections ?? [];
      const created = await dx.send(
        new CreateConnectionCommand({ location, bandwidth: "1Gbps", connectionName: `signed ${name}` }),
      );
      assert.equal(created.ownerAccount, ACCOUNT);

      const forged = makeClient(server, KEY, "not-the-secret", config);
      const err = await rejection(
        forged.send(new CreateConnectionCommand({ location, bandwidth: "1Gbps", connectionName: "forged" })),
      );
      assert.equal(err.name, "InvalidSignatureException", `${err.name}: ${err.message}`);
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.ok(err.message.startsWith(MISMATCH), err.message);

      const stranger = makeClient(server, "AKIANOTLISTED", SECRET, config);
      const err2 = await rejection(stranger.send(new DescribeConnectionsCommand({})));
      assert.equal(err2.name, "UnrecognizedClientException", `${err2.name}: ${err2.message}`);
      assert.equal(err2.message, "The security token included in the request is invalid.");

      // Only the signed create happened.
      const after = (await dx.send(new DescribeConnectionsCommand({}))).connections ?? [];
      assert.equal(after.length, before.length + 1);
      assert.ok(!after.some((c) => c.connectionName === "forged"));
    });
  }
});
