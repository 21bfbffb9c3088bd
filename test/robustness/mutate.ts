// Seeded mutations of valid policies for the fuzz test: token- and byte-level edits plus splices
// from other policies. Deterministic per seed, so a failure report names a reproducible input.

/** mulberry32: small, fast, good enough to spread mutations; the seed makes runs repeatable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKEN = /\s+|#[^\n]*|"(?:[^"\\\n]|\\.)*"?|[A-Za-z_][\w.-]*|\$?\d[\w.%$/]*|->|==|!=|<=|>=|[^\s]/g;

export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** Odd things worth inserting: brackets, quotes, operators, keywords, and unusual characters. */
const EXTRA_TOKENS = [
  "{",
  "}",
  "[",
  "]",
  "(",
  ")",
  '"',
  "#",
  "->",
  ",",
  ";",
  "\n",
  "\r\n",
  "\t",
  "\\",
  "%",
  "$",
  "/",
  "-",
  "when",
  "otherwise",
  "route",
  "split",
  "sticky",
  "not",
  "and",
  "or",
  "in",
  "matches",
  "env",
  "()",
  "1e9",
  "-0",
  "0.",
  "99999999999999999999999",
  "5xx",
  "9xx",
  "1.5.5s",
  "$-1",
  "10k/day",
  "\uFEFF",
  "é",
  "😀",
  "\ud800",
  "\u0000",
  "\u001b[2J",
  "\u2028",
  '"\\u12"',
  '"\\q"',
];

export interface Mutator {
  random: () => number;
  pool: string[];
  corpus: string[];
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

/** One random edit; returns the mutated text. */
export function mutateOnce(text: string, m: Mutator): string {
  const r = m.random;
  const tokens = tokenize(text);
  const at = Math.floor(r() * (tokens.length + 1));
  const op = Math.floor(r() * 9);
  switch (op) {
    case 0: // delete a token
      tokens.splice(at, 1);
      return tokens.join("");
    case 1: // insert a token from the corpus or the odd list
      tokens.splice(at, 0, r() < 0.5 ? pick(r, m.pool) : pick(r, EXTRA_TOKENS));
      return tokens.join("");
    case 2: // duplicate a run of tokens
      tokens.splice(at, 0, ...tokens.slice(at, at + 1 + Math.floor(r() * 6)));
      return tokens.join("");
    case 3: {
      // swap two tokens
      const other = Math.floor(r() * tokens.length);
      if (tokens.length > 0 && at < tokens.length) [tokens[at], tokens[other]] = [tokens[other], tokens[at]];
      return tokens.join("");
    }
    case 4: {
      // delete a few characters
      const i = Math.floor(r() * text.length);
      return text.slice(0, i) + text.slice(i + 1 + Math.floor(r() * 3));
    }
    case 5: {
      // insert a random character (any code unit, so also lone surrogates and controls)
      const i = Math.floor(r() * (text.length + 1));
      const ch =
        r() < 0.7 ? String.fromCharCode(32 + Math.floor(r() * 95)) : String.fromCharCode(Math.floor(r() * 0x10000));
      return text.slice(0, i) + ch + text.slice(i);
    }
    case 6: {
      // splice in a fragment of another policy
      const donor = pick(r, m.corpus);
      const from = Math.floor(r() * donor.length);
      const fragment = donor.slice(from, from + 1 + Math.floor(r() * 80));
      const i = Math.floor(r() * (text.length + 1));
      const cut = r() < 0.5 ? Math.floor(r() * 40) : 0;
      return text.slice(0, i) + fragment + text.slice(i + cut);
    }
    case 8: // a comment between two tokens: stresses where the formatter puts comments back
      tokens.splice(at, 0, r() < 0.5 ? " # note\n" : "\n# own line\n\n");
      return tokens.join("");
    default: {
      // replace a token by another token of the same text family from the corpus
      if (at < tokens.length && !/^\s/.test(tokens[at])) tokens[at] = pick(r, m.pool);
      return tokens.join("");
    }
  }
}

export function mutate(text: string, m: Mutator): string {
  let out = text;
  const edits = 1 + Math.floor(m.random() * 3);
  for (let i = 0; i < edits; i++) out = mutateOnce(out, m);
  return out;
}
