// Test fixture: saves logins in a loop (printing "ready" after the first) until it is killed.
import { createFileTokenStore } from "../file-token-store.js";

const path = process.argv[2];
if (!path) throw new Error("usage: write-loop.ts <auth.json>");
const store = createFileTokenStore({ path });
let round = 0;
for (;;) {
  round += 1;
  await store.set({
    idToken: `id-${round}`,
    accessToken: `at-${round}`,
    refreshToken: `rt-${round}`,
    accountId: "acc_test",
    lastRefresh: new Date().toISOString(),
  });
  if (round === 1) process.stdout.write("ready\n");
}
