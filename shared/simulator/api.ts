import { AttachmentStore, legalInvoicePdf, matchAttachmentRoute, renderAttachment, type AttachmentRoute } from './attachments';
import type { AccessToken } from './auth';
import type { Database } from './database';
import { ApiError, badRequest, notFound } from './errors';
import { ListRunner } from './list-runner';
import type { ObjectModel } from './model';
import type { ActionContext } from './overrides';
import { outputOptions, parseListQuery } from './query';
import type { RecordService } from './record-service';
import { JsonBytes } from './http-io';
import { RenderCache } from './render-cache';
import type { MultipartForm } from './multipart';
import type { Renderer, RenderOptions } from './render';
import type { RouteMatch, RouteScope, Router } from './routes';
import type { RecordState } from './store';
import { isoUtc, type TimeZoneRenderer } from './time-zone';
import type { WriteApplier } from './writes';

/**
 * The Core REST API over the database: list/get/create/update/delete, nested paths, `?exported=true`,
 * and special actions, for every catalog object through one generic path.
 */

export interface ApiRequest {
  readonly method: string;
  /** Path below `/api`: `/invoices/5`. */
  readonly path: string;
  readonly params: URLSearchParams;
  readonly body: unknown;
  /** A multipart/form-data body, parsed (then `body` is undefined). */
  readonly form?: MultipartForm;
  readonly token: AccessToken;
  /** `http://127.0.0.1:PORT` as the client addressed it: for `file-url`. */
  readonly baseUrl: string;
}

export interface ApiResult {
  readonly status: number;
  /** JSON body (a value, or `JsonBytes` already serialized); undefined sends an empty body (`return_object=none`). */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly objectKey?: string;
  /** A file answer (attachment download, image scan, PDF) instead of JSON. */
  readonly raw?: { readonly contentType: string; readonly bytes: Buffer };
}

export interface ApiHooks {
  /** Runs before a list query is evaluated (control's `onListRequest` and concurrent edits). */
  beforeList(key: string, params: URLSearchParams): Promise<void>;
}

export interface ApiSettings {
  enforceScopes: boolean;
}

export class ApiHandler {
  private readonly runner: ListRunner;
  private readonly attachments = new AttachmentStore();
  private readonly renderCache: RenderCache;
  private readonly renderedTimes = new Map<string, string>();
  /**
   * One function for the life of the handler (the render cache is valid for one `time`), remembering
   * recent answers: a record repeats its own timestamps in every line.
   */
  private readonly time = (iso: string): string => {
    let rendered = this.renderedTimes.get(iso);
    if (rendered === undefined) {
      if (this.renderedTimes.size >= 100_000) this.renderedTimes.clear();
      rendered = this.timeZone.render(Date.parse(iso));
      this.renderedTimes.set(iso, rendered);
    }
    return rendered;
  };

  constructor(
    private readonly db: Database,
    private readonly renderer: Renderer,
    private readonly writer: WriteApplier,
    private readonly records: RecordService,
    private readonly router: Router,
    private readonly timeZone: TimeZoneRenderer,
    private readonly settings: ApiSettings,
    private readonly hooks: ApiHooks,
  ) {
    this.runner = new ListRunner(db);
    this.renderCache = new RenderCache(db);
  }

  /** The catalog key a path addresses, if any (for the request log). */
  objectKeyOf(path: string): string | undefined {
    const attachment = matchAttachmentRoute(path);
    if (attachment) return attachment.kind === 'by-id' ? undefined : attachment.key;
    return this.router.match(path)?.key;
  }

  async handle(req: ApiRequest): Promise<ApiResult> {
    const attachment = matchAttachmentRoute(req.path);
    if (attachment) return this.attachmentRequest(attachment, req);
    const route = this.router.match(req.path);
    if (!route) throw new ApiError(404, 'base', [`No route matches [${req.method}] "/api${req.path}"`]);
    const model = this.db.model(route.key);
    if (!route.verbs.has(req.method)) {
      throw new ApiError(405, model.catalog.model, [`${req.method} is not allowed on /api${req.path}`], {
        Allow: [...route.verbs].join(', '),
      });
    }
    this.checkScope(model, req);
    if ('scope' in route && route.scope) this.requireParent(route.scope);
    return this.dispatch(model, route, req);
  }

  private async dispatch(model: ObjectModel, route: RouteMatch, req: ApiRequest): Promise<ApiResult> {
    const scope = 'scope' in route ? route.scope : undefined;
    switch (route.kind) {
      case 'collection':
        if (req.method === 'GET') return this.list(model, req.params, scope);
        return this.respond(model, this.records.create(model, req.body, scope ? { scope } : {}), req.params, 201);
      case 'collection-action':
        return req.method === 'GET' ? this.list(model, req.params) : this.collectionAction(model, route.action, req);
      case 'member': {
        const state = this.visibleOr404(model, route.id, scope);
        if (req.method === 'GET') return this.respond(model, state, req.params, 200);
        if (req.method === 'DELETE') {
          const result = this.respond(model, state, req.params, 200);
          this.records.remove(model, state.id);
          return result;
        }
        if (req.params.has('exported') && model.catalog.exportFlag) {
          return this.respond(model, this.records.markExported(model, state.id, req.params.get('exported') !== 'false'), req.params, 200);
        }
        const body = this.writer.normalizeBody(model, req.body);
        const flag = Object.entries(model.overrides.flags ?? {}).find(([name]) => body[name] === true || body[name] === 'true');
        if (flag) return this.memberAction(model, state, flag[1], req);
        return this.respond(model, this.records.update(model, state.id, req.body), req.params, 200);
      }
      case 'member-action': {
        const state = this.visibleOr404(model, route.id, scope);
        return this.fileAction(model, state, route.action, req) ?? this.memberAction(model, state, route.action, req);
      }
    }
  }

  /** Invoice files: `retrieve_image_scan` and `retrieve_legal_invoice_pdf` answer bytes; `image_scan` stores one, then acts as usual. */
  private fileAction(model: ObjectModel, state: RecordState, action: string, req: ApiRequest): ApiResult | undefined {
    switch (action) {
      case 'retrieve_image_scan': {
        const scan = this.attachments.scan(model.key, state.id);
        if (!scan) throw notFound(model.catalog.model, `${model.catalog.title} ${state.id} has no image scan`);
        return { status: 200, raw: { contentType: scan.contentType, bytes: scan.bytes } };
      }
      case 'retrieve_legal_invoice_pdf': {
        const number = this.db.attribute(model.key, state, 'invoice-number');
        return {
          status: 200,
          raw: { contentType: 'application/pdf', bytes: legalInvoicePdf(`${model.catalog.title} ${String(number ?? state.id)}`) },
        };
      }
      case 'image_scan':
        this.attachments.setScan(model.key, state.id, req.form);
        return undefined;
      default:
        return undefined;
    }
  }

  /** The Attachments API: list and create on a record, show, delete and download one. */
  private attachmentRequest(route: AttachmentRoute, req: ApiRequest): ApiResult {
    const time = (ms: number) => this.timeZone.render(ms);
    if (route.kind === 'by-id') {
      if (req.method !== 'GET')
        throw new ApiError(405, 'attachment', [`${req.method} is not allowed on /api${req.path}`], { Allow: 'GET' });
      const found = this.attachments.get(route.attachmentId);
      this.checkScope(this.db.model(found.parentKey), req);
      return { status: 200, body: renderAttachment(found, req.baseUrl, time) };
    }
    const model = this.db.model(route.key);
    const allowed = route.kind === 'collection' ? ['GET', 'POST'] : route.download ? ['GET'] : ['GET', 'DELETE'];
    if (!allowed.includes(req.method))
      throw new ApiError(405, 'attachment', [`${req.method} is not allowed on /api${req.path}`], { Allow: allowed.join(', ') });
    this.checkScope(model, req);
    this.visibleOr404(model, route.id);
    const none = outputOptions(req.params, 'attachment').none;
    if (route.kind === 'collection') {
      if (req.method === 'GET')
        return { status: 200, body: this.attachments.list(model.key, route.id).map((a) => renderAttachment(a, req.baseUrl, time)) };
      const created = this.attachments.create(model.key, route.id, req.form, this.db.now());
      return none ? { status: 201 } : { status: 201, body: renderAttachment(created, req.baseUrl, time) };
    }
    const found = this.attachments.get(route.attachmentId, { key: model.key, id: route.id });
    if (route.download) {
      if (!found.file) throw notFound('attachment', `Attachment ${found.id} is a ${found.type}, not a file`);
      return { status: 200, raw: { contentType: found.file.contentType, bytes: found.file.bytes } };
    }
    if (req.method === 'DELETE') this.attachments.remove(found.id);
    return { status: 200, body: renderAttachment(found, req.baseUrl, time) };
  }

  private async list(model: ObjectModel, params: URLSearchParams, scope?: RouteScope): Promise<ApiResult> {
    await this.hooks.beforeList(model.key, params);
    this.db.commitDue();
    const query = parseListQuery(params, model.catalog.model);
    const rows = this.runner.run(model.key, query, scope);
    const options = this.renderOptions(query.mode, query.fields);
    return { status: 200, body: JsonBytes.array(rows.map((s) => this.renderer.recordJson(model.key, s, options))) };
  }

  private memberAction(model: ObjectModel, visible: RecordState, action: string, req: ApiRequest): ApiResult {
    const rule = model.overrides.actions?.[action];
    const current = this.db.attribute(model.key, visible, 'status');
    if (rule?.from && !rule.from.includes(String(current))) {
      const title = model.catalog.title.toLowerCase();
      throw badRequest(
        model.catalog.model,
        `Cannot ${action.replace(/_/g, ' ')} ${/^[aeiou]/.test(title) ? 'an' : 'a'} ${title} with status ${String(current)}`,
      );
    }
    const ctx: ActionContext = { nowIso: isoUtc(this.db.now()), query: req.params, body: this.writer.normalizeBody(model, req.body) };
    const state = this.records.update(model, visible.id, req.body, {
      extra: (data) => {
        if (rule?.to) data.status = rule.to;
        Object.assign(data, rule?.effect?.(ctx));
      },
    });
    return this.respond(model, state, req.params, 200);
  }

  private collectionAction(model: ObjectModel, action: string, req: ApiRequest): ApiResult {
    const rule = model.overrides.actions?.[action];
    if (!rule?.creates) {
      // Validation-only actions (accounts/validate_account): check the body, save nothing.
      this.writer.apply(model, {}, this.writer.normalizeBody(model, req.body), { creating: true });
      return { status: 200, body: { valid: true } };
    }
    const state = this.records.create(model, req.body, rule.to ? { status: rule.to } : {});
    if (rule.marksDocumentExported) this.markDocumentExported(model, state);
    return this.respond(model, state, req.params, 201);
  }

  /** History records' `mark_exported`: the named document gets `exported=true`. */
  private markDocumentExported(model: ObjectModel, record: RecordState): void {
    const documentKey = this.db.models.catalogKeyOf(String(this.db.attribute(model.key, record, 'document-type') ?? ''));
    const id = Number(this.db.attribute(model.key, record, 'document-id'));
    if (!documentKey || !this.db.model(documentKey).catalog.exportFlag || !this.db.store(documentKey).getVisible(id)) return;
    this.records.markExported(this.db.model(documentKey), id, true);
  }

  private respond(model: ObjectModel, state: RecordState, params: URLSearchParams, status: number): ApiResult {
    const output = outputOptions(params, model.catalog.model);
    if (output.none) return { status };
    return { status, body: new JsonBytes([this.renderer.recordJson(model.key, state, this.renderOptions(output.mode, output.fields))]) };
  }

  private renderOptions(mode: RenderOptions['mode'], fields: RenderOptions['fields']): RenderOptions {
    return { mode, ...(fields ? { fields } : {}), time: this.time, cache: this.renderCache };
  }

  private visibleOr404(model: ObjectModel, id: number, scope?: RouteScope): RecordState {
    const state = this.db.store(model.key).getVisible(id);
    if (!state || (scope && state.links[scope.parentKey] !== scope.parentId))
      throw notFound(model.catalog.model, `${model.catalog.title} ${id} not found`);
    return state;
  }

  private requireParent(scope: RouteScope): void {
    if (!this.db.store(scope.parentKey).getVisible(scope.parentId)) {
      const parent = this.db.model(scope.parentKey).catalog;
      throw notFound(parent.model, `${parent.title} ${scope.parentId} not found`);
    }
  }

  private checkScope(model: ObjectModel, req: ApiRequest): void {
    const granted = req.token.scopes;
    if (!this.settings.enforceScopes || granted.length === 0) return;
    const { read, write } = model.catalog.scopes;
    const ok =
      req.method === 'GET' ? read === 'core.common.read' || granted.includes(read) || granted.includes(write) : granted.includes(write);
    if (!ok) {
      const needed = req.method === 'GET' ? read : write;
      throw new ApiError(403, model.catalog.model, [`The access token lacks the scope ${needed} needed for ${req.method} /api${req.path}`]);
    }
  }
}
