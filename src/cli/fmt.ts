// `switchyard fmt`: rewrite policy files in the canonical layout (only when it changes them), or
// with --check just list the files that are not formatted, for CI.
import { readFile, writeFile } from "node:fs/promises";
import { renderDiagnostics } from "../check/render/index.ts";
import { ioDiagnostic } from "../compile/index.ts";
import type { Diagnostic } from "../syntax/diagnostic.ts";
import { formatPolicy } from "../syntax/format.ts";
import { parsePolicyBytes } from "../syntax/parse.ts";
import { useColor } from "./color.ts";
import { parseOptions } from "./options.ts";
import { findPolicyFiles } from "./policy-files.ts";
import { EXIT, UsageError } from "./usage.ts";

const CR = 13;

export async function fmt(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, { check: { type: "boolean" } });
  const { files, problems } = await findPolicyFiles(positionals);
  if (files.length === 0 && problems.length === 0)
    throw new UsageError(
      `no \`.route\` files found in ${positionals.map((p) => `\`${p}\``).join(", ") || "`policies/`"}`,
    );
  const diagnostics: Diagnostic[] = [...problems];
  const sources = new Map<string, string>();
  const unformatted: string[] = [];

  for (const file of files) {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (e) {
      diagnostics.push(ioDiagnostic(file, e));
      continue;
    }
    const parsed = parsePolicyBytes(bytes, file);
    sources.set(file, parsed.source);
    if (parsed.policy === null) {
      diagnostics.push(...parsed.diagnostics); // a file that does not parse is left untouched
      continue;
    }
    const formatted = formatPolicy(parsed.policy, parsed.source); // the source keeps trailing comments and blank lines in place
    // canonical text has no raw CR (a string's CR is written `\r`), and parsing turned lone CRs into LF
    if (formatted === parsed.source && !bytes.includes(CR)) continue;
    unformatted.push(file);
    if (values.check) continue;
    try {
      await writeFile(file, formatted);
    } catch (e) {
      diagnostics.push(ioDiagnostic(file, e));
    }
  }

  for (const file of unformatted) process.stdout.write(values.check ? `${file}\n` : `formatted ${file}\n`);
  if (diagnostics.length)
    process.stderr.write(
      renderDiagnostics(diagnostics, "human", sources, { color: useColor(process.stderr, process.env) }),
    );
  if (diagnostics.some((d) => d.code === "SY4001")) return EXIT.usage;
  if (diagnostics.length || (values.check && unformatted.length)) return EXIT.problems;
  return EXIT.ok;
}
