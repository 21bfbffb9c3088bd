// The help text and the usage error: a wrong command line gets one line saying what is wrong,
// then the usage, and exit code 2 (distinct from 1, "your policy has problems").

export const USAGE = `usage: switchyard <command> [options]

commands:
  serve [policy.route] [--port N] [--host H]
                      run the gateway (no policy: the embedded offline default;
                      no --port: the PORT environment variable, else 8080)
        --state FILE                       keep breakers, windows and quotas across restarts
        --state-format msgpack|json|yaml   snapshot format (default msgpack)
        --snapshot-interval DURATION       how often the snapshot is written (default 5s)
        --not-ready-window DURATION        at shutdown, /readyz fails this long first (default 0s)
        --drain-timeout DURATION           then in-flight requests get this long (default 10s)
        --debug-decisions                  x-switchyard-decision header and log field on every request
  lint [paths…]       check policy files (default: policies/)
        --format human|json|sarif|github   output format (default human)
        --deny-warnings                    exit 1 on warnings too
        --check-env                        warn about each variable the policy reads that is not set
  fmt [paths…]        rewrite policy files in canonical layout (default: policies/)
        --check                            only list files that are not formatted; exit 1 if any
  graph <policy.route> print the compiled routing graph
        --route NAME                       only this route
        --format text|dot|mermaid|json     output format (default text)
  explain <policy.route> <request.json>
                      the routing decision for one chat request, step by step
        --state FILE                       decide against a state snapshot (as of when it was written)
        --key NAME                         decide for this declared key (its rules, limits, budgets)
        --format human|json                output format (default human)
  lsp [--stdio]       run the language server for editors over stdin/stdout
                      (see docs/editors.md)
  simulate <policy.route> <scenario.yaml> [--json] [--report FILE] [--seed N] [--state FILE]
                      replay a traffic scenario on a virtual clock (see: simulate --help)
  simulate --replay requests.log <policy.route> [--speed X] [--window FROM..TO]
                      replay serve's request log through a policy, with agreement to the log
  simulate --conformance <policy.route> [--route NAME] [--json]
                      run the fault conformance pack: provider failure modes, a scorecard per route
  state show|convert  inspect or convert a runtime state snapshot (see: state --help)
  help                show this help
  --version           print the version

exit codes: 0 ok, 1 problems found, 2 usage or file error, 70 internal error
`;

/** A mistake on the command line; main prints the message, then the usage, and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export const EXIT = { ok: 0, problems: 1, usage: 2, internal: 70 } as const;
