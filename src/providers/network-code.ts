// Names a network failure without repeating its message: runtime messages can embed the URL
// (and with it anything a base URL carries), so errors we build quote only the code.

/** A short, secret-free name for a network failure (`ECONNRESET`), never the raw message. */
export function networkCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^[A-Za-z_]{2,40}$/.test(code)) return code;
  const name = (err as { name?: unknown } | null)?.name;
  return typeof name === "string" && /^[A-Za-z]{2,40}$/.test(name) ? name : "network error";
}
