// Content types of attachments and file answers: a default by extension when nobody says, and an
// extension for a stored answer (so a person opening the claim-checked object sees what it is).

const BY_EXTENSION: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  txt: 'text/plain',
  csv: 'text/csv',
  xml: 'application/xml',
  json: 'application/json',
  zip: 'application/zip',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export const OCTET_STREAM = 'application/octet-stream';

/** `scan.PDF` → `application/pdf`; unknown extensions → `application/octet-stream`. */
export function contentTypeOf(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return (dot >= 0 && BY_EXTENSION[filename.slice(dot + 1).toLowerCase()]) || OCTET_STREAM;
}

/** `application/pdf; charset=…` → `.pdf`; `.bin` for types without a known extension. */
export function extensionOf(contentType: string): string {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  const found = Object.entries(BY_EXTENSION).find(([, t]) => t === type);
  return `.${found ? found[0] : 'bin'}`;
}
