import type { CatalogObject } from '../catalog';
import {
  type ChangeKind,
  claimCheckDetail,
  entryOf,
  inlineDetail,
  type CoupaEventEntry,
  type CoupaRecord,
  type EnvelopeContext,
} from '../events';
import { putEventsEntryBytes } from '../events/entry-size';
import type { PayloadStore } from './ports';
import { claimCheckPrefixOf } from './triggers';

/**
 * EventBridge refuses entries over 256 KB (Time + Source + DetailType + Detail + Resources). Records whose entry
 * would pass this default go to the payload store and travel as `dataRef` (claim check).
 */
export const DEFAULT_INLINE_LIMIT_BYTES = 200 * 1024;

/** The PutEvents entry for one record version, claim-checked when too large to travel inline. */
export async function eventEntryOf(
  object: CatalogObject,
  record: CoupaRecord,
  change: ChangeKind,
  ctx: EnvelopeContext,
  options: { inlineLimitBytes: number; payloads?: PayloadStore },
): Promise<{ entry: CoupaEventEntry; claimChecked: boolean }> {
  const detail = inlineDetail(object, record, change, ctx);
  const inline = entryOf(object, detail, ctx.source);
  const bytes = putEventsEntryBytes(inline);
  if (bytes <= options.inlineLimitBytes) return { entry: inline, claimChecked: false };
  if (!options.payloads) {
    throw new Error(
      `${object.title} ${record.id} is ${bytes} bytes as an event, over the inline limit, and no payload store is configured for claim checks`,
    );
  }
  const key = `${claimCheckPrefixOf(ctx.instance, object.key, ctx.trigger)}${record.id}/${detail.metadata.updatedAt.replace(/:/g, '')}.json`;
  const dataRef = await options.payloads.put(key, JSON.stringify(record));
  return { entry: entryOf(object, claimCheckDetail(detail, dataRef), ctx.source), claimChecked: true };
}
