// The one place that opens a socket: compile the policy (a file, or the embedded default), refuse
// to start on a broken policy or missing keys with a readable message, serve the gateway app with
// Bun.serve, hot-reload the policy file, and shut down in order on SIGTERM/SIGINT (shutdown.ts).
import { writeSync } from "node:fs";
import { hostname } from "node:os";
import defaultPolicy from "../../policies/default.route" with { type: "text" };
import { renderHuman } from "../check/render/human.ts";
import type { Graph, SharedStateNode } from "../compile/graph.ts";
import { compilePolicyFile, compilePolicySource } from "../compile/index.ts";
import type { RuntimeState } from "../runtime/api.ts";
import type { Clock, Ports, SecretSource } from "../runtime/ports.ts";
import { systemRandom } from "../ports/seeded-random.ts";
import { systemClock } from "../ports/system-clock.ts";
import { createNetworkTransport, defaultAdapters } from "../providers/index.ts";
import type { Diagnostic } from "../syntax/diagnostic.ts";
import { createGateway, type Gateway } from "./app.ts";
import { redisCacheFor } from "./cache-wiring.ts";
import { errorResponse } from "./errors.ts";
import { createPolicyReloader, type PolicyReloader } from "./reload.ts";
import { batchedLog } from "./log-writer.ts";
import { startLagMonitor } from "./process-metrics.ts";
import { eventLogLine, type LogSink } from "./request-log.ts";
import { DEFAULT_DRAIN_MS, DEFAULT_NOT_READY_MS, shutDown } from "./shutdown.ts";
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_SNAPSHOT_INTERVAL_MS, ServeError } from "./serve-args.ts";
import {
  RedisSharedStore,
  SharedStateSync,
  StateSetupError,
  attachSnapshots,
  type AttachedSnapshots,
  type StateFormat,
} from "../state/index.ts";

export { ServeError, parseServeArgs, type ServeArgs } from "./serve-args.ts";

export const EMBEDDED_POLICY_NAME = "policies/default.route (embedded)";

export interface ServeOptions {
  policyPath?: string;
  port?: number;
  host?: string;
  /** Where keys are read; defaults to process.env. */
  env?: SecretSource;
  /** Request and event log lines; defaults to stdout. */
  log?: LogSink;
  /** Human messages (startup line, policy warnings); defaults to stderr. */
  say?: (text: string) => void;
  /** Longest wait for in-flight requests on shutdown, once the listener stopped accepting (default 10 s). */
  drainTimeoutMs?: number;
  /** How long /readyz answers 503 at shutdown, with everything still served, before draining (default 0). */
  notReadyMs?: number;
  /** Defaults to the system clock; tests pass a manual one to step through shutdown without sleeping. */
  clock?: Clock;
  /** `--debug-decisions`: x-switchyard-decision on every /v1 answer and `decision` on its log line. */
  debugDecisions?: boolean;
  /** Install SIGTERM/SIGINT handlers that drain and exit 0 (the CLI wants this; tests do not). */
  handleSignals?: boolean;
  /** Keep runtime state in this snapshot file: loaded at start, written periodically, on shutdown and on demand. */
  statePath?: string;
  stateFormat?: StateFormat;
  snapshotIntervalMs?: number;
}

export interface RunningGateway {
  url: string;
  port: number;
  gateway: Gateway;
  reloader: PolicyReloader | null;
  /** Stops accepting, drains in-flight requests (bounded), closes the socket. */
  stop(): Promise<void>;
}

const processEnv: SecretSource = { get: (name) => process.env[name] };
const render = (diags: Diagnostic[], sources: Map<string, string>): string =>
  renderHuman(diags, sources, { color: false });

async function compileStartup(policyPath: string | undefined): Promise<{ graph: Graph; warnings: string }> {
  const name = policyPath ?? EMBEDDED_POLICY_NAME;
  const result = policyPath ? await compilePolicyFile(policyPath) : compilePolicySource(defaultPolicy, name);
  const rendered = result.diagnostics.length > 0 ? render(result.diagnostics, new Map([[name, result.source]])) : "";
  if (!result.graph) throw new ServeError(`cannot serve \`${name}\`: the policy has errors\n\n${rendered}`);
  return { graph: result.graph, warnings: rendered };
}

function missingMessage(missing: string[]): string {
  const list = missing.map((n) => `\`${n}\``).join(", ");
  return `these environment variables are not set: ${list}\nhelp: export them, or remove the providers or client keys that use them from the policy`;
}

/** Provider keys and client keys (flat and declared) the policy names but the environment lacks. */
export function missingSecrets(graph: Graph, env: SecretSource): string[] {
  const keyEnvs = (graph.keys ?? []).map((k) => k.secretEnv);
  const names = [
    ...graph.providers.map((p) => p.keyEnv),
    ...graph.gateway.clientKeyEnvs,
    ...keyEnvs,
    graph.gateway.metricsTokenEnv,
    graph.gateway.sharedState?.redisUrlEnv ?? null,
  ].filter((n): n is string => n !== null);
  return [...new Set(names)].filter((n) => !env.get(n));
}

export async function serve(opts: ServeOptions = {}): Promise<RunningGateway> {
  const env = opts.env ?? processEnv;
  const stdoutLog = opts.log ? null : batchedLog((text) => process.stdout.write(text));
  const log: LogSink = opts.log ?? stdoutLog!.sink;
  // Lines still queued when the process exits are written synchronously, so none are lost
  // (hooked once the gateway listens, so a failed start leaves no listener behind).
  const flushAtExit = (): void => stdoutLog?.flush((text) => writeSync(1, text));
  const say = opts.say ?? ((text) => process.stderr.write(text + "\n"));
  const { graph, warnings } = await compileStartup(opts.policyPath);
  if (warnings) say(warnings.trimEnd());
  const missing = missingSecrets(graph, env);
  if (missing.length > 0) throw new ServeError(`cannot serve: ${missingMessage(missing)}`);

  const clock = opts.clock ?? systemClock;
  const ports: Ports = { clock, random: systemRandom, transport: createNetworkTransport(), secrets: env };
  let reloader: PolicyReloader | null = null;
  let gateway: Gateway | null = null;
  const live = { state: () => gateway!.engine().state(), graph: () => gateway!.graph() };
  const snapshots = opts.statePath ? await attachState(opts, clock, graph, live, log, say) : null;
  const shared = graph.gateway.sharedState ? sharedStateFor(graph.gateway.sharedState, env, clock, live, log) : null;
  const cacheStore = graph.gateway.sharedState ? redisCacheFor(graph.gateway.sharedState, env, clock, log) : undefined;
  const lagMonitor = startLagMonitor();
  gateway = createGateway({
    shared: shared ?? undefined,
    cacheStore,
    graph,
    ports,
    adapters: defaultAdapters(),
    log,
    secrets: env,
    eventLoopLag: lagMonitor.lagSeconds,
    reloadPolicy: opts.policyPath ? () => reloader!.reloadNow() : undefined,
    debugDecisions: opts.debugDecisions === true,
    initialState: snapshots?.state,
    snapshot: snapshots ? () => snapshots.writeNow() : undefined,
  });
  if (opts.policyPath) reloader = watchPolicy(opts.policyPath, graph, gateway, env, log, clock);
  await shared?.start(); // bounded by its timeout; without Redis the gateway starts degraded

  let server: ReturnType<typeof listen>;
  try {
    server = listen(gateway, opts.port ?? DEFAULT_PORT, opts.host ?? DEFAULT_HOST);
  } catch (err) {
    lagMonitor.stop();
    throw err;
  }
  if (stdoutLog) process.once("exit", flushAtExit);
  const url = server.url.href.replace(/\/$/, "");
  say(
    `switchyard listening on ${url} · policy ${opts.policyPath ?? EMBEDDED_POLICY_NAME} · routes: ${graph.routes.map((r) => r.name).join(", ")}`,
  );

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      reloader?.close();
      await shutDown({
        gateway,
        clock,
        timing: {
          notReadyMs: opts.notReadyMs ?? DEFAULT_NOT_READY_MS,
          drainMs: opts.drainTimeoutMs ?? DEFAULT_DRAIN_MS,
        },
        stopAccepting: () => void server.stop(false), // open connections finish
        log,
      });
      await snapshots?.stop().catch(() => {}); // the final write; failures were already reported by onError
      await shared?.stop().catch(() => {});
      cacheStore?.close();
      await server.stop(true);
      lagMonitor.stop();
      stdoutLog?.flush();
      process.off("exit", flushAtExit);
    })());

  if (opts.handleSignals) exitOnSignals(stop);
  return { url, port: server.port ?? 0, gateway, reloader, stop };
}

/** SIGTERM and SIGINT drain the gateway (`stop`) and exit 0. */
function exitOnSignals(stop: () => Promise<void>): void {
  const onSignal = (): void => {
    void stop().then(() => process.exit(0));
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
}

/** Hot reload: the policy file and its includes are watched, and an edit that compiles is swapped in. */
function watchPolicy(
  path: string,
  graph: Graph,
  gateway: Gateway,
  env: SecretSource,
  log: LogSink,
  clock: Clock,
): PolicyReloader {
  const reloader = createPolicyReloader({
    path,
    compile: compilePolicyFile,
    render,
    apply: (g) => gateway.reload(g),
    admit: (g) => {
      const lacking = missingSecrets(g, env);
      return lacking.length > 0 ? `the edited policy was not applied: ${missingMessage(lacking)}` : null;
    },
    log,
    now: () => clock.now(),
  });
  reloader.watch(graph.sources);
  return reloader;
}

/** The Redis-backed sync for `shared_state` (the URL only from the environment; never logged). */
function sharedStateFor(
  node: SharedStateNode,
  env: SecretSource,
  clock: Clock,
  live: { state: () => RuntimeState; graph: () => Graph },
  log: LogSink,
): SharedStateSync {
  const instance = (node.instanceIdEnv ? env.get(node.instanceIdEnv) : undefined) || `${hostname()}-${process.pid}`;
  return new SharedStateSync({
    store: new RedisSharedStore({
      url: env.get(node.redisUrlEnv)!,
      prefix: node.prefix,
      connectTimeoutMs: Math.max(node.timeoutMs, 200),
    }),
    clock,
    instance,
    timeoutMs: node.timeoutMs,
    syncMs: node.syncMs,
    graph: live.graph,
    state: live.state,
    log: (event, detail) => log(eventLogLine(event, clock.now(), detail)),
  });
}

/** Loads the snapshot (moving a corrupt one aside with a warning) and starts periodic writes. */
async function attachState(
  opts: ServeOptions,
  clock: Clock,
  graph: Graph,
  live: { state: () => RuntimeState; graph: () => Graph },
  log: LogSink,
  say: (text: string) => void,
): Promise<AttachedSnapshots> {
  try {
    const attached = await attachSnapshots({
      path: opts.statePath!,
      format: opts.stateFormat,
      intervalMs: opts.snapshotIntervalMs ?? DEFAULT_SNAPSHOT_INTERVAL_MS,
      clock,
      graph,
      getState: live.state,
      getGraph: live.graph, // recorded in each snapshot, so `state show` knows the cool-downs
      onError: (message) => log(eventLogLine("snapshot_error", clock.now(), { message })),
    });
    for (const warning of attached.warnings) say(`warning: ${warning}`);
    return attached;
  } catch (err) {
    if (err instanceof StateSetupError) throw new ServeError(err.message, 2);
    throw err;
  }
}

function listen(gateway: Gateway, port: number, hostname: string) {
  try {
    return Bun.serve({
      port,
      hostname,
      // Long non-streaming upstream calls send no bytes for a while; the engine's total timeout bounds them.
      idleTimeout: 255,
      fetch: (req) => gateway.fetch(req),
      error: () => errorResponse(500, "the gateway failed to handle this request", { code: "internal_error" }),
    });
  } catch (err) {
    const code =
      typeof err === "object" && err !== null && "code" in err ? String((err as { code: unknown }).code) : "";
    const reason =
      code === "EADDRINUSE"
        ? "the port is already in use"
        : code === "EACCES"
          ? "permission denied"
          : "the address is not available";
    throw new ServeError(`cannot listen on ${hostname}:${port}: ${reason}\nhelp: pick another port with \`--port\``);
  }
}
