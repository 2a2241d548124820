import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** This server's version, from its package.json. */
export const SERVER_VERSION: string = (require("../package.json") as { version: string }).version;

/** The product name announced upstream in `User-Agent`. */
export const PRODUCT_NAME = "chatgpt-max-proxy";

/**
 * The default Codex client version (`CMP_CLIENT_VERSION` overrides it): the catalog's `client_version`
 * and the `version` header of every backend request. The backend hides and refuses models whose minimum
 * version is newer ("requires a newer version of Codex"), so it follows the official CLI's 0.15x series.
 */
export const CODEX_CLIENT_VERSION = "0.154.0";
