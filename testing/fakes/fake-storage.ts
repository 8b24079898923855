/**
 * Storage (S3) as the browser engine sees it, in memory: the form POST or presigned PUT of a
 * small file and the PUT of one part, with the same signatures as client/post/post-transport.ts,
 * client/put/put-transport.ts and client/multipart/part-transport.ts. A test can make requests fail, or hold them on the wire
 * until it lets each one finish, to see what the engine does meanwhile.
 */
import type { postToStorage } from "@/client/post/post-transport";
import type { putPart } from "@/client/multipart/part-transport";
import type { PutTransport } from "@/client/put/put-transport";

/** One request that reached storage. */
export type StorageCall = {
  /** The object key for a POST (the `key` form field), the URL for a PUT (a small file's names its key). */
  target: string;
  size: number;
  signal: AbortSignal;
  /** "open" while held; how it ended otherwise. */
  state: "open" | "stored" | "failed" | "aborted";
  /** Lets a held request succeed. */
  finish: () => void;
  /** Ends a held request with this error. */
  fail: (error: unknown) => void;
};

function abortError(): DOMException {
  return new DOMException("Aborted", "AbortError");
}

export class FakeStorage {
  readonly posts: StorageCall[] = [];
  readonly puts: StorageCall[] = [];
  /** Small files' presigned PUTs (a part's are `puts`). */
  readonly filePuts: StorageCall[] = [];
  /** The headers each small file's PUT sent, in order. */
  readonly filePutHeaders: Array<Record<string, string>> = [];
  /** Keys of the objects a POST or a small file's PUT stored. */
  readonly objects = new Set<string>();
  /** While true, new requests stay open until the test calls `finish` or `fail` on them. */
  hold = false;
  private readonly postFailures: unknown[] = [];
  private readonly putFailures: unknown[] = [];
  private readonly filePutFailures: unknown[] = [];

  /** The next POSTs fail with these errors, in order (a held request takes its failure when finished). */
  failNextPosts(...errors: unknown[]) {
    this.postFailures.push(...errors);
  }

  failNextPuts(...errors: unknown[]) {
    this.putFailures.push(...errors);
  }

  failNextFilePuts(...errors: unknown[]) {
    this.filePutFailures.push(...errors);
  }

  /** Requests still on the wire. */
  open(calls: readonly StorageCall[]): StorageCall[] {
    return calls.filter((call) => call.state === "open");
  }

  post: typeof postToStorage = (target, file, options = {}) => {
    const key = target.fields.key ?? target.url;
    return this.request(this.posts, this.postFailures, key, file.size, options.signal, () => this.objects.add(key));
  };

  putFile: PutTransport = (target, file, options = {}) => {
    this.filePutHeaders.push(target.headers);
    return this.request(this.filePuts, this.filePutFailures, target.url, file.size, options.signal, () => this.objects.add(target.url));
  };

  put: typeof putPart = (url, body, _checksum, options) =>
    this.request(this.puts, this.putFailures, url, body.size, options.signal, () => {}).then(() => ({ etag: `"etag ${url}"` }));

  private request(log: StorageCall[], failures: unknown[], target: string, size: number, signal: AbortSignal | undefined, store: () => void) {
    return new Promise<void>((resolve, reject) => {
      const call: StorageCall = {
        target,
        size,
        signal: signal ?? new AbortController().signal,
        state: "open",
        finish: () => {
          if (call.state !== "open") return;
          const failure = failures.shift();
          if (failure !== undefined) return call.fail(failure);
          call.state = "stored";
          store();
          resolve();
        },
        fail: (error) => {
          if (call.state !== "open") return;
          call.state = "failed";
          reject(error);
        },
      };
      log.push(call);
      if (call.signal.aborted) {
        call.state = "aborted";
        return reject(abortError());
      }
      call.signal.addEventListener("abort", () => {
        if (call.state !== "open") return;
        call.state = "aborted";
        reject(abortError());
      });
      if (!this.hold) queueMicrotask(call.finish);
    });
  }
}
