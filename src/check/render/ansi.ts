// Terminal colours for the human renderer. Kept apart so that, with colour off, the renderer's
// output is plain text byte for byte (the golden tests rely on it).
import type { Severity } from "../../syntax/diagnostic.ts";

export type Style = "bold" | "gutter" | "secondary" | "help" | Severity;

const CODES: Record<Style, string> = {
  bold: "1",
  gutter: "1;34",
  secondary: "1;34",
  help: "1;36",
  error: "1;31",
  warning: "1;33",
  info: "1;36",
};

export type Paint = (style: Style, text: string) => string;

export function painter(color: boolean): Paint {
  if (!color) return (_style, text) => text;
  return (style, text) => (text === "" ? text : `\x1b[${CODES[style]}m${text}\x1b[0m`);
}

/**
 * Control characters from user input (a string escape can hold ESC) would drive the terminal,
 * and bidi overrides would reorder what the reader sees; show them as `\u001b` instead.
 * Newlines in messages are kept.
 */
export function sanitize(text: string): string {
  return text.replace(
    /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
