import { randomBytes } from "node:crypto";
import { computeS256Challenge } from "../pkce.js";

/** A PKCE pair for tests. */
export function makePkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString("base64url");
  return { verifier, challenge: computeS256Challenge(verifier) };
}
