import { execFileSync } from "node:child_process";
import { chownSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The user the suite runs servers as when permissions must bite: `nobody` under root, else the current user. */
export function unprivilegedUser(): { uid: number; gid: number } | null {
  return process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : null;
}

/** Gives a folder and everything in it to `user` (no-op without one). */
export function chownTree(dir: string, user: { uid: number; gid: number } | null): void {
  if (!user) return;
  chownSync(dir, user.uid, user.gid);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) chownTree(path, user);
    else chownSync(path, user.uid, user.gid);
  }
}

/** Mounts a small tmpfs on `dir`; false when the machine does not allow it (not root, no CAP_SYS_ADMIN). */
export function tryMountTmpfs(dir: string, sizeKiB: number): boolean {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeKiB}k,mode=0700`, "tmpfs", dir], {
      stdio: "ignore",
    });
    return true;
  } catch {
    return false;
  }
}

/** Unmounts a tmpfs made by {@link tryMountTmpfs}. */
export function unmount(dir: string): void {
  try {
    execFileSync("umount", ["-l", dir], { stdio: "ignore" });
  } catch {
    // already gone
  }
}

/** Fills the file system of `dir` with a filler file until a write fails; returns the filler's path. */
export function fillDisk(dir: string): string {
  const path = join(dir, "filler.bin");
  const chunk = Buffer.alloc(1024, 1);
  let written = Buffer.alloc(0);
  for (;;) {
    try {
      written = Buffer.concat([written, chunk]);
      writeFileSync(path, written);
    } catch {
      writeFileSync(path, written.subarray(0, Math.max(0, written.length - 1024)));
      return path;
    }
  }
}
