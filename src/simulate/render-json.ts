// `--json`: the summary as JSON. It is stable by construction (fixed key order, rounded numbers,
// no wall-clock times), so the same policy, scenario and seed give the same bytes.
import type { Summary } from "./summary.ts";

export function renderJson(s: Summary): string {
  return JSON.stringify(s, null, 2) + "\n";
}
