// One entry point for the CLI and server: pick a renderer by name. Diagnostics are sorted here
// (file, position, code) so every format lists them in the same order.
import type { Diagnostic } from "../../syntax/diagnostic.ts";
import { renderGithub } from "./github.ts";
import { renderHuman } from "./human.ts";
import { renderJson } from "./json.ts";
import { renderSarif, type SarifOptions } from "./sarif.ts";
import { sortDiagnostics } from "./sort.ts";

export const FORMATS = ["human", "json", "sarif", "github"] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions extends SarifOptions {
  /** ANSI colour for `human`; the CLI turns it on for a TTY without NO_COLOR. */
  color?: boolean;
}

export function renderDiagnostics(
  diags: readonly Diagnostic[],
  format: Format,
  sources: ReadonlyMap<string, string>,
  opts: RenderOptions = {},
): string {
  const sorted = sortDiagnostics(diags);
  switch (format) {
    case "human":
      return renderHuman(sorted, sources, { color: opts.color ?? false });
    case "json":
      return renderJson(sorted, sources);
    case "sarif":
      return renderSarif(sorted, sources, opts);
    case "github":
      return renderGithub(sorted, sources);
  }
}

export { renderHuman, summaryLine, type HumanOptions } from "./human.ts";
export { renderJson, toJsonReport, type JsonReport, type JsonDiagnostic, type JsonLabel } from "./json.ts";
export { renderSarif, toSarif, toUri, type SarifOptions } from "./sarif.ts";
export { renderGithub, escapeData, escapeProperty } from "./github.ts";
export { sortDiagnostics, summarize } from "./sort.ts";
export type { RuleInfo } from "./rule-catalog.ts";
