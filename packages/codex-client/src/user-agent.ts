/**
 * Builds an honest `User-Agent` such as `chatgpt-max-proxy/0.1.0 (Node 20.19.1; linux x64)`.
 *
 * @example buildUserAgent({ product: "chatgpt-max-proxy", version: "0.1.0" })
 */
export function buildUserAgent({ product, version }: { product: string; version: string }): string {
  return `${product}/${version} (Node ${process.versions.node}; ${process.platform} ${process.arch})`;
}
