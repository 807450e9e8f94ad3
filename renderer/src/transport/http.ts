import type { ApiMethodName, FileRef, ProgressEvent, UcmApi } from '../../../preload/api.js';
import { ApiError, parseErrorPayload } from './api-error.js';
import { parseProgressEvent } from './progress.js';

export interface EventSourceLike {
  onmessage: ((event: MessageEvent<string>) => void) | null;
  close(): void;
}

export interface HttpApiOptions {
  token: string | null;
  fetch: typeof fetch;
  createEventSource(url: string): EventSourceLike;
  /** Lets the user choose files in the browser; resolves [] when they cancel. */
  pickFiles(): Promise<File[]>;
  openWindow(url: string): void;
}

const TOKEN_HELP =
  'This page has no valid access token. Open the address that `ucmcdr serve` printed (it ends in ?token=...), or restart it and use the new address.';

const CONNECTION_HELP =
  'Lost the connection to the ucmcdr server. Check that `ucmcdr serve` is still running, then reload the page.';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFileRef(value: unknown): value is FileRef {
  return isRecord(value) && typeof value.ref === 'string' && typeof value.name === 'string';
}

/** The contract over HTTP, as docs/web-mode.md describes it. */
export function createHttpApi(options: HttpApiOptions): UcmApi & { uploadFiles(files: File[]): Promise<FileRef[]> } {
  const { token } = options;

  async function send(path: string, init: RequestInit, what: string): Promise<unknown> {
    if (token === null) throw new ApiError('PERMISSION_DENIED', TOKEN_HELP);
    let response: Response;
    try {
      response = await options.fetch(path, {
        ...init,
        credentials: 'same-origin',
        headers: { ...(init.headers as Record<string, string>), 'X-UCM-Token': token },
      });
    } catch {
      throw new ApiError('INTERNAL', CONNECTION_HELP);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    if (response.status === 401) throw new ApiError('PERMISSION_DENIED', TOKEN_HELP, { http_status: 401 });
    if (isRecord(body) && body.ok === true) return body.value;
    if (isRecord(body) && body.ok === false) {
      const payload = parseErrorPayload(body.error);
      if (payload) throw ApiError.fromPayload(payload);
    }
    throw new ApiError(
      'INTERNAL',
      `The server answered ${what} with HTTP ${response.status} and no readable result. Reload the page; if it persists, restart \`ucmcdr serve\`.`,
      { http_status: response.status },
    );
  }

  function call<T>(method: ApiMethodName, request: object = {}): Promise<T> {
    return send(
      `/api/${method}`,
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(request) },
      method,
    ) as Promise<T>;
  }

  async function upload(file: File): Promise<FileRef> {
    const value = await send(
      `/api/upload?name=${encodeURIComponent(file.name)}`,
      { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: file },
      `the upload of ${file.name}`,
    );
    if (!isFileRef(value)) throw new ApiError('INTERNAL', `The server did not acknowledge the upload of ${file.name}. Try again.`);
    return value;
  }

  async function uploadFiles(files: File[]): Promise<FileRef[]> {
    // One at a time: uploads stream to disk on the server and compete for the same link.
    const refs: FileRef[] = [];
    for (const file of files) refs.push(await upload(file));
    return refs;
  }

  const listeners = new Set<(event: ProgressEvent) => void>();
  let source: EventSourceLike | null = null;

  function openEvents(): void {
    if (source !== null || token === null) return;
    source = options.createEventSource(`/api/events?token=${encodeURIComponent(token)}`);
    source.onmessage = (message) => {
      let data: unknown;
      try {
        data = JSON.parse(message.data);
      } catch {
        return;
      }
      const event = parseProgressEvent(data);
      if (event === null) return;
      for (const listener of listeners) listener(event);
    };
  }

  return {
    uploadFiles,
    app: {
      info: () => call('app/info'),
      getSettings: () => call('app/getSettings'),
      saveSettings: (req) => call('app/saveSettings', req),
      async openExternal(req) {
        let url: URL;
        try {
          url = new URL(req.url);
        } catch {
          throw new ApiError('BAD_INPUT', `"${req.url}" is not a web address.`);
        }
        if (url.protocol !== 'https:' && url.protocol !== 'http:') {
          throw new ApiError('BAD_INPUT', `Only http and https links can be opened, not "${url.protocol}".`);
        }
        options.openWindow(url.href);
      },
    },
    pbx: {
      list: () => call('pbx/list'),
      save: (req) => call('pbx/save', req),
      saveImportSource: (req) => call('pbx/saveImportSource', req),
      remove: (req) => call('pbx/remove', req),
      test: (req) => call('pbx/test', req),
      trust: (req) => call('pbx/trust', req),
      startDemo: () => call('pbx/startDemo'),
    },
    sync: { run: (req) => call('sync/run', req) },
    calls: {
      page: (req) => call('calls/page', req),
      totals: (req) => call('calls/totals', req),
      session: (req) => call('calls/session', req),
      filterOptions: () => call('calls/filterOptions'),
    },
    recordings: {
      play: (req) => call('recordings/play', req),
      export: (req) => call('recordings/export', req),
    },
    imports: {
      run: (req) => call('imports/run', req),
      list: () => call('imports/list'),
      undo: (req) => call('imports/undo', req),
    },
    exports: { run: (req) => call('exports/run', req) },
    dialogs: {
      async pickImportFiles() {
        return uploadFiles(await options.pickFiles());
      },
      // The browser cannot name a destination: callers download the result's download_url instead.
      pickSaveFile: async () => null,
      pickFolder: async () => null,
    },
    tasks: { cancel: (req) => call('tasks/cancel', req) },
    events: {
      onProgress(listener) {
        listeners.add(listener);
        openEvents();
        return () => {
          listeners.delete(listener);
          if (listeners.size === 0 && source !== null) {
            source.close();
            source = null;
          }
        };
      },
    },
  };
}
