// `switchyard lint`: every .route file is a complete policy and is checked on its own (parse →
// check → compile), then all diagnostics are rendered together, sorted by file and position.
import { compilePolicyFile, type CheckOptions } from "../compile/index.ts";
import { FORMATS, renderDiagnostics, summarize } from "../check/render/index.ts";
import { worstCaseJson } from "../compile/analysis/describe.ts";
import { analyzeGraph } from "../compile/analysis/worst-case.ts";
import type { Diagnostic } from "../syntax/diagnostic.ts";
import { useColor } from "./color.ts";
import { choice, parseOptions } from "./options.ts";
import { findPolicyFiles } from "./policy-files.ts";
import { EXIT, UsageError } from "./usage.ts";

export async function lint(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    format: { type: "string" },
    "deny-warnings": { type: "boolean" },
    "check-env": { type: "boolean" },
  });
  const format = choice("format", values.format, FORMATS, "human");
  // Missing-env warnings only on request: CI lints the shipped policies without any keys set.
  const opts: CheckOptions = values["check-env"]
    ? { secrets: { get: (n) => process.env[n] }, missingEnv: "warning" }
    : {};

  const { files, problems } = await findPolicyFiles(positionals);
  if (files.length === 0 && problems.length === 0)
    throw new UsageError(
      `no \`.route\` files found in ${positionals.map((p) => `\`${p}\``).join(", ") || "`policies/`"}`,
    );
  const diagnostics: Diagnostic[] = [...problems];
  const sources = new Map<string, string>();
  const worstCase: Record<string, unknown> = {};
  for (const file of files) {
    const result = await compilePolicyFile(file, opts);
    sources.set(file, result.source);
    diagnostics.push(...result.diagnostics);
    if (result.graph) worstCase[file] = worstCaseJson(analyzeGraph(result.graph));
  }

  let output = renderDiagnostics(diagnostics, format, sources, {
    color: useColor(process.stdout, process.env),
    root: process.cwd(),
  });
  // JSON gains the worst-case figures of every policy that compiled (fields are only ever added)
  if (format === "json") output = JSON.stringify({ ...JSON.parse(output), worstCase }, null, 2) + "\n";
  if (output) process.stdout.write(output.endsWith("\n") ? output : output + "\n");
  if (format === "human" && diagnostics.length === 0) {
    process.stderr.write(`${files.length} ${files.length === 1 ? "policy" : "policies"} checked, no problems\n`);
  }
  const { errors, warnings } = summarize(diagnostics);
  if (diagnostics.some((d) => d.code === "SY4001")) return EXIT.usage;
  if (errors > 0 || (warnings > 0 && values["deny-warnings"])) return EXIT.problems;
  return EXIT.ok;
}
