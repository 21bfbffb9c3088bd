// Every place a provider, model or route is named in a policy, declaration or reference, found on
// the parser's AST with the checker's own traversals (walk.ts): the one index behind go to
// definition, find references, rename and document highlights.
import { declsOf, modelItems, routeRefs, rulesOf } from "../check/walk.ts";
import type { Decl, Policy } from "../syntax/ast.ts";
import type { Span } from "../syntax/span.ts";

export type SymbolKind = "provider" | "model" | "route";

export interface Occurrence {
  kind: SymbolKind;
  name: string;
  /** The name as written; for a quoted route name it includes the quotes. */
  span: Span;
  quoted: boolean;
  declaration: boolean;
}

export function occurrencesOf(policy: Policy): Occurrence[] {
  const found: Occurrence[] = [];
  for (const decl of policy.items) {
    if ((decl.kind === "provider" || decl.kind === "model" || decl.kind === "route") && decl.name) {
      found.push({
        kind: decl.kind,
        name: decl.name.value,
        span: decl.name.span,
        quoted: decl.name.quoted,
        declaration: true,
      });
    }
  }
  for (const model of declsOf(policy, "model")) providerRef(model, found);
  for (const route of declsOf(policy, "route")) {
    for (const rule of rulesOf(route)) {
      for (const item of modelItems(rule.target))
        found.push({ kind: "model", name: item.ref.name, span: item.ref.span, quoted: false, declaration: false });
      for (const ref of routeRefs(rule.target))
        found.push({
          kind: "route",
          name: ref.name.value,
          span: ref.name.span,
          quoted: ref.name.quoted,
          declaration: false,
        });
    }
  }
  return found.sort((a, b) => a.span.start - b.span.start);
}

/** `provider X` inside a model body. */
function providerRef(model: Decl, found: Occurrence[]): void {
  for (const m of model.body.members) {
    if (m.kind === "property" && m.key.name === "provider" && m.value.kind === "ident") {
      found.push({ kind: "provider", name: m.value.name, span: m.value.span, quoted: false, declaration: false });
    }
  }
}

/** The occurrence under the cursor (a cursor just after a name still counts, as editors expect). */
export function occurrenceAt(occurrences: readonly Occurrence[], offset: number): Occurrence | undefined {
  return occurrences.find((o) => o.span.start <= offset && offset <= o.span.end);
}

/** All occurrences of the same symbol, the declaration first. */
export function sameSymbol(occurrences: readonly Occurrence[], target: Occurrence): Occurrence[] {
  const all = occurrences.filter((o) => o.kind === target.kind && o.name === target.name);
  return [...all.filter((o) => o.declaration), ...all.filter((o) => !o.declaration)];
}
