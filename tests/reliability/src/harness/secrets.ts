import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** Something an upstream fake recorded: the requests the proxy made to it. */
export interface RecordedLike {
  headers: Record<string, string>;
  body: unknown;
  rawBody: string;
}

const JWT_LIKE = /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/;
const BEARER = /bearer\s+(?!\[|<|\*|redacted)[A-Za-z0-9._~+/-]{12,}/i;

function stringField(body: unknown, name: string): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === "string" ? value : undefined;
}

/**
 * Every secret the test kit issued or the suite configured during a test: tokens, codes, verifiers,
 * API keys. Used to prove that none of them reaches logs or response bodies.
 */
export class SecretRegistry {
  private readonly secrets = new Set<string>();

  /** Adds one secret (and, for a JWT, its payload and signature parts on their own). */
  add(value: string | null | undefined): void {
    if (!value || value.length < 8) return;
    this.secrets.add(value);
    const parts = value.split(".");
    if (parts.length === 3) {
      for (const part of parts.slice(1)) if (part.length >= 16) this.secrets.add(part);
    }
    const random = /^(?:rt|ac)_(.{16,})$/.exec(value);
    if (random?.[1]) this.secrets.add(random[1]);
  }

  /** Adds every string value of a token set (`id_token`, `access_token`, `refresh_token`, …). */
  addTokens(tokens: object | null | undefined): void {
    if (!tokens) return;
    for (const [key, value] of Object.entries(tokens)) {
      if (typeof value === "string" && /token|code|verifier|key/i.test(key)) this.add(value);
    }
  }

  /** Adds the bearer tokens and grant secrets found in recorded upstream requests. */
  addFromRequests(requests: readonly RecordedLike[]): void {
    for (const request of requests) {
      const auth = request.headers["authorization"];
      if (auth) this.add(auth.replace(/^bearer\s+/i, ""));
      for (const name of [
        "refresh_token",
        "code",
        "code_verifier",
        "token",
        "device_auth_id",
        "authorization_code",
      ]) {
        this.add(stringField(request.body, name));
      }
    }
  }

  /** Adds the tokens of every `auth.json`-like file under `dir`. */
  addFromDataDir(dir: string): void {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (!name.endsWith(".json") || !statSync(path).isFile()) continue;
      try {
        const parsed = JSON.parse(readFileSync(path, "utf8")) as { tokens?: object };
        this.addTokens(parsed.tokens);
      } catch {
        // not JSON: not a token file
      }
    }
  }

  /** How many secrets are known. */
  get size(): number {
    return this.secrets.size;
  }

  /** Findings in `text`: which known secrets (shortened) or token-looking strings appear. */
  findIn(text: string): string[] {
    const found: string[] = [];
    for (const secret of this.secrets) {
      if (text.includes(secret)) found.push(`known secret ${secret.slice(0, 6)}…(${secret.length} chars)`);
    }
    const jwt = JWT_LIKE.exec(text);
    if (jwt) found.push(`JWT-shaped string ${jwt[0].slice(0, 12)}…`);
    const bearer = BEARER.exec(text);
    if (bearer) found.push(`bearer credential ${bearer[0].slice(0, 12)}…`);
    return found;
  }
}
