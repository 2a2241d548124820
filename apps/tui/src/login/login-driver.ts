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
 * The login operations the dashboard needs; the real one wraps `@cmp/oauth` and writes
 * `$CMP_HOME/auth.json`, tests pass a fake.
 */
export interface LoginDriver {
  /** The stored login, or `null` when logged out. */
  current(): Promise<LoginInfo | null>;
  /** Runs one login flow to the end; rejects when it fails or is aborted. */
  login(method: LoginMethod, attempt: LoginAttempt): Promise<LoginInfo>;
  /** Revokes the refresh token (best effort) and deletes the stored login. */
  logout(): Promise<void>;
}
