// Watches a run through the engine's Observer and the outcomes the simulated clients receive, and
// keeps compact per-request rows plus per-model counters and the breaker timeline. It only
// observes: every routing decision it sees was made by the engine.
import type { AttemptRecord, BreakerPhase, Observer, OutcomeMeta, SkipRecord } from "../runtime/api.ts";
import { attemptLabel } from "../runtime/engine.ts";

export interface RequestRow {
  seq: number;
  arrivedAt: number; // ms from the run start
  route: string;
  stream: boolean;
  ok: boolean;
  status: number;
  /** Why it failed: the engine's error class, `stream_error` for a stream that broke after its first chunk, or null. */
  errorKind: string | null;
  servedModel: string | null;
  attempts: number;
  failovers: number;
  continuations: number;
  latencyMs: number;
  ttftMs: number | null; // streams: until the client's first chunk
  costUsd: number;
  /** Only with `trails`: attempts as `model:status` when the response started, and at the end. */
  trail?: RequestTrail;
}

export interface RequestTrail {
  atResponse: string;
  servedAtResponse: string | null;
  final: string;
  /** Every attempt with its times (ms on the run's clock), for checks that need when, not just what. */
  attempts: readonly AttemptRecord[];
  /** The answer's text as the client read it (first choice). */
  text: string;
  /** Candidates the engine passed over without calling them, and why. */
  skipped?: readonly SkipRecord[];
}

/** `a:503,a:503,b:200`: an attempt without an HTTP error status shows its class (`b:timeout`). */
export function attemptTrail(attempts: readonly AttemptRecord[]): string {
  return attempts.map((a) => attemptLabel(a.model, a.status, a.cls)).join(",");
}

export interface ModelTally {
  served: number;
  attempted: number;
  failed: number;
  failedByClass: Record<string, number>;
  skipped: Record<string, number>;
}

export interface BreakerEvent {
  at: number; // ms from the run start
  model: string;
  from: BreakerPhase;
  to: BreakerPhase;
  /** Which instance's breaker (1-based), in runs with `instances:`; absent with one instance. */
  instance?: number;
}

export interface AttemptWhileOpen {
  model: string;
  at: number;
  requestId: string;
}

export class Recorder {
  readonly rows: RequestRow[] = [];
  readonly models = new Map<string, ModelTally>();
  readonly breakers: BreakerEvent[] = [];
  readonly #phase = new Map<string, { phase: BreakerPhase; since: number }>();
  /** Attempts started strictly after their model's breaker opened and before it left `open`. */
  readonly attemptsWhileOpen: AttemptWhileOpen[] = [];
  readonly #openSince = new Map<string, number>();
  readonly #closedAgain = new Map<string, { openedAt: number; leftAt: number }[]>();

  constructor(private readonly origin: number) {}

  tally(model: string): ModelTally {
    let t = this.models.get(model);
    if (t === undefined) {
      t = { served: 0, attempted: 0, failed: 0, failedByClass: {}, skipped: {} };
      this.models.set(model, t);
    }
    return t;
  }

  readonly observer: Observer = this.#observe(null);

  /**
   * The observer of one instance in a multi-instance run: breakers are that instance's own, so
   * open spans are tracked per instance and its events carry its number.
   */
  instanceObserver(instance: number): Observer {
    return this.#observe(instance);
  }

  #observe(instance: number | null): Observer {
    const keyOf = instance === null ? (model: string) => model : (model: string) => `${model}\u0000${instance}`;
    return {
      attempt: (meta: OutcomeMeta, a: AttemptRecord) => {
        const t = this.tally(a.model);
        t.attempted++;
        if (a.cls !== "ok" && a.cls !== "cancelled") {
          t.failed++;
          t.failedByClass[a.cls] = (t.failedByClass[a.cls] ?? 0) + 1;
        }
        if (this.#wasOpen(keyOf(a.model), a.startedAt))
          this.attemptsWhileOpen.push({ model: a.model, at: a.startedAt - this.origin, requestId: meta.id });
      },
      skip: (_meta: OutcomeMeta, s: SkipRecord) => {
        const t = this.tally(s.model);
        t.skipped[s.reason] = (t.skipped[s.reason] ?? 0) + 1;
      },
      breaker: (model, from, to, at) => {
        const event: BreakerEvent = { at: at - this.origin, model, from, to };
        if (instance !== null) event.instance = instance;
        this.breakers.push(event);
        const key = keyOf(model);
        if (to === "open") this.#openSince.set(key, at);
        else if (from === "open") {
          const openedAt = this.#openSince.get(key);
          if (openedAt !== undefined) {
            let list = this.#closedAgain.get(key);
            if (list === undefined) this.#closedAgain.set(key, (list = []));
            list.push({ openedAt, leftAt: at });
            this.#openSince.delete(key);
          }
        }
        this.#phase.set(key, { phase: to, since: at });
      },
    };
  }

  /** Open strictly around `at`; the exact instants of opening and leaving are given the benefit of the doubt. */
  #wasOpen(key: string, at: number): boolean {
    const openedAt = this.#openSince.get(key);
    if (openedAt !== undefined && at > openedAt) return true;
    // Spans are in time order and attempts report soon after they start: scan back from the latest.
    const spans = this.#closedAgain.get(key) ?? [];
    for (let i = spans.length - 1; i >= 0 && spans[i].leftAt > at; i--) if (at > spans[i].openedAt) return true;
    return false;
  }

  record(row: RequestRow): void {
    this.rows.push(row);
    if (row.ok && row.servedModel !== null) this.tally(row.servedModel).served++;
  }

  /**
   * The rows in arrival (seq) order. Requests finish nearly in arrival order, and seqs are 0..n-1,
   * so each row is placed at its seq; a comparison sort is the fallback if that ever fails.
   */
  sortRows(): void {
    const rows = this.rows;
    const placed: (RequestRow | undefined)[] = new Array(rows.length);
    for (const r of rows) {
      if (!(r.seq >= 0 && r.seq < rows.length && Number.isInteger(r.seq)) || placed[r.seq] !== undefined) {
        rows.sort((a, b) => a.seq - b.seq);
        return;
      }
      placed[r.seq] = r;
    }
    for (let i = 0; i < rows.length; i++) rows[i] = placed[i]!;
  }

  /** Rows from a finished request's meta and what its client saw. */
  static row(
    meta: OutcomeMeta,
    seq: number,
    arrivedAt: number,
    stream: boolean,
    ok: boolean,
    errorKind: string | null,
    endedAt: number,
    firstChunkAt: number | null,
    startedAt: number,
  ): RequestRow {
    return {
      seq,
      arrivedAt,
      route: meta.route,
      stream,
      ok,
      status: ok ? 200 : meta.status,
      errorKind: ok ? null : (errorKind ?? meta.errorClass ?? "error"),
      servedModel: meta.servedModel,
      attempts: meta.attempts.length,
      failovers: meta.failovers,
      continuations: meta.continuations,
      latencyMs: endedAt - startedAt,
      ttftMs: firstChunkAt === null ? null : firstChunkAt - startedAt,
      costUsd: meta.costUsd,
    };
  }
}
