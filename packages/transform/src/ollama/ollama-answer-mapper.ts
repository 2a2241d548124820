import {
  type ChatFinishReason,
  type ChatStreamPart,
  isChatStreamError,
} from "../chat/chat-completion-output-api.js";
import type { OpenAIHttpError } from "../errors/openai-http-error.js";
import type { ResponsesEvent } from "../responses/responses-api.js";
import { ChatChunkMapper, type ReasoningOutput } from "../stream/responses-to-chat-chunks.js";
import type {
  OllamaChatResponse,
  OllamaDoneReason,
  OllamaErrorBody,
  OllamaGenerateResponse,
  OllamaMetrics,
  OllamaToolCall,
} from "./ollama-api.js";

/** Which Ollama answer is built: `/api/chat` (`message`) or `/api/generate` (`response`). */
export type OllamaApi = "chat" | "generate";

/** Options of the Ollama answer builders. */
export interface OllamaAnswerOptions {
  api: OllamaApi;
  /** The model name as the client sent it (Ollama echoes it). */
  model: string;
  /** When the request arrived (ms, the `now` clock): the start of `total_duration`. */
  startedAt: number;
  /** Clock in milliseconds (default `Date.now`): `created_at`, the durations, usage-limit reset times. */
  now?: () => number;
  /** `options.stop`, enforced by the proxy. */
  stop?: readonly string[] | null;
  /** `fields` (default: the `thinking` field), `think` (`<think>` in the text) or `none`. */
  reasoningOutput?: ReasoningOutput;
}

/** One object of an Ollama answer: a line of the stream, or the error that ends it. */
export type OllamaAnswerPart = OllamaChatResponse | OllamaGenerateResponse | OllamaErrorBody;

const NS_PER_MS = 1_000_000;

function doneReason(reason: ChatFinishReason): OllamaDoneReason {
  switch (reason) {
    case "length":
      return "length";
    case "content_filter":
      return "content_filter";
    default:
      // Ollama ends an answer with tool calls with "stop" too.
      return "stop";
  }
}

/** Tool call arguments as Ollama's object; text that is not a JSON object becomes `{}`. */
function parseArguments(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text === "" ? "{}" : text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/**
 * The state machine of an Ollama answer: backend events go through the Chat Completions mapper (the
 * same stop sequences, reasoning modes, tool-call tracking and error mapping as the chat route), and its
 * chunks become Ollama objects: text and `thinking` pieces as they come, tool calls whole (Ollama sends
 * them complete, with object arguments) just before the final object, which carries `done_reason`, the
 * token counts and the durations (nanoseconds). A failure becomes `{ "error": … }`.
 */
export class OllamaAnswerMapper {
  /** The Chat Completions mapper underneath (usage, reasoning items, `done`, `stopped`, `error`). */
  readonly chat: ChatChunkMapper;
  private readonly api: OllamaApi;
  private readonly model: string;
  private readonly startedAt: number;
  private readonly now: () => number;
  private firstOutputAt: number | null = null;
  private calls: Array<{ id: string; name: string; args: string }> | null = null;

  constructor(options: OllamaAnswerOptions) {
    this.api = options.api;
    this.model = options.model;
    this.startedAt = options.startedAt;
    this.now = options.now ?? Date.now;
    this.chat = new ChatChunkMapper(
      {
        model: options.model,
        created: Math.floor(this.now() / 1000),
        reasoningOutput: options.reasoningOutput ?? "fields",
        stop: options.stop ?? null,
        now: this.now,
      },
      false,
    );
  }

  /** The output is complete (a terminal event, a stop sequence or a failure). */
  get done(): boolean {
    return this.chat.done;
  }

  /** The failure of the answer, or `null`. */
  get error(): OpenAIHttpError | null {
    return this.chat.error;
  }

  /** One backend event → the Ollama objects it completes. */
  push(event: ResponsesEvent): OllamaAnswerPart[] {
    return this.convert(this.chat.push(event));
  }

  /** End of input: an error object when the stream ended without a terminal event. */
  finish(): OllamaAnswerPart[] {
    return this.convert(this.chat.finish());
  }

  private createdAt(): string {
    return new Date(this.now()).toISOString();
  }

  private piece(content: string, thinking: string | undefined): OllamaAnswerPart {
    const created_at = this.createdAt();
    if (this.api === "generate") {
      return thinking === undefined
        ? { model: this.model, created_at, response: content, done: false }
        : { model: this.model, created_at, response: content, thinking, done: false };
    }
    return {
      model: this.model,
      created_at,
      message:
        thinking === undefined ? { role: "assistant", content } : { role: "assistant", content, thinking },
      done: false,
    };
  }

  private output(content: string, thinking: string | undefined, out: OllamaAnswerPart[]): void {
    this.firstOutputAt ??= this.now();
    out.push(this.piece(content, thinking));
  }

  private metrics(): OllamaMetrics {
    const end = this.now();
    const first = this.firstOutputAt ?? end;
    const usage = this.chat.usage;
    const ns = (ms: number) => Math.max(0, Math.round(ms * NS_PER_MS));
    return {
      total_duration: ns(end - this.startedAt),
      load_duration: 0,
      prompt_eval_count: usage?.prompt_tokens ?? 0,
      prompt_eval_duration: ns(first - this.startedAt),
      eval_count: usage?.completion_tokens ?? 0,
      eval_duration: ns(end - first),
    };
  }

  private final(reason: ChatFinishReason, out: OllamaAnswerPart[]): void {
    const calls = this.calls;
    if (calls !== null && calls.length > 0 && this.api === "chat") {
      const toolCalls: OllamaToolCall[] = calls.map((call, index) => ({
        id: call.id,
        function: { index, name: call.name, arguments: parseArguments(call.args) },
      }));
      this.firstOutputAt ??= this.now();
      out.push({
        model: this.model,
        created_at: this.createdAt(),
        message: { role: "assistant", content: "", tool_calls: toolCalls },
        done: false,
      });
    }
    const metrics = this.metrics();
    const created_at = this.createdAt();
    const done_reason = doneReason(reason);
    out.push(
      this.api === "generate"
        ? { model: this.model, created_at, response: "", done: true, done_reason, ...metrics }
        : {
            model: this.model,
            created_at,
            message: { role: "assistant", content: "" },
            done: true,
            done_reason,
            ...metrics,
          },
    );
  }

  private convert(parts: readonly ChatStreamPart[]): OllamaAnswerPart[] {
    const out: OllamaAnswerPart[] = [];
    for (const part of parts) {
      if (isChatStreamError(part)) {
        out.push({ error: part.error.message });
        continue;
      }
      for (const choice of part.choices) {
        const delta = choice.delta;
        // Ollama has no refusal field: a refusal is the answer's text.
        const text = (delta.content ?? "") + (delta.refusal ?? "");
        if (text !== "") this.output(text, undefined, out);
        if (delta.reasoning_content) this.output("", delta.reasoning_content, out);
        for (const call of delta.tool_calls ?? []) {
          this.calls ??= [];
          const known = this.calls[call.index];
          if (known) known.args += call.function.arguments;
          else {
            this.calls[call.index] = {
              id: call.id ?? "",
              name: call.function.name ?? "",
              args: call.function.arguments,
            };
          }
        }
        if (choice.finish_reason !== null) this.final(choice.finish_reason, out);
      }
    }
    return out;
  }
}
