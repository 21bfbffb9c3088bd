// The path a request addresses, from whatever request target the server hands over. Bun gives an
// absolute URL when the request has a usable Host, and only the origin-form target ("/healthz")
// when Host is missing (HTTP/1.0), empty or invalid (`Host: a b`); health checkers send exactly
// those, so they must route like any other request instead of failing in `new URL`.

/** A base for origin-form targets; its host is never used, only the path is read. */
const PLACEHOLDER_ORIGIN = "http://gateway.invalid";

/** The request's path with trailing slashes removed (but `/` kept), or null when it has none. */
export function requestPath(url: string): string | null {
  const pathname = parsePathname(url);
  if (pathname === null) return null;
  return pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
}

function parsePathname(url: string): string | null {
  // Concatenation, not `new URL(url, base)`: a target like `//x/y` must stay a path, not a host.
  const absolute = url.startsWith("/") ? PLACEHOLDER_ORIGIN + url : url;
  try {
    return new URL(absolute).pathname;
  } catch {
    return null;
  }
}
