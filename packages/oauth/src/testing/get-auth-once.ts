// Test fixture: loads an expired login, prints "ready", and refreshes it once when stdin says "go".
import { createInterface } from "node:readline";
import { createFileTokenStore } from "../file-token-store.js";
import { createTokenManager } from "../token-manager.js";

const [path, issuer] = process.argv.slice(2);
if (!path || !issuer) throw new Error("usage: get-auth-once.ts <auth.json> <issuer>");
const manager = createTokenManager({ store: createFileTokenStore({ path }), issuer });
// Load the expired login now, so both processes hold it in memory when they race to refresh it.
await manager.getStatus();
process.stdout.write("ready\n");
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line !== "go") continue;
  try {
    const auth = await manager.getAuth();
    process.stdout.write(`${JSON.stringify({ accessToken: auth.accessToken })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: String(error) })}\n`);
  }
  break;
}
lines.close();
