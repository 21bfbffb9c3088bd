// `switchyard serve`: hands over to the server. It is imported only when this command runs, so a
// problem in the server code never stops `lint`, `fmt` or `graph` from working.
import { EXIT, UsageError } from "./usage.ts";

/** Resolves to an exit code when startup fails, or to null while the gateway runs (it exits on its own signal). */
export async function serveCommand(argv: readonly string[]): Promise<number | null> {
  const server = await import("../server/serve.ts");
  let args: ReturnType<typeof server.parseServeArgs>;
  try {
    args = server.parseServeArgs(argv, process.env);
  } catch (e) {
    if (e instanceof server.ServeError) throw new UsageError(e.message);
    throw e;
  }
  try {
    await server.serve({ ...args, handleSignals: true });
    return null;
  } catch (e) {
    if (!(e instanceof server.ServeError)) throw e;
    process.stderr.write(`error: ${e.message}\n`);
    return e.exitCode === 2 ? EXIT.usage : EXIT.problems;
  }
}
