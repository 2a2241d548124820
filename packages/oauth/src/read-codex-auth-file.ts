import { readFile } from "node:fs/promises";
import { getErrnoCode } from "./errno-code.js";
import { OAuthError } from "./oauth-errors.js";
import { codexAuthFileSchema, convertCodexAuthFileToLogin, type StoredLogin } from "./stored-login.js";

/**
 * Reads and parses a Codex-layout `auth.json`. Returns `null` when the file does not exist; throws
 * `store_corrupt` naming the file when it is not a valid login, `store_read_failed` when it cannot be
 * read.
 */
export async function readCodexAuthFile(path: string): Promise<StoredLogin | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = getErrnoCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw new OAuthError("store_read_failed", `Cannot read ${path} (${code ?? "read error"}).`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new OAuthError(
      "store_corrupt",
      `${path} is not valid JSON. Fix it by hand, or log out and log in again to replace it.`,
    );
  }
  const parsed = codexAuthFileSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join(".") || "(root)").join(", ");
    throw new OAuthError(
      "store_corrupt",
      `${path} does not hold a ChatGPT login (bad or missing: ${fields}). Fix it by hand, or log out and log in again to replace it.`,
    );
  }
  return convertCodexAuthFileToLogin(parsed.data);
}
