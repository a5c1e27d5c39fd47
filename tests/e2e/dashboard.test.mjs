// The dashboard (/_dxlocal/ui) in headless Chromium while boto3 runs the
// hosted private VIF flow (examples/boto3_hosted_vif.py) against a dxlocal
// started with --lifecycle realistic: the VIF shows up under the partner's
// connection and in the customer's view as `confirming`, turns `available`
// after the customer confirms and the clock is advanced from the UI, goes
// `down` with a fault injected from the UI, and the request log shows the
// boto3 calls including the deliberate error. Screenshots land in
// test-output/e2e/ at the repository root.
//
// Environment: DXLOCAL_BIN (default target/release/dxlocal), DXLOCAL_PYTHON
// (default .venv/bin/python, with boto3), CHROMIUM_BIN (default
// /usr/bin/chromium). No browser is ever downloaded.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

const PARTNER = "111111111111";
const CUSTOMER = "222222222222";
const REPO = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const OUT = join(REPO, "test-output", "e2e");
const LISTEN_RE = /^dxlocal listening on (http:\/\/127\.0\.0\.1:\d+)$/;
const STARTUP_TIMEOUT_MS = 20_000;
const STEP_TIMEOUT_MS = 20_000;
const UI_TIMEOUT_MS = 10_000;
const LOG_LIMIT = 64 * 1024;
const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

function fromRepo(configured) {
  return isAbsolute(configured) ? configured : resolve(REPO, configured);
}

// ------------------------------------------------------------------ dxlocal

function startServer() {
  const bin = fromRepo(process.env.DXLOCAL_BIN || "target/release/dxlocal");
  assert.ok(existsSync(bin), `dxlocal binary not found at ${bin}; build it or set DXLOCAL_BIN`);
  const child = spawn(bin, ["serve", "--listen", "127.0.0.1:0", "--lifecycle", "realistic", "--seed", "20240601"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => { log = (log + chunk).slice(-LOG_LIMIT); });
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
    // The first line that names the address; the start-up line may come first.
    lines.on("line", (line) => {
      if (server.url) return;
      const match = LISTEN_RE.exec(line.trim());
      if (!match) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      server.url = match[1];
      resolvePromise(server);
    });
  });
}

function stopChild(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    child.once("exit", () => resolvePromise());
    child.kill();
  });
}

// ------------------------------------------------------------------ the boto3 example

/**
 * Runs examples/boto3_hosted_vif.py with --json --pause: each step is a JSON
 * line; `step(name)` resolves with the first line of that step.
 */
function startExample(url) {
  const python = fromRepo(process.env.DXLOCAL_PYTHON || ".venv/bin/python");
  assert.ok(existsSync(python), `python not found at ${python}; create the venv (scripts/test.sh) or set DXLOCAL_PYTHON`);
  const child = spawn(python, [
    join(REPO, "examples", "boto3_hosted_vif.py"), "--endpoint", url,
    "--partner", PARTNER, "--customer", CUSTOMER, "--json", "--pause", "--timeout", "60",
  ], { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, PYTHONUNBUFFERED: "1" } });
  const steps = [];
  const waiters = [];
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (c) => { stderr = (stderr + c).slice(-LOG_LIMIT); });
  createInterface({ input: child.stdout }).on("line", (line) => {
    let step;
    try { step = JSON.parse(line); } catch { return; }
    steps.push(step);
    for (const w of [...waiters]) {
      if (w.match(step)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(step);
      }
    }
  });
  const exited = new Promise((res) => child.once("exit", (code) => res(code)));
  const example = {
    child,
    steps,
    exited,
    stderr: () => stderr,
    step(name, pred = () => true) {
      const match = (s) => s.step === name && pred(s);
      const done = steps.find(match);
      if (done) return Promise.resolve(done);
      return new Promise((res, rej) => {
        const w = { match, resolve: (s) => { clearTimeout(timer); res(s); } };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          rej(new Error(`example did not reach step ${name}; steps so far: ${JSON.stringify(steps)}\n--- stderr ---\n${stderr}`));
        }, STEP_TIMEOUT_MS);
        waiters.push(w);
        exited.then((code) => {
          if (waiters.includes(w)) {
            clearTimeout(timer);
            rej(new Error(`example exited (${code}) before step ${name}\n--- stderr ---\n${stderr}`));
          }
        });
      });
    },
    resume() { child.stdin.write("\n"); },
  };
  return example;
}

// ------------------------------------------------------------------ the page

let server;
let context;
let page;
let userDataDir;
const consoleErrors = [];

before(async () => {
  mkdirSync(OUT, { recursive: true });
  server = await startServer();
  userDataDir = mkdtempSync(join(tmpdir(), "dxlocal-e2e-chromium-"));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_BIN || "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1480, height: 1100 },
    colorScheme: "light",
    acceptDownloads: true,
    timeout: 30_000,
  });
  // Nothing but the dxlocal server may be contacted: the dashboard works offline.
  const origin = new URL(server.url).origin;
  await context.route("**/*", (route) => {
    const u = route.request().url();
    if (u.startsWith(origin) || u.startsWith("data:")) return route.continue();
    consoleErrors.push(`blocked off-server request: ${u}`);
    return route.abort();
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  page.on("pageerror", (err) => consoleErrors.push(`pageerror: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") consoleErrors.push(`console: ${msg.text()}`);
  });
});

after(async () => {
  await context?.close().catch(() => {});
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  await stopChild(server?.child);
});

const byTestId = (id) => `[data-testid="${id}"]`;
const board = (account) => page.locator(byTestId(`board-${account}`));
const nodeIn = (account, id) => board(account).locator(byTestId(`node-${id}`));

/** Waits until `locator` has data-state="state" (re-rendering-proof, no sleeps). */
async function waitState(locator, state, timeout = UI_TIMEOUT_MS) {
  await locator.and(page.locator(`[data-state="${state}"]`)).first().waitFor({ timeout });
}

/** Advances the virtual clock through the dashboard's own control. */
async function advanceClock(seconds) {
  const before = Number(await page.locator(byTestId("clock-now")).getAttribute("data-now"));
  await page.locator(byTestId("clock-seconds")).fill(String(seconds));
  await page.locator(byTestId("clock-advance")).click();
  await page.waitForFunction(
    ([sel, was, by]) => Number(document.querySelector(sel)?.dataset.now) >= was + by - 0.001,
    [byTestId("clock-now"), before, seconds],
  );
}

/** Clicks "Advance clock" until `locator` reaches `state` (each step is `seconds`). */
async function advanceUntil(locator, state, seconds, maxSteps = 6) {
  for (let i = 0; i < maxSteps; i++) {
    await advanceClock(seconds);
    try {
      await waitState(locator, state, 3_000);
      return;
    } catch {
      // not yet: the next transition is due later
    }
  }
  await waitState(locator, state, 1);
}

async function screenshot(name) {
  await page.screenshot({ path: join(OUT, name), fullPage: true });
}

test("the dashboard follows the hosted VIF flow, steers the clock and faults, and logs requests", async (t) => {
  await page.goto(`${server.url}/_dxlocal/ui`);
  await page.locator(byTestId("live-status")).and(page.locator('[data-live="true"]')).waitFor();
  await page.locator(byTestId("topology-empty")).waitFor();
  await page.locator(byTestId("lifecycle")).and(page.locator('[data-lifecycle="realistic"]')).waitFor();
  // Set once: a reload would lose it, so its survival proves updates arrive live.
  await page.evaluate(() => { window.__noReload = true; });

  const example = startExample(server.url);
  t.after(() => stopChild(example.child));

  // -- the partner's connection: requested until the clock moves ------------
  const { connectionId } = await example.step("connection");
  const conn = nodeIn(PARTNER, connectionId);
  await conn.waitFor();
  assert.equal(await conn.getAttribute("data-state"), "requested");
  await advanceUntil(conn, "available", 30);

  // -- the partner allocates; the customer sees it confirming ---------------
  const { virtualInterfaceId: vifId } = await example.step("allocate");
  const error = await example.step("error");
  assert.equal(error.errorType, "DirectConnectClientException");
  const gateway = await example.step("gateway");
  await example.step("paused");

  const partnerVif = board(PARTNER).locator(byTestId(`item-${connectionId}`)).locator(byTestId(`node-${vifId}`));
  const customerVif = nodeIn(CUSTOMER, vifId);
  await waitState(partnerVif, "confirming");
  await waitState(customerVif, "confirming");
  assert.equal(await partnerVif.getAttribute("data-cross-account"), "true");
  assert.equal(await customerVif.getAttribute("data-cross-account"), "true");
  assert.equal(await customerVif.getAttribute("data-account"), CUSTOMER);
  // In the customer's view the VIF hangs under the partner's port, marked as another account's.
  await board(CUSTOMER).locator(byTestId(`ghost-${connectionId}`)).waitFor();
  await board(CUSTOMER).locator(byTestId(`item-${connectionId}`)).locator(byTestId(`node-${vifId}`)).waitFor();
  await nodeIn(CUSTOMER, gateway.virtualGatewayId).waitFor();
  await screenshot("01-confirming-light.png");

  // -- details from the keyboard: Enter opens, Escape closes -----------------
  await customerVif.focus();
  await page.keyboard.press("Enter");
  const panel = page.locator(byTestId("detail-panel"));
  await panel.waitFor({ state: "visible" });
  assert.equal(await page.locator(byTestId("detail-id")).textContent(), vifId);
  const description = JSON.parse(await page.locator(byTestId("detail-description")).textContent());
  assert.equal(description.virtualInterfaceId, vifId);
  assert.equal(description.ownerAccount, CUSTOMER);
  assert.equal(description.virtualInterfaceState, "confirming");
  await page.locator(byTestId("detail-tags")).getByText("customer", { exact: true }).waitFor();
  assert.ok(await page.locator(byTestId("bgp-peer")).count() >= 1, "the VIF's BGP peer is listed");
  await page.locator(`${byTestId("history-item")}[data-to="confirming"]`).waitFor();
  await screenshot("02-details-light.png");
  await page.keyboard.press("Escape");
  await panel.waitFor({ state: "hidden" });

  // -- the customer confirms; the clock (from the UI) makes it available ----
  example.resume();
  const confirmed = await example.step("confirm");
  assert.equal(confirmed.state, "pending");
  await waitState(customerVif, "pending");
  await advanceUntil(customerVif, "available", 30);
  await waitState(partnerVif, "available");
  const done = await example.step("done");
  assert.equal(done.state, "available");
  assert.equal(await example.exited, 0, `example failed:\n${example.stderr()}`);
  // The VIF now points at the customer's VGW, drawn as an edge.
  await board(CUSTOMER).locator(`${byTestId("edge")}[data-from="${vifId}"][data-to="${gateway.virtualGatewayId}"]`).waitFor({ state: "attached" });

  // -- a fault from the UI: the partner's connection goes down --------------
  await page.locator(byTestId("open-faults")).click();
  const dialog = page.locator(byTestId("faults-dialog"));
  await dialog.waitFor({ state: "visible" });
  await dialog.locator(byTestId("fault-resource")).selectOption(connectionId);
  await dialog.locator(byTestId("fault-kind")).selectOption("connection-down");
  await dialog.locator(byTestId("fault-inject")).click();
  await dialog.waitFor({ state: "hidden" });
  await waitState(conn, "down");
  await waitState(customerVif, "down");
  await waitState(partnerVif, "down");
  await screenshot("03-fault-light.png");

  // ... and cleared from the connection's detail panel.
  await conn.click();
  await panel.waitFor({ state: "visible" });
  assert.equal(await page.locator(byTestId("detail-id")).textContent(), connectionId);
  await page.locator(`${byTestId("history-item")}[data-to="down"]`).waitFor();
  await page.locator(byTestId("detail-clear-connection-up")).click();
  await waitState(conn, "available");
  await waitState(customerVif, "available");
  await page.keyboard.press("Escape");
  await panel.waitFor({ state: "hidden" });

  // -- the request log: the boto3 calls, the error row with its message -----
  const rows = page.locator(byTestId("request-row"));
  await rows.filter({ hasText: "ConfirmPrivateVirtualInterface" }).first().waitFor();
  await rows.filter({ hasText: "CreateVpnGateway" }).first().waitFor();
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "request-filter");
  await page.keyboard.type("AllocatePrivate");
  await page.locator(byTestId("errors-only")).check();
  const errorRow = rows.and(page.locator('[data-error="true"]')).first();
  await errorRow.waitFor();
  assert.equal(await rows.count(), 1, "exactly the one failed allocation is left");
  assert.equal(await errorRow.getAttribute("data-operation"), "AllocatePrivateVirtualInterface");
  assert.match(await errorRow.getAttribute("data-status"), /^4\d\d$/);
  const errorText = await errorRow.locator(byTestId("request-error")).textContent();
  assert.match(errorText, /DirectConnectClientException/);
  assert.ok(errorText.includes(error.errorMessage), `${errorText} names the message ${error.errorMessage}`);
  await screenshot("04-request-log-light.png");
  await page.locator(byTestId("errors-only")).uncheck();
  await page.locator(byTestId("request-filter")).fill("");

  // -- light and dark, the whole page ----------------------------------------
  await screenshot("05-overview-light.png");
  await page.emulateMedia({ colorScheme: "dark" });
  await screenshot("06-overview-dark.png");
  await customerVif.click();
  await panel.waitFor({ state: "visible" });
  await screenshot("07-details-dark.png");
  await page.keyboard.press("Escape");
  await page.emulateMedia({ colorScheme: "light" });

  // -- export, then reset with confirmation ----------------------------------
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.locator(byTestId("export-state")).click(),
  ]);
  const exported = JSON.parse(readFileSync(await download.path(), "utf8"));
  assert.ok(exported && typeof exported === "object", "the export is a JSON document");

  await page.locator(byTestId("reset")).click();
  await page.locator(byTestId("reset-dialog")).waitFor({ state: "visible" });
  await page.locator(byTestId("reset-confirm")).click();
  await page.locator(byTestId("topology-empty")).waitFor();

  assert.equal(await page.evaluate(() => window.__noReload), true, "the page was never reloaded");
  assert.deepEqual(consoleErrors, [], "no page errors and no request off the dxlocal server");
});
