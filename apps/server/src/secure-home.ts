import { chmod, mkdir, stat } from "node:fs/promises";
import { ConfigError } from "@cmp/core";

/** Options of {@link secureHome}. */
export interface SecureHomeOptions {
  /** Create the folder (mode 0700) when it is missing; otherwise a missing folder is left alone. */
  create: boolean;
}

/**
 * Makes `CMP_HOME` private before anything reads or writes the login in it: created with mode 0700,
 * and an existing folder that other users can enter or read (group/world bits) is tightened to 0700.
 * `mkdir` never changes the mode of a folder that already exists, and `auth.json` (0600) is not the
 * only file there: the cached catalog and prompts name the account. Returns the old mode when it was
 * tightened (for one line in the log), else `null`. Throws `ConfigError` saying what to do when the
 * folder is not a folder or cannot be tightened (someone else owns it).
 */
export async function secureHome(home: string, options: SecureHomeOptions): Promise<number | null> {
  if (options.create) await mkdir(home, { recursive: true, mode: 0o700 });
  let mode: number;
  try {
    const info = await stat(home);
    if (!info.isDirectory()) throw new ConfigError(`CMP_HOME (${home}) is not a folder.`);
    mode = info.mode & 0o777;
  } catch (error) {
    if (ConfigError.isInstance(error)) throw error;
    if ((error as NodeJS.ErrnoException).code === "ENOENT" && !options.create) return null;
    throw error;
  }
  if ((mode & 0o077) === 0) return null;
  try {
    await chmod(home, mode & 0o700);
    return mode;
  } catch (error) {
    throw new ConfigError(
      `CMP_HOME (${home}) can be read by other users (mode ${mode.toString(8)}) and could not be made private (${(error as NodeJS.ErrnoException).code ?? "chmod failed"}). Run \`chmod 700 ${home}\` as its owner, or set CMP_HOME to a folder of your own.`,
    );
  }
}
