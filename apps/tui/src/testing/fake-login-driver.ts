import type { LoginAttempt, LoginDriver, LoginInfo, LoginMethod } from "../login/login-driver.js";

/** A login driver whose flows the test finishes by hand. */
export interface FakeLoginDriver extends LoginDriver {
  /** Saved logins by account name. */
  logins: Map<string, LoginInfo>;
  /** The running attempt, if any. */
  attempt: {
    name: string;
    method: LoginMethod;
    attempt: LoginAttempt;
    resolve(info: LoginInfo): void;
    reject(error: unknown): void;
  } | null;
  /** The names logged out, in order. */
  loggedOut: string[];
}

/** Creates a fake login driver holding `stored` as account `default`, under `/home/u/.cmp`. */
export function createFakeLoginDriver(stored: LoginInfo | null = null): FakeLoginDriver {
  const driver: FakeLoginDriver = {
    logins: new Map(stored ? [["default", stored]] : []),
    attempt: null,
    loggedOut: [],
    pathOf: (name) => (name === "default" ? "/home/u/.cmp/auth.json" : `/home/u/.cmp/accounts/${name}.json`),
    async names() {
      const names = [...driver.logins.keys()].sort();
      return names.includes("default") ? ["default", ...names.filter((n) => n !== "default")] : names;
    },
    async current(name) {
      return driver.logins.get(name) ?? null;
    },
    login(name, method, attempt) {
      return new Promise<LoginInfo>((resolve, reject) => {
        driver.attempt = {
          name,
          method,
          attempt,
          resolve: (info) => {
            driver.logins.set(name, info);
            resolve(info);
          },
          reject,
        };
      });
    },
    async logout(name) {
      driver.loggedOut.push(name);
      driver.logins.delete(name);
    },
  };
  return driver;
}
