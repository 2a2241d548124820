import { OpenAIHttpError } from "@cmp/transform";
import type { Router } from "express";
import type { AppContext } from "../app-context.js";
import { echoText } from "../errors/echo-text.js";
import { expressRoute } from "../http/express-route.js";
import type { HttpContext } from "../http/http-context.js";

const UNSUPPORTED: [string, string][] = [
  [
    "/v1/embeddings",
    "Embeddings are not part of a ChatGPT subscription. Configure a separate embedding provider (the OpenAI API with an API key, or a local model such as Ollama).",
  ],
  [
    "/v1/completions",
    "The legacy Completions API (and fill-in-the-middle autocomplete) is not available through ChatGPT. Use POST /v1/chat/completions or POST /v1/responses.",
  ],
  [
    "/v1/images{/*rest}",
    "Image endpoints are not available through this proxy. Use the OpenAI API with an API key.",
  ],
  [
    "/v1/audio{/*rest}",
    "Audio endpoints are not available through this proxy. Use the OpenAI API with an API key.",
  ],
  ["/v1/moderations", "Moderations are not available through ChatGPT. Use the OpenAI API with an API key."],
  [
    "/v1/files{/*rest}",
    "Files are not stored by this proxy (the backend is stateless). Send content inline in messages.",
  ],
  [
    "/v1/batches{/*rest}",
    "Batches are not available through ChatGPT. Send individual requests to POST /v1/chat/completions.",
  ],
  [
    "/v1/fine_tuning{/*rest}",
    "Fine-tuning is not available through ChatGPT. Use the OpenAI API with an API key.",
  ],
  [
    "/v1/assistants{/*rest}",
    "The Assistants API is not available. Use POST /v1/responses or POST /v1/chat/completions and keep the conversation on the client.",
  ],
  [
    "/v1/threads{/*rest}",
    "The Assistants API (threads) is not available. Use POST /v1/responses or POST /v1/chat/completions and keep the conversation on the client.",
  ],
];

type Refusal = (http: HttpContext) => OpenAIHttpError;

/**
 * 404 `unsupported_endpoint` for an OpenAI endpoint a ChatGPT subscription cannot serve, saying what to
 * use instead. Not a 501: the OpenAI SDKs retry every 5xx (twice, with backoff), and `x-should-retry:
 * false` makes sure no client retries what can never succeed.
 */
const unsupported =
  (message: string): Refusal =>
  (http) =>
    new OpenAIHttpError({
      status: 404,
      type: "invalid_request_error",
      code: "unsupported_endpoint",
      headers: { "x-should-retry": "false" },
      message: `${http.method} ${echoText(http.path)} is not supported by ChatGPT Max Proxy. ${message}`,
    });

/** 405 (with `Allow`) for a known path called with the wrong method. */
const methodNotAllowed =
  (methods: string[]): Refusal =>
  (http) =>
    new OpenAIHttpError({
      status: 405,
      code: "method_not_allowed",
      message: `${http.method} is not allowed on ${echoText(http.path)}; use ${methods.join(" or ")}.`,
      headers: { allow: methods.join(", ") },
    });

/**
 * Registers the refusals: the OpenAI endpoints a subscription cannot serve (404), then the known paths
 * (`routes`: path and allowed methods) for any other method (405).
 */
export function registerRefusals(router: Router, app: AppContext, routes: [string, string[]][]): void {
  const refusals: [string, Refusal][] = [
    ...UNSUPPORTED.map(([path, message]): [string, Refusal] => [path, unsupported(message)]),
    ...routes.map(([path, methods]): [string, Refusal] => [path, methodNotAllowed(methods)]),
  ];
  for (const [path, refusal] of refusals) {
    router.all(
      path,
      expressRoute(app, (_app, http) => {
        throw refusal(http);
      }),
    );
  }
}

/** JSON 404 for any path no route matched. */
export function registerNotFound(router: Router, app: AppContext): void {
  router.use(
    expressRoute(app, (_app, http) => {
      throw new OpenAIHttpError({
        status: 404,
        code: "not_found",
        message: `Unknown route ${http.method} ${echoText(http.originalPath)}. This server answers POST /v1/chat/completions, POST /v1/responses, POST /v1/responses/compact, GET /v1/models, GET /v1/status and GET /health.`,
      });
    }),
  );
}
