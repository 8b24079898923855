import { afterEach, beforeEach, vi } from "vitest";

/**
 * XMLHttpRequest as the page's storage transports use it (client/xhr-send.ts), in memory: it keeps
 * what was sent, and the test answers it, drops it or reports upload progress.
 */
export class FakeXhr {
  method = "";
  url = "";
  readonly headers: Record<string, string> = {};
  body: unknown = undefined;
  sent = false;
  aborted = false;
  status = 0;
  responseText = "";
  private responseHeaders: Record<string, string> = {};
  readonly upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  ontimeout: (() => void) | null = null;
  onabort: (() => void) | null = null;

  constructor(private readonly made: FakeXhr[]) {}

  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }

  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }

  send(body: unknown) {
    this.body = body;
    this.sent = true;
    this.made.push(this);
  }

  abort() {
    this.aborted = true;
    this.onabort?.();
  }

  getResponseHeader(name: string): string | null {
    const found = Object.entries(this.responseHeaders).find(([key]) => key.toLowerCase() === name.toLowerCase());
    return found ? found[1] : null;
  }

  /** Storage answers. */
  answer(status: number, body = "", headers: Record<string, string> = {}) {
    this.status = status;
    this.responseText = body;
    this.responseHeaders = headers;
    this.onload?.();
  }

  /** The browser's upload progress event: `loaded` of `total` request body bytes sent. */
  progress(loaded: number, total: number, lengthComputable = true) {
    this.upload.onprogress?.({ loaded, total, lengthComputable } as ProgressEvent);
  }
}

/** Puts FakeXhr in place of XMLHttpRequest for each test of the file; returns the requests sent, in order. */
export function withFakeXhr(): FakeXhr[] {
  const sent: FakeXhr[] = [];
  beforeEach(() => {
    sent.length = 0;
    vi.stubGlobal(
      "XMLHttpRequest",
      class extends FakeXhr {
        constructor() {
          super(sent);
        }
      },
    );
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });
  return sent;
}
