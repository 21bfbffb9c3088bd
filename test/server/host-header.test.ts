// Requests without a usable Host header (issue 9, item 5): HTTP/1.0 without Host, an empty Host and
// `Host: a b` are what health checkers send. They must be served like any other request, and
// logged and counted, instead of a 500 with no trace.
import { describe, expect, test } from "bun:test";
import { faultGraph, faultSettings, lastLog, startRig, stopAfterEach } from "./fault-harness.ts";
import { completionBody, json, mockUpstream } from "./mock-upstream.ts";
import { rawRequest } from "./raw-http.ts";

const track = stopAfterEach();

function rig() {
  const a = track(mockUpstream(() => json(completionBody("a-up", "fine"))));
  return track(startRig(faultGraph([{ name: "a", upstream: a }], faultSettings())));
}

const HOSTS = { "HTTP/1.0 without Host": "", "an empty Host": "Host:\r\n", "Host: a b": "Host: a b\r\n" };

describe("requests without a usable Host header", () => {
  for (const [name, host] of Object.entries(HOSTS)) {
    test(`${name}: health and readiness answer 200`, async () => {
      const r = rig();
      const version = host === "" ? "HTTP/1.0" : "HTTP/1.1";
      for (const path of ["/healthz", "/readyz"]) {
        const reply = await rawRequest(r.url, `GET ${path} ${version}\r\n${host}Connection: close\r\n\r\n`);
        expect(reply.status).toBe(200);
      }
    });

    test(`${name}: a chat request is served, logged and counted`, async () => {
      const r = rig();
      const body = JSON.stringify({ model: "r", messages: [{ role: "user", content: "hi" }] });
      const version = host === "" ? "HTTP/1.0" : "HTTP/1.1";
      const reply = await rawRequest(
        r.url,
        `POST /v1/chat/completions ${version}\r\n${host}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body).choices[0].message.content).toBe("fine");
      expect(lastLog(r)).toMatchObject({ path: "/v1/chat/completions", status: 200 });
      const metrics = await (await fetch(`${r.url}/metrics`)).text();
      expect(metrics).toMatch(/switchyard_requests_total\{[^}]*status="200"[^}]*\} 1/);
    });
  }

  test("an unknown path without Host is a logged 404, not a 500", async () => {
    const r = rig();
    const reply = await rawRequest(r.url, "GET /nope HTTP/1.0\r\n\r\n");
    expect(reply.status).toBe(404);
    expect(JSON.parse(reply.body).error.code).toBe("not_found");
    expect(lastLog(r)).toMatchObject({ path: "/nope", status: 404 });
  });
});
