// The SSE parser and the chunk iterator built on it: split boundaries, line endings, comments,
// and what happens when a stream ends badly.
import { describe, expect, test } from "bun:test";
import { SseParser } from "../../src/providers/sse.ts";
import { sseChunks } from "../../src/providers/sse-chunks.ts";
import { openaiTranslator } from "../../src/providers/openai-stream.ts";
import { UpstreamError } from "../../src/runtime/upstream.ts";
import { bodyOf, collect, contentOf, pieces, rejection } from "./helpers.ts";

const chunk = (content: string, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}`;

function parseAll(parts: string[]) {
  const parser = new SseParser();
  const events = parts.flatMap((p) => parser.push(p));
  return [...events, ...parser.end()];
}

describe("SseParser", () => {
  const text =
    "event: message\ndata: first\n\n: keepalive\n\ndata: line one\ndata: line two\n\nevent: ping\ndata: {}\n\n";
  const expected = [
    { event: "message", data: "first" },
    { event: null, data: "line one\nline two" },
    { event: "ping", data: "{}" },
  ];

  test("gives the same events however the text is split", () => {
    for (let size = 1; size <= text.length; size++) expect(parseAll(pieces(text, size))).toEqual(expected);
  });

  test("accepts CRLF and lone CR line endings, even with CR and LF in different pieces", () => {
    const crlf = text.replaceAll("\n", "\r\n");
    for (let size = 1; size <= 7; size++) expect(parseAll(pieces(crlf, size))).toEqual(expected);
    expect(parseAll([text.replaceAll("\n", "\r")])).toEqual(expected);
  });

  test("ignores comments, id and retry fields, and strips only one space after the colon", () => {
    expect(parseAll([":comment\nid: 7\nretry: 10\ndata:  two spaces\ndata:none\n\n"])).toEqual([
      { event: null, data: " two spaces\nnone" },
    ]);
  });

  test("dispatches an event cut off before its blank line when the body ends", () => {
    expect(parseAll(["data: tail"])).toEqual([{ event: null, data: "tail" }]);
    expect(parseAll(["data: a\n\n\n\n"])).toEqual([{ event: null, data: "a" }]);
  });
});

describe("sseChunks with the OpenAI translator", () => {
  const iterate = (parts: (string | Uint8Array)[]) =>
    sseChunks(bodyOf(parts), new AbortController().signal, openaiTranslator("up", undefined));

  test("yields chunks until [DONE] even when split mid-UTF-8 character", async () => {
    const text = `${chunk("héllo ")}\n\n${chunk("wörld", "stop")}\n\ndata: [DONE]\n\n`;
    const bytes = new TextEncoder().encode(text);
    const split = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) => bytes.slice(i * 3, i * 3 + 3));
    const chunks = await collect(iterate(split));
    expect(contentOf(chunks)).toBe("héllo wörld");
    expect(chunks[1].choices[0].finish_reason).toBe("stop");
  });

  test("ignores whatever follows [DONE]", async () => {
    const chunks = await collect(iterate([`${chunk("a")}\n\ndata: [DONE]\n\n${chunk("late")}\n\n`]));
    expect(contentOf(chunks)).toBe("a");
  });

  test("a body that ends after a finish_reason but without [DONE] ends normally", async () => {
    const chunks = await collect(iterate([`${chunk("a")}\n\n${chunk("", "length")}\n\n`]));
    expect(chunks.map((c) => c.choices[0].finish_reason)).toEqual([null, "length"]);
  });

  test("a body that ends without [DONE] or a finish_reason is a cut", async () => {
    const it = iterate([`${chunk("a")}\n\n`]);
    expect((await it.next()).value.choices[0].delta.content).toBe("a");
    const err = await rejection(it.next());
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.cls).toBe("cut");
  });

  test("skips lines that are not JSON or not chunks, and keeps going", async () => {
    const text = `data: <html>oops\n\ndata: {"hello":1}\n\n${chunk("ok", "stop")}\n\ndata: [DONE]\n\n`;
    expect(contentOf(await collect(iterate([text])))).toBe("ok");
  });

  test("a usage-only chunk without choices is kept", async () => {
    const usage = 'data: {"id":"c","usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}';
    const chunks = await collect(iterate([`${chunk("a", "stop")}\n\n${usage}\n\ndata: [DONE]\n\n`]));
    expect(chunks[1]).toMatchObject({ choices: [], usage: { total_tokens: 3 } });
  });

  test("a stream of nothing but garbage fails as malformed", async () => {
    const err = await rejection(collect(iterate([Array(40).fill("data: nope\n\n").join("")])));
    expect(err.cls).toBe("malformed");
  });

  test("an in-band error event is classified", async () => {
    const text = `${chunk("a")}\n\ndata: {"error":{"message":"over capacity","type":"server_error","code":null}}\n\n`;
    const it = iterate([text]);
    await it.next();
    const err = await rejection(it.next());
    expect(err.cls).toBe("server");
    expect(err.message).toContain("over capacity");
  });

  test("return() cancels the body even while a read is pending", async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(`${chunk("a")}\n\n`));
      },
      cancel() {
        cancelled = true;
      },
    });
    const it = sseChunks(body, new AbortController().signal, openaiTranslator("up", undefined));
    await it.next();
    const pending = it.next(); // the body never sends more
    await it.return!();
    expect(cancelled).toBe(true);
    expect((await pending).done).toBe(true);
  });

  test("an abort while waiting rejects with the abort reason and cancels the body", async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({ cancel: () => void (cancelled = true) });
    const controller = new AbortController();
    const it = sseChunks(body, controller.signal, openaiTranslator("up", undefined));
    const pending = it.next();
    const reason = new Error("engine gave up");
    controller.abort(reason);
    expect(await rejection(pending)).toBe(reason);
    expect(cancelled).toBe(true);
  });
});
