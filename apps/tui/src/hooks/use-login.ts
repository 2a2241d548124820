import { DEFAULT_ACCOUNT_NAME } from "@cmp/oauth";
import { useCallback, useEffect, useRef, useState } from "react";
import { explainLoginError, type LoginProblem } from "../login/explain-login-error.js";
import type { LoginDriver, LoginInfo, LoginMethod, LoginPrompt } from "../login/login-driver.js";
import { accountNameProblem } from "../login/validate-account-name.js";

/** Where the login screen is. */
export type LoginView =
  | { phase: "menu" }
  /** Typing the account name the next login is saved as; `problem` says why the draft is not valid. */
  | { phase: "naming"; draft: string; problem: string | null }
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
  /** The account name logins are saved as and logouts remove (default `default`). */
  name: string;
  /** The account names with a saved login; `undefined` while they are being read. */
  saved: string[] | undefined;
  /** The stored login of `name`; `undefined` while it is being read. */
  current: LoginInfo | null | undefined;
  start(method: LoginMethod): void;
  /** Opens the account-name field. */
  editName(): void;
  /** Replaces the draft name (checked as it is typed). */
  typeName(draft: string): void;
  /** Keeps `draft` as the account name when it is valid, else says why not. */
  submitName(draft: string): void;
  cancel(): void;
  submitPaste(url: string): void;
  askLogout(): void;
  confirmLogout(): void;
  back(): void;
}

/** Runs login flows through `driver` and tracks what the login screen shows. */
export function useLogin(driver: LoginDriver, context: { codexHome: string }): LoginController {
  const [view, setView] = useState<LoginView>({ phase: "menu" });
  const [name, setName] = useState(DEFAULT_ACCOUNT_NAME);
  const [saved, setSaved] = useState<string[] | undefined>(undefined);
  const [current, setCurrent] = useState<LoginInfo | null | undefined>(undefined);
  const attempt = useRef<AbortController | null>(null);
  const paste = useRef<((url: string) => void) | null>(null);
  const mounted = useRef(true);
  const nameRef = useRef(name);
  nameRef.current = name;

  const reloadCurrent = useCallback(() => {
    // A read for a name that was changed meanwhile is dropped.
    const mine = () => mounted.current && nameRef.current === name;
    driver.current(name).then(
      (info) => mine() && setCurrent(info),
      () => mine() && setCurrent(null),
    );
    driver.names().then(
      (names) => mounted.current && setSaved(names),
      () => mounted.current && setSaved([]),
    );
  }, [driver, name]);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      attempt.current?.abort();
    };
  }, []);

  // Apart from the effect above: a new account name re-reads its login but must not abort a login
  // that started in the same moment.
  useEffect(() => {
    reloadCurrent();
  }, [reloadCurrent]);

  const start = useCallback(
    (method: LoginMethod) => {
      attempt.current?.abort();
      const controller = new AbortController();
      attempt.current = controller;
      setView({ phase: "working", method, prompt: null, pasteSubmitted: false });
      driver
        .login(name, method, {
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
            driver.names().then(
              (names) => mounted.current && setSaved(names),
              () => {},
            );
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
    [driver, context, name],
  );

  const editName = useCallback(() => setView({ phase: "naming", draft: name, problem: null }), [name]);

  const typeName = useCallback((draft: string) => {
    setView((v) =>
      v.phase === "naming" ? { ...v, draft, problem: draft === "" ? null : accountNameProblem(draft) } : v,
    );
  }, []);

  const submitName = useCallback((draft: string) => {
    const problem = accountNameProblem(draft);
    if (problem !== null) {
      setView((v) => (v.phase === "naming" ? { ...v, draft, problem } : v));
      return;
    }
    // Another account's login must not show under the new name while its own is read.
    if (nameRef.current !== draft) setCurrent(undefined);
    setName(draft);
    setView({ phase: "menu" });
  }, []);

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
    driver.logout(name).then(
      () => {
        if (!mounted.current) return;
        setCurrent(null);
        setView({ phase: "logged_out" });
        reloadCurrent();
      },
      (error: unknown) => {
        if (!mounted.current) return;
        const message = explainLoginError(error, "browser", context).message;
        setView({ phase: "logout_failed", message });
        reloadCurrent();
      },
    );
  }, [driver, context, name, reloadCurrent]);

  const back = useCallback(() => {
    setView({ phase: "menu" });
    reloadCurrent();
  }, [reloadCurrent]);

  return {
    view,
    name,
    saved,
    current,
    start,
    editName,
    typeName,
    submitName,
    cancel,
    submitPaste,
    askLogout,
    confirmLogout,
    back,
  };
}
