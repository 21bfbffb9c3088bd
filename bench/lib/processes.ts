// Child processes for the HTTP bench: start a server pinned to a core and wait for its "listening"
// line, read a process's CPU time and memory from /proc, and stop only what this run started.
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { spawn, type Subprocess } from "bun";

export const started: Subprocess[] = [];

export function which(cmd: string): boolean {
  return Bun.spawnSync(["sh", "-c", `command -v ${cmd}`]).exitCode === 0;
}

/** `argv` pinned to `core` with taskset when the machine has more than one (servers on 0, wrk on 1). */
export function pin(core: number, argv: string[]): string[] {
  return which("taskset") && cpus().length > 1 ? ["taskset", "-c", String(core), ...argv] : argv;
}

/**
 * Starts a server pinned to core 0 and resolves with its process and port once `readyPattern`
 * shows up on `readyOn` (mock and thin proxy print to stdout; Switchyard's startup line goes to
 * stderr and its request log to stdout). Stdout goes to a file when `logFile` is given, so the
 * gateway's log writes cost what they would in production and never wait on us draining a pipe.
 */
export async function startServer(
  cwd: string,
  argv: string[],
  readyPattern: RegExp,
  readyOn: "stdout" | "stderr",
  logFile?: string,
  env: Record<string, string> = {},
): Promise<{ proc: Subprocess; port: number }> {
  const proc = spawn(pin(0, argv), {
    cwd,
    stdout: logFile ? Bun.file(logFile) : "pipe",
    stderr: "pipe",
    env: { ...process.env, ...env, NO_COLOR: "1" },
  });
  started.push(proc);
  const watched = (readyOn === "stdout" ? proc.stdout : proc.stderr) as ReadableStream<Uint8Array>;
  const other = readyOn === "stdout" ? proc.stderr : proc.stdout;
  if (other instanceof ReadableStream) void drain(other.getReader());
  const reader = watched.getReader();
  const decoder = new TextDecoder();
  let seen = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 15_000)));
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), timeout]);
      if (next === null || next.done) break;
      seen += decoder.decode(next.value, { stream: true });
      const m = readyPattern.exec(seen);
      if (m) {
        void drain(reader);
        return { proc, port: Number(m[1]) };
      }
    }
  } finally {
    clearTimeout(timer);
  }
  throw new Error(`server did not start: ${argv.join(" ")}\n${seen}`);
}

/** Keeps reading so a chatty child never blocks on a full pipe. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  try {
    while (!(await reader.read()).done);
  } catch {
    // the child exited
  }
}

/** User + system CPU time of a process in milliseconds (Linux /proc; NaN elsewhere). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in 100 Hz ticks
  } catch {
    return Number.NaN;
  }
}

export async function rssMb(pid: number): Promise<number | null> {
  const status = await Bun.file(`/proc/${pid}/status`)
    .text()
    .catch(() => "");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Number.isFinite(kb) ? kb / 1024 : null;
}

export function stopAll(): void {
  for (const p of started) if (p.exitCode === null) p.kill();
}
