import type { CatalogObject } from '../catalog';
import type { ChangeKind } from './types';

const word: Record<ChangeKind, string> = { created: 'Created', updated: 'Updated' };

/** `Coupa Invoice Updated`, `Coupa Purchase Order Created`. */
export const detailTypeOf = (object: Pick<CatalogObject, 'title'>, change: ChangeKind): string => `Coupa ${object.title} ${word[change]}`;

/** File-name slug of a detail type: `coupa-purchase-order-created`. */
export const detailTypeSlug = (detailType: string): string => detailType.toLowerCase().replace(/\s+/g, '-');

/** The default event source for an instance: `coupa.acme`. */
export const defaultSource = (instance: string): string => `coupa.${instance}`;
