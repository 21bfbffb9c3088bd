// Prints the one-line parts of a policy (values, conditions, targets) for the formatter. Literals
// come from their `raw` text so `1_000`, `$2.50` and escapes survive formatting unchanged; the
// user's parentheses come back from `group` nodes, so no precedence logic is needed here.
import type { Block, Cond, Ident, ListItem, Member, Name, Rule, Subject, Target, TargetItem, Value } from "./ast.ts";

/** Separator between members of a block printed on one line: `{ connect 5s  total 5m }`. */
export const INLINE_MEMBER_SEPARATOR = "  ";

export function printValue(v: Value): string {
  switch (v.kind) {
    case "string":
    case "number":
    case "duration":
    case "size":
    case "money":
    case "percent":
    case "rate":
    case "status_class":
      return v.raw;
    case "bool":
      return v.value ? "true" : "false";
    case "ident":
      return printIdent(v);
    case "list":
      return `[${v.items.map(printListItem).join(", ")}]`;
    case "block":
      return printInlineBlock(v);
    case "call":
      return `${printIdent(v.callee)}(${v.args.map(printValue).join(", ")})`;
  }
}

export function printListItem(i: ListItem): string {
  return printValue(i.value) + (i.weight ? ` ${i.weight.raw}` : "");
}

export function printInlineBlock(b: Block): string {
  if (b.members.length === 0) return "{}";
  return `{ ${b.members.map(printInlineMember).join(INLINE_MEMBER_SEPARATOR)} }`;
}

export function printInlineMember(m: Member): string {
  if (m.kind === "property") return `${printIdent(m.key)} ${printValue(m.value)}`;
  return printRuleHead(m) + (m.settings ? ` ${printInlineBlock(m.settings)}` : "");
}

/** `when <cond> -> <target>` or `otherwise -> <target>`, without the settings block. */
export function printRuleHead(r: Rule): string {
  const head = r.cond === null ? "otherwise" : `when ${printCond(r.cond)}`;
  return `${head} -> ${printTarget(r.target)}`;
}

export function printCond(c: Cond): string {
  switch (c.kind) {
    case "cap":
      return printIdent(c.name);
    case "and":
      return `${printCond(c.left)} and ${printCond(c.right)}`;
    case "or":
      return `${printCond(c.left)} or ${printCond(c.right)}`;
    case "not":
      return `not ${printCond(c.operand)}`;
    case "group":
      return `(${printCond(c.inner)})`;
    case "compare":
      return `${printSubject(c.subject)} ${c.op.text} ${printValue(c.value)}`;
    case "key":
      return `key ${printName(c.name)}`;
    case "tag":
      return `tag ${printIdent(c.name)} ${c.value.raw}`;
  }
}

export function printSubject(s: Subject): string {
  switch (s.kind) {
    case "tokens":
      return "tokens";
    case "header":
    case "metadata":
      return `${s.kind} ${s.name.raw}`;
    case "param":
      return `param ${s.name.kind === "string" ? s.name.raw : printIdent(s.name)}`;
  }
}

export function printTarget(t: Target): string {
  switch (t.kind) {
    case "chain":
      return printItems(t.items);
    case "strategy":
      return `${printIdent(t.strategy)}${t.key ? `(${printSubject(t.key)})` : ""} ${printItems(t.items)}`;
    case "route_ref":
      return `route ${printName(t.name)}`;
    case "split":
      return `split [${t.arms.map((a) => printTarget(a.target) + (a.weight ? ` ${a.weight.raw}` : "")).join(", ")}]`;
    case "model":
      return printIdent(t.ref);
  }
}

function printItems(items: TargetItem[]): string {
  return `[${items.map((i) => printIdent(i.ref) + (i.weight ? ` ${i.weight.raw}` : "")).join(", ")}]`;
}

export function printIdent(id: Ident): string {
  return id.quoted ? quote(id.name) : id.name;
}

export function printName(n: Name): string {
  return n.quoted ? quote(n.value) : n.value;
}

/** A string literal the grammar reads back as `value`: only the escapes it knows. */
export function quote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (code < 0x20 || code === 0x7f || (code >= 0xd800 && code <= 0xdfff))
      out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return out + '"';
}
