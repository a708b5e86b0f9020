import { appendFile } from 'node:fs/promises';
import type { CoupaEventEntry } from '../../events';
import type { EventPublisher, PublishReport } from '../../changes/ports';

/**
 * Publishes to a JSON-lines file, one PutEvents entry per line (`poll --out FILE`), or to a writer
 * such as stdout (`--out -`). A batch is one append, so a crash never leaves half a line.
 */
export class JsonLinesPublisher implements EventPublisher {
  constructor(
    private readonly target: string | { write(text: string): void },
    private readonly eventBusName = 'local',
  ) {}

  async publish(entries: readonly CoupaEventEntry[]): Promise<PublishReport> {
    if (entries.length === 0) return { delivered: 0, deadLettered: 0, calls: 0 };
    const text = `${entries.map((e) => JSON.stringify({ ...e, EventBusName: this.eventBusName })).join('\n')}\n`;
    if (typeof this.target === 'string') await appendFile(this.target, text);
    else this.target.write(text);
    return { delivered: entries.length, deadLettered: 0, calls: 1 };
  }
}
