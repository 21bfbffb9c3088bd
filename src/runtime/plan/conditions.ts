// Rule conditions compiled once per graph into plain closures, so the hot path calls a function
// instead of walking CondNode trees (regexes are built here, not per request).
import type { CondNode, ScalarValue } from "../../compile/graph.ts";
import type { CompareOp } from "../../syntax/vocabulary.ts";
import type { HeaderView } from "../api.ts";

export interface CondInput {
  needs: number;
  promptTokens: number;
  headers: HeaderView;
  body: Record<string, unknown>;
  /** The calling declared key (its name and resolved tags); null or absent when anonymous. */
  key?: { name: string; tags: Readonly<Record<string, string>> } | null;
}

export type CondFn = (input: CondInput) => boolean;

const always: CondFn = () => true;

export function compileCond(cond: CondNode | null): CondFn {
  if (cond === null) return always;
  switch (cond.op) {
    case "caps": {
      const mask = cond.mask;
      return (i) => (i.needs & mask) === mask;
    }
    case "and": {
      const args = cond.args.map(compileCond);
      return (i) => args.every((f) => f(i));
    }
    case "or": {
      const args = cond.args.map(compileCond);
      return (i) => args.some((f) => f(i));
    }
    case "not": {
      const arg = compileCond(cond.arg);
      return (i) => !arg(i);
    }
    case "tokens": {
      const test = comparer(cond.cmp, cond.value);
      return (i) => test(i.promptTokens);
    }
    case "header": {
      const test = comparer(cond.cmp, cond.value);
      const name = cond.name;
      return (i) => test(i.headers.get(name));
    }
    case "metadata": {
      const test = comparer(cond.cmp, cond.value);
      const name = cond.name;
      return (i) => {
        const md = i.body.metadata;
        return test(typeof md === "object" && md !== null ? (md as Record<string, unknown>)[name] : undefined);
      };
    }
    case "param": {
      const test = comparer(cond.cmp, cond.value);
      const path = cond.name.split(".");
      return (i) => test(readPath(i.body, path));
    }
    case "key": {
      const name = cond.name;
      return (i) => i.key != null && i.key.name === name;
    }
    case "tag": {
      const { name, value } = cond;
      return (i) => i.key != null && Object.hasOwn(i.key.tags, name) && i.key.tags[name] === value;
    }
  }
}

function readPath(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const key of path) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function equals(actual: unknown, expected: string | number | boolean | null): boolean {
  if (actual === undefined || actual === null) return expected === null;
  if (expected === null) return false;
  if (typeof expected === "number") return Number(actual) === expected;
  if (typeof expected === "boolean") return actual === expected || String(actual) === String(expected);
  return String(actual) === expected;
}

function scalar(v: ScalarValue): string | number | boolean | null {
  return Array.isArray(v) ? (v[0] ?? null) : v;
}

/** Builds the comparison once; missing values only ever match `== null` and `!=`. */
export function comparer(cmp: CompareOp, value: ScalarValue): (actual: unknown) => boolean {
  const present = (a: unknown): boolean => a !== undefined && a !== null;
  switch (cmp) {
    case "==":
      return (a) => equals(a, scalar(value));
    case "!=":
      return (a) => !equals(a, scalar(value));
    case "<":
    case "<=":
    case ">":
    case ">=": {
      const limit = Number(scalar(value));
      return (a) => {
        if (!present(a) || a === "") return false;
        const n = Number(a);
        if (!Number.isFinite(n) || !Number.isFinite(limit)) return false;
        return cmp === "<" ? n < limit : cmp === "<=" ? n <= limit : cmp === ">" ? n > limit : n >= limit;
      };
    }
    case "in": {
      const options = Array.isArray(value) ? value : [value];
      return (a) => present(a) && options.some((o) => equals(a, o));
    }
    case "starts_with": {
      const s = String(scalar(value));
      return (a) => present(a) && String(a).startsWith(s);
    }
    case "ends_with": {
      const s = String(scalar(value));
      return (a) => present(a) && String(a).endsWith(s);
    }
    case "contains": {
      const s = scalar(value);
      return (a) => {
        if (!present(a)) return false;
        if (Array.isArray(a)) return a.some((x) => equals(x, s));
        return String(a).includes(String(s));
      };
    }
    case "matches": {
      const re = new RegExp(String(scalar(value)));
      return (a) => present(a) && re.test(String(a));
    }
  }
}
