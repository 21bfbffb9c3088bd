// The canonical layout of a policy (`switchyard fmt`). It prints from the AST, so formatting can
// never change meaning, and places every comment back by position. The rules, kept few so that
// the result is predictable and fmt(fmt(x)) == fmt(x):
//   - two-space indentation; one member per line; declarations separated by one blank line;
//   - inside blocks, one blank line is kept where the user had one or more (needs `source`);
//   - a nested block (a setting's value or a rule's settings) stays on one line,
//     `timeout { connect 5s  total 5m }`, when it has at most 3 members, all settings whose
//     values are scalars or such short blocks, no comments inside, and the line fits in 100
//     columns; otherwise it opens, one member per line;
//     declaration bodies always open (an empty one prints as `{}`);
//   - conditions, targets and lists are printed on one line, single-spaced, `[a, b 3]`; except
//     that a list which is a setting's value opens, one item per line each ending in `,`, when
//     it has comments inside or its line would pass 100 columns;
//   - literals print from their `raw` text; the user's parentheses in conditions are kept;
//   - a comment on its own line stays on its own line before what follows it; a comment after a
//     member on the same line stays trailing (two spaces before `#`); a comment inside something
//     printed on one line (a list, a condition) moves to its own line just before that member;
//   - the file ends with exactly one newline (an empty policy prints as nothing).
import type { Block, Comment, Decl, ListLit, Member, Policy, Value } from "./ast.ts";
import { CommentCursor } from "./format-comments.ts";
import { printIdent, printInlineBlock, printListItem, printName, printRuleHead, printValue } from "./format-values.ts";

export const MAX_LINE = 100;
const INDENT = "  ";

/** Formats a parsed policy; pass the source it was parsed from to keep trailing comments and blank lines. */
export function formatPolicy(policy: Policy, source?: string): string {
  const printer = new Printer(policy.comments, source ?? null);
  printer.policy(policy);
  return printer.finish();
}

class Printer {
  private readonly lines: string[] = [];
  private readonly cursor: CommentCursor;
  /** End offset of the last source element printed, to find the user's blank lines. */
  private lastEnd = 0;

  constructor(comments: readonly Comment[], source: string | null) {
    this.cursor = new CommentCursor(
      [...comments].sort((a, b) => a.span.start - b.span.start),
      source,
    );
  }

  policy(p: Policy): void {
    let afterDecl = false;
    for (const decl of p.items) {
      for (const c of this.cursor.takeBefore(decl.span.start)) {
        this.gap(afterDecl || this.cursor.blankBetween(this.lastEnd, c.span.start));
        this.comment(c, 0);
        afterDecl = false;
      }
      this.gap(afterDecl || this.cursor.blankBetween(this.lastEnd, decl.span.start));
      this.decl(decl);
      afterDecl = true;
    }
    for (const c of this.cursor.rest()) {
      this.gap(afterDecl || this.cursor.blankBetween(this.lastEnd, c.span.start));
      this.comment(c, 0);
      afterDecl = false;
    }
  }

  finish(): string {
    return this.lines.length === 0 ? "" : this.lines.join("\n") + "\n";
  }

  private decl(d: Decl): void {
    for (const c of this.cursor.takeBefore(d.body.span.start)) this.comment(c, 0);
    const head = d.name === null ? d.kind : `${d.kind} ${printName(d.name)}`;
    this.block(d.body, 0, head, true);
    this.trailing(d.span.end);
  }

  private member(m: Member, depth: number): void {
    const head = m.kind === "property" ? printIdent(m.key) : printRuleHead(m);
    const nested = m.kind === "property" ? (m.value.kind === "block" ? m.value : null) : m.settings;
    if (m.kind === "property" && m.value.kind === "list" && this.opensList(m.value, depth, head)) {
      this.list(m.value, depth, head);
    } else if (nested === null || nested === undefined) {
      this.hoist(m.span.end, depth);
      this.line(depth, m.kind === "property" ? `${head} ${printValue(m.value)}` : head);
    } else {
      this.block(nested, depth, head, false);
    }
    this.lastEnd = m.span.end;
    this.trailing(m.span.end);
  }

  /** Prints `head { … }` on one line when allowed, else opened with members one per line. */
  private block(b: Block, depth: number, head: string, isDecl: boolean): void {
    const inline = printInlineBlock(b);
    const fits = INDENT.length * depth + head.length + 1 + inline.length <= MAX_LINE;
    if (
      !this.cursor.hasWithin(b.span.start, b.span.end) &&
      (b.members.length === 0 || (!isDecl && fits && isShort(b)))
    ) {
      this.hoist(b.span.end, depth);
      this.line(depth, `${head} ${inline}`);
      this.lastEnd = b.span.end;
      return;
    }
    this.hoist(b.span.start, depth);
    this.line(depth, `${head} {`);
    this.lastEnd = b.span.start + 1;
    this.trailing(b.span.start + 1);
    let first = true;
    for (const m of b.members) {
      first = this.comments(m.span.start, depth + 1, first);
      this.gap(!first && this.cursor.blankBetween(this.lastEnd, m.span.start));
      this.member(m, depth + 1);
      first = false;
    }
    this.comments(b.span.end, depth + 1, first);
    this.line(depth, "}");
    this.lastEnd = b.span.end;
  }

  private opensList(l: ListLit, depth: number, head: string): boolean {
    if (this.cursor.hasWithin(l.span.start, l.span.end)) return true;
    return INDENT.length * depth + head.length + 1 + printValue(l).length > MAX_LINE;
  }

  /** `head [` then one item per line, each with a trailing `,`, then `]`. */
  private list(l: ListLit, depth: number, head: string): void {
    this.hoist(l.span.start, depth);
    this.line(depth, `${head} [`);
    this.lastEnd = l.span.start + 1;
    this.trailing(l.span.start + 1);
    let first = true;
    for (const item of l.items) {
      first = this.comments(item.span.start, depth + 1, first);
      this.gap(!first && this.cursor.blankBetween(this.lastEnd, item.span.start));
      this.hoist(item.span.end, depth + 1);
      this.line(depth + 1, `${printListItem(item)},`);
      this.lastEnd = item.span.end;
      this.trailing(item.span.end);
      first = false;
    }
    this.comments(l.span.end, depth + 1, first);
    this.line(depth, "]");
    this.lastEnd = l.span.end;
  }

  /**
   * Own-line comments before `end`, keeping one blank line where the user had any (never first
   * in a block). Returns whether nothing has been printed in the block yet.
   */
  private comments(end: number, depth: number, first: boolean): boolean {
    for (const c of this.cursor.takeBefore(end)) {
      this.gap(!first && this.cursor.blankBetween(this.lastEnd, c.span.start));
      this.comment(c, depth);
      first = false;
    }
    return first;
  }

  /** Comments inside something printed on one line go on their own lines just before it. */
  private hoist(end: number, depth: number): void {
    for (const c of this.cursor.takeBefore(end)) this.line(depth, c.text.trimEnd());
  }

  private trailing(end: number): void {
    const c = this.cursor.takeTrailing(end);
    if (c === null) return;
    this.lines[this.lines.length - 1] += `  ${c.text.trimEnd()}`;
    this.lastEnd = c.span.end;
  }

  private comment(c: Comment, depth: number): void {
    this.line(depth, c.text.trimEnd());
    this.lastEnd = c.span.end;
  }

  private gap(wanted: boolean): void {
    if (wanted && this.lines.length > 0 && this.lines[this.lines.length - 1] !== "") this.lines.push("");
  }

  private line(depth: number, text: string): void {
    this.lines.push(INDENT.repeat(depth) + text);
  }
}

/** Up to three settings whose values are scalars or short blocks: short enough for one line. */
function isShort(b: Block): boolean {
  return b.members.length <= 3 && b.members.every((m) => m.kind === "property" && isSimple(m.value));
}

function isSimple(v: Value): boolean {
  if (v.kind === "block") return v.members.length > 0 && isShort(v);
  if (v.kind === "list") return false;
  if (v.kind === "call") return v.args.every(isSimple);
  return true;
}
