import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Creates a private temp folder (mode 0700) for one server's `CMP_HOME`. */
export function createTempHome(label = "home"): string {
  const dir = mkdtempSync(join(tmpdir(), `cmp-rel-${label}-`));
  chmodSync(dir, 0o700);
  return dir;
}

/** Removes a temp folder made by {@link createTempHome}, even if its modes were changed. */
export function removeTempHome(dir: string): void {
  try {
    chmodSync(dir, 0o700);
  } catch {
    // already gone
  }
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}
