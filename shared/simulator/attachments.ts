import { catalog } from '../catalog';
import { ApiError, badRequest, notFound } from './errors';
import type { MultipartForm, UploadedFile } from './multipart';

/**
 * Attachments (Coupa Attachments API) and invoice files (image scans, legal PDFs), kept in memory: the
 * bytes uploaded are the bytes served. Routes and answers are described in README.md (Decisions).
 */

export interface StoredAttachment {
  readonly id: number;
  readonly parentKey: string;
  readonly parentId: number;
  readonly type: 'file' | 'url' | 'text';
  readonly intent: string | null;
  readonly file?: UploadedFile;
  readonly url?: string;
  readonly text?: string;
  readonly createdAtMs: number;
}

/** An attachment path of the API: a record's collection, one attachment, its download, or by id alone. */
export type AttachmentRoute =
  | { readonly kind: 'collection'; readonly key: string; readonly id: number }
  | { readonly kind: 'member'; readonly key: string; readonly id: number; readonly attachmentId: number; readonly download: boolean }
  | { readonly kind: 'by-id'; readonly attachmentId: number };

/** `invoices` (the path's first segment) → catalog key, for every object the catalog gives attachments. */
const RESOURCES: ReadonlyMap<string, string> = new Map(
  catalog.filter((o) => o.attachments).map((o) => [o.attachments!.path.split('/')[1]!, o.key]),
);
const TYPES = ['file', 'url', 'text'] as const;
/** Coupa's `intent` is a string(40) (R39 Attachment definition). */
const MAX_INTENT_CHARS = 40;

export function matchAttachmentRoute(path: string): AttachmentRoute | undefined {
  const byId = /^\/attachments\/(\d+)\/?$/.exec(path);
  if (byId) return { kind: 'by-id', attachmentId: Number(byId[1]) };
  const m = /^\/([a-z_]+)\/(\d+)\/attachments(?:\/(\d+)(\/download)?)?\/?$/.exec(path);
  const key = m ? RESOURCES.get(m[1]!) : undefined;
  if (!m || !key) return undefined;
  const id = Number(m[2]);
  return m[3] === undefined
    ? { kind: 'collection', key, id }
    : { kind: 'member', key, id, attachmentId: Number(m[3]), download: m[4] !== undefined };
}

export class AttachmentStore {
  private readonly byId = new Map<number, StoredAttachment>();
  private readonly scans = new Map<string, UploadedFile>();
  private nextId = 1;

  /** Validates a multipart create as Coupa's Rails model would, and stores it. */
  create(parentKey: string, parentId: number, form: MultipartForm | undefined, nowMs: number): StoredAttachment {
    if (!form)
      throw badRequest(
        'attachment',
        'The request must be multipart/form-data with attachment[type] and attachment[file] (or attachment[url], attachment[text])',
      );
    const type = form.fields['attachment[type]'];
    const intent = form.fields['attachment[intent]'] ?? null;
    const problems: string[] = [];
    if (type === undefined || type === '') problems.push("Type can't be blank");
    else if (!(TYPES as readonly string[]).includes(type)) problems.push('Type is not included in the list');
    if (intent !== null && intent.length > MAX_INTENT_CHARS)
      problems.push(`Intent is too long (maximum is ${MAX_INTENT_CHARS} characters)`);
    const file = form.files['attachment[file]'];
    const url = form.fields['attachment[url]'];
    const text = form.fields['attachment[text]'];
    if (type === 'file' && !file) problems.push("File can't be blank");
    if (type === 'file' && file && file.bytes.length === 0) problems.push('File is empty');
    if (type === 'url' && !url) problems.push("Url can't be blank");
    if (type === 'text' && !text) problems.push("Text can't be blank");
    if (problems.length) throw badRequest('attachment', ...problems);
    const stored: StoredAttachment = {
      id: this.nextId++,
      parentKey,
      parentId,
      type: type as StoredAttachment['type'],
      intent,
      ...(type === 'file' ? { file: file! } : type === 'url' ? { url: url! } : { text: text! }),
      createdAtMs: nowMs,
    };
    this.byId.set(stored.id, stored);
    return stored;
  }

  list(parentKey: string, parentId: number): StoredAttachment[] {
    return [...this.byId.values()].filter((a) => a.parentKey === parentKey && a.parentId === parentId);
  }

  /** The attachment, checked to belong to the record when one is named; else 404. */
  get(attachmentId: number, parent?: { key: string; id: number }): StoredAttachment {
    const found = this.byId.get(attachmentId);
    if (!found || (parent && (found.parentKey !== parent.key || found.parentId !== parent.id)))
      throw notFound('attachment', `Attachment ${attachmentId} not found`);
    return found;
  }

  remove(attachmentId: number): void {
    this.byId.delete(attachmentId);
  }

  /** `PUT /invoices/:id/image_scan` with a multipart `file` part: replaces the record's image scan. */
  setScan(key: string, id: number, form: MultipartForm | undefined): void {
    const file = form?.files.file;
    if (!file || file.bytes.length === 0)
      throw new ApiError(400, 'invoice', ['The image scan must be sent as multipart/form-data with a "file" part']);
    this.scans.set(`${key}:${id}`, file);
  }

  scan(key: string, id: number): UploadedFile | undefined {
    return this.scans.get(`${key}:${id}`);
  }
}

/** The Attachment definition's fields (R39), `file-url` pointing at the simulator's download path. */
export function renderAttachment(a: StoredAttachment, baseUrl: string, time: (ms: number) => string): Record<string, unknown> {
  const resource = catalog.find((o) => o.key === a.parentKey)!.attachments!.path.split('/')[1]!;
  return {
    id: a.id,
    'created-at': time(a.createdAtMs),
    'updated-at': time(a.createdAtMs),
    type: a.type,
    intent: a.intent,
    file: a.file ? a.file.filename : null,
    'file-file-name': a.file ? a.file.filename : null,
    'file-content-type': a.file ? a.file.contentType : null,
    'file-file-size': a.file ? String(a.file.bytes.length) : null,
    'file-url': a.file ? `${baseUrl}/api/${resource}/${a.parentId}/attachments/${a.id}/download` : null,
    url: a.url ?? null,
    text: a.text ?? null,
    'linked-to': null,
  };
}

/** A small, valid one-page PDF naming the invoice: what `retrieve_legal_invoice_pdf` serves. */
export function legalInvoicePdf(title: string): Buffer {
  const text = title.replace(/[()\\]/g, '');
  const stream = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}
