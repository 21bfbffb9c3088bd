// Drives the real `switchyard lsp` as a child process over stdio JSON-RPC, the way an editor does,
// with vscode-languageserver-protocol's client-side connection. Diagnostics are awaited by
// document version (each publish carries the version it was computed for), never by sleeping.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type Position,
  type ProtocolConnection,
} from "vscode-languageserver-protocol/node";

export const ROOT = join(import.meta.dir, "../..");

interface Published {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}

export class LspClient {
  readonly connection: ProtocolConnection;
  private readonly child: ChildProcess;
  private readonly published: Published[] = [];
  private readonly waiters: { match: (p: Published) => boolean; resolve: (p: Published) => void }[] = [];
  private readonly texts = new Map<string, string>();
  private stderr = "";

  constructor(args: string[] = ["lsp", "--stdio"]) {
    this.child = spawn(process.execPath, [join(ROOT, "src/cli/main.ts"), ...args], {
      cwd: ROOT,
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child.stderr!.on("data", (d) => (this.stderr += String(d)));
    this.connection = createProtocolConnection(
      new StreamMessageReader(this.child.stdout!),
      new StreamMessageWriter(this.child.stdin!),
    );
    this.connection.onNotification("textDocument/publishDiagnostics", (p: Published) => {
      this.published.push(p);
      for (const w of [...this.waiters]) {
        if (w.match(p)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p);
        }
      }
    });
    this.connection.listen();
  }

  async initialize(debounceMs = 0): Promise<unknown> {
    const result = await this.connection.sendRequest("initialize", {
      processId: null,
      rootUri: pathToFileURL(ROOT).href,
      capabilities: {},
      initializationOptions: { debounceMs },
    });
    await this.connection.sendNotification("initialized", {});
    return result;
  }

  /** The diagnostics published for `uri` at `version` (already received or still to come). */
  diagnostics(uri: string, version: number): Promise<Diagnostic[]> {
    const match = (p: Published) => p.uri === uri && p.version === version;
    const seen = this.published.find(match);
    if (seen) return Promise.resolve(seen.diagnostics);
    return new Promise((resolve) => this.waiters.push({ match, resolve: (p) => resolve(p.diagnostics) }));
  }

  /** The versions diagnostics were published for, in order. */
  publishedVersions(uri: string): (number | undefined)[] {
    return this.published.filter((p) => p.uri === uri).map((p) => p.version);
  }

  /** Opens a document (a file of the repository by default) and returns its URI. */
  async open(path: string, text = readFileSync(join(ROOT, path), "utf8")): Promise<string> {
    const uri = pathToFileURL(join(ROOT, path)).href;
    this.texts.set(uri, text);
    await this.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "route", version: 1, text },
    });
    return uri;
  }

  /** An incremental change, as editors send them: `newText` replaces `range` (this client keeps its copy in step). */
  async edit(uri: string, version: number, range: { start: Position; end: Position }, newText: string): Promise<void> {
    const text = this.texts.get(uri)!;
    const offset = (p: Position) =>
      text
        .split("\n")
        .slice(0, p.line)
        .reduce((n, l) => n + l.length + 1, 0) + p.character;
    this.texts.set(uri, text.slice(0, offset(range.start)) + newText + text.slice(offset(range.end)));
    await this.connection.sendNotification("textDocument/didChange", {
      textDocument: { uri, version },
      contentChanges: [{ range, text: newText }],
    });
  }

  text(uri: string): string {
    return this.texts.get(uri)!;
  }

  async change(uri: string, version: number, text: string): Promise<void> {
    this.texts.set(uri, text);
    await this.connection.sendNotification("textDocument/didChange", {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
  }

  /** The position of the `nth` occurrence of `needle` in the open text, plus `offset` characters. */
  position(uri: string, needle: string, offset = 0, nth = 1): Position {
    const text = this.texts.get(uri)!;
    let at = -1;
    for (let i = 0; i < nth; i++) at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`\`${needle}\` not in ${uri}`);
    const before = text.slice(0, at + offset);
    const line = before.split("\n").length - 1;
    return { line, character: before.length - before.lastIndexOf("\n") - 1 };
  }

  request<R>(method: string, uri: string, extra: object = {}): Promise<R> {
    return this.connection.sendRequest(method, { textDocument: { uri }, ...extra }) as Promise<R>;
  }

  /** shutdown, exit, and the exit code of the process. */
  async close(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.child.once("exit", (code) => resolve(code)));
    await this.connection.sendRequest("shutdown");
    await this.connection.sendNotification("exit");
    const code = await exited;
    this.connection.dispose();
    return code;
  }

  get errors(): string {
    return this.stderr;
  }
}
