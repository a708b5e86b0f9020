// The redirect target of `auth login`: a one-shot HTTP server on 127.0.0.1 that waits for Coupa to
// send the browser back with `code` and `state`. Only the first redirect counts; a wrong or missing
// state or an `error=` redirect ends the login (nothing is exchanged), so a stray or forged request can
// never slip a code in.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LoginDeniedError, LoginError, LoginStateError, LoginTimeoutError } from './errors';

export const CALLBACK_PATH = '/callback';

export interface LoopbackCallbackOptions {
  /** 0: any free port. */
  readonly port: number;
  /** The `state` sent in the authorization URL. */
  readonly state: string;
  readonly timeoutMs: number;
}

/** The outcome shown to the person in the browser tab that carried the code. */
export interface PageOutcome {
  readonly ok: boolean;
  readonly message: string;
}

export interface LoopbackCallback {
  /** `http://127.0.0.1:<port>/callback`: the redirect URI to send and to register on the Coupa client. */
  readonly redirectUri: string;
  /** The code of the first redirect with the right state; rejects on anything else or the timeout. */
  readonly code: Promise<string>;
  /** Answers the browser tab that brought the code (held open until then) and stops listening. */
  finish(outcome: PageOutcome): Promise<void>;
}

/**
 * Starts listening on 127.0.0.1 (never another interface). Throws a {@link LoginError} naming the
 * port when it is taken.
 */
export async function listenForCallback(options: LoopbackCallbackOptions): Promise<LoopbackCallback> {
  let pending: ServerResponse | undefined;
  let settled = false;
  let timer: NodeJS.Timeout | undefined;
  let resolveCode!: (code: string) => void;
  let rejectCode!: (error: Error) => void;
  const code = new Promise<string>((resolve, reject) => {
    resolveCode = resolve;
    rejectCode = reject;
  });
  code.catch(() => undefined); // the caller awaits it later; until then a rejection is not "unhandled"

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== CALLBACK_PATH) return page(res, 404, 'Not found', 'This is the redirect target of coupa-connector auth login.');
    if (req.method !== 'GET') return page(res, 405, 'Method not allowed', 'Coupa redirects here with GET.');
    if (settled) return page(res, 410, 'Already handled', 'This sign-in has already been handled. You can close this tab.');
    settled = true;
    clearTimeout(timer);
    const outcome = readRedirect(url.searchParams, options.state);
    if (outcome instanceof Error) {
      page(res, 400, 'Sign-in failed', outcome.message);
      rejectCode(outcome);
      void stop();
      return;
    }
    pending = res;
    resolveCode(outcome);
  });
  // Keep-alive connections would hold close() open for their idle timeout.
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new LoginError(
          error.code === 'EADDRINUSE'
            ? `port ${options.port} on 127.0.0.1 is in use: pass another --port (and register http://127.0.0.1:<that port>${CALLBACK_PATH} on the Coupa client)`
            : `cannot listen on 127.0.0.1:${options.port} (${error.code ?? error.message})`,
        ),
      ),
    );
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  timer = setTimeout(() => {
    settled = true;
    rejectCode(
      new LoginTimeoutError(
        `no redirect from Coupa within ${Math.round(options.timeoutMs / 1000)} s: open the URL printed first, sign in and approve, or pass a longer --timeout-seconds`,
      ),
    );
    void stop();
  }, options.timeoutMs);

  return {
    redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}`,
    code,
    async finish(outcome) {
      clearTimeout(timer);
      settled = true;
      if (pending) {
        const res = pending;
        pending = undefined;
        await new Promise<void>((resolve) => {
          res.once('finish', resolve);
          res.once('close', resolve);
          page(res, outcome.ok ? 200 : 500, outcome.ok ? 'Signed in' : 'Sign-in failed', outcome.message);
        });
      }
      await stop();
    },
  };
}

/** The code, or why this redirect is refused. The state is checked first, in constant time. */
function readRedirect(params: URLSearchParams, expectedState: string): string | Error {
  const state = params.get('state');
  if (state === null || !sameSecret(state, expectedState)) {
    return new LoginStateError(
      `the redirect to ${CALLBACK_PATH} had a ${state === null ? 'missing' : 'wrong'} state, so it does not belong to this login (an old browser tab, or a forged request); nothing was exchanged: run auth login again`,
    );
  }
  const error = params.get('error');
  if (error !== null) {
    const description = params.get('error_description');
    return new LoginDeniedError(
      `Coupa did not authorize the client: ${printable(error)}${description ? ` (${printable(description)})` : ''}. ` +
        'Check the client’s grant type (Authorization code), redirect URI and scopes in Coupa, then run auth login again',
    );
  }
  const code = params.get('code');
  if (!code) return new LoginError(`Coupa redirected to ${CALLBACK_PATH} without a code: run auth login again`);
  return code;
}

// Hashing first gives equal lengths, so timingSafeEqual never throws and length leaks nothing.
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

const printable = (text: string) => text.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);

function page(res: ServerResponse, status: number, title: string, message: string): void {
  const body =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>\n`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    // The address bar holds the code: never send it on as a referrer, and run no script at all.
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': "default-src 'none'",
    Connection: 'close',
  });
  res.end(body);
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
