/**
 * The `code` of a Node.js system error or of a library error that follows its convention (`ENOENT`,
 * `ENOSPC`, proper-lockfile's `ELOCKED`), or `undefined` for anything else.
 */
export function getErrnoCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined;
}
