// Reads a request body with a hard byte cap: Content-Length is checked up front (cheap rejection)
// and bytes are counted while reading, because the header can be absent (chunked) or lie. Nesting
// is bounded too: a small body nested 50,000 deep passes any schema that ignores the field, then
// breaks every recursive walk after it (JSON.stringify of the upstream body throws).

/** Deepest nesting of arrays and objects a request body may have; real requests stay far below. */
export const MAX_JSON_DEPTH = 64;

export type BodyResult = { ok: true; value: unknown } | { ok: false; status: 400 | 413; message: string; code: string };

export async function readJsonBody(req: Request, maxBytes: number): Promise<BodyResult> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) return tooLarge(maxBytes);
  let text: string | null;
  try {
    text = await readCapped(req, maxBytes);
  } catch {
    // The client went away or sent a broken chunked body mid-upload.
    return { ok: false, status: 400, message: "the request body could not be read completely", code: "invalid_body" };
  }
  if (text === null) return tooLarge(maxBytes);
  if (text.trim() === "")
    return { ok: false, status: 400, message: "request body is empty: expected a json object", code: "invalid_json" };
  if (nestingExceeds(text, MAX_JSON_DEPTH)) {
    return {
      ok: false,
      status: 400,
      message: `request body is nested more than ${MAX_JSON_DEPTH} levels deep (arrays and objects); the limit is ${MAX_JSON_DEPTH}`,
      code: "invalid_json",
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, status: 400, message: "request body is not valid json", code: "invalid_json" };
  }
}

/**
 * Whether the JSON text opens more than `limit` arrays/objects at once. One pass before parsing, so
 * an absurd body is refused before the parser (or anything after it) recurses into it. Brackets
 * inside strings do not count; a string is skipped with indexOf, honouring backslash escapes.
 */
export function nestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) i = stringEnd(text, i);
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** Index of the quote closing the string that opens at `start` (or the end of the text). */
function stringEnd(text: string, start: number): number {
  let at = start;
  for (;;) {
    at = text.indexOf('"', at + 1);
    if (at === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

/** The body as text, or null once it passes `maxBytes` (the rest is not read). */
async function readCapped(req: Request, maxBytes: number): Promise<string | null> {
  // With a Content-Length (already checked against the cap) HTTP framing bounds the body, so the
  // runtime's native read is safe, and far cheaper than pulling chunks through a stream reader
  // (touching `req.body` at all makes Bun build a ReadableStream).
  if (req.headers.get("content-length") !== null && !req.headers.has("transfer-encoding")) return await req.text();
  if (req.body === null) return "";
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    parts.push(value);
  }
  return new TextDecoder().decode(concat(parts, total));
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

function tooLarge(maxBytes: number): BodyResult {
  return {
    ok: false,
    status: 413,
    message: `request body is larger than the limit of ${maxBytes} bytes`,
    code: "request_too_large",
  };
}
