// Opens a URL in the person's browser with the platform's own opener. Best effort: `auth login` has
// already printed the URL, so a missing opener is reported, never fatal.
import { spawn } from 'node:child_process';

/** The opener command per platform; no shell is involved (the URL is one argument). */
function openerFor(url: string, platform: NodeJS.Platform): { command: string; args: string[]; verbatim: boolean } {
  if (platform === 'darwin') return { command: 'open', args: [url], verbatim: false };
  // `start` is a cmd built-in; inside double quotes cmd does not interpret the URL's `&`. The URL is
  // built by us, percent-encoded, so it holds no `"`.
  if (platform === 'win32') return { command: 'cmd', args: ['/d', '/s', '/c', `start "" "${url}"`], verbatim: true };
  return { command: 'xdg-open', args: [url], verbatim: false };
}

/**
 * Starts the opener detached and calls `onFailure` (once) with a reason when it cannot be started or
 * exits non-zero (xdg-open does when no browser is configured).
 */
export function openBrowser(url: string, onFailure: (reason: string) => void, platform: NodeJS.Platform = process.platform): void {
  const { command, args, verbatim } = openerFor(url, platform);
  let reported = false;
  const fail = (reason: string) => {
    if (reported) return;
    reported = true;
    onFailure(reason);
  };
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore', windowsHide: true, windowsVerbatimArguments: verbatim });
    child.once('error', (error: NodeJS.ErrnoException) => fail(`${command}: ${error.code ?? error.message}`));
    child.once('exit', (code) => {
      if (code) fail(`${command} exited with code ${code}`);
    });
    child.unref();
  } catch (error) {
    fail(`${command}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
