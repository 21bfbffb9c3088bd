// The VS Code client for Switchyard `.route` policies: it starts `switchyard lsp` (the command is a
// setting) and leaves everything else, diagnostics to formatting, to the server. Highlighting comes
// from the TextMate grammar in syntaxes/, which needs no server at all.
"use strict";
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("switchyard");
  const [command, ...args] = config.get("server.command", ["switchyard", "lsp", "--stdio"]);
  const server = { command, args, options: { cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath } };
  client = new LanguageClient(
    "switchyard",
    "Switchyard",
    { run: server, debug: server },
    {
      documentSelector: [{ language: "route" }],
      initializationOptions: { debounceMs: config.get("diagnostics.debounceMs", 150) },
    },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
