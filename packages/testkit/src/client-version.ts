/**
 * Compares two Codex client versions (`0.154.0`, `0.130.0-alpha.5`) by their numeric `major.minor.patch`;
 * a pre-release suffix is ignored. Negative when `a` is older, 0 when equal, positive when newer.
 */
export function compareClientVersions(a: string, b: string): number {
  const parts = (version: string) =>
    (version.trim().split("-")[0] ?? "").split(".").map((part) => Number.parseInt(part, 10) || 0);
  const left = parts(a);
  const right = parts(b);
  for (let i = 0; i < Math.max(left.length, right.length, 3); i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
