import { startFakeCodexServer } from "@cmp/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type CodexAuthProvider, createCodexClient } from "./codex-client.js";
import { CodexClientError } from "./codex-client-error.js";
import { CodexHttpError } from "./codex-http-error.js";
import { startTinyUpstream } from "./testing/tiny-upstream.js";

const closers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c.close()));
});

function fakeAuth(): CodexAuthProvider & { refreshes: number } {
  const auth = {
    refreshes: 0,
    getAuth: async () => ({ accessToken: `tok-${auth.refreshes}`, accountId: "acc_test" }),
    refreshAfterUnauthorized: async () => {
      auth.refreshes++;
      return { accessToken: `tok-${auth.refreshes}`, accountId: "acc_test" };
    },
  };
  return auth;
}

function client(baseUrl: string, auth: CodexAuthProvider = fakeAuth()) {
  const c = createCodexClient({
    baseUrl,
    clientVersion: "0.154.0",
    auth,
    userAgent: "cmp/test",
    originator: "chatgpt_max_proxy",
    sleep: async () => {},
  });
  closers.push(c);
  return c;
}

const body = {
  model: "gpt-5.4",
  instructions: "You are terse.",
  input: [
    { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] },
    { type: "compaction_trigger" },
  ],
  prompt_cache_key: "pck-1",
};

describe("CodexClient.compact", () => {
  it("posts to /responses/compact with the client's headers and returns the one compaction item", async () => {
    const codex = await startFakeCodexServer();
    closers.push(codex);
    const result = await client(codex.baseUrl).compact(body, { sessionId: "pck-1" });
    expect(result.status).toBe(200);
    expect(result.output).toEqual([
      { type: "compaction", encrypted_content: expect.stringMatching(/^gAAAAAB/) },
    ]);
    expect(result.quota?.primary?.usedPercent).toBe(42.5);
    expect(result.accountId).toBe("acc_test");
    const recorded = codex.requests.at(-1);
    expect(recorded?.path).toBe("/backend-api/codex/responses/compact");
    expect(recorded?.headers).toMatchObject({
      authorization: "Bearer tok-0",
      "chatgpt-account-id": "acc_test",
      originator: "chatgpt_max_proxy",
      accept: "application/json",
    });
    expect(recorded?.body).toEqual(body);
  });

  it("refreshes once after a 401 and retries a 5xx, like createResponse", async () => {
    let calls = 0;
    const upstream = await startTinyUpstream((req, res) => {
      calls++;
      if (calls === 1) {
        res.writeHead(401, { "content-type": "application/json" }).end('{"detail":"expired"}');
      } else if (calls === 2) {
        res.writeHead(502, { "content-type": "application/json" }).end('{"detail":"bad gateway"}');
      } else {
        expect(req.headers.authorization).toBe("Bearer tok-1");
        res
          .writeHead(200, { "content-type": "application/json" })
          .end('{"output":[{"type":"compaction","encrypted_content":"x"}]}');
      }
    });
    closers.push(upstream);
    const auth = fakeAuth();
    const result = await client(upstream.baseUrl, auth).compact(body);
    expect(result.attempts).toBe(3);
    expect(auth.refreshes).toBe(1);
  });

  it("rejects a backend error with CodexHttpError and a body that is not a compaction with a typed error", async () => {
    const upstream = await startTinyUpstream((_req, res) => {
      res
        .writeHead(400, { "content-type": "application/json" })
        .end('{"detail":"Unsupported parameter: stream"}');
    });
    closers.push(upstream);
    const error = await client(upstream.baseUrl)
      .compact({ ...body, stream: true })
      .catch((e: unknown) => e);
    expect(CodexHttpError.isInstance(error) && error.status).toBe(400);

    const html = await startTinyUpstream((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" }).end("<html>not json</html>");
    });
    closers.push(html);
    const notJson = await client(html.baseUrl)
      .compact(body)
      .catch((e: unknown) => e);
    expect(CodexClientError.isInstance(notJson) && notJson.code).toBe("upstream_stream_error");
  });
});
