/** The most characters of client input an error message repeats back. */
export const MAX_ECHO_LENGTH = 200;

/**
 * Client input (a model name, a path) as an error message may repeat it: cut to
 * {@link MAX_ECHO_LENGTH} characters plus `…`, so a 1 MiB model name does not come back as a 1 MiB error.
 */
export function echoText(text: string): string {
  return text.length > MAX_ECHO_LENGTH ? `${text.slice(0, MAX_ECHO_LENGTH)}…` : text;
}
