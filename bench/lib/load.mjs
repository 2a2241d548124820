// The load driver: keeps `concurrency` requests in flight for a while over keep-alive
// loopback connections, checks every reply against the text the fake upstream sent,
// and records latency, time to first byte and to first content, and content chunks.
import http from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { benchTag, expectedText } from "./bench-text.mjs";

const SYSTEM_PROMPT = "You are a benchmark fixture. Repeat the words you are given.";

function chatBody({ model, stream, tag }) {
  return JSON.stringify({
    model,
    stream,
    messages: [
      { role: "system", content: SYSTEM_PROMPT },
      { role: "user", content: `Reply with the benchmark text. ${tag}` },
    ],
  });
}

// What a minimal client of the backend sends: the same conversation as a Responses request.
function responsesBody({ model, tag }) {
  return JSON.stringify({
    model,
    instructions: SYSTEM_PROMPT,
    input: [
      {
        type: "message",
        role: "user",
        content: [{ type: "input_text", text: `Reply with the benchmark text. ${tag}` }],
      },
    ],
    tools: [],
    tool_choice: "auto",
    parallel_tool_calls: false,
    store: false,
    stream: true,
    include: [],
  });
}

// The same conversation as an Anthropic Messages request (Claude Code, the Anthropic SDKs).
function messagesBody({ model, stream, tag }) {
  return JSON.stringify({
    model,
    stream,
    max_tokens: 4096,
    system: SYSTEM_PROMPT,
    messages: [{ role: "user", content: `Reply with the benchmark text. ${tag}` }],
  });
}

/** Splits SSE text into `data:` payloads, keeping an unfinished line for the next chunk. */
function createSseSplitter(onData) {
  let carry = "";
  let data = "";
  const line = (raw) => {
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (text === "") {
      if (data !== "") onData(data);
      data = "";
    } else if (text.startsWith("data:")) {
      const value = text.charCodeAt(5) === 32 ? text.slice(6) : text.slice(5);
      data = data === "" ? value : `${data}\n${value}`;
    }
  };
  return {
    push(chunk) {
      const text = carry + chunk;
      let start = 0;
      let end = text.indexOf("\n", start);
      while (end !== -1) {
        line(text.slice(start, end));
        start = end + 1;
        end = text.indexOf("\n", start);
      }
      carry = text.slice(start);
    },
    end() {
      if (carry !== "") line(carry);
      line("");
    },
  };
}

/** Reads one reply; resolves to `{ text, chunks, firstContentAt, done }` or throws a tagged error. */
function readReply(res, { api, stream, readBytesPerS }) {
  const readStart = performance.now();
  let received = 0;
  return new Promise((resolve, reject) => {
    res.setEncoding("utf8");
    let text = "";
    let chunks = 0;
    let firstContentAt = null;
    let done = false;
    let bad = null;
    let raw = "";
    const content = (piece) => {
      if (typeof piece !== "string" || piece === "") return;
      if (firstContentAt === null) firstContentAt = performance.now();
      text += piece;
      chunks++;
    };
    const onData = (data) => {
      if (api === "chat" && data === "[DONE]") {
        done = true;
        return;
      }
      let event;
      try {
        event = JSON.parse(data);
      } catch {
        bad ??= `unparsable SSE data: ${data.slice(0, 200)}`;
        return;
      }
      if (api === "chat") {
        if (event.error) bad ??= `error event: ${JSON.stringify(event.error).slice(0, 200)}`;
        else content(event.choices?.[0]?.delta?.content);
      } else if (api === "messages") {
        if (event.type === "content_block_delta" && event.delta?.type === "text_delta")
          content(event.delta.text);
        else if (event.type === "message_stop") done = true;
        else if (event.type === "error") bad ??= `error event: ${JSON.stringify(event.error).slice(0, 200)}`;
      } else if (event.type === "response.output_text.delta") content(event.delta);
      else if (event.type === "response.completed") done = true;
      else if (event.type === "response.failed" || event.type === "error") bad ??= `upstream ${event.type}`;
    };
    const sse = api === "responses" || stream ? createSseSplitter(onData) : null;
    res.on("data", (chunk) => {
      if (sse) sse.push(chunk);
      else raw += chunk;
      // A slow client reads at most `readBytesPerS`: when ahead of that pace it stops reading for a
      // while, so the proxy must slow its upstream read rather than buffer the reply.
      if (readBytesPerS > 0) {
        received += chunk.length;
        const aheadMs = (received * 1000) / readBytesPerS - (performance.now() - readStart);
        if (aheadMs > 5) {
          res.pause();
          setTimeout(() => res.resume(), aheadMs);
        }
      }
    });
    res.on("error", reject);
    res.on("aborted", () => reject(Object.assign(new Error("reply cut short"), { kind: "network" })));
    res.on("end", () => {
      if (sse) sse.end();
      else {
        try {
          const body = JSON.parse(raw);
          if (api === "messages")
            content((body.content ?? []).map((block) => (block.type === "text" ? block.text : "")).join(""));
          else content(body.choices?.[0]?.message?.content);
          done = true;
        } catch {
          bad ??= `unparsable body: ${raw.slice(0, 200)}`;
        }
      }
      if (bad) reject(Object.assign(new Error(bad), { kind: "badReply" }));
      else resolve({ text, chunks, firstContentAt, done });
    });
  });
}

function postOnce({ agent, url, headers, body, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", agent, headers }, resolve);
    req.setTimeout(timeoutMs, () =>
      req.destroy(Object.assign(new Error("request timeout"), { kind: "timeout" })),
    );
    req.on("error", reject);
    req.end(body);
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const k = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Number(sorted[k].toFixed(3));
}

/**
 * Runs one measurement against a target and returns its figures.
 * `target` is `{ api: "chat" | "responses" | "messages", url, headers }`; `scenario` is
 * `{ stream, deltas, delayMs, concurrency, readBytesPerS, ratePerS }`. With `ratePerS` the requests are
 * paced (started at that rate, at most `concurrency` at once) instead of sent back to back: every target
 * then serves the same load, so its CPU per request is not bent by how fast it is.
 */
export async function runLoad({ target, scenario, durationS, model = "gpt-5", timeoutS = 60, idPrefix }) {
  const { stream, deltas, delayMs = 0, concurrency, readBytesPerS = 0, ratePerS = 0 } = scenario;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(target.url);
  const headers = {
    "content-type": "application/json",
    accept: stream || target.api === "responses" ? "text/event-stream" : "application/json",
    ...target.headers,
  };
  const latency = [];
  const ttfb = [];
  const ttfc = [];
  const errors = { http: 0, network: 0, timeout: 0, badReply: 0, badText: 0, noDone: 0 };
  const samples = [];
  const note = (kind, detail) => {
    errors[kind] = (errors[kind] ?? 0) + 1;
    if (samples.length < 5) samples.push(`${kind}: ${String(detail).slice(0, 300)}`);
  };
  let seq = 0;
  let completed = 0;
  let chunks = 0;
  const t0 = performance.now();
  const deadline = t0 + durationS * 1000;
  let tEnd = t0;

  async function one() {
    const id = `${idPrefix}${(seq++).toString(36)}`;
    const tag = benchTag({ deltas, delayMs, id });
    const body =
      target.api === "chat"
        ? chatBody({ model, stream, tag })
        : target.api === "messages"
          ? messagesBody({ model, stream, tag })
          : responsesBody({ model, tag });
    const started = performance.now();
    try {
      const res = await postOnce({
        agent,
        url,
        headers: { ...headers, "content-length": Buffer.byteLength(body) },
        body,
        timeoutMs: timeoutS * 1000,
      });
      const headAt = performance.now();
      if (res.statusCode !== 200) {
        let text = "";
        res.setEncoding("utf8");
        for await (const piece of res) text += piece;
        note("http", `${res.statusCode} ${text}`);
        return;
      }
      const reply = await readReply(res, { api: target.api, stream, readBytesPerS });
      const doneAt = performance.now();
      const want = expectedText(deltas, id);
      if (reply.text !== want) {
        note(
          "badText",
          `want ${JSON.stringify(want).slice(0, 60)}… got ${JSON.stringify(reply.text).slice(0, 60)}…`,
        );
        return;
      }
      if (!reply.done) {
        note("noDone", "the reply ended without its final event");
        return;
      }
      completed++;
      chunks += reply.chunks;
      latency.push(doneAt - started);
      ttfb.push(headAt - started);
      if (reply.firstContentAt !== null) ttfc.push(reply.firstContentAt - started);
      tEnd = doneAt;
    } catch (error) {
      note(error?.kind ?? "network", error?.code ?? error?.message ?? error);
    }
  }

  // Paced: the next request starts at the next free slot of the schedule; a slot missed because every
  // connection was busy is not made up (the load stays at or under the rate, never in bursts).
  const interval = ratePerS > 0 ? 1000 / ratePerS : 0;
  let nextSlot = t0;
  async function worker() {
    while (performance.now() < deadline) {
      if (interval > 0) {
        const slot = Math.max(nextSlot, performance.now());
        nextSlot = slot + interval;
        const wait = slot - performance.now();
        if (wait > 0) await sleep(wait);
        if (performance.now() >= deadline) break;
      }
      await one();
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = Math.max(tEnd, performance.now()) - t0;
  agent.destroy();
  for (const list of [latency, ttfb, ttfc]) list.sort((a, b) => a - b);
  const summary = (list) => ({
    p50: percentile(list, 50),
    p90: percentile(list, 90),
    p99: percentile(list, 99),
  });
  return {
    requests: seq,
    completed,
    errors: Object.values(errors).reduce((a, b) => a + b, 0),
    errorKinds: errors,
    errorSamples: samples,
    wallMs: Math.round(wallMs),
    rps: Number(((completed * 1000) / wallMs).toFixed(1)),
    latencyMs: summary(latency),
    ttfbMs: summary(ttfb),
    ttfcMs: stream ? summary(ttfc) : null,
    chunksPerS: Math.round((chunks * 1000) / wallMs),
  };
}
