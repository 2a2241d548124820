import { ConfigError } from "@cmp/core";
import { render } from "ink";
import { createServerClient } from "./api/server-client.js";
import { App } from "./app.js";
import { loadConfig, type TuiConfig } from "./config.js";
import { createOAuthLoginDriver } from "./login/oauth-login-driver.js";

function readConfig(): TuiConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (ConfigError.isInstance(error)) {
      process.stderr.write(`cmp-tui: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

const config = readConfig();
const client = createServerClient({ baseUrl: config.serverUrl, apiKey: config.apiKey });
const loginDriver = createOAuthLoginDriver({
  home: config.home,
  issuer: config.authIssuer,
  callbackPort: config.callbackPort,
  callbackPortExplicit: config.callbackPortExplicit,
  codexHome: config.codexHome,
});

const instance = render(
  <App
    client={client}
    loginDriver={loginDriver}
    codexHome={config.codexHome}
    noColor={config.noColor}
    ssh={config.ssh}
  />,
);

for (const signal of ["SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => instance.unmount());
}

await instance.waitUntilExit();
process.exit(0);
