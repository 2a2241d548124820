import { buildResponseEvents, type Scenario, type ScenarioRequest } from "@cmp/testkit";

const ALPHABET = ["a", "b", "c", " ", "\n", "é", "中", "😀", '"', "\\", "<", "\t", "{", "}"];

/** A small deterministic PRNG (mulberry32), so every reply can be recomputed from its request id. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The reply the fake upstream sends for one soak request: its id first, then varied text in varied deltas. */
export function replyFor(id: string): { text: string; deltas: string[] } {
  const next = random(hash(id));
  const deltas = [`<${id}>`];
  const count = 1 + Math.floor(next() * 40);
  for (let i = 0; i < count; i += 1) {
    let delta = "";
    const length = 1 + Math.floor(next() * 12);
    for (let j = 0; j < length; j += 1) delta += ALPHABET[Math.floor(next() * ALPHABET.length)]!;
    deltas.push(delta);
  }
  return { text: deltas.join(""), deltas };
}

/** The tag a soak request carries in its user message. */
export const tagFor = (id: string) => `[soak id=${id}]`;

/** Reads the soak id back from a request's last user message. */
export function idFrom(text: string): string | null {
  return /\[soak id=([\w-]+)\]/.exec(text)?.[1] ?? null;
}

/** The scenario for one upstream request: the reply for its id, or 401 when its token was revoked. */
export function soakScenario(req: ScenarioRequest, revoked: ReadonlySet<string>): Scenario {
  const token = /^Bearer\s+(\S+)/i.exec(req.headers["authorization"] ?? "")?.[1] ?? "";
  if (revoked.has(token)) {
    return {
      status: 401,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        error: { message: "token revoked", type: null, code: "token_expired", param: null },
      }),
    };
  }
  const id = idFrom(req.lastUserText) ?? "unknown";
  const reply = replyFor(id);
  return {
    events: buildResponseEvents({
      model: req.model,
      items: [{ type: "message", text: reply.text, deltas: reply.deltas }],
    }),
  };
}
