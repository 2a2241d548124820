/**
 * The id of an answer in the client's API: `prefix` + the backend response id without its `resp_`
 * (so logs of both sides match), or `prefix` + a random hex id when the backend sent none.
 */
export function responseOutputId(prefix: string, responseId: string | null): string {
  return responseId
    ? `${prefix}${responseId.replace(/^resp_/, "")}`
    : `${prefix}${crypto.randomUUID().replaceAll("-", "")}`;
}
