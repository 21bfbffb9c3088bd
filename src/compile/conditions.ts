// Rule conditions → CondNode. Capability words become bitmasks (several in one `and` merge into a
// single mask test), and `needs` records what a condition guarantees the request asks for:
// `and` = union, `or` = intersection, `not` and comparisons guarantee nothing.
import type { Cond, Subject, Value } from "../syntax/ast.ts";
import { CAP_BIT, type Capability, type CompareOp } from "../syntax/vocabulary.ts";
import type { CondNode, ScalarValue } from "./graph.ts";

export function compileCond(cond: Cond): CondNode {
  switch (cond.kind) {
    case "group":
      return compileCond(cond.inner);
    case "cap":
      return { op: "caps", mask: CAP_BIT[cond.name.name as Capability] ?? 0 };
    case "not":
      return { op: "not", arg: compileCond(cond.operand) };
    case "and":
      return mergeCaps({ op: "and", args: flatten("and", cond).map(compileCond) });
    case "or":
      return { op: "or", args: flatten("or", cond).map(compileCond) };
    case "compare":
      return compileCompare(cond.subject, cond.op.text as CompareOp, cond.value);
    case "key":
      return { op: "key", name: cond.name.value };
    case "tag":
      return { op: "tag", name: cond.name.name, value: cond.value.value };
  }
}

/** Capabilities a request matching `cond` is certain to need. */
export function guaranteedCaps(cond: Cond | null): number {
  if (cond === null) return 0;
  switch (cond.kind) {
    case "group":
      return guaranteedCaps(cond.inner);
    case "cap":
      return CAP_BIT[cond.name.name as Capability] ?? 0;
    case "and":
      return guaranteedCaps(cond.left) | guaranteedCaps(cond.right);
    case "or":
      return guaranteedCaps(cond.left) & guaranteedCaps(cond.right);
    default:
      return 0;
  }
}

/** `a and (b and c)` → [a, b, c]: one n-ary node instead of a nested chain. */
function flatten(op: "and" | "or", cond: Cond): Cond[] {
  if (cond.kind === "group") return flatten(op, cond.inner);
  if (cond.kind !== op) return [cond];
  return [...flatten(op, cond.left), ...flatten(op, cond.right)];
}

function mergeCaps(node: { op: "and"; args: CondNode[] }): CondNode {
  let mask = 0;
  const rest: CondNode[] = [];
  for (const a of node.args) {
    if (a.op === "caps") mask |= a.mask;
    else rest.push(a);
  }
  const args = mask === 0 ? rest : [{ op: "caps", mask } as CondNode, ...rest];
  return args.length === 1 ? args[0] : { op: "and", args };
}

function compileCompare(subject: Subject, cmp: CompareOp, value: Value): CondNode {
  switch (subject.kind) {
    case "tokens":
      return { op: "tokens", cmp, value: typeof scalar(value) === "number" ? (scalar(value) as number) : 0 };
    case "header":
      // Header names are case-insensitive on the wire; the engine looks them up lowercased.
      return { op: "header", name: subject.name.value.toLowerCase(), cmp, value: scalar(value) };
    case "metadata":
      return { op: "metadata", name: subject.name.value, cmp, value: scalar(value) };
    case "param":
      return {
        op: "param",
        name: subject.name.kind === "ident" ? subject.name.name : subject.name.value,
        cmp,
        value: scalar(value),
      };
  }
}

function scalar(v: Value): ScalarValue {
  switch (v.kind) {
    case "string":
      return v.value;
    case "number":
    case "size":
    case "percent":
      return v.value;
    case "duration":
      return v.ms;
    case "money":
      return v.usd;
    case "bool":
      return v.value;
    case "ident":
      return v.name;
    case "list":
      return v.items
        .map((i) => scalar(i.value))
        .filter((x): x is string | number => typeof x === "string" || typeof x === "number");
    default:
      return null;
  }
}
