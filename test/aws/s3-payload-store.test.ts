// S3PayloadStore against S3 on moto (path-style client): round trip, DataRef, key rules.
import { createHash } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { S3PayloadStore } from '../../shared/adapters/aws/S3PayloadStore';
import { s3Client, uniqueName } from '../support/moto/clients';

const client = s3Client();
let bucket: string;

beforeAll(async () => {
  bucket = uniqueName('payloads');
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
});

describe('S3PayloadStore (moto)', () => {
  it('stores the body as JSON under the prefix and returns its size and SHA-256', async () => {
    const store = new S3PayloadStore({ client, bucket, prefix: 'records' });
    const body = JSON.stringify({ id: 123, note: 'naïve café ✓', big: 'x'.repeat(300_000) });

    const ref = await store.put('acme/invoices/123/2026-11-27T080000Z.json', body);

    expect(ref).toEqual({
      bucket,
      key: 'records/acme/invoices/123/2026-11-27T080000Z.json',
      bytes: Buffer.byteLength(body, 'utf8'),
      sha256: createHash('sha256').update(body, 'utf8').digest('hex'),
    });
    const object = await client.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
    expect(object.ContentType).toBe('application/json');
    expect(await object.Body!.transformToString('utf8')).toBe(body);
    const head = await client.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key, ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumSHA256).toBe(Buffer.from(ref.sha256, 'hex').toString('base64'));
  });

  it('putBytes stores a file byte for byte under its content type, checksummed', async () => {
    const bytes = new Uint8Array(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256)).subarray(100); // a view with an offset
    const ref = await new S3PayloadStore({ client, bucket, prefix: 'files/' }).putBytes('acme/scan.png', bytes, 'image/png');
    expect(ref).toEqual({
      bucket,
      key: 'files/acme/scan.png',
      bytes: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    const object = await client.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
    expect(object.ContentType).toBe('image/png');
    expect(Buffer.compare(Buffer.from(await object.Body!.transformToByteArray()), Buffer.from(bytes))).toBe(0);
  });

  it('uses the key as given when there is no prefix', async () => {
    const ref = await new S3PayloadStore({ client, bucket }).put('acme/users/1/2026-11-27T080000Z.json', '{}');
    expect(ref.key).toBe('acme/users/1/2026-11-27T080000Z.json');
    expect(ref.bytes).toBe(2);
  });

  it.each(['acme/invoices/../../escape.json', '../escape.json', 'acme/./x.json', '/absolute.json', ''])(
    'rejects the key %j before any request',
    async (key) => {
      const send = jest.spyOn(client, 'send');
      await expect(new S3PayloadStore({ client, bucket }).put(key, '{}')).rejects.toThrow(/Payload key/);
      expect(send).not.toHaveBeenCalled();
      send.mockRestore();
    },
  );
});
