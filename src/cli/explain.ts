// `switchyard explain <policy> <request.json> [--state FILE] [--key NAME] [--format human|json]`: the
// routing decision for one chat request, step by step, made by the engine's own decision code
// (`Engine.explain`), optionally against the breakers, quotas and cursors of a state snapshot, and
// for a declared key (its `when key`/`when tag` rules, limits and budgets).
import { readFile } from "node:fs/promises";
import * as v from "valibot";
import { renderDiagnostics } from "../check/render/index.ts";
import { compilePolicyFile } from "../compile/index.ts";
import { ManualClock } from "../ports/manual-clock.ts";
import { SeededRandom } from "../ports/seeded-random.ts";
import { defaultAdapters } from "../providers/index.ts";
import type { DecisionTrace, RuntimeState } from "../runtime/api.ts";
import { createEngine } from "../runtime/engine.ts";
import { explainKey } from "../server/explain-key.ts";
import { ChatBody, validate } from "../server/schemas.ts";
import { pruneToGraph, readSnapshotFile } from "../state/index.ts";
import { useColor } from "./color.ts";
import { renderExplain } from "./explain-render.ts";
import { choice, parseOptions } from "./options.ts";
import { EXIT, UsageError } from "./usage.ts";

/** A request file: a chat body, or `{ "headers": {…}, "body": {…} }` when headers matter (conditions, sticky keys). */
const WrappedRequest = v.object({ headers: v.optional(v.record(v.string(), v.string()), {}), body: v.unknown() });

export async function explain(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    state: { type: "string" },
    format: { type: "string" },
    key: { type: "string" },
  });
  const format = choice("format", values.format, ["human", "json"] as const, "human");
  if (positionals.length !== 2)
    throw new UsageError("`explain` needs a policy file and a request file (a chat body as JSON)");
  const [policyPath, requestPath] = positionals as [string, string];
  const compiled = await compilePolicyFile(policyPath);
  if (compiled.diagnostics.length) {
    process.stderr.write(
      renderDiagnostics(compiled.diagnostics, "human", new Map([[policyPath, compiled.source]]), {
        color: useColor(process.stderr, process.env),
      }),
    );
  }
  if (compiled.graph === null)
    return compiled.diagnostics.some((d) => d.code === "SY4001") ? EXIT.usage : EXIT.problems;
  const graph = compiled.graph;
  const key = values.key === undefined ? null : explainKey(graph, values.key);
  if (key !== null && !key.ok) throw new UsageError(key.message);
  const request = await readRequest(requestPath);
  const snapshot = values.state === undefined ? null : await readState(values.state, graph);
  // With a snapshot the decision is made as of the moment it was written, so its breakers and
  // quota windows read as they were; without one, as of now.
  const now = snapshot?.writtenAt ?? Date.now();
  const engine = createEngine({
    graph,
    // keys count as set: explain shows what a gateway that serves this policy (serve refuses to start without them) would do
    ports: {
      clock: new ManualClock(now),
      random: new SeededRandom(0),
      transport: { fetch: () => Promise.reject(new Error("explain makes no calls")) },
      secrets: { get: () => "set" },
    },
    adapters: defaultAdapters(),
    state: snapshot?.state,
  });
  const trace = engine.explain({
    id: "explain",
    route: request.body.model as string,
    body: request.body,
    headers: new Headers(request.headers),
    signal: new AbortController().signal,
    receivedAt: now,
    key: key?.key ?? null,
  });
  process.stdout.write(format === "json" ? JSON.stringify(trace, null, 2) + "\n" : renderExplain(trace, graph, now));
  return trace.chosen === null ? EXIT.problems : EXIT.ok;
}

async function readRequest(path: string): Promise<{ headers: Record<string, string>; body: Record<string, unknown> }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new UsageError(
      `cannot read the request \`${path}\`: ${e instanceof SyntaxError ? "not valid JSON" : ((e as { code?: string }).code ?? "read failed")}`,
    );
  }
  const wrapped =
    typeof parsed === "object" && parsed !== null && "body" in parsed ? v.safeParse(WrappedRequest, parsed) : null;
  const headers = wrapped?.success ? wrapped.output.headers : {};
  const checked = validate(ChatBody, wrapped?.success ? wrapped.output.body : parsed);
  if (!checked.ok) throw new UsageError(`the request \`${path}\` is not a valid chat body: ${checked.message}`);
  return { headers, body: checked.body };
}

async function readState(
  path: string,
  graph: Parameters<typeof pruneToGraph>[1],
): Promise<{ state: RuntimeState; writtenAt: number }> {
  const read = await readSnapshotFile(path);
  if (read.kind === "absent") throw new UsageError(`no state file \`${path}\``);
  if (read.kind !== "ok") throw new UsageError(`cannot use the state file \`${path}\`: ${read.message}`);
  return { state: pruneToGraph(read.document.state, graph).state, writtenAt: read.document.writtenAt };
}
