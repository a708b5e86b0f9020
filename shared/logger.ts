// The one logging port of the core and the handlers. Powertools' Logger fits it as it is, and so does
// the CLI's stderr logger. Nothing secret is ever passed to it.
export interface Logger {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}
