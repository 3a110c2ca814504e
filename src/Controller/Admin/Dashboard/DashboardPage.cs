namespace Plexus.Controller.Admin.Dashboard;

/// <summary>
/// The dashboard page: one self-contained document (inline CSS and script, no external assets) that polls
/// <c>api/dashboard</c> and <c>metrics</c> every two seconds. Every value from the snapshot comes from users' objects,
/// so the script builds nodes and sets <c>textContent</c> only; it never assigns markup.
/// </summary>
internal static class DashboardPage
{
    private const string ScriptOpen = "<script>";
    private const string ScriptClose = "</script>";

    /// <summary>The CSP source expression ('sha256-…') of the page's one inline script.</summary>
    public static string ScriptHash { get; } = HashOfScript();

    private static string HashOfScript()
    {
        var start = Html.IndexOf(ScriptOpen, StringComparison.Ordinal) + ScriptOpen.Length;
        var end = Html.IndexOf(ScriptClose, start, StringComparison.Ordinal);
        var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Html[start..end]));
        return "sha256-" + Convert.ToBase64String(digest);
    }

    public const string Html = """
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Plexus</title>
<style>
  :root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --head: #f6f8fa;
          --ok-fg: #116329; --ok-bg: #dafbe1; --warn-fg: #7d4e00; --warn-bg: #fff8c5; --bad-fg: #a40e26; --bad-bg: #ffebe9; }
  * { box-sizing: border-box; }
  body { margin: 0; padding: 1rem 1.5rem 2rem; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: #fff; }
  header { display: flex; flex-wrap: wrap; align-items: baseline; gap: .25rem 1rem; border-bottom: 1px solid var(--line); padding-bottom: .5rem; }
  h1 { font-size: 1.4rem; margin: 0; }
  h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
  #status { color: var(--muted); }
  #status.error { color: var(--bad-fg); font-weight: 600; }
  table { border-collapse: collapse; width: 100%; margin-bottom: .5rem; }
  caption { text-align: left; font-weight: 600; padding: .25rem 0; }
  th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid var(--line); }
  thead th { background: var(--head); font-weight: 600; white-space: nowrap; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; overflow-wrap: anywhere; }
  .muted { color: var(--muted); }
  .badge { display: inline-block; padding: 0 .45rem; border-radius: 1rem; font-weight: 600; white-space: nowrap; border: 1px solid currentColor; }
  .verdict-verified { color: var(--ok-fg); background: var(--ok-bg); }
  .verdict-unproven { color: var(--warn-fg); background: var(--warn-bg); }
  .verdict-mismatch { color: var(--bad-fg); background: var(--bad-bg); }
  tr.endpoint.verdict-verified, tr.endpoint.verdict-unproven, tr.endpoint.verdict-mismatch { background: none; color: inherit; }
  tr.endpoint.verdict-mismatch td:first-child { border-left: 4px solid var(--bad-fg); }
  tr.endpoint.verdict-unproven td:first-child { border-left: 4px solid #d4a72c; }
  tr.endpoint.verdict-verified td:first-child { border-left: 4px solid #1a7f37; }
  .errors-high { color: var(--bad-fg); font-weight: 600; }
  .severity-error { color: var(--bad-fg); font-weight: 600; }
  .severity-warning { color: var(--warn-fg); font-weight: 600; }
  .empty { color: var(--muted); font-style: italic; }
  .backend { margin-bottom: 1rem; }
  td.subject { white-space: nowrap; overflow-wrap: normal; }
  table.backend { table-layout: fixed; }
  table.backend th:nth-child(1) { width: 16%; } table.backend th:nth-child(2) { width: 12%; }
  table.backend th:nth-child(3) { width: 9%; } table.backend th:nth-child(5) { width: 18%; }
</style>
</head>
<body>
<header>
  <h1>Plexus</h1>
  <p id="status" role="status" aria-live="polite">Loading…</p>
</header>
<main>
  <section aria-labelledby="routes-title">
    <h2 id="routes-title">Routes</h2>
    <table id="routes">
      <thead><tr>
        <th scope="col">Host</th><th scope="col">Path</th><th scope="col">Ingress</th><th scope="col">Backend</th>
        <th scope="col">Protocol</th><th scope="col">Endpoints</th>
        <th scope="col" class="num">Requests/s</th><th scope="col" class="num">5xx share</th><th scope="col" class="num">Requests (total)</th>
      </tr></thead>
      <tbody></tbody>
    </table>
    <p class="muted">Rates come from two successive scrapes of <code>/metrics</code>; routes of one Ingress to one Service port share their figures.
      <span id="unmatched"></span></p>
  </section>
  <section aria-labelledby="diagnostics-title">
    <h2 id="diagnostics-title">Diagnostics</h2>
    <p class="muted">What is wrong with the applied objects now, from the current snapshot.</p>
    <table id="diagnostics">
      <thead><tr><th scope="col">Severity</th><th scope="col">Object</th><th scope="col">Reason</th><th scope="col">Message</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section aria-labelledby="backends-title">
    <h2 id="backends-title">Backends and protocol verdicts</h2>
    <div id="backends"></div>
  </section>
</main>
<script>
"use strict";
(() => {
  const refreshMs = 2000;
  let previous = null; // { at: ms, totals: Map(key -> { all, errors }) }
  let rates = null; // key -> { perSecond, errorShare }; null until two scrapes were seen
  let totals = new Map();

  // Builds an element; text is set with textContent only, attributes with setAttribute (never event handlers).
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined) node.setAttribute(name, String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const seriesKey = (ns, ingress, service, port) => JSON.stringify([ns, ingress, service, port]);

  // Prometheus text format: name{label="value",...} value [timestamp]; values escape \\, \" and \n.
  function parseLabels(line, start) {
    const labels = {};
    let i = start;
    while (i < line.length && line[i] !== "}") {
      if (line[i] === "," || line[i] === " ") { i++; continue; }
      const eq = line.indexOf("=", i);
      if (eq < 0) return null;
      const name = line.slice(i, eq).trim();
      i = eq + 1;
      if (line[i] !== '"') return null;
      i++;
      let value = "";
      while (i < line.length && line[i] !== '"') {
        if (line[i] === "\\" && i + 1 < line.length) {
          const next = line[i + 1];
          value += next === "n" ? "\n" : next;
          i += 2;
        } else {
          value += line[i++];
        }
      }
      i++;
      labels[name] = value;
    }
    return { labels, end: i + 1 };
  }

  function requestTotals(text) {
    const result = new Map();
    const prefix = "plexus_requests_total{";
    for (const line of text.split("\n")) {
      if (!line.startsWith(prefix)) continue;
      const parsed = parseLabels(line, prefix.length);
      if (!parsed) continue;
      const value = Number(line.slice(parsed.end).trim().split(/\s+/)[0]);
      if (!Number.isFinite(value)) continue;
      const l = parsed.labels;
      const key = seriesKey(l.namespace || "", l.ingress || "", l.service || "", l.port || "");
      const entry = result.get(key) || { all: 0, errors: 0 };
      entry.all += value;
      if (l.code === "5xx") entry.errors += value;
      result.set(key, entry);
    }
    return result;
  }

  function updateRates(text) {
    const now = performance.now();
    const current = requestTotals(text);
    totals = current;
    if (previous && now > previous.at) {
      const seconds = (now - previous.at) / 1000;
      const next = new Map();
      for (const [key, entry] of current) {
        const before = previous.totals.get(key) || { all: 0, errors: 0 };
        // A counter that went down means a restart: count from zero.
        const all = entry.all >= before.all ? entry.all - before.all : entry.all;
        const errors = entry.errors >= before.errors ? entry.errors - before.errors : entry.errors;
        next.set(key, { perSecond: all / seconds, errorShare: all > 0 ? errors / all : null });
      }
      rates = next;
    }
    previous = { at: now, totals: current };
  }

  const formatRate = r => r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2);
  const describeRoute = r => r.isDefaultBackend ? "default backend" : (r.host || "*");

  function verdictBadge(verdict) {
    const kind = String(verdict || "Unproven").toLowerCase();
    const symbol = kind === "verified" ? "✓ " : kind === "mismatch" ? "✗ " : "? ";
    return el("span", { class: "badge verdict-" + kind }, symbol + (verdict || "Unproven"));
  }

  function renderRoutes(doc, backends) {
    const rows = doc.routes.map(route => {
      const s = route.series;
      const key = seriesKey(s.namespace, s.ingress, s.service, s.port);
      const rate = rates === null ? null : (rates.get(key) || { perSecond: 0, errorShare: null });
      const total = totals.get(key);
      const backend = backends.get(route.cluster);
      const counts = { Verified: 0, Unproven: 0, Mismatch: 0 };
      for (const e of (backend ? backend.endpoints : [])) counts[e.verdict] = (counts[e.verdict] || 0) + 1;
      const endpointCell = el("td", {});
      if (!backend || backend.endpoints.length === 0) {
        endpointCell.append(el("span", { class: "badge verdict-mismatch" }, "✗ none ready"));
      } else {
        for (const kind of ["Verified", "Unproven", "Mismatch"]) {
          if (counts[kind] > 0) endpointCell.append(verdictBadge(kind), " ", el("span", { class: "muted" }, "×" + counts[kind]), " ");
        }
      }
      const errorShare = rate && rate.errorShare !== null ? rate.errorShare : null;
      const service = route.service ? route.service + ":" + route.port : route.cluster;
      return el("tr", { class: "route", "data-host": route.host || "", "data-path": route.path, "data-cluster": route.cluster },
        el("td", { class: "mono" }, describeRoute(route)),
        el("td", { class: "mono" }, route.path, " ", el("span", { class: "muted" }, "(" + route.pathType + ")")),
        el("td", {}, route.ingress ? route.namespace + "/" + route.ingress : "—"),
        el("td", { class: "mono" }, route.namespace ? route.namespace + "/" + service : service),
        el("td", { class: "mono" }, route.protocol || "—"),
        endpointCell,
        el("td", { class: "num rate", "data-rate": rate ? rate.perSecond.toFixed(3) : "" }, rate ? formatRate(rate.perSecond) + "/s" : "…"),
        el("td", { class: "num error-rate" + (errorShare !== null && errorShare > 0 ? " errors-high" : ""), "data-error-share": errorShare === null ? "" : errorShare.toFixed(4) },
          errorShare === null ? "—" : (errorShare * 100).toFixed(1) + " %"),
        el("td", { class: "num total", "data-total": total ? total.all : 0, "data-errors": total ? total.errors : 0 },
          String(total ? total.all : 0) + (total && total.errors > 0 ? " (" + total.errors + " 5xx)" : "")));
    });
    const body = document.querySelector("#routes tbody");
    body.replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colspan: 9, class: "empty" }, "No routes: no Ingress of this class is applied."))]));

    const unmatched = totals.get(seriesKey("", "", "", ""));
    const unmatchedRate = rates === null ? null : rates.get(seriesKey("", "", "", ""));
    document.getElementById("unmatched").textContent = unmatched
      ? "Requests that matched no route: " + unmatched.all + (unmatchedRate ? " (" + formatRate(unmatchedRate.perSecond) + "/s)" : "") + "."
      : "";
  }

  function renderBackends(doc) {
    const container = document.getElementById("backends");
    const tables = doc.backends.map(backend => {
      const rows = backend.endpoints.map(e => {
        const kind = String(e.verdict || "Unproven").toLowerCase();
        return el("tr", { class: "endpoint verdict-" + kind, "data-endpoint": e.address, "data-verdict": e.verdict },
          el("td", { class: "mono" }, e.address),
          el("td", {}, verdictBadge(e.verdict)),
          el("td", { class: "mono" }, e.observed || "—"),
          el("td", { class: "reason" }, e.reason || "—"),
          el("td", { class: "mono muted" }, e.targetRef || ""));
      });
      if (rows.length === 0) rows.push(el("tr", {}, el("td", { colspan: 5, class: "empty" }, "No ready endpoints.")));
      return el("table", { class: "backend", "data-cluster": backend.id },
        el("caption", {}, el("span", { class: "mono" }, backend.id), " — declared ", el("code", {}, backend.protocol)),
        el("thead", {}, el("tr", {},
          el("th", { scope: "col" }, "Endpoint"), el("th", { scope: "col" }, "Verdict"), el("th", { scope: "col" }, "Observed"),
          el("th", { scope: "col" }, "Reason"), el("th", { scope: "col" }, "Target"))),
        el("tbody", {}, ...rows));
    });
    container.replaceChildren(...(tables.length ? tables : [el("p", { class: "empty" }, "No backends.")]));
  }

  function renderDiagnostics(doc) {
    const rows = doc.diagnostics.map(d => el("tr", { class: "diagnostic", "data-reason": d.reason },
      el("td", { class: "severity-" + String(d.severity).toLowerCase() }, d.severity),
      el("td", { class: "mono subject" }, d.subject),
      el("td", {}, d.reason),
      el("td", { class: "message" }, d.message)));
    document.querySelector("#diagnostics tbody").replaceChildren(...(rows.length ? rows
      : [el("tr", {}, el("td", { colspan: 4, class: "empty" }, "No diagnostics: every object translated cleanly."))]));
  }

  function setStatus(text, isError) {
    const status = document.getElementById("status");
    status.textContent = text;
    status.classList.toggle("error", isError);
  }

  async function fetchText(url) {
    const response = await fetch(url, { cache: "no-store", headers: { accept: "text/plain, application/json" } });
    if (!response.ok) throw new Error(url + " answered " + response.status);
    return response.text();
  }

  async function refresh() {
    try {
      const [docText, metricsText] = await Promise.all([
        fetchText("api/dashboard"),
        fetchText("metrics").catch(() => null),
      ]);
      const doc = JSON.parse(docText);
      if (metricsText !== null) updateRates(metricsText);
      const backends = new Map(doc.backends.map(b => [b.id, b]));
      renderRoutes(doc, backends);
      renderBackends(doc);
      renderDiagnostics(doc);
      setStatus("Snapshot " + doc.version + " · " + doc.routes.length + " routes · " + doc.diagnostics.length
        + " diagnostics · updated " + new Date().toLocaleTimeString() + (metricsText === null ? " · metrics unavailable" : ""), false);
    } catch (error) {
      setStatus("Cannot reach the admin API: " + (error && error.message ? error.message : String(error)), true);
    } finally {
      setTimeout(refresh, refreshMs);
    }
  }

  refresh();
})();
</script>
</body>
</html>
""";
}
