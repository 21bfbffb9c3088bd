// Rows come back in arrival order however requests finished: placed by seq when seqs are 0..n-1,
// and by a comparison sort when they are not (a resumed or filtered run).
import { describe, expect, test } from "bun:test";
import { Recorder, type RequestRow } from "../../src/simulate/recorder.ts";

function row(seq: number): RequestRow {
  return {
    seq,
    arrivedAt: seq,
    route: "r",
    stream: false,
    ok: true,
    status: 200,
    errorKind: null,
    servedModel: "m",
    attempts: 1,
    failovers: 0,
    continuations: 0,
    latencyMs: 1,
    ttftMs: null,
    costUsd: 0,
  };
}

describe("Recorder.sortRows", () => {
  test("dense seqs finishing out of order come back in arrival order", () => {
    const r = new Recorder(0);
    for (const seq of [2, 0, 3, 1, 4]) r.record(row(seq));
    r.sortRows();
    expect(r.rows.map((x) => x.seq)).toEqual([0, 1, 2, 3, 4]);
  });

  test("gaps and repeats fall back to a sort without losing a row", () => {
    const r = new Recorder(0);
    for (const seq of [10, 3, 7, 3]) r.record(row(seq));
    r.sortRows();
    expect(r.rows.map((x) => x.seq)).toEqual([3, 3, 7, 10]);
  });
});
