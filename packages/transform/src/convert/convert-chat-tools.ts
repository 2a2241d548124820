import type { ChatCompletionRequest } from "../chat/chat-completions-api.js";
import type { ResponsesTool, ResponsesToolChoice } from "../responses/responses-api.js";

/** Tools, tool choice and parallelism in the backend's form. */
export interface ConvertedTools {
  tools: ResponsesTool[];
  toolChoice: ResponsesToolChoice | undefined;
  parallelToolCalls: boolean;
}

type FunctionDefinition = NonNullable<ChatCompletionRequest["functions"]>[number];

function convertFunction(definition: FunctionDefinition): ResponsesTool {
  return {
    type: "function",
    name: definition.name,
    ...(definition.description ? { description: definition.description } : {}),
    parameters: definition.parameters ?? { type: "object", properties: {} },
    strict: definition.strict ?? false,
  };
}

function convertToolChoice(request: ChatCompletionRequest): ResponsesToolChoice | undefined {
  const choice = request.tool_choice;
  if (choice !== null && choice !== undefined) {
    if (typeof choice === "string") return choice;
    if (choice.type === "function") return { type: "function", name: choice.function.name };
    return {
      type: "allowed_tools",
      mode: choice.allowed_tools.mode,
      tools: choice.allowed_tools.tools.map((tool) => ({
        type: "function" as const,
        name: tool.function.name,
      })),
    };
  }
  const legacy = request.function_call;
  if (legacy === null || legacy === undefined) return undefined;
  return typeof legacy === "string" ? legacy : { type: "function", name: legacy.name };
}

/**
 * Converts `tools` (and legacy `functions`), `tool_choice` (and legacy `function_call`),
 * `parallel_tool_calls` and `web_search_options` to the backend's flat Responses forms. Whether
 * `tool_choice` and `parallel_tool_calls` are sent (only with tools) is `buildBackendRequest`'s rule.
 */
export function convertChatTools(request: ChatCompletionRequest): ConvertedTools {
  const tools: ResponsesTool[] = [];
  for (const tool of request.tools ?? []) tools.push(convertFunction(tool.function));
  for (const definition of request.functions ?? []) tools.push(convertFunction(definition));
  const search = request.web_search_options;
  if (search) {
    const location = search.user_location?.approximate;
    tools.push({
      type: "web_search",
      ...(search.search_context_size ? { search_context_size: search.search_context_size } : {}),
      ...(location
        ? {
            user_location: {
              type: "approximate" as const,
              ...(location.city ? { city: location.city } : {}),
              ...(location.country ? { country: location.country } : {}),
              ...(location.region ? { region: location.region } : {}),
              ...(location.timezone ? { timezone: location.timezone } : {}),
            },
          }
        : {}),
    });
  }
  // A legacy `functions` answer carries one `function_call`, so ask for one call only.
  const parallel = usesLegacyFunctions(request) ? false : (request.parallel_tool_calls ?? true);
  return { tools, toolChoice: convertToolChoice(request), parallelToolCalls: parallel };
}

/**
 * True when the request uses the legacy `functions` parameter and no `tools`: OpenAI then answers
 * with `message.function_call` / `delta.function_call` and `finish_reason: "function_call"`. Pass
 * the result as the mapper's `legacyFunctionCall` option.
 */
export function usesLegacyFunctions(request: Pick<ChatCompletionRequest, "functions" | "tools">): boolean {
  return (request.functions?.length ?? 0) > 0 && (request.tools?.length ?? 0) === 0;
}
