import type { LoginAttempt, LoginDriver, LoginInfo, LoginMethod } from "../login/login-driver.js";

/** A login driver whose flows the test finishes by hand. */
export interface FakeLoginDriver extends LoginDriver {
  stored: LoginInfo | null;
  /** The running attempt, if any. */
  attempt: {
    method: LoginMethod;
    attempt: LoginAttempt;
    resolve(info: LoginInfo): void;
    reject(error: unknown): void;
  } | null;
  loggedOut: number;
}

/** Creates a fake login driver holding `stored`. */
export function createFakeLoginDriver(stored: LoginInfo | null = null): FakeLoginDriver {
  const driver: FakeLoginDriver = {
    stored,
    attempt: null,
    loggedOut: 0,
    async current() {
      return driver.stored;
    },
    login(method, attempt) {
      return new Promise<LoginInfo>((resolve, reject) => {
        driver.attempt = {
          method,
          attempt,
          resolve: (info) => {
            driver.stored = info;
            resolve(info);
          },
          reject,
        };
      });
    },
    async logout() {
      driver.loggedOut += 1;
      driver.stored = null;
    },
  };
  return driver;
}
