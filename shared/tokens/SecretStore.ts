/**
 * Port: a store of JSON secrets addressed by id (an ARN or name). Adapters translate their own
 * "not found" into {@link SecretNotFoundError} and malformed content into {@link SecretFormatError};
 * neither error ever carries the secret's content.
 */
export interface SecretStore {
  /** The current value parsed as JSON. */
  getJson(id: string): Promise<unknown>;
  /** Replaces the current value with `JSON.stringify(value)`. */
  putJson(id: string, value: unknown): Promise<void>;
}
