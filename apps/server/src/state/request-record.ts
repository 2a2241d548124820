/** Token counts of one request. */
export interface RecordUsage {
  input: number;
  cached: number;
  output: number;
  reasoning: number;
}

/** What the dashboard and the log see of one API request. */
export interface RequestRecord {
  id: string;
  startedAt: string;
  /** The model the client asked for. */
  model: string | null;
  /** The backend slug it resolved to. */
  slug: string | null;
  effort: string | null;
  stream: boolean;
  /** `chat` or `responses`. */
  api: "chat" | "responses";
  state: "running" | "done" | "error";
  status: number | null;
  ttftMs: number | null;
  durationMs: number | null;
  usage: RecordUsage | null;
  error: string | null;
}
