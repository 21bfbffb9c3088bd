// `serve --debug-decisions` over real HTTP (127.0.0.1, port 0): every front door (chat completions,
// messages, responses, embeddings; streams too) answers with a compact x-switchyard-decision header,
// read here through the official SDKs' raw responses, and the request's log line carries the same
// text as `decision`. Without the flag neither appears.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve, type RunningGateway } from "../../src/server/serve.ts";

const POLICY = `
provider sim { kind simulated  ttft 0ms  per_token 0ms  output_tokens 3 }
provider down { kind simulated  ttft 0ms  per_token 0ms  error_rate 100%  error_status 503 }
model text { provider sim  can [chat, stream] }
model eyes { provider sim  can [chat, stream, vision] }
model flaky { provider down  can [chat, stream] }
model embedder { provider sim  can [embeddings] }
route chat {
  when vision -> [text, eyes]
  otherwise -> [text]
}
route failover {
  otherwise -> [flaky, text]
  retry { attempts 1 }
}
route embed { otherwise -> [embedder] }
`;

const IMAGE = [{ role: "user" as const, content: [{ type: "image_url" as const, image_url: { url: "u" } }] }];
const HI = [{ role: "user" as const, content: "hi" }];

let dir: string;

async function start(debugDecisions: boolean, lines: string[]): Promise<RunningGateway> {
  const policyPath = join(dir, "p.route");
  writeFileSync(policyPath, POLICY);
  return serve({
    policyPath,
    port: 0,
    env: { get: () => undefined },
    log: (l) => lines.push(l),
    say: () => {},
    debugDecisions,
  });
}

const requestLines = (lines: string[]) =>
  lines.map((l) => JSON.parse(l)).filter((l: { event: string }) => l.event === "request");

let on: RunningGateway;
let off: RunningGateway;
const onLines: string[] = [];
const offLines: string[] = [];
let openai: OpenAI;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sy-decision-"));
  on = await start(true, onLines);
  off = await start(false, offLines);
  openai = new OpenAI({ apiKey: "unused", baseURL: `http://127.0.0.1:${on.port}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await on.stop();
  await off.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("serve --debug-decisions", () => {
  test("chat completions: the rule, each candidate's fate, the model served and the attempts", async () => {
    const { response } = await openai.chat.completions.create({ model: "chat", messages: IMAGE }).withResponse();
    expect(response.headers.get("x-switchyard-decision")).toBe(
      "rule=chat#1; text skip:capability; eyes ok; served=eyes; attempts=1",
    );
  });

  test("a failover shows every attempt; a stream carries the header too", async () => {
    const { response } = await openai.chat.completions.create({ model: "failover", messages: HI }).withResponse();
    expect(response.headers.get("x-switchyard-decision")).toBe(
      "rule=failover#1; flaky ok; text ok; served=text; attempts=2",
    );
    const streamed = await openai.chat.completions.create({ model: "chat", messages: HI, stream: true }).withResponse();
    for await (const _ of streamed.data);
    expect(streamed.response.headers.get("x-switchyard-decision")).toBe(
      "rule=chat#2; text ok; served=text; attempts=1",
    );
  });

  test("messages, responses and embeddings answer with it as well", async () => {
    const claude = new Anthropic({ apiKey: "unused", baseURL: `http://127.0.0.1:${on.port}`, maxRetries: 0 });
    const message = await claude.messages.create({ model: "chat", max_tokens: 16, messages: HI }).withResponse();
    expect(message.response.headers.get("x-switchyard-decision")).toBe("rule=chat#2; text ok; served=text; attempts=1");
    const responses = await openai.responses.create({ model: "chat", input: "hi" }).withResponse();
    expect(responses.response.headers.get("x-switchyard-decision")).toBe(
      "rule=chat#2; text ok; served=text; attempts=1",
    );
    const embedded = await openai.embeddings.create({ model: "embed", input: "hi" }).withResponse();
    expect(embedded.response.headers.get("x-switchyard-decision")).toBe(
      "rule=embed#1; embedder ok; served=embedder; attempts=1",
    );
  });

  test("a refused request says so", async () => {
    const res = await fetch(`http://127.0.0.1:${on.port}/v1/embeddings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "chat", input: "hi" }),
    });
    expect(res.headers.get("x-switchyard-decision")).toMatch(
      /^rule=chat#2; text skip:capability; refused=\d+; served=none; attempts=0$/,
    );
  });

  test("the request log line carries the same decision", async () => {
    const { response } = await openai.chat.completions.create({ model: "chat", messages: IMAGE }).withResponse();
    const id = response.headers.get("x-request-id");
    const line = requestLines(onLines).find((l: { id: string }) => l.id === id);
    expect(line.decision).toBe(response.headers.get("x-switchyard-decision"));
  });
});

describe("without the flag", () => {
  test("no header and no log field", async () => {
    const client = new OpenAI({ apiKey: "unused", baseURL: `http://127.0.0.1:${off.port}/v1`, maxRetries: 0 });
    const { response } = await client.chat.completions.create({ model: "chat", messages: IMAGE }).withResponse();
    expect(response.headers.get("x-switchyard-decision")).toBeNull();
    expect(requestLines(offLines).every((l: Record<string, unknown>) => !("decision" in l))).toBe(true);
  });
});
