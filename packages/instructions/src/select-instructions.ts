/**
 * `client`: the client's system prompt is the upstream `instructions`.
 * `codex`: the official Codex prompt is, and client system prompts travel as `developer` messages.
 */
export type InstructionsMode = "client" | "codex";

/** Input of {@link selectInstructions}. */
export interface SelectInstructionsInput {
  mode: InstructionsMode;
  /** The client's system/developer prompts, in order. */
  systemPrompts: readonly string[];
  /** The official prompt for the model (from `InstructionsProvider.getBaseInstructions`). */
  baseInstructions: string;
}

/** What to send: the `instructions` string, and where the client's system prompts go. */
export interface SelectedInstructions {
  instructions: string;
  /**
   * `instructions`: the system prompts are already in `instructions`; leave them out of `input`.
   * `developer`: put each system prompt into `input` as a `developer` message.
   */
  systemMessages: "instructions" | "developer";
}

/**
 * Chooses the upstream `instructions` for one request. In `client` mode the non-empty system prompts
 * are joined in order with blank lines, or the base instructions stand in when there are none; in
 * `codex` mode the base instructions are sent and the system prompts become developer messages.
 */
export function selectInstructions(input: SelectInstructionsInput): SelectedInstructions {
  if (input.mode === "codex") {
    return { instructions: input.baseInstructions, systemMessages: "developer" };
  }
  const prompts = input.systemPrompts.filter((prompt) => prompt.trim() !== "");
  return {
    instructions: prompts.length > 0 ? prompts.join("\n\n") : input.baseInstructions,
    systemMessages: "instructions",
  };
}
