// Contract of the SecretStore port, run against Secrets Manager on moto and an in-memory store.
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerSecretStore } from '../../shared/adapters/aws/SecretsManagerSecretStore';
import { SecretFormatError, SecretNotFoundError } from '../../shared/tokens/errors';
import type { SecretStore } from '../../shared/tokens/SecretStore';
import { secretsManagerClient, uniqueName } from '../support/moto/clients';

interface Fixture {
  store: SecretStore;
  /** Creates a secret holding `text` verbatim (undefined: a secret without a value); returns its id. */
  create(text: string | undefined): Promise<string>;
}

class MemorySecretStore implements SecretStore {
  readonly values = new Map<string, string | undefined>();
  async getJson(id: string) {
    if (!this.values.has(id) || this.values.get(id) === undefined) throw new SecretNotFoundError(id);
    try {
      return JSON.parse(this.values.get(id)!) as unknown;
    } catch {
      throw new SecretFormatError(id, 'is not valid JSON');
    }
  }
  async putJson(id: string, value: unknown) {
    if (!this.values.has(id)) throw new SecretNotFoundError(id);
    this.values.set(id, JSON.stringify(value));
  }
}

const fixtures: Array<[string, () => Fixture]> = [
  [
    'SecretsManagerSecretStore (moto)',
    () => {
      const client = secretsManagerClient();
      return {
        store: new SecretsManagerSecretStore(client),
        async create(text) {
          const out = await client.send(
            new CreateSecretCommand({ Name: uniqueName('contract'), ...(text === undefined ? {} : { SecretString: text }) }),
          );
          return out.ARN!;
        },
      };
    },
  ],
  [
    'in-memory store',
    () => {
      const store = new MemorySecretStore();
      return {
        store,
        async create(text) {
          const id = uniqueName('mem');
          store.values.set(id, text);
          return id;
        },
      };
    },
  ],
];

describe.each(fixtures)('SecretStore contract: %s', (_name, make) => {
  let f: Fixture;
  beforeAll(() => {
    f = make();
  });

  test('round-trips JSON', async () => {
    const id = await f.create('{"a":1}');
    expect(await f.store.getJson(id)).toEqual({ a: 1 });
    await f.store.putJson(id, { b: [1, 2], c: 'x' });
    expect(await f.store.getJson(id)).toEqual({ b: [1, 2], c: 'x' });
  });

  test('a missing secret is SecretNotFoundError, for reads and writes', async () => {
    const id = uniqueName('missing');
    await expect(f.store.getJson(id)).rejects.toBeInstanceOf(SecretNotFoundError);
    await expect(f.store.putJson(id, {})).rejects.toBeInstanceOf(SecretNotFoundError);
  });

  test('a secret without a value is SecretNotFoundError', async () => {
    const id = await f.create(undefined);
    await expect(f.store.getJson(id)).rejects.toBeInstanceOf(SecretNotFoundError);
  });

  test('non-JSON content is SecretFormatError that does not quote the content', async () => {
    const id = await f.create('hunter2-not-json');
    const error = await f.store.getJson(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretFormatError);
    expect(String((error as Error).message)).not.toContain('hunter2');
    expect((error as Error).cause).toBeUndefined();
  });
});
