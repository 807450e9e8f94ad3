import type { ApiMethodName, FileRef, ProgressEvent, UcmApi } from '../../../preload/api.js';
import { httpUrlProblem } from '../../../preload/checks.js';
import { createApiClient } from '../../../preload/client.js';
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

  // A method without a request (`pbx.list()`) posts `{}`.
  function call(method: ApiMethodName, request: unknown = {}): Promise<unknown> {
    return send(
      `/api/${method}`,
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(request) },
      method,
    );
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

  const client = createApiClient(call);

  return {
    ...client,
    uploadFiles,
    // Only what the browser does differently from posting to /api/<area>/<method> is written here.
    app: {
      ...client.app,
      async openExternal(req) {
        // The browser opens the link itself; the one http(s) check decides which links it may open.
        const problem = httpUrlProblem(req.url);
        if (problem === 'not-http') {
          throw new ApiError('BAD_INPUT', `Only http and https links can be opened, not "${new URL(req.url).protocol}".`);
        }
        if (problem !== null) throw new ApiError('BAD_INPUT', `"${req.url}" is not a web address.`);
        options.openWindow(new URL(req.url).href);
      },
    },
    dialogs: {
      async pickImportFiles() {
        return uploadFiles(await options.pickFiles());
      },
      // The browser cannot name a destination: callers download the result's download_url instead.
      pickSaveFile: async () => null,
      pickFolder: async () => null,
    },
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
