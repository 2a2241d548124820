// The Messages API's answer shapes, as this proxy writes them.
// @see https://docs.anthropic.com/en/api/messages
// @see https://docs.anthropic.com/en/docs/build-with-claude/streaming

/** Token usage of a message. `input_tokens` excludes the tokens read from the prompt cache, as Anthropic counts. */
export interface MessagesUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** Why the message ended. */
export type MessagesStopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "refusal";

/** A content block of an answer. */
export type MessagesOutputBlock =
  | { type: "text"; text: string; citations?: null }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "tool_use"; id: string; name: string; input: unknown };

/** The `message` object: the non-streaming answer, and the (empty) start of a streamed one. */
export interface MessagesMessageObject {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: MessagesOutputBlock[];
  stop_reason: MessagesStopReason | null;
  stop_sequence: string | null;
  usage: MessagesUsage;
}

/** A `content_block_delta`'s `delta`. */
export type MessagesBlockDelta =
  | { type: "text_delta"; text: string }
  | { type: "input_json_delta"; partial_json: string }
  | { type: "thinking_delta"; thinking: string }
  | { type: "signature_delta"; signature: string };

/** Anthropic's error body: `{"type":"error","error":{"type","message"}}`. */
export interface MessagesErrorBody {
  type: "error";
  error: { type: string; message: string };
}

/** One event of a Messages stream, in the order Anthropic sends them; each is framed as `event: <type>`. */
export type MessagesStreamEvent =
  | { type: "message_start"; message: MessagesMessageObject }
  | { type: "ping" }
  | { type: "content_block_start"; index: number; content_block: MessagesOutputBlock }
  | { type: "content_block_delta"; index: number; delta: MessagesBlockDelta }
  | { type: "content_block_stop"; index: number }
  | {
      type: "message_delta";
      delta: { stop_reason: MessagesStopReason; stop_sequence: string | null };
      usage: MessagesUsage;
    }
  | { type: "message_stop" }
  | MessagesErrorBody;
