import fc from "fast-check";

/** Model names: real slugs, aliases with effort suffixes and prefixes, unknown and hostile names. */
export const modelArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom("gpt-5.4", "gpt-5.5", "gpt-5.4-mini", "gpt-5.6-sol", "gpt-5.3-codex-spark"),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "gpt-5.4-high",
      "gpt-5.5:xhigh",
      "openai/gpt-5.4",
      "GPT-5.4",
      "gpt-5.4_low",
      "gpt-5.4-ultra",
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "",
      " ",
      "gpt-4o",
      "__proto__",
      "constructor",
      "../../etc/passwd",
      "gpt\u00005.4",
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
);

/** Text: ordinary, any Unicode (lone surrogates included), with NUL and control bytes, or markup. */
export const textArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 60 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "\u0000",
      "a\u0000b",
      "\ud800",
      "\udfff\ud800",
      "\u2028\u2029",
      "</script><script>alert(1)</script>",
      "data: [DONE]\n\n",
      "event: error\ndata: {}\n\n",
      "\r\n\r\nHTTP/1.1 200 OK\r\n",
      "{{instructions}}",
      "$" + "{process.env.HOME}",
    ),
  },
);

const sizes = [16 * 1024, 256 * 1024, 1024 * 1024] as const;
/** A long string (16 KiB to 1 MiB). */
export const hugeTextArb: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...sizes), fc.constantFrom("a", "é", "😀", "\u0000", " "))
  .map(([size, unit]) => unit.repeat(Math.ceil(size / unit.length)));

/** Image URLs, valid and not. */
export const imageUrlArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "https://example.com/cat.png",
    "data:image/png;base64,iVBORw0KGgo=",
    "data:image/png;base64,!!!not-base64!!!",
    "data:;base64,",
    "data:text/html,<script>alert(1)</script>",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "http://",
    "http://169.254.169.254/latest/meta-data/",
    "ftp://example.com/a.png",
    "",
    "\u0000",
    "https://exa mple.com/",
  ),
  fc.webUrl(),
  fc.string({ maxLength: 30 }),
);

const contentPartArb = fc.oneof(
  fc.record({ type: fc.constant("text"), text: textArb }),
  fc.record({
    type: fc.constant("image_url"),
    image_url: fc.record(
      { url: imageUrlArb, detail: fc.constantFrom("auto", "low", "high", "ultra") },
      { requiredKeys: ["url"] },
    ),
  }),
  fc.record({ type: fc.constantFrom("input_audio", "file", "video", ""), text: textArb }),
);

const toolCallArb = fc.record({
  id: fc.oneof(fc.constantFrom("call_1", "call_2"), fc.string({ maxLength: 12 })),
  type: fc.constant("function"),
  function: fc.record({
    name: fc.constantFrom("get_weather", "run", ""),
    arguments: fc.oneof(fc.json(), textArb),
  }),
});

/** One Chat Completions message of any role, mostly well-formed. */
export const chatMessageArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      role: fc.constant("user"),
      content: fc.oneof(textArb, fc.array(contentPartArb, { maxLength: 4 })),
    }),
  },
  { weight: 2, arbitrary: fc.record({ role: fc.constantFrom("system", "developer"), content: textArb }) },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        role: fc.constant("assistant"),
        content: fc.option(textArb),
        tool_calls: fc.array(toolCallArb, { maxLength: 3 }),
      },
      { requiredKeys: ["role"] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      role: fc.constant("tool"),
      tool_call_id: fc.constantFrom("call_1", "call_9", ""),
      content: textArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ role: fc.constantFrom("function", "robot", ""), content: textArb, name: textArb }),
  },
);

const schemaArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant({ type: "object", properties: { location: { type: "string" } }, required: ["location"] }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A Chat Completions function tool (sometimes malformed). */
export const chatToolArb: fc.Arbitrary<Record<string, unknown>> = fc.record({
  type: fc.constantFrom("function", "function", "function", "web_search", ""),
  function: fc.record(
    {
      name: fc.oneof(fc.constantFrom("get_weather", "lookup", "a-b_c"), textArb),
      description: textArb,
      parameters: schemaArb,
      strict: fc.boolean(),
    },
    { requiredKeys: ["name"] },
  ),
});

/** A Chat Completions request body, mostly valid, with optional parameters of right and wrong types. */
export const chatBodyArb: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    model: modelArb,
    messages: fc.array(chatMessageArb, { minLength: 1, maxLength: 6 }),
    stream: fc.boolean(),
    stream_options: fc.record({ include_usage: fc.boolean() }),
    tools: fc.array(chatToolArb, { maxLength: 3 }),
    tool_choice: fc.oneof(
      fc.constantFrom("auto", "none", "required", "sometimes"),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    reasoning_effort: fc.constantFrom("low", "medium", "high", "xhigh", "minimal", "none", "max", "bogus"),
    temperature: fc.oneof(fc.double(), fc.constant("hot")),
    max_tokens: fc.oneof(fc.integer(), fc.constant(null)),
    n: fc.integer({ min: -1, max: 3 }),
    stop: fc.oneof(textArb, fc.array(textArb, { maxLength: 6 })),
    response_format: fc.oneof(
      fc.constant({ type: "json_object" }),
      fc.record({
        type: fc.constant("json_schema"),
        json_schema: fc.record({ name: textArb, schema: schemaArb }),
      }),
    ),
    user: textArb,
    metadata: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  },
  { requiredKeys: ["model", "messages"] },
);

const responsesItemArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ role: fc.constantFrom("user", "system", "developer", "assistant"), content: textArb }),
  fc.record({
    type: fc.constant("message"),
    role: fc.constantFrom("user", "assistant"),
    content: fc.array(
      fc.oneof(
        fc.record({ type: fc.constantFrom("input_text", "output_text"), text: textArb }),
        fc.record({ type: fc.constant("input_image"), image_url: imageUrlArb }),
      ),
      { maxLength: 3 },
    ),
  }),
  fc.record({
    type: fc.constant("function_call"),
    call_id: fc.constantFrom("call_1", "x"),
    name: textArb,
    arguments: textArb,
  }),
  fc.record({
    type: fc.constant("function_call_output"),
    call_id: fc.constantFrom("call_1", "orphan"),
    output: textArb,
  }),
  fc.record({ type: fc.constantFrom("item_reference", "reasoning", "mystery"), id: textArb }),
);

/** A Responses API request body, mostly valid. */
export const responsesBodyArb: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    model: modelArb,
    input: fc.oneof(textArb, fc.array(responsesItemArb, { minLength: 1, maxLength: 5 })),
    instructions: textArb,
    stream: fc.boolean(),
    store: fc.boolean(),
    tools: fc.array(
      fc.oneof(
        fc.record({ type: fc.constant("function"), name: textArb, parameters: schemaArb }),
        fc.record({ type: fc.constantFrom("web_search", "local_shell", "image_generation", "nope") }),
      ),
      { maxLength: 3 },
    ),
    reasoning: fc.record({
      effort: fc.constantFrom("low", "high", "bogus"),
      summary: fc.constantFrom("auto", "none"),
    }),
    previous_response_id: textArb,
    max_output_tokens: fc.oneof(fc.integer(), fc.constant("many")),
    temperature: fc.double(),
    text: fc.record({ verbosity: fc.constantFrom("low", "high", "loud") }),
  },
  { requiredKeys: ["model", "input"] },
);
