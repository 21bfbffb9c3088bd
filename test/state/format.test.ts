// The small parsers `serve` uses for `--state-format` and `--snapshot-interval`.
import { expect, test } from "bun:test";
import { formatForPath, parseSnapshotInterval, parseStateFormat } from "../../src/state/format.ts";

test("state formats by name and by file extension", () => {
  expect(parseStateFormat("msgpack")).toBe("msgpack");
  expect(parseStateFormat("JSON")).toBe("json");
  expect(parseStateFormat("yml")).toBe("yaml");
  expect(parseStateFormat("xml")).toBeNull();
  expect(formatForPath("/var/lib/s.json")).toBe("json");
  expect(formatForPath("s.YAML")).toBe("yaml");
  expect(formatForPath("s.yml")).toBe("yaml");
  expect(formatForPath("s.state")).toBe("msgpack");
});

test("snapshot intervals with units", () => {
  expect(parseSnapshotInterval("20ms")).toBe(20);
  expect(parseSnapshotInterval("5s")).toBe(5_000);
  expect(parseSnapshotInterval("1.5s")).toBe(1_500);
  expect(parseSnapshotInterval("2m")).toBe(120_000);
  expect(parseSnapshotInterval("1h")).toBe(3_600_000);
  expect(parseSnapshotInterval("250")).toBe(250);
  for (const bad of ["0", "0s", "-5s", "5 seconds", "", "s"]) expect(parseSnapshotInterval(bad)).toBeNull();
});
