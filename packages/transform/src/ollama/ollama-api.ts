import { z } from "zod";

const BASE64 = /^[A-Za-z0-9+/=\s]+$/;

/** One image of a message: base64 bytes (Ollama's form), or a base64 `data:` URL some clients send. */
const imageSchema = z.string().refine((value) => value.startsWith("data:") || BASE64.test(value), {
  message: "expected base64-encoded image bytes",
});

/**
 * Tool call arguments: an object, as Ollama sends and takes them. A JSON string (the OpenAI habit of
 * some clients) is taken too and passed on as it is.
 */
const toolArgumentsSchema = z.union([z.record(z.string(), z.unknown()), z.string()]);

const toolCallSchema = z.object({
  id: z.string().nullish(),
  type: z.string().nullish(),
  function: z.object({
    index: z.number().int().nullish(),
    name: z.string().min(1),
    arguments: toolArgumentsSchema.nullish(),
  }),
});

/** Ollama reads roles case-insensitively. */
const roleSchema = z
  .string()
  .transform((role) => role.toLowerCase())
  .pipe(z.enum(["system", "developer", "user", "assistant", "tool"]));

const messageSchema = z.looseObject({
  role: roleSchema,
  content: z.string().nullish(),
  thinking: z.string().nullish(),
  images: z.array(imageSchema).nullish(),
  tool_calls: z.array(toolCallSchema).nullish(),
  tool_name: z.string().nullish(),
  tool_call_id: z.string().nullish(),
});

const toolSchema = z.object({
  type: z.literal("function").nullish(),
  function: z.object({
    name: z.string().min(1),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
  }),
});

/** `format`: `"json"` (JSON mode), `""` (none), or a JSON schema object (structured output). */
const formatSchema = z.union([z.literal("json"), z.literal(""), z.record(z.string(), z.unknown())]);

/** `think`: on/off, or a level (`max` is Ollama's highest). */
const thinkSchema = z.union([z.boolean(), z.enum(["low", "medium", "high", "max"])]);

/**
 * `options` (Modelfile parameters). Only `stop` is honoured (by the proxy); the sampling and runner
 * options are dropped with a warning, so their values are not checked beyond being JSON.
 */
const optionsSchema = z.looseObject({
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
});

const keepAliveSchema = z.union([z.string(), z.number()]);

/**
 * Wire schema of an Ollama `POST /api/chat` body. `stream` defaults to true, as in Ollama.
 * @see https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion
 */
export const ollamaChatRequestSchema = z.looseObject({
  model: z.string().trim().min(1),
  messages: z.array(messageSchema).nullish(),
  tools: z.array(toolSchema).nullish(),
  format: formatSchema.nullish(),
  think: thinkSchema.nullish(),
  options: optionsSchema.nullish(),
  stream: z.boolean().nullish(),
  keep_alive: keepAliveSchema.nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().nullish(),
});

/**
 * Wire schema of an Ollama `POST /api/generate` body.
 * @see https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-completion
 */
export const ollamaGenerateRequestSchema = z.looseObject({
  model: z.string().trim().min(1),
  prompt: z.string().nullish(),
  suffix: z.string().nullish(),
  system: z.string().nullish(),
  template: z.string().nullish(),
  context: z.array(z.number()).nullish(),
  images: z.array(imageSchema).nullish(),
  format: formatSchema.nullish(),
  think: thinkSchema.nullish(),
  raw: z.boolean().nullish(),
  options: optionsSchema.nullish(),
  stream: z.boolean().nullish(),
  keep_alive: keepAliveSchema.nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().nullish(),
});

/** A validated `POST /api/chat` body. */
export type OllamaChatRequest = z.infer<typeof ollamaChatRequestSchema>;
/** One validated message of {@link OllamaChatRequest}. */
export type OllamaMessage = z.infer<typeof messageSchema>;
/** A validated `POST /api/generate` body. */
export type OllamaGenerateRequest = z.infer<typeof ollamaGenerateRequestSchema>;
/** `think` of a request: on/off or a level. */
export type OllamaThink = z.infer<typeof thinkSchema>;

/** A tool call as Ollama answers it: arguments as an object, the call id and its index. */
export interface OllamaToolCall {
  id: string;
  function: { index: number; name: string; arguments: Record<string, unknown> };
}

/** The assistant message (or a streamed piece of it) of an `/api/chat` answer. */
export interface OllamaAnswerMessage {
  role: "assistant";
  content: string;
  thinking?: string;
  tool_calls?: OllamaToolCall[];
}

/** The statistics of a final answer line; durations in nanoseconds. */
export interface OllamaMetrics {
  total_duration: number;
  load_duration: number;
  prompt_eval_count: number;
  prompt_eval_duration: number;
  eval_count: number;
  eval_duration: number;
}

/** Why generation stopped: `stop` (also after tool calls, as Ollama says), `length`, `content_filter`, `load`. */
export type OllamaDoneReason = "stop" | "length" | "content_filter" | "load" | "unload";

/** One `/api/chat` answer object: a streamed line, or the whole answer when `stream` is false. */
export type OllamaChatResponse = {
  model: string;
  created_at: string;
  message: OllamaAnswerMessage;
  done: boolean;
  done_reason?: OllamaDoneReason;
} & Partial<OllamaMetrics>;

/** One `/api/generate` answer object (`context` is never sent: there is no local model state). */
export type OllamaGenerateResponse = {
  model: string;
  created_at: string;
  response: string;
  thinking?: string;
  done: boolean;
  done_reason?: OllamaDoneReason;
} & Partial<OllamaMetrics>;

/** Ollama's error body, also the last line of a stream that failed after it started. */
export interface OllamaErrorBody {
  error: string;
}
