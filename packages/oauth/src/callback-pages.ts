function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function renderPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;line-height:1.5}</style>
</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p></body></html>`;
}

/** The page shown after a successful login. */
export function renderSuccessPage(): string {
  return renderPage(
    "Logged in to ChatGPT Max Proxy",
    "Your ChatGPT login is saved. You can close this tab and return to the terminal.",
  );
}

/** The page shown when the login failed or was declined. */
export function renderErrorPage(error: string, description: string | null): string {
  if (error === "access_denied") {
    const entitlement = description?.includes("missing_codex_entitlement");
    return renderPage(
      "Login cancelled",
      entitlement
        ? "Codex is not enabled for this ChatGPT workspace, so the proxy cannot use it. Ask the workspace admin, or log in with another account."
        : "Access was not granted, so nothing was saved. Run the login command again to retry.",
    );
  }
  return renderPage(
    "Login failed",
    `${error}${description ? `: ${description}` : ""}. Run the login command again to retry.`,
  );
}
