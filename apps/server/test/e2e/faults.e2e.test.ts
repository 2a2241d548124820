import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import type { ServerProcess } from "@cmp/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { createEnvironment, type Environment, runBuiltServer, startBuiltServer } from "./e2e-environment.js";

let environment: Environment | undefined;
let server: ServerProcess | undefined;
afterEach(async () => {
  await server?.stop();
  await environment?.cleanup();
  server = undefined;
  environment = undefined;
});

async function start(
  options: { login?: boolean; accessTokenTtlSeconds?: number; env?: Record<string, string> } = {},
) {
  environment = await createEnvironment(options);
  server = await startBuiltServer({ ...environment.env, ...options.env });
  return { env: environment, srv: server };
}

const chat = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

const hello = { model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] };

function rawGet(url: string, path: string, host: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, headers: { host } }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => {
        body += d.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("faults, end to end", () => {
  it("usage limit: 429 with Retry-After and the reset time", async () => {
    const { env, srv } = await start();
    env.upstream.codex.setScenario("usage-limit");
    const res = await chat(srv.url, hello);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("usage_limit_reached");
  });

  it("an expired token is refreshed once and the request succeeds", async () => {
    const { env, srv } = await start({ accessTokenTtlSeconds: 2 });
    // Past the token's expiry: a refresh is due whatever the lead (at most half the lifetime) says.
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    const res = await chat(srv.url, hello);
    expect(res.status).toBe(200);
    expect(env.upstream.auth.counters.refresh).toBe(1);
    expect((await chat(srv.url, hello)).status).toBe(200);
    expect(env.upstream.auth.counters.refresh).toBe(1);
  });

  it("an upstream 401 leads to one refresh and one replay", async () => {
    const { env, srv } = await start();
    let first = true;
    env.upstream.codex.setScenario(() => {
      if (!first) return "text";
      first = false;
      return {
        status: 401,
        body: '{"detail":"Unauthorized"}',
        headers: { "content-type": "application/json" },
      };
    });
    const res = await chat(srv.url, hello);
    expect(res.status).toBe(200);
    expect(env.upstream.auth.counters.refresh).toBe(1);
  });

  it("a reused refresh token gives 401 reauth_required telling the user to log in again", async () => {
    environment = await createEnvironment({ login: false });
    const { tokens } = await environment.upstream.loginInto(environment.home, { accessTokenTtlSeconds: 1 });
    const used = await fetch(`${environment.upstream.auth.issuer}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        grant_type: "refresh_token",
        refresh_token: tokens.refresh_token,
        client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
      }),
    });
    expect(used.status).toBe(200);
    // Let the 1 s access token expire: while it is still valid the server rightly keeps serving with it.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    server = await startBuiltServer(environment.env);
    const res = await chat(server.url, hello);
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("reauth_required");
    expect(body.error.message).toContain("cmp-server login");
    expect(JSON.stringify(body)).not.toContain(tokens.refresh_token);
    expect(server.stderr()).not.toContain(tokens.refresh_token);
    expect(server.stderr()).not.toContain(tokens.access_token);
  });

  it("not logged in: 401 not_logged_in", async () => {
    const { srv } = await start({ login: false });
    const res = await chat(srv.url, hello);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_logged_in");
  });

  it("an upstream cut mid-stream ends with an error event, not a clean stop", async () => {
    const { env, srv } = await start();
    env.upstream.codex.setScenario("reset");
    const res = await chat(srv.url, { ...hello, stream: true });
    const text = await res.text();
    expect(text).toMatch(/data: \{"error":/);
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(text).not.toContain('"finish_reason":"stop"');
  });

  it("a client that disconnects closes the upstream request within a second", async () => {
    const { env, srv } = await start();
    env.upstream.codex.setScenario("stall");
    const { hostname, port } = new URL(srv.url);
    const req = httpRequest({
      hostname,
      port,
      path: "/v1/chat/completions",
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    req.on("error", () => {});
    req.end(JSON.stringify({ ...hello, stream: true }));
    const responsesIndex = () => env.upstream.codex.requests.findIndex((r) => r.path.endsWith("/responses"));
    await expect.poll(responsesIndex, { timeout: 5000 }).toBeGreaterThanOrEqual(0);
    const closed = env.upstream.codex.waitForClose(responsesIndex());
    const abortedAt = Date.now();
    req.destroy();
    const info = await closed;
    expect(info.aborted).toBe(true);
    expect(Date.now() - abortedAt).toBeLessThan(1000);
  });

  it("200 malformed requests each get a 4xx JSON error and the server stays healthy", async () => {
    const { srv } = await start();
    const bodies: string[] = [];
    const values: unknown[] = [null, 1, "x", true, [], {}, { a: 1 }, [1, 2], -1, 1e308];
    for (const v of values) {
      bodies.push(JSON.stringify(v));
      bodies.push(JSON.stringify({ model: v, messages: [{ role: "user", content: "hi" }] }));
      bodies.push(JSON.stringify({ model: "gpt-5.4", messages: v }));
      bodies.push(JSON.stringify({ model: "gpt-5.4", messages: [{ role: v, content: "hi" }] }));
      bodies.push(
        JSON.stringify({
          model: "gpt-5.4",
          messages: [
            {
              role: "user",
              content: v === "x" ? 5 : Array.isArray(v) && v.length === 0 ? [{ type: "bogus" }] : v,
            },
          ],
        }),
      );
      bodies.push(JSON.stringify({ ...hello, temperature: "hot", n: v === 1 ? 0 : "two" }));
      bodies.push(JSON.stringify({ ...hello, tools: v === null ? 5 : [v] }));
      bodies.push(JSON.stringify({ ...hello, stream: "yes", stop: v === null ? 7 : [v, v, v, v, v] }));
    }
    for (let i = 0; bodies.length < 200; i++) {
      bodies.push(`{"model": "gpt-5.4", "messages": [${"[".repeat(i % 7)}`);
      bodies.push(`\u0000${"x".repeat(i)}`);
    }
    const statuses = await Promise.all(
      bodies.slice(0, 200).map(async (body) => {
        const res = await chat(srv.url, body);
        const json = (await res.json()) as { error?: { message?: string } };
        return { status: res.status, ok: typeof json.error?.message === "string" };
      }),
    );
    for (const [i, s] of statuses.entries()) {
      expect(s.status, bodies[i]).toBeGreaterThanOrEqual(400);
      expect(s.status).toBeLessThan(500);
      expect(s.ok).toBe(true);
    }
    expect((await fetch(`${srv.url}/health`)).status).toBe(200);
    expect((await chat(srv.url, hello)).status).toBe(200);
  });

  it("refuses a wrong API key and a foreign Host", async () => {
    const { srv } = await start({ env: { CMP_API_KEYS: "secret-key-1,secret-key-2" } });
    expect((await chat(srv.url, hello, { authorization: "Bearer wrong" })).status).toBe(401);
    expect((await chat(srv.url, hello)).status).toBe(401);
    expect((await chat(srv.url, hello, { authorization: "Bearer secret-key-2" })).status).toBe(200);
    expect((await chat(srv.url, hello, { "x-api-key": "secret-key-1" })).status).toBe(200);
    const foreign = await rawGet(srv.url, "/health", "attacker.example:80");
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body).error.code).toBe("host_not_allowed");
    expect(srv.stderr()).not.toContain("secret-key-1");
  });

  it("refuses to start on a non-loopback host without keys, and names wrong variables", async () => {
    const open = await runBuiltServer({ CMP_HOST: "0.0.0.0", CMP_HOME: "/tmp/cmp-e2e-never" });
    expect(open.code).not.toBe(0);
    expect(open.stderr).toContain("CMP_API_KEYS");
    expect(open.stdout).not.toContain("listening on");
    const port = await runBuiltServer({ CMP_PORT: "eighty", CMP_HOME: "/tmp/cmp-e2e-never" });
    expect(port.code).not.toBe(0);
    expect(port.stderr).toContain("CMP_PORT");
  });

  it("keeps the log lines written before a start that fails (port taken)", async () => {
    environment = await createEnvironment({ login: false });
    const tokens = await environment.upstream.auth.issueTokens();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = blocker.address() as AddressInfo;
      const run = await runBuiltServer({
        ...environment.env,
        CMP_PORT: String(port),
        CMP_INSTRUCTIONS_FETCH: "off",
        OPENAI_OAUTH_ACCESS_TOKEN: tokens.access_token,
        OPENAI_OAUTH_REFRESH_TOKEN: tokens.refresh_token,
      });
      expect(run.code).not.toBe(0);
      expect(run.stdout).not.toContain("listening on");
      expect(run.stderr).toContain("seeded the token store");
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it("answers 413 above CMP_BODY_LIMIT", async () => {
    const { srv } = await start({ env: { CMP_BODY_LIMIT: "1kb" } });
    const res = await chat(srv.url, {
      model: "gpt-5.4",
      messages: [{ role: "user", content: "x".repeat(4096) }],
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("request_too_large");
  });

  it("sends no CORS headers by default and serves a configured origin", async () => {
    const { srv } = await start({ env: { CMP_CORS_ORIGINS: "https://ui.example.com" } });
    const allowed = await fetch(`${srv.url}/v1/models`, { headers: { origin: "https://ui.example.com" } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://ui.example.com");
    const other = await fetch(`${srv.url}/v1/models`, { headers: { origin: "https://other.example.com" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    await server?.stop();
    server = await startBuiltServer(environment?.env ?? {});
    const none = await fetch(`${server.url}/v1/models`, { headers: { origin: "https://ui.example.com" } });
    expect(none.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("SIGTERM lets an in-flight stream finish, then exits 0", async () => {
    const { env, srv } = await start();
    env.upstream.codex.setScenario("slow");
    const res = await chat(srv.url, { ...hello, stream: true });
    const reader = res.body!.getReader();
    await reader.read();
    const exit = srv.stop({ signal: "SIGTERM" });
    let text = "";
    const decoder = new TextDecoder();
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value);
    expect(text).toContain("data: [DONE]");
    expect((await exit).code).toBe(0);
  });
});
