// dxlocal dashboard: topology, details, request log and emulator controls.
// Plain ES module, no dependencies; everything it fetches comes from the
// dxlocal server that served it (the admin API under /_dxlocal/).

const BASE = new URL("..", import.meta.url); // …/_dxlocal/
const api = (path) => new URL(path, BASE).toString();

const REQUEST_LIMIT = 500;
const REFRESH_DEBOUNCE_MS = 120;
const BUSY_POLL_MS = 2000;
const HEALTH_POLL_MS = 5000;
// The dashboard's own reads of the admin API, hidden from the request log by default.
const ADMIN_READS = /^admin:(resources|events|requests|health|ui)\b/;

const KINDS = {
  lag: { abbr: "LAG", label: "LAG", order: 0 },
  interconnect: { abbr: "IC", label: "Interconnect", order: 1 },
  connection: { abbr: "CON", label: "Connection", order: 2 },
  hostedConnection: { abbr: "HOST", label: "Hosted connection", order: 3 },
  virtualInterface: { abbr: "VIF", label: "Virtual interface", order: 4 },
  directConnectGateway: { abbr: "DXGW", label: "Direct Connect gateway", order: 10 },
  gatewayAssociation: { abbr: "ASSOC", label: "Gateway association", order: 11 },
  gatewayAttachment: { abbr: "ATT", label: "Gateway attachment", order: 12 },
  associationProposal: { abbr: "PROP", label: "Association proposal", order: 13 },
  vpc: { abbr: "VPC", label: "VPC", order: 20 },
  virtualPrivateGateway: { abbr: "VGW", label: "Virtual private gateway", order: 21 },
  transitGateway: { abbr: "TGW", label: "Transit gateway", order: 22 },
  resiliencyGroup: { abbr: "RG", label: "Resiliency group", order: 30 },
};
const PORT_KINDS = new Set(["lag", "interconnect", "connection", "hostedConnection", "virtualInterface"]);
const GATEWAY_KINDS = new Set([
  "directConnectGateway", "gatewayAssociation", "gatewayAttachment", "associationProposal",
  "vpc", "virtualPrivateGateway", "transitGateway",
]);
const CONNECTION_LIKE = new Set(["connection", "hostedConnection", "interconnect"]);
// Links drawn as edges between nodes (the rest are shown as chips only).
const EDGE_LINKS = new Set(["virtualGateway", "directConnectGateway", "associated"]);

const FAULTS = {
  connection: [{ down: "connection-down", up: "connection-up", label: "Connection down", clearLabel: "Bring connection up" }],
  virtualInterface: [
    { down: "vif-bgp-down", up: "vif-bgp-up", label: "All BGP sessions down", clearLabel: "Bring BGP up" },
    { down: "bgp-peer-down", up: "bgp-peer-up", label: "One BGP peer down", peer: true },
  ],
  gatewayAssociation: [
    { down: "association-error", up: "association-clear", label: "Association error", message: true, clearLabel: "Clear association error" },
  ],
};

// ------------------------------------------------------------------ state

const S = {
  resources: new Map(),
  loaded: false,
  loadError: null,
  now: null, // virtual epoch seconds, as of nowAt (performance.now())
  nowAt: 0,
  lifecycle: null,
  account: "",
  region: "",
  selected: null,
  selectedBoard: null,
  history: [],
  requests: [],
  requestSeqs: new Set(),
  freshRequests: new Set(),
  filter: "",
  errorsOnly: false,
  hideAdminReads: true,
  prevStates: new Map(),
  flash: new Set(),
};

// ------------------------------------------------------------------ helpers

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];
const tid = (id) => `[data-testid="${id}"]`;

function esc(v) {
  return String(v ?? "").replace(/[&<>"']/g, (c) => ({
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
  })[c]);
}

function family(state) {
  switch (state) {
    case "available": case "attached": case "associated": case "accepted": case "up":
    case "confirmed": case "active": case "complete": case "completed":
      return "ok";
    case "confirming": case "ordering": case "requested":
      return "wait";
    case "pending": case "verifying": case "attaching": case "associating": case "updating":
    case "provisioning": case "modifying": case "testing":
      return "busy";
    case "down": case "rejected": case "failed": case "error": case "unknown": case "failing":
      return "bad";
    case "deleting": case "detaching": case "disassociating":
      return "leaving";
    default:
      return "gone";
  }
}

const kindInfo = (k) => KINDS[k] ?? { abbr: (k ?? "?").slice(0, 4).toUpperCase(), label: k ?? "resource", order: 99 };
const shortAcct = (a) => a ?? "—";

function fmtVirtual(secs) {
  if (secs == null || !Number.isFinite(secs)) return "–";
  const d = new Date(secs * 1000);
  if (Number.isNaN(d.getTime())) return String(secs);
  return d.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

function fmtWall(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return esc(iso ?? "");
  const p = (n, w = 2) => String(n).padStart(w, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

function currentNow() {
  if (S.now == null) return null;
  // Realistic and instant lifecycles run on wall time; manual only moves on request.
  if (S.lifecycle === "manual") return S.now;
  return S.now + (performance.now() - S.nowAt) / 1000;
}

function setNow(now) {
  if (typeof now !== "number") return;
  S.now = now;
  S.nowAt = performance.now();
  renderClock();
}

async function getJSON(path, init) {
  const res = await fetch(api(path), {
    cache: "no-store",
    ...init,
    headers: { accept: "application/json", ...(init?.body ? { "content-type": "application/json" } : {}), ...init?.headers },
  });
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  if (!res.ok) {
    const msg = body?.message ?? body?.error ?? (text.slice(0, 200) || res.statusText);
    const err = new Error(`${body?.error ? body.error + ": " : ""}${msg}`);
    err.status = res.status;
    throw err;
  }
  return body;
}

const post = (path, payload) => getJSON(path, { method: "POST", body: JSON.stringify(payload ?? {}) });

function toast(message, kind = "info") {
  const box = $(tid("toasts"));
  const el = document.createElement("div");
  el.className = `toast ${kind}`;
  el.dataset.testid = "toast";
  el.dataset.kind = kind;
  el.textContent = message;
  box.append(el);
  setTimeout(() => el.remove(), kind === "error" ? 7000 : 3500);
}

function debounce(fn, ms) {
  let t = null;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}

// ------------------------------------------------------------------ model

function linkAccounts(r) {
  return (r.links ?? []).map((l) => l.account).filter(Boolean);
}

/**
 * Every account whose view shows `r`: its own, and the other side of each
 * cross-account link (a partner sees the hosted VIFs on its connections, a
 * gateway owner the proposals and associations with other accounts' gateways).
 */
function memberships(r) {
  const s = new Set();
  if (r.account) s.add(r.account);
  const owner = r.description?.ownerAccount;
  if (typeof owner === "string" && owner) s.add(owner);
  for (const a of linkAccounts(r)) s.add(a);
  return s;
}

function isCross(r) {
  return memberships(r).size > 1;
}

function effectiveParent(r) {
  if (r.parent) return r.parent;
  if (r.kind === "associationProposal") return r.description?.directConnectGatewayId ?? null;
  return null;
}

function allAccounts() {
  const s = new Set();
  for (const r of S.resources.values()) for (const a of memberships(r)) s.add(a);
  return [...s].sort();
}

function allRegions() {
  const s = new Set();
  for (const r of S.resources.values()) if (r.region) s.add(r.region);
  return [...s].sort();
}

function inRegion(r) {
  return !S.region || !r.region || r.region === S.region;
}

function sortResources(list) {
  return list.sort((a, b) => compareResources(a, b));
}

function locOf(r) {
  return r.description?.location ?? r.description?.locationCode ?? null;
}

function displayName(r) {
  const d = r.description ?? {};
  return r.name || d.connectionName || d.virtualInterfaceName || d.lagName || d.interconnectName
    || d.directConnectGatewayName || "";
}

// ------------------------------------------------------------------ boards

/**
 * The view of one account: its ports (with everything allocated on them,
 * also other accounts' hosted VIFs) and its gateways. A resource of this
 * account sitting on another account's port hangs under a dashed "ghost" of
 * that port.
 */
function buildBoard(account) {
  const items = new Map();
  for (const r of S.resources.values()) {
    if (memberships(r).has(account) && inRegion(r)) items.set(r.id, r);
  }
  const children = new Map();
  const ghosts = new Map(); // parent id → {id, resource|null, kids}
  const roots = { ports: [], gateways: [], other: [] };
  const column = (r) => (PORT_KINDS.has(r.kind) ? "ports" : GATEWAY_KINDS.has(r.kind) ? "gateways" : "other");

  for (const r of items.values()) {
    const pid = effectiveParent(r);
    if (pid && items.has(pid) && pid !== r.id) {
      if (!children.has(pid)) children.set(pid, []);
      children.get(pid).push(r);
    } else if (pid && column(r) !== "other" && r.kind !== "virtualPrivateGateway") {
      if (!ghosts.has(pid)) {
        const g = { ghost: true, id: pid, resource: S.resources.get(pid) ?? null, kids: [], column: column(r) };
        ghosts.set(pid, g);
        roots[g.column].push(g);
      }
      ghosts.get(pid).kids.push(r);
    } else {
      roots[column(r)].push(r);
    }
  }
  for (const list of children.values()) sortResources(list);
  for (const g of ghosts.values()) sortResources(g.kids);

  const counts = {};
  for (const r of items.values()) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
  let role = null;
  const foreignChildren = [...items.values()].some((r) => r.account !== account);
  if (foreignChildren && ghosts.size) role = "partner · customer";
  else if (foreignChildren) role = "partner";
  else if ([...ghosts.values()].some((g) => g.column === "ports")) role = "customer";
  return { account, items, children, roots, counts, role };
}

function renderTopology() {
  const root = $("#topology");
  const focused = document.activeElement?.closest?.(".node");
  const focusKey = focused ? `${focused.dataset.board}|${focused.dataset.rid}` : null;

  if (S.loadError && !S.loaded) {
    root.innerHTML = `<div class="empty-state" data-testid="topology-error"><h2>Cannot load resources</h2>
      <p>${esc(S.loadError)}</p><p>GET ${esc(api("resources"))}</p></div>`;
    return;
  }
  if (!S.loaded) {
    root.innerHTML = `<div class="empty-state"><p>Loading…</p></div>`;
    return;
  }
  const accounts = allAccounts();
  const shown = S.account ? [S.account] : accounts;
  if (!accounts.length) {
    const endpoint = BASE.origin;
    root.innerHTML = `<div class="empty-state" data-testid="topology-empty">
      <h2>No resources yet</h2>
      <p>Point any AWS client at this endpoint. A 12-digit access key ID is the account ID.</p>
      <pre>export AWS_ENDPOINT_URL=${esc(endpoint)} AWS_DEFAULT_REGION=us-east-1
export AWS_ACCESS_KEY_ID=111111111111 AWS_SECRET_ACCESS_KEY=x
aws directconnect create-connection --location EqDC2 \\
    --bandwidth 1Gbps --connection-name partner-port</pre>
      <p>or run <code>examples/boto3_hosted_vif.py --endpoint ${esc(endpoint)}</code></p></div>`;
    renderSummary();
    return;
  }
  const html = [];
  for (const acct of shown) html.push(renderBoard(buildBoard(acct)));
  root.innerHTML = html.join("");
  renderSummary();
  if (S.selected) {
    for (const el of $$(`.node[data-rid="${CSS.escape(S.selected)}"]`, root)) el.classList.add("selected");
  }
  if (focusKey) {
    const [board, rid] = focusKey.split("|");
    $(`.node[data-board="${CSS.escape(board)}"][data-rid="${CSS.escape(rid)}"]`, root)?.focus({ preventScroll: true });
  }
  S.flash.clear();
  requestAnimationFrame(drawAllEdges);
}

function renderSummary() {
  const n = S.resources.size;
  const a = allAccounts().length;
  $(tid("summary")).textContent = `${n} resource${n === 1 ? "" : "s"} · ${a} account${a === 1 ? "" : "s"}`;
}

function renderBoard(b) {
  const ports = b.roots.ports;
  const gws = b.roots.gateways;
  const countText = [
    ["connection", "connection"], ["lag", "LAG"], ["interconnect", "interconnect"],
    ["hostedConnection", "hosted connection"], ["virtualInterface", "VIF"],
    ["directConnectGateway", "DX gateway"], ["virtualPrivateGateway", "VGW"], ["transitGateway", "TGW"],
  ].filter(([k]) => b.counts[k]).map(([k, l]) => `${b.counts[k]} ${l}${b.counts[k] === 1 ? "" : "s"}`).join(" · ");

  return `<section class="board" data-testid="board-${esc(b.account)}" data-account="${esc(b.account)}" aria-label="Account ${esc(b.account)}">
    <header class="board-head">
      <h2>Account <span class="acct">${esc(b.account)}</span></h2>
      ${b.role ? `<span class="role" data-testid="board-role">${esc(b.role)}</span>` : ""}
      <span class="counts">${esc(countText)}</span>
    </header>
    <div class="board-grid">
      <svg class="edges" aria-hidden="true"></svg>
      <div class="col col-ports" data-col="ports">
        <div class="col-title">Locations · ports · virtual interfaces</div>
        ${ports.length ? renderPortGroups(b, ports) : `<div class="col-empty">No ports or virtual interfaces.</div>`}
      </div>
      <div class="col col-gateways" data-col="gateways">
        <div class="col-title">Gateways</div>
        ${gws.length ? renderGatewayGroups(b, gws) : `<div class="col-empty">No gateways.</div>`}
        ${b.roots.other.length ? `<div class="col-title" style="margin-top:14px">Other</div>
          <ul class="tree">${sortResources(b.roots.other).map((r) => renderItem(b, r)).join("")}</ul>` : ""}
      </div>
    </div>
  </section>`;
}

function rootRegion(x) {
  if (x.ghost) return x.resource?.region ?? x.kids[0]?.region ?? null;
  return x.region;
}

function rootLocation(x) {
  if (x.ghost) return (x.resource && locOf(x.resource)) ?? locOf(x.kids[0]) ?? null;
  return locOf(x);
}

function groupBy(list, key, emptyFirst = false) {
  const m = new Map();
  for (const x of list) {
    const k = key(x) ?? "";
    if (!m.has(k)) m.set(k, []);
    m.get(k).push(x);
  }
  const last = emptyFirst ? -1 : 1;
  return [...m.entries()].sort(([a], [b]) => (a === b ? 0 : a === "" ? last : b === "" ? -last : a.localeCompare(b)));
}

function compareResources(a, b) {
  return kindInfo(a.kind).order - kindInfo(b.kind).order
    || String(a.name ?? "").localeCompare(String(b.name ?? ""))
    || String(a.id).localeCompare(String(b.id));
}

const sortRoots = (list) => list.sort((a, b) => {
  const ra = a.ghost ? a.resource ?? { kind: a.kids[0]?.kind, id: a.id } : a;
  const rb = b.ghost ? b.resource ?? { kind: b.kids[0]?.kind, id: b.id } : b;
  return (a.ghost ? 1 : 0) - (b.ghost ? 1 : 0) || compareResources(ra, rb);
});

const PIN = `<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 21s-7-6.2-7-11.5A7 7 0 0 1 19 9.5C19 14.8 12 21 12 21z"/><circle cx="12" cy="9.5" r="2.5"/></svg>`;

function renderPortGroups(b, roots) {
  return groupBy(roots, rootRegion).map(([region, list]) => `
    <div class="group" data-testid="region-${esc(region || "global")}">
      <div class="group-title"><span class="region">${esc(region || "global")}</span></div>
      ${groupBy(list, rootLocation).map(([loc, inLoc]) => `
        <div class="location" data-testid="location-${esc(loc || "unknown")}">
          <div class="location-title">${PIN}<span class="code">${esc(loc || "unknown location")}</span></div>
          <ul class="tree">${sortRoots(inLoc).map((x) => renderItem(b, x)).join("")}</ul>
        </div>`).join("")}
    </div>`).join("");
}

function renderGatewayGroups(b, roots) {
  return groupBy(roots, (x) => rootRegion(x) ?? "", true).map(([region, list]) => `
    <div class="group" data-testid="region-${esc(region || "global")}">
      <div class="group-title"><span class="region">${esc(region || "global")}</span>${region ? "" : `<span>Direct Connect gateways are global</span>`}</div>
      <ul class="tree">${sortRoots(list).map((x) => renderItem(b, x)).join("")}</ul>
    </div>`).join("");
}

function renderItem(b, x) {
  if (x.ghost) {
    const r = x.resource;
    const kind = r?.kind ?? (x.kids[0]?.kind === "virtualInterface" || x.kids[0]?.kind === "hostedConnection" ? "connection" : "directConnectGateway");
    const owner = r?.account ?? x.kids[0]?.links?.find((l) => l.type === "connectionOwner")?.account
      ?? x.kids[0]?.links?.find((l) => l.id === x.id)?.account ?? null;
    const state = r?.state ?? null;
    return `<li data-testid="item-${esc(x.id)}">
      <div class="node ghost s-${family(state)}" data-testid="ghost-${esc(x.id)}" data-rid="${esc(x.id)}" data-board="${esc(b.account)}"
           data-state="${esc(state ?? "")}" data-kind="${esc(kind)}" data-account="${esc(owner ?? "")}" data-cross-account="true"
           ${r ? `tabindex="0" role="button" aria-label="${esc(kindInfo(kind).label)} ${esc(x.id)} of account ${esc(owner ?? "")}"` : ""}>
        <span class="kind">${esc(kindInfo(kind).abbr)}</span>
        <span class="title"><span class="name">${esc((r && displayName(r)) || kindInfo(kind).label)}</span><span class="rid">${esc(x.id)}</span></span>
        ${state ? `<span class="state s-${family(state)}">${esc(state)}</span>` : "<span></span>"}
        <span class="meta"><span class="chip cross" data-testid="cross-account">${owner ? `account ${esc(owner)}` : "another account"}</span>${r ? "" : "<span>not visible here</span>"}</span>
      </div>
      <ul>${x.kids.map((k) => renderItem(b, k)).join("")}</ul>
    </li>`;
  }
  const kids = b.children.get(x.id) ?? [];
  return `<li data-testid="item-${esc(x.id)}">${renderNode(b, x)}${kids.length ? `<ul>${kids.map((k) => renderItem(b, k)).join("")}</ul>` : ""}</li>`;
}

function bgpSummary(peers) {
  if (!Array.isArray(peers) || !peers.length) return null;
  const up = peers.filter((p) => p.bgpStatus === "up").length;
  return `BGP ${up}/${peers.length} up`;
}

function linkChip(l, label) {
  return `<span class="chip${l.cross ? " cross" : ""}" data-goto="${esc(l.id)}" data-goto-account="${esc(l.account ?? "")}" title="${esc(l.type)} → ${esc(l.id)}${l.account ? " (account " + esc(l.account) + ")" : ""}">${esc(label)} <span class="mono">${esc(shortId(l.id))}</span></span>`;
}

function shortId(id) {
  const s = String(id ?? "");
  return /^[0-9a-f]{8}-[0-9a-f-]{27}$/.test(s) ? s.slice(0, 8) + "…" : s;
}

function renderNode(b, r) {
  const d = r.description ?? {};
  const fam = family(r.state);
  const meta = [];
  const cross = r.account !== b.account || isCross(r);
  const info = kindInfo(r.kind);

  switch (r.kind) {
    case "connection": case "interconnect": case "hostedConnection": case "lag":
      if (d.bandwidth || d.connectionsBandwidth) meta.push(esc(d.bandwidth ?? d.connectionsBandwidth));
      if (r.kind === "lag" && d.numberOfConnections != null) meta.push(`${esc(d.numberOfConnections)} links`);
      if (d.vlan) meta.push(`VLAN ${esc(d.vlan)}`);
      if (d.partnerName) meta.push(esc(d.partnerName));
      break;
    case "virtualInterface":
      if (d.virtualInterfaceType) meta.push(esc(d.virtualInterfaceType));
      if (d.vlan != null) meta.push(`VLAN ${esc(d.vlan)}`);
      if (d.asn != null) meta.push(`ASN ${esc(d.asn)}`);
      if (bgpSummary(d.bgpPeers)) meta.push(esc(bgpSummary(d.bgpPeers)));
      break;
    case "directConnectGateway":
      if (d.amazonSideAsn != null) meta.push(`ASN ${esc(d.amazonSideAsn)}`);
      break;
    case "vpc":
      if (d.cidrBlock ?? d.CidrBlock) meta.push(esc(d.cidrBlock ?? d.CidrBlock));
      break;
    case "virtualPrivateGateway": case "transitGateway": {
      const asn = d.amazonSideAsn ?? d.AmazonSideAsn ?? d.options?.amazonSideAsn ?? d.Options?.AmazonSideAsn;
      if (asn != null) meta.push(`ASN ${esc(asn)}`);
      break;
    }
    default:
      break;
  }
  const chips = [];
  if (r.account !== b.account) {
    chips.push(`<span class="chip cross" data-testid="cross-account" title="Owned by another account">owned by ${esc(r.account)}</span>`);
  } else if (isCross(r)) {
    const other = [...memberships(r)].filter((a) => a !== b.account);
    const owner = (r.links ?? []).find((l) => l.type === "connectionOwner");
    const text = owner ? `hosted by ${owner.account}` : `shared with ${other.join(", ")}`;
    chips.push(`<span class="chip cross" data-testid="cross-account" title="Cross-account">${esc(text)}</span>`);
  }
  for (const l of r.links ?? []) {
    const lc = { ...l, cross: l.account && l.account !== r.account };
    if (l.type === "virtualGateway") chips.push(linkChip(lc, "→ VGW"));
    else if (l.type === "directConnectGateway") chips.push(linkChip(lc, "→ DXGW"));
    else if (l.type === "associated") chips.push(linkChip(lc, "↔"));
    else if (l.type === "vif") chips.push(linkChip(lc, "VIF"));
  }
  if (d.stateChangeError) chips.push(`<span class="chip err" data-testid="state-change-error" title="${esc(d.stateChangeError)}">error: ${esc(String(d.stateChangeError).slice(0, 48))}</span>`);

  const metaHtml = [...meta.map((m, i) => (i ? `<span class="sep">·</span>` : "") + `<span>${m}</span>`), ...chips].join("");
  const name = displayName(r);
  const flash = S.flash.has(r.id) ? " flash" : "";
  return `<div class="node s-${fam}${cross ? " cross" : ""}${flash}" tabindex="0" role="button"
      data-testid="node-${esc(r.id)}" data-rid="${esc(r.id)}" data-board="${esc(b.account)}"
      data-state="${esc(r.state ?? "")}" data-kind="${esc(r.kind)}" data-account="${esc(r.account)}"
      data-cross-account="${cross ? "true" : "false"}"
      aria-label="${esc(info.label)} ${esc(name)} ${esc(r.id)}, ${esc(r.state ?? "no state")}${cross ? ", cross-account" : ""}">
    <span class="kind" title="${esc(info.label)}">${esc(info.abbr)}</span>
    <span class="title">${name ? `<span class="name">${esc(name)}</span>` : ""}<span class="rid">${esc(r.id)}</span></span>
    <span class="state s-${fam}" data-testid="state">${esc(r.state ?? "—")}</span>
    ${metaHtml ? `<span class="meta">${metaHtml}</span>` : ""}
  </div>`;
}

// ------------------------------------------------------------------ edges

function drawAllEdges() {
  for (const board of $$(".board")) drawEdges(board);
}

function drawEdges(board) {
  const grid = $(".board-grid", board);
  const svg = $("svg.edges", grid);
  if (!grid || !svg) return;
  const origin = grid.getBoundingClientRect();
  const paths = [];
  const boardAcct = board.dataset.account;
  for (const el of $$(".node[data-rid]:not(.ghost)", grid)) {
    const r = S.resources.get(el.dataset.rid);
    if (!r) continue;
    for (const l of r.links ?? []) {
      if (!EDGE_LINKS.has(l.type) || l.id === r.parent) continue;
      const target = $(`.node[data-rid="${CSS.escape(l.id)}"]:not(.ghost)`, grid) ?? $(`.node[data-rid="${CSS.escape(l.id)}"]`, grid);
      if (!target) continue;
      const a = el.getBoundingClientRect();
      const t = target.getBoundingClientRect();
      const cross = (l.account && l.account !== r.account) || (r.account !== boardAcct);
      const fam = family(r.state);
      const sy = a.top + a.height / 2 - origin.top;
      const ty = t.top + t.height / 2 - origin.top;
      let d;
      let sx;
      let tx;
      if (t.left > a.right) {
        sx = a.right - origin.left;
        tx = t.left - origin.left;
        const c = Math.max(30, (tx - sx) / 2);
        d = `M${sx},${sy} C${sx + c},${sy} ${tx - c},${ty} ${tx},${ty}`;
      } else {
        // Same column: loop out to the left, through the gap between the columns.
        sx = a.left - origin.left;
        tx = t.left - origin.left;
        const c = 36;
        d = `M${sx},${sy} C${Math.min(sx, tx) - c},${sy} ${Math.min(sx, tx) - c},${ty} ${tx},${ty}`;
      }
      paths.push(`<path d="${d}" class="${cross ? "cross " : ""}state-${fam}" data-testid="edge" data-from="${esc(r.id)}" data-to="${esc(l.id)}" data-type="${esc(l.type)}"/>`
        + `<circle cx="${tx}" cy="${ty}" r="3"/>`);
    }
  }
  svg.innerHTML = paths.join("");
}

// ------------------------------------------------------------------ scope bar

function renderScope() {
  const accounts = allAccounts();
  if (S.account && !accounts.includes(S.account)) accounts.push(S.account);
  const tabs = $(tid("account-tabs"));
  const btn = (value, label, testid) => `<button type="button" role="tab" data-account="${esc(value)}" data-testid="${testid}"
      aria-selected="${S.account === value}" tabindex="${S.account === value ? 0 : -1}">${label}</button>`;
  tabs.innerHTML = btn("", "All accounts", "account-tab-all")
    + accounts.map((a) => btn(a, `<span class="acct-id">${esc(a)}</span>`, `account-tab-${esc(a)}`)).join("");

  const sel = $(tid("region-select"));
  const regions = allRegions();
  if (S.region && !regions.includes(S.region)) regions.push(S.region);
  const want = ["", ...regions].join("|");
  if (sel.dataset.options !== want) {
    sel.innerHTML = `<option value="">All regions</option>` + regions.map((r) => `<option value="${esc(r)}">${esc(r)}</option>`).join("");
    sel.dataset.options = want;
  }
  sel.value = S.region;
}

function setScope(account, region) {
  S.account = account ?? S.account;
  S.region = region ?? S.region;
  const params = new URLSearchParams();
  if (S.account) params.set("account", S.account);
  if (S.region) params.set("region", S.region);
  const hash = params.toString();
  history.replaceState(null, "", hash ? `#${hash}` : location.pathname + location.search);
  renderScope();
  renderTopology();
}

// ------------------------------------------------------------------ clock

function renderClock() {
  const el = $(tid("clock-now"));
  const now = currentNow();
  el.textContent = fmtVirtual(now);
  el.dataset.now = S.now == null ? "" : String(S.now);
  el.title = now == null ? "" : `${now.toFixed(1)} s since the epoch (virtual)`;
  const lc = $(tid("lifecycle"));
  lc.textContent = S.lifecycle ? `lifecycle: ${S.lifecycle}` : "–";
  lc.dataset.lifecycle = S.lifecycle ?? "";
}

async function refreshHealth() {
  try {
    const h = await getJSON("health");
    S.lifecycle = h.lifecycle ?? S.lifecycle;
    setNow(h.now);
  } catch {
    /* the event stream indicator shows connectivity */
  }
}

// ------------------------------------------------------------------ resources

let refreshing = null;
let refreshAgain = false;

async function refreshResources() {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = (async () => {
    try {
      const body = await getJSON("resources");
      const next = new Map();
      for (const r of body?.resources ?? []) next.set(r.id, r);
      if (S.loaded) {
        for (const [id, r] of next) {
          const before = S.prevStates.get(id);
          if (before !== undefined && before !== r.state) S.flash.add(id);
        }
      }
      S.prevStates = new Map([...next].map(([id, r]) => [id, r.state]));
      S.resources = next;
      S.loaded = true;
      S.loadError = null;
      if (typeof body?.now === "number") setNow(body.now);
      renderScope();
      renderTopology();
      if (S.selected) renderDetail();
      if ($(tid("faults-dialog")).open) fillFaultResources(false);
    } catch (err) {
      S.loadError = err.message;
      if (!S.loaded) renderTopology();
    }
  })();
  try {
    await refreshing;
  } finally {
    refreshing = null;
    if (refreshAgain) {
      refreshAgain = false;
      scheduleRefresh();
    }
  }
}

const scheduleRefresh = debounce(refreshResources, REFRESH_DEBOUNCE_MS);

function anyBusy() {
  for (const r of S.resources.values()) {
    const f = family(r.state);
    if (f === "busy" || f === "leaving") return true;
  }
  return false;
}

// ------------------------------------------------------------------ requests

function addRequests(list, fresh) {
  let added = false;
  for (const q of list) {
    const key = q.seq ?? q.requestId;
    if (key == null || S.requestSeqs.has(key)) continue;
    S.requestSeqs.add(key);
    S.requests.push(q);
    if (fresh) S.freshRequests.add(key);
    added = true;
  }
  if (!added) return;
  S.requests.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  while (S.requests.length > REQUEST_LIMIT) {
    const old = S.requests.shift();
    S.requestSeqs.delete(old.seq ?? old.requestId);
  }
  scheduleRequestRender();
}

let requestFrame = 0;
function scheduleRequestRender() {
  if (requestFrame) return;
  requestFrame = requestAnimationFrame(() => {
    requestFrame = 0;
    renderRequests();
  });
}

function isError(q) {
  return (q.status ?? 0) >= 400 || !!q.errorType;
}

function requestText(q) {
  return [q.operation, q.account, q.region, q.protocol, q.status, q.errorType, q.errorMessage, q.requestId]
    .filter((v) => v != null).join(" ").toLowerCase();
}

function renderRequests() {
  const body = $(tid("request-rows"));
  const terms = S.filter.toLowerCase().split(/\s+/).filter(Boolean);
  const rows = [];
  let matched = 0;
  for (let i = S.requests.length - 1; i >= 0; i--) {
    const q = S.requests[i];
    if (S.hideAdminReads && ADMIN_READS.test(q.operation ?? "")) continue;
    if (S.errorsOnly && !isError(q)) continue;
    if (terms.length) {
      const text = requestText(q);
      if (!terms.every((t) => text.includes(t))) continue;
    }
    matched++;
    const err = isError(q);
    const key = q.seq ?? q.requestId;
    const fresh = S.freshRequests.has(key) ? " fresh" : "";
    rows.push(`<tr data-testid="request-row" class="${err ? "is-error" : ""}${fresh}" data-seq="${esc(q.seq)}"
        data-operation="${esc(q.operation)}" data-status="${esc(q.status)}" data-error="${err}" title="${esc(q.requestId ?? "")}">
      <td class="time">${fmtWall(q.time)}</td>
      <td class="op" data-testid="request-operation">${esc(q.operation)}</td>
      <td class="acct">${esc(q.account ?? "—")}</td>
      <td>${esc(q.region ?? "—")}</td>
      <td><span class="proto">${esc(q.protocol ?? "")}</span></td>
      <td class="num"><span class="status-code ${err ? "bad" : "ok"}" data-testid="request-status">${esc(q.status)}</span></td>
      <td class="num">${typeof q.latencyMs === "number" ? q.latencyMs.toFixed(q.latencyMs < 10 ? 2 : 1) + " ms" : ""}</td>
      <td class="err" data-testid="request-error">${q.errorType || q.errorMessage
        ? `<span class="etype">${esc(q.errorType ?? "")}</span>${q.errorType && q.errorMessage ? ": " : ""}${esc(q.errorMessage ?? "")}` : ""}</td>
    </tr>`);
  }
  body.innerHTML = rows.join("");
  S.freshRequests.clear();
  $(tid("requests-empty")).hidden = rows.length > 0;
  $(tid("requests-empty")).textContent = S.requests.length ? "No request matches the filter." : "No requests yet.";
  $(tid("request-count")).textContent = `${matched} of ${S.requests.length} request${S.requests.length === 1 ? "" : "s"}`;
}

async function loadRequests() {
  try {
    const body = await getJSON(`requests?limit=${REQUEST_LIMIT}`);
    addRequests(body?.requests ?? [], false);
    renderRequests();
  } catch (err) {
    $(tid("requests-empty")).hidden = false;
    $(tid("requests-empty")).textContent = `Cannot load the request log: ${err.message}`;
  }
}

// ------------------------------------------------------------------ events

let source = null;

function connectEvents() {
  const live = $(tid("live-status"));
  const setLive = (v, text) => {
    live.dataset.live = v;
    $(".live-text", live).textContent = text;
  };
  source = new EventSource(api("events"));
  source.addEventListener("open", () => {
    setLive("true", "Live");
    // Whatever happened while (re)connecting: fetch the full picture again.
    scheduleRefresh();
    loadRequests();
    refreshHealth();
  });
  source.addEventListener("error", () => setLive("error", "Reconnecting…"));
  source.addEventListener("change", (ev) => {
    let c;
    try { c = JSON.parse(ev.data); } catch { return; }
    if (typeof c.at === "number" && (S.now == null || c.at > (currentNow() ?? 0))) setNow(c.at);
    if (S.selected && c.id === S.selected) {
      if (!S.history.some((h) => h.seq === c.seq)) S.history.push(c);
    }
    if (c.cause?.type === "admin" && c.cause.action === "reset" && c.id === S.selected) closeDetail();
    scheduleRefresh();
  });
  source.addEventListener("request", (ev) => {
    try { addRequests([JSON.parse(ev.data)], true); } catch { /* ignore malformed */ }
  });
}

// ------------------------------------------------------------------ details

let returnFocus = null;

function openDetail(id, board) {
  if (!S.resources.has(id)) return;
  const panel = $(tid("detail-panel"));
  if (!S.selected || panel.hidden) returnFocus = document.activeElement;
  S.selected = id;
  S.selectedBoard = board ?? null;
  S.history = [];
  panel.hidden = false;
  for (const el of $$(".node.selected")) el.classList.remove("selected");
  for (const el of $$(`.node[data-rid="${CSS.escape(id)}"]`)) el.classList.add("selected");
  renderDetail();
  $("#detail-title").focus();
  loadHistory(id);
}

function closeDetail() {
  const panel = $(tid("detail-panel"));
  if (panel.hidden) return;
  panel.hidden = true;
  const id = S.selected;
  S.selected = null;
  for (const el of $$(".node.selected")) el.classList.remove("selected");
  const back = returnFocus && document.contains(returnFocus) ? returnFocus
    : id && $(`.node[data-rid="${CSS.escape(id)}"]`);
  back?.focus?.();
  returnFocus = null;
}

async function loadHistory(id) {
  try {
    const body = await getJSON(`events?resource=${encodeURIComponent(id)}`);
    if (S.selected !== id) return;
    const seen = new Set();
    S.history = [...(body?.events ?? []), ...S.history].filter((e) => {
      if (seen.has(e.seq)) return false;
      seen.add(e.seq);
      return true;
    });
    renderHistory();
  } catch (err) {
    if (S.selected === id) $(tid("detail-history")).innerHTML = `<li class="none">History unavailable: ${esc(err.message)}</li>`;
  }
}

function highlightJSON(value) {
  const json = JSON.stringify(value ?? null, null, 2);
  return esc(json).replace(
    /(&quot;(?:\\.|[^\\&]|&(?!quot;))*?&quot;)(\s*:)?|\b(true|false|null)\b|-?\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b/g,
    (m, str, colon, lit) => {
      if (str) return colon ? `<span class="k">${str}</span>${colon}` : `<span class="s">${str}</span>`;
      if (lit) return `<span class="b">${lit}</span>`;
      return `<span class="n">${m}</span>`;
    });
}

function causeText(c) {
  const cause = c.cause ?? {};
  switch (cause.type) {
    case "api": return `${cause.operation ?? "API call"}${cause.account ? ` by ${cause.account}` : ""}${cause.region ? ` in ${cause.region}` : ""}`;
    case "timer": return "timer (the service moved on by itself)";
    case "fault": return `fault: ${cause.fault ?? "?"}`;
    case "admin": return `admin: ${cause.action ?? "?"}`;
    default: return cause.type ?? "";
  }
}

function renderHistory() {
  const list = $(tid("detail-history"));
  const items = [...S.history].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  if (!items.length) {
    list.innerHTML = `<li class="none" style="padding-left:0">No recorded transitions.</li>`;
    return;
  }
  list.innerHTML = items.map((c) => {
    const from = c.from == null ? `<span class="muted">created</span>` : `<span class="state s-${family(c.from)}">${esc(c.from)}</span>`;
    const to = c.to == null ? `<span class="muted">gone</span>` : `<span class="state s-${family(c.to)}">${esc(c.to)}</span>`;
    return `<li data-testid="history-item" data-from="${esc(c.from ?? "")}" data-to="${esc(c.to ?? "")}" class="s-${family(c.to)}">
      <span class="when">${esc(fmtVirtual(c.at))} · #${esc(c.seq)}</span>
      ${from}<span class="arrow">→</span>${to}
      <span class="cause">${esc(causeText(c))}</span></li>`;
  }).join("");
}

function renderDetail() {
  const id = S.selected;
  const r = S.resources.get(id);
  const panel = $(tid("detail-panel"));
  panel.dataset.rid = id ?? "";
  if (!r) {
    $(tid("detail-state")).innerHTML = `<span class="state s-gone">gone</span>`;
    $(tid("detail-actions")).innerHTML = "";
    $(tid("detail-facts")).innerHTML = `<dt>Status</dt><dd>This resource no longer exists.</dd>`;
    panel.dataset.state = "";
    return;
  }
  const info = kindInfo(r.kind);
  const d = r.description ?? {};
  panel.dataset.state = r.state ?? "";
  $(tid("detail-kind")).textContent = info.label;
  $(tid("detail-title")).textContent = displayName(r) || r.id;
  $(tid("detail-id")).textContent = r.id;
  $(tid("detail-state")).className = `state s-${family(r.state)}`;
  $(tid("detail-state")).textContent = r.state ?? "—";

  const facts = [["Account", `<code>${esc(r.account)}</code>`], ["Region", esc(r.region ?? "global")]];
  if (locOf(r)) facts.push(["Location", `<code>${esc(locOf(r))}</code>`]);
  if (r.parent) {
    const p = S.resources.get(r.parent);
    facts.push(["Parent", `<button type="button" class="chip${p && p.account !== r.account ? " cross" : ""}" data-goto="${esc(r.parent)}" data-goto-account="${esc(p?.account ?? "")}">${esc(p ? kindInfo(p.kind).abbr : "")} <span class="mono">${esc(r.parent)}</span>${p && p.account !== r.account ? ` · account ${esc(p.account)}` : ""}</button>`]);
  }
  if ((r.links ?? []).length) {
    facts.push(["Links", r.links.map((l) => `<button type="button" class="chip${l.account && l.account !== r.account ? " cross" : ""}" data-goto="${esc(l.id)}" data-goto-account="${esc(l.account ?? "")}">${esc(l.type)} <span class="mono">${esc(shortId(l.id))}</span>${l.account && l.account !== r.account ? ` · account ${esc(l.account)}` : ""}</button>`).join("")]);
  }
  const kids = [...S.resources.values()].filter((x) => x.parent === r.id);
  if (kids.length) {
    facts.push(["Children", kids.map((k) => `<button type="button" class="chip${k.account !== r.account ? " cross" : ""}" data-goto="${esc(k.id)}" data-goto-account="${esc(k.account)}">${esc(kindInfo(k.kind).abbr)} <span class="mono">${esc(shortId(k.id))}</span></button>`).join("")]);
  }
  if (d.stateChangeError) facts.push(["State change error", `<span class="chip err">${esc(d.stateChangeError)}</span>`]);
  $(tid("detail-facts")).innerHTML = facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join("");

  const faultKind = CONNECTION_LIKE.has(r.kind) ? "connection" : r.kind;
  const actions = FAULTS[faultKind]
    ? `<button type="button" class="btn small" data-testid="detail-inject-fault" data-action="fault">Inject fault…</button>`
      + FAULTS[faultKind].filter((f) => !f.peer && (r.state === "down" || (f.message && d.stateChangeError))).map((f) => `<button type="button" class="btn small" data-testid="detail-clear-${esc(f.up)}" data-action="clear" data-fault="${esc(f.up)}" title="${esc(f.up)}">${esc(f.clearLabel)}</button>`).join("")
    : "";
  $(tid("detail-actions")).innerHTML = actions;

  const bgpSection = $(tid("detail-bgp-section"));
  const peers = d.bgpPeers;
  bgpSection.hidden = r.kind !== "virtualInterface";
  $(tid("detail-bgp")).innerHTML = Array.isArray(peers) && peers.length
    ? `<table class="kv"><thead><tr><th>Peer</th><th>Addresses</th><th>State · BGP</th><th></th></tr></thead><tbody>
      ${peers.map((p) => `<tr data-testid="bgp-peer" data-peer="${esc(p.bgpPeerId)}" data-bgp-status="${esc(p.bgpStatus)}">
        <td><code>${esc(p.bgpPeerId ?? "")}</code><br><span class="muted">${esc(p.addressFamily ?? "")} · ASN ${esc(p.asn ?? "")}</span></td>
        <td><code>${esc(p.amazonAddress ?? "")}</code> <span class="muted">AWS</span><br><code>${esc(p.customerAddress ?? "")}</code> <span class="muted">you</span></td>
        <td><span class="state s-${family(p.bgpPeerState)}">${esc(p.bgpPeerState ?? "")}</span><br><span class="state s-${family(p.bgpStatus)}" title="BGP status">BGP ${esc(p.bgpStatus ?? "")}</span></td>
        <td class="act">${r.state === "available" || r.state === "down" ? `<button type="button" class="btn small" data-action="peer" data-peer="${esc(p.bgpPeerId)}" data-fault="${p.bgpStatus === "down" ? "bgp-peer-up" : "bgp-peer-down"}" title="${p.bgpStatus === "down" ? "bgp-peer-up" : "bgp-peer-down"}">${p.bgpStatus === "down" ? "Bring up" : "Take down"}</button>` : ""}</td>
      </tr>`).join("")}</tbody></table>`
    : `<p class="none">No BGP peers.</p>`;

  const tags = Array.isArray(r.tags) ? r.tags : [];
  $(tid("detail-tags")).innerHTML = tags.length
    ? `<table class="kv"><thead><tr><th>Key</th><th>Value</th></tr></thead><tbody>${tags.map((t) => `<tr data-testid="tag"><td><code>${esc(t.key)}</code></td><td>${esc(t.value ?? "")}</td></tr>`).join("")}</tbody></table>`
    : `<p class="none">No tags.</p>`;

  $(tid("detail-description")).innerHTML = highlightJSON(r.description ?? {});
  renderHistory();
}

// ------------------------------------------------------------------ faults

function faultTargets() {
  return sortResources([...S.resources.values()].filter((r) =>
    CONNECTION_LIKE.has(r.kind) || r.kind === "virtualInterface" || r.kind === "gatewayAssociation"));
}

function fillFaultResources(resetSelection, preselect) {
  const sel = $(tid("fault-resource"));
  const prev = preselect ?? (resetSelection ? null : sel.value);
  const targets = faultTargets();
  sel.innerHTML = targets.length
    ? targets.map((r) => `<option value="${esc(r.id)}">${esc(kindInfo(r.kind).abbr)} · ${esc(displayName(r) || r.id)} (${esc(r.id)}) · ${esc(r.account)} · ${esc(r.state ?? "")}</option>`).join("")
    : `<option value="">No connections, VIFs or associations yet</option>`;
  if (prev && targets.some((r) => r.id === prev)) sel.value = prev;
  fillFaultKinds();
}

function selectedFaultResource() {
  return S.resources.get($(tid("fault-resource")).value);
}

function fillFaultKinds() {
  const r = selectedFaultResource();
  const kindSel = $(tid("fault-kind"));
  const prev = kindSel.value;
  const opts = r ? FAULTS[CONNECTION_LIKE.has(r.kind) ? "connection" : r.kind] ?? [] : [];
  kindSel.innerHTML = opts.map((f) => `<option value="${esc(f.down)}">${esc(f.label)} (${esc(f.down)} / ${esc(f.up)})</option>`).join("");
  if (opts.some((f) => f.down === prev)) kindSel.value = prev;
  fillFaultFields();
}

function currentFault() {
  const r = selectedFaultResource();
  if (!r) return null;
  const opts = FAULTS[CONNECTION_LIKE.has(r.kind) ? "connection" : r.kind] ?? [];
  return opts.find((f) => f.down === $(tid("fault-kind")).value) ?? opts[0] ?? null;
}

function fillFaultFields() {
  const f = currentFault();
  const r = selectedFaultResource();
  const dlg = $(tid("faults-dialog"));
  $("[data-field=peer]", dlg).hidden = !f?.peer;
  $("[data-field=message]", dlg).hidden = !f?.message;
  const peers = r?.description?.bgpPeers ?? [];
  $(tid("fault-peer")).innerHTML = peers.map((p) => `<option value="${esc(p.bgpPeerId)}">${esc(p.bgpPeerId)} · ${esc(p.addressFamily ?? "")} · BGP ${esc(p.bgpStatus ?? "")}</option>`).join("");
  for (const b of [$(tid("fault-inject")), $(tid("fault-clear"))]) b.disabled = !f;
}

function openFaults(preselect) {
  const dlg = $(tid("faults-dialog"));
  $(tid("fault-error")).hidden = true;
  fillFaultResources(true, preselect);
  if (!dlg.open) dlg.showModal();
  $(tid("fault-resource")).focus();
}

function faultPayload(r, fault, extra = {}) {
  const body = { fault };
  if (fault.startsWith("connection-")) body.connectionId = r.description?.connectionId ?? r.id;
  else if (fault.startsWith("association-")) body.associationId = r.description?.associationId ?? r.id;
  else body.virtualInterfaceId = r.description?.virtualInterfaceId ?? r.id;
  return { ...body, ...extra };
}

async function sendFault(payload) {
  const res = await post("faults", payload);
  if (typeof res?.now === "number") setNow(res.now);
  const target = payload.connectionId ?? payload.virtualInterfaceId ?? payload.associationId;
  toast(`${payload.fault} on ${target}${payload.seconds ? ` for ${payload.seconds} s` : ""}`);
  scheduleRefresh();
  if (S.selected) loadHistory(S.selected);
}

async function submitFault(clear) {
  const r = selectedFaultResource();
  const f = currentFault();
  const errBox = $(tid("fault-error"));
  if (!r || !f) return;
  const extra = {};
  if (f.peer) {
    const peer = $(tid("fault-peer")).value;
    if (!peer) {
      errBox.textContent = "This VIF has no BGP peer.";
      errBox.hidden = false;
      return;
    }
    extra.bgpPeerId = peer;
  }
  if (!clear) {
    const secs = $(tid("fault-seconds")).value.trim();
    if (secs) extra.seconds = Number(secs);
    const msg = $(tid("fault-message")).value.trim();
    if (f.message && msg) extra.message = msg;
  }
  try {
    await sendFault(faultPayload(r, clear ? f.up : f.down, extra));
    errBox.hidden = true;
    $(tid("faults-dialog")).close();
  } catch (err) {
    errBox.textContent = err.message;
    errBox.hidden = false;
  }
}

// ------------------------------------------------------------------ navigation

function revealNode(id, accountHint) {
  const find = () => $(`.node[data-rid="${CSS.escape(id)}"][data-board="${CSS.escape(accountHint || "")}"]:not(.ghost)`)
    ?? $(`.node[data-rid="${CSS.escape(id)}"]:not(.ghost)`);
  let el = find();
  if (!el && S.resources.has(id)) {
    const r = S.resources.get(id);
    setScope(S.account && !memberships(r).has(S.account) ? r.account : S.account, r.region && S.region && r.region !== S.region ? "" : S.region);
    el = find();
  }
  if (el) {
    el.scrollIntoView({ block: "center", behavior: "smooth" });
    el.focus({ preventScroll: true });
    el.classList.remove("flash");
    void el.offsetWidth;
    el.classList.add("flash");
  }
  if (S.resources.has(id)) openDetail(id, el?.dataset.board);
}

function moveFocus(from, delta) {
  const nodes = $$("#topology .node[tabindex='0']");
  const i = nodes.indexOf(from);
  const next = nodes[Math.min(nodes.length - 1, Math.max(0, (i < 0 ? 0 : i) + delta))];
  next?.focus();
  next?.scrollIntoView({ block: "nearest" });
}

// ------------------------------------------------------------------ wiring

function wire() {
  const topo = $("#topology");
  topo.addEventListener("click", (ev) => {
    const goto = ev.target.closest("[data-goto]");
    if (goto) {
      ev.stopPropagation();
      revealNode(goto.dataset.goto, goto.dataset.gotoAccount);
      return;
    }
    const node = ev.target.closest(".node[data-rid]");
    if (node && S.resources.has(node.dataset.rid)) openDetail(node.dataset.rid, node.dataset.board);
  });
  topo.addEventListener("keydown", (ev) => {
    const node = ev.target.closest?.(".node[data-rid]");
    if (!node) return;
    if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      if (S.resources.has(node.dataset.rid)) openDetail(node.dataset.rid, node.dataset.board);
    } else if (ev.key === "ArrowDown" || ev.key === "j") {
      ev.preventDefault();
      moveFocus(node, 1);
    } else if (ev.key === "ArrowUp" || ev.key === "k") {
      ev.preventDefault();
      moveFocus(node, -1);
    } else if (ev.key === "Home") {
      ev.preventDefault();
      moveFocus(node, -1e9);
    } else if (ev.key === "End") {
      ev.preventDefault();
      moveFocus(node, 1e9);
    }
  });

  const tabs = $(tid("account-tabs"));
  tabs.addEventListener("click", (ev) => {
    const b = ev.target.closest("button[data-account]");
    if (b) setScope(b.dataset.account, null);
  });
  tabs.addEventListener("keydown", (ev) => {
    if (ev.key !== "ArrowRight" && ev.key !== "ArrowLeft") return;
    const buttons = $$("button", tabs);
    const i = buttons.indexOf(document.activeElement);
    const next = buttons[(i + (ev.key === "ArrowRight" ? 1 : buttons.length - 1)) % buttons.length];
    setScope(next.dataset.account, null);
    $(`button[data-account="${CSS.escape(next.dataset.account)}"]`, tabs)?.focus();
  });
  $(tid("region-select")).addEventListener("change", (ev) => setScope(null, ev.target.value));

  // Clock
  $(tid("clock-form")).addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const input = $(tid("clock-seconds"));
    const seconds = Number(input.value);
    if (!Number.isFinite(seconds) || seconds < 0) {
      toast("Enter a number of seconds (0 or more).", "error");
      input.focus();
      return;
    }
    const button = $(tid("clock-advance"));
    button.disabled = true;
    try {
      const res = await post("clock/advance", { seconds });
      setNow(res?.now);
      toast(`Virtual clock advanced ${seconds} s`);
      await refreshResources();
    } catch (err) {
      toast(`Clock: ${err.message}`, "error");
    } finally {
      button.disabled = false;
    }
  });

  // Faults
  $(tid("open-faults")).addEventListener("click", () => openFaults(S.selected));
  $(tid("fault-resource")).addEventListener("change", fillFaultKinds);
  $(tid("fault-kind")).addEventListener("change", fillFaultFields);
  $(tid("fault-inject")).addEventListener("click", () => submitFault(false));
  $(tid("fault-clear")).addEventListener("click", () => submitFault(true));
  $(tid("fault-cancel")).addEventListener("click", () => $(tid("faults-dialog")).close());
  $(".fault-form").addEventListener("submit", (ev) => {
    // Enter in a field injects, like the primary button.
    ev.preventDefault();
    submitFault(false);
  });

  // Reset
  const resetDlg = $(tid("reset-dialog"));
  $(tid("reset")).addEventListener("click", () => resetDlg.showModal());
  resetDlg.addEventListener("close", async () => {
    if (resetDlg.returnValue !== "reset") return;
    resetDlg.returnValue = "";
    try {
      const res = await post("reset", {});
      setNow(res?.now);
      closeDetail();
      toast("Every resource forgotten");
      await refreshResources();
    } catch (err) {
      toast(`Reset: ${err.message}`, "error");
    }
  });

  // Detail panel
  $(tid("detail-close")).addEventListener("click", closeDetail);
  $(tid("detail-panel")).addEventListener("click", async (ev) => {
    const goto = ev.target.closest("[data-goto]");
    if (goto) {
      revealNode(goto.dataset.goto, goto.dataset.gotoAccount);
      return;
    }
    const action = ev.target.closest("[data-action]");
    if (!action) return;
    const r = S.resources.get(S.selected);
    if (!r) return;
    try {
      if (action.dataset.action === "fault") openFaults(r.id);
      else if (action.dataset.action === "clear") await sendFault(faultPayload(r, action.dataset.fault));
      else if (action.dataset.action === "peer") await sendFault(faultPayload(r, action.dataset.fault, { bgpPeerId: action.dataset.peer }));
    } catch (err) {
      toast(err.message, "error");
    }
  });

  // Request log
  const filter = $(tid("request-filter"));
  filter.addEventListener("input", () => {
    S.filter = filter.value;
    renderRequests();
  });
  $(tid("errors-only")).addEventListener("change", (ev) => {
    S.errorsOnly = ev.target.checked;
    renderRequests();
  });
  $(tid("hide-admin-reads")).addEventListener("change", (ev) => {
    S.hideAdminReads = ev.target.checked;
    renderRequests();
  });

  // Global keys
  document.addEventListener("keydown", (ev) => {
    if (ev.defaultPrevented) return;
    const inField = ev.target.closest?.("input, textarea, select, [contenteditable]");
    const dialogOpen = $$("dialog").some((d) => d.open);
    if (ev.key === "/" && !inField && !dialogOpen && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
      ev.preventDefault();
      filter.focus();
      filter.select();
    } else if (ev.key === "Escape" && !dialogOpen) {
      if (inField === filter && filter.value) {
        filter.value = "";
        S.filter = "";
        renderRequests();
      } else if (!$(tid("detail-panel")).hidden) {
        ev.preventDefault();
        closeDetail();
      }
    }
  });

  // The detail panel opens below the header, so the controls stay usable.
  const placePanel = () => document.documentElement.style.setProperty(
    "--header-bottom", `${Math.round($(".topbar").getBoundingClientRect().bottom)}px`);
  placePanel();
  window.addEventListener("resize", debounce(() => { placePanel(); drawAllEdges(); }, 50));
  if ("ResizeObserver" in window) new ResizeObserver(debounce(drawAllEdges, 30)).observe(topo);
}

function readHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  S.account = p.get("account") ?? "";
  S.region = p.get("region") ?? "";
}

function start() {
  readHash();
  wire();
  renderClock();
  renderScope();
  renderTopology();
  renderRequests();
  connectEvents();
  refreshHealth();
  refreshResources();
  loadRequests();
  setInterval(renderClock, 1000);
  setInterval(refreshHealth, HEALTH_POLL_MS);
  // Realistic timers fall due on wall time; look again while something is in flight.
  setInterval(() => {
    if (S.loaded && S.lifecycle !== "manual" && anyBusy()) scheduleRefresh();
  }, BUSY_POLL_MS);
  window.addEventListener("hashchange", () => {
    readHash();
    renderScope();
    renderTopology();
  });
}

start();
