// What every benchmark shares: the realistic bench policy (capability rules, a three-model
// failover chain, breakers, retries), the fixed upstream replies the mock upstream serves, and the
// client request bodies, so the HTTP bench and the microbenchmarks measure the same work.

const created = 1_700_000_000;

export const COMPLETION_JSON = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created,
  model: "bench-model",
  choices: [
    { index: 0, message: { role: "assistant", content: "Hello from the bench upstream." }, finish_reason: "stop" },
  ],
  usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
});

const chunk = (delta: object, finish: string | null): string =>
  `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created, model: "bench-model", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

/** One SSE event with a content delta, as a typical upstream sends it. */
export const CONTENT_EVENT = chunk({ content: " hello" }, null);

/**
 * `calls` tool calls streamed as upstreams do: a first delta with id and name, then `deltas - 1`
 * argument fragments that only parse as JSON once all have arrived.
 */
export function toolCallEvents(calls: number, deltas: number): string {
  let text = "";
  for (let index = 0; index < calls; index++) {
    const fragments = ['{"city": "', ...Array.from({ length: deltas - 3 }, () => "ab"), '", "days": ', "3}"];
    text += chunk(
      {
        tool_calls: [
          { index, id: `call_${index}`, type: "function", function: { name: "get_weather", arguments: "" } },
        ],
      },
      null,
    );
    for (const f of fragments.slice(0, deltas - 1))
      text += chunk({ tool_calls: [{ index, function: { arguments: f } }] }, null);
  }
  return text;
}

/** A whole short stream: role, five content deltas, finish, usage, [DONE] (9 events). */
export const STREAM_TEXT =
  chunk({ role: "assistant", content: "" }, null) +
  ["Hello", " from", " the", " bench", " upstream."].map((t) => chunk({ content: t }, null)).join("") +
  chunk({}, "stop") +
  `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created, model: "bench-model", choices: [], usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 } })}\n\n` +
  "data: [DONE]\n\n";

export function requestBody(model: string, stream: boolean): string {
  return JSON.stringify({ model, stream, messages: [{ role: "user", content: "Say hello in five words." }] });
}

/** The same request as `requestBody`, in Anthropic Messages form (for /v1/messages). */
export function messagesBody(model: string, stream: boolean): string {
  return JSON.stringify({
    model,
    stream,
    max_tokens: 256,
    messages: [{ role: "user", content: "Say hello in five words." }],
  });
}

export function responsesBody(model: string, stream: boolean): string {
  return JSON.stringify({ model, stream, max_output_tokens: 256, input: "Say hello in five words." });
}

export function benchPolicy(upstreamBase: string): string {
  return `# Generated for the benchmarks: capability rules, a three-model failover chain, breakers, retries.
defaults {
  timeout { connect 2s  first_token 10s  idle 10s  total 30s }
  retry { attempts 2  backoff { base 50ms  max 1s  jitter 20% }  on [429, 5xx, connect, reset]  retry_after_cap 2s }
  breaker { failures 5  error_rate 50%  window 1m  min_requests 20  cooldown 10s  probes 1  successes 2 }
  stream { on_break continue }
}
provider up_a { kind openai  base_url "${upstreamBase}" }
provider up_b { kind openai  base_url "${upstreamBase}" }
provider up_c { kind openai  base_url "${upstreamBase}" }
model primary { provider up_a  upstream "bench-model"  can [chat, stream, tools, json]  context 128k  price { input $1  output $2 } }
model secondary { provider up_b  upstream "bench-model"  can [chat, stream, tools, vision, json]  context 128k  price { input $2  output $4 } }
model tertiary { provider up_c  upstream "bench-model"  can [chat, stream]  context 32k  price { input $0.5  output $1 } }
route chat {
  when vision -> [secondary, primary]
  when tools and json -> [primary, secondary]
  when tokens > 100k -> [primary, secondary]
  when header "x-tier" == "batch" -> [tertiary, primary]
  otherwise -> [primary, secondary, tertiary]
}
`;
}

/**
 * A route with 100 rules for the routing-decision microbenchmark: 99 `when` rules over headers,
 * metadata, token counts and capabilities that a plain chat request does not match, so the decision
 * evaluates every one of them before `otherwise` picks five candidates to filter and order.
 */
export function hundredRulePolicy(): string {
  const out = [
    'provider p0 { kind openai  base_url "http://127.0.0.1:9/v1" }',
    'provider p1 { kind openai  base_url "http://127.0.0.1:9/v1" }',
  ];
  for (let m = 0; m < 10; m++) {
    const caps = m % 2 === 0 ? "[chat, stream, tools, json]" : "[chat, stream, tools, vision, json]";
    out.push(
      `model m${m} { provider p${m % 2}  upstream "model-${m}"  can ${caps}  context 128k  price { input $${m + 1}  output $${m + 2} } }`,
    );
  }
  out.push("route chat {");
  for (let r = 0; r < 99; r++) {
    const a = `m${r % 10}`;
    const b = `m${(r + 3) % 10}`;
    const cond = [
      `header "x-tier" == "tier-${r}"`,
      `metadata "team" in ["team-${r}", "other-${r}"]`,
      `tokens > 100k and header "x-region" == "region-${r}"`,
      `vision and tools and metadata "team" == "vision-${r}"`,
    ][r % 4];
    out.push(`  when ${cond} -> [${a}, ${b}]`);
  }
  out.push("  otherwise -> [m0, m2, m4, m6, m8]", "}");
  return out.join("\n") + "\n";
}
