// Gateway variants for the HTTP bench: the same bench policy with one feature turned on, served by
// its own Switchyard process next to the plain one, so each feature's cost is a ratio measured in
// the same run (the issues' targets are "RPS within 5% of the same policy without it").
import { benchPolicy } from "./fixtures.ts";

export interface GatewayVariant {
  /** Row name suffix: `switchyard-<name>`. */
  name: string;
  /** What the row measures, for the verdict line. */
  label: string;
  policy(upstreamBase: string): string;
  /** Environment the variant's process needs (key secrets, a Redis URL). */
  env: Record<string, string>;
  /** The client key the load sends. */
  token: string;
  /** Least RPS at 64 connections as a share of plain Switchyard's, same mode, same run. */
  minShare: number;
}

const KEY_COUNT = 100;
const keySecret = (i: number): string => `bench-secret-${i}-0123456789abcdef`;

/** 100 declared keys, each with request, token and spend limits; the load calls as key 57. */
const declaredKeys: GatewayVariant = {
  name: "keys",
  label: "100 declared keys with limits",
  policy: (upstreamBase) =>
    `${benchPolicy(upstreamBase)}\n${Array.from(
      { length: KEY_COUNT },
      (_, i) =>
        `key client-${i} { secret env("BENCH_KEY_${i}")  limit { requests 1000000000/min  tokens 1000G/day }  budget { spend $1000000000/month } }`,
    ).join("\n")}\n`,
  env: Object.fromEntries(Array.from({ length: KEY_COUNT }, (_, i) => [`BENCH_KEY_${i}`, keySecret(i)])),
  token: keySecret(57),
  minShare: 0.95,
};

export const VARIANTS: GatewayVariant[] = [declaredKeys];
