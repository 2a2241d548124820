import { ensureBuilt } from "./e2e-environment.js";

/** Builds the server and the dashboard once before the end-to-end test when they are missing or stale. */
export default async function setup(): Promise<void> {
  await ensureBuilt();
}
