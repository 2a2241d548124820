const BASE_MARKER = "cmp.error";
const baseSymbol = Symbol.for(BASE_MARKER);

/** Constructor options of {@link CmpError} and its subclasses. */
export interface CmpErrorOptions<Code extends string = string> {
  /** A stable, literal failure code (`reauth_required`, `upstream_timeout`, …) that callers switch on. */
  code: Code;
  message: string;
  cause?: unknown;
  /** True when trying the same thing again later may succeed (network, 5xx, timeouts). */
  retryable?: boolean;
}

/**
 * The base of every error the `@cmp/*` packages throw. Each subclass declares a marker
 * (`cmp.error.<Name>`) with {@link CmpError.hasMarker}, so `isInstance` checks work across duplicate
 * copies of a package, where `instanceof` does not (the vercel/ai `AISDKError` pattern).
 */
export class CmpError<Code extends string = string> extends Error {
  /** The marker {@link CmpError.isInstance} looks for. */
  readonly [baseSymbol] = true;
  /** The literal failure code. */
  readonly code: Code;
  /** True when trying again later may succeed. */
  readonly retryable: boolean;

  constructor(name: string, options: CmpErrorOptions<Code>) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = name;
    this.code = options.code;
    this.retryable = options.retryable ?? false;
  }

  /** True for any error of the `@cmp/*` packages, from any copy of them. */
  static isInstance(error: unknown): error is CmpError {
    return CmpError.hasMarker(error, BASE_MARKER);
  }

  /**
   * True when `error` carries `marker`: subclasses set `[Symbol.for(marker)] = true` and implement
   * their own `isInstance` with this.
   */
  static hasMarker(error: unknown, marker: string): boolean {
    return (
      typeof error === "object" &&
      error !== null &&
      (error as Record<symbol, unknown>)[Symbol.for(marker)] === true
    );
  }
}
