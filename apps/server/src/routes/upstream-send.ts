import {
  type AbortSignalLike,
  CodexHttpError,
  type CodexResponse,
  type CreateResponseOptions,
  type QuotaSnapshot,
} from "@cmp/codex-client";
import type { AccountAuth } from "@cmp/core";
import { isInstructionsRejection, type SelectedInstructions, selectInstructions } from "@cmp/instructions";
import type { ModelRequest, ResolvedModel } from "@cmp/models";
import type { AppContext } from "../app-context.js";
import type { PoolAccount } from "../state/account-pool.js";
import type { RequestRecord } from "../state/request-record.js";

/** What every backend answer carries that the server keeps: its headers and parsed quota. */
export interface UpstreamAnswer {
  headers: Record<string, string>;
  quota: QuotaSnapshot | null;
  /** The backend's `x-codex-turn-state`, when it issued one. */
  turnState?: string | null;
}

/** One backend call of codex-client (`createResponse`, `compact`). */
export type UpstreamCall<T extends UpstreamAnswer> = (
  body: unknown,
  options: CreateResponseOptions,
) => Promise<T>;

/**
 * One upstream call with the bookkeeping every route needs: the turn's `x-codex-turn-state` replayed
 * when the request continues a tool loop (and the one the backend issued remembered for the turn's
 * next request), the quota headers recorded (also from error answers) and `x-models-etag` handed to
 * the catalog.
 */
async function callUpstream<T extends UpstreamAnswer>(
  ctx: AppContext,
  call: UpstreamCall<T>,
  built: BuiltUpstreamRequest,
  signal: AbortSignalLike,
  auth: AccountAuth,
  account: PoolAccount,
): Promise<T> {
  const sessionId = built.promptCacheKey;
  // A turn state routes within one account's backend session: with several accounts it is kept per
  // account, so a request that failed over never replays another account's state.
  const conversation = ctx.pool.size > 1 ? `${account.name}\u0000${sessionId}` : sessionId;
  const turnState = await ctx.turnStates.forRequest(conversation, built.continuesTurn);
  const primary = ctx.pool.isPrimary(account);
  ctx.pool.served(account);
  try {
    const response = await call(built.value, {
      sessionId,
      turnState,
      signal,
      auth,
      authProvider: account.tokenManager,
    });
    // Only a tool call continues a turn, and only a request with tools can get one: the state of any
    // other answer stays in this replica's memory, and other replicas are not told about it.
    const share = built.continuesTurn || declaresTools(built.value);
    if (response.turnState) ctx.turnStates.remember(conversation, response.turnState, share);
    else if (!built.continuesTurn && share) ctx.turnStates.noneIssued(conversation);
    // `/v1/status`'s `quota` is the first account's (as before pools); every account's windows are the pool's.
    if (primary) ctx.quota.record(response.quota);
    ctx.pool.noteQuota(account, response.quota);
    const etag = response.headers["x-models-etag"];
    if (etag !== undefined) void ctx.deps.catalog.noteModelsEtag?.(etag, auth);
    return response;
  } catch (error) {
    if (!built.continuesTurn && declaresTools(built.value)) ctx.turnStates.noneIssued(conversation);
    if (CodexHttpError.isInstance(error)) {
      if (primary) ctx.quota.record(error.quota);
      ctx.pool.noteQuota(account, error.quota);
    }
    throw error;
  }
}

/** Whether a backend request offers the model tools (so its answer may be a call the turn continues from). */
function declaresTools(body: unknown): boolean {
  const tools = typeof body === "object" && body !== null ? (body as { tools?: unknown }).tools : undefined;
  return Array.isArray(tools) && tools.length > 0;
}

/** A backend request built for one instructions mode. */
export interface BuiltUpstreamRequest {
  value: unknown;
  /** The conversation's key: `session-id` / `thread-id`, and the turn-state store's key. */
  promptCacheKey: string;
  /** The input ends in a tool output, so the turn's `x-codex-turn-state` is replayed. */
  continuesTurn: boolean;
  warnings: string[];
  /** True when the proxy added cached encrypted reasoning items to the input (chat tool loops). */
  replayedReasoning?: boolean;
}

/** What a route's `build` is told besides the instructions and the model. */
export interface BuildContext {
  /** The conversation's key, computed by the route before an account was chosen (`UpstreamPlan.promptCacheKey`). */
  promptCacheKey: string;
  /** The login the request is sent with (its account keys the reasoning cache). */
  auth: AccountAuth;
  /**
   * Whether cached encrypted reasoning may be added to the input: false for the one resend after the
   * backend refused it (`invalid_encrypted_content`, after a key rotation or an account switch).
   */
  replayReasoning: boolean;
}

/** The backend's refusal of replayed encrypted reasoning (a 400 naming the encrypted content). */
const REASONING_REJECTION =
  /invalid_encrypted_content|encrypted[_ ]content|could not be (decrypted|verified)/i;

function isReasoningRejection(error: CodexHttpError): boolean {
  return error.status === 400 && REASONING_REJECTION.test(error.bodyText);
}

/**
 * Resolves the login, the account's catalog and the model of a request; the record gets the slug and
 * effort, `warnings` the resolution's warnings. Throws (before any output) for no login or an unknown model.
 */
async function resolveRequestModel(
  ctx: AppContext,
  account: PoolAccount,
  model: ModelRequest,
  record: RequestRecord,
  warnings: string[],
): Promise<{ auth: AccountAuth; resolved: ResolvedModel }> {
  const auth = await account.tokenManager.getAuth();
  const catalog = await ctx.deps.catalog.get(auth);
  const resolved = ctx.resolveModel(model, catalog);
  record.slug = resolved.slug;
  record.effort = resolved.effort;
  warnings.push(...resolved.warnings);
  return { auth, resolved };
}

/** What {@link prepareUpstream} needs from a route. */
export interface UpstreamPlan {
  /** The model the client named, with its reasoning and verbosity settings. */
  model: ModelRequest;
  /**
   * The conversation's key (`chatPromptCacheKey`, `responsesPromptCacheKey`): the pool routes by it
   * before anything is built, and `build` passes it on to the converter.
   */
  promptCacheKey: string;
  record: RequestRecord;
  /** What the proxy changed, for `x-cmp-warnings`; resolution and conversion warnings are added. */
  warnings: string[];
  /** The client's system prompts, for the instructions mode. */
  systemPrompts: string[];
  /** The warning added when the backend refused custom instructions and the Codex prompt was sent. */
  fallbackWarning: string;
  /** Converts the client's request for the selected instructions and the resolved model. */
  build: (
    instructions: SelectedInstructions,
    resolved: ResolvedModel,
    context: BuildContext,
  ) => BuiltUpstreamRequest | Promise<BuiltUpstreamRequest>;
}

/**
 * The part of every API route between its parsed request and the backend, for one account of the pool
 * (see `withAccount`): resolves its login, its catalog and the model (throws, before any output, for no login or an unknown model), builds the backend request in
 * the account's instructions mode, and returns `send`: one upstream call, made again once in codex mode
 * when the backend rejects custom instructions (the account is then remembered as needing codex mode,
 * and `fallbackWarning` is added), and once without the replayed encrypted reasoning when the backend
 * refuses that (`invalid_encrypted_content`; a warning is logged). Call `send` once per choice; each
 * fallback happens at most once.
 */
export function prepareUpstream(
  ctx: AppContext,
  plan: UpstreamPlan,
  account: PoolAccount,
): Promise<(signal: AbortSignalLike) => Promise<CodexResponse>> {
  const { codexClient } = ctx.deps;
  return prepareUpstreamCall(ctx, plan, account, (body, options) =>
    codexClient.createResponse(body, options),
  );
}

/** {@link prepareUpstream} for any backend call of codex-client (the compaction route's `compact`). */
export async function prepareUpstreamCall<T extends UpstreamAnswer>(
  ctx: AppContext,
  plan: UpstreamPlan,
  account: PoolAccount,
  call: UpstreamCall<T>,
): Promise<(signal: AbortSignalLike) => Promise<T>> {
  const { systemPrompts, warnings, build } = plan;
  const { auth, resolved } = await resolveRequestModel(ctx, account, plan.model, plan.record, warnings);
  let replayReasoning = true;
  const buildFor = async (mode: "client" | "codex"): Promise<BuiltUpstreamRequest> => {
    const needsBase = mode === "codex" || systemPrompts.every((p) => p.trim() === "");
    const baseInstructions = needsBase ? await ctx.deps.instructions.getBaseInstructions(resolved.model) : "";
    return build(selectInstructions({ mode, systemPrompts, baseInstructions }), resolved, {
      promptCacheKey: plan.promptCacheKey,
      auth,
      replayReasoning,
    });
  };
  let mode = ctx.instructionsMode.modeFor(auth.accountId, ctx.config.instructionsMode);
  let built = await buildFor(mode);
  warnings.push(...built.warnings);
  let fellBack = mode === "codex";

  return async (signal) => {
    for (;;) {
      const current = built;
      try {
        return await callUpstream(ctx, call, current, signal, auth, account);
      } catch (error) {
        if (!CodexHttpError.isInstance(error)) throw error;
        if (!fellBack && isInstructionsRejection(error.status, error.bodyText)) {
          fellBack = true;
          mode = "codex";
          ctx.instructionsMode.rememberCodexRequired(auth.accountId);
          ctx.logger.warn("backend rejected custom instructions; switching this account to codex mode");
          warnings.push(plan.fallbackWarning);
          built = await buildFor(mode);
          continue;
        }
        if (replayReasoning && current.replayedReasoning === true && isReasoningRejection(error)) {
          replayReasoning = false;
          ctx.logger.warn(
            { model: resolved.slug },
            "backend rejected the replayed encrypted reasoning; sending the request once more without it",
          );
          built = await buildFor(mode);
          continue;
        }
        throw error;
      }
    }
  };
}
