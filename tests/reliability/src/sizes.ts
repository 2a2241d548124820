/** How big one run of the suite is: the CI sizes, or the long sizes of `pnpm test:reliability --long`. */
export interface ReliabilitySizes {
  /** True under `--long`. */
  long: boolean;
  /** Generated HTTP request cases against the running server (all fuzz categories together). */
  httpFuzzCases: number;
  /** Cases per batch; `/health` is checked after each batch. */
  httpFuzzBatch: number;
  /** Corrupted upstream streams fed to the SSE parser and stream mapper. */
  sseFuzzCases: number;
  /** Generated backend error answers and `x-codex-*` header sets fed to the error mappers, in process. */
  upstreamErrorFuzzCases: number;
  /** The same, sent by the fake backend through the running server. */
  upstreamErrorServerCases: number;
  /** Duration of the load and soak run. */
  soakMs: number;
  /** Concurrent clients of the load run. */
  soakConcurrency: number;
  /**
   * How long each access token of the soak is used before its refresh (half its lifetime). At least
   * 30 s: the server refreshes ahead of expiry at most once per 30 s.
   */
  soakTokenWindowSeconds: number;
}

/** Reads the sizes from the environment (`CMP_RELIABILITY_LONG=1` selects the long run; `CMP_SOAK_MS` overrides the soak). */
export function readSizes(env: NodeJS.ProcessEnv = process.env): ReliabilitySizes {
  const long = env["CMP_RELIABILITY_LONG"] === "1";
  const soakOverride = Number(env["CMP_SOAK_MS"]);
  const sizes: ReliabilitySizes = long
    ? {
        long,
        httpFuzzCases: 10_000,
        httpFuzzBatch: 250,
        sseFuzzCases: 10_000,
        upstreamErrorFuzzCases: 20_000,
        upstreamErrorServerCases: 600,
        soakMs: 10 * 60_000,
        soakConcurrency: 64,
        soakTokenWindowSeconds: 90,
      }
    : {
        long,
        httpFuzzCases: 1_000,
        httpFuzzBatch: 100,
        sseFuzzCases: 1_500,
        upstreamErrorFuzzCases: 2_000,
        upstreamErrorServerCases: 60,
        soakMs: 45_000,
        soakConcurrency: 64,
        soakTokenWindowSeconds: 30,
      };
  if (Number.isFinite(soakOverride) && soakOverride > 0) sizes.soakMs = soakOverride;
  return sizes;
}

/** The fast-check seed of this run: `CMP_FUZZ_SEED` to replay a failure, else a fresh one. */
export function readSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env["CMP_FUZZ_SEED"];
  if (given !== undefined && given !== "" && Number.isInteger(Number(given))) return Number(given);
  return (Date.now() ^ (process.pid << 8)) | 0;
}
