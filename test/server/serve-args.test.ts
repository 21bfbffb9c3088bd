// `switchyard serve` argument parsing: flags, `=` forms, positional policy, and clear errors.
import { describe, expect, test } from "bun:test";
import { ServeError, parseServeArgs } from "../../src/server/serve-args.ts";

describe("parseServeArgs", () => {
  test("defaults to 127.0.0.1:8080 and the embedded policy", () => {
    expect(parseServeArgs([])).toEqual({ port: 8080, host: "127.0.0.1" });
  });

  test("reads flags, = forms and a positional policy", () => {
    expect(parseServeArgs(["--port", "9000", "--host=0.0.0.0", "gw.route"])).toEqual({ port: 9000, host: "0.0.0.0", policyPath: "gw.route" });
    expect(parseServeArgs(["--policy=p.route", "-p", "0"])).toEqual({ port: 0, host: "127.0.0.1", policyPath: "p.route" });
  });

  test("rejects bad ports, unknown flags, missing values and two policies", () => {
    for (const argv of [["--port", "http"], ["--port", "70000"], ["--port"], ["--verbose"], ["a.route", "b.route"], ["--policy", "a.route", "b.route"]]) {
      expect(() => parseServeArgs(argv)).toThrow(ServeError);
    }
    expect(() => parseServeArgs(["--prot", "1"])).toThrow("unknown option `--prot`");
  });
});
