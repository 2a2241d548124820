import { join } from "node:path";
import { parseArgs } from "node:util";
import type { ApiKeyList, BudgetPeriod } from "@cmp/protocol";
import { createStore, type Store } from "@cmp/store";
import { ApiKeyError } from "../ops/api-key-error.js";
import { describeApiKey } from "../ops/key-info.js";
import { ApiKeyRegistry } from "../ops/key-registry.js";
import { openSharedStore } from "../state/open-shared-store.js";
import { type CommandContext, describeCommandError } from "./command-context.js";

const USAGE = `usage:
  cmp-server keys create NAME [--budget-tokens N [--per day|week|month]] [--rpm N] [--models a,b] [--admin]
  cmp-server keys list [--json]
  cmp-server keys revoke NAME`;

/** What the `keys` command needs besides the usual command context. */
export interface KeysCommandOptions {
  /** The clock (usage periods, creation times); default `Date.now`. */
  now?: () => number;
}

/**
 * The operator store the server uses: the shared one with `CMP_STORE_URL` (every replica sees a change,
 * and drops its cached keys at once), else the files under `$CMP_HOME/store` (a running server on the
 * same `CMP_HOME` sees a change within half a second).
 */
export async function openOperatorStore(ctx: CommandContext): Promise<{ store: Store; where: string }> {
  const shared = ctx.sharedStore ? await openSharedStore(ctx.sharedStore) : null;
  if (shared !== null)
    return { store: shared, where: `the shared store (CMP_STORE_URL, prefix ${shared.prefix})` };
  const folder = join(ctx.home, "store");
  return { store: await createStore({ folder }), where: folder };
}

class UsageError extends Error {}

function positiveInteger(value: string | undefined, flag: string): number | null {
  if (value === undefined) return null;
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${flag} takes a positive whole number (got "${value}").`);
  }
  return Number(value);
}

function describeLimits(info: {
  admin: boolean;
  budget: { tokens: number; per: BudgetPeriod } | null;
  rpm: number | null;
  models: string[] | null;
}): string {
  const parts = [info.admin ? "admin" : "no admin"];
  parts.push(info.budget ? `budget ${info.budget.tokens} tokens/${info.budget.per}` : "no budget");
  parts.push(info.rpm ? `${info.rpm} requests/minute` : "no rate limit");
  parts.push(info.models ? `models ${info.models.join(", ")}` : "any model");
  return parts.join("; ");
}

/** A plain text table: columns padded to their widest cell. */
function table(rows: string[][]): string[] {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd(),
  );
}

async function create(args: string[], ctx: CommandContext, store: Store, now: () => number): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      "budget-tokens": { type: "string" },
      per: { type: "string" },
      rpm: { type: "string" },
      models: { type: "string" },
      admin: { type: "boolean" },
    },
  });
  if (positionals.length !== 1) throw new UsageError("keys create takes one NAME.");
  const per = values.per;
  if (per !== undefined && per !== "day" && per !== "week" && per !== "month") {
    throw new UsageError(`--per is day, week or month (got "${per}").`);
  }
  const { key, stored } = await new ApiKeyRegistry(store, now).create({
    name: positionals[0] as string,
    budgetTokens: positiveInteger(values["budget-tokens"], "--budget-tokens"),
    per: (per as BudgetPeriod | undefined) ?? null,
    rpm: positiveInteger(values.rpm, "--rpm"),
    models: values.models === undefined ? null : values.models.split(","),
    admin: values.admin === true,
  });
  ctx.stderr(`Created the key "${stored.name}" (${describeLimits(stored)}).`);
  ctx.stderr("This is the only time it is shown (only its hash is stored):");
  // Alone on stdout, so `KEY=$(cmp-server keys create NAME)` works.
  ctx.stdout(key);
  return 0;
}

async function list(args: string[], ctx: CommandContext, store: Store, now: () => number): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { json: { type: "boolean" } },
  });
  if (positionals.length > 0) throw new UsageError("keys list takes no NAME.");
  const at = now();
  const keys = await new ApiKeyRegistry(store, now).list();
  const infos = await Promise.all(keys.map((key) => describeApiKey(store, key, at)));
  if (values.json) {
    const body: ApiKeyList = { object: "list", data: infos };
    ctx.stdout(JSON.stringify(body, null, 2));
    return 0;
  }
  if (infos.length === 0) {
    ctx.stdout("No named keys. Create one with: cmp-server keys create NAME");
    return 0;
  }
  const rows = [
    ["NAME", "CREATED", "LAST USED", "REQUESTS", "TOKENS IN/OUT", "BUDGET", "RPM", "MODELS", "ADMIN"],
  ];
  for (const info of infos) {
    rows.push([
      info.name,
      info.created_at.slice(0, 16).replace("T", " "),
      info.last_used_at ? info.last_used_at.slice(0, 16).replace("T", " ") : "never",
      String(info.usage.requests),
      `${info.usage.input}/${info.usage.output}`,
      info.budget ? `${info.budget.used}/${info.budget.tokens} per ${info.budget.per}` : "-",
      info.rpm === null ? "-" : String(info.rpm),
      info.models === null ? "any" : info.models.join(","),
      info.admin ? "yes" : "no",
    ]);
  }
  for (const line of table(rows)) ctx.stdout(line);
  ctx.stdout(`Usage counts the current period (UTC): each key's budget period, else today.`);
  return 0;
}

async function revoke(args: string[], ctx: CommandContext, store: Store, now: () => number): Promise<number> {
  const { positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new UsageError("keys revoke takes one NAME.");
  const name = positionals[0] as string;
  await new ApiKeyRegistry(store, now).revoke(name);
  ctx.stdout(`Revoked the key "${name}". Servers refuse it within a second.`);
  return 0;
}

/**
 * `cmp-server keys create|list|revoke`: named API keys in the operator store the server uses (see
 * {@link openOperatorStore}). Exit 0 on success, 1 when the store or the change failed (a taken name,
 * an unknown key), 2 on a usage error.
 */
export async function runKeysCommand(
  args: string[],
  ctx: CommandContext,
  options: KeysCommandOptions = {},
): Promise<number> {
  const [action, ...rest] = args;
  const run = action === "create" ? create : action === "list" ? list : action === "revoke" ? revoke : null;
  if (run === null) {
    ctx.stderr(USAGE);
    return 2;
  }
  const now = options.now ?? Date.now;
  let opened: { store: Store } | undefined;
  try {
    opened = await openOperatorStore(ctx);
    return await run(rest, ctx, opened.store, now);
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS"))
    ) {
      ctx.stderr(`${error.message}\n${USAGE}`);
      return 2;
    }
    ctx.stderr(
      ApiKeyError.isInstance(error)
        ? error.message
        : `cmp-server keys ${action}: ${describeCommandError(error)}`,
    );
    return 1;
  } finally {
    await opened?.store.close().catch(() => undefined);
  }
}
