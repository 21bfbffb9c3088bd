// Draws the scenario's distributions (latencies, token counts, arrival gaps) from a seeded Random,
// so the same seed replays the same traffic and the same upstream behaviour.
import type { Random } from "../runtime/ports.ts";
import type { Choice, Dist } from "./scenario-types.ts";

/** z-score of the 95th percentile of a standard normal. */
const Z95 = 1.6448536269514722;

export function sample(dist: Dist, random: Random): number {
  switch (dist.kind) {
    case "fixed":
      return dist.value;
    case "uniform":
      return dist.min + (dist.max - dist.min) * random.next();
    case "lognormal": {
      const sigma = Math.log(dist.p95 / dist.median) / Z95;
      return dist.median * Math.exp(sigma * standardNormal(random));
    }
  }
}

/** Box–Muller; one of the pair is thrown away to keep the draw count per sample fixed. */
function standardNormal(random: Random): number {
  const u = 1 - random.next(); // (0, 1]: log(0) is -Infinity
  const v = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Exponential gap for a Poisson process with `ratePerMs` arrivals per millisecond. */
export function exponentialGap(ratePerMs: number, random: Random): number {
  return -Math.log(1 - random.next()) / ratePerMs;
}

export function pick(choice: Choice, random: Random): string {
  if (choice.length === 1) return choice[0].value;
  let total = 0;
  for (const c of choice) total += c.weight;
  let r = random.next() * total;
  for (const c of choice) {
    r -= c.weight;
    if (r < 0) return c.value;
  }
  return choice[choice.length - 1].value;
}
