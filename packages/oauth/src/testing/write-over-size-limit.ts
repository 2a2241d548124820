// Test fixture, run under `ulimit -f`: tries to save a login far larger than the limit and prints the
// error code it got (or "written").
import { createFileTokenStore } from "../file-token-store.js";
import { OAuthError } from "../oauth-errors.js";

// A write past the limit then fails with EFBIG, as on a full disk, instead of killing the process.
process.on("SIGXFSZ", () => undefined);

const path = process.argv[2];
if (!path) throw new Error("usage: write-over-size-limit.ts <auth.json>");
try {
  await createFileTokenStore({ path }).set({
    idToken: "id-big",
    accessToken: "a".repeat(2 * 1024 * 1024),
    refreshToken: "rt-big",
    accountId: "acc_test",
    lastRefresh: new Date().toISOString(),
  });
  process.stdout.write("written\n");
} catch (error) {
  process.stdout.write(`${OAuthError.isInstance(error) ? error.code : String(error)}\n`);
}
