// Goldens for the machine formats (JSON, SARIF, GitHub workflow commands) and the sort order that
// `renderDiagnostics` applies before any of them.
import { describe, expect, test } from "bun:test";
import {
  escapeData,
  escapeProperty,
  renderDiagnostics,
  renderGithub,
  renderJson,
  sortDiagnostics,
  toSarif,
  toUri,
} from "../../src/check/render/index.ts";
import pkg from "../../package.json" with { type: "json" };
import { CHECK_CODES } from "../../src/check/index.ts";
import { MAIN, MODELS, at, crossFile, diag, mainText, sources, unknownModel } from "./diagnostics.ts";

describe("renderJson", () => {
  test("has the stable shape with 1-based positions and an exclusive end column", () => {
    const report = JSON.parse(renderJson([unknownModel, crossFile], sources));
    expect(report).toEqual({
      diagnostics: [
        {
          code: "SY2001",
          severity: "error",
          message: "unknown model `gpt4`",
          file: MAIN,
          line: 3,
          column: 17,
          endLine: 3,
          endColumn: 21,
          labels: [
            { file: MAIN, line: 3, column: 17, endLine: 3, endColumn: 21, message: "not declared", primary: true },
          ],
          notes: [],
          help: "did you mean `gpt4o`?",
        },
        {
          code: "SY2002",
          severity: "warning",
          message: "model `gpt4o` is used before its provider is configured",
          file: MAIN,
          line: 2,
          column: 18,
          endLine: 2,
          endColumn: 23,
          labels: [
            { file: MAIN, line: 2, column: 18, endLine: 2, endColumn: 23, message: "used here", primary: true },
            {
              file: MODELS,
              line: 2,
              column: 12,
              endLine: 2,
              endColumn: 18,
              message: "provider declared here",
              primary: false,
            },
          ],
          notes: ["providers need a `key` to be reachable"],
          help: null,
        },
      ],
      summary: { errors: 1, warnings: 1 },
    });
  });

  test("is pretty-printed with a trailing newline and empty input still has a summary", () => {
    expect(renderJson([], sources)).toBe(
      '{\n  "diagnostics": [],\n  "summary": {\n    "errors": 0,\n    "warnings": 0\n  }\n}\n',
    );
  });
});

describe("toSarif", () => {
  const sarif = toSarif([unknownModel, crossFile, { ...unknownModel, severity: "info" }], sources, {
    root: "/repo",
  }) as any;

  test("declares SARIF 2.1.0 and the switchyard driver with its version and the rules that occurred", () => {
    expect(sarif.$schema).toBe("https://json.schemastore.org/sarif-2.1.0.json");
    expect(sarif.version).toBe("2.1.0");
    const driver = sarif.runs[0].tool.driver;
    expect(driver.name).toBe("switchyard");
    expect(driver.version).toBe(pkg.version);
    expect(driver.informationUri).toBeUndefined(); // the schema wants an absolute URI; there is no public page to name
  });

  test("rules are described from the catalogue, not from the first finding's message", () => {
    expect(sarif.runs[0].tool.driver.rules).toEqual([
      {
        id: "SY2001",
        shortDescription: { text: CHECK_CODES.SY2001.description },
        help: { text: CHECK_CODES.SY2001.help },
        defaultConfiguration: { level: "error" },
      },
      {
        id: "SY2002",
        shortDescription: { text: CHECK_CODES.SY2002.description },
        help: { text: CHECK_CODES.SY2002.help },
        defaultConfiguration: { level: "error" },
      },
    ]);
  });

  test("relative locations name the SRCROOT base, which the run maps to the root", () => {
    expect(sarif.runs[0].originalUriBaseIds).toEqual({ SRCROOT: { uri: "file:///repo/" } });
    const outside = toSarif(
      [{ ...unknownModel, primary: { ...unknownModel.primary, file: "/elsewhere/x.route" } }],
      sources,
      { root: "/repo" },
    ) as any;
    expect(outside.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({
      uri: "file:///elsewhere/x.route",
    });
  });

  test("results carry rule, level, message and a relative physical location", () => {
    const [first, second, third] = sarif.runs[0].results;
    expect(first).toEqual({
      ruleId: "SY2001",
      ruleIndex: 0,
      level: "error",
      message: { text: "unknown model `gpt4`\nhelp: did you mean `gpt4o`?" },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: "policies/main.route", uriBaseId: "SRCROOT" },
            region: { startLine: 3, startColumn: 17, endLine: 3, endColumn: 21 },
          },
        },
      ],
    });
    expect(second.level).toBe("warning");
    expect(second.relatedLocations[0].physicalLocation.artifactLocation.uri).toBe("policies/models.route");
    expect(second.relatedLocations[0].message.text).toBe("provider declared here");
    expect(third.level).toBe("note");
  });

  test("uris are relative to the root, forward-slashed and encoded", () => {
    expect(toUri("/repo/policies/a b.route", "/repo")).toBe("policies/a%20b.route");
    expect(toUri("./policies/x#1.route")).toBe("policies/x%231.route");
    expect(toUri("policies\\win.route")).toBe("policies/win.route");
  });

  test("renderDiagnostics(sarif) is parseable JSON", () => {
    expect(JSON.parse(renderDiagnostics([crossFile], "sarif", sources)).runs[0].results).toHaveLength(1);
  });
});

describe("renderGithub", () => {
  test("emits one workflow command per diagnostic", () => {
    expect(renderGithub([unknownModel, crossFile], sources)).toBe(
      "::error file=policies/main.route,line=3,col=17,endLine=3,endColumn=21,title=SY2001::unknown model `gpt4`%0Ahelp: did you mean `gpt4o`?\n" +
        "::warning file=policies/main.route,line=2,col=18,endLine=2,endColumn=23,title=SY2002::model `gpt4o` is used before its provider is configured%0Anote: providers need a `key` to be reachable\n",
    );
  });

  test("escapes data and properties so input cannot end the command", () => {
    expect(escapeData("50% off\r\nnext")).toBe("50%25 off%0D%0Anext");
    expect(escapeProperty("C:\\a,b%")).toBe("C%3A\\a%2Cb%25");
    const d = diag({
      code: "X1",
      message: "a::b\n::error::injected",
      primary: { file: "we,ird:name.route", span: { start: 0, end: 1 }, message: "" },
    });
    const out = renderGithub([d], new Map());
    expect(out).toBe(
      "::error file=we%2Cird%3Aname.route,line=1,col=1,endLine=1,endColumn=2,title=X1::a::b%0A::error::injected\n",
    );
    expect(out.split("\n")).toHaveLength(2);
  });
});

describe("sortDiagnostics", () => {
  test("orders by file, then position, then code, stably", () => {
    const a = diag({ code: "SY2", message: "a", primary: at(MAIN, mainText, "otherwise") });
    const b = diag({ code: "SY1", message: "b", primary: at(MAIN, mainText, "otherwise") });
    const c = diag({ code: "SY9", message: "c", primary: at(MAIN, mainText, "route") });
    const d = diag({
      code: "SY0",
      message: "d",
      primary: { file: "a.route", span: { start: 99, end: 99 }, message: "" },
    });
    const e = diag({ code: "SY1", message: "e", primary: at(MAIN, mainText, "otherwise") });
    expect(sortDiagnostics([a, b, c, d, e]).map((x) => x.message)).toEqual(["d", "c", "b", "e", "a"]);
  });

  test("renderDiagnostics sorts before rendering", () => {
    const out = renderDiagnostics([unknownModel, crossFile], "github", sources);
    expect(out.indexOf("SY2002")).toBeLessThan(out.indexOf("SY2001"));
  });
});
