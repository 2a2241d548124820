import type { ResponsesTool, ResponsesToolChoice } from "../responses/responses-api.js";
import type { MessagesRequest } from "./messages-request-api.js";

/** Tools, tool choice and parallelism of a Messages request in the backend's form. */
export interface ConvertedMessagesTools {
  tools: ResponsesTool[];
  toolChoice: ResponsesToolChoice | undefined;
  parallelToolCalls: boolean;
}

function convertToolChoice(choice: MessagesRequest["tool_choice"]): ResponsesToolChoice | undefined {
  if (choice === null || choice === undefined) return undefined;
  switch (choice.type) {
    case "auto":
      return "auto";
    case "any":
      return "required";
    case "tool":
      return { type: "function", name: choice.name };
    case "none":
      return "none";
    default: {
      const _exhaustive: never = choice;
      return _exhaustive;
    }
  }
}

/**
 * Converts `tools` and `tool_choice`: a custom tool (no `type`, or `custom`) becomes a flat function tool
 * (`input_schema` → `parameters`, `strict` kept, default false); an Anthropic-defined tool
 * (`web_search_20250305`, `bash_20250124`, `text_editor_…`, `computer_…`, …) has no counterpart the
 * backend runs, so it is dropped with a warning. `tool_choice` `auto` → `auto`, `any` → `required`,
 * `tool` → that function, `none` → `none`; `disable_parallel_tool_use: true` → `parallel_tool_calls:
 * false` (default true). Whether they are sent (only with tools) is `buildBackendRequest`'s rule.
 */
export function convertMessagesTools(request: MessagesRequest, warnings: string[]): ConvertedMessagesTools {
  const tools: ResponsesTool[] = [];
  for (const tool of request.tools ?? []) {
    if (tool.type && tool.type !== "custom") {
      warnings.push(
        `tool '${tool.name}' (${tool.type}) is an Anthropic-defined tool the ChatGPT backend cannot run; dropped`,
      );
      continue;
    }
    tools.push({
      type: "function",
      name: tool.name,
      ...(tool.description ? { description: tool.description } : {}),
      parameters: tool.input_schema ?? { type: "object", properties: {} },
      strict: tool.strict ?? false,
    });
  }
  const choice = request.tool_choice;
  const disableParallel = choice && choice.type !== "none" && choice.disable_parallel_tool_use === true;
  return { tools, toolChoice: convertToolChoice(choice), parallelToolCalls: !disableParallel };
}
