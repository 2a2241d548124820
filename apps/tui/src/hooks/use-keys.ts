import type { ApiKeyInfo, CreatedApiKey } from "@cmp/protocol";
import { useCallback, useEffect, useRef, useState } from "react";
import { explainKeysError, type KeysProblem } from "../api/explain-keys-error.js";
import type { ServerClient } from "../api/server-client.js";
import { checkKeyForm, emptyKeyForm, type KeyForm } from "../state/key-form.js";

/** The key list as the keys screen sees it. */
export type KeysLoad =
  | { state: "idle" }
  | { state: "loading"; previous: ApiKeyInfo[] | null }
  | { state: "ready"; keys: ApiKeyInfo[] }
  | { state: "error"; problem: KeysProblem; previous: ApiKeyInfo[] | null };

/** Where the keys screen is. */
export type KeysView =
  | { phase: "list"; notice: { tone: "ok" | "danger"; text: string } | null }
  | { phase: "form"; form: KeyForm; error: string | null; submitting: boolean }
  /** The new key, on screen until the user says it was copied; it is kept nowhere else. */
  | { phase: "created"; created: CreatedApiKey }
  | { phase: "confirm_revoke"; name: string }
  | { phase: "revoking"; name: string };

/** The keys screen's state and actions. */
export interface KeysController {
  load: KeysLoad;
  view: KeysView;
  /** Index of the selected key in the list. */
  selected: number;
  reload(): void;
  select(index: number): void;
  openForm(): void;
  /** Changes the form; an updater, so key presses that come faster than renders all count. */
  editForm(update: (form: KeyForm) => KeyForm): void;
  submitForm(): void;
  /** Asks to revoke the selected key. */
  askRevoke(): void;
  confirmRevoke(): void;
  /** Back to the list (cancels the form, dismisses the new key, keeps the key). */
  back(): void;
}

function keysOf(load: KeysLoad): ApiKeyInfo[] | null {
  if (load.state === "ready") return load.keys;
  if (load.state === "loading" || load.state === "error") return load.previous;
  return null;
}

/**
 * Loads `GET /v1/management/keys` when `enabled` first becomes true and on `reload()`, and runs the
 * create and revoke calls. A 403 (not an admin key) or 404 (no named keys on this server) is a state
 * of the screen, never a crash.
 */
export function useKeys(client: ServerClient, enabled: boolean): KeysController {
  const [load, setLoad] = useState<KeysLoad>({ state: "idle" });
  const [view, setView] = useState<KeysView>({ phase: "list", notice: null });
  const [selected, setSelected] = useState(0);
  const [generation, setGeneration] = useState(0);
  const loaded = useRef(-1);
  const mounted = useRef(true);
  const latest = useRef({ load, view, selected });
  latest.current = { load, view, selected };

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  useEffect(() => {
    if (!enabled || loaded.current === generation) return;
    loaded.current = generation;
    const controller = new AbortController();
    setLoad((current) => ({ state: "loading", previous: keysOf(current) }));
    let settled = false;
    client.listKeys(controller.signal).then(
      (keys) => {
        settled = true;
        setLoad({ state: "ready", keys });
        setSelected((s) => Math.max(0, Math.min(s, keys.length - 1)));
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        settled = true;
        setLoad((current) => ({
          state: "error",
          problem: explainKeysError(error),
          previous: keysOf(current),
        }));
      },
    );
    return () => {
      if (!settled) loaded.current = -1;
      controller.abort();
    };
  }, [client, enabled, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  const select = useCallback((index: number) => {
    const count = keysOf(latest.current.load)?.length ?? 0;
    setSelected(Math.max(0, Math.min(index, count - 1)));
  }, []);

  const openForm = useCallback(
    () => setView({ phase: "form", form: emptyKeyForm, error: null, submitting: false }),
    [],
  );

  const editForm = useCallback((update: (form: KeyForm) => KeyForm) => {
    setView((v) => (v.phase === "form" && !v.submitting ? { ...v, form: update(v.form), error: null } : v));
  }, []);

  const submitForm = useCallback(() => {
    const current = latest.current.view;
    if (current.phase !== "form" || current.submitting) return;
    const checked = checkKeyForm(current.form);
    if (!checked.ok) {
      setView({ ...current, form: { ...current.form, focus: checked.field }, error: checked.error });
      return;
    }
    setView({ ...current, error: null, submitting: true });
    client.createKey(checked.request).then(
      (created) => {
        if (!mounted.current) return;
        setView({ phase: "created", created });
        setGeneration((g) => g + 1);
      },
      (error: unknown) => {
        if (!mounted.current) return;
        const problem = explainKeysError(error);
        setView({ ...current, error: `${problem.message} ${problem.hint}`, submitting: false });
      },
    );
  }, [client]);

  const askRevoke = useCallback(() => {
    const { load: currentLoad, selected: index } = latest.current;
    const key = keysOf(currentLoad)?.[index];
    if (key) setView({ phase: "confirm_revoke", name: key.name });
  }, []);

  const confirmRevoke = useCallback(() => {
    const current = latest.current.view;
    if (current.phase !== "confirm_revoke") return;
    const { name } = current;
    setView({ phase: "revoking", name });
    client.revokeKey(name).then(
      () => {
        if (!mounted.current) return;
        setView({
          phase: "list",
          notice: { tone: "ok", text: `Revoked key "${name}": it is refused from now on.` },
        });
        setGeneration((g) => g + 1);
      },
      (error: unknown) => {
        if (!mounted.current) return;
        const problem = explainKeysError(error);
        setView({
          phase: "list",
          notice: { tone: "danger", text: `Revoking "${name}" failed: ${problem.message}` },
        });
      },
    );
  }, [client]);

  const back = useCallback(() => setView({ phase: "list", notice: null }), []);

  return {
    load,
    view,
    selected,
    reload,
    select,
    openForm,
    editForm,
    submitForm,
    askRevoke,
    confirmRevoke,
    back,
  };
}
