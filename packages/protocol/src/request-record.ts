import { z } from "zod";
import { timestampSchema } from "./timestamp.js";

/**
 * The APIs the server answers: `chat` (`POST /v1/chat/completions`), `responses` (`POST /v1/responses`),
 * `compact` (`POST /v1/responses/compact`), `messages` (Anthropic `POST /v1/messages`) and `ollama`
 * (`/api/chat`, `/api/generate`). Each new front door adds its value here.
 */
export const KNOWN_REQUEST_APIS = ["chat", "responses", "compact", "messages", "ollama"] as const;

/** One of {@link KNOWN_REQUEST_APIS}. */
export type KnownRequestApi = (typeof KNOWN_REQUEST_APIS)[number];

/**
 * The front door a request came through. Open-ended: the known values autocomplete, and any other
 * non-empty string is accepted, so a dashboard keeps showing requests from a newer server whose
 * front doors it does not know yet.
 */
export type RequestApi = KnownRequestApi | (string & {});

/** Schema of {@link RequestApi}: any non-empty string. */
export const requestApiSchema = z.custom<RequestApi>(
  (value) => typeof value === "string" && value.length > 0,
  { message: "expected the name of an API" },
);

/** Schema of {@link RequestUsage}. */
export const requestUsageSchema = z.object({
  input: z.number().nonnegative(),
  cached: z.number().nonnegative(),
  output: z.number().nonnegative(),
  reasoning: z.number().nonnegative(),
});

/** Token counts of one request: input (of which `cached`), output (of which `reasoning`). */
export type RequestUsage = z.infer<typeof requestUsageSchema>;

/** Schema of {@link RequestState}. */
export const requestStateSchema = z.enum(["running", "done", "error"]);

/** `running` until the response ends; then `done`, or `error` for a failure or an HTTP status ≥ 400. */
export type RequestState = z.infer<typeof requestStateSchema>;

/** Schema of {@link RequestRecord}. */
export const requestRecordSchema = z.object({
  /** Unique per server process. */
  id: z.string().min(1),
  startedAt: timestampSchema,
  /** The model the client asked for (`null` when the body named none). */
  model: z.string().nullable(),
  /** The backend slug it resolved to (`null` until resolved). */
  slug: z.string().nullable(),
  effort: z.string().nullable(),
  stream: z.boolean(),
  api: requestApiSchema,
  state: requestStateSchema,
  /** The HTTP status sent to the client; `null` while running. */
  status: z.number().int().nullable(),
  /** Milliseconds to the first token sent to the client. */
  ttftMs: z.number().nonnegative().nullable(),
  durationMs: z.number().nonnegative().nullable(),
  usage: requestUsageSchema.nullable(),
  /** What went wrong, in words; `null` unless `state` is `error` for a failure. */
  error: z.string().nullable(),
  /** The pool account that served it (its name), once one was chosen. Absent from older servers. */
  account: z.string().nullable().optional(),
  /** The name of the API key that made it (`null`: no key, or an unnamed `CMP_API_KEYS` key). Absent from older servers. */
  key: z.string().nullable().optional(),
  /** The backend's or the proxy's error code (`usage_limit_reached`, …), when it failed. Absent from older servers. */
  errorCode: z.string().nullable().optional(),
});

/**
 * What the dashboard and the log see of one API request. The management stream sends it (event
 * `request`) when the request starts and again when it ends.
 */
export type RequestRecord = z.infer<typeof requestRecordSchema>;
