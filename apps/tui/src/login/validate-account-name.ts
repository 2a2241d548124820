import { checkAccountName } from "@cmp/oauth";

/**
 * Why `name` cannot name an account (`@cmp/oauth`'s `checkAccountName` rules: 1–32 lower-case letters,
 * digits, `.`, `_`, `-`), or `null` when it can.
 */
export function accountNameProblem(name: string): string | null {
  try {
    checkAccountName(name);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : "not a valid account name";
  }
}
