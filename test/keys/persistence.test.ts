// Key accounting outlives a restart with --state, /admin/keys shows usage against every limit and
// budget in its current window, and /metrics counts per key under the key's NAME.
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import { KEY_SECRETS, START } from "./policy.ts";
import { chatReq, serveKeys, type Served } from "./serve-helpers.ts";

let served: Served | null = null;
let dir = "";
afterEach(async () => {
  await served?.close();
  served = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = "";
});

const ADMIN = { authorization: `Bearer ${KEY_SECRETS.SWITCHYARD_ADMIN_TOKEN}` };
const ADS = KEY_SECRETS.SWITCHYARD_KEY_ADS!;
const BATCH = KEY_SECRETS.SWITCHYARD_KEY_BATCH!;

async function adminKeys(url: string) {
  const res = await fetch(`${url}/admin/keys`, { headers: ADMIN });
  expect(res.status).toBe(200);
  return res.json();
}

test("usage and spent limits survive a restart with --state", async () => {
  dir = mkdtempSync(join(tmpdir(), "sy-keys-state-"));
  const statePath = join(dir, "state.bin");
  served = await serveKeys({ statePath, dir });
  for (let i = 0; i < 3; i++) expect((await chatReq(served.running.url, ADS)).status).toBe(200);
  expect((await chatReq(served.running.url, ADS)).status).toBe(429);
  for (let i = 0; i < 2; i++) expect((await chatReq(served.running.url, BATCH)).status).toBe(200);
  const before = await adminKeys(served.running.url);
  const ads = before.keys.find((k: { name: string }) => k.name === "ads-bot");
  expect(ads.usage).toMatchObject({ requests: 3, refused: 1 });
  expect(ads.limits).toEqual([
    {
      metric: "requests",
      window: "minute",
      limit: 3,
      used: 3,
      remaining: 0,
      resetsAt: Date.UTC(2026, 2, 10, 10, 1, 0),
    },
  ]);
  expect(before.teams.find((t: { name: string }) => t.name === "ads").usage.requests).toBe(3);
  await served.close(); // writes the snapshot on shutdown
  served = null;

  served = await serveKeys({ statePath, dir, clock: new ManualClock(START + 5_000) });
  const after = await adminKeys(served.running.url);
  expect(after.keys).toEqual(before.keys);
  expect(after.teams).toEqual(before.teams);
  const res = await chatReq(served.running.url, ADS);
  expect(res.status).toBe(429); // still the same minute: the limit stays spent across the restart
  expect(res.headers.get("retry-after")).toBe("45");
});

test("/metrics counts per key, labelled by the key's name", async () => {
  served = await serveKeys();
  const { url } = served.running;
  for (let i = 0; i < 4; i++) await chatReq(url, ADS);
  await chatReq(url, BATCH);
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${BATCH}` } })).text();
  expect(text).toContain('switchyard_key_requests_total{key="ads-bot"} 3');
  expect(text).toContain('switchyard_key_refused_total{key="ads-bot"} 1');
  expect(text).toContain('switchyard_key_requests_total{key="batch"} 1');
  expect(text).toContain('switchyard_key_requests_total{key="search-prod"} 0');
  expect(text).toMatch(/switchyard_key_cost_usd_total\{key="batch"\} 0\.0000\d+/);
  expect((await fetch(`${url}/metrics`)).status).toBe(401); // keys are declared: /metrics needs one
});
