// Renders the README's editor screenshot from the real pieces instead of a mock-up: a shipped
// policy with one typo, coloured by the VS Code extension's TextMate grammar (vscode-textmate, the
// tokenizer VS Code uses) and underlined where `switchyard lsp` / lint puts its diagnostic, written
// as HTML and captured with headless Chromium.
// usage: bun scripts/screenshot-editor.ts [out.png]   (needs chromium: apt-get install -y chromium)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compilePolicySource } from "../src/compile/index.ts";
import { quickFixOf } from "../src/lsp/diagnostics.ts";
import { LineIndex } from "../src/syntax/span.ts";
import { tokenize } from "../test/editors/tokenize.ts";

const ROOT = join(import.meta.dir, "..");
const out = process.argv[2] ?? join(ROOT, "docs/img/editor.png");
const FIRST_LINE = 69; // `model swift` … the end of route `fast`: models, rules, a settings block
const LAST_LINE = 96;

/** Dark+ colours by scope prefix, most specific first. */
const COLOURS: [string, string][] = [
  ["comment", "#6a9955"],
  ["string", "#ce9178"],
  ["constant.character.escape", "#d7ba7d"],
  ["constant.numeric", "#b5cea8"],
  ["constant.language", "#569cd6"],
  ["storage.type", "#569cd6"],
  ["keyword.control", "#c586c0"],
  ["keyword.operator", "#d4d4d4"],
  ["entity.name.type", "#4ec9b0"],
  ["entity.name.function", "#dcdcaa"],
  ["support.function", "#dcdcaa"],
  ["support.constant", "#4fc1ff"],
  ["support.type.property-name", "#9cdcfe"],
  ["variable.language", "#569cd6"],
  ["variable.other.model", "#4ec9b0"],
  ["variable.other.provider", "#4ec9b0"],
  ["variable.other.route", "#dcdcaa"],
  ["variable", "#9cdcfe"],
];
const colourOf = (scopes: string[]) => {
  for (const scope of [...scopes].reverse())
    for (const [prefix, colour] of COLOURS) if (scope.startsWith(prefix)) return colour;
  return "#d4d4d4";
};
const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const text = readFileSync(join(ROOT, "policies/default.route"), "utf8").replace(
  "when tokens > 8k -> [smart, steady]",
  "when tokens > 8k -> [smart, stedy]",
);
const [diag] = compilePolicySource(text, "policies/default.route").diagnostics;
const tokens = await tokenize(text);
const lines = new LineIndex(text);
const at = lines.position(diag.primary.span.start);

let html = "";
for (let line = FIRST_LINE; line <= LAST_LINE; line++) {
  const lineStart =
    text
      .split("\n")
      .slice(0, line - 1)
      .join("\n").length + (line > 1 ? 1 : 0);
  const lineEnd = lineStart + lines.lineText(line).length;
  const spans = tokens
    .filter((t) => t.start >= lineStart && t.start < lineEnd)
    .map((t) => {
      const bad = t.start < diag.primary.span.end && t.start + t.text.length > diag.primary.span.start;
      return `<span style="color:${colourOf(t.scopes)}${bad ? ";text-decoration:underline wavy #f14c4c" : ""}">${escape(t.text)}</span>`;
    });
  // Like VS Code's hover, the diagnostic's box floats over the lines below the one it belongs to.
  const fix = quickFixOf(diag.help);
  const hover =
    line === at.line
      ? `<div class="at" style="left:${at.column + 4}ch"><div class="hover"><b>${escape(diag.message)}</b> <span class="code">switchyard(${diag.code})</span><br>help: ${escape(diag.help ?? "")}${fix ? `<div class="fix">Quick Fix: ${escape(fix.title)}</div>` : ""}</div></div>`
      : "";
  html += `<div class="l"><span class="n">${line}</span>${spans.join("")}${hover}</div>`;
}
const page = `<!doctype html><meta charset="utf-8"><style>
body{margin:0;background:#1e1e1e;font:14px/20px "DejaVu Sans Mono",monospace;color:#d4d4d4}
.tab{background:#252526;color:#fff;padding:6px 16px;font-family:sans-serif;font-size:13px;border-bottom:1px solid #333}
.l{white-space:pre}.n{display:inline-block;width:3ch;margin-right:2ch;text-align:right;color:#858585}
.l{position:relative}.at{position:absolute;top:22px;z-index:1}.hover{white-space:normal;width:max-content;box-shadow:0 2px 8px #000;background:#252526;border:1px solid #454545;padding:6px 10px;font-family:sans-serif;font-size:13px;line-height:19px}
.code{color:#9d9d9d}.fix{color:#3794ff;margin-top:4px}
</style><div class="tab">default.route — policies</div><div style="padding:8px 0">${html}</div>`;

const dir = mkdtempSync(join(tmpdir(), "switchyard-shot-"));
try {
  writeFileSync(join(dir, "editor.html"), page);
  const flags = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    `--user-data-dir=${join(dir, "profile")}`,
  ];
  const run = Bun.spawnSync(
    ["chromium", ...flags, `--screenshot=${out}`, "--window-size=860,620", `file://${join(dir, "editor.html")}`],
    { stderr: "pipe" },
  );
  if (run.exitCode !== 0) throw new Error(`chromium exited ${run.exitCode}`);
  console.log(`wrote ${out}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
