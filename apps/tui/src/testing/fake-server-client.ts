import type { ApiKeyInfo, ManagementEvent, ServerStatus } from "@cmp/protocol";
import type { ModelInfo } from "../api/model-list.js";
import type { CreateKeyRequest, ServerClient } from "../api/server-client.js";
import { ServerError } from "../api/server-error.js";
import { loggedOutStatus, testNow } from "./fixtures.js";

/** A scriptable `ServerClient` for component tests. */
export interface FakeServerClient extends ServerClient {
  /** Whether the server answers; when false every call fails as unreachable. */
  up: boolean;
  /** When set, every call fails with this error (for example a refused API key). */
  failWith: ServerError | null;
  status: ServerStatus;
  models: ModelInfo[];
  /** The named keys `listKeys` answers. */
  keys: ApiKeyInfo[];
  /** When set, every keys call fails with this error (a 403 or a 404). */
  keysError: ServerError | null;
  /** The bodies `createKey` received. */
  created: CreateKeyRequest[];
  /** The names `revokeKey` received. */
  revoked: string[];
  /** Sends an event to the open management stream (if any). */
  emit(event: ManagementEvent): void;
  /** True while a management stream is open. */
  readonly watching: boolean;
  /** Ends the open management stream as if the server stopped. */
  drop(): void;
  calls: { status: number; models: number; watch: number; keys: number };
}

/** Creates a fake server client; starts up, logged out, with no models. */
export function createFakeServerClient(
  initial: Partial<Pick<FakeServerClient, "up" | "status" | "models">> = {},
): FakeServerClient {
  let listener: ((event: ManagementEvent) => void) | null = null;
  let end: (() => void) | null = null;
  const unreachable = () =>
    new ServerError("unreachable", "cannot reach the server at http://127.0.0.1:8083");
  const fake: FakeServerClient = {
    baseUrl: "http://127.0.0.1:8083",
    up: initial.up ?? true,
    failWith: null,
    status: initial.status ?? loggedOutStatus(),
    models: initial.models ?? [],
    keys: [],
    keysError: null,
    created: [],
    revoked: [],
    calls: { status: 0, models: 0, watch: 0, keys: 0 },
    get watching() {
      return listener !== null;
    },
    async getStatus() {
      fake.calls.status += 1;
      if (fake.failWith) throw fake.failWith;
      if (!fake.up) throw unreachable();
      return fake.status;
    },
    async getModels() {
      fake.calls.models += 1;
      if (fake.failWith) throw fake.failWith;
      if (!fake.up) throw unreachable();
      return fake.models;
    },
    async listKeys() {
      fake.calls.keys += 1;
      if (fake.failWith) throw fake.failWith;
      if (!fake.up) throw unreachable();
      if (fake.keysError) throw fake.keysError;
      return fake.keys;
    },
    async createKey(request) {
      if (fake.keysError) throw fake.keysError;
      fake.created.push(request);
      const at = new Date(testNow).toISOString();
      const info: ApiKeyInfo = {
        name: request.name,
        created_at: at,
        last_used_at: null,
        admin: request.admin ?? false,
        models: request.models ?? null,
        rpm: request.rpm ?? null,
        budget:
          request.budget_tokens === undefined
            ? null
            : { tokens: request.budget_tokens, per: request.per ?? "day", used: 0, resets_at: at },
        usage: { requests: 0, input: 0, cached: 0, output: 0, reasoning: 0 },
        period_start: at,
      };
      fake.keys = [...fake.keys, info];
      return { key: `cmp-sk-${request.name}-0123456789abcdef`, info };
    },
    async revokeKey(name) {
      if (fake.keysError) throw fake.keysError;
      fake.revoked.push(name);
      fake.keys = fake.keys.filter((k) => k.name !== name);
    },
    watchEvents({ signal, onOpen, onEvent }) {
      fake.calls.watch += 1;
      if (fake.failWith) return Promise.reject(fake.failWith);
      if (!fake.up) return Promise.reject(unreachable());
      return new Promise<void>((resolve) => {
        const finish = () => {
          listener = null;
          end = null;
          resolve();
        };
        listener = onEvent;
        end = finish;
        signal.addEventListener("abort", finish, { once: true });
        onOpen?.();
        onEvent({ type: "snapshot", data: { status: fake.status, recent: [] } });
      });
    },
    emit(event) {
      listener?.(event);
    },
    drop() {
      end?.();
    },
  };
  return fake;
}
