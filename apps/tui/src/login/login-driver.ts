/** The four ways to log in. */
export type LoginMethod = "browser" | "device" | "paste" | "import";

/** Who is logged in, as the login screen shows it. */
export interface LoginInfo {
  email: string | null;
  plan: string | null;
  accountId: string | null;
  expiresAt: Date | null;
  lastRefresh: Date | null;
}

/** Something the user has to act on while a login runs. */
export type LoginPrompt =
  | { kind: "open_url"; url: string; opened: boolean }
  | { kind: "device_code"; userCode: string; verificationUrl: string; expiresAt: Date | null }
  | { kind: "paste_url"; url: string };

/** Callbacks and cancellation for one login attempt. */
export interface LoginAttempt {
  signal: AbortSignal;
  /** Called when there is a URL to open or a code to enter. */
  onPrompt(prompt: LoginPrompt): void;
  /** Resolves with the redirect URL the user pasted (paste flow only). */
  readPastedUrl(): Promise<string>;
}

/**
 * The login operations the dashboard needs, per account name (`default` is `$CMP_HOME/auth.json`,
 * others `$CMP_HOME/accounts/<name>.json`); the real one wraps `@cmp/oauth`, tests pass a fake.
 */
export interface LoginDriver {
  /** The file the login of account `name` is saved to. */
  pathOf(name: string): string;
  /** The account names that have a saved login, `default` first. */
  names(): Promise<string[]>;
  /** The stored login of account `name`, or `null` when it has none. */
  current(name: string): Promise<LoginInfo | null>;
  /**
   * Runs one login flow to the end and saves it as account `name`; rejects when it fails or is aborted,
   * or (code `duplicate_account`) when that ChatGPT account is already saved under another name.
   */
  login(name: string, method: LoginMethod, attempt: LoginAttempt): Promise<LoginInfo>;
  /** Revokes the refresh token of account `name` (best effort) and deletes its stored login. */
  logout(name: string): Promise<void>;
}
