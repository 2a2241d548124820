import { useCallback, useEffect, useRef, useState } from "react";
import { explainLoginError, type LoginProblem } from "../login/explain-login-error.js";
import type { LoginDriver, LoginInfo, LoginMethod, LoginPrompt } from "../login/login-driver.js";

/** Where the login screen is. */
export type LoginView =
  | { phase: "menu" }
  | { phase: "working"; method: LoginMethod; prompt: LoginPrompt | null; pasteSubmitted: boolean }
  | { phase: "success"; method: LoginMethod; info: LoginInfo }
  | { phase: "error"; method: LoginMethod; problem: LoginProblem }
  | { phase: "confirm_logout" }
  | { phase: "logging_out" }
  | { phase: "logged_out" }
  | { phase: "logout_failed"; message: string };

/** The login screen's state and actions. */
export interface LoginController {
  view: LoginView;
  /** The stored login; `undefined` while it is being read. */
  current: LoginInfo | null | undefined;
  start(method: LoginMethod): void;
  cancel(): void;
  submitPaste(url: string): void;
  askLogout(): void;
  confirmLogout(): void;
  back(): void;
}

/** Runs login flows through `driver` and tracks what the login screen shows. */
export function useLogin(driver: LoginDriver, context: { codexHome: string }): LoginController {
  const [view, setView] = useState<LoginView>({ phase: "menu" });
  const [current, setCurrent] = useState<LoginInfo | null | undefined>(undefined);
  const attempt = useRef<AbortController | null>(null);
  const paste = useRef<((url: string) => void) | null>(null);
  const mounted = useRef(true);

  const reloadCurrent = useCallback(() => {
    driver.current().then(
      (info) => mounted.current && setCurrent(info),
      () => mounted.current && setCurrent(null),
    );
  }, [driver]);

  useEffect(() => {
    mounted.current = true;
    reloadCurrent();
    return () => {
      mounted.current = false;
      attempt.current?.abort();
    };
  }, [reloadCurrent]);

  const start = useCallback(
    (method: LoginMethod) => {
      attempt.current?.abort();
      const controller = new AbortController();
      attempt.current = controller;
      setView({ phase: "working", method, prompt: null, pasteSubmitted: false });
      driver
        .login(method, {
          signal: controller.signal,
          onPrompt: (prompt) => {
            if (!controller.signal.aborted && mounted.current) {
              setView({ phase: "working", method, prompt, pasteSubmitted: false });
            }
          },
          readPastedUrl: () =>
            new Promise<string>((resolve, reject) => {
              paste.current = resolve;
              controller.signal.addEventListener("abort", () => reject(new Error("cancelled")), {
                once: true,
              });
            }),
        })
        .then(
          (info) => {
            if (controller.signal.aborted || !mounted.current) return;
            setCurrent(info);
            setView({ phase: "success", method, info });
          },
          (error: unknown) => {
            if (controller.signal.aborted || !mounted.current) return;
            setView({ phase: "error", method, problem: explainLoginError(error, method, context) });
          },
        )
        .finally(() => {
          if (attempt.current === controller) attempt.current = null;
          paste.current = null;
        });
    },
    [driver, context],
  );

  const cancel = useCallback(() => {
    attempt.current?.abort();
    attempt.current = null;
    paste.current = null;
    setView({ phase: "menu" });
  }, []);

  const submitPaste = useCallback((url: string) => {
    const resolve = paste.current;
    if (!resolve || url.trim() === "") return;
    paste.current = null;
    setView((v) => (v.phase === "working" ? { ...v, pasteSubmitted: true } : v));
    resolve(url.trim());
  }, []);

  const askLogout = useCallback(() => setView({ phase: "confirm_logout" }), []);

  const confirmLogout = useCallback(() => {
    setView({ phase: "logging_out" });
    driver.logout().then(
      () => {
        if (!mounted.current) return;
        setCurrent(null);
        setView({ phase: "logged_out" });
      },
      (error: unknown) => {
        if (!mounted.current) return;
        const message = explainLoginError(error, "browser", context).message;
        setView({ phase: "logout_failed", message });
        reloadCurrent();
      },
    );
  }, [driver, context, reloadCurrent]);

  const back = useCallback(() => {
    setView({ phase: "menu" });
    reloadCurrent();
  }, [reloadCurrent]);

  return { view, current, start, cancel, submitPaste, askLogout, confirmLogout, back };
}
