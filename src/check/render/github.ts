// GitHub Actions workflow commands (`::error file=…,line=…::message`), which GitHub turns into
// annotations on the pull request's diff. Escaping follows the runner's rules so that a message
// with `%`, newlines, `:` or `,` in a property cannot break the command.
import type { Diagnostic } from "../../syntax/diagnostic.ts";
import { SourceSet } from "./source-set.ts";

const COMMAND: Record<Diagnostic["severity"], string> = { error: "error", warning: "warning", info: "notice" };

export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** One command per diagnostic; notes and the fix follow the message on their own lines. */
export function renderGithub(diags: readonly Diagnostic[], sources: ReadonlyMap<string, string>): string {
  const set = new SourceSet(sources);
  return diags
    .map((d) => {
      const r = set.region(d.primary);
      const props = [
        `file=${escapeProperty(d.primary.file)}`,
        `line=${r.line}`,
        `col=${r.column}`,
        `endLine=${r.endLine}`,
        `endColumn=${r.endColumn}`,
        `title=${escapeProperty(d.code)}`,
      ].join(",");
      const body = [d.message, ...d.notes.map((n) => `note: ${n}`), ...(d.help ? [`help: ${d.help}`] : [])].join("\n");
      return `::${COMMAND[d.severity]} ${props}::${escapeData(body)}\n`;
    })
    .join("");
}
