// Turns a snapshot document into file bytes and back. Every file carries a header (magic, format,
// layout version, body length, crc32) so a truncated, corrupted or foreign file is named as such
// instead of half-loading; the body is then validated with valibot before anyone sees it.
import { Decoder, Encoder } from "@msgpack/msgpack";
import * as v from "valibot";
import YAML from "yaml";
import type { RuntimeState } from "../runtime/api.ts";
import {
  BINARY_FORMAT_CODES,
  BINARY_HEADER_BYTES,
  BINARY_MAGIC,
  SNAPSHOT_VERSION,
  TEXT_MAGIC,
  isStateFormat,
  type StateFormat,
} from "./format.ts";
import { SnapshotDocumentSchema, describeIssues, type SnapshotDocument } from "./schema.ts";
import type { TimingTable } from "./timing.ts";

export type DecodeProblem = "foreign" | "version" | "truncated" | "corrupt" | "invalid";

export type DecodeResult =
  | { ok: true; format: StateFormat; document: SnapshotDocument }
  | { ok: false; problem: DecodeProblem; message: string };

// Reused (encode/decode are synchronous, so never shared mid-call): skips per-call buffer growth.
const msgpack = { encoder: new Encoder({ initialBufferSize: 1 << 20 }), decoder: new Decoder() };
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder("utf-8", { fatal: true });

function crc32(bytes: Uint8Array): number {
  return Bun.hash.crc32(bytes) >>> 0;
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, "0");
}

/** The file bytes for `state` as written at clock time `writtenAt` (with the policy's `timing`, when known). */
export function encodeSnapshot(
  state: RuntimeState,
  writtenAt: number,
  format: StateFormat,
  timing?: TimingTable,
): Uint8Array {
  const document: SnapshotDocument = timing
    ? { version: SNAPSHOT_VERSION, writtenAt, state, timing }
    : { version: SNAPSHOT_VERSION, writtenAt, state };
  if (format === "msgpack") {
    const body = msgpack.encoder.encode(document);
    const out = new Uint8Array(BINARY_HEADER_BYTES + body.length);
    out.set(utf8.encode(BINARY_MAGIC), 0);
    const view = new DataView(out.buffer);
    view.setUint8(4, BINARY_FORMAT_CODES.msgpack);
    view.setUint8(5, SNAPSHOT_VERSION);
    view.setUint32(6, body.length);
    view.setUint32(10, crc32(body));
    out.set(body, BINARY_HEADER_BYTES);
    return out;
  }
  const text =
    format === "json" ? JSON.stringify(document) + "\n" : YAML.stringify(document, { aliasDuplicateObjects: false });
  const body = utf8.encode(text);
  const header = `${TEXT_MAGIC} v${SNAPSHOT_VERSION} ${format} length=${body.length} crc32=${hex8(crc32(body))}\n`;
  const head = utf8.encode(header);
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

/** Reads file bytes back into a validated document, or says what is wrong with them. */
export function decodeSnapshot(bytes: Uint8Array): DecodeResult {
  if (startsWith(bytes, BINARY_MAGIC)) return decodeBinary(bytes);
  if (startsWith(bytes, TEXT_MAGIC + " ")) return decodeText(bytes);
  if (bytes.length === 0) return fail("truncated", "the file is empty");
  if (isPrefixOf(bytes, BINARY_MAGIC) || isPrefixOf(bytes, TEXT_MAGIC))
    return fail("truncated", "the header is cut short");
  return fail("foreign", `it is not a switchyard state file (it starts with ${describeStart(bytes)})`);
}

function decodeBinary(bytes: Uint8Array): DecodeResult {
  if (bytes.length < BINARY_HEADER_BYTES)
    return fail("truncated", `the header is cut short (${bytes.length} of ${BINARY_HEADER_BYTES} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const code = view.getUint8(4);
  const version = view.getUint8(5);
  if (code !== BINARY_FORMAT_CODES.msgpack)
    return fail("corrupt", `its header names an unknown format byte 0x${code.toString(16)}`);
  if (version !== SNAPSHOT_VERSION) return versionProblem(version);
  const body = bytes.subarray(BINARY_HEADER_BYTES);
  const checked = checkBody(body, view.getUint32(6), view.getUint32(10));
  if (checked) return checked;
  let value: unknown;
  try {
    value = msgpack.decoder.decode(body);
  } catch (err) {
    return fail("corrupt", `its msgpack body does not decode (${shortReason(err)})`);
  }
  return validate(value, "msgpack");
}

/** `length=… crc32=…` may be deleted by someone editing a json/yaml snapshot by hand (see docs/state.md). */
const TEXT_HEADER = /^# switchyard-state v(\d+) (\S+)(?: length=(\d+) crc32=([0-9a-f]{8}))?$/;

function decodeText(bytes: Uint8Array): DecodeResult {
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) return fail("truncated", "the header line is cut short");
  const header = new TextDecoder().decode(bytes.subarray(0, newline));
  const versionMatch = /^# switchyard-state v(\d+)\b/.exec(header);
  if (versionMatch && Number(versionMatch[1]) !== SNAPSHOT_VERSION) return versionProblem(Number(versionMatch[1]));
  const m = TEXT_HEADER.exec(header);
  if (!m) return fail("corrupt", `its header line \`${header.slice(0, 80)}\` is malformed`);
  const format = m[2];
  if (!isStateFormat(format) || format === "msgpack")
    return fail("corrupt", `its header names an unknown text format \`${format}\``);
  const body = bytes.subarray(newline + 1);
  const checked = m[3] === undefined ? null : checkBody(body, Number(m[3]), parseInt(m[4], 16));
  if (checked) return checked;
  let value: unknown;
  try {
    const text = fromUtf8.decode(body);
    // Duplicate keys: last one wins, as JSON.parse does (yaml's unique-key check is quadratic on big maps).
    value = format === "json" ? JSON.parse(text) : YAML.parse(text, { uniqueKeys: false });
  } catch (err) {
    return fail("corrupt", `its ${format} body does not parse (${shortReason(err)})`);
  }
  return validate(value, format);
}

/** Length first (a cut-off write), then the checksum (flipped bytes). */
function checkBody(body: Uint8Array, length: number, sum: number): DecodeResult | null {
  if (body.length < length) return fail("truncated", `it is truncated (${body.length} of ${length} body bytes)`);
  if (body.length > length) return fail("corrupt", `it has ${body.length - length} unexpected bytes after the body`);
  if (crc32(body) !== sum) return fail("corrupt", "its checksum does not match its contents");
  return null;
}

function validate(value: unknown, format: StateFormat): DecodeResult {
  const parsed = v.safeParse(SnapshotDocumentSchema, value);
  if (!parsed.success) return fail("invalid", `its contents are not a valid state (${describeIssues(parsed.issues)})`);
  if (parsed.output.version !== SNAPSHOT_VERSION) return versionProblem(parsed.output.version);
  return { ok: true, format, document: parsed.output };
}

function versionProblem(version: number): DecodeResult {
  const newer = version > SNAPSHOT_VERSION ? "a newer" : "an older";
  return fail(
    "version",
    `it was written by ${newer} switchyard (state layout v${version}; this build reads v${SNAPSHOT_VERSION})`,
  );
}

function fail(problem: DecodeProblem, message: string): DecodeResult {
  return { ok: false, problem, message };
}

function startsWith(bytes: Uint8Array, prefix: string): boolean {
  const p = utf8.encode(prefix);
  if (bytes.length < p.length) return false;
  return p.every((b, i) => bytes[i] === b);
}

function isPrefixOf(bytes: Uint8Array, magic: string): boolean {
  const m = utf8.encode(magic);
  return bytes.length < m.length && bytes.every((b, i) => m[i] === b);
}

function describeStart(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 16);
  const printable = head.every((b) => b === 0x09 || (b >= 0x20 && b < 0x7f));
  if (printable) return `\`${new TextDecoder().decode(head)}\``;
  return `bytes ${[...head.subarray(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join(" ")}`;
}

function shortReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n")[0].slice(0, 120).toLowerCase();
}
