// The VS Code extension's manifest hangs together: the language it contributes is `.route` with the
// grammar and language configuration that exist in the folder, the grammar's scope name matches,
// and the client starts the server with the command and options the server understands.
import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./tokenize.ts";

const DIR = join(ROOT, "editors/vscode");
const manifest = JSON.parse(readFileSync(join(DIR, "package.json"), "utf8"));

test("the manifest contributes the route language, its grammar and its configuration", () => {
  const [language] = manifest.contributes.languages;
  expect(language).toMatchObject({ id: "route", extensions: [".route"] });
  const config = JSON.parse(readFileSync(join(DIR, language.configuration), "utf8"));
  expect(config.comments).toEqual({ lineComment: "#" });
  expect(config.brackets).toContainEqual(["{", "}"]);
  const [grammar] = manifest.contributes.grammars;
  expect(grammar.language).toBe("route");
  const tm = JSON.parse(readFileSync(join(DIR, grammar.path), "utf8"));
  expect(tm.scopeName).toBe(grammar.scopeName);
  expect(existsSync(join(DIR, manifest.main))).toBe(true);
});

test("the client starts `switchyard lsp` and passes the debounce the server reads", () => {
  expect(manifest.contributes.configuration.properties["switchyard.server.command"].default).toEqual([
    "switchyard",
    "lsp",
    "--stdio",
  ]);
  const client = readFileSync(join(DIR, manifest.main), "utf8");
  expect(client).toContain("initializationOptions: { debounceMs:");
  expect(manifest.scripts.package).toStartWith("vsce package");
});
