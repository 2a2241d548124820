import { useCallback, useEffect, useRef, useState } from "react";
import type { ModelInfo } from "../api/model-list.js";
import type { ServerClient } from "../api/server-client.js";

/** The model catalog as the models screen sees it. */
export type ModelsState =
  | { state: "idle" }
  | { state: "loading"; previous: ModelInfo[] | null }
  | { state: "ready"; models: ModelInfo[] }
  | { state: "error"; message: string; previous: ModelInfo[] | null };

function previousOf(state: ModelsState): ModelInfo[] | null {
  if (state.state === "ready") return state.models;
  if (state.state === "loading" || state.state === "error") return state.previous;
  return null;
}

/** Loads `/v1/models` when `enabled` first becomes true and again on `reload()`. */
export function useModels(
  client: ServerClient,
  enabled: boolean,
): { models: ModelsState; reload: () => void } {
  const [models, setModels] = useState<ModelsState>({ state: "idle" });
  const [generation, setGeneration] = useState(0);
  const loaded = useRef(-1);

  useEffect(() => {
    if (!enabled || loaded.current === generation) return;
    loaded.current = generation;
    const controller = new AbortController();
    setModels((current) => ({ state: "loading", previous: previousOf(current) }));
    let settled = false;
    client.getModels(controller.signal).then(
      (list) => {
        settled = true;
        setModels({ state: "ready", models: list });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        settled = true;
        const message = error instanceof Error ? error.message : "cannot load models";
        setModels((current) => ({ state: "error", message, previous: previousOf(current) }));
      },
    );
    return () => {
      if (!settled) loaded.current = -1;
      controller.abort();
    };
  }, [client, enabled, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { models, reload };
}
