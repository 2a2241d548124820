import { createOrphanToolOutputNote } from "../responses/build-backend-request.js";
import type { ReasoningItem, ResponsesInputContent, ResponsesInputItem } from "../responses/responses-api.js";
import {
  isKnownBlock,
  type KnownMessagesContentBlock,
  type MessagesContentBlock,
  type MessagesMessage,
  type MessagesToolResultContent,
} from "./messages-request-api.js";
import { decodeThinkingSignature } from "./thinking-signature.js";

/**
 * A backend input item of a Messages request: the chat path's items, plus a tool output made of content
 * parts (a tool result with images or documents), which the backend takes as the Codex CLI sends them.
 */
export type MessagesInputItem =
  | ResponsesInputItem
  | { type: "function_call_output"; call_id: string; output: ResponsesInputContent[] };

/** Options of {@link convertMessagesContent}. */
export interface ConvertMessagesContentOptions {
  /**
   * Whether reasoning may be replayed: the encrypted reasoning in the thinking blocks' signatures and
   * `lookupReasoningItems`. False for the one resend after the backend refused replayed reasoning.
   */
  replayReasoning: boolean;
  /** Reasoning items the server kept for a tool call id (answers that carried no thinking blocks). */
  lookupReasoningItems?: ((callId: string) => readonly ReasoningItem[] | undefined) | undefined;
}

/** What {@link convertMessagesContent} made. */
export interface ConvertedMessages {
  input: MessagesInputItem[];
  /** The input holds encrypted reasoning (from signatures or the server's cache). */
  replayedReasoning: boolean;
}

type Block<T extends KnownMessagesContentBlock["type"]> = Extract<KnownMessagesContentBlock, { type: T }>;

const dataUrl = (mediaType: string, data: string) => `data:${mediaType};base64,${data}`;

function imagePart(block: Block<"image">): ResponsesInputContent {
  const source = block.source;
  // `file` sources are refused by `parseMessagesRequest`; a URL is passed on for the backend to fetch.
  const url =
    source.type === "base64"
      ? dataUrl(source.media_type, source.data)
      : source.type === "url"
        ? source.url
        : "";
  return { type: "input_image", image_url: url, detail: "auto" };
}

function heading(title: string | null | undefined, context: string | null | undefined): string {
  return [title, context]
    .filter((line): line is string => typeof line === "string" && line !== "")
    .join("\n");
}

function withHeading(head: string, text: string): string {
  return head === "" ? text : `${head}\n\n${text}`;
}

function documentParts(block: Block<"document">): ResponsesInputContent[] {
  const source = block.source;
  const head = heading(block.title, block.context);
  switch (source.type) {
    case "base64": {
      const part: ResponsesInputContent = {
        type: "input_file",
        file_data: dataUrl(source.media_type, source.data),
        filename: block.title || (source.media_type === "application/pdf" ? "document.pdf" : "document"),
      };
      return block.context ? [{ type: "input_text", text: withHeading(head, "") }, part] : [part];
    }
    case "text":
      return [{ type: "input_text", text: withHeading(head, source.data) }];
    case "content": {
      if (typeof source.content === "string")
        return [{ type: "input_text", text: withHeading(head, source.content) }];
      const parts: ResponsesInputContent[] = head === "" ? [] : [{ type: "input_text", text: head }];
      for (const inner of source.content) {
        parts.push(inner.type === "text" ? { type: "input_text", text: inner.text } : imagePart(inner));
      }
      return parts;
    }
    default:
      // `url` and `file` sources are refused by `parseMessagesRequest`.
      return [];
  }
}

function searchResultText(block: Block<"search_result">): string {
  return withHeading(`${block.title} (${block.source})`, block.content.map((part) => part.text).join("\n"));
}

/** A user-side block as backend content parts; `null` for a block that has no place there. */
function userParts(block: KnownMessagesContentBlock): ResponsesInputContent[] | null {
  switch (block.type) {
    case "text":
      return block.text === "" ? [] : [{ type: "input_text", text: block.text }];
    case "image":
      return [imagePart(block)];
    case "document":
      return documentParts(block);
    case "search_result":
      return [{ type: "input_text", text: searchResultText(block) }];
    default:
      return null;
  }
}

/** A tool result's content: a string when it is only text, else content parts. */
function toolOutput(
  content: MessagesToolResultContent | null | undefined,
  isError: boolean,
  where: string,
  warnings: string[],
): string | ResponsesInputContent[] {
  const prefix = isError ? "Error: " : "";
  if (content === null || content === undefined) return isError ? "Error" : "";
  if (typeof content === "string") return prefix + content;
  const parts: ResponsesInputContent[] = [];
  content.forEach((block: MessagesContentBlock, k) => {
    const converted = isKnownBlock(block) ? userParts(block) : null;
    if (converted === null)
      warnings.push(
        `${where}.content.${k}: a '${block.type}' block in a tool result is not supported; dropped`,
      );
    else parts.push(...converted);
  });
  if (parts.every((part) => part.type === "input_text")) {
    return prefix + parts.map((part) => (part.type === "input_text" ? part.text : "")).join("\n");
  }
  return isError ? [{ type: "input_text", text: "Error:" }, ...parts] : parts;
}

const outputText = (output: string | ResponsesInputContent[]): string =>
  typeof output === "string"
    ? output
    : output.map((part) => (part.type === "input_text" ? part.text : `[${part.type}]`)).join("\n");

/**
 * Converts Messages API `messages` to backend `input` items, keeping their order:
 * - user text, images (base64 → data URL, URL as is), documents (base64 PDF → `input_file`, text and
 *   content documents → text, with their title and context), search results → one user message per run
 *   of blocks;
 * - `tool_result` (string or block content, `is_error` → an `Error: ` prefix) → `function_call_output`, or
 *   a user text note when its `tool_use` is not in the conversation (the backend would answer 400);
 * - assistant text → an assistant message; `tool_use` → `function_call` (arguments = the JSON of `input`);
 * - `thinking` blocks this proxy signed → the `reasoning` item their signature carries, in place;
 *   thinking blocks signed elsewhere and `redacted_thinking` → dropped with a warning;
 * - a `tool_use` with no thinking block before it in its message → the reasoning items the server kept
 *   for its id (`lookupReasoningItems`), as the chat path replays them.
 * Block types without a counterpart (server tool results, …) are dropped with a warning.
 */
export function convertMessagesContent(
  messages: readonly MessagesMessage[],
  options: ConvertMessagesContentOptions,
  warnings: string[],
): ConvertedMessages {
  const input: MessagesInputItem[] = [];
  const knownCalls = new Set<string>();
  const replayed = new Set<string>();
  let replayedReasoning = false;
  let foreignThinking = false;

  const pushReasoning = (item: ReasoningItem) => {
    const key = item.encrypted_content ?? "";
    if (key === "" || replayed.has(key)) return;
    replayed.add(key);
    replayedReasoning = true;
    input.push({ type: "reasoning", summary: item.summary, encrypted_content: key });
  };

  messages.forEach((message, i) => {
    const where = `messages.${i}`;
    if (typeof message.content === "string") {
      const content: ResponsesInputContent[] =
        message.role === "user"
          ? [{ type: "input_text", text: message.content }]
          : [{ type: "output_text", text: message.content }];
      input.push({ type: "message", role: message.role, content });
      return;
    }
    if (message.role === "user") convertUser(message.content, where);
    else convertAssistant(message.content, where);
  });

  function convertUser(blocks: readonly MessagesContentBlock[], where: string): void {
    let parts: ResponsesInputContent[] = [];
    const flush = () => {
      if (parts.length > 0) input.push({ type: "message", role: "user", content: parts });
      parts = [];
    };
    blocks.forEach((block, j) => {
      const at = `${where}.content.${j}`;
      if (!isKnownBlock(block)) {
        warnings.push(`${at}: a '${block.type}' block is not supported by the ChatGPT backend; dropped`);
        return;
      }
      if (block.type === "tool_result") {
        flush();
        const output = toolOutput(block.content, block.is_error === true, at, warnings);
        if (knownCalls.has(block.tool_use_id)) {
          input.push(
            typeof output === "string"
              ? { type: "function_call_output", call_id: block.tool_use_id, output }
              : { type: "function_call_output", call_id: block.tool_use_id, output },
          );
        } else input.push(createOrphanToolOutputNote(block.tool_use_id, outputText(output), at, warnings));
        return;
      }
      const converted = userParts(block);
      if (converted === null)
        warnings.push(`${at}: a '${block.type}' block in a user message is not supported; dropped`);
      else parts.push(...converted);
    });
    flush();
  }

  function convertAssistant(blocks: readonly MessagesContentBlock[], where: string): void {
    let text = "";
    let thought = false;
    const flush = () => {
      if (text !== "")
        input.push({ type: "message", role: "assistant", content: [{ type: "output_text", text }] });
      text = "";
    };
    blocks.forEach((block, j) => {
      const at = `${where}.content.${j}`;
      if (!isKnownBlock(block)) {
        warnings.push(`${at}: a '${block.type}' block is not supported by the ChatGPT backend; dropped`);
        return;
      }
      switch (block.type) {
        case "text":
          text += block.text;
          return;
        case "thinking": {
          flush();
          thought = true;
          const encrypted = decodeThinkingSignature(block.signature);
          if (encrypted === null) {
            foreignThinking = true;
            return;
          }
          if (!options.replayReasoning) return;
          const summary =
            block.thinking === "" ? [] : [{ type: "summary_text" as const, text: block.thinking }];
          pushReasoning({ type: "reasoning", summary, encrypted_content: encrypted });
          return;
        }
        case "redacted_thinking":
          foreignThinking = true;
          return;
        case "tool_use": {
          flush();
          if (!thought && options.replayReasoning) {
            for (const item of options.lookupReasoningItems?.(block.id) ?? []) pushReasoning(item);
          }
          knownCalls.add(block.id);
          input.push({
            type: "function_call",
            call_id: block.id,
            name: block.name,
            arguments: JSON.stringify(block.input ?? {}),
          });
          return;
        }
        default:
          warnings.push(`${at}: a '${block.type}' block in an assistant message is not supported; dropped`);
      }
    });
    flush();
  }

  if (foreignThinking) {
    warnings.push(
      "thinking blocks not signed by this proxy (from another provider, or redacted) cannot be replayed to the ChatGPT backend; dropped",
    );
  }
  return { input, replayedReasoning };
}
