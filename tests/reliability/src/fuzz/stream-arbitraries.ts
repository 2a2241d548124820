import fc from "fast-check";

/** A backend stream event as JSON. */
export type BackendEvent = { type: string } & Record<string, unknown>;

/** One output item of a generated backend response. */
export type ItemSpec =
  | { type: "message"; deltas: string[] }
  | { type: "reasoning"; deltas: string[] }
  | { type: "function_call"; name: string; deltas: string[] };

/** How a generated backend response ends. */
export type EndSpec = "completed" | "incomplete" | "failed" | "error" | "none";

/** A generated backend response: items and an ending. */
export interface StreamSpec {
  items: ItemSpec[];
  end: EndSpec;
}

const deltaArb = fc.oneof(
  { weight: 8, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 6 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("\n\n", "data: x\n\n", "\r\n", "</think>", "é😀中", "\u0000", "[DONE]"),
  },
);

const itemArb: fc.Arbitrary<ItemSpec> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant("message" as const),
      deltas: fc.array(deltaArb, { maxLength: 12 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("reasoning" as const),
      deltas: fc.array(deltaArb, { maxLength: 6 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant("function_call" as const),
      name: fc.constantFrom("get_weather", "run_shell", "x"),
      deltas: fc.array(deltaArb, { maxLength: 6 }),
    }),
  },
);

/** A well-formed backend response of 0–4 items with any ending. */
export const streamSpecArb: fc.Arbitrary<StreamSpec> = fc.record({
  items: fc.array(itemArb, { maxLength: 4 }),
  end: fc.constantFrom<EndSpec>(
    "completed",
    "completed",
    "completed",
    "incomplete",
    "failed",
    "error",
    "none",
  ),
});

/** Builds the backend events of a spec, in the order and with the ids the real backend uses. */
export function buildEvents(spec: StreamSpec, responseId = "resp_fuzz"): BackendEvent[] {
  const events: BackendEvent[] = [];
  const response = (status: string, extra: Record<string, unknown> = {}) => ({
    id: responseId,
    status,
    model: "gpt-5.4",
    output: [],
    ...extra,
  });
  events.push({ type: "response.created", response: response("in_progress") });
  spec.items.forEach((item, index) => {
    const at = { output_index: index };
    if (item.type === "message") {
      const id = `msg_${index}`;
      const text = item.deltas.join("");
      events.push({
        type: "response.output_item.added",
        ...at,
        item: { id, type: "message", role: "assistant", content: [] },
      });
      for (const delta of item.deltas)
        events.push({ type: "response.output_text.delta", ...at, item_id: id, content_index: 0, delta });
      events.push({ type: "response.output_text.done", ...at, item_id: id, content_index: 0, text });
      events.push({
        type: "response.output_item.done",
        ...at,
        item: { id, type: "message", role: "assistant", content: [{ type: "output_text", text }] },
      });
    } else if (item.type === "reasoning") {
      const id = `rs_${index}`;
      events.push({
        type: "response.output_item.added",
        ...at,
        item: { id, type: "reasoning", summary: [] },
      });
      events.push({ type: "response.reasoning_summary_part.added", ...at, item_id: id, summary_index: 0 });
      for (const delta of item.deltas)
        events.push({
          type: "response.reasoning_summary_text.delta",
          ...at,
          item_id: id,
          summary_index: 0,
          delta,
        });
      const text = item.deltas.join("");
      events.push({
        type: "response.output_item.done",
        ...at,
        item: {
          id,
          type: "reasoning",
          summary: [{ type: "summary_text", text }],
          encrypted_content: `enc_${index}`,
        },
      });
    } else {
      const id = `fc_${index}`;
      const callId = `call_${index}`;
      const args = item.deltas.join("");
      events.push({
        type: "response.output_item.added",
        ...at,
        item: { id, type: "function_call", call_id: callId, name: item.name, arguments: "" },
      });
      for (const delta of item.deltas)
        events.push({ type: "response.function_call_arguments.delta", ...at, item_id: id, delta });
      events.push({ type: "response.function_call_arguments.done", ...at, item_id: id, arguments: args });
      events.push({
        type: "response.output_item.done",
        ...at,
        item: { id, type: "function_call", call_id: callId, name: item.name, arguments: args },
      });
    }
  });
  const usage = {
    input_tokens: 10,
    input_tokens_details: null,
    output_tokens: 5,
    output_tokens_details: null,
    total_tokens: 15,
  };
  switch (spec.end) {
    case "completed":
      events.push({ type: "response.completed", response: response("completed", { usage }) });
      break;
    case "incomplete":
      events.push({
        type: "response.incomplete",
        response: response("incomplete", { usage, incomplete_details: { reason: "max_output_tokens" } }),
      });
      break;
    case "failed":
      events.push({
        type: "response.failed",
        response: response("failed", { error: { code: "server_error", message: "boom" } }),
      });
      break;
    case "error":
      events.push({
        type: "error",
        code: null,
        message: "Our servers are currently overloaded.",
        param: null,
      });
      break;
    case "none":
      break;
  }
  return events;
}

/** The text a chat client should see for a spec (message deltas, in order). */
export function expectedText(spec: StreamSpec): string {
  return spec.items.flatMap((item) => (item.type === "message" ? item.deltas : [])).join("");
}

/** SSE framing of one event: `event:` + `data:` lines, LF or CRLF line ends. */
export function frame(event: BackendEvent, crlf = false): string {
  const nl = crlf ? "\r\n" : "\n";
  return `event: ${event.type}${nl}data: ${JSON.stringify(event)}${nl}${nl}`;
}

/** Garbage frames the parser must skip without losing the events around them. */
export const garbageFrameArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc
    .constantFrom(
      "data: {not json\n\n",
      "data: [DONE]\n\n",
      ": keep-alive comment\n\n",
      "event: ping\n\n",
      "retry: 10\n\n",
      "id: 42\n\n",
      "garbage line without a colon\n\n",
      'data: {"type":"response.mystery_event","x":1}\n\n',
      'data: {"type":"codex.rate_limits","rate_limits":{}}\n\n',
      'data: {"type":"response.output_text.delta"}\n\n',
      'data: {"type":"response.output_text.delta","delta":42}\n\n',
      'data: {"type":"response.completed","response":"nope"}\n\n',
      'data: {"type":"error","code":{"x":1}}\n\n',
      "data: 123\n\n",
      "data: null\n\n",
      'data: "str"\n\n',
      "data:\n\n",
      `data: ${"x".repeat(100_000)}\n\n`,
      "\n\n\n\n",
    )
    .map((text) => new TextEncoder().encode(text)),
  fc
    .uint8Array({ maxLength: 64 })
    .map((bytes) => Uint8Array.from([...bytes].filter((b) => b !== 0x0a && b !== 0x0d && b !== 0x3a)))
    .map((bytes) => Uint8Array.from([0x78, ...bytes, 0x0a, 0x0a])),
);

/**
 * Cuts SSE text at the given offsets, taken modulo `length + 1`, for the fake backend's raw (string)
 * steps. A cut inside a surrogate pair moves one code unit back: the fake writes each piece as UTF-8,
 * and half a pair would arrive as U+FFFD instead of the character. Byte-level cuts, inside multi-byte
 * characters, are `@cmp/testkit`'s `splitAt` on the parser side. Empty pieces are dropped.
 */
export function splitText(text: string, cuts: readonly number[]): string[] {
  const points = cuts.map((c) => {
    const at = c % (text.length + 1);
    const splitsPair = /[\uD800-\uDBFF]/.test(text.charAt(at - 1)) && /[\uDC00-\uDFFF]/.test(text.charAt(at));
    return splitsPair ? at - 1 : at;
  });
  const sorted = [...new Set(points)].sort((a, b) => a - b);
  return [0, ...sorted]
    .map((from, i) => text.slice(from, sorted[i] ?? text.length))
    .filter((piece) => piece !== "");
}
