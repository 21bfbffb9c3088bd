// Generates the scenario's requests in arrival order: when each arrives, which route it asks for,
// and an OpenAI chat body shaped so the engine infers the intended needs (stream, tools, vision,
// json) and prompt size. Each traffic source draws from its own seeded stream, so adding a source
// does not reshuffle the others. Every new prompt is distinct (it starts with its request's number,
// at the same length, so the token estimate is what the scenario asked for); `repeat` sends an
// earlier request of the same source again word for word, which is what a response cache can hit.
import type { HeaderView } from "../runtime/api.ts";
import { SeededRandom } from "../ports/seeded-random.ts";
import { exponentialGap, pick, sample } from "./distribution.ts";
import { deriveSeed } from "./seeds.ts";
import type { Scenario, TrafficSpec } from "./scenario-types.ts";
import { dialectRequest, type DialectRequest, type RequestShape } from "./dialect-traffic.ts";

export interface SimRequest {
  seq: number; // 0-based, in arrival order
  at: number; // ms from the run start
  route: string;
  body: Record<string, unknown>;
  headers: HeaderView;
  stream: boolean;
  outputTokens: number; // how long the simulated upstream's reply is
  key: string | null; // the declared key the request is made with
  /** The request as written in a dialect (`api: messages | responses`); null for chat. */
  dialect: DialectRequest | null;
}

/** Header lookups as the engine does them: case-insensitive names. */
export class SimHeaders implements HeaderView {
  constructor(private readonly values: Record<string, string>) {}
  get(name: string): string | null {
    return this.values[name.toLowerCase()] ?? null;
  }
  entries(): Record<string, string> {
    return this.values;
  }
}

const TOOLS = [
  {
    type: "function",
    function: {
      name: "lookup",
      description: "look a record up",
      parameters: { type: "object", properties: { id: { type: "string" } } },
    },
  },
];
const IMAGE = { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } };
const NO_HEADERS = new SimHeaders({});
const prompts = new Map<number, string>();

/** A prompt the engine estimates at `tokens` tokens (it counts ≈ 4 characters a token), distinct per `seq`. */
function promptText(tokens: number, seq: number): string {
  let text = prompts.get(tokens);
  if (text === undefined) {
    text = "lorem ipsum dolor sit amet ".repeat(Math.ceil((tokens * 4) / 27)).slice(0, tokens * 4);
    if (prompts.size < 50_000) prompts.set(tokens, text);
  }
  const mark = `${seq} `;
  return mark.length < text.length ? mark + text.slice(mark.length) : text;
}

/** How many earlier requests a source keeps to repeat from (the most recent ones). */
const REPEAT_POOL = 10_000;

class Source {
  readonly random: SeededRandom;
  next: number;
  /** Earlier new requests, for `repeat` to draw from; a ring of the last REPEAT_POOL. */
  readonly sent: SimRequest[] = [];
  #emitted = 0;
  #planned: number[] | null = null;

  constructor(
    readonly spec: TrafficSpec,
    seed: number,
  ) {
    this.random = new SeededRandom(seed);
    const span = spec.toMs - spec.fromMs;
    if (spec.count !== null && spec.arrival === "poisson") {
      // A fixed count under Poisson arrivals: uniform arrival times, sorted.
      this.#planned = Array.from({ length: spec.count }, () => spec.fromMs + this.random.next() * span).sort(
        (a, b) => a - b,
      );
    }
    this.next = this.#time(0);
  }

  advance(): void {
    this.#emitted++;
    this.next = this.#time(this.#emitted);
  }

  #time(k: number): number {
    const { spec } = this;
    if (this.#planned) return this.#planned[k] ?? Infinity;
    if (spec.count !== null)
      return k < spec.count ? spec.fromMs + (k * (spec.toMs - spec.fromMs)) / spec.count : Infinity;
    const rate = spec.ratePerMs!;
    const at =
      spec.arrival === "constant"
        ? spec.fromMs + k / rate
        : (k === 0 ? spec.fromMs : this.next) + exponentialGap(rate, this.random);
    return at < spec.toMs ? at : Infinity;
  }
}

function build(source: Source, seq: number, at: number): SimRequest {
  const { spec, random, sent } = source;
  // no draw when the source never repeats, so adding `repeat` to one source changes nothing else
  if (spec.repeat > 0 && sent.length > 0 && random.next() < spec.repeat)
    return { ...sent[Math.floor(random.next() * sent.length)], seq, at };
  const req = fresh(source, seq, at);
  if (spec.repeat > 0) {
    if (sent.length < REPEAT_POOL) sent.push(req);
    else sent[seq % REPEAT_POOL] = req;
  }
  return req;
}

function fresh(source: Source, seq: number, at: number): SimRequest {
  const { spec, random } = source;
  const stream = spec.stream > 0 && random.next() < spec.stream;
  const tools = spec.tools > 0 && random.next() < spec.tools;
  const images = spec.images > 0 && random.next() < spec.images;
  const json = spec.json > 0 && random.next() < spec.json;
  const promptTokens = Math.max(1, Math.round(sample(spec.promptTokens, random)));
  const outputTokens = Math.max(1, Math.round(sample(spec.outputTokens, random)));
  const text = promptText(promptTokens, seq);
  let headers = NO_HEADERS;
  const headerNames = Object.keys(spec.headers);
  if (headerNames.length > 0) {
    const values: Record<string, string> = {};
    for (const name of headerNames) values[name.toLowerCase()] = pick(spec.headers[name], random);
    headers = new SimHeaders(values);
  }
  let metadata: Record<string, string> | null = null;
  const metaNames = Object.keys(spec.metadata);
  if (metaNames.length > 0) {
    metadata = {};
    for (const name of metaNames) metadata[name] = pick(spec.metadata[name], random);
  }
  const shape: RequestShape = { route: spec.route, text, image: images, stream, tools, json, outputTokens, metadata };
  if (spec.api !== "chat") {
    const { chat, dialect } = dialectRequest(spec.api, shape);
    return { seq, at, route: spec.route, body: chat, headers, stream, outputTokens, key: spec.key, dialect };
  }
  const body = chatBody(shape);
  return { seq, at, route: spec.route, body, headers, stream, outputTokens, key: spec.key, dialect: null };
}

function chatBody(s: RequestShape): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: s.route,
    messages: [{ role: "user", content: s.image ? [{ type: "text", text: s.text }, IMAGE] : s.text }],
  };
  if (s.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  if (s.tools) body.tools = TOOLS;
  if (s.json) body.response_format = { type: "json_object" };
  if (s.metadata) body.metadata = s.metadata;
  return body;
}

/** One request given outright rather than drawn (a replayed log line), with the body the generator would build. */
export function plainChatRequest(
  seq: number,
  at: number,
  route: string,
  sizes: { stream: boolean; promptTokens: number; outputTokens: number },
  key: string | null,
): SimRequest {
  const { stream, outputTokens } = sizes;
  const shape: RequestShape = {
    route,
    text: promptText(Math.max(1, sizes.promptTokens), seq),
    image: false,
    stream,
    tools: false,
    json: false,
    outputTokens,
    metadata: null,
  };
  return { seq, at, route, body: chatBody(shape), headers: NO_HEADERS, stream, outputTokens, key, dialect: null };
}

/** Every request of the scenario, lazily, in arrival order (ties: the earlier-listed source first). */
export function* generateTraffic(scenario: Scenario): Generator<SimRequest> {
  const sources = scenario.traffic.map((t, i) => new Source(t, deriveSeed(scenario.seed, `traffic#${i}`)));
  for (let seq = 0; ; seq++) {
    let best: Source | null = null;
    for (const s of sources) if (s.next !== Infinity && (best === null || s.next < best.next)) best = s;
    if (best === null) return;
    const req = build(best, seq, best.next);
    best.advance();
    yield req;
  }
}
