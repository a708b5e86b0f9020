// Errors of the token module. Messages name secrets by id and fields by name; they never contain a
// secret's value (not even in `cause`: parse errors can quote their input, so they are not chained).

/** Base of every token-module error. */
export class TokenError extends Error {
  override name = 'Tokens.Error';
}

/** Thrown by a SecretStore when the secret (or its current value) does not exist. */
export class SecretNotFoundError extends TokenError {
  override name = 'Tokens.SecretNotFound';
  constructor(
    readonly secretId: string,
    options?: ErrorOptions,
  ) {
    super(`secret ${secretId} was not found, or has no current value`, options);
  }
}

/** Thrown by a SecretStore when the secret's value is not a JSON string. */
export class SecretFormatError extends TokenError {
  override name = 'Tokens.SecretFormat';
  constructor(
    readonly secretId: string,
    problem: string,
  ) {
    super(`secret ${secretId} ${problem}`);
  }
}

/** Thrown when the credentials secret lacks fields or has fields of the wrong kind. */
export class InvalidCredentialsError extends TokenError {
  override name = 'Tokens.InvalidCredentials';
  constructor(
    readonly secretId: string,
    readonly problems: readonly string[],
  ) {
    super(`credentials secret ${secretId} is not usable: ${problems.join('; ')}`);
  }
}

/** Thrown by the refresher when another refresh held the lease for longer than it may wait. */
export class TokenRefreshBusyError extends TokenError {
  override name = 'Tokens.RefreshBusy';
  constructor(waitedMs: number) {
    super(`another token refresh held the lease for more than ${Math.round(waitedMs / 1000)} s; try again shortly`);
  }
}

/**
 * Thrown by the refresher after Coupa rotated the refresh token and the credentials secret would not
 * take the new one (the access token was stored; it works until it expires). `kept`: the new refresh
 * token waits in the lease table and the next refresh uses and stores it; otherwise it is lost.
 */
export class RefreshTokenNotStoredError extends TokenError {
  override name = 'Tokens.RefreshTokenNotStored';
  constructor(
    readonly secretId: string,
    readonly kept: boolean,
    options?: ErrorOptions,
  ) {
    super(
      kept
        ? `Coupa rotated the refresh token but credentials secret ${secretId} could not be written; the new refresh token is kept in the ` +
            "token lease table and the next refresh uses it and stores it again. Fix the token-refresh function's access to the secret " +
            '(IAM, KMS); if refreshes then fail with invalid_grant, run `auth login --secret-id` again'
        : `Coupa rotated the refresh token but neither credentials secret ${secretId} nor the token lease table could store the new one: ` +
            'the stored refresh token no longer works. Run `auth login --secret-id` again',
      options,
    );
  }
}

/**
 * Thrown by a TokenRefresher adapter when the token-refresh function failed. `name` is the function's
 * own error name when it is one of ours (`Coupa.Unauthorized`, `Tokens.RefreshBusy`…), so callers
 * (Step Functions Retry/Catch) see what really failed.
 */
export class TokenRefreshFailedError extends TokenError {
  override name = 'Tokens.RefreshFailed';
  constructor(functionName: string, errorType: string | undefined, errorMessage: string | undefined) {
    super(`the token-refresh function ${functionName} failed: ${errorType ?? 'error'}: ${(errorMessage ?? 'no message').slice(0, 500)}`);
    if (errorType && /^(Coupa|Tokens)\.[A-Za-z]+$/.test(errorType)) this.name = errorType;
  }
}
