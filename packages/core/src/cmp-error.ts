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
 * The base of every error the `@cmp/*` packages throw. The constructor marks each error with
 * `Symbol.for("cmp.error.<name>")` for the `name` it is given, and each subclass checks that marker
 * with {@link CmpError.hasMarker} in its `isInstance`, so the check works across duplicate copies of a
 * package, where `instanceof` does not (the vercel/ai `AISDKError` pattern).
 */
export class CmpError<Code extends string = string> extends Error {
  /** The marker {@link CmpError.isInstance} looks for. */
  readonly [baseSymbol] = true;
  /** The literal failure code. */
  readonly code: Code;
  /** True when trying again later may succeed. */
  readonly retryable: boolean;

  /** `name` is the subclass's own name: it becomes `error.name` and the marker `cmp.error.<name>`. */
  constructor(name: string, options: CmpErrorOptions<Code>) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.retryable = options.retryable ?? false;
    this.markAs(name);
  }

  /**
   * Sets `name` and the marker `cmp.error.<name>`. A subclass of a subclass (`CodexHttpError` under
   * `CodexClientError`) calls it after `super()`, so its errors carry their own marker on top of the
   * base's and both classes' `isInstance` hold.
   */
  protected markAs(name: string): void {
    this.name = name;
    (this as Record<symbol, unknown>)[Symbol.for(`${BASE_MARKER}.${name}`)] = true;
  }

  /** True for any error of the `@cmp/*` packages, from any copy of them. */
  static isInstance(error: unknown): error is CmpError {
    return CmpError.hasMarker(error, BASE_MARKER);
  }

  /**
   * True when `error` carries `marker` (`error[Symbol.for(marker)] === true`): each subclass
   * implements its own `isInstance` with this and its `cmp.error.<Name>` marker.
   */
  static hasMarker(error: unknown, marker: string): boolean {
    return (
      typeof error === "object" &&
      error !== null &&
      (error as Record<symbol, unknown>)[Symbol.for(marker)] === true
    );
  }
}
