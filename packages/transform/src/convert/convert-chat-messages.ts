import type { ChatMessage } from "../chat/chat-completions-api.js";
import { countLeadingSystemMessages } from "../chat/collect-system-prompts.js";
import { messageText } from "../chat/message-text.js";
import { createOrphanToolOutputNote } from "../responses/build-backend-request.js";
import type { ReasoningItem, ResponsesInputContent, ResponsesInputItem } from "../responses/responses-api.js";

/** Options of {@link convertChatMessages}. */
export interface ConvertChatMessagesOptions {
  /**
   * `instructions`: the leading system/developer messages are already the instructions and are left
   * out (later ones stay in place as `developer` items). `developer`: every one is a `developer` item.
   */
  systemMessages: "instructions" | "developer";
  /** Encrypted reasoning items to replay before the `function_call` with this call id. */
  lookupReasoningItems?: ((callId: string) => readonly ReasoningItem[] | undefined) | undefined;
}

type UserMessage = Extract<ChatMessage, { role: "user" }>;

function userContent(message: UserMessage): ResponsesInputContent[] {
  const prefix = message.name ? `${message.name}: ` : "";
  if (typeof message.content === "string") return [{ type: "input_text", text: prefix + message.content }];
  const parts: ResponsesInputContent[] = [];
  let needsPrefix = prefix !== "";
  for (const part of message.content) {
    switch (part.type) {
      case "text":
        parts.push({ type: "input_text", text: needsPrefix ? prefix + part.text : part.text });
        needsPrefix = false;
        break;
      case "image_url":
        parts.push({
          type: "input_image",
          image_url: part.image_url.url,
          detail: part.image_url.detail ?? "auto",
        });
        break;
      case "file":
        // `parseChatCompletionRequest` refuses files without inline data (no Files API here).
        if (part.file.file_data) {
          parts.push({
            type: "input_file",
            file_data: part.file.file_data,
            ...(part.file.filename ? { filename: part.file.filename } : {}),
          });
        }
        break;
      case "input_audio":
        // Refused by `parseChatCompletionRequest`: the backend takes no audio.
        break;
      default: {
        // The schema admits no other part type; a new one must be handled above.
        const _exhaustive: never = part;
        throw new Error(`unhandled user content part type ${(_exhaustive as { type: string }).type}`);
      }
    }
  }
  if (needsPrefix) parts.unshift({ type: "input_text", text: prefix.trimEnd() });
  return parts;
}

function reasoningKey(item: ReasoningItem): string {
  return item.encrypted_content ?? JSON.stringify(item.summary);
}

/**
 * Converts Chat Completions messages to backend `input` items: user text and images, assistant
 * text and `tool_calls` (→ `function_call`), `tool` results (→ `function_call_output`), legacy
 * `function_call` / `function` messages, and system/developer messages per `systemMessages` (a
 * system message after the conversation's start is always a `developer` item in its place).
 * A tool result whose call is not in the conversation becomes a plain user text note (the
 * backend would answer 400), with a warning.
 */
export function convertChatMessages(
  messages: readonly ChatMessage[],
  options: ConvertChatMessagesOptions,
  warnings: string[],
): ResponsesInputItem[] {
  const input: ResponsesInputItem[] = [];
  const knownCalls = new Set<string>();
  const replayed = new Set<string>();
  const legacyCalls: Array<{ name: string; callId: string; answered: boolean }> = [];
  const inInstructions = options.systemMessages === "instructions" ? countLeadingSystemMessages(messages) : 0;

  const pushCall = (callId: string, name: string, args: string) => {
    for (const item of options.lookupReasoningItems?.(callId) ?? []) {
      const key = reasoningKey(item);
      if (replayed.has(key)) continue;
      replayed.add(key);
      const { type, summary, encrypted_content, content } = item;
      input.push({
        type,
        summary,
        ...(encrypted_content ? { encrypted_content } : {}),
        ...(content ? { content } : {}),
      });
    }
    knownCalls.add(callId);
    input.push({ type: "function_call", call_id: callId, name, arguments: args });
  };
  const pushOutput = (callId: string, output: string, where: string) => {
    if (knownCalls.has(callId)) input.push({ type: "function_call_output", call_id: callId, output });
    else input.push(createOrphanToolOutputNote(callId, output, where, warnings));
  };

  messages.forEach((message, i) => {
    switch (message.role) {
      case "system":
      case "developer":
        if (i >= inInstructions) {
          input.push({
            type: "message",
            role: "developer",
            content: [{ type: "input_text", text: messageText(message.content) }],
          });
        }
        return;
      case "user":
        input.push({ type: "message", role: "user", content: userContent(message) });
        return;
      case "assistant": {
        const text = messageText(message.content) || message.refusal || "";
        if (text !== "") {
          input.push({ type: "message", role: "assistant", content: [{ type: "output_text", text }] });
        }
        for (const call of message.tool_calls ?? [])
          pushCall(call.id, call.function.name, call.function.arguments);
        if (message.function_call) {
          const callId = `call_legacy_${i}`;
          legacyCalls.push({ name: message.function_call.name, callId, answered: false });
          pushCall(callId, message.function_call.name, message.function_call.arguments);
        }
        return;
      }
      case "tool":
        pushOutput(message.tool_call_id, messageText(message.content), `messages[${i}]`);
        return;
      case "function": {
        const call = [...legacyCalls].reverse().find((c) => c.name === message.name && !c.answered);
        if (call) call.answered = true;
        pushOutput(call?.callId ?? `call_legacy_${message.name}`, message.content ?? "", `messages[${i}]`);
        return;
      }
      default: {
        // The schema admits no other role; a new one must be handled above.
        const _exhaustive: never = message;
        throw new Error(`unhandled message role ${(_exhaustive as { role: string }).role}`);
      }
    }
  });
  return input;
}
