/** The `code` of a Node.js system error (`ENOENT`, `ELOCKED`, …), or `undefined`. */
export function getErrnoCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}
