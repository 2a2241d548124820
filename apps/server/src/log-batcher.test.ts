import pino from "pino";
import { describe, expect, it } from "vitest";
import { LogBatcher, type LogTarget } from "./log-batcher.js";

function recordingTarget() {
  const writes: string[] = [];
  let syncFlushes = 0;
  const target: LogTarget = {
    write: (bytes) => writes.push(bytes.toString()),
    flushSync: () => {
      syncFlushes++;
    },
  };
  return { target, writes, syncFlushes: () => syncFlushes };
}

describe("LogBatcher", () => {
  it("keeps pino's lines in order and writes them in batches", () => {
    const { target, writes } = recordingTarget();
    const batcher = new LogBatcher(target, 200);
    const logger = pino({ base: null, timestamp: false }, batcher);
    for (let i = 0; i < 10; i++) logger.info({ i }, "request");
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.length).toBeLessThan(10);
    batcher.flush();
    const lines = writes.join("").trimEnd().split("\n");
    expect(lines.map((line) => JSON.parse(line).i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("holds lines until a flush, and a synchronous flush writes them all through", () => {
    const { target, writes, syncFlushes } = recordingTarget();
    const batcher = new LogBatcher(target);
    batcher.write('{"msg":"a"}\n');
    batcher.write('{"msg":"b"}\n');
    expect(writes).toEqual([]);
    batcher.flushSync();
    expect(writes).toEqual(['{"msg":"a"}\n{"msg":"b"}\n']);
    expect(syncFlushes()).toBe(1);
    batcher.flush();
    expect(writes).toHaveLength(1);
  });
});
