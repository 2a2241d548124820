/**
 * How this product names itself to OpenAI: the `originator` of the authorize URL and of every backend
 * request, and the first word of its `User-Agent`. Honest identification, never another client's name.
 */
export const DEFAULT_ORIGINATOR = "chatgpt_max_proxy";
