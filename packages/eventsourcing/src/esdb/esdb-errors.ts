/**
 * The client's command errors carry a string `type` (its ErrorType enum: "wrong-expected-version",
 * "stream-not-found", "stream-deleted", …). Matching on it keeps this adapter free of runtime imports of the
 * client, which is loaded only when a store is opened.
 */
export function errorType(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const type = (error as { type?: unknown }).type;
  return typeof type === "string" ? type : undefined;
}
