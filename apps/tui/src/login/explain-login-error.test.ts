import { describe, expect, it } from "vitest";
import { explainLoginError, redactSecrets } from "./explain-login-error.js";

const context = { codexHome: "/home/u/.codex" };
const failure = (code: string, message = "boom") => Object.assign(new Error(message), { code });

describe("explainLoginError", () => {
  it("tells the user what to do for the failures they can fix", () => {
    expect(explainLoginError(failure("device_auth_disabled"), "device", context).hint).toContain(
      "ChatGPT → Settings → Security",
    );
    expect(explainLoginError(failure("port_in_use"), "browser", context).hint).toContain(
      "Device code / Paste",
    );
    expect(explainLoginError(failure("state_mismatch"), "paste", context).message).toContain(
      "different login attempt",
    );
    expect(explainLoginError(failure("device_code_expired"), "device", context).message).toContain("expired");
    expect(
      explainLoginError(
        failure("codex_auth_not_found", "No Codex login at /x/auth.json."),
        "import",
        context,
      ),
    ).toEqual({
      message: "No Codex login at /x/auth.json.",
      hint: "Run `codex login` first, or set CODEX_HOME to the folder holding its auth.json.",
    });
  });

  it("says that a Codex agent identity cannot be imported and how to log in instead", () => {
    const explained = explainLoginError(failure("codex_agent_identity"), "import", context);
    expect(explained.message).toContain("agent identity");
    expect(explained.hint).toContain("its own ChatGPT login");
  });

  it("suggests the SSH-friendly flows when the browser flow fails for an unknown reason", () => {
    expect(explainLoginError(new Error("socket hang up"), "browser", context)).toEqual({
      message: "socket hang up",
      hint: "Press enter and try again; over SSH or without a local browser, use Device code or Paste.",
    });
  });

  it("removes tokens from any message", () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.abcdefghijklmnop";
    expect(redactSecrets(`bad token ${jwt} here`)).toBe("bad token [redacted] here");
    expect(redactSecrets("code=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-")).toBe("code=[redacted]");
    expect(
      explainLoginError(failure("token_exchange_failed", `refused ${jwt}`), "paste", context).message,
    ).not.toContain(jwt);
  });
});
