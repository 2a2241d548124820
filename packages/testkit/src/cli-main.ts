import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BUILTIN_SCENARIO_NAMES } from "./builtin-scenarios.js";
import { type FakeUpstream, startFakeUpstream } from "./fake-upstream.js";
import { TestkitError } from "./testkit-error.js";

/** Help text of `cmp-fake-upstream`. */
export const CLI_USAGE = `Usage: cmp-fake-upstream [options]

Starts the fake OpenAI auth server and the fake ChatGPT Codex backend until Ctrl-C.

  --host HOST              listen address (default 127.0.0.1)
  --auth-port PORT         auth server port (default 18181; 0 = any free port)
  --codex-port PORT        Codex backend port (default 18180; 0 = any free port)
  --home DIR               write auth.json for a fresh login here (default: a new temp dir)
  --scenario NAME          scenario for every request (default: chosen per request)
  --token-ttl SECONDS      access-token lifetime (default 3600)
  --device-auto-approve N  approve device logins on the Nth poll
  -h, --help               show this help

Per request, pick a scenario with the x-fake-scenario header, a model named fake-<scenario>,
or a [scenario=<name>] tag in the last user message. Scenarios: ${BUILTIN_SCENARIO_NAMES.join(", ")}.
`;

function toNumber(
  flag: string,
  value: string | undefined,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new TestkitError("TESTKIT_INVALID_ARGUMENT", `--${flag} must be an integer from 0 to ${max}`);
  }
  return n;
}

/** A started CLI session. */
export interface FakeUpstreamCliSession {
  upstream: FakeUpstream;
  /** The folder holding the fresh `auth.json` (use it as `CMP_HOME`). */
  home: string;
  authJsonPath: string;
}

/**
 * Runs `cmp-fake-upstream` with `args` (without node and script), writing the URLs, the `auth.json` path and
 * ready `export` lines through `write`. Returns `null` after printing help.
 */
export async function runFakeUpstreamCli(
  args: string[],
  write: (text: string) => void,
): Promise<FakeUpstreamCliSession | null> {
  const { values } = parseArgs({
    args,
    options: {
      host: { type: "string" },
      "auth-port": { type: "string" },
      "codex-port": { type: "string" },
      home: { type: "string" },
      scenario: { type: "string" },
      "token-ttl": { type: "string" },
      "device-auto-approve": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    write(CLI_USAGE);
    return null;
  }
  const host = values.host ?? "127.0.0.1";
  const autoApprove = values["device-auto-approve"];
  const upstream = await startFakeUpstream({
    auth: {
      host,
      port: toNumber("auth-port", values["auth-port"], 18181, 65_535),
      config: {
        accessTokenTtlSeconds: toNumber("token-ttl", values["token-ttl"], 3600),
        deviceAutoApproveAfterPolls:
          autoApprove === undefined ? null : toNumber("device-auto-approve", autoApprove, 1),
      },
    },
    codex: {
      host,
      port: toNumber("codex-port", values["codex-port"], 18180, 65_535),
      scenario: values.scenario,
    },
  });
  try {
    const home = values.home ?? (await mkdtemp(join(tmpdir(), "cmp-fake-upstream-")));
    const { path } = await upstream.loginInto(home);
    write(
      [
        `fake auth issuer:  ${upstream.auth.issuer}`,
        `fake codex base:   ${upstream.codex.baseUrl}`,
        `auth.json:         ${path}`,
        "",
        `export CMP_AUTH_ISSUER=${upstream.auth.issuer}`,
        `export CMP_UPSTREAM_URL=${upstream.codex.baseUrl}`,
        `export CMP_HOME=${home}`,
        "",
        "Ctrl-C to stop.",
        "",
      ].join("\n"),
    );
    return { upstream, home, authJsonPath: path };
  } catch (error) {
    await upstream.close();
    throw error;
  }
}
