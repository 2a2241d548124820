/**
 * What the client uses of an `AbortSignal`: a real one fits. A caller that makes one signal per request
 * may pass a lighter object instead: on Node 20, adding the first listener to a new `AbortSignal` costs
 * about 7 µs, a noticeable share of a proxied request.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}
