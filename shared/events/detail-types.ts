import type { CatalogObject } from '../catalog';
import type { ChangeKind } from './types';

const word: Record<ChangeKind, string> = { created: 'Created', updated: 'Updated' };

/** `Coupa Invoice Updated`, `Coupa Purchase Order Created`. */
export const detailTypeOf = (object: Pick<CatalogObject, 'title'>, change: ChangeKind): string => `Coupa ${object.title} ${word[change]}`;

/** File-name slug of a detail type: `coupa-purchase-order-created`. */
export const detailTypeSlug = (detailType: string): string => detailType.toLowerCase().replace(/\s+/g, '-');

/**
 * A connector's instance name (`acme`): lowercase letters, digits and dashes, as it appears in event
 * sources (`coupa.acme`), idempotency keys and storage keys.
 */
export const INSTANCE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The default event source for an instance: `coupa.acme`. */
export const defaultSource = (instance: string): string => `coupa.${instance}`;
