/** @module @cmp/instructions */
export type { GithubPromptEvent } from "./github-prompt-source.js";
export { InstructionsError, type InstructionsErrorCode } from "./instructions-error.js";
export {
  createInstructionsModeMemory,
  type InstructionsModeMemory,
  type InstructionsModeMemoryOptions,
} from "./instructions-mode-memory.js";
export {
  createInstructionsProvider,
  type InstructionsProvider,
  type InstructionsProviderOptions,
  type InstructionsSource,
  type ResolvedInstructions,
} from "./instructions-provider.js";
export { isInstructionsRejection } from "./instructions-rejection.js";
export {
  type InstructionsMode,
  type SelectedInstructions,
  type SelectInstructionsInput,
  selectInstructions,
} from "./select-instructions.js";
