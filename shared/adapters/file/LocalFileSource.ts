import { open } from 'node:fs/promises';
import path from 'node:path';
import type { FileLocation, FileSource, SourceFile } from '../../actions/files';
import { CoupaValidationError } from '../../coupa';

/**
 * FileSource on the local disk, for `invoke attach` in the CLI: `file.path` relative to `baseDir` (the
 * working directory by default). Refuses S3 locations (the CLI holds no AWS credentials for them).
 */
export class LocalFileSource implements FileSource {
  constructor(private readonly baseDir: string = process.cwd()) {}

  async read(location: FileLocation, maxBytes: number): Promise<SourceFile> {
    if (!('path' in location)) {
      throw new CoupaValidationError(
        'Invalid input for the "attach" action: the CLI attaches local files; give file.path (file.s3 is for the action Lambda)',
      );
    }
    const file = path.resolve(this.baseDir, location.path);
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      throw new CoupaValidationError(
        `Invalid input for the "attach" action: cannot read ${location.path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new CoupaValidationError(`Invalid input for the "attach" action: ${location.path} is not a file`);
      if (stat.size > maxBytes)
        throw new CoupaValidationError(
          `Invalid input for the "attach" action: ${location.path} is ${stat.size} bytes, over the limit of ${maxBytes} bytes`,
        );
      return { bytes: await handle.readFile(), name: path.basename(file) };
    } finally {
      await handle.close();
    }
  }
}
