// The deterministic reply text of the benchmark and the tag that asks the fake
// upstream for it. The words need JSON escaping or are multi-byte in UTF-8, so a
// proxy that mangles escaping or splits a UTF-8 sequence fails the reply check.

export const WORDS = [
  "Hello",
  " world",
  ",",
  ' "quoted"',
  " token",
  " ümlauts",
  " 日本語",
  " 🚀",
  ".",
  "\n",
  "Back\\slash",
  " tab\there",
  " <b>html</b>",
  " é",
  "!",
  "\n\n",
];

/** The i-th delta of reply `id`; the first carries the id, so a reply sent to the wrong request shows. */
export function deltaText(index, id) {
  const word = WORDS[index % WORDS.length];
  return index === 0 ? `<${id}>${word}` : word;
}

/** The whole reply text of `deltas` deltas. */
export function expectedText(deltas, id) {
  let text = "";
  for (let i = 0; i < deltas; i++) text += deltaText(i, id);
  return text;
}

/** The tag put in the user message; it survives any conversion and reaches the upstream request body. */
export function benchTag({ deltas, delayMs = 0, id }) {
  return `[cmp-bench deltas=${deltas} delay=${delayMs} id=${id}]`;
}

const TAG = /\[cmp-bench deltas=(\d+) delay=(\d+) id=([A-Za-z0-9_-]+)\]/;

/** Reads a tag back out of a request body; `null` when there is none. */
export function parseBenchTag(text) {
  const match = TAG.exec(text);
  if (!match) return null;
  return { deltas: Number(match[1]), delayMs: Number(match[2]), id: match[3] };
}
