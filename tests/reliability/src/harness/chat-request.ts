import { type RawResponse, readSseData, sendRequest } from "./http-request.js";

/** Options of {@link postChat}. */
export interface ChatRequestOptions {
  stream?: boolean;
  text?: string;
  model?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  path?: string;
}

/** Sends a minimal Chat Completions request to a running server. */
export function postChat(baseUrl: string, options: ChatRequestOptions = {}): Promise<RawResponse> {
  return sendRequest({
    baseUrl,
    path: options.path ?? "/v1/chat/completions",
    headers: { "content-type": "application/json", ...options.headers },
    body: JSON.stringify({
      model: options.model ?? "gpt-5.4",
      stream: options.stream ?? false,
      messages: [{ role: "user", content: options.text ?? "hello" }],
    }),
    timeoutMs: options.timeoutMs ?? 60_000,
  });
}

/** The error `code` of a JSON error reply, or of the error event that ends an SSE reply; else `null`. */
export function errorCodeOf(res: RawResponse): string | null {
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  };
  const pick = (value: unknown): string | null => {
    if (typeof value !== "object" || value === null || !("error" in value)) return null;
    const error = (value as { error: unknown }).error;
    if (typeof error !== "object" || error === null) return null;
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? code : null;
  };
  if (String(res.headers["content-type"] ?? "").includes("text/event-stream")) {
    const data = readSseData(res.text).filter((d) => d !== "[DONE]");
    return pick(parse(data.at(-1) ?? ""));
  }
  return pick(parse(res.text));
}

/** The assistant text of a chat reply (JSON or SSE). */
export function chatTextOf(res: RawResponse): string {
  if (String(res.headers["content-type"] ?? "").includes("text/event-stream")) {
    let text = "";
    for (const data of readSseData(res.text)) {
      if (data === "[DONE]") continue;
      try {
        const chunk = JSON.parse(data) as { choices?: Array<{ delta?: { content?: string } }> };
        for (const choice of chunk.choices ?? []) text += choice.delta?.content ?? "";
      } catch {
        // not a chunk
      }
    }
    return text;
  }
  try {
    const body = JSON.parse(res.text) as { choices?: Array<{ message?: { content?: string | null } }> };
    return body.choices?.[0]?.message?.content ?? "";
  } catch {
    return "";
  }
}

/** True when an SSE reply ends with `data: [DONE]`. */
export function endsWithDone(res: RawResponse): boolean {
  return readSseData(res.text).at(-1) === "[DONE]";
}
