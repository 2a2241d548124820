import { z } from "zod";

const nullableNumber = (min: number, max: number) => z.number().min(min).max(max).nullish();
const positiveInt = z.number().int().min(1).nullish();

const DATA_URL = /^data:([a-z]+\/[a-z0-9.+-]+)?(;[a-z0-9-]+=[^;,]*)*;base64,[A-Za-z0-9+/=\s]*$/i;

/** True when `url` is an http(s) URL or a base64 image data URL. */
export function isValidImageUrl(url: string): boolean {
  if (url.startsWith("data:")) {
    const comma = url.indexOf(",");
    // Only the header is matched by the regex; the payload is checked cheaply below.
    if (comma < 0 || !DATA_URL.test(`${url.slice(0, comma)},`)) return false;
    return url.length > comma + 1 && /^[A-Za-z0-9+/=\s]+$/.test(url.slice(comma + 1));
  }
  if (!/^https?:\/\//i.test(url)) return false;
  try {
    return new URL(url).hostname.length > 0;
  } catch {
    return false;
  }
}

const textPartSchema = z.object({ type: z.literal("text"), text: z.string() });

const imageUrlSchema = z
  .object({ url: z.string(), detail: z.enum(["auto", "low", "high"]).nullish() })
  .superRefine((value, ctx) => {
    if (!isValidImageUrl(value.url)) {
      ctx.addIssue({
        code: "custom",
        message:
          "expected an http(s) URL or a base64 data URL such as 'data:image/png;base64,...', but got an invalid URL",
      });
    }
  });

const userContentPartSchema = z.discriminatedUnion("type", [
  textPartSchema,
  z.object({ type: z.literal("image_url"), image_url: imageUrlSchema }),
  z.object({
    type: z.literal("input_audio"),
    input_audio: z.object({ data: z.string(), format: z.string() }),
  }),
  z.object({
    type: z.literal("file"),
    file: z.object({
      file_data: z.string().nullish(),
      file_id: z.string().nullish(),
      filename: z.string().nullish(),
    }),
  }),
]);

const assistantContentPartSchema = z.discriminatedUnion("type", [
  textPartSchema,
  z.object({ type: z.literal("refusal"), refusal: z.string() }),
]);

const textContentSchema = z.union([z.string(), z.array(textPartSchema)]);

const toolCallSchema = z.object({
  id: z.string().min(1),
  type: z.literal("function").nullish(),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

const nameSchema = z.string().nullish();

/** One Chat Completions message (`messages[i]`), by role. */
const chatMessageSchema = z.discriminatedUnion("role", [
  z.object({ role: z.literal("system"), content: textContentSchema, name: nameSchema }),
  z.object({ role: z.literal("developer"), content: textContentSchema, name: nameSchema }),
  z.object({
    role: z.literal("user"),
    content: z.union([z.string(), z.array(userContentPartSchema)]),
    name: nameSchema,
  }),
  z.object({
    role: z.literal("assistant"),
    content: z.union([z.string(), z.array(assistantContentPartSchema)]).nullish(),
    refusal: z.string().nullish(),
    name: nameSchema,
    tool_calls: z.array(toolCallSchema).nullish(),
    function_call: z.object({ name: z.string().min(1), arguments: z.string() }).nullish(),
  }),
  z.object({ role: z.literal("tool"), content: textContentSchema, tool_call_id: z.string().min(1) }),
  z.object({ role: z.literal("function"), content: z.string().nullish(), name: z.string().min(1) }),
]);

const functionDefinitionSchema = z.object({
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

const namedFunctionSchema = z.object({
  type: z.literal("function"),
  function: z.object({ name: z.string() }),
});

const toolChoiceSchema = z.union([
  z.enum(["none", "auto", "required"]),
  namedFunctionSchema,
  z.object({
    type: z.literal("allowed_tools"),
    allowed_tools: z.object({ mode: z.enum(["auto", "required"]), tools: z.array(namedFunctionSchema) }),
  }),
]);

const responseFormatSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    json_schema: z.object({
      name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "expected 1-64 letters, digits, '_' or '-'"),
      description: z.string().nullish(),
      schema: z.record(z.string(), z.unknown()).nullish(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

/**
 * Wire schema of a Chat Completions request body, as OpenAI validates it. Fields the backend
 * cannot take are still validated here (types and ranges), then dropped by the converter.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export const chatCompletionRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(chatMessageSchema).min(1),
  stream: z.boolean().nullish(),
  stream_options: z
    .object({ include_usage: z.boolean().nullish(), include_obfuscation: z.boolean().nullish() })
    .nullish(),
  n: z.number().int().min(1).max(128).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  tools: z.array(z.object({ type: z.literal("function"), function: functionDefinitionSchema })).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  functions: z.array(functionDefinitionSchema).nullish(),
  function_call: z.union([z.enum(["none", "auto"]), z.object({ name: z.string().min(1) })]).nullish(),
  reasoning_effort: z.string().nullish(),
  verbosity: z.enum(["low", "medium", "high"]).nullish(),
  response_format: responseFormatSchema.nullish(),
  web_search_options: z
    .object({
      search_context_size: z.enum(["low", "medium", "high"]).nullish(),
      user_location: z
        .object({
          type: z.literal("approximate"),
          approximate: z.object({
            city: z.string().nullish(),
            country: z.string().nullish(),
            region: z.string().nullish(),
            timezone: z.string().nullish(),
          }),
        })
        .nullish(),
    })
    .nullish(),
  prompt_cache_key: z.string().nullish(),
  service_tier: z.enum(["auto", "default", "flex", "scale", "priority"]).nullish(),
  // Validated, then dropped: the backend rejects or ignores them.
  temperature: nullableNumber(0, 2),
  top_p: nullableNumber(0, 1),
  max_tokens: positiveInt,
  max_completion_tokens: positiveInt,
  seed: z.number().int().nullish(),
  user: z.string().nullish(),
  safety_identifier: z.string().nullish(),
  prompt_cache_retention: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  logit_bias: z.record(z.string(), z.number().min(-100).max(100)).nullish(),
  presence_penalty: nullableNumber(-2, 2),
  frequency_penalty: nullableNumber(-2, 2),
  store: z.boolean().nullish(),
  prediction: z
    .object({ type: z.literal("content"), content: z.union([z.string(), z.array(textPartSchema)]) })
    .nullish(),
  // Refused when set: the backend cannot honour them.
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  modalities: z.array(z.enum(["text", "audio"])).nullish(),
  audio: z.record(z.string(), z.unknown()).nullish(),
});

/** A validated Chat Completions request. */
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
/** One validated message of {@link ChatCompletionRequest}. */
export type ChatMessage = z.infer<typeof chatMessageSchema>;
/** Keys of {@link ChatCompletionRequest}; anything else in a body is dropped with a warning. */
export const knownChatRequestKeys: ReadonlySet<string> = new Set(
  Object.keys(chatCompletionRequestSchema.shape),
);
