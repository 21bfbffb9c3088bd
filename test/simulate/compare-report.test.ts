// The `--compare --report` page in a real browser: headless Chromium (Debian's `chromium`) loads the
// file, a measuring script added to a copy of it records what was laid out, and the test checks the
// charts drew shapes with real size, side by side (old left, new right), next to the tables. The
// shipped page itself has no scripts and reaches for nothing on the network.
import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compareFixtures } from "./compare-fixtures.ts";
import { TWO_MODELS, run } from "./helpers.ts";

const { NO_FALLBACK, OUTAGE, dir } = compareFixtures();

/** Runs in the page after layout: every chart's box and its drawn shapes with non-zero size. */
const MEASURE = `<script>
const box = (e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; };
const drawn = (svg, sel) => [...svg.querySelectorAll(sel)].filter((e) => { const b = e.getBBox(); return b.width > 0 && b.height > 0; }).length;
const pairs = [...document.querySelectorAll(".pair")].map((p) => ({
  chart: p.dataset.chart,
  sides: [...p.querySelectorAll("figure")].map((f) => {
    const svg = f.querySelector("svg");
    return { side: f.dataset.side, text: f.textContent.slice(0, 200), svg: svg && { box: box(svg), rects: drawn(svg, "rect"), paths: drawn(svg, "path"),
      open: [...svg.querySelectorAll('rect[fill="#e15759"]')].filter((r) => r.getBBox().width > 0).length } };
  }),
}));
const rows = (id) => document.querySelectorAll("#" + id + " tr").length;
const out = document.createElement("pre");
out.id = "measured";
out.textContent = JSON.stringify({ pairs, metrics: rows("metrics"), diffs: rows("diffs"), gates: rows("gates"), width: innerWidth });
document.body.append(out);
</script>`;

function chromium(): string {
  const path = Bun.which("chromium") ?? Bun.which("chromium-browser");
  if (path === null)
    throw new Error(
      "chromium is not installed: the compare report is checked in a real headless browser; install Debian's `chromium` (`apt-get install chromium`, as .ci/run does)",
    );
  return path;
}

test("the compare report renders both runs' charts side by side in headless Chromium", async () => {
  const browser = chromium();
  const report = join(dir, "compare.html");
  const r = await run("--compare", TWO_MODELS, NO_FALLBACK, OUTAGE, "--report", report, "--fail-on", "success");
  expect(r.code).toBe(1);
  const html = readFileSync(report, "utf8");
  // self-contained: no script, no fetched resource (the SVG namespace is a name, not a request)
  expect(html).not.toContain("<script");
  expect(html.replaceAll('xmlns="http://www.w3.org/2000/svg"', "")).not.toMatch(/https?:|src=|href=|url\(/);

  const probe = join(dir, "compare-probe.html");
  writeFileSync(probe, html.replace("</body>", `${MEASURE}</body>`));
  const profile = mkdtempSync(join(dir, "chromium-profile-"));
  try {
    const proc = Bun.spawn(
      [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--window-size=1600,1200",
        `--user-data-dir=${profile}`,
        "--dump-dom",
        `file://${probe}`,
      ],
      { stdout: "pipe", stderr: "pipe" },
    );
    const killer = setTimeout(() => proc.kill(), 50_000); // a hung browser fails the test, not the suite
    const [dom, errors, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    clearTimeout(killer);
    const found = /<pre id="measured">(.*?)<\/pre>/s.exec(dom);
    if (code !== 0 || !found)
      throw new Error(`chromium did not render the report (exit ${code}):\n${errors.slice(-2000)}`);
    const m = JSON.parse(
      found[1]!.replaceAll("&quot;", '"').replaceAll("&amp;", "&").replaceAll("&lt;", "<").replaceAll("&gt;", ">"),
    );

    expect(m.pairs.map((p: { chart: string }) => p.chart)).toEqual(["share", "breakerSvg", "errorRate", "latency"]);
    for (const pair of m.pairs) expect(pair.sides.map((s: { side: string }) => s.side)).toEqual(["old", "new"]);
    const chart = (name: string, side: 0 | 1) => m.pairs.find((p: { chart: string }) => p.chart === name).sides[side];
    // side by side: same row, old on the left, each about half the page and a real height
    const [oldShare, newShare] = [chart("share", 0).svg.box, chart("share", 1).svg.box];
    expect(Math.abs(oldShare.y - newShare.y)).toBeLessThan(1);
    expect(newShare.x).toBeGreaterThanOrEqual(oldShare.x + oldShare.w);
    for (const b of [oldShare, newShare]) {
      expect(b.w).toBeGreaterThan(m.width * 0.3);
      expect(b.w).toBeLessThan(m.width * 0.55);
      expect(b.h).toBeGreaterThan(100);
    }
    // traffic share: bars drawn in both runs (30s in 500ms buckets: 60 buckets, each at least one bar)
    expect(chart("share", 0).svg.rects).toBeGreaterThanOrEqual(60);
    expect(chart("share", 1).svg.rects).toBeGreaterThanOrEqual(60);
    // latency: three percentile lines with real extent on each side
    expect(chart("latency", 0).svg.paths).toBe(3);
    expect(chart("latency", 1).svg.paths).toBe(3);
    // the outage opens a's breaker under both policies: an open band on each side
    expect(chart("breakerSvg", 0).svg.open).toBeGreaterThan(0);
    expect(chart("breakerSvg", 1).svg.open).toBeGreaterThan(0);
    // errors only under the new policy: the old side says so in words, the new side draws a line
    expect(chart("errorRate", 0).svg).toBeNull();
    expect(chart("errorRate", 0).text).toContain("no errors");
    expect(chart("errorRate", 1).svg.paths).toBe(1);
    // the tables: 13 metrics minus cache and expectations (unmeasured here) plus a header, 10 diffs plus a header, one gate
    expect(m.metrics).toBe(12);
    expect(m.diffs).toBe(11);
    expect(m.gates).toBe(1);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}, 60_000);
