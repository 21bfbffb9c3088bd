// x-request-id: keep the client's when it is a sane token (so traces join up across services),
// otherwise mint one; a hostile value must not end up verbatim in our logs and headers.
const SANE = /^[A-Za-z0-9._:\-]{1,128}$/;

export function requestIdFor(req: Request): string {
  const given = req.headers.get("x-request-id");
  if (given && SANE.test(given)) return given;
  return `req_${crypto.randomUUID().replaceAll("-", "")}`;
}
