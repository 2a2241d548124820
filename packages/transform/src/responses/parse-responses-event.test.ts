import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseResponsesEvent, responsesEventSchemas } from "./responses-api.js";

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

// ---- the hand checks against the zod schemas ------------------------------------------------------

/** Values of every JSON type (and the non-finite numbers a hand check could get wrong). */
const junk = fc.oneof(
  fc.constant(null),
  fc.string({ maxLength: 4 }),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(-1, -0, 0.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY),
  fc.constant([]),
  fc.constant({}),
);
/** A well-formed value most of the time, anything else (or null) otherwise; absent via `requiredKeys`. */
const maybe = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: good, weight: 3 }, { arbitrary: junk, weight: 1 });
const optional = { requiredKeys: [] as never[] };

const str = fc.string({ maxLength: 4 });
const num = fc.oneof(fc.integer(), fc.double());
const index = fc.oneof(fc.nat(10), fc.constantFrom(-1, 0.5, 2 ** 53));
const anyItem = fc.record({ type: maybe(str), id: maybe(str), content: maybe(fc.array(junk)) }, optional);
const usage = fc.record(
  {
    input_tokens: maybe(num),
    input_tokens_details: maybe(fc.record({ cached_tokens: maybe(num) }, optional)),
    output_tokens: maybe(num),
    output_tokens_details: maybe(fc.record({ reasoning_tokens: maybe(num) }, optional)),
    total_tokens: maybe(num),
  },
  optional,
);
const upstreamError = fc.record(
  {
    code: maybe(fc.oneof(str, num)),
    message: maybe(str),
    type: maybe(str),
    param: maybe(str),
    plan_type: maybe(str),
    resets_at: maybe(num),
    resets_in_seconds: maybe(num),
  },
  optional,
);
const anyResponse = fc.record(
  {
    id: maybe(str),
    status: maybe(str),
    model: maybe(str),
    created_at: maybe(num),
    output: maybe(fc.array(maybe(anyItem), { maxLength: 3 })),
    usage: maybe(usage),
    incomplete_details: maybe(fc.record({ reason: maybe(str) }, optional)),
    error: maybe(upstreamError),
  },
  optional,
);

const events = {
  lifecycle: fc.record(
    {
      type: fc.constantFrom(
        "response.created",
        "response.in_progress",
        "response.completed",
        "response.incomplete",
      ),
      response: maybe(anyResponse),
    },
    { requiredKeys: ["type"] },
  ),
  item: fc.record(
    {
      type: fc.constantFrom("response.output_item.added", "response.output_item.done"),
      output_index: maybe(index),
      item: maybe(anyItem),
    },
    { requiredKeys: ["type"] },
  ),
  "output_text.done": fc.record(
    {
      type: fc.constant("response.output_text.done"),
      text: maybe(str),
      item_id: maybe(str),
      output_index: maybe(index),
    },
    { requiredKeys: ["type"] },
  ),
  delta: fc.record(
    {
      type: fc.constantFrom(
        "response.output_text.delta",
        "response.function_call_arguments.delta",
        "response.reasoning_summary_text.delta",
      ),
      delta: maybe(str),
      item_id: maybe(str),
      output_index: maybe(index),
      content_index: maybe(index),
      summary_index: maybe(index),
    },
    { requiredKeys: ["type"] },
  ),
};

describe("parseResponsesEvent's hand checks", () => {
  it.each(Object.entries(events))(
    "accept and refuse the same generated %s events as the zod schemas",
    (_kind, arbitrary) => {
      fc.assert(
        fc.property(arbitrary, (event) => {
          const schema = responsesEventSchemas[event.type];
          const byZod = schema.safeParse(event).success;
          const result = parseResponsesEvent(event);
          // The fast paths hand the input back as is; the zod fallback returns a parsed copy.
          const byHand = result.ok && result.event === event;
          expect(byHand).toBe(byZod);
          expect(result.ok).toBe(byZod);
        }),
        { numRuns: 1500 },
      );
    },
  );
});
