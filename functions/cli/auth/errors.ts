// Why `auth login` failed. Messages say what to do next; they never carry a code, token or secret.

/** Base of the login errors; the CLI prints `name` as errorType. */
export class LoginError extends Error {
  override name = 'Login.Failed';
}

/** Thrown when the redirect's `state` is missing or is not this login's: nothing is exchanged. */
export class LoginStateError extends LoginError {
  override name = 'Login.StateMismatch';
}

/** Thrown when Coupa redirected with `error=` (the person declined, or the client is misconfigured). */
export class LoginDeniedError extends LoginError {
  override name = 'Login.Denied';
}

/** Thrown when no redirect arrived in time. */
export class LoginTimeoutError extends LoginError {
  override name = 'Login.Timeout';
}
