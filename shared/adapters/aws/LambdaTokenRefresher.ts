// TokenRefresher as a synchronous invoke of the token-refresh function (RequestResponse). The payload
// names a rejected token only by its SHA-256; the answer carries no token either: the caller reads the
// token secret, so the token travels only where the secret's IAM and KMS policies allow.
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { TokenError, TokenRefreshFailedError } from '../../tokens/errors';
import type { RefreshOutcome, RefreshRequest, TokenRefresher } from '../../tokens/TokenRefresher';

export class LambdaTokenRefresher implements TokenRefresher {
  constructor(
    private readonly client: LambdaClient,
    /** Name or ARN of the token-refresh function. */
    private readonly functionName: string,
  ) {}

  async refresh(request: RefreshRequest): Promise<RefreshOutcome> {
    const out = await this.client.send(
      new InvokeCommand({
        FunctionName: this.functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(request)),
      }),
    );
    const body = parse(out.Payload ? new TextDecoder().decode(out.Payload) : '');
    if (out.FunctionError) {
      const { errorType, errorMessage } = (body ?? {}) as { errorType?: unknown; errorMessage?: unknown };
      throw new TokenRefreshFailedError(this.functionName, text(errorType), text(errorMessage));
    }
    const { refreshed, expiresAt } = (body ?? {}) as Partial<RefreshOutcome>;
    if (typeof refreshed !== 'boolean' || typeof expiresAt !== 'string') {
      throw new TokenError(`the token-refresh function ${this.functionName} answered without {refreshed, expiresAt}`);
    }
    return { refreshed, expiresAt };
  }
}

function parse(payload: string): unknown {
  try {
    return JSON.parse(payload) as unknown;
  } catch {
    return undefined;
  }
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
