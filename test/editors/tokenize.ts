// Loads the VS Code extension's TextMate grammar with vscode-textmate on the Oniguruma regex engine
// (the same pair VS Code uses) and tokenizes text into (offset, text, scopes) runs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import oniguruma from "vscode-oniguruma";
import textmate from "vscode-textmate";

export const ROOT = join(import.meta.dir, "../..");
export const GRAMMAR_PATH = join(ROOT, "editors/vscode/syntaxes/route.tmLanguage.json");

export interface Token {
  start: number; // offset in the whole text
  text: string;
  scopes: string[];
}

let grammar: Promise<textmate.IGrammar> | null = null;

function loadGrammar(): Promise<textmate.IGrammar> {
  grammar ??= (async () => {
    const wasm = readFileSync(join(ROOT, "node_modules/vscode-oniguruma/release/onig.wasm"));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new textmate.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (p) => new oniguruma.OnigScanner(p),
        createOnigString: (s) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scope) =>
        scope === "source.route" ? textmate.parseRawGrammar(readFileSync(GRAMMAR_PATH, "utf8"), GRAMMAR_PATH) : null,
    });
    const g = await registry.loadGrammar("source.route");
    if (!g) throw new Error("grammar did not load");
    return g;
  })();
  return grammar;
}

export async function tokenize(text: string): Promise<Token[]> {
  const g = await loadGrammar();
  const tokens: Token[] = [];
  let state = textmate.INITIAL;
  let lineStart = 0;
  for (const line of text.split("\n")) {
    const result = g.tokenizeLine(line, state);
    for (const t of result.tokens)
      tokens.push({ start: lineStart + t.startIndex, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    state = result.ruleStack;
    lineStart += line.length + 1;
  }
  return tokens;
}

/** The scopes of the token covering `offset`. */
export function scopesAt(tokens: readonly Token[], offset: number): string[] {
  const t = tokens.find((x) => x.start <= offset && offset < x.start + Math.max(x.text.length, 1));
  return t?.scopes ?? [];
}
