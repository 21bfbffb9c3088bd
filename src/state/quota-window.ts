// Fixed quota windows: second/minute/hour run back to back from where the window started,
// day and month are UTC calendar-aligned (a month quota resets on the 1st, not every 30 days).
import { WINDOWS, WINDOW_MS, type WindowUnit } from "../syntax/vocabulary.ts";

export interface QuotaKey {
  scope: "model" | "provider";
  name: string;
  metric: string;
  window: WindowUnit;
}

/** Parses `model:<name>:<metric>:<window>` / `provider:<name>:<metric>:<window>`; null for any other shape. */
export function parseQuotaKey(key: string): QuotaKey | null {
  const parts = key.split(":");
  if (parts.length < 4) return null;
  const scope = parts[0];
  const window = parts[parts.length - 1];
  if ((scope !== "model" && scope !== "provider") || !(WINDOWS as readonly string[]).includes(window)) return null;
  return { scope, name: parts.slice(1, -2).join(":"), metric: parts[parts.length - 2], window: window as WindowUnit };
}

/** When the window that began at `start` ends. */
export function windowEnd(start: number, unit: WindowUnit): number {
  if (unit === "month") {
    const d = new Date(start);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  if (unit === "day") return Math.floor(start / WINDOW_MS.day) * WINDOW_MS.day + WINDOW_MS.day;
  return start + WINDOW_MS[unit];
}

/** The start of the window containing `now`, continuing the series that began at `start`. */
export function currentWindowStart(start: number, unit: WindowUnit, now: number): number {
  if (unit === "month") {
    const d = new Date(now);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  if (unit === "day") return Math.floor(now / WINDOW_MS.day) * WINDOW_MS.day;
  const length = WINDOW_MS[unit];
  return start + Math.floor((now - start) / length) * length;
}
