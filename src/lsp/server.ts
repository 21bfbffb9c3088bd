// `switchyard lsp`: a language server over stdio on vscode-languageserver. Each open `.route`
// document is a complete policy (the language has no includes), analysed by the same pipeline as
// lint; a workspace of several policies is several independent documents. Diagnostics are
// published on open at once and after edits once typing pauses (`debounceMs`, default 150).
import { fileURLToPath } from "node:url";
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { analyze, type Analysis } from "./analysis.ts";
import { toLspDiagnostic, quickFixActions } from "./diagnostics.ts";
import { registerDocumentFeatures } from "./document-features.ts";
import { registerNavigation } from "./navigation.ts";

const DEFAULT_DEBOUNCE_MS = 150;

/** What diagnostics call the document: its path for file URIs, else the URI itself. */
export function fileOf(uri: string): string {
  return uri.startsWith("file:") ? fileURLToPath(uri) : uri;
}

export class Workspace {
  readonly documents = new TextDocuments(TextDocument);
  private readonly analyses = new Map<string, { version: number; analysis: Analysis }>();

  /** The analysis of the document's current text, computed at most once per version. */
  analysis(doc: TextDocument): Analysis {
    const cached = this.analyses.get(doc.uri);
    if (cached?.version === doc.version) return cached.analysis;
    const analysis = analyze(doc.getText(), fileOf(doc.uri), cached?.analysis);
    this.analyses.set(doc.uri, { version: doc.version, analysis });
    return analysis;
  }

  has(uri: string): boolean {
    return this.analyses.has(uri);
  }

  forget(uri: string): void {
    this.analyses.delete(uri);
  }
}

export function startServer(connection: Connection = createConnection(ProposedFeatures.all)): void {
  const workspace = new Workspace();
  const { documents } = workspace;
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  let debounceMs = DEFAULT_DEBOUNCE_MS;

  const publish = (doc: TextDocument) => {
    const { result } = workspace.analysis(doc);
    const file = fileOf(doc.uri);
    connection.sendDiagnostics({
      uri: doc.uri,
      version: doc.version,
      diagnostics: result.diagnostics.map((d) => toLspDiagnostic(d, doc, file)),
    });
  };
  const schedule = (doc: TextDocument, delay: number) => {
    clearTimeout(timers.get(doc.uri));
    if (delay <= 0) return publish(doc);
    timers.set(
      doc.uri,
      setTimeout(() => {
        timers.delete(doc.uri);
        const current = documents.get(doc.uri);
        if (current) publish(current);
      }, delay),
    );
  };

  connection.onInitialize((params): InitializeResult => {
    const requested = (params.initializationOptions as { debounceMs?: unknown } | undefined)?.debounceMs;
    if (typeof requested === "number" && requested >= 0 && requested <= 10_000) debounceMs = requested;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        renameProvider: { prepareProvider: true },
        completionProvider: { triggerCharacters: [" ", "[", ",", ">"] },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        documentFormattingProvider: true,
        codeActionProvider: { codeActionKinds: ["quickfix"] },
      },
      serverInfo: { name: "switchyard" },
    };
  });

  // Fired for didOpen too: a document seen for the first time is published at once.
  documents.onDidChangeContent((e) => schedule(e.document, workspace.has(e.document.uri) ? debounceMs : 0));
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.delete(e.document.uri);
    workspace.forget(e.document.uri);
    connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });
  connection.onCodeAction((params) => quickFixActions(params.textDocument.uri, params.context.diagnostics));
  registerNavigation(connection, workspace);
  registerDocumentFeatures(connection, workspace);

  documents.listen(connection);
  connection.listen();
}
