/**
 * An API error the router turns into a Coupa-style response: `{"errors": {"<model>": ["message"]}}`.
 * OAuth errors use RFC 6749's `{"error": "..."}` instead (see auth).
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly model: string,
    readonly messages: readonly string[],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`${status} ${model}: ${messages.join('; ')}`);
  }

  get body(): { errors: Record<string, readonly string[]> } {
    return { errors: { [this.model]: this.messages } };
  }
}

export const badRequest = (model: string, ...messages: string[]): ApiError => new ApiError(400, model, messages);
export const notFound = (model: string, message: string): ApiError => new ApiError(404, model, [message]);
