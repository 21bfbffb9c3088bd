// The TextMate grammar (editors/vscode/syntaxes/route.tmLanguage.json) against the parser as the
// oracle: every shipped policy and every ```route example of docs/language.md is tokenized, and each
// literal, name, keyword and comment the parser finds must carry the grammar scope for its kind.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Policy } from "../../src/syntax/ast.ts";
import { parsePolicy } from "../../src/syntax/parse.ts";
import { ROOT, scopesAt, tokenize, type Token } from "./tokenize.ts";

const POLICIES = readdirSync(join(ROOT, "policies"))
  .filter((f) => f.endsWith(".route"))
  .map((f) => ({ name: f, text: readFileSync(join(ROOT, "policies", f), "utf8") }));
const DOC = readFileSync(join(ROOT, "docs/language.md"), "utf8");
/** Each example as a policy: whole, or as the body of a route or `defaults` block (as docs-examples.test.ts reads them). */
const EXAMPLES = [...DOC.matchAll(/```route\n([\s\S]*?)```/g)].map((m, i) => {
  const e = m[1].replace(/^ {2}/gm, "");
  const indented = e.replace(/^(?=.)/gm, "  ");
  const text =
    [e, `route doc {\n${indented}}\n`, `defaults {\n${indented}}\n`].find(
      (t) => parsePolicy(t, "doc.route").policy !== null,
    ) ?? e;
  return { name: `language.md example ${i + 1}`, text };
});

/** What scope each kind of node must start with, keyed by AST node kind. */
const LITERAL_SCOPES: Record<string, string> = {
  duration: "constant.numeric.duration.route",
  size: "constant.numeric.size.route",
  money: "constant.numeric.money.route",
  percent: "constant.numeric.percentage.route",
  status_class: "constant.numeric.status-class.route",
  number: "constant.numeric.route",
  string: "string.quoted.double.route",
  bool: "constant.language.boolean.route",
};

/** Every (offset, expected scope) the parser's AST implies for a policy. */
function expectations(policy: Policy): { offset: number; scope: string; what: string }[] {
  const out: { offset: number; scope: string; what: string }[] = [];
  const visit = (node: unknown, parentKind: string | null): void => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n, parentKind));
    if (node === null || typeof node !== "object") return;
    const n = node as { kind?: string; span?: { start: number }; amount?: { kind: string } };
    if (n.kind === "rate" && n.amount) {
      const scope = LITERAL_SCOPES[n.amount.kind];
      out.push({ offset: n.span!.start, scope, what: "rate" });
      return;
    }
    if (n.kind && n.span && LITERAL_SCOPES[n.kind] && parentKind !== "rate")
      out.push({ offset: n.span.start, scope: LITERAL_SCOPES[n.kind], what: n.kind });
    if (n.kind === "call")
      out.push({ offset: n.span!.start, scope: "support.function.builtin.env.route", what: "env(…)" });
    for (const [key, value] of Object.entries(node)) if (key !== "span") visit(value, n.kind ?? parentKind);
  };
  for (const decl of policy.items) {
    out.push({
      offset: decl.keyword.span.start,
      scope: `storage.type.${decl.kind}.route`,
      what: `${decl.kind} keyword`,
    });
    if (decl.name)
      out.push({
        offset: decl.name.span.start,
        scope: {
          provider: "entity.name.type.provider.route",
          model: "entity.name.type.model.route",
          route: "entity.name.function.route.route",
          key: "entity.name.type.key.route",
          team: "entity.name.type.team.route",
        }[decl.kind as "provider"],
        what: "declared name",
      });
    for (const m of decl.body.members) {
      if (m.kind !== "rule") continue;
      out.push({
        offset: m.keyword.span.start,
        scope: `keyword.control.${m.keyword.text}.route`,
        what: "rule keyword",
      });
      const t = m.target;
      const items =
        t.kind === "chain" || t.kind === "strategy" ? t.items.map((i) => i.ref) : t.kind === "model" ? [t.ref] : [];
      for (const ref of items)
        out.push({ offset: ref.span.start, scope: "variable.other.model.route", what: `model reference ${ref.name}` });
      if (t.kind === "route_ref")
        out.push({ offset: t.name.span.start, scope: "variable.other.route.route", what: "route reference" });
    }
    visit(decl.body, null);
  }
  for (const c of policy.comments)
    out.push({ offset: c.span.start, scope: "comment.line.number-sign.route", what: "comment" });
  return out;
}

const describeMiss = (tokens: Token[], text: string, e: { offset: number; scope: string; what: string }) =>
  `${e.what} \`${text.slice(e.offset, e.offset + 16).split("\n")[0]}\`: ${scopesAt(tokens, e.offset).join(" ")}`;

for (const { name, text } of [...POLICIES, ...EXAMPLES]) {
  test(`${name}: every literal, name, keyword and comment has its scope`, async () => {
    const policy = parsePolicy(text, name).policy;
    expect(policy).not.toBeNull();
    const tokens = await tokenize(text);
    const wanted = expectations(policy!);
    expect(wanted.length).toBeGreaterThan(0);
    const missed = wanted
      .filter((e) => !scopesAt(tokens, e.offset).includes(e.scope))
      .map((e) => describeMiss(tokens, text, e));
    expect(missed).toEqual([]);
    expect(tokens.filter((t) => t.scopes.some((s) => s.startsWith("invalid"))).map((t) => t.text)).toEqual([]);
  });
}

test("the shipped policies and examples cover every kind the grammar scopes", async () => {
  const all = (await Promise.all([...POLICIES, ...EXAMPLES].map((p) => tokenize(p.text)))).flat();
  const scopes = new Set(all.flatMap((t) => t.scopes));
  for (const scope of [
    ...Object.values(LITERAL_SCOPES),
    "support.function.builtin.env.route",
    "comment.line.number-sign.route",
    "keyword.operator.arrow.route",
    "support.constant.capability.route",
    "support.type.property-name.route",
    "variable.other.provider.route",
    "support.function.strategy.route",
    "keyword.operator.logical.route",
  ])
    expect({ scope, found: scopes.has(scope) }).toEqual({ scope, found: true });
});

test("scopes of one line, token by token", async () => {
  const line = "model m { provider p  can [chat, tools]  context 128k  price { input $2.50 } }  # note";
  const tokens = await tokenize(
    `${line}\nroute r {\n  when tokens > 8k and header "x" == "a\\"b" -> sticky(header "s") [m 70%, n 30%] { timeout { total 1.5s } }\n  otherwise -> route other\n}\nprovider p { kind openai  key env("K")  quota { requests 500/min  spend $5/day } }\n`,
  );
  const scopeOf = (text: string, nth = 1) => {
    const hits = tokens.filter((t) => t.text === text);
    return hits[nth - 1]?.scopes.at(-1);
  };
  expect(scopeOf("model")).toBe("storage.type.model.route");
  expect(scopeOf("m")).toBe("entity.name.type.model.route");
  expect(scopeOf("provider")).toBe("support.type.property-name.route");
  expect(scopeOf("p")).toBe("variable.other.provider.route");
  expect(scopeOf("chat")).toBe("support.constant.capability.route");
  expect(scopeOf("128k")).toBe("constant.numeric.size.route");
  expect(scopeOf("$2.50")).toBe("constant.numeric.money.route");
  expect(scopeOf(" note")).toBe("comment.line.number-sign.route");
  expect(scopeOf("#")).toBe("punctuation.definition.comment.route");
  expect(scopeOf("when")).toBe("keyword.control.when.route");
  expect(scopeOf("tokens")).toBe("variable.language.subject.route");
  expect(scopeOf("8k")).toBe("constant.numeric.size.route");
  expect(scopeOf("and")).toBe("keyword.operator.logical.route");
  expect(scopeOf('\\"')).toBe("constant.character.escape.route");
  expect(scopeOf("sticky")).toBe("support.function.strategy.route");
  expect(scopeOf("70%")).toBe("constant.numeric.percentage.route");
  expect(scopeOf("1.5s")).toBe("constant.numeric.duration.route");
  expect(scopeOf("total")).toBe("support.type.property-name.route");
  expect(scopeOf("other")).toBe("variable.other.route.route");
  expect(scopeOf("env")).toBe("support.function.builtin.env.route");
  expect(scopeOf("500/min")).toBe("constant.numeric.route");
  expect(scopeOf("$5/day")).toBe("constant.numeric.money.route");
  expect(scopeOf("openai")).toBe("constant.language.route");
});
