// `switchyard serve` argument parsing: flags, `=` forms, positional policy, and clear errors.
import { describe, expect, test } from "bun:test";
import { ServeError, parseServeArgs } from "../../src/server/serve-args.ts";

describe("parseServeArgs", () => {
  test("defaults to 127.0.0.1:8080 and the embedded policy", () => {
    expect(parseServeArgs([])).toEqual({ port: 8080, host: "127.0.0.1" });
  });

  test("reads flags, = forms and a positional policy", () => {
    expect(parseServeArgs(["--port", "9000", "--host=0.0.0.0", "gw.route"])).toEqual({
      port: 9000,
      host: "0.0.0.0",
      policyPath: "gw.route",
    });
    expect(parseServeArgs(["--policy=p.route", "-p", "0"])).toEqual({
      port: 0,
      host: "127.0.0.1",
      policyPath: "p.route",
    });
  });

  test("rejects bad ports, unknown flags, missing values and two policies", () => {
    for (const argv of [
      ["--port", "http"],
      ["--port", "70000"],
      ["--port"],
      ["--verbose"],
      ["a.route", "b.route"],
      ["--policy", "a.route", "b.route"],
    ]) {
      expect(() => parseServeArgs(argv)).toThrow(ServeError);
    }
    expect(() => parseServeArgs(["--prot", "1"])).toThrow("unknown option `--prot`");
  });

  test("reads the port from PORT when no flag gives one; the flag wins", () => {
    expect(parseServeArgs([], { PORT: "9100" }).port).toBe(9100);
    expect(parseServeArgs(["--port", "9200"], { PORT: "9100" }).port).toBe(9200);
    expect(parseServeArgs([], { PORT: "" }).port).toBe(8080);
    expect(() => parseServeArgs([], { PORT: "http" })).toThrow(
      "invalid port in the `PORT` environment variable `http`: expected a number from 0 to 65535",
    );
    expect(parseServeArgs(["--port", "1"], { PORT: "http" }).port).toBe(1); // a broken PORT the flag overrides is not an error
  });

  test("reads the shutdown waits as durations, 0s allowed", () => {
    expect(parseServeArgs(["--not-ready-window", "5s", "--drain-timeout=1m"])).toMatchObject({
      notReadyMs: 5_000,
      drainTimeoutMs: 60_000,
    });
    expect(parseServeArgs(["--not-ready-window", "0s"]).notReadyMs).toBe(0);
    expect(() => parseServeArgs(["--drain-timeout", "soon"])).toThrow(
      "invalid `--drain-timeout` `soon`: expected a duration such as `10s`, `500ms` or `0s`",
    );
  });

  test("--debug-decisions is a switch, off unless given", () => {
    expect(parseServeArgs(["p.route", "--debug-decisions"])).toMatchObject({
      policyPath: "p.route",
      debugDecisions: true,
    });
    expect(parseServeArgs([]).debugDecisions).toBeUndefined();
  });
});
