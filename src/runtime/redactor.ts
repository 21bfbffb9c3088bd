// Scrubs configured secrets (provider keys, client keys, the admin token) out of text that leaves
// the process: relayed upstream errors and log lines. An upstream may echo a key in part (a prefix
// "sk-abc…xyz"), base64-encoded (a Basic auth header) or URL-encoded (a query string), so any run
// of MIN_RUN or more characters taken from a secret, or from one of those encodings of it, is
// replaced. The matcher is built once per policy load: every MIN_RUN-character window of every form
// goes into a set, whatever the number of secrets. Every log line passes here, so a cheaper sieve
// narrows the search: any run of MIN_RUN characters contains a quarter-run starting at a multiple
// of QUARTER, so hashing the text's aligned quarter-runs into a bitmap of the secrets' quarter-runs
// leaves only the few windows around a hit to look up in the set.
import type { Graph } from "../compile/graph.ts";
import type { SecretSource } from "./ports.ts";

/** Shortest run of a secret that is redacted; shorter runs are too likely to be ordinary text. */
export const MIN_RUN = 8;
/** Shorter secrets are masked whole; under this length not even that (it would mask plain words). */
const MIN_WHOLE = 4;
const MASK = "[redacted]";
/** Obvious bearer tokens and OpenAI-style keys, even when they are not ours (a proxy's echo). */
const TOKEN_PATTERN = /\b(sk-[A-Za-z0-9_\-*]{6,}|Bearer\s+[A-Za-z0-9._\-~+/]{8,}=*)/g;
const BASE = 0x01000193;
const QUARTER = MIN_RUN / 2; // a run of MIN_RUN always holds an aligned window this long
const SIEVE_BITS = 20;

/**
 * The forms a secret may travel in. Base64 from each of three starting offsets, because base64 of
 * a part of the secret only lines up with base64 of the whole when it starts at a multiple of 3.
 */
function forms(secret: string): string[] {
  const out = new Set([secret, encodeURIComponent(secret)]);
  for (let shift = 0; shift < 3; shift++) {
    const body = Buffer.from(secret.slice(shift), "utf8").toString("base64");
    out.add(body);
    out.add(body.replaceAll("+", "-").replaceAll("/", "_"));
    out.add(encodeURIComponent(body));
  }
  return [...out];
}

/** Hash of the QUARTER characters at `i`, reduced to a SIEVE_BITS bit index. */
function sieveIndex(text: string, i: number): number {
  // unrolled for QUARTER = 4: this runs for every fourth character of every log line
  // (characters above 0xff collide with others: a false "maybe", never a miss)
  const packed =
    text.charCodeAt(i) |
    (text.charCodeAt(i + 1) << 8) |
    (text.charCodeAt(i + 2) << 16) |
    (text.charCodeAt(i + 3) << 24);
  return Math.imul(packed, 0x9e3779b1) >>> (32 - SIEVE_BITS);
}

export class Redactor {
  readonly #hashes = new Set<number>();
  readonly #windows = new Set<string>();
  /** Bit set for every QUARTER-character window of every form of every secret. */
  readonly #sieve = new Uint32Array(1 << (SIEVE_BITS - 5));
  /** Secrets too short for runs (4 to MIN_RUN - 1 characters): masked only when whole. */
  readonly #short: string[] = [];

  constructor(secrets: Iterable<string>) {
    for (const secret of secrets) {
      if (secret.length < MIN_RUN) {
        if (secret.length >= MIN_WHOLE) this.#short.push(secret);
        continue;
      }
      for (const form of forms(secret)) {
        for (let i = 0; i + MIN_RUN <= form.length; i++) {
          const w = form.slice(i, i + MIN_RUN);
          this.#windows.add(w);
          this.#hashes.add(hashOf(w, 0));
        }
        for (let i = 0; i + QUARTER <= form.length; i++) {
          const bit = sieveIndex(form, i);
          this.#sieve[bit >>> 5]! |= 1 << (bit & 31);
        }
      }
    }
  }

  /** The text with every run of a secret (or a bearer-looking token) replaced by `[redacted]`. */
  redact(text: string): string {
    let out = this.#windows.size === 0 || text.length < MIN_RUN ? text : this.#maskRuns(text);
    for (const secret of this.#short) if (out.includes(secret)) out = out.split(secret).join(MASK);
    return redactTokens(out);
  }

  /**
   * Finds every window of the text that is a window of a secret and masks the union of them. Such
   * a window holds an aligned quarter-run, and that quarter-run is in the sieve; so the sieve is
   * read at every aligned quarter, and only the windows around a hit are looked up. With many
   * secrets (100 declared keys) the sieve is a few percent full and most lines hit it somewhere:
   * looking up only the windows there instead of every window of the line is what keeps it cheap.
   */
  #maskRuns(text: string): string {
    const sieve = this.#sieve;
    const lastStart = text.length - MIN_RUN;
    let result = "";
    let copiedTo = 0; // text before this index is in `result` already
    let runStart = -1;
    let runEnd = -1; // the current masked run covers [runStart, runEnd)
    let nextStart = 0; // windows starting before this were looked up already
    for (let q = 0; q + QUARTER <= text.length; q += QUARTER) {
      const bit = sieveIndex(text, q);
      if ((sieve[bit >>> 5]! & (1 << (bit & 31))) === 0) continue;
      // the windows [i, i + MIN_RUN) that hold the quarter-run [q, q + QUARTER)
      const last = Math.min(q, lastStart);
      for (let i = Math.max(nextStart, q + QUARTER - MIN_RUN); i <= last; i++) {
        if (!this.#hashes.has(hashOf(text, i)) || !this.#windows.has(text.slice(i, i + MIN_RUN))) continue;
        if (runStart < 0 || i > runEnd) {
          if (runStart >= 0) {
            result += text.slice(copiedTo, runStart) + MASK;
            copiedTo = runEnd;
          }
          runStart = i;
        }
        runEnd = i + MIN_RUN;
      }
      nextStart = Math.max(nextStart, last + 1);
    }
    if (runStart < 0) return text;
    return result + text.slice(copiedTo, runStart) + MASK + text.slice(runEnd);
  }
}

/** Masks bearer-looking tokens only: for text scrubbed before a policy's secrets are at hand. */
export function redactTokens(text: string): string {
  // the regex scan costs more than two substring searches, and most text holds neither prefix
  return text.includes("sk-") || text.includes("Bearer") ? text.replace(TOKEN_PATTERN, MASK) : text;
}

function hashOf(text: string, from: number): number {
  let h = 0;
  for (let i = from; i < from + MIN_RUN; i++) h = (Math.imul(h, BASE) + text.charCodeAt(i)) | 0;
  return h;
}

/** Every secret a policy refers to, read once when the policy is loaded. */
export function policySecrets(graph: Graph, secrets: SecretSource): string[] {
  const names = new Set<string>(graph.gateway.clientKeyEnvs);
  if (graph.gateway.adminTokenEnv !== null) names.add(graph.gateway.adminTokenEnv);
  for (const p of graph.providers) if (p.keyEnv !== null) names.add(p.keyEnv);
  for (const k of graph.keys ?? []) names.add(k.secretEnv);
  const values: string[] = [];
  for (const name of names) {
    const value = secrets.get(name);
    if (value) values.push(value);
  }
  return values;
}

/** The redactor for a loaded policy. */
export function policyRedactor(graph: Graph, secrets: SecretSource): Redactor {
  return new Redactor(policySecrets(graph, secrets));
}
