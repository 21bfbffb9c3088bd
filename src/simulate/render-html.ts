// `--report out.html`: one self-contained page (inline SVG and CSS, no scripts, no network) showing
// traffic share per model over time, breaker state bands, error rate and latency percentiles.
import { formatMs, formatOffset, formatShare, formatUsd } from "./format.ts";
import type { BreakerEvent } from "./recorder.ts";
import type { Summary } from "./summary.ts";
import { PALETTE, bands, escapeXml, lines, stackedBars, type Band } from "./svg-charts.ts";

export const REPORT_CSS = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1100px;color:#222}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}.sub{color:#666;margin:0 0 16px}
table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:right}
td:first-child,th:first-child{text-align:left}.tick{font-size:11px;fill:#555}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
.pass{color:#2e7d32;font-weight:600}.fail{color:#c62828;font-weight:600}.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:120px}.card b{display:block;font-size:18px}`;

export function legend(items: { label: string; color: string }[]): string {
  return `<div class="legend">${items.map((i) => `<span><i style="background:${i.color}"></i>${escapeXml(i.label)}</span>`).join("")}</div>`;
}

/** Turns the transition list into open/half-open spans per model. */
export function breakerBands(events: readonly BreakerEvent[], durationMs: number): Map<string, Band[]> {
  const out = new Map<string, Band[]>();
  const since = new Map<string, { state: "open" | "half_open"; at: number }>();
  for (const e of events) {
    const list = out.get(e.model) ?? [];
    out.set(e.model, list);
    const cur = since.get(e.model);
    if (cur) list.push({ startMs: cur.at, endMs: e.at, state: cur.state });
    if (e.to === "closed") since.delete(e.model);
    else since.set(e.model, { state: e.to, at: e.at });
  }
  for (const [model, cur] of since) out.get(model)!.push({ startMs: cur.at, endMs: durationMs, state: cur.state });
  return out;
}

/** Models the run never touched would only add empty rows and legend entries. */
export function touchedModels(s: Summary): string[] {
  const touched = new Set(s.breakers.map((b) => b.model));
  return s.models
    .filter((m) => m.attempted > 0 || Object.keys(m.skipped).length > 0 || touched.has(m.name))
    .map((m) => m.name);
}

export function renderHtml(s: Summary): string {
  const { bucketMs } = s.series;
  const models = touchedModels(s);
  const colors = models.map((_, i) => PALETTE[i % PALETTE.length]);
  const t = s.totals;
  const { share, errorRate, latency, breakerSvg } = reportCharts(s, models, colors);
  const { modelRows, expectRows, timeline } = reportTables(s);
  const card = (label: string, value: string) =>
    `<div class="card">${escapeXml(label)}<b>${escapeXml(value)}</b></div>`;

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>simulation: ${escapeXml(s.scenario)}</title><style>${REPORT_CSS}</style></head>
<body>
<h1>${escapeXml(s.scenario)} on ${escapeXml(s.policy)}</h1>
<p class="sub">${formatMs(s.durationMs)} simulated, seed ${s.seed}, buckets of ${formatMs(bucketMs)}</p>
<div class="cards">${card("requests", String(t.requests))}${card("success", formatShare(t.successRate))}${card("failed over", String(t.failedOver))}${card("continuations", String(t.continuations))}${card("p95 latency", s.latencyMs.p95 === null ? "–" : formatMs(s.latencyMs.p95))}${card("p95 ttft", s.ttftMs.p95 === null ? "–" : formatMs(s.ttftMs.p95))}${card("cost", formatUsd(t.costUsd))}${s.cache ? `${card("cache hits", formatShare(s.cache.hitRate))}${card("saved by cache", formatUsd(s.cache.savedUsd))}` : ""}</div>
${s.expectations.length ? `<h2>expectations</h2><table><tr><th>check</th><th></th><th>measured</th></tr>${expectRows}</table>` : ""}
<h2>traffic share per model</h2>${legend([...models.map((m, i) => ({ label: m, color: colors[i] })), { label: "failed", color: "#444" }])}${share}
<h2>breaker state</h2>${legend([
    { label: "closed", color: "#eaf4ea" },
    { label: "open", color: "#e15759" },
    { label: "half-open", color: "#edc948" },
  ])}${breakerSvg}
<h2>error rate</h2>${errorRate}
<h2>latency percentiles</h2>${legend([
    { label: "p50", color: "#4e79a7" },
    { label: "p95", color: "#f28e2b" },
    { label: "p99", color: "#e15759" },
  ])}${latency}
<h2>models</h2><table><tr><th>model</th><th>served</th><th>attempted</th><th>failed</th><th>failures by class</th><th>skipped</th></tr>${modelRows}</table>
${instancesHtml(s)}
<h2>errors by kind</h2><p>${escapeXml(kv(t.errorsByKind))}</p>
${timeline ? `<h2>breaker transitions</h2><table>${timeline}</table>` : ""}
</body></html>
`;
}

/** The four charts, as inline SVG (or a line of text where a chart would be empty). */
export function reportCharts(
  s: Summary,
  models: string[],
  colors: string[],
): { share: string; errorRate: string; latency: string; breakerSvg: string } {
  const { bucketMs, buckets } = s.series;
  // Shares in percent of each bucket's requests (failed ones included), on a 0–100% axis.
  const percentOf = (b: (typeof buckets)[number], n: number) => (b.requests === 0 ? 0 : (n / b.requests) * 100);
  const shares = buckets.map((b) => [...models.map((m) => percentOf(b, b.servedBy[m] ?? 0)), percentOf(b, b.errors)]);
  const share = stackedBars(
    "share of each bucket's requests by serving model, in percent",
    bucketMs,
    s.durationMs,
    shares,
    [...colors, "#444"],
    (v) => `${v}%`,
    100,
  );
  // No errors: one line saying so, not an empty chart to squint at.
  const errorRate = buckets.some((b) => b.errors > 0)
    ? lines(
        "error rate",
        bucketMs,
        s.durationMs,
        [{ values: buckets.map((b) => (b.requests === 0 ? null : (b.errors / b.requests) * 100)), color: "#e15759" }],
        (v) => `${v}%`,
        5,
      )
    : `<p class="none">no errors: every request succeeded</p>`;
  const latency = lines(
    "latency percentiles",
    bucketMs,
    s.durationMs,
    [
      { values: buckets.map((b) => b.latency.p50), color: "#4e79a7" },
      { values: buckets.map((b) => b.latency.p95), color: "#f28e2b" },
      { values: buckets.map((b) => b.latency.p99), color: "#e15759" },
    ],
    (v) => formatMs(v),
  );
  const bandMap = breakerBands(s.breakers, s.durationMs);
  const breakerSvg = bands(
    "breaker state by model",
    s.durationMs,
    models.map((m) => ({ label: m, bands: bandMap.get(m) ?? [] })),
  );

  return { share, errorRate, latency, breakerSvg };
}

/** The rows of the models, expectations and breaker-transition tables. */
function reportTables(s: Summary): { modelRows: string; expectRows: string; timeline: string } {
  const modelRows = s.models
    .map(
      (m) =>
        `<tr><td>${escapeXml(m.name)}</td><td>${m.served}</td><td>${m.attempted}</td><td>${m.failed}</td><td>${escapeXml(kv(m.failedByClass))}</td><td>${escapeXml(kv(m.skipped))}</td></tr>`,
    )
    .join("");
  const expectRows = s.expectations
    .map(
      (e) =>
        `<tr><td>${escapeXml(e.check)}</td><td class="${e.passed ? "pass" : "fail"}">${e.passed ? "pass" : "FAIL"}</td><td>${escapeXml(e.measured)}${e.detail ? ` <small>(${escapeXml(e.detail)})</small>` : ""}</td></tr>`,
    )
    .join("");
  const timeline = s.breakers
    .slice(0, 200)
    .map(
      (b) =>
        `<tr><td>${formatOffset(b.at)}</td><td>${escapeXml(b.model)}</td><td>${b.from} → ${b.to}</td><td>${b.instance ? `instance ${b.instance}` : ""}</td></tr>`,
    )
    .join("");

  return { modelRows, expectRows, timeline };
}

function kv(r: Record<string, number>): string {
  const parts = Object.entries(r).map(([k, n]) => `${k} ${n}`);
  return parts.length ? parts.join(", ") : "–";
}

/** `instances:` runs: a row per instance and each request quota's fullest window against its limit. */
function instancesHtml(s: Summary): string {
  const r = s.instances;
  if (!r) return "";
  const sharing = r.shared ? `one shared store, propagation ${formatMs(r.propagationMs)}` : "no shared store";
  const rows = r.rows
    .map(
      (i) =>
        `<tr><td>${i.instance}</td><td>${i.requests}</td><td>${i.served}</td><td>${i.failedOver}</td><td>${i.probes}</td><td>${i.store}</td></tr>`,
    )
    .join("");
  const quotas = r.quotas
    .map(
      (q) =>
        `<tr><td>${escapeXml(q.model)}</td><td>${q.limit}/${q.window}</td><td>${q.peak}</td><td>${Math.max(0, q.peak - q.limit)}</td></tr>`,
    )
    .join("");
  return `<h2>instances</h2><p>${r.count} behind ${r.balance.replace("_", " ")}, ${escapeXml(sharing)}</p><table><tr><th>instance</th><th>requests</th><th>served</th><th>failed over</th><th>probes</th><th>store</th></tr>${rows}</table>${quotas ? `<h2>request quotas</h2><table><tr><th>model</th><th>limit</th><th>most served in one window</th><th>over</th></tr>${quotas}</table>` : ""}`;
}
