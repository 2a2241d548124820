import { CmpError } from "./cmp-error.js";

/**
 * A configuration value an app cannot use: the server's and the dashboard's `loadConfig(env)` throw it
 * at start-up, with a message that names the variable and what it accepts.
 */
export class ConfigError extends CmpError<"invalid_config"> {
  constructor(message: string) {
    super("ConfigError", { code: "invalid_config", message });
  }

  /** True for any `ConfigError`, even one from another copy of this package. */
  static override isInstance(error: unknown): error is ConfigError {
    return CmpError.hasMarker(error, "cmp.error.ConfigError");
  }
}
