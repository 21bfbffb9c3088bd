// `--compare --report out.html`: one self-contained page (inline SVG and CSS, no scripts, no
// network): the metrics table, the gates, the single-run report's charts for both policies side by
// side (one colour per model across both), and the requests that ended differently with both trails.
import { formatMs, formatOffset, formatShare } from "../format.ts";
import { REPORT_CSS, legend, reportCharts, touchedModels } from "../render-html.ts";
import type { Summary } from "../summary.ts";
import { PALETTE, escapeXml } from "../svg-charts.ts";
import type { Comparison, DiffRow, MetricRow } from "./compare.ts";
import type { GateResult } from "./gate.ts";
import { formatChange, formatValue, metricDef } from "./metrics.ts";
import { changesText, sideText } from "./render-text.ts";

const CSS = `${REPORT_CSS}
body{max-width:1500px;padding:0 16px}.pair{display:grid;grid-template-columns:1fr 1fr;gap:20px}
.pair figure{margin:0;min-width:0}.pair figcaption{font-weight:600;margin:0 0 4px}.pair svg{width:100%;height:auto;display:block}
.worse{color:#c62828}.better{color:#2e7d32}code{font-size:12px}td.trail{text-align:left;font-family:ui-monospace,monospace;font-size:12px}`;

export function renderCompareHtml(c: Comparison, gates: readonly GateResult[]): string {
  const models = [...new Set([...touchedModels(c.old), ...touchedModels(c.new)])];
  const colors = models.map((_, i) => PALETTE[i % PALETTE.length]!);
  const oldCharts = reportCharts(c.old, models, colors);
  const newCharts = reportCharts(c.new, models, colors);
  const pair = (title: string, key: keyof typeof oldCharts, note = "") =>
    `<h2>${escapeXml(title)}</h2>${note}<div class="pair" data-chart="${key}">${figure("old", c.old, oldCharts[key])}${figure("new", c.new, newCharts[key])}</div>`;
  const shareLegend = legend([
    ...models.map((m, i) => ({ label: m, color: colors[i]! })),
    { label: "failed", color: "#444" },
  ]);
  const latencyLegend = legend([
    { label: "p50", color: "#4e79a7" },
    { label: "p95", color: "#f28e2b" },
    { label: "p99", color: "#e15759" },
  ]);
  const breakerLegend = legend([
    { label: "closed", color: "#eaf4ea" },
    { label: "open", color: "#e15759" },
    { label: "half-open", color: "#edc948" },
  ]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>compare: ${escapeXml(c.scenario)}</title><style>${CSS}</style></head>
<body>
<h1>${escapeXml(c.old.policy)} → ${escapeXml(c.new.policy)}</h1>
<p class="sub">${escapeXml(c.scenario)}: ${formatMs(c.durationMs)} simulated, seed ${c.seed}, ${c.requests} requests; both policies saw the same traffic and the same upstream behaviour per request</p>
${gates.length ? `<h2>gates</h2><table id="gates">${gates.map(gateRow).join("")}</table>` : ""}
<h2>metrics</h2><table id="metrics"><tr><th>metric</th><th>old</th><th>new</th><th>change</th></tr>${c.metrics
    .filter((r) => r.old !== null || r.new !== null)
    .map(metricRow)
    .join("")}</table>
<h2>share of requests served, by model</h2><table id="shares"><tr><th>model</th><th>old</th><th>new</th><th>change</th></tr>${c.shares.map((s) => `<tr><td>${escapeXml(s.model)}</td><td>${formatShare(s.old)}</td><td>${formatShare(s.new)}</td><td>${formatChange("share", s.old, s.new)}</td></tr>`).join("")}</table>
${pair("traffic share per model", "share", shareLegend)}
${pair("breaker state", "breakerSvg", breakerLegend)}
${pair("error rate", "errorRate")}
${pair("latency percentiles", "latency", latencyLegend)}
<h2>requests whose outcome differs</h2>${differing(c)}
</body></html>
`;
}

function figure(side: "old" | "new", s: Summary, chart: string): string {
  return `<figure data-side="${side}"><figcaption>${side}: <code>${escapeXml(s.policy)}</code></figcaption>${chart}</figure>`;
}

function metricRow(r: MetricRow): string {
  const def = metricDef(r.metric);
  const worse = r.old !== null && r.new !== null && (def.better === "lower" ? r.new > r.old : r.new < r.old);
  const better = r.old !== null && r.new !== null && (def.better === "lower" ? r.new < r.old : r.new > r.old);
  const cls = worse ? ` class="worse"` : better ? ` class="better"` : "";
  return `<tr><td>${escapeXml(def.label)} <small>(${r.metric})</small></td><td>${escapeXml(formatValue(def.unit, r.old))}</td><td>${escapeXml(formatValue(def.unit, r.new))}</td><td${cls}>${escapeXml(formatChange(def.unit, r.old, r.new))}</td></tr>`;
}

function gateRow(g: GateResult): string {
  const mark = !g.judged ? `<td>skip</td>` : g.failed ? `<td class="fail">FAIL</td>` : `<td class="pass">pass</td>`;
  return `<tr>${mark}<td class="trail">${escapeXml(g.message)}</td></tr>`;
}

function differing(c: Comparison): string {
  if (c.differing === 0) return `<p id="diffs">none: every request ended the same way under both policies</p>`;
  const shown = c.diffs.length < c.differing ? `; showing ${c.diffs.length}, failures first` : "";
  const rows = c.diffs.map(diffRow).join("");
  return `<p>${c.differing} of ${c.requests} requests (${escapeXml(changesText(c))})${shown}</p><table id="diffs"><tr><th>#</th><th>at</th><th>route</th><th>old</th><th>new</th></tr>${rows}</table>`;
}

function diffRow(d: DiffRow): string {
  return `<tr><td>${d.seq}</td><td>${formatOffset(d.arrivedAt)}</td><td>${escapeXml(d.route)}${d.stream ? " (stream)" : ""}</td><td class="trail">${escapeXml(sideText(d.old))}</td><td class="trail">${escapeXml(sideText(d.new))}</td></tr>`;
}
