/** HTML of the device page, where a person types the user code. */
export function renderDevicePage(message = ""): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Fake OpenAI – Device login</title></head>
<body><h1>Enter your one-time code</h1>
${message ? `<p>${message}</p>` : ""}
<form method="post" action="/codex/device">
<input name="user_code" placeholder="XXXX-XXXX" autofocus>
<button name="decision" value="approve">Continue</button>
<button name="decision" value="deny">Cancel</button>
</form></body></html>
`;
}

/** HTML of the page the device flow lands on after approval. */
export const DEVICE_CALLBACK_HTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Fake OpenAI – Signed in</title></head>
<body><h1>You're signed in</h1><p>You can return to your terminal.</p></body></html>
`;
