// The redrive core with in-memory ports: which entry each dead-letter shape yields, and that a message
// is deleted only once the bus accepted its entry (the wire formats and the AWS adapters are covered on
// moto in test/aws/redrive.test.ts).
import { createHash } from 'node:crypto';
import type { DataRef } from '../../../shared/events';
import {
  busOfRule,
  deadLetterEntry,
  runRedrive,
  type PayloadReader,
  type PutOutcome,
  type QueuedMessage,
  type RedriveBus,
  type RedriveEntry,
  type RedriveQueue,
} from '../../../shared/redrive';

class MemoryQueue implements RedriveQueue {
  readonly visible: QueuedMessage[];
  readonly deleted: string[] = [];
  readonly released: string[] = [];
  constructor(messages: QueuedMessage[]) {
    this.visible = [...messages];
  }
  async receive(max: number) {
    return this.visible.splice(0, max);
  }
  async delete(receipts: readonly string[]) {
    this.deleted.push(...receipts);
  }
  async release(receipts: readonly string[]) {
    this.released.push(...receipts);
  }
}
class MemoryPayloads implements PayloadReader {
  constructor(private readonly objects: Record<string, string>) {}
  async read(ref: DataRef) {
    return this.objects[ref.key];
  }
  async exists(ref: DataRef) {
    return ref.key in this.objects;
  }
}
const message = (id: string, body: unknown, attributes: Record<string, string> = {}): QueuedMessage => ({
  id,
  receipt: `r-${id}`,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  attributes,
});
const entry = (recordId: number) => ({
  Source: 'coupa.acme',
  DetailType: 'Coupa Invoice Updated',
  Detail: JSON.stringify({ metadata: { recordId } }),
  Time: '2026-11-27T08:00:00Z',
  EventBusName: 'coupa',
});
const acceptAll: RedriveBus = { put: async (entries) => entries.map((): PutOutcome => ({ accepted: true })) };

describe('deadLetterEntry', () => {
  it('takes the claim-checked dead letter from the payload store when its digest matches, and refuses a tampered one', async () => {
    const full = JSON.stringify({ reason: 'X', message: 'm', entry: entry(5) });
    const ref = { bucket: 'b', key: 'dead-letters/1.json', bytes: full.length, sha256: createHash('sha256').update(full).digest('hex') };
    const { Detail: _d, ...summary } = entry(5);
    const pointer = message('1', { reason: 'X', message: 'm', entry: summary, claimCheck: ref });

    expect(await deadLetterEntry(pointer, { payloads: new MemoryPayloads({ [ref.key]: full }) })).toEqual({
      kind: 'refused-event',
      entry: entry(5),
    });
    expect(await deadLetterEntry(pointer, { payloads: new MemoryPayloads({ [ref.key]: full.replace('"m"', '"n"') }) })).toEqual({
      kind: 'refused-event',
      problem: expect.stringMatching(/does not match its SHA-256/),
    });
    expect(await deadLetterEntry(pointer, { payloads: new MemoryPayloads({}) })).toEqual({
      kind: 'refused-event',
      problem: expect.stringMatching(/no longer exists/),
    });
    expect(await deadLetterEntry(pointer)).toEqual({
      kind: 'refused-event',
      problem: expect.stringMatching(/no payload reader is configured/),
    });
  });

  it('names the bus of an EventBridge dead letter from its rule ARN', () => {
    expect(busOfRule('arn:aws:events:eu-west-1:123456789012:rule/coupa-bus/CommandRule')).toBe('coupa-bus');
    expect(busOfRule('arn:aws:events:eu-west-1:123456789012:rule/on-default')).toBe('default');
    expect(busOfRule('not an arn')).toBeUndefined();
    expect(busOfRule(undefined)).toBeUndefined();
  });

  it('does not redrive a command whose detail is not an object', async () => {
    const result = await deadLetterEntry(
      message('1', { id: 'e', source: 'com.acme.erp', 'detail-type': 'Coupa Command', detail: 'text' }),
      { eventBusName: 'coupa' },
    );
    expect(result).toEqual({
      kind: 'undelivered-command',
      problem: expect.stringMatching(/no EventBridge event with source, detail-type and an object detail/),
    });
  });
});

describe('runRedrive', () => {
  it('deletes only the messages whose entries the bus accepted, releases the rest, and reports why', async () => {
    const queue = new MemoryQueue([
      message('a', { reason: 'R', message: '', entry: entry(1) }),
      message('b', { reason: 'R', message: '', entry: entry(2) }),
      message('c', 'garbage'),
    ]);
    const bus: RedriveBus = {
      put: async (entries: readonly RedriveEntry[]) =>
        entries.map(
          (e): PutOutcome =>
            e.Detail.includes('"recordId":2')
              ? { accepted: false, errorCode: 'ThrottlingException', errorMessage: 'slow down' }
              : { accepted: true },
        ),
    };

    const report = await runRedrive({ queue, bus });

    expect(queue.deleted).toEqual(['r-a']);
    expect(queue.released.sort()).toEqual(['r-b', 'r-c']);
    expect(report).toEqual({
      dryRun: false,
      read: 3,
      redriven: 1,
      left: 2,
      problems: [
        { messageId: 'c', kind: 'unknown', problem: 'The message body is not JSON' },
        { messageId: 'b', kind: 'refused-event', problem: 'The bus refused the entry (ThrottlingException: slow down)' },
      ],
    });
  });

  it('when the bus call fails, deletes nothing, releases every message read, and rejects', async () => {
    const queue = new MemoryQueue(Array.from({ length: 12 }, (_, i) => message(`m${i}`, { reason: 'R', message: '', entry: entry(i) })));
    let calls = 0;
    const failing: RedriveBus = {
      put: async (entries) => {
        if (++calls === 2) throw new Error('EventBridge is down');
        return entries.map((): PutOutcome => ({ accepted: true }));
      },
    };

    await expect(runRedrive({ queue, bus: failing })).rejects.toThrow('EventBridge is down');

    expect(queue.deleted).toHaveLength(10);
    expect(queue.released.sort()).toEqual(['r-m10', 'r-m11']);
  });

  it('stops when only messages it already handled come back', async () => {
    const m = message('x', 'garbage');
    let receives = 0;
    const queue: RedriveQueue = {
      receive: async () => (++receives <= 3 ? [{ ...m, receipt: `r${receives}` }] : []),
      delete: async () => undefined,
      release: async (receipts) => void expect(receipts).toEqual(['r2']),
    };
    const report = await runRedrive({ queue, bus: acceptAll });
    expect(receives).toBe(2);
    expect(report).toMatchObject({ read: 1, left: 1 });
  });

  it('rejects a max below 1', async () => {
    await expect(runRedrive({ queue: new MemoryQueue([]), bus: acceptAll }, { max: 0 })).rejects.toThrow(RangeError);
  });
});
