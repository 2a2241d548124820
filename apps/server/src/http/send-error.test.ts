import { createServer, type Server } from "node:http";
import { OpenAIHttpError } from "@cmp/transform";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/app-harness.js";
import { HttpContext } from "./http-context.js";
import { sendError } from "./send-error.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** A server whose every request is answered by `sendError(error)`, after `prepare` touched the response. */
async function errorServer(
  error: unknown,
  prepare: (res: import("node:http").ServerResponse) => void = () => {},
) {
  harness = await createHarness();
  const app = harness.app.context;
  const server: Server = createServer((req, res) => {
    prepare(res);
    sendError(app, new HttpContext(req, res, 0), error);
  });
  return server;
}

describe("sendError when writing the error itself fails", () => {
  it("answers a fixed JSON 500 when a header value of the error is refused by Node", async () => {
    const error = new OpenAIHttpError({ status: 429, message: "x", headers: { "retry-after": "\u2603" } });
    const res = await request(await errorServer(error)).get("/");
    expect(res.status).toBe(500);
    expect(res.headers["content-type"]).toMatch(/json/);
    expect(res.body.error.code).toBe("internal_error");
    expect(res.text).not.toMatch(/<html|\n\s+at /i);
  });

  it("keeps the CORS headers set before and still answers JSON", async () => {
    const error = new OpenAIHttpError({ status: 429, message: "x", headers: { "retry-after": "\u0000" } });
    const server = await errorServer(error, (res) =>
      res.setHeader("access-control-allow-origin", "http://a.test"),
    );
    const res = await request(server).get("/");
    expect(res.status).toBe(500);
    expect(res.headers["access-control-allow-origin"]).toBe("http://a.test");
    expect(res.body.error.code).toBe("internal_error");
  });
});
