/** Input items that answer a tool call. */
const TOOL_OUTPUT_TYPES: ReadonlySet<string> = new Set([
  "function_call_output",
  "custom_tool_call_output",
  "local_shell_call_output",
  "mcp_tool_call_output",
]);

/**
 * Whether a backend `input` continues the current turn: its last item is a tool output, so the request
 * is the next step of a tool loop. A request ending in anything else (a new user message) starts a new
 * turn. The server replays the backend's `x-codex-turn-state` only within a turn.
 */
export function continuesTurn(input: readonly unknown[]): boolean {
  const last = input[input.length - 1];
  if (typeof last !== "object" || last === null) return false;
  const type = (last as { type?: unknown }).type;
  return typeof type === "string" && TOOL_OUTPUT_TYPES.has(type);
}
