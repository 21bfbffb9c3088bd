// SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`): one run, the rules
// that occurred (described from the catalogue), one result per diagnostic with its primary
// location and secondary labels as related locations. Paths under `root` become URIs relative to
// the `SRCROOT` base, which code scanning matches against the repository checkout; the output is
// validated against the official schema in test/render/sarif-schema.test.ts.
import { pathToFileURL } from "node:url";
import pkg from "../../../package.json" with { type: "json" };
import type { Diagnostic, Label } from "../../syntax/diagnostic.ts";
import { ruleFor } from "./rule-catalog.ts";
import { SourceSet } from "./source-set.ts";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
/** The uriBaseId of every relative location: the directory the policies were linted from. */
export const SOURCE_ROOT = "SRCROOT";

export interface SarifOptions {
  /** The directory locations are relative to (the CLI passes its working directory). */
  root?: string;
}

const LEVEL: Record<Diagnostic["severity"], string> = { error: "error", warning: "warning", info: "note" };

export function toSarif(
  diags: readonly Diagnostic[],
  sources: ReadonlyMap<string, string>,
  opts: SarifOptions = {},
): object {
  const set = new SourceSet(sources);
  const codes = [...new Set(diags.map((d) => d.code))].sort();
  const rules = codes.map((id) => {
    const spec = ruleFor(id);
    return {
      id,
      shortDescription: { text: spec.description },
      help: { text: spec.help },
      defaultConfiguration: { level: LEVEL[spec.severity] },
    };
  });
  const location = (l: Label) => {
    const r = set.region(l);
    return {
      physicalLocation: {
        artifactLocation: artifactLocation(l.file, opts.root),
        region: { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn },
      },
    };
  };
  const results = diags.map((d) => ({
    ruleId: d.code,
    ruleIndex: codes.indexOf(d.code),
    level: LEVEL[d.severity],
    message: {
      text: [d.message, ...d.notes.map((n) => `note: ${n}`), ...(d.help ? [`help: ${d.help}`] : [])].join("\n"),
    },
    locations: [location(d.primary)],
    ...(d.secondary.length > 0
      ? {
          relatedLocations: d.secondary.map((l, id) => ({
            id,
            ...location(l),
            message: { text: l.message || d.message },
          })),
        }
      : {}),
  }));
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "switchyard", version: pkg.version, rules } },
        ...(opts.root ? { originalUriBaseIds: { [SOURCE_ROOT]: { uri: directoryUri(opts.root) } } } : {}),
        columnKind: "utf16CodeUnits",
        results,
      },
    ],
  };
}

export function renderSarif(
  diags: readonly Diagnostic[],
  sources: ReadonlyMap<string, string>,
  opts: SarifOptions = {},
): string {
  return JSON.stringify(toSarif(diags, sources, opts), null, 2) + "\n";
}

/** A relative path with the SRCROOT base; an absolute path outside the root as a `file:` URI. */
function artifactLocation(file: string, root?: string): { uri: string; uriBaseId?: string } {
  const uri = toUri(file, root);
  if (/^([A-Za-z]:)?\//.test(uri)) return { uri: pathToFileURL(file).href };
  return { uri, uriBaseId: SOURCE_ROOT };
}

function directoryUri(root: string): string {
  const href = pathToFileURL(root).href;
  return href.endsWith("/") ? href : href + "/";
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
