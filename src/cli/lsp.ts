// `switchyard lsp`: the language server for `.route` files, speaking LSP over stdin/stdout until
// the editor closes the connection. `--stdio` is accepted (and implied) because editors' client
// libraries pass it by default.
import { parseOptions } from "./options.ts";

export async function lspCommand(argv: readonly string[]): Promise<number | null> {
  parseOptions(argv, { stdio: { type: "boolean" } });
  const { startServer } = await import("../lsp/server.ts");
  startServer();
  return null; // the connection keeps the process alive; `exit` from the client ends it
}
