import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the fake GitHub saw. */
export interface GithubRequest {
  kind: "release" | "file";
  /** For files: the tag in the path. */
  tag: string | null;
  file: string | null;
  ifNoneMatch: string | null;
  status: number;
}

/** A loopback stand-in for api.github.com and raw.githubusercontent.com (test use only). */
export interface FakeGithub {
  apiUrl: string;
  rawUrl: string;
  requests: GithubRequest[];
  tag: string;
  /** Prompt files by name; a missing file is a 404. */
  files: Map<string, string>;
  /** Status of the releases endpoint (default 200). */
  releaseStatus: number;
  etagFor(tag: string, file: string): string;
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 with a random port. */
export async function startFakeGithub(initial: {
  tag: string;
  files: Record<string, string>;
}): Promise<FakeGithub> {
  const state = {
    requests: [] as GithubRequest[],
    tag: initial.tag,
    files: new Map(Object.entries(initial.files)),
    releaseStatus: 200,
  };
  const etagFor = (tag: string, file: string) =>
    `"${createHash("sha256")
      .update(`${tag}\n${state.files.get(file) ?? ""}`)
      .digest("hex")
      .slice(0, 16)}"`;

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    const ifNoneMatch =
      typeof req.headers["if-none-match"] === "string" ? req.headers["if-none-match"] : null;
    const file = /^\/raw\/openai\/codex\/([^/]+)\/codex-rs\/core\/([^/]+)$/.exec(path);
    if (path === "/repos/openai/codex/releases/latest") {
      state.requests.push({
        kind: "release",
        tag: null,
        file: null,
        ifNoneMatch,
        status: state.releaseStatus,
      });
      res.writeHead(state.releaseStatus, { "content-type": "application/json" });
      res.end(
        JSON.stringify(state.releaseStatus === 200 ? { tag_name: state.tag } : { message: "Not Found" }),
      );
      return;
    }
    if (file?.[1] && file[2]) {
      const [, tag, name] = file;
      const text = tag === state.tag ? state.files.get(name) : undefined;
      const etag = etagFor(tag, name);
      const status = text === undefined ? 404 : ifNoneMatch === etag ? 304 : 200;
      state.requests.push({ kind: "file", tag, file: name, ifNoneMatch, status });
      if (status === 200) res.writeHead(200, { etag, "content-type": "text/plain; charset=utf-8" }).end(text);
      else if (status === 304) res.writeHead(304, { etag }).end();
      else res.writeHead(404).end("404: Not Found");
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    apiUrl: base,
    rawUrl: `${base}/raw`,
    get requests() {
      return state.requests;
    },
    get tag() {
      return state.tag;
    },
    set tag(value: string) {
      state.tag = value;
    },
    get files() {
      return state.files;
    },
    get releaseStatus() {
      return state.releaseStatus;
    },
    set releaseStatus(value: number) {
      state.releaseStatus = value;
    },
    etagFor,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback URL nothing listens on: requests to it fail with a connection error. */
export async function unusedLoopbackUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
