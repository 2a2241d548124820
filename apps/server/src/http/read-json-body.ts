import type { IncomingMessage } from "node:http";
import type { Readable, Transform } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { OpenAIHttpError } from "@cmp/transform";

const JSON_TYPE = /^\s*application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([\w-]+)"?/i;

/**
 * Deepest JSON nesting a request body may have. Real requests nest a few dozen levels at most; bodies
 * nested thousands of levels deep parse fine but overflow the stack when serialised for the upstream.
 */
export const MAX_JSON_DEPTH = 256;

/** True when `value` nests objects or arrays more than `limit` levels deep (checked without recursion). */
export function exceedsJsonDepth(value: unknown, limit: number): boolean {
  // Two parallel stacks, so a big conversation allocates no pair per object.
  const nodes: object[] = [value as object];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop() as object;
    const depth = depths.pop() as number;
    if (depth > limit) return true;
    if (Array.isArray(node)) {
      for (const child of node) {
        if (typeof child === "object" && child !== null) {
          nodes.push(child);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in node) {
        const child = (node as Record<string, unknown>)[key];
        if (typeof child === "object" && child !== null) {
          nodes.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}

const invalid = (message: string, code = "invalid_request") =>
  new OpenAIHttpError({ status: 400, code, message });

/** Checks the headers of a JSON POST before any byte is read: 415 for another type, charset or encoding. */
function decoder(req: IncomingMessage): Transform | null {
  const type = req.headers["content-type"];
  if (type === undefined || !JSON_TYPE.test(type)) {
    throw new OpenAIHttpError({
      status: 415,
      code: "unsupported_media_type",
      message: `Send the request body as JSON with Content-Type: application/json (got ${type === undefined ? "no Content-Type" : `"${type.slice(0, 80)}"`}).`,
    });
  }
  const charset = CHARSET.exec(type)?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
    throw new OpenAIHttpError({
      status: 415,
      code: "unsupported_encoding",
      message: `Send the JSON body as UTF-8 (got charset "${charset.slice(0, 40)}").`,
    });
  }
  const encoding = (req.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  switch (encoding) {
    case "identity":
      return null;
    case "gzip":
    case "x-gzip":
      return createGunzip();
    case "deflate":
      return createInflate();
    case "br":
      return createBrotliDecompress();
    default:
      throw new OpenAIHttpError({
        status: 415,
        code: "unsupported_encoding",
        message: `Unsupported Content-Encoding "${encoding.slice(0, 40)}": send identity, gzip, deflate or br.`,
      });
  }
}

/**
 * Reads the JSON body of an API POST: the one body reader of the server. A wrong `Content-Type`,
 * charset or `Content-Encoding` is a 415; a body over `limitBytes` (after decompression) a 413, read
 * to its end first so the keep-alive connection stays usable; bytes that do not match their encoding,
 * malformed JSON, a body that is not an object or nests deeper than {@link MAX_JSON_DEPTH} a 400.
 * An empty body is `{}`.
 */
export function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let inflate: Transform | null;
    try {
      inflate = decoder(req);
    } catch (error) {
      req.resume();
      reject(error);
      return;
    }
    const stream: Readable = inflate === null ? req : req.pipe(inflate);
    let tooLarge = inflate === null && Number(req.headers["content-length"]) > limitBytes;
    const chunks: Buffer[] = [];
    let size = 0;
    const refuseTooLarge = () =>
      reject(
        new OpenAIHttpError({
          status: 413,
          code: "request_too_large",
          message: `The request body is larger than the server's limit of ${limitBytes} bytes (CMP_BODY_LIMIT).`,
        }),
      );
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) {
        if (!tooLarge) chunks.push(chunk);
        return;
      }
      tooLarge = true;
      if (inflate !== null) {
        // A compressed body past the limit (a zip bomb): stop inflating, read the rest unparsed.
        req.unpipe(inflate);
        inflate.destroy();
        // The compressed bytes may all be in already (a small bomb): then refuse at once.
        if (req.readableEnded) refuseTooLarge();
        else {
          req.resume();
          req.once("end", refuseTooLarge);
        }
      }
    });
    stream.once("end", () => {
      if (tooLarge) {
        refuseTooLarge();
        return;
      }
      const text = (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)).toString(
        "utf8",
      );
      if (text === "") {
        resolve({});
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        reject(invalid("The request body is not valid JSON.", "invalid_json"));
        return;
      }
      if (typeof body !== "object" || body === null || Array.isArray(body)) {
        reject(invalid("The request body must be a JSON object."));
      } else if (exceedsJsonDepth(body, MAX_JSON_DEPTH)) {
        reject(invalid(`The request body nests JSON more than ${MAX_JSON_DEPTH} levels deep.`));
      } else resolve(body as Record<string, unknown>);
    });
    stream.once("error", () => {
      if (tooLarge) return;
      req.resume();
      reject(
        inflate === null
          ? invalid("The request body could not be read.")
          : invalid(
              "The request body could not be decompressed: it does not match its Content-Encoding.",
              "invalid_encoding",
            ),
      );
    });
    req.once("aborted", () => reject(invalid("The client aborted the request body.")));
  });
}
