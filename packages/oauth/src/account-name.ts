import { OAuthError } from "./oauth-errors.js";

/** The name of the first login, kept in the single-account layout (`auth.json`). */
export const DEFAULT_ACCOUNT_NAME = "default";

/**
 * What an account name may be: 1–32 of lower-case letters, digits, `.`, `_` and `-`, starting with a
 * letter or digit. It names a file and a store key, and shows up in headers and metrics labels, so it
 * stays short and plain.
 */
export const ACCOUNT_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,31}$/;

/** Returns `name` when it is a valid account name; throws `OAuthError` `invalid_input` otherwise. */
export function checkAccountName(name: string): string {
  if (!ACCOUNT_NAME_PATTERN.test(name)) {
    throw new OAuthError(
      "invalid_input",
      `"${name.slice(0, 40)}" is not a valid account name: use 1-32 lower-case letters, digits, ".", "_" or "-".`,
    );
  }
  return name;
}
