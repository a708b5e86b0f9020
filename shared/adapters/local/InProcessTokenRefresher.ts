// TokenRefresher that runs the refresh in this process: the token-refresh function's own code path
// (serveRefreshRequest, or its handler) without Lambda. For the CLI and tests; deployed pollers and
// actions use LambdaTokenRefresher, so that only the refresh function writes secrets.
import type { RefreshOutcome, RefreshRequest, TokenRefresher } from '../../tokens/TokenRefresher';

export class InProcessTokenRefresher implements TokenRefresher {
  /** `serve`: e.g. `(request) => serveRefreshRequest(deps, settings, request)`, or the Lambda handler. */
  constructor(private readonly serve: (request: RefreshRequest) => Promise<RefreshOutcome>) {}

  async refresh(request: RefreshRequest): Promise<RefreshOutcome> {
    // A copy through JSON, as the Lambda payload would be: the callee cannot share our objects.
    return this.serve(JSON.parse(JSON.stringify(request)) as RefreshRequest);
  }
}
