import {
  type ApiKeyInfo,
  apiKeyListSchema,
  type BudgetPeriod,
  type CreatedApiKey,
  createdApiKeySchema,
  type ManagementEvent,
  parseManagementEvent,
  type ServerStatus,
  serverStatusSchema,
} from "@cmp/protocol";
import { EventSourceParserStream } from "eventsource-parser/stream";
import type { z } from "zod";
import { type ModelInfo, modelListSchema } from "./model-list.js";
import { ServerError } from "./server-error.js";

/** The body of `POST /v1/management/keys`: a new named key and its limits (absent = none). */
export interface CreateKeyRequest {
  name: string;
  /** Tokens (input + output) the key may use per `per`. */
  budget_tokens?: number;
  per?: BudgetPeriod;
  /** Requests per minute. */
  rpm?: number;
  /** The models the key may use; absent for any. */
  models?: string[];
  /** May manage keys and read the management API. */
  admin?: boolean;
}

/** What the dashboard asks of the proxy server. */
export interface ServerClient {
  /** The server's base URL, for display. */
  readonly baseUrl: string;
  /** `GET /v1/status`. */
  getStatus(signal?: AbortSignal): Promise<ServerStatus>;
  /** `GET /v1/models`. */
  getModels(signal?: AbortSignal): Promise<ModelInfo[]>;
  /**
   * `GET /v1/management/keys`. Rejects with a `ServerError` `forbidden` for a key that is not an admin key
   * and `not_found` for a server without named keys.
   */
  listKeys(signal?: AbortSignal): Promise<ApiKeyInfo[]>;
  /** `POST /v1/management/keys`: the answer holds the new key, which the server never shows again. */
  createKey(request: CreateKeyRequest, signal?: AbortSignal): Promise<CreatedApiKey>;
  /** `DELETE /v1/management/keys/:name`. */
  revokeKey(name: string, signal?: AbortSignal): Promise<void>;
  /**
   * Opens `GET /v1/management/events` and calls `onEvent` for each event that fits `@cmp/protocol`. Resolves when the
   * server ends the stream, rejects with a `ServerError` when it cannot connect; abort with `signal`.
   */
  watchEvents(options: {
    signal: AbortSignal;
    onOpen?: () => void;
    onEvent: (event: ManagementEvent) => void;
  }): Promise<void>;
}

/** Options of `createServerClient`. */
export interface ServerClientOptions {
  baseUrl: string;
  apiKey?: string | null;
  fetch?: typeof globalThis.fetch;
  /** How long a call may wait for the server's answer (headers and JSON body); default 10 s. */
  requestTimeoutMs?: number;
  /** The management stream is considered dead after this long without a byte; default 60 s (the server sends keep-alives every 15 s). */
  idleTimeoutMs?: number;
}

/** Creates the HTTP client for the proxy's status, models and management stream. */
export function createServerClient({
  baseUrl,
  apiKey,
  fetch = globalThis.fetch,
  requestTimeoutMs = 10_000,
  idleTimeoutMs = 60_000,
}: ServerClientOptions): ServerClient {
  const base = baseUrl.replace(/\/+$/, "");
  const headers: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};

  /** Runs `work` with a signal that also fires after `requestTimeoutMs`. */
  async function withTimeout<T>(
    signal: AbortSignal | undefined,
    work: (bounded: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    const forward = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", forward, { once: true });
    const timer = setTimeout(() => controller.abort(), requestTimeoutMs);
    try {
      return await work(controller.signal);
    } catch (error) {
      if (controller.signal.aborted && !signal?.aborted) {
        throw new ServerError("unreachable", `the server at ${base} did not answer in time`, {
          cause: error,
        });
      }
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", forward);
    }
  }

  async function request(path: string, accept: string, signal?: AbortSignal): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, { headers: { ...headers, accept }, signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ServerError("unreachable", `cannot reach the server at ${base}`, { cause: error });
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new ServerError(
        "unauthorized",
        apiKey
          ? `the server at ${base} refused CMP_API_KEY (HTTP ${response.status})`
          : `the server at ${base} needs an API key: set CMP_API_KEY (HTTP ${response.status})`,
        { status: response.status },
      );
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new ServerError("http_error", `${path} answered HTTP ${response.status}`, {
        status: response.status,
      });
    }
    return response;
  }

  async function getJson<T>(path: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
    const json = await withTimeout(signal, async (bounded) => {
      const response = await request(path, "application/json", bounded);
      try {
        return (await response.json()) as unknown;
      } catch (error) {
        if (bounded.aborted) throw error;
        throw new ServerError("bad_response", `${path} did not answer JSON`, { cause: error });
      }
    });
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ServerError("bad_response", `${path} answered an unexpected shape`);
    return parsed.data;
  }

  /** The `error` of an OpenAI-shaped error body; nulls when the body is something else. */
  async function readApiError(response: Response): Promise<{ message: string | null; code: string | null }> {
    try {
      const body = (await response.json()) as { error?: { message?: unknown; code?: unknown } } | null;
      const error = body?.error;
      return {
        message: typeof error?.message === "string" ? error.message : null,
        code: typeof error?.code === "string" ? error.code : null,
      };
    } catch {
      return { message: null, code: null };
    }
  }

  /**
   * One call of the management API. Unlike `request`, a 403 is not "the key was refused" (the key got in,
   * it may only not do this) and a 404 means the server has no such route; both keep the server's words.
   */
  async function manage<T>(
    method: "GET" | "POST" | "DELETE",
    path: string,
    options: { body?: unknown; schema: z.ZodType<T> | null; signal?: AbortSignal },
  ): Promise<T | null> {
    const json = await withTimeout(options.signal, async (bounded) => {
      let response: Response;
      try {
        response = await fetch(`${base}${path}`, {
          method,
          headers: {
            ...headers,
            accept: "application/json",
            ...(options.body === undefined ? {} : { "content-type": "application/json" }),
          },
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          signal: bounded,
        });
      } catch (error) {
        if (bounded.aborted) throw error;
        throw new ServerError("unreachable", `cannot reach the server at ${base}`, { cause: error });
      }
      if (!response.ok) {
        const { message, code } = await readApiError(response);
        const status = response.status;
        const said = message ? `: ${message}` : "";
        if (status === 401) {
          throw new ServerError(
            "unauthorized",
            apiKey
              ? `the server at ${base} refused CMP_API_KEY (HTTP 401)`
              : `the server at ${base} needs an API key: set CMP_API_KEY (HTTP 401)`,
            { status, apiCode: code },
          );
        }
        if (status === 403) {
          throw new ServerError("forbidden", `the server refused ${method} ${path} (HTTP 403${said})`, {
            status,
            apiCode: code,
          });
        }
        if (status === 404) {
          throw new ServerError("not_found", `${path} is not on this server (HTTP 404)`, {
            status,
            apiCode: code,
          });
        }
        throw new ServerError("http_error", `${method} ${path} answered HTTP ${status}${said}`, {
          status,
          apiCode: code,
        });
      }
      if (options.schema === null) {
        await response.body?.cancel();
        return null;
      }
      try {
        return (await response.json()) as unknown;
      } catch (error) {
        if (bounded.aborted) throw error;
        throw new ServerError("bad_response", `${path} did not answer JSON`, { cause: error });
      }
    });
    if (options.schema === null) return null;
    const parsed = options.schema.safeParse(json);
    if (!parsed.success) throw new ServerError("bad_response", `${path} answered an unexpected shape`);
    return parsed.data;
  }

  const keysPath = "/v1/management/keys";

  return {
    baseUrl: base,
    getStatus: (signal) => getJson("/v1/status", serverStatusSchema, signal),
    getModels: (signal) => getJson("/v1/models", modelListSchema, signal),
    async listKeys(signal) {
      const list = await manage("GET", keysPath, { schema: apiKeyListSchema, signal });
      return list?.data ?? [];
    },
    async createKey(request, signal) {
      const created = await manage("POST", keysPath, { body: request, schema: createdApiKeySchema, signal });
      if (created === null) throw new ServerError("bad_response", `${keysPath} answered no key`);
      return created;
    },
    async revokeKey(name, signal) {
      await manage("DELETE", `${keysPath}/${encodeURIComponent(name)}`, { schema: null, signal });
    },
    async watchEvents({ signal, onOpen, onEvent }) {
      // Only the wait for the headers is bounded by requestTimeoutMs; the stream itself by idleTimeoutMs.
      const stream = new AbortController();
      let stopReason: "aborted" | "idle" | null = null;
      let stop: (() => void) | undefined;
      const stopped = new Promise<never>((_resolve, reject) => {
        stop = () => reject(new Error("stopped"));
      });
      stopped.catch(() => {});
      const halt = (reason: "aborted" | "idle") => {
        stopReason ??= reason;
        stop?.();
        stream.abort();
      };
      const onAbort = () => halt("aborted");
      signal.addEventListener("abort", onAbort, { once: true });
      let watchdog: ReturnType<typeof setTimeout> | undefined;
      const arm = () => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => halt("idle"), idleTimeoutMs);
      };
      let reader: ReadableStreamDefaultReader<{ event?: string | undefined; data: string }> | undefined;
      try {
        const connectTimer = setTimeout(() => stream.abort(), requestTimeoutMs);
        const response = await request("/v1/management/events", "text/event-stream", stream.signal).finally(
          () => clearTimeout(connectTimer),
        );
        if (!response.body) throw new ServerError("bad_response", "the management stream has no body");
        onOpen?.();
        arm();
        const tap = new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            arm();
            controller.enqueue(chunk);
          },
        });
        reader = response.body
          .pipeThrough(tap)
          .pipeThrough(new TextDecoderStream())
          .pipeThrough(new EventSourceParserStream())
          .getReader();
        for (;;) {
          const { done, value } = await Promise.race([reader.read(), stopped]);
          if (done) return;
          // A broken or unknown event (a newer server) is skipped; the stream goes on.
          const parsed = parseManagementEvent({ event: value.event ?? "message", data: value.data });
          if (parsed.success) onEvent(parsed.value);
        }
      } catch (error) {
        if (signal.aborted || stopReason === "aborted") return;
        if (stopReason === "idle") throw new ServerError("unreachable", "the management stream went quiet");
        if (ServerError.isInstance(error)) throw error;
        if (stream.signal.aborted) {
          throw new ServerError("unreachable", `the server at ${base} did not answer in time`, {
            cause: error,
          });
        }
        throw new ServerError("unreachable", "the management stream broke off", { cause: error });
      } finally {
        clearTimeout(watchdog);
        signal.removeEventListener("abort", onAbort);
        void reader?.cancel().catch(() => {});
        stream.abort();
      }
    },
  };
}
