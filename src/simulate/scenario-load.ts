// Reads a scenario file: YAML syntax first, then the valibot schema. Every problem names the path
// inside the file (`providers.openai.faults[1].at`), what was expected, and the line, so a user
// can fix it without reading a stack trace.
import * as v from "valibot";
import { isMap, isSeq, parseDocument, type Document } from "yaml";
import { LineIndex } from "../syntax/span.ts";
import { ScenarioSchema } from "./scenario-schema.ts";
import { expectationSpec, trafficSpec } from "./scenario-specs.ts";
import type { Scenario } from "./scenario-types.ts";

export interface ScenarioProblem {
  path: string; // dotted path, `` for the whole file
  message: string;
  line: number | null;
}

/** Names the scenario may refer to (from the compiled policy), so a typo is an input error, not a silent no-op. */
export interface ScenarioRefs {
  routes: readonly string[];
  models: readonly string[];
  providers: readonly string[];
}

export type ScenarioResult = { ok: true; scenario: Scenario } | { ok: false; problems: ScenarioProblem[] };

const MAX_SCENARIO_BYTES = 1024 * 1024;

export function parseScenario(text: string, name = "scenario", refs?: ScenarioRefs): ScenarioResult {
  if (text.length > MAX_SCENARIO_BYTES)
    return fail("", `the scenario is larger than ${MAX_SCENARIO_BYTES / 1024} KiB`, null);
  const lines = new LineIndex(text);
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors
        .slice(0, 10)
        .map((e) => ({ path: "", message: firstLine(e.message), line: lines.position(e.pos[0]).line })),
    };
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  const result = v.safeParse(ScenarioSchema, data);
  if (!result.success) {
    return { ok: false, problems: result.issues.slice(0, 10).map((issue) => describeIssue(issue, doc, lines)) };
  }
  const raw = result.output;
  if (refs) {
    const problems = unknownReferences(raw, refs).map(([keys, message]) => ({
      path: pathOf(keys),
      message,
      line: lineOf(doc, keys, lines),
    }));
    if (problems.length > 0) return { ok: false, problems };
  }
  return {
    ok: true,
    scenario: {
      name: raw.name ?? name,
      seed: raw.seed,
      durationMs: raw.duration,
      traffic: raw.traffic.map((t) => trafficSpec(t, raw.duration)),
      providers: raw.providers,
      models: raw.models,
      expect: raw.expect.map((e) => expectationSpec(e, raw.duration)),
      ...(raw.instances && raw.instances.count > 1 ? { instances: raw.instances } : {}),
    },
  };
}

export function formatProblems(file: string, problems: ScenarioProblem[]): string {
  return problems
    .map((p) => {
      const where = p.line === null ? file : `${file}:${p.line}`;
      return `error: ${p.path ? `\`${p.path}\`: ` : ""}${p.message}\n  --> ${where}`;
    })
    .join("\n");
}

function fail(path: string, message: string, line: number | null): ScenarioResult {
  return { ok: false, problems: [{ path, message, line }] };
}

function firstLine(message: string): string {
  const line = message.split("\n")[0];
  return line.charAt(0).toLowerCase() + line.slice(1);
}

type Issue = v.InferIssue<typeof ScenarioSchema>;
type Keys = (string | number)[];

function pathOf(keys: Keys): string {
  return keys.reduce<string>(
    (acc, k) => (typeof k === "number" ? `${acc}[${k}]` : acc ? `${acc}.${k}` : String(k)),
    "",
  );
}

function describeIssue(issue: Issue, doc: Document, lines: LineIndex): ScenarioProblem {
  const keys = (issue.path ?? []).map((p) => p.key as string | number);
  return { path: pathOf(keys), message: messageOf(issue), line: lineOf(doc, keys, lines) };
}

function unknownReferences(raw: v.InferOutput<typeof ScenarioSchema>, refs: ScenarioRefs): [Keys, string][] {
  const out: [Keys, string][] = [];
  const miss = (kind: string, name: string, known: readonly string[]) => {
    const list = known.length > 0 ? known.map((k) => `\`${k}\``).join(", ") : "none";
    return `the policy has no ${kind} \`${name}\`; its ${kind}s are ${list}`;
  };
  raw.traffic.forEach((t, i) => {
    if (!refs.routes.includes(t.route)) out.push([["traffic", i, "route"], miss("route", t.route, refs.routes)]);
  });
  for (const name of Object.keys(raw.providers))
    if (!refs.providers.includes(name)) out.push([["providers", name], miss("provider", name, refs.providers)]);
  for (const name of Object.keys(raw.models))
    if (!refs.models.includes(name)) out.push([["models", name], miss("model", name, refs.models)]);
  raw.expect.forEach((e, i) => {
    if ("model" in e && !refs.models.includes(e.model))
      out.push([["expect", i, "model"], miss("model", e.model, refs.models)]);
  });
  return out.slice(0, 10);
}

function messageOf(issue: Issue): string {
  if (issue.kind === "schema" && issue.type === "strict_object" && issue.input !== undefined) {
    return `unknown field \`${String(issue.input)}\`; check its spelling against docs/simulate.md`;
  }
  if (issue.kind === "schema" && issue.received === "undefined") return "missing; this field is required";
  const msg = issue.message;
  if (msg.startsWith("Invalid ")) return `expected ${issue.expected ?? "another value"}, got ${issue.received}`;
  return msg;
}

/** The line of the deepest node along `keys` that exists in the document. */
function lineOf(doc: Document, keys: (string | number)[], lines: LineIndex): number | null {
  let node: unknown = doc.contents;
  let range: [number, number, number] | null | undefined = (node as { range?: [number, number, number] } | null)?.range;
  for (const key of keys) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      const keyRange = (pair.key as { range?: [number, number, number] } | null)?.range;
      node = pair.value;
      range = (node as { range?: [number, number, number] } | null)?.range ?? keyRange ?? range;
    } else if (isSeq(node) && typeof key === "number") {
      node = node.items[key];
      range = (node as { range?: [number, number, number] } | null)?.range ?? range;
    } else break;
  }
  return range ? lines.position(range[0]).line : null;
}
