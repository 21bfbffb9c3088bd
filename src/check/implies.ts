// Whether one rule condition implies another (every request matching `x` also matches `y`).
// Sound but incomplete: it answers true only when it can prove it, so a shadowed-rule report is
// never wrong, and a subtle shadowing may go unreported.
import type { CompareCond, Cond, Value } from "../syntax/ast.ts";
import { unwrap } from "./walk.ts";

/**
 * `keys` caches each condition's canonical text: a caller comparing many pairs (every rule of a
 * route against the earlier ones) passes one map so each text is built once.
 */
export function implies(xIn: Cond, yIn: Cond, keys: Map<Cond, string> = new Map()): boolean {
  const x = unwrap(xIn);
  const y = unwrap(yIn);
  if (keyOf(x, keys) === keyOf(y, keys)) return true;
  if (y.kind === "and") return implies(x, y.left, keys) && implies(x, y.right, keys);
  if (x.kind === "or") return implies(x.left, y, keys) && implies(x.right, y, keys);
  if (y.kind === "or" && (implies(x, y.left, keys) || implies(x, y.right, keys))) return true;
  if (x.kind === "and") return implies(x.left, y, keys) || implies(x.right, y, keys);
  if (x.kind === "not" && y.kind === "not") return implies(y.operand, x.operand, keys);
  if (x.kind === "compare" && y.kind === "compare") return compareImplies(x, y);
  return false;
}

function keyOf(cond: Cond, keys: Map<Cond, string>): string {
  let key = keys.get(cond);
  if (key === undefined) keys.set(cond, (key = condKey(cond)));
  return key;
}

/** A canonical text for a condition: spans, parentheses and the order of `and`/`or` operands ignored. */
export function condKey(cond: Cond): string {
  const c = unwrap(cond);
  switch (c.kind) {
    case "cap":
      return c.name.name;
    case "not":
      return `not(${condKey(c.operand)})`;
    case "and":
    case "or":
      return `${c.kind}(${flatten(c, c.kind).map(condKey).sort().join(",")})`;
    case "compare":
      return `${subjectKey(c)} ${c.op.text} ${valueKey(c.value)}`;
    case "group":
      return condKey(c.inner);
    case "key":
      return `key:${c.name.value}`;
    case "tag":
      return `tag:${c.name.name}=${JSON.stringify(c.value.value)}`;
  }
}

function flatten(cond: Cond, kind: "and" | "or"): Cond[] {
  const c = unwrap(cond);
  return c.kind === kind ? [...flatten(c.left, kind), ...flatten(c.right, kind)] : [c];
}

function subjectKey(c: CompareCond): string {
  const s = c.subject;
  if (s.kind === "tokens") return "tokens";
  const name = s.name.kind === "ident" ? s.name.name : s.name.value;
  return `${s.kind}:${s.kind === "header" ? name.toLowerCase() : name}`;
}

function valueKey(v: Value): string {
  const scalar = scalarOf(v);
  if (scalar !== undefined) return JSON.stringify(scalar);
  if (v.kind === "list") return `[${v.items.map((i) => valueKey(i.value)).join(",")}]`;
  return `${v.kind}:${v.span.start}`; // not comparable: unique
}

function scalarOf(v: Value): string | number | boolean | undefined {
  switch (v.kind) {
    case "number":
    case "size":
    case "percent":
      return v.value;
    case "string":
      return v.value;
    case "ident":
      return v.name;
    case "bool":
      return v.value;
    default:
      return undefined;
  }
}

/** `x: s op1 a` implies `y: s op2 b` for the same subject. */
function compareImplies(x: CompareCond, y: CompareCond): boolean {
  if (subjectKey(x) !== subjectKey(y)) return false;
  const a = scalarOf(x.value);
  const b = scalarOf(y.value);
  const xOp = x.op.text;
  const yOp = y.op.text;
  if (yOp === "in" && y.value.kind === "list") {
    const allowed = new Set(y.value.items.map((i) => valueKey(i.value)));
    if (xOp === "==") return allowed.has(valueKey(x.value));
    if (xOp === "in" && x.value.kind === "list") return x.value.items.every((i) => allowed.has(valueKey(i.value)));
    return false;
  }
  if (typeof a === "string" && typeof b === "string" && xOp === "==") return stringImplies(a, yOp, b);
  if (typeof a !== "number" || typeof b !== "number") return false;
  return numberImplies(xOp, a, yOp, b);
}

function stringImplies(a: string, op: string, b: string): boolean {
  switch (op) {
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    case "starts_with":
      return a.startsWith(b);
    case "ends_with":
      return a.endsWith(b);
    case "contains":
      return a.includes(b);
    default:
      return false;
  }
}

/** Every number n with `n xOp a` also has `n yOp b`. */
function numberImplies(xOp: string, a: number, yOp: string, b: number): boolean {
  // The set of x as an interval [lo, hi] with open/closed ends; `!=` is not an interval.
  const lo = xOp === ">" || xOp === ">=" || xOp === "==" ? a : -Infinity;
  const hi = xOp === "<" || xOp === "<=" || xOp === "==" ? a : Infinity;
  const loOpen = xOp === ">";
  const hiOpen = xOp === "<";
  if (xOp === "!=") return yOp === "!=" && a === b;
  switch (yOp) {
    case ">":
      return lo > b || (lo === b && loOpen);
    case ">=":
      return lo >= b;
    case "<":
      return hi < b || (hi === b && hiOpen);
    case "<=":
      return hi <= b;
    case "==":
      return xOp === "==" && a === b;
    case "!=":
      return lo > b || (lo === b && loOpen) || hi < b || (hi === b && hiOpen);
    default:
      return false;
  }
}
