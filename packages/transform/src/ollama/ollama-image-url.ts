import { createInvalidRequestError } from "../errors/openai-http-error.js";

/** The leading base64 characters of each image format the backend reads (its magic bytes, encoded). */
const SIGNATURES: readonly (readonly [prefix: string, mime: string])[] = [
  ["iVBORw0KGgo", "image/png"],
  ["/9j/", "image/jpeg"],
  ["R0lGOD", "image/gif"],
  ["UklGR", "image/webp"],
];

/**
 * An Ollama image (base64 bytes without a type, or a base64 `data:` URL) as the `data:` URL the
 * backend takes. Ollama's images carry no media type, so it is read from the image's first bytes.
 * @throws {OpenAIHttpError} 400 for an image that is not PNG, JPEG, GIF or WebP.
 */
export function toImageDataUrl(image: string, param: string): string {
  if (image.startsWith("data:")) return image;
  const base64 = image.replace(/\s+/g, "");
  for (const [prefix, mime] of SIGNATURES) {
    if (base64.startsWith(prefix)) return `data:${mime};base64,${base64}`;
  }
  throw createInvalidRequestError(
    `${param} is not a PNG, JPEG, GIF or WebP image: those are the formats the ChatGPT backend reads.`,
    param,
    "invalid_image",
  );
}
