// `switchyard state show redis://host:port --prefix P` (or `--redis-env NAME`): the cluster's
// shared state. The SY2027 rule holds here too: a password never goes on the command line (other
// users see it in the process list), so a URL carrying one is refused and the whole URL is read
// from the environment instead. Neither the URL nor any part of it is printed.
import { compilePolicyFile } from "../compile/index.ts";
import { readSharedState, renderSharedDump } from "./shared/inspect.ts";

export interface SharedShowArgs {
  target: string | undefined;
  redisEnv: string | undefined;
  prefix: string | undefined;
  policy: string | undefined;
  json: boolean;
}

export interface SharedShowIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env(name: string): string | undefined;
}

export const isRedisTarget = (arg: string | undefined): boolean => arg !== undefined && /^rediss?:\/\//i.test(arg);

/** Where the URL points, without credentials, for messages. */
function where(url: URL): string {
  return `${url.protocol}//${url.hostname}${url.port ? `:${url.port}` : ""}`;
}

export async function showShared(args: SharedShowArgs, io: SharedShowIo): Promise<number> {
  const text = args.redisEnv !== undefined ? io.env(args.redisEnv) : args.target;
  if (text === undefined || text === "") {
    io.stderr(`error: environment variable \`${args.redisEnv}\` is not set\n`);
    return 2;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    io.stderr("error: the redis url does not parse (expected `redis://host:port`)\n");
    return 2;
  }
  if (args.redisEnv === undefined && url.password !== "") {
    io.stderr(
      "error: the redis url on the command line carries a password, which other users can read in the process list\n" +
        "help: put the whole url in an environment variable and pass `--redis-env NAME`\n",
    );
    return 2;
  }
  const prefix = args.prefix ?? (await prefixOf(args.policy, io));
  if (prefix === null) return 2;
  try {
    const dump = await readSharedState(text, prefix);
    io.stdout(args.json ? JSON.stringify(dump, null, 2) + "\n" : renderSharedDump(dump, where(url)));
    return 0;
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/\/\/[^@\s]*@/g, "//***@") : "unknown error";
    io.stderr(`error: cannot read shared state at ${where(url)}: ${reason.split("\n")[0]}\n`);
    return 2;
  }
}

/** The prefix of the policy's `shared_state` block (the default when it has none). */
async function prefixOf(policy: string | undefined, io: SharedShowIo): Promise<string | null> {
  if (policy === undefined) {
    io.stderr("error: which prefix? pass `--prefix P` or `--policy policy.route` (its `shared_state` prefix)\n");
    return null;
  }
  const compiled = await compilePolicyFile(policy);
  const node = compiled.graph?.gateway.sharedState;
  if (!node) {
    io.stderr(`error: policy \`${policy}\` has no \`shared_state\` block (or does not compile)\n`);
    return null;
  }
  return node.prefix;
}
