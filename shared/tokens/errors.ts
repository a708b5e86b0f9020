// Errors of the token module. Messages name secrets by id and fields by name; they never contain a
// secret's value (not even in `cause`: parse errors can quote their input, so they are not chained).

/** Base of every token-module error. */
export class TokenError extends Error {
  override name = 'Tokens.Error';
}

/** Thrown by a SecretStore when the secret (or its current value) does not exist. */
export class SecretNotFoundError extends TokenError {
  override name = 'Tokens.SecretNotFound';
  constructor(readonly secretId: string, options?: ErrorOptions) {
    super(`secret ${secretId} was not found, or has no current value`, options);
  }
}

/** Thrown by a SecretStore when the secret's value is not a JSON string. */
export class SecretFormatError extends TokenError {
  override name = 'Tokens.SecretFormat';
  constructor(readonly secretId: string, problem: string) {
    super(`secret ${secretId} ${problem}`);
  }
}

/** Thrown when the credentials secret lacks fields or has fields of the wrong kind. */
export class InvalidCredentialsError extends TokenError {
  override name = 'Tokens.InvalidCredentials';
  constructor(readonly secretId: string, readonly problems: readonly string[]) {
    super(`credentials secret ${secretId} is not usable: ${problems.join('; ')}`);
  }
}
