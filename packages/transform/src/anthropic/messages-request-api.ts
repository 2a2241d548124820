import { z } from "zod";

// The Anthropic Messages API request, as `POST /v1/messages` takes it. Objects are loose: fields this
// proxy does not read (`cache_control`, `citations`, `allowed_callers`, …) pass validation and are ignored.
// @see https://docs.anthropic.com/en/api/messages

const textBlockSchema = z.looseObject({ type: z.literal("text"), text: z.string() });

const imageSourceSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("base64"), media_type: z.string().min(1), data: z.string() }),
  z.looseObject({ type: z.literal("url"), url: z.string().min(1) }),
  z.looseObject({ type: z.literal("file"), file_id: z.string() }),
]);

const imageBlockSchema = z.looseObject({ type: z.literal("image"), source: imageSourceSchema });

const documentSourceSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("base64"), media_type: z.string().min(1), data: z.string() }),
  z.looseObject({ type: z.literal("text"), media_type: z.string().nullish(), data: z.string() }),
  z.looseObject({
    type: z.literal("content"),
    content: z.union([z.string(), z.array(z.union([textBlockSchema, imageBlockSchema]))]),
  }),
  z.looseObject({ type: z.literal("url"), url: z.string().min(1) }),
  z.looseObject({ type: z.literal("file"), file_id: z.string() }),
]);

const documentBlockSchema = z.looseObject({
  type: z.literal("document"),
  source: documentSourceSchema,
  title: z.string().nullish(),
  context: z.string().nullish(),
});

const searchResultBlockSchema = z.looseObject({
  type: z.literal("search_result"),
  source: z.string(),
  title: z.string(),
  content: z.array(textBlockSchema),
});

/** A block type this proxy does not convert (server tool results, container uploads, …): dropped with a warning. */
const otherBlockSchema = z.looseObject({ type: z.string().min(1) });

const toolResultContentSchema = z.union([
  z.string(),
  z.array(
    z.union([
      z.discriminatedUnion("type", [
        textBlockSchema,
        imageBlockSchema,
        documentBlockSchema,
        searchResultBlockSchema,
      ]),
      otherBlockSchema,
    ]),
  ),
]);

const knownBlockSchema = z.discriminatedUnion("type", [
  textBlockSchema,
  imageBlockSchema,
  documentBlockSchema,
  searchResultBlockSchema,
  z.looseObject({
    type: z.literal("tool_use"),
    id: z.string().min(1),
    name: z.string().min(1),
    input: z.unknown(),
  }),
  z.looseObject({
    type: z.literal("tool_result"),
    tool_use_id: z.string().min(1),
    content: toolResultContentSchema.nullish(),
    is_error: z.boolean().nullish(),
  }),
  z.looseObject({ type: z.literal("thinking"), thinking: z.string(), signature: z.string() }),
  z.looseObject({ type: z.literal("redacted_thinking"), data: z.string() }),
]);

const KNOWN_BLOCK_TYPES: ReadonlySet<string> = new Set([
  "text",
  "image",
  "document",
  "search_result",
  "tool_use",
  "tool_result",
  "thinking",
  "redacted_thinking",
]);

// A known type must match its own shape; only unknown types fall through to `otherBlockSchema`.
const contentBlockSchema = z.union([
  knownBlockSchema,
  otherBlockSchema.refine((block) => !KNOWN_BLOCK_TYPES.has(block.type), {
    message: "the content block does not match its type's shape",
  }),
]);

const messageParamSchema = z.looseObject({
  role: z.enum(["user", "assistant"]),
  content: z.union([z.string(), z.array(contentBlockSchema)]),
});

const toolSchema = z
  .looseObject({
    name: z.string().min(1),
    /** Absent or `custom` for a client tool; an Anthropic-defined tool (`web_search_20250305`, …) otherwise. */
    type: z.string().nullish(),
    description: z.string().nullish(),
    input_schema: z.record(z.string(), z.unknown()).nullish(),
    strict: z.boolean().nullish(),
  })
  .superRefine((tool, ctx) => {
    const custom = tool.type === null || tool.type === undefined || tool.type === "custom";
    if (custom && (tool.input_schema === null || tool.input_schema === undefined)) {
      ctx.addIssue({ code: "invalid_type", expected: "object", path: ["input_schema"], input: undefined });
    }
  });

const withParallel = { disable_parallel_tool_use: z.boolean().nullish() };

const toolChoiceSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("auto"), ...withParallel }),
  z.looseObject({ type: z.literal("any"), ...withParallel }),
  z.looseObject({ type: z.literal("tool"), name: z.string().min(1), ...withParallel }),
  z.looseObject({ type: z.literal("none") }),
]);

const thinkingSchema = z.discriminatedUnion("type", [
  z.looseObject({
    type: z.literal("enabled"),
    budget_tokens: z.number().int().min(1),
    display: z.enum(["summarized", "omitted"]).nullish(),
  }),
  z.looseObject({ type: z.literal("adaptive"), display: z.enum(["summarized", "omitted"]).nullish() }),
  z.looseObject({ type: z.literal("disabled") }),
]);

const requestShape = {
  model: z.string().min(1),
  messages: z.array(messageParamSchema).min(1),
  system: z.union([z.string(), z.array(textBlockSchema)]).nullish(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).nullish(),
  stop_sequences: z.array(z.string()).nullish(),
  stream: z.boolean().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_k: z.number().int().min(0).nullish(),
  thinking: thinkingSchema.nullish(),
  tools: z.array(toolSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  output_config: z
    .looseObject({
      effort: z.enum(["low", "medium", "high", "xhigh", "max"]).nullish(),
      format: z
        .looseObject({ type: z.literal("json_schema"), schema: z.record(z.string(), z.unknown()) })
        .nullish(),
    })
    .nullish(),
  /** `fast` is the backend's priority tier where the model offers it. */
  speed: z.enum(["standard", "fast"]).nullish(),
  service_tier: z.string().nullish(),
};

/** `POST /v1/messages`: `max_tokens` is required, as Anthropic requires it. */
export const messagesRequestSchema = z.looseObject({
  ...requestShape,
  max_tokens: z.number().int().min(1),
});

/** `POST /v1/messages/count_tokens`: the same body without `max_tokens`. */
export const messagesCountTokensRequestSchema = z.looseObject({
  ...requestShape,
  max_tokens: z.number().int().min(1).nullish(),
});

/** A validated Messages API request (`max_tokens` is optional only for `count_tokens`). */
export type MessagesRequest = z.infer<typeof messagesCountTokensRequestSchema>;
/** One message of {@link MessagesRequest}. */
export type MessagesMessage = MessagesRequest["messages"][number];
/** One content block of a message given as an array. */
export type MessagesContentBlock = Exclude<MessagesMessage["content"], string>[number];
/** A content block of a type this module converts. */
export type KnownMessagesContentBlock = z.infer<typeof knownBlockSchema>;
/** The content of a `tool_result` block. */
export type MessagesToolResultContent = z.infer<typeof toolResultContentSchema>;
/** A `tools` entry. */
export type MessagesTool = NonNullable<MessagesRequest["tools"]>[number];
/** The `thinking` setting. */
export type MessagesThinking = NonNullable<MessagesRequest["thinking"]>;

/** True when `block` is one of the block types this module converts. */
export function isKnownBlock(block: MessagesContentBlock): block is KnownMessagesContentBlock {
  return KNOWN_BLOCK_TYPES.has(block.type);
}

/**
 * Top-level fields of a Messages request that the proxy knows (read, or dropped with a specific
 * warning); any other field is reported as an unknown parameter.
 */
export const knownMessagesRequestKeys: ReadonlySet<string> = new Set([
  ...Object.keys(requestShape),
  "max_tokens",
  // Anthropic features the backend has no counterpart for: dropped, with a warning each.
  "cache_control",
  "container",
  "context_management",
  "mcp_servers",
  "inference_geo",
  "diagnostics",
]);
