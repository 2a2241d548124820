import type { IncomingMessage } from "node:http";

/** A body-reading failure typed like body-parser's, so the error middleware maps it the same way. */
export class BodyReadError extends Error {
  readonly expose = true;
  constructor(
    readonly type: "entity.too.large" | "entity.parse.failed" | "request.aborted",
    readonly status: number,
    readonly limit?: number,
  ) {
    super(type);
    this.name = "BodyReadError";
  }
}

/**
 * Reads a UTF-8 JSON request body: chunks collected up to `limitBytes` and parsed once (an empty body
 * is `{}`, as with `express.json`). An oversized body is read to its end and then refused, so the
 * keep-alive connection stays usable.
 */
export function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let tooLarge = Number(req.headers["content-length"]) > limitBytes;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.once("end", () => {
      if (tooLarge) {
        reject(new BodyReadError("entity.too.large", 413, limitBytes));
        return;
      }
      const text = (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)).toString(
        "utf8",
      );
      if (text === "") {
        resolve({});
        return;
      }
      try {
        resolve(JSON.parse(text) as unknown);
      } catch {
        reject(new BodyReadError("entity.parse.failed", 400));
      }
    });
    req.once("aborted", () => reject(new BodyReadError("request.aborted", 400)));
    req.once("error", reject);
  });
}
