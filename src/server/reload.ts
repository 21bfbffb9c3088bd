// Hot reload of the policy: watch the policy files, recompile in the background after edits settle
// (editors write in bursts), and swap only a policy that compiled cleanly. A broken edit is logged
// with its rendered diagnostics and the running graph stays; /admin/reload runs the same path.
import { readFileSync, watch, type FSWatcher } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import type { Graph } from "../compile/graph.ts";
import { INPUT_MESSAGES, inputDiagnostic } from "../check/index.ts";
import type { Diagnostic } from "../syntax/diagnostic.ts";
import type { ReloadOutcome } from "./context.ts";
import { eventLogLine, type LogSink } from "./request-log.ts";

export type CompileFile = (path: string) => Promise<{ graph: Graph | null; diagnostics: Diagnostic[] }>;
export type RenderDiagnostics = (diags: Diagnostic[], sources: Map<string, string>) => string;

export interface PolicyReloaderOptions {
  path: string;
  compile: CompileFile;
  render: RenderDiagnostics;
  /** Swaps the graph in (Gateway.reload). */
  apply: (graph: Graph) => void;
  /** A last check before applying (serve: are its keys set?); a message refuses the graph. */
  admit?: (graph: Graph) => string | null;
  log: LogSink;
  now: () => number;
  /** Quiet time after the last file event before recompiling. */
  debounceMs?: number;
  /** Called after every background reload, applied or not (tests await this instead of sleeping). */
  onReload?: (outcome: ReloadOutcome) => void;
}

export interface PolicyReloader {
  /** Recompiles now; concurrent calls run one after another. */
  reloadNow(): Promise<ReloadOutcome>;
  /** Starts watching the policy file (and the files it was compiled from). */
  watch(sources?: string[]): void;
  close(): void;
}

function readSources(diags: Diagnostic[], path: string): Map<string, string> {
  const files = new Set([path, ...diags.flatMap((d) => [d.primary.file, ...d.secondary.map((l) => l.file)])]);
  const sources = new Map<string, string>();
  for (const file of files) {
    try {
      sources.set(file, readFileSync(file, "utf8"));
    } catch {
      // A file that vanished mid-edit: the renderer prints the diagnostic without a snippet.
    }
  }
  return sources;
}

export function createPolicyReloader(opts: PolicyReloaderOptions): PolicyReloader {
  const debounceMs = opts.debounceMs ?? 100;
  let chain: Promise<unknown> = Promise.resolve();
  let watchers: FSWatcher[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let watched: string[] = [];

  async function compileAndApply(): Promise<ReloadOutcome> {
    let result: Awaited<ReturnType<CompileFile>>;
    try {
      result = await opts.compile(opts.path);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      result = { graph: null, diagnostics: [ioDiagnostic(opts.path, message)] };
    }
    const rendered =
      result.diagnostics.length > 0 ? opts.render(result.diagnostics, readSources(result.diagnostics, opts.path)) : "";
    const failed = result.graph === null || result.diagnostics.some((d) => d.severity === "error");
    if (failed || !result.graph) {
      opts.log(eventLogLine("reload_rejected", opts.now(), { path: opts.path, diagnostics: rendered }));
      return { applied: false, sources: [opts.path], diagnostics: result.diagnostics, rendered };
    }
    const refusal = opts.admit?.(result.graph) ?? null;
    if (refusal !== null) {
      opts.log(eventLogLine("reload_rejected", opts.now(), { path: opts.path, diagnostics: refusal }));
      return {
        applied: false,
        sources: result.graph.sources,
        diagnostics: result.diagnostics,
        rendered: `${rendered}${refusal}\n`,
      };
    }
    opts.apply(result.graph);
    if (watchers.length > 0) rewatch(result.graph.sources);
    return { applied: true, sources: result.graph.sources, diagnostics: result.diagnostics, rendered };
  }

  function reloadNow(): Promise<ReloadOutcome> {
    const run = chain.then(compileAndApply, compileAndApply);
    chain = run;
    return run;
  }

  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void reloadNow().then((outcome) => opts.onReload?.(outcome));
    }, debounceMs);
  }

  /** Watches directories, not files: editors often replace a file by renaming, which ends a file watch. */
  function rewatch(sources: string[]): void {
    const files = [...new Set([opts.path, ...sources].map((f) => resolve(f)))];
    if (files.join("\n") === watched.join("\n") && watchers.length > 0) return;
    for (const w of watchers) w.close();
    watched = files;
    const byDir = new Map<string, Set<string>>();
    for (const f of files) byDir.set(dirname(f), (byDir.get(dirname(f)) ?? new Set()).add(basename(f)));
    watchers = [...byDir].map(([dir, names]) =>
      watch(dir, (_event, name) => {
        if (name === null || names.has(basename(String(name)))) schedule();
      }),
    );
  }

  return {
    reloadNow,
    watch: (sources = []) => rewatch(sources),
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
      for (const w of watchers) w.close();
      watchers = [];
    },
  };
}

function ioDiagnostic(file: string, message: string): Diagnostic {
  return inputDiagnostic(
    "SY4001",
    INPUT_MESSAGES.SY4001.cannotReload({ path: file, reason: message.toLowerCase() }),
    { file, span: { start: 0, end: 0 }, message: "" },
    {
      help: "check that the file exists and is readable",
    },
  );
}
