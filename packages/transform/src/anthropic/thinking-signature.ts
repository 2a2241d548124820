/**
 * A thinking block's `signature` carries the backend's encrypted reasoning (`encrypted_content`), so a
 * client that sends the block back on its next turn (as Anthropic requires during a tool loop) gives the
 * backend its reasoning item again. The prefix tells our signatures from Anthropic's own: a block signed
 * by Anthropic (a conversation that started there) cannot be replayed here and is dropped.
 */
const SIGNATURE_PREFIX = "cmp1.";

/** The `signature` of a thinking block for the backend's encrypted reasoning. */
export function encodeThinkingSignature(encryptedContent: string): string {
  return SIGNATURE_PREFIX + encryptedContent;
}

/** The encrypted reasoning in a thinking block's `signature`, or `null` when this proxy did not sign it. */
export function decodeThinkingSignature(signature: string): string | null {
  if (!signature.startsWith(SIGNATURE_PREFIX)) return null;
  const encrypted = signature.slice(SIGNATURE_PREFIX.length);
  return encrypted === "" ? null : encrypted;
}
