/**
 * The longest SSE line accepted from the backend (16 MiB). The SSE parser buffers a line until its end,
 * so a backend (or a broken proxy in front of it) that never sends a line end would grow memory without
 * limit; the longest real line, one `response.completed` carrying the whole answer, is far smaller.
 */
export const MAX_SSE_LINE_BYTES = 16 * 1024 * 1024;

const LF = 10;
const CR = 13;

/**
 * How many bytes of the current, unfinished line are buffered after `chunk`, given `previous` before it.
 * When the chunk holds a line feed, the bytes after the last one are an upper bound (a later CR only
 * shortens the line), so the common case reads only the chunk's tail; a chunk without one is searched
 * once more for a lone CR, the other SSE line end.
 */
export function trailingLineBytes(previous: number, chunk: Uint8Array): number {
  let end = chunk.lastIndexOf(LF);
  if (end === -1) end = chunk.lastIndexOf(CR);
  return end === -1 ? previous + chunk.byteLength : chunk.byteLength - end - 1;
}
