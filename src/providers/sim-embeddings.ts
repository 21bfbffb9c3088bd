// The simulated provider's embeddings: small deterministic vectors, so equal inputs embed equally
// and a test can compare them, with no model behind them.
import type { UpstreamCall } from "../runtime/upstream.ts";

/** OpenAI's `encoding_format: base64`: the vector as little-endian float32s, base64-encoded. */
function base64Floats(vector: number[]): string {
  const view = new DataView(new ArrayBuffer(vector.length * 4));
  for (let i = 0; i < vector.length; i++) view.setFloat32(i * 4, vector[i]!, true);
  return Buffer.from(view.buffer).toString("base64");
}

/**
 * Small deterministic vectors, one per input, derived from the text so equal inputs embed equally;
 * as numbers, or base64 when the request asks (the official SDKs ask for base64 by default).
 */
export function simulatedEmbeddings(call: UpstreamCall): Record<string, unknown> {
  const input = call.body.input;
  const inputs = Array.isArray(input) ? input : [input];
  const asBase64 = call.body.encoding_format === "base64";
  let chars = 0;
  const data = inputs.map((item, index) => {
    const text = typeof item === "string" ? item : JSON.stringify(item ?? "");
    chars += text.length;
    const vector = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let i = 0; i < text.length; i++) vector[i % 8] += (text.charCodeAt(i) % 31) / 31;
    const norm = Math.hypot(...vector) || 1;
    const unit = vector.map((x) => x / norm);
    return { object: "embedding", index, embedding: asBase64 ? base64Floats(unit) : unit };
  });
  const tokens = Math.ceil(chars / 4);
  return {
    object: "list",
    data,
    model: String(call.body.model ?? call.model.upstream),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
