// `switchyard graph FILE`: compile a policy and print the graph the engine would run, as text,
// Graphviz dot, Mermaid or JSON, optionally only one route.
import { renderDiagnostics } from "../check/render/index.ts";
import { compilePolicyFile } from "../compile/index.ts";
import { analyzeGraph } from "../compile/analysis/worst-case.ts";
import { GRAPH_FORMATS, onlyRoute, printGraph } from "../compile/print/index.ts";
import { closest } from "../util/edit-distance.ts";
import { useColor } from "./color.ts";
import { choice, parseOptions } from "./options.ts";
import { EXIT, UsageError } from "./usage.ts";

export async function graph(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, { route: { type: "string" }, format: { type: "string" } });
  const format = choice("format", values.format, GRAPH_FORMATS, "text");
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? "`graph` needs a policy file"
        : `\`graph\` takes one policy file, got ${positionals.length}`,
    );
  }
  const file = positionals[0];
  const result = await compilePolicyFile(file);
  if (result.diagnostics.length) {
    // Warnings go to stderr too, so stdout stays a clean graph for pipes (`| dot -Tsvg`).
    process.stderr.write(
      renderDiagnostics(result.diagnostics, "human", new Map([[file, result.source]]), {
        color: useColor(process.stderr, process.env),
      }),
    );
  }
  if (result.graph === null) return result.diagnostics.some((d) => d.code === "SY4001") ? EXIT.usage : EXIT.problems;

  let g = result.graph;
  const worst = analyzeGraph(g); // of the whole policy: a narrowed graph lacks the routes its `route` targets name
  if (values.route !== undefined) {
    const narrowed = onlyRoute(g, values.route);
    if (narrowed === null) {
      const hint = closest(
        values.route,
        g.routes.map((r) => r.name),
      );
      throw new UsageError(`no route \`${values.route}\` in \`${file}\`${hint ? `; did you mean \`${hint}\`?` : ""}`);
    }
    g = narrowed;
  }
  process.stdout.write(printGraph(g, format, worst));
  return EXIT.ok;
}
