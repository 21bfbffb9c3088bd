// `switchyard lsp`: the language server for `.route` files, speaking LSP over stdin/stdout until
// the editor closes the connection. `--stdio` is accepted (and implied) because editors' client
// libraries pass it by default.
import { parseOptions } from "./options.ts";

export async function lspCommand(argv: readonly string[]): Promise<number | null> {
  parseOptions(argv, { stdio: { type: "boolean" } });
  // vscode-languageserver picks its transport from process.argv (and only with `--stdio` keeps
  // console output off the protocol stream); without it, `switchyard lsp` and `npm run lsp` died.
  if (!process.argv.includes("--stdio")) process.argv.push("--stdio");
  const { startServer } = await import("../lsp/server.ts");
  startServer();
  return null; // the connection keeps the process alive; `exit` from the client ends it
}
