// StoredTokenProvider against Secrets Manager on moto, asking an in-process refresher (the refresh
// use case with a counting fake token endpoint): cache, single flight, one refresh per rejected token,
// eviction after failure, and no writes by the provider itself.
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerSecretStore } from '../../shared/adapters/aws/SecretsManagerSecretStore';
import { InProcessTokenRefresher } from '../../shared/adapters/local/InProcessTokenRefresher';
import { MemoryRefreshLease } from '../../shared/adapters/local/MemoryRefreshLease';
import { serveRefreshRequest } from '../../shared/tokens/serve-refresh-request';
import type { AccessToken, OAuthSettings } from '../../shared/coupa/auth';
import type { SecretStore } from '../../shared/tokens/SecretStore';
import { StoredTokenProvider } from '../../shared/tokens/StoredTokenProvider';
import { secretsManagerClient, uniqueName } from '../support/moto/clients';

const HOUR = 3600_000;
const T0 = Date.parse('2026-11-27T08:00:00Z');

function setup() {
  const client = secretsManagerClient();
  const inner = new SecretsManagerSecretStore(client);
  const reads: string[] = [];
  // What the provider gets: reads only.
  const secrets: SecretStore = {
    getJson: (id) => {
      reads.push(id);
      return inner.getJson(id);
    },
    putJson: () => Promise.reject(new Error('consumers never write secrets')),
  };
  let now = T0;
  let minted = 0;
  let failNext = false;
  const requestToken = jest.fn(async (_s: OAuthSettings): Promise<AccessToken> => {
    await new Promise((r) => setTimeout(r, 20)); // long enough for callers to pile up
    if (failNext) {
      failNext = false;
      throw new Error('token endpoint down');
    }
    minted += 1;
    return { accessToken: `token-${minted}`, tokenType: 'bearer', expiresAt: now + 24 * HOUR, scopes: ['core.common.read'] };
  });
  const ids = { credentialsSecretId: uniqueName('creds'), tokenSecretId: uniqueName('token') };
  const create = async () => {
    await client.send(
      new CreateSecretCommand({
        Name: ids.credentialsSecretId,
        SecretString: JSON.stringify({ host: 'https://acme.coupahost.com', clientId: 'id', clientSecret: 's3cr3t' }),
      }),
    );
    await client.send(new CreateSecretCommand({ Name: ids.tokenSecretId, SecretString: '{"placeholder":"x"}' }));
  };
  // The refresher, as the token-refresh function runs it (the only writer), in this process.
  const refreshDeps = { secrets: inner, requestToken, lease: new MemoryRefreshLease(), now: () => now };
  const refresher = new InProcessTokenRefresher((request) =>
    serveRefreshRequest(refreshDeps, { ...ids, minValidityMs: 6 * HOUR }, request),
  );
  const deps = { secrets, refresher, now: () => now };
  return {
    create,
    ids,
    deps,
    reads,
    requestToken,
    inner,
    provider: () => new StoredTokenProvider(deps, { tokenSecretId: ids.tokenSecretId }),
    advance: (ms: number) => {
      now += ms;
    },
    failOnce: () => {
      failNext = true;
    },
  };
}

test('cold start with no stored token: concurrent callers share one refresh, then the cache serves', async () => {
  const s = setup();
  await s.create();
  const p = s.provider();
  const tokens = await Promise.all(Array.from({ length: 10 }, () => p.getToken()));
  expect(new Set(tokens)).toEqual(new Set(['token-1']));
  expect(s.requestToken).toHaveBeenCalledTimes(1);
  const readsBefore = s.reads.length;
  expect(await p.getToken()).toBe('token-1');
  expect(s.reads.length).toBe(readsBefore); // served from memory
  expect(await s.inner.getJson(s.ids.tokenSecretId)).toMatchObject({ accessToken: 'token-1', tokenType: 'bearer' });
});

test('a burst of forced refreshes (401s) costs exactly one refresh', async () => {
  const s = setup();
  await s.create();
  const p = s.provider();
  expect(await p.getToken()).toBe('token-1');
  const tokens = await Promise.all(Array.from({ length: 5 }, () => p.getToken({ forceRefresh: true })));
  expect(new Set(tokens)).toEqual(new Set(['token-2']));
  expect(s.requestToken).toHaveBeenCalledTimes(2);
});

test('a rejected token already replaced by another invocation is not refreshed again', async () => {
  const s = setup();
  await s.create();
  const a = s.provider();
  const b = s.provider();
  expect(await a.getToken()).toBe('token-1');
  expect(await b.getToken({ forceRefresh: true })).toBe('token-2'); // b saw the 401 first
  expect(await a.getToken({ forceRefresh: true })).toBe('token-2'); // a reads b's token
  expect(s.requestToken).toHaveBeenCalledTimes(2);
});

test('near expiry the provider re-reads the secret and uses what the scheduled refresh stored', async () => {
  const s = setup();
  await s.create();
  const p = s.provider();
  expect(await p.getToken()).toBe('token-1');
  s.advance(24 * HOUR - 2 * 60_000); // inside the 5-minute margin
  await s.inner.putJson(s.ids.tokenSecretId, {
    accessToken: 'scheduled',
    tokenType: 'bearer',
    expiresAt: T0 + 40 * HOUR,
    scopes: [],
    host: 'https://acme.coupahost.com',
  });
  expect(await p.getToken()).toBe('scheduled');
  expect(s.requestToken).toHaveBeenCalledTimes(1);
});

test('a failed refresh is not cached: the next call tries again', async () => {
  const s = setup();
  await s.create();
  const p = s.provider();
  s.failOnce();
  await expect(p.getToken()).rejects.toThrow('token endpoint down');
  expect(await p.getToken()).toBe('token-1');
});

test('the host comes with the stored token (consumers never read the credentials secret)', async () => {
  const s = setup();
  await s.create();
  const p = s.provider();
  expect(await p.host()).toBe('https://acme.coupahost.com');
  expect(new Set(s.reads)).toEqual(new Set([s.ids.tokenSecretId]));
});
