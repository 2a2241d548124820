import { ServerError } from "./server-error.js";

/** A failed call of the keys API in plain words: what happened and what to do. */
export interface KeysProblem {
  /** `forbidden` and `not_found` are answers about this server, not failures to retry. */
  kind: "forbidden" | "not_found" | "other";
  message: string;
  hint: string;
}

/** Explains why listing, creating or revoking named keys failed. */
export function explainKeysError(error: unknown): KeysProblem {
  if (!ServerError.isInstance(error)) {
    return {
      kind: "other",
      message: error instanceof Error ? error.message : "the keys call failed",
      hint: "Press r to try again.",
    };
  }
  switch (error.code) {
    case "forbidden":
      return {
        kind: "forbidden",
        message: `CMP_API_KEY is not an admin key: only admin keys may see and manage named keys${
          error.apiCode ? ` (${error.apiCode})` : ""
        }.`,
        hint: "Set CMP_API_KEY to an admin key, then start the dashboard again.",
      };
    case "not_found":
      return {
        kind: "not_found",
        message: "This server has no named keys: it does not answer /v1/management/keys (HTTP 404).",
        hint: "Named API keys with budgets need a newer cmp-server; keys from CMP_API_KEYS are not listed here.",
      };
    case "unauthorized":
      return {
        kind: "other",
        message: error.message,
        hint: "Set CMP_API_KEY to an admin key of this server.",
      };
    case "unreachable":
      return { kind: "other", message: error.message, hint: "Start the server (pnpm start); r tries again." };
    default:
      return { kind: "other", message: error.message, hint: "Press r to try again." };
  }
}
