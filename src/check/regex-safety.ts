// Finds `matches` patterns that can backtrack exponentially. JavaScript's regex engine backtracks,
// and the text matched is a client-controlled header or field, so `(a+)+$` against "aaaa…!" costs
// seconds of event-loop time. Two shapes cause that blow-up, both ambiguous repetition:
// - a repeated group whose body repeats too, where the next round can start on a character the
//   inner repetition could also take (`(a+)+`, `(.*)*`, `(\d+)*`); `(-[a-z]+)*` is fine, since
//   every round starts with `-`, which the inner `[a-z]+` never takes;
// - a repeated group whose alternatives can start with the same character (`(a|a)*`, `(a|ab)+`).
// The scan is conservative: it over-approximates the characters an atom can take (a negated class
// or `.` takes anything), so an odd safe pattern may be refused, never an unsafe one of these
// shapes passed. Backreferences are refused too: no engine matches them in linear time.

/** Characters an atom can take: a set, every character but a set (`[^,]`), or "any". */
type Chars = Set<string> | { not: Set<string> } | "any";

interface Frame {
  /** First characters of each finished alternative. */
  branches: Chars[];
  /** First characters of the alternative being read (null: nothing read yet). */
  current: Chars | null;
  /** Every character something inside can take. */
  chars: Chars;
  /**
   * Characters taken by repetitions (`*`, `+`, `?`, `{…}`) not yet closed off by a required atom
   * they cannot take (the `.` in `[a-z]+\.`): what a round may still hand to the next one.
   */
  trailing: Chars;
  /** `trailing` of each finished alternative. */
  branchTrailing: Chars[];
  /** A group inside has alternatives that can start alike. */
  ambiguous: boolean;
}

interface Atom {
  first: Chars;
  /** Every character the atom can take. */
  chars: Chars;
  trailing: Chars;
  ambiguous: boolean;
  text: string;
}

const newFrame = (): Frame => ({
  branches: [],
  current: null,
  chars: new Set(),
  trailing: new Set(),
  branchTrailing: [],
  ambiguous: false,
});
const DIGITS = "0123456789";
const WORD = `${DIGITS}abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_`;
const SPACE = " \t\n\r\f\v";
const ESCAPE_SETS: Record<string, string> = { d: DIGITS, w: WORD, s: SPACE };
/** Escapes that stand for a class too wide to list (negations, unicode properties, code points). */
const WIDE_ESCAPES = new Set(["D", "W", "S", "p", "P", "u", "x", "c"]);
const MAX_RANGE = 512;

function overlaps(a: Chars, b: Chars): boolean {
  if (a === "any" || b === "any")
    return (a === "any" || !(a instanceof Set) || a.size > 0) && (b === "any" || !(b instanceof Set) || b.size > 0);
  if (a instanceof Set && b instanceof Set) {
    for (const c of a) if (b.has(c)) return true;
    return false;
  }
  if (!(a instanceof Set) && !(b instanceof Set)) return true; // two complements of finite sets meet
  const [set, not] = a instanceof Set ? [a, (b as { not: Set<string> }).not] : [b as Set<string>, a.not];
  for (const c of set) if (!not.has(c)) return true;
  return false;
}

function unionOf(a: Chars, b: Chars): Chars {
  if (a === "any" || b === "any") return "any";
  if (a instanceof Set && b instanceof Set) return new Set([...a, ...b]);
  if (a instanceof Set) return unionOf(b, a);
  // a is "all but a.not": it loses from a.not what b takes
  const kept = (c: string): boolean => (b instanceof Set ? !b.has(c) : b.not.has(c));
  return { not: new Set([...a.not].filter(kept)) };
}

function union(...list: Chars[]): Chars {
  return list.reduce(unionOf, new Set<string>());
}

function anyOverlap(branches: Chars[]): boolean {
  for (let i = 0; i < branches.length; i++)
    for (let j = i + 1; j < branches.length; j++) if (overlaps(branches[i]!, branches[j]!)) return true;
  return false;
}

function escapeChars(e: string): Chars {
  const negated = ESCAPE_SETS[e.toLowerCase()];
  if (e !== e.toLowerCase() && negated) return { not: new Set(negated) };
  if (WIDE_ESCAPES.has(e)) return "any";
  return new Set(ESCAPE_SETS[e] ?? e);
}

/** The characters of a class body (between `[` and `]`); huge classes take "any". */
function classChars(body: string): Chars {
  if (body.startsWith("^")) {
    const inner = classChars(body.slice(1));
    return inner instanceof Set ? { not: inner } : "any";
  }
  const out = new Set<string>();
  for (let j = 0; j < body.length; ) {
    let from = body[j]!;
    if (from === "\\") {
      const set = escapeChars(body[j + 1] ?? "");
      j += 2;
      if (!(set instanceof Set)) return "any";
      if (set.size > 1) {
        for (const c of set) out.add(c);
        continue;
      }
      from = [...set][0] ?? "";
    } else j++;
    if (body[j] === "-" && j + 1 < body.length) {
      const to = body[j + 1] === "\\" ? (body[j + 2] ?? "") : body[j + 1]!;
      j += body[j + 1] === "\\" ? 3 : 2;
      const lo = from.charCodeAt(0);
      const hi = to.charCodeAt(0);
      if (hi - lo > MAX_RANGE) return "any";
      for (let c = lo; c <= hi; c++) out.add(String.fromCharCode(c));
    } else out.add(from);
  }
  return out;
}

/** The quantifier at `i` (with its lazy `?`): its length, and whether it makes the atom optional. */
function quantifier(src: string, i: number): { length: number; optional: boolean; once: boolean } | null {
  const c = src[i];
  let length = 1;
  let optional = c === "*" || c === "?";
  let once = false;
  if (c === "{") {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
    if (!m) return null;
    length = m[0].length;
    optional = m[1] === "0";
    once = m[2] === undefined; // an exact count is not a choice
  } else if (c !== "*" && c !== "+" && c !== "?") return null;
  if (src[i + length] === "?") length++;
  return { length, optional, once };
}

/** Index just past the character class starting at `i` (the `[`), escapes and a leading `]` included. */
function classEnd(src: string, i: number): number {
  let j = i + 1;
  if (src[j] === "^") j++;
  if (src[j] === "]") j++;
  while (j < src.length && src[j] !== "]") j += src[j] === "\\" ? 2 : 1;
  return j + 1;
}

/** Reads a pattern left to right, keeping one frame per open group. */
class Scan {
  readonly stack: Frame[] = [newFrame()];
  readonly openedAt: number[] = [];
  last: Atom | null = null;
  /** The last atom began its alternative (so making it optional makes the start unknown). */
  lastWasFirst = false;
  /** The frame's `trailing` before the last atom, for when a quantifier makes it optional. */
  trailingBefore: Chars = new Set();
  i = 0;
  constructor(readonly src: string) {}

  get frame(): Frame {
    return this.stack[this.stack.length - 1]!;
  }

  /** Applies a quantifier to the last atom; returns the problem it makes, if any. */
  quantify(q: NonNullable<ReturnType<typeof quantifier>>, atom: Atom): string | null {
    this.i += q.length;
    this.last = null;
    if (q.once) return null;
    if (overlaps(atom.first, atom.trailing))
      return `\`${atom.text}\` repeats a group whose own repetition can take the characters its next round starts with`;
    if (atom.ambiguous) return `\`${atom.text}\` repeats alternatives that can start with the same character`;
    const frame = this.frame;
    frame.trailing = union(this.trailingBefore, atom.chars);
    if (q.optional && this.lastWasFirst) frame.current = "any";
    return null;
  }

  /** A zero-width or structural token: it ends the current atom without being one. */
  skip(length: number): void {
    this.i += length;
    this.last = null;
  }

  push(atom: Atom): void {
    const frame = this.frame;
    this.lastWasFirst = frame.current === null;
    if (this.lastWasFirst) frame.current = atom.first;
    frame.chars = union(frame.chars, atom.chars);
    this.trailingBefore = frame.trailing;
    const cut = !overlaps(atom.chars, frame.trailing);
    frame.trailing = union(cut ? new Set() : frame.trailing, atom.trailing);
    frame.ambiguous ||= atom.ambiguous;
    this.last = atom;
  }

  plain(first: Chars, end: number): void {
    const text = this.src.slice(this.i, end);
    this.i = end;
    this.push({ first, chars: first, trailing: new Set(), ambiguous: false, text });
  }

  open(): void {
    this.openedAt.push(this.i);
    const m = /^\(\?(?:[:=!]|<[=!]|<[A-Za-z_$][\w$]*>)/.exec(this.src.slice(this.i));
    this.skip(m ? m[0].length : 1);
    this.stack.push(newFrame());
  }

  close(): void {
    const inner = this.stack.pop()!;
    inner.branches.push(inner.current ?? "any");
    inner.branchTrailing.push(inner.trailing);
    const opened = this.openedAt.pop()!;
    this.i++;
    const ambiguous = inner.ambiguous || (inner.branches.length > 1 && anyOverlap(inner.branches));
    const text = this.src.slice(opened, this.i);
    this.push({
      first: union(...inner.branches),
      chars: inner.chars,
      trailing: union(...inner.branchTrailing),
      ambiguous,
      text,
    });
  }

  alternative(): void {
    this.frame.branches.push(this.frame.current ?? "any");
    this.frame.branchTrailing.push(this.frame.trailing);
    this.frame.current = null;
    this.frame.trailing = new Set();
    this.skip(1);
  }

  /** One step; returns the problem found, if any. */
  step(): string | null {
    const { src, i } = this;
    const q = this.last ? quantifier(src, i) : null;
    if (q && this.last) return this.quantify(q, this.last);
    const c = src[i]!;
    if (c === "(") this.open();
    else if (c === ")" && this.stack.length > 1) this.close();
    else if (c === "|") this.alternative();
    else if (c === "^" || c === "$") this.skip(1);
    else if (c === "\\") {
      const e = src[i + 1] ?? "";
      if (/[1-9]/.test(e) || e === "k") return "a backreference cannot be matched in linear time";
      if (e === "b" || e === "B") this.skip(2);
      else this.plain(escapeChars(e), i + 2);
    } else if (c === "[") {
      const end = classEnd(src, i);
      this.plain(classChars(src.slice(i + 1, end - 1)), end);
    } else this.plain(c === "." ? "any" : new Set([c]), i + 1);
    return null;
  }
}

/** Why the pattern can backtrack exponentially, or null when it cannot (in the shapes above). */
export function catastrophicRegex(src: string): string | null {
  const scan = new Scan(src);
  while (scan.i < src.length) {
    const problem = scan.step();
    if (problem) return problem;
  }
  return null;
}
