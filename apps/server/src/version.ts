import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** This server's version, from its package.json. */
export const SERVER_VERSION: string = (require("../package.json") as { version: string }).version;

/** The product name announced upstream in `User-Agent`. */
export const PRODUCT_NAME = "chatgpt-max-proxy";

/** The Codex `client_version` sent with catalog requests (the backend gates newer models on it). */
export const CODEX_CLIENT_VERSION = "0.146.0";
