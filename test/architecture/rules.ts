// The design picture as checkable rules over one source file, read from its syntax tree (the
// TypeScript compiler API) rather than by regex, so comments, strings and method names like
// `transport.fetch` never count and `new Date().getTime()` or `globalThis.setTimeout` cannot slip
// through. `violations` takes the text as an argument, so the tests can plant a violation of each
// kind in memory and watch it caught.
import ts from "typescript";

/** Which top-level src/ folders each folder may import from (besides itself and util). */
export const ALLOWED: Record<string, string[]> = {
  util: [],
  syntax: [],
  check: ["syntax"],
  compile: ["syntax", "check"],
  runtime: ["syntax", "compile"],
  providers: ["syntax", "compile", "runtime"],
  state: ["syntax", "compile", "runtime"],
  ports: ["runtime"],
  dialects: ["runtime"],
  cache: ["compile", "runtime"],
  server: ["syntax", "check", "compile", "runtime", "ports", "providers", "state", "dialects", "cache"],
  simulate: ["syntax", "check", "compile", "runtime", "ports", "providers", "state", "dialects", "cache"],
  lsp: ["syntax", "check", "compile"],
  cli: [
    "syntax",
    "check",
    "compile",
    "runtime",
    "ports",
    "providers",
    "state",
    "dialects",
    "cache",
    "server",
    "simulate",
    "lsp",
  ],
};

/** The runtime's public surface: the only runtime modules another layer may import. */
export const RUNTIME_PUBLIC = [
  "runtime/api.ts",
  "runtime/ports.ts",
  "runtime/upstream.ts",
  "runtime/engine.ts",
  "runtime/redactor.ts",
];

/** Layers below serve and simulate: they never read the clock, randomness or network themselves. */
export const PURE_LAYERS = [
  "util",
  "syntax",
  "check",
  "compile",
  "runtime",
  "providers",
  "state",
  "ports",
  "dialects",
  "cache",
];

/**
 * The port implementations, the one place ambient time, randomness and network are read, named by
 * file and top-level declaration, so nothing else in those files (or any file named like them) is
 * exempt.
 */
export const PORT_IMPLEMENTATIONS: Record<string, string[]> = {
  "ports/system-clock.ts": ["SystemClock"],
  "ports/manual-clock.ts": ["ManualClock", "settled"], // setImmediate only: a macrotask turn, no time read
  "ports/seeded-random.ts": ["systemRandom"],
  "providers/fetch-transport.ts": ["createNetworkTransport"],
  "providers/node-http-transport.ts": ["nodeHttpFetch"],
};

const AMBIENT_MEMBERS: Record<string, string[] | "any"> = {
  Date: ["now"],
  Math: ["random"],
  performance: "any",
  crypto: "any",
  globalThis: "any",
  Bun: ["nanoseconds", "sleep", "sleepSync"],
  process: ["hrtime", "uptime"],
};
const AMBIENT_CALLS = new Set(["fetch", "setTimeout", "setInterval", "setImmediate", "Date"]);

/** Node modules that are timers or clocks under another name: any import of them is an ambient read. */
const CLOCK_MODULES = new Set([
  "node:timers",
  "node:timers/promises",
  "timers",
  "timers/promises",
  "node:perf_hooks",
  "perf_hooks",
]);
const CRYPTO_MODULES = new Set(["node:crypto", "crypto"]);
/** What node:crypto offers of randomness; hashing (createHash …) is deterministic and fine. */
const CRYPTO_RANDOM = new Set([
  "randomUUID",
  "randomBytes",
  "randomInt",
  "randomFill",
  "randomFillSync",
  "getRandomValues",
  "webcrypto",
  "generateKey",
  "generateKeyPair",
]);

/** Import specifiers of a file: static imports and re-exports (type-only ones too) and `import()`. */
export function importsOf(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Imports that bring in time or randomness: a clock module, or node:crypto's random functions (or all of it, unnamed). */
function ambientImports(source: ts.SourceFile): string[] {
  const found: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const from = statement.moduleSpecifier.text;
    const clause = statement.importClause;
    if (CLOCK_MODULES.has(from)) found.push(`import from ${from}`);
    if (!CRYPTO_MODULES.has(from) || !clause) continue;
    const bindings = clause.namedBindings;
    if (clause.name || (bindings && ts.isNamespaceImport(bindings))) found.push(`import of all of ${from}`);
    if (bindings && ts.isNamedImports(bindings)) {
      for (const el of bindings.elements) {
        const name = (el.propertyName ?? el.name).text;
        if (CRYPTO_RANDOM.has(name)) found.push(`import of ${name} from ${from}`);
      }
    }
  }
  return found;
}

/** Names the file declares itself (imports, variables, parameters, functions, classes): those shadow globals. */
function localNames(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    const name = (node as { name?: ts.Node }).name;
    const declares =
      ts.isVariableDeclaration(node) ||
      ts.isParameter(node) ||
      ts.isFunctionDeclaration(node) ||
      ts.isClassDeclaration(node) ||
      ts.isImportSpecifier(node) ||
      ts.isImportClause(node) ||
      ts.isNamespaceImport(node);
    if (declares && name && ts.isIdentifier(name)) names.add(name.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

/** What an expression reads of the ambient world, e.g. `Date.now` or `new Date()`, or null. */
function ambientUse(node: ts.Node, shadowed: Set<string>): string | null {
  const global = (id: ts.Node): string | null => (ts.isIdentifier(id) && !shadowed.has(id.text) ? id.text : null);
  if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
    const owner = global(node.expression);
    const members = owner === null ? undefined : AMBIENT_MEMBERS[owner];
    if (!members) return null;
    const member = ts.isPropertyAccessExpression(node)
      ? node.name.text
      : ts.isStringLiteralLike(node.argumentExpression)
        ? node.argumentExpression.text
        : "[…]";
    return members === "any" || members.includes(member) ? `${owner}.${member}` : null;
  }
  if (ts.isNewExpression(node) && global(node.expression) === "Date" && (node.arguments?.length ?? 0) === 0)
    return "new Date()";
  if (ts.isCallExpression(node)) {
    const callee = global(node.expression);
    if (callee !== null && AMBIENT_CALLS.has(callee)) return `${callee}()`;
  }
  return null;
}

/** The name of the top-level declaration a node sits in (a class, function or variable), if any. */
function topLevelName(node: ts.Node): string | null {
  let top = node;
  while (top.parent && !ts.isSourceFile(top.parent)) top = top.parent;
  if ((ts.isClassDeclaration(top) || ts.isFunctionDeclaration(top)) && top.name) return top.name.text;
  if (ts.isVariableStatement(top)) {
    const decl = top.declarationList.declarations[0];
    if (decl && ts.isIdentifier(decl.name)) return decl.name.text;
  }
  return null;
}

/** Ambient reads in a file, as `line: what (in name)`, minus those inside the exempt declarations. */
export function ambientReads(source: ts.SourceFile, exempt: string[] = []): string[] {
  const shadowed = localNames(source);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const use = ambientUse(node, shadowed);
    if (use !== null) {
      const owner = topLevelName(node);
      if (owner === null || !exempt.includes(owner)) {
        const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
        found.push(`${line}: ${use}${owner ? ` (in ${owner})` : ""}`);
      }
      return; // `globalThis.performance.now()` is one read, not three
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function callsBunServe(source: ts.SourceFile): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ts.isIdentifier(node.expression.expression)
    ) {
      if (node.expression.expression.text === "Bun" && node.expression.name.text === "serve") found = true;
    }
    if (!found) ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** `a/b/../c.ts` → `a/c.ts` for paths relative to src/; null for a path that leaves src/. */
function normalize(path: string): string | null {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "..") {
      if (out.pop() === undefined) return null;
    } else if (part !== "." && part !== "") out.push(part);
  }
  return out.join("/");
}

export const layerOf = (path: string): string => path.split("/")[0];

/** Every rule broken by one file, given its path under src/ (e.g. `server/app.ts`) and its text. */
export function violations(path: string, text: string): string[] {
  const source = ts.createSourceFile(
    path,
    text,
    ts.ScriptTarget.Latest,
    true,
    path.endsWith(".js") ? ts.ScriptKind.JS : ts.ScriptKind.TS,
  );
  const from = layerOf(path);
  const found: string[] = [];
  if (!(from in ALLOWED)) return [`${path}: \`${from}\` is not a known layer`];
  for (const spec of importsOf(source)) {
    if (!spec.startsWith(".")) continue;
    const target = normalize(`${path.split("/").slice(0, -1).join("/")}/${spec}`);
    if (target === null) continue; // package.json, policies/: not a layer
    const to = layerOf(target);
    if (to === from || to === "util") continue;
    if (!ALLOWED[from].includes(to)) found.push(`${path} imports ${to} (${spec})`);
    else if (to === "runtime" && !RUNTIME_PUBLIC.includes(target))
      found.push(`${path} imports runtime internals (${spec})`);
  }
  if (PURE_LAYERS.includes(from)) {
    for (const read of ambientReads(source, PORT_IMPLEMENTATIONS[path]))
      found.push(`${path}:${read} reads the ambient world`);
    for (const use of ambientImports(source)) found.push(`${path}: ${use} reads the ambient world`);
  }
  if (callsBunServe(source) && path !== "server/serve.ts") found.push(`${path} calls Bun.serve`);
  return found;
}
