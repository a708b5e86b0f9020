import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { FileCheckpointStore, FilePayloadStore, JsonLinesPublisher } from '../../../shared/adapters/file';
import { checkpointStoreContract } from '../../support/contracts/checkpoint-store.contract';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'coupa-file-adapters-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileCheckpointStore', () => {
  checkpointStoreContract(() => new FileCheckpointStore(path.join(dir, 'state')));

  it('leaves no temporary or lock files behind', async () => {
    const store = new FileCheckpointStore(path.join(dir, 'clean'));
    await store.acquire('acme:users', 'r', Date.now() + 1000, Date.now());
    await store.release('acme:users', 'r');
    expect(await readdir(path.join(dir, 'clean'))).toEqual(['acme_users.checkpoint.json']);
  });
});

describe('JsonLinesPublisher', () => {
  it('appends one PutEvents entry per line', async () => {
    const file = path.join(dir, 'events.jsonl');
    const publisher = new JsonLinesPublisher(file, 'bus');
    const entry = { Source: 'coupa.acme', DetailType: 'Coupa User Updated', Detail: '{"a":1}', Time: '1970-01-01T00:00:00Z' };
    expect(await publisher.publish([entry, entry])).toEqual({ delivered: 2, deadLettered: 0, calls: 1 });
    await publisher.publish([entry]);
    const lines = (await readFile(file, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([1, 2, 3].map(() => ({ ...entry, EventBusName: 'bus' })));
  });
});

describe('FilePayloadStore', () => {
  it('stores the body and returns a reference with its size and digest, confined to its directory', async () => {
    const store = new FilePayloadStore(path.join(dir, 'payloads'));
    const body = JSON.stringify({ id: 1, big: 'x'.repeat(1000) });
    const ref = await store.put('acme/invoices/1/../../escape.json', body);
    expect(ref).toEqual({
      bucket: `file://${path.join(dir, 'payloads')}`,
      key: 'acme/invoices/1/../../escape.json',
      bytes: body.length,
      sha256: createHash('sha256').update(body).digest('hex'),
    });
    expect(await readFile(path.join(dir, 'payloads', 'acme', 'invoices', '1', 'escape.json'), 'utf8')).toBe(body);
  });

  it('putBytes writes the bytes as they are', async () => {
    const store = new FilePayloadStore(path.join(dir, 'files'));
    const bytes = new Uint8Array([0, 255, 1, 254, 0x80]);
    const ref = await store.putBytes('request/scan.bin', bytes, 'application/octet-stream');
    expect(ref).toEqual({
      bucket: `file://${path.join(dir, 'files')}`,
      key: 'request/scan.bin',
      bytes: 5,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    expect([...(await readFile(path.join(dir, 'files', 'request', 'scan.bin')))]).toEqual([...bytes]);
  });
});
