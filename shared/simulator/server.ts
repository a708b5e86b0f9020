import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiHandler } from './api';
import { OAuthError, OAuthServer } from './auth';
import { handleOAuth, isOAuthPath } from './oauth-http';
import { createClock } from './clock';
import { Control, type SimulatorControl } from './control';
import { handleControl } from './control-http';
import { Database } from './database';
import { ApiError } from './errors';
import { FaultQueue } from './faults';
import { readBody, sendBytes, sendJson, sendText, sleep } from './http-io';
import { isMultipart, parseMultipart, summariseForm, type MultipartForm } from './multipart';
import { ModelRegistry } from './model';
import { resolveOptions, type SimulatorOptions } from './options';
import { type Caller, RateLimiter } from './rate-limiter';
import { RecordService } from './record-service';
import { Renderer } from './render';
import { queryRecord, redactBody, redactHeaders, RequestLog, type RequestLogEntry } from './request-log';
import { Router } from './routes';
import { TimeZoneRenderer } from './time-zone';
import { WriteApplier } from './writes';

/**
 * The HTTP front: `/oauth2/*` (tokens), `/api/*` (the Core API, behind faults, latency, the rate limit
 * (per client, per token or per instance) and bearer auth, in that order) and `/__sim/*` (control). Everything else is 404.
 */

export interface Simulator {
  /** `http://127.0.0.1:PORT`; the API is at `${baseUrl}/api`, tokens at `${baseUrl}/oauth2/token`. */
  readonly baseUrl: string;
  readonly control: SimulatorControl;
  close(): Promise<void>;
}

export async function startSimulator(input: SimulatorOptions = {}): Promise<Simulator> {
  const options = resolveOptions(input);
  const clock = createClock(options.now);
  const db = new Database(options.seed, options.records, clock, new ModelRegistry());
  const renderer = new Renderer(db);
  const writer = new WriteApplier(db);
  const records = new RecordService(db, writer);
  const oauth = new OAuthServer(options, clock);
  const rateLimiter = new RateLimiter(options.rateLimit, clock, options.rateLimitRetryAfter);
  const faults = new FaultQueue();
  const log = new RequestLog();
  const settings = { latencyMs: options.latencyMs, enforceScopes: options.enforceScopes };
  const control = new Control({ db, renderer, records, clock, log, faults, oauth, rateLimiter, settings });
  const api = new ApiHandler(
    db,
    renderer,
    writer,
    records,
    new Router(db.models),
    new TimeZoneRenderer(options.timeZone),
    settings,
    control,
  );

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Coupa's clock as clients see it (pollers read `Date`): the simulator clock, not the host's.
    res.setHeader('Date', new Date(clock.now()).toUTCString());
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    const bodyBytes = await readBody(req);
    // Multipart bodies (attachments, image scans) are parsed once here; a malformed one arrives as no form.
    const multipart = isMultipart(req.headers['content-type']);
    const form = multipart ? await parseMultipart(bodyBytes, req.headers['content-type']!) : undefined;
    const bodyText = multipart ? '' : bodyBytes.toString('utf8');
    if (path === '/__sim' || path.startsWith('/__sim/')) {
      const result = await handleControl(control, method, path, parseJsonOr(bodyText, undefined));
      return sendJson(res, result.status, result.body);
    }
    const params = url.searchParams;
    const entry = log.add({
      method,
      path,
      rawQuery: url.search.slice(1),
      query: queryRecord(params),
      headers: redactHeaders(req.headers),
      ...(form ? { body: summariseForm(form) } : bodyText ? { body: redactBody(parseBody(bodyText, req.headers['content-type'])) } : {}),
      status: 0,
      timeMs: clock.now(),
    });
    const fault = faults.take(method, path);
    // A fault after applying: the request is handled as usual, then its answer is replaced (lost).
    const lost = fault?.afterApply && fault.kind !== 'delay' ? fault : undefined;
    const respond = (status: number, body: unknown, headers?: Record<string, string>) => {
      if (lost?.kind === 'reset') return void req.socket.resetAndDestroy();
      if (lost?.kind === 'status') {
        entry.status = lost.status;
        return sendJson(res, lost.status, faultBody(lost.status));
      }
      entry.status = status;
      sendJson(res, status, body, headers);
    };

    if (lost) entry.fault = `${lost.kind}-after-apply`;
    else if (fault) {
      entry.fault = fault.kind;
      if (fault.kind === 'reset') return void req.socket.resetAndDestroy();
      if (fault.kind === 'status') {
        const headers: Record<string, string> =
          fault.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(fault.retryAfterSeconds) };
        if (fault.body === undefined) return respond(fault.status, faultBody(fault.status), headers);
        entry.status = fault.status; // a gateway page, not JSON
        return sendText(res, fault.status, fault.body, headers);
      }
      await sleep(fault.ms);
      if (res.destroyed) return;
    }

    if (isOAuthPath(path)) {
      const answer = handleOAuth(oauth, method, path, params, bodyText, req.headers);
      return respond(answer.status, answer.body, answer.headers);
    }
    if (path !== '/api' && !path.startsWith('/api/')) return respond(404, { errors: { base: [`No route matches [${method}] "${path}"`] } });

    await sleep(settings.latencyMs);
    if (res.destroyed) return;
    const apiPath = path.slice('/api'.length) || '/';
    const objectKey = api.objectKeyOf(apiPath);
    if (objectKey) entry.objectKey = objectKey;
    const caller: Caller = { ...oauth.bearerOf(req.headers.authorization), address: req.socket.remoteAddress ?? '' };
    if (!rateLimiter.tryTake(caller)) {
      const retryAfter = rateLimiter.retryAfterSeconds(caller);
      const headers: Record<string, string> = retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) };
      return respond(429, { errors: { base: ['Rate limit exceeded: too many requests, slow down'] } }, headers);
    }
    try {
      const token = oauth.authenticate(req.headers.authorization);
      db.commitDue();
      const body = bodyText ? parseJsonOr(bodyText, INVALID_JSON) : undefined;
      if (body === INVALID_JSON)
        throw new ApiError(400, objectKey ? db.model(objectKey).catalog.model : 'base', ['The request body is not valid JSON']);
      const result = await api.handle({
        method,
        path: apiPath,
        params,
        body,
        ...formOf(form),
        token,
        baseUrl: `http://${req.headers.host ?? '127.0.0.1'}`,
      });
      if (result.raw) {
        entry.status = result.status;
        return sendBytes(res, result.status, result.raw.contentType, result.raw.bytes, result.headers ? { ...result.headers } : {});
      }
      return respond(result.status, result.body, result.headers ? { ...result.headers } : {});
    } catch (e) {
      if (e instanceof ApiError) return respond(e.status, e.body, { ...e.headers });
      if (e instanceof OAuthError) {
        return respond(
          e.status,
          { error: e.error, error_description: e.description },
          { 'WWW-Authenticate': `Bearer realm="Coupa", error="${e.error}", error_description="${e.description}"` },
        );
      }
      return respond(500, { errors: { base: [`Simulator error: ${(e as Error).message}`] } });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { errors: { base: [`Simulator error: ${(e as Error).message}`] } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    control,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

const INVALID_JSON = Symbol('invalid JSON');

const formOf = (form: MultipartForm | undefined): { form?: MultipartForm } => (form ? { form } : {});

function parseJsonOr<T>(text: string, fallback: T): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  const parsed = parseJsonOr(text, INVALID_JSON);
  return parsed === INVALID_JSON ? text : parsed;
}

function faultBody(status: number): unknown {
  const message = status === 429 ? 'Rate limit exceeded: too many requests, slow down' : `Injected fault: HTTP ${status}`;
  return { errors: { base: [message] } };
}

export type { RequestLogEntry };
