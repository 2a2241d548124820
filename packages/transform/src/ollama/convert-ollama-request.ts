import type { ChatCompletionRequest, ChatMessage } from "../chat/chat-completions-api.js";
import type { OllamaChatRequest, OllamaGenerateRequest, OllamaMessage, OllamaThink } from "./ollama-api.js";
import { toImageDataUrl } from "./ollama-image-url.js";

/** An Ollama request as the chat path takes it, plus what only the Ollama answer needs. */
export interface ConvertedOllamaRequest {
  /**
   * The same request as Chat Completions: the server sends it down the chat path (model resolution,
   * instructions, `convertChatRequestToResponses`, the reasoning cache of tool loops), so both APIs
   * convert alike. Empty `messages` when {@link ConvertedOllamaRequest.load} is set.
   */
  chat: ChatCompletionRequest;
  /** `stream`, true unless the client sent `false` (Ollama's default). */
  stream: boolean;
  /** `options.stop`, enforced by the proxy as the chat route enforces `stop`. */
  stop: string[] | null;
  /** False when the client sent `think: false`: the answer then carries no `thinking`. */
  thinking: boolean;
  /** What was changed or dropped, for `x-cmp-warnings`. */
  warnings: string[];
  /**
   * A request without a conversation (no messages, or an empty prompt) only loads (or, with
   * `keep_alive: 0`, unloads) a model in Ollama: it is answered at once with this `done_reason`.
   */
  load: "load" | "unload" | null;
}

// Ollama's runner and sampling options: none of them reaches the backend.
const STOP_OPTION = "stop";

function optionWarnings(options: Record<string, unknown> | null | undefined, warnings: string[]): void {
  for (const key of Object.keys(options ?? {})) {
    if (key === STOP_OPTION || options?.[key] === null || options?.[key] === undefined) continue;
    warnings.push(`option '${key}' is not supported by the ChatGPT backend; dropped`);
  }
}

function stopSequences(options: OllamaChatRequest["options"]): string[] | null {
  const stop = options?.stop;
  if (stop === null || stop === undefined) return null;
  const list = (typeof stop === "string" ? [stop] : stop).filter((s) => s !== "");
  return list.length > 0 ? list : null;
}

/** `think` → the chat request's `reasoning_effort` (`false` asks for the least the model allows). */
function reasoningEffort(think: OllamaThink | null | undefined): string | null {
  if (think === null || think === undefined || think === true) return null;
  if (think === false) return "none";
  return think;
}

function responseFormat(format: OllamaChatRequest["format"]): ChatCompletionRequest["response_format"] {
  if (format === null || format === undefined || format === "") return undefined;
  if (format === "json") return { type: "json_object" };
  // Not strict: Ollama takes any JSON schema, the backend's strict mode only a subset of them.
  return { type: "json_schema", json_schema: { name: "ollama_format", schema: format, strict: false } };
}

function knownKeysWarnings(
  request: Record<string, unknown>,
  known: ReadonlySet<string>,
  warnings: string[],
): void {
  for (const key of Object.keys(request)) {
    if (!known.has(key)) warnings.push(`unknown parameter '${key}' dropped`);
  }
}

const CHAT_KEYS: ReadonlySet<string> = new Set([
  "model",
  "messages",
  "tools",
  "format",
  "think",
  "options",
  "stream",
  "keep_alive",
  "logprobs",
  "top_logprobs",
]);

const GENERATE_KEYS: ReadonlySet<string> = new Set([
  "model",
  "prompt",
  "suffix",
  "system",
  "template",
  "context",
  "images",
  "format",
  "think",
  "raw",
  "options",
  "stream",
  "keep_alive",
  "logprobs",
  "top_logprobs",
]);

function argumentsText(args: Record<string, unknown> | string | null | undefined): string {
  if (args === null || args === undefined) return "{}";
  return typeof args === "string" ? args : JSON.stringify(args);
}

function userContent(text: string, images: readonly string[], where: string) {
  if (images.length === 0) return text;
  return [
    ...(text === "" ? [] : [{ type: "text" as const, text }]),
    ...images.map((image, j) => ({
      type: "image_url" as const,
      image_url: {
        url: toImageDataUrl(image, where === "" ? `images[${j}]` : `${where}.images[${j}]`),
        detail: "auto" as const,
      },
    })),
  ];
}

/**
 * Ollama messages → Chat Completions messages. Tool calls get ids when the client sent none (stable:
 * from their position, so the conversation's cache key stays the same), and a `tool` message is tied
 * to its call by `tool_call_id`, else by `tool_name` (the oldest unanswered call of that name), else
 * to the oldest unanswered call.
 */
function convertMessages(messages: readonly OllamaMessage[], warnings: string[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  const open: Array<{ id: string; name: string }> = [];
  messages.forEach((message, i) => {
    const where = `messages[${i}]`;
    const text = message.content ?? "";
    const images = message.images ?? [];
    if (message.role !== "user" && images.length > 0) {
      warnings.push(`${where}.images dropped: only user messages can carry images`);
    }
    switch (message.role) {
      case "system":
      case "developer":
        out.push({ role: message.role, content: text });
        return;
      case "user":
        out.push({ role: "user", content: userContent(text, images, where) });
        return;
      case "assistant": {
        const calls = (message.tool_calls ?? []).map((call, j) => {
          const id = call.id || `call_ollama_${i}_${j}`;
          open.push({ id, name: call.function.name });
          return {
            id,
            type: "function" as const,
            function: { name: call.function.name, arguments: argumentsText(call.function.arguments) },
          };
        });
        out.push({
          role: "assistant",
          content: text === "" && calls.length > 0 ? null : text,
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        });
        return;
      }
      case "tool": {
        const byId = message.tool_call_id ? open.findIndex((c) => c.id === message.tool_call_id) : -1;
        const byName =
          byId < 0 && message.tool_name ? open.findIndex((c) => c.name === message.tool_name) : -1;
        const index = byId >= 0 ? byId : byName >= 0 ? byName : message.tool_call_id ? -1 : 0;
        const call = open[index];
        if (call) open.splice(index, 1);
        out.push({
          role: "tool",
          content: text,
          tool_call_id: call?.id ?? message.tool_call_id ?? `call_ollama_${message.tool_name || "tool"}_${i}`,
        });
        return;
      }
      default: {
        // The schema admits no other role; a new one must be handled above.
        const _exhaustive: never = message.role;
        throw new Error(`unhandled message role ${String(_exhaustive)}`);
      }
    }
  });
  return out;
}

function baseChat(
  request: OllamaChatRequest | OllamaGenerateRequest,
  messages: ChatMessage[],
): ChatCompletionRequest {
  const { model, think, format } = request;
  const chat: ChatCompletionRequest = { model, messages, stream: request.stream !== false };
  const effort = reasoningEffort(think);
  if (effort !== null) chat.reasoning_effort = effort;
  const responseFormatValue = responseFormat(format);
  if (responseFormatValue !== undefined) chat.response_format = responseFormatValue;
  return chat;
}

function loadReason(keepAlive: string | number | null | undefined): "load" | "unload" {
  return keepAlive === 0 || keepAlive === "0" || keepAlive === "0s" ? "unload" : "load";
}

/**
 * Converts a validated `POST /api/chat` body: messages with `images` (base64 → `data:` URLs), `tool_calls`
 * (object arguments → JSON text) and `tool` results (tied to their calls), `tools`, `format` (`"json"` →
 * JSON mode, a schema → structured output), `think` (→ reasoning effort, and whether `thinking` is
 * answered) and `options.stop`. Sampling options and `keep_alive` are dropped, with warnings for the
 * options.
 */
export function convertOllamaChatRequest(request: OllamaChatRequest): ConvertedOllamaRequest {
  const warnings: string[] = [];
  knownKeysWarnings(request, CHAT_KEYS, warnings);
  optionWarnings(request.options, warnings);
  const messages = convertMessages(request.messages ?? [], warnings);
  const chat = baseChat(request, messages);
  const tools = request.tools ?? [];
  if (tools.length > 0) {
    chat.tools = tools.map((tool) => ({
      type: "function" as const,
      function: {
        name: tool.function.name,
        ...(tool.function.description ? { description: tool.function.description } : {}),
        parameters: tool.function.parameters ?? { type: "object", properties: {} },
      },
    }));
  }
  return {
    chat,
    stream: request.stream !== false,
    stop: stopSequences(request.options),
    thinking: request.think !== false,
    warnings,
    load: messages.length === 0 ? loadReason(request.keep_alive) : null,
  };
}

/**
 * Converts a validated `POST /api/generate` body into a one-turn chat: `system` (if any), then the
 * `prompt` with its `images`; `format`, `think` and `options.stop` as for `/api/chat`. `template`,
 * `raw` and `context` have no meaning without a local model and are dropped with a warning.
 */
export function convertOllamaGenerateRequest(request: OllamaGenerateRequest): ConvertedOllamaRequest {
  const warnings: string[] = [];
  knownKeysWarnings(request, GENERATE_KEYS, warnings);
  optionWarnings(request.options, warnings);
  if (request.template) warnings.push("parameter 'template' dropped: the backend applies its own template");
  if (request.raw === true) warnings.push("parameter 'raw' dropped: the prompt is sent as a user message");
  if (request.context && request.context.length > 0) {
    warnings.push("parameter 'context' dropped: send the conversation with /api/chat instead");
  }
  const prompt = request.prompt ?? "";
  const images = request.images ?? [];
  const messages: ChatMessage[] = [];
  if (prompt !== "" || images.length > 0) {
    if (request.system) messages.push({ role: "system", content: request.system });
    messages.push({ role: "user", content: userContent(prompt, images, "") });
  }
  return {
    chat: baseChat(request, messages),
    stream: request.stream !== false,
    stop: stopSequences(request.options),
    thinking: request.think !== false,
    warnings,
    load: messages.length === 0 ? loadReason(request.keep_alive) : null,
  };
}
