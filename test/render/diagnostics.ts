// Shared fixtures for the renderer goldens: two small policy files and diagnostics pointing into
// them, built from substrings so the spans stay right if the text is edited.
import type { Diagnostic, Label } from "../../src/syntax/diagnostic.ts";

export const MAIN = "policies/main.route";
export const MODELS = "policies/models.route";

export const mainText = ["route chat {", "  when tools -> [gpt4o]", "  otherwise -> [gpt4, claude]", "}", ""].join(
  "\n",
);

export const modelsText = ["model gpt4o {", "  provider openai", "}", ""].join("\n");

export const sources = new Map([
  [MAIN, mainText],
  [MODELS, modelsText],
]);

/** A label over the `nth` occurrence of `needle` in `text`. */
export function at(file: string, text: string, needle: string, message = "", nth = 0): Label {
  let start = -1;
  for (let i = 0; i <= nth; i++) start = text.indexOf(needle, start + 1);
  if (start < 0) throw new Error(`fixture: ${needle} not found`);
  return { file, span: { start, end: start + needle.length }, message };
}

export function diag(partial: Partial<Diagnostic> & Pick<Diagnostic, "code" | "message" | "primary">): Diagnostic {
  return { severity: "error", secondary: [], notes: [], help: null, ...partial };
}

export const unknownModel = diag({
  code: "SY2001",
  message: "unknown model `gpt4`",
  primary: at(MAIN, mainText, "gpt4,", "not declared"),
  help: "did you mean `gpt4o`?",
});
// the span must not include the comma
unknownModel.primary.span.end -= 1;

export const crossFile = diag({
  code: "SY2002",
  severity: "warning",
  message: "model `gpt4o` is used before its provider is configured",
  primary: at(MAIN, mainText, "gpt4o", "used here"),
  secondary: [at(MODELS, modelsText, "openai", "provider declared here")],
  notes: ["providers need a `key` to be reachable"],
});
