// SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`): one run, the rules
// that occurred, one result per diagnostic with its primary location and secondary labels as
// related locations. Paths are made relative to `root` because code scanning matches them
// against the repository checkout.
import type { Diagnostic, Label } from "../../syntax/diagnostic.ts";
import { SYNTAX_RULES, type RuleInfo } from "./rule-catalog.ts";
import { SourceSet } from "./source-set.ts";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
export const INFORMATION_URI = "https://github.com/switchyard/switchyard";

export interface SarifOptions {
  /** Absolute paths under this directory become relative URIs. */
  root?: string;
  /** Descriptions for codes beyond the built-in syntax ones. */
  rules?: Readonly<Record<string, RuleInfo>>;
}

const LEVEL: Record<Diagnostic["severity"], string> = { error: "error", warning: "warning", info: "note" };

export function toSarif(diags: readonly Diagnostic[], sources: ReadonlyMap<string, string>, opts: SarifOptions = {}): object {
  const set = new SourceSet(sources);
  const codes = [...new Set(diags.map((d) => d.code))].sort();
  const rules = codes.map((id) => {
    const info = opts.rules?.[id] ?? SYNTAX_RULES[id] ?? fallbackRule(id, diags);
    return { id, shortDescription: { text: info.description }, help: { text: info.help ?? info.description } };
  });
  const location = (l: Label) => {
    const r = set.region(l);
    return {
      physicalLocation: {
        artifactLocation: { uri: toUri(l.file, opts.root) },
        region: { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn },
      },
    };
  };
  const results = diags.map((d) => ({
    ruleId: d.code,
    ruleIndex: codes.indexOf(d.code),
    level: LEVEL[d.severity],
    message: { text: [d.message, ...d.notes.map((n) => `note: ${n}`), ...(d.help ? [`help: ${d.help}`] : [])].join("\n") },
    locations: [location(d.primary)],
    ...(d.secondary.length > 0
      ? { relatedLocations: d.secondary.map((l, id) => ({ id, ...location(l), message: { text: l.message || d.message } })) }
      : {}),
  }));
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "switchyard", informationUri: INFORMATION_URI, rules } },
        columnKind: "utf16CodeUnits",
        results,
      },
    ],
  };
}

export function renderSarif(diags: readonly Diagnostic[], sources: ReadonlyMap<string, string>, opts: SarifOptions = {}): string {
  return JSON.stringify(toSarif(diags, sources, opts), null, 2) + "\n";
}

function fallbackRule(code: string, diags: readonly Diagnostic[]): RuleInfo {
  const first = diags.find((d) => d.code === code);
  return { description: first?.message ?? code, help: first?.help ?? undefined };
}

/** A relative, forward-slash, percent-encoded URI reference for a file path. */
export function toUri(file: string, root?: string): string {
  let path = file.replace(/\\/g, "/");
  if (root) {
    const base = root.replace(/\\/g, "/").replace(/\/+$/, "") + "/";
    if (path.startsWith(base)) path = path.slice(base.length);
  }
  path = path.replace(/^\.\//, "");
  return encodeURI(path).replace(/[?#]/g, (c) => encodeURIComponent(c));
}
