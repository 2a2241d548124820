// Runs the test kit's fake upstream (auth + Codex backend) in a worker thread, so it has an
// event loop of its own beside the load driver. Replies are chosen by the benchmark tag in
// the last user message: N text deltas (see bench-text.mjs), optionally paced.
import { parentPort, workerData } from "node:worker_threads";
import { deltaText, parseBenchTag } from "./bench-text.mjs";

const { startFakeAuthServer, startFakeCodexServer, startFakeUpstream } = await import(workerData.testkitUrl);

const ITEM_ID = "msg_bench_0";
const at = { item_id: ITEM_ID, output_index: 0, content_index: 0 };
const part = (text) => ({ type: "output_text", annotations: [], logprobs: [], text });

function response(id, model, status, usage) {
  return {
    id,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status,
    background: false,
    error: null,
    incomplete_details: null,
    model,
    output: [],
    parallel_tool_calls: false,
    store: false,
    tool_choice: "auto",
    usage,
  };
}

// The deltas after the first do not depend on the request: built once per count.
const restCache = new Map();
function restDeltas(deltas) {
  let rest = restCache.get(deltas);
  if (!rest) {
    rest = [];
    for (let i = 1; i < deltas; i++) {
      rest.push({
        type: "response.output_text.delta",
        sequence_number: 4 + i,
        ...at,
        delta: deltaText(i, ""),
        logprobs: [],
      });
    }
    restCache.set(deltas, rest);
  }
  return rest;
}

let calls = 0;

/** The scripted reply to one tagged request: the Codex event sequence of one text message. */
function benchScenario(request) {
  calls++;
  const tag = parseBenchTag(request.lastUserText);
  if (!tag) return "text";
  const id = `resp_${tag.id}`;
  let text = "";
  for (let i = 0; i < tag.deltas; i++) text += deltaText(i, tag.id);
  const usage = {
    input_tokens: 40,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: tag.deltas,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 40 + tag.deltas,
  };
  const item = { id: ITEM_ID, type: "message", role: "assistant" };
  const rest = restDeltas(tag.deltas);
  let seq = 4 + tag.deltas;
  const events = [
    {
      type: "response.created",
      sequence_number: 0,
      response: response(id, request.model, "in_progress", null),
    },
    {
      type: "response.in_progress",
      sequence_number: 1,
      response: response(id, request.model, "in_progress", null),
    },
    {
      type: "response.output_item.added",
      sequence_number: 2,
      output_index: 0,
      item: { ...item, status: "in_progress", content: [] },
    },
    { type: "response.content_part.added", sequence_number: 3, ...at, part: part("") },
    {
      type: "response.output_text.delta",
      sequence_number: 4,
      ...at,
      delta: deltaText(0, tag.id),
      logprobs: [],
    },
    ...rest,
    { type: "response.output_text.done", sequence_number: seq++, ...at, text, logprobs: [] },
    { type: "response.content_part.done", sequence_number: seq++, ...at, part: part(text) },
    {
      type: "response.output_item.done",
      sequence_number: seq++,
      output_index: 0,
      item: { ...item, status: "completed", content: [part(text)] },
    },
    {
      type: "response.completed",
      sequence_number: seq++,
      response: response(id, request.model, "completed", usage),
    },
  ];
  return { name: "bench", events, eventDelayMs: tag.delayMs };
}

// By default the fake backend accepts any bearer: its RS256 check of every token was a fifth of its
// CPU, which would hide the proxy's own costs. `verifyTokens` uses startFakeUpstream as it is.
async function startUpstream() {
  if (workerData.verifyTokens) return startFakeUpstream();
  const auth = await startFakeAuthServer();
  const codex = await startFakeCodexServer();
  return { auth, codex, close: () => Promise.all([auth.close(), codex.close()]) };
}

const upstream = await startUpstream();
upstream.codex.setScenario(benchScenario);
const tokens = await upstream.auth.issueTokens();

parentPort.on("message", async (message) => {
  if (message.type === "stats") {
    // The fakes record every request; drop them between measurements to keep this worker small.
    if (Array.isArray(upstream.codex.requests)) upstream.codex.requests.length = 0;
    if (Array.isArray(upstream.auth.requests)) upstream.auth.requests.length = 0;
    parentPort.postMessage({ type: "stats", calls });
  } else if (message.type === "close") {
    await upstream.close();
    parentPort.postMessage({ type: "closed" });
  }
});

parentPort.postMessage({
  type: "ready",
  issuer: upstream.auth.issuer,
  codexBaseUrl: upstream.codex.baseUrl,
  tokens,
});
