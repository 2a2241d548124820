import { describe, expect, it } from "vitest";
import type { ByteSource } from "./byte-source.js";
import { PullBody, type PullBodyHooks } from "./pull-body.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A source over fixed chunks that records cancellation; `failAt` makes that read reject. */
function sourceOf(parts: string[], failAt = -1): ByteSource & { cancelled: boolean; reads: number } {
  const source = {
    cancelled: false,
    reads: 0,
    async read(): Promise<Uint8Array | null> {
      const index = source.reads++;
      if (index === failAt) throw new Error("connection cut");
      const part = parts[index];
      return part === undefined ? null : encoder.encode(part);
    },
    cancel() {
      source.cancelled = true;
    },
  };
  return source;
}

/** Hooks that pass the text through and close with `finish`'s report of the read error. */
function echoHooks(overrides: Partial<PullBodyHooks> = {}): PullBodyHooks & { closed: number } {
  let pending = "";
  const hooks = {
    closed: 0,
    feed: (chunk: Uint8Array) => {
      pending += decoder.decode(chunk);
    },
    endOfInput: () => {},
    upstreamEnd: () => false as const,
    take: () => {
      const text = pending;
      pending = "";
      return text;
    },
    finish: (readError: unknown) => (readError === undefined ? "<end>" : `<failed: ${String(readError)}>`),
    onClose: () => {
      hooks.closed++;
    },
    ...overrides,
  };
  return hooks;
}

describe("PullBody", () => {
  it("gives the same texts through next(), pipeTo() and text()", async () => {
    const parts = ["a", "", "b", "c"];
    const viaNext: string[] = [];
    const pulled = new PullBody(sourceOf(parts), echoHooks());
    for (let text = await pulled.next(); text !== null; text = await pulled.next()) viaNext.push(text);

    const viaPipe: string[] = [];
    await new PullBody(sourceOf(parts), echoHooks()).pipeTo((text) => {
      viaPipe.push(text);
      return undefined;
    });

    expect(viaNext).toEqual(["a", "b", "c", "<end>"]);
    expect(viaPipe).toEqual(viaNext);
    expect(await new PullBody(sourceOf(parts), echoHooks()).text()).toBe("abc<end>");
  });

  it("hands a read failure to finish, once, and closes", async () => {
    const hooks = echoHooks();
    const out: string[] = [];
    await new PullBody(sourceOf(["a", "b"], 1), hooks).pipeTo((text) => {
      out.push(text);
      return undefined;
    });
    expect(out).toEqual(["a", "<failed: Error: connection cut>"]);
    expect(hooks.closed).toBe(1);
  });

  it("waits for the sink's promise before the next upstream read (backpressure)", async () => {
    const source = sourceOf(["a", "b", "c"]);
    const readsWhenBlocked: number[] = [];
    const piping = new PullBody(source, echoHooks()).pipeTo((text) => {
      if (text !== "a") return undefined;
      return new Promise<void>((resolve) => {
        setTimeout(() => {
          readsWhenBlocked.push(source.reads);
          resolve();
        }, 20);
      });
    });
    await piping;
    expect(readsWhenBlocked).toEqual([1]);
  });

  it("cancels the upstream and rethrows when the sink throws", async () => {
    const source = sourceOf(["a", "b"]);
    const hooks = echoHooks();
    const body = new PullBody(source, hooks);
    await expect(
      body.pipeTo(() => {
        throw new Error("client error");
      }),
    ).rejects.toThrow("client error");
    expect(source.cancelled).toBe(true);
    expect(hooks.closed).toBe(1);
  });

  it("treats an error of the hooks as the hooks' error, not as a read failure", async () => {
    const source = sourceOf(["a"]);
    const body = new PullBody(
      source,
      echoHooks({
        feed: () => {
          throw new Error("bad conversion");
        },
      }),
    );
    await expect(body.pipeTo(() => undefined)).rejects.toThrow("bad conversion");
    expect(source.cancelled).toBe(true);
  });

  it("stops when cancelled by the sink", async () => {
    const source = sourceOf(["a", "b", "c"]);
    const out: string[] = [];
    const body = new PullBody(source, echoHooks());
    await body.pipeTo((text) => {
      out.push(text);
      body.cancel();
      return undefined;
    });
    expect(out).toEqual(["a"]);
    expect(source.cancelled).toBe(true);
  });
});
