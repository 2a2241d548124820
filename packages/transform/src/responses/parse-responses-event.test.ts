import { describe, expect, it } from "vitest";
import { parseResponsesEvent } from "./responses-api.js";

const response = {
  id: "resp_1",
  object: "response",
  created_at: 1,
  status: "completed",
  background: false,
  error: null,
  incomplete_details: null,
  model: "gpt-5.4",
  output: [{ id: "msg_1", type: "message", content: [] }],
  usage: {
    input_tokens: 5,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 2,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 7,
  },
  metadata: {},
};
const item = {
  id: "msg_1",
  type: "message",
  status: "completed",
  content: [{ type: "output_text", text: "hi" }],
};

const valid = [
  {
    type: "response.created",
    sequence_number: 0,
    response: { ...response, status: "in_progress", usage: null },
  },
  { type: "response.in_progress", response: { id: "resp_1" } },
  { type: "response.completed", response },
  {
    type: "response.incomplete",
    response: { ...response, incomplete_details: { reason: "max_output_tokens" } },
  },
  { type: "response.completed", response: { ...response, error: { code: 429, message: "x", resets_at: 5 } } },
  { type: "response.output_item.added", output_index: 0, item },
  { type: "response.output_item.done", item: { type: "function_call", call_id: "c" } },
  { type: "response.output_text.done", item_id: "msg_1", output_index: 0, text: "hi", logprobs: [] },
];

const invalid = [
  { type: "response.created" },
  { type: "response.created", response: [] },
  { type: "response.completed", response: { ...response, id: 5 } },
  { type: "response.completed", response: { ...response, created_at: "1" } },
  { type: "response.completed", response: { ...response, output: [{ id: "x" }] } },
  { type: "response.completed", response: { ...response, output: {} } },
  { type: "response.completed", response: { ...response, usage: { input_tokens: "5" } } },
  {
    type: "response.completed",
    response: { ...response, usage: { input_tokens_details: { cached_tokens: "0" } } },
  },
  { type: "response.incomplete", response: { ...response, incomplete_details: { reason: 1 } } },
  { type: "response.completed", response: { ...response, error: { code: true } } },
  { type: "response.output_item.added", output_index: -1, item },
  { type: "response.output_item.added", output_index: 0.5, item },
  { type: "response.output_item.done", item: { id: "msg_1" } },
  { type: "response.output_item.done", item: null },
  { type: "response.output_text.done", text: 3 },
  { type: "response.output_text.done", text: "hi", item_id: 7 },
];

describe("parseResponsesEvent on lifecycle and item events", () => {
  it("accepts well-formed events with every field kept", () => {
    for (const event of valid) {
      const result = parseResponsesEvent(structuredClone(event));
      expect(result).toEqual({ ok: true, event });
    }
  });

  it("reports malformed ones as invalid", () => {
    for (const event of invalid) {
      expect(parseResponsesEvent(structuredClone(event))).toMatchObject({ ok: false, reason: "invalid" });
    }
  });
});
