import { StoreUnavailableError } from "./store-unavailable-error.js";

/**
 * Settles like `promise`, or rejects with `StoreUnavailableError` after `ms`. The original promise is
 * still observed afterwards, so its late rejection is never an unhandled rejection.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new StoreUnavailableError(`${what} did not answer within ${ms} ms.`));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
