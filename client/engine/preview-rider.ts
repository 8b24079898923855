/**
 * Previews ride beside the upload (STYLE.md, "Client engine"): a photo's or video's preview is
 * made from the moment its file starts, off the file's slot and with the shared connections, and
 * sent just before the file's complete if it is ready in time. It never holds a slot, and never
 * fails or retries the file (client/preview/preview-task.ts).
 */
import type { UploadApi } from "@/client/api/upload-api";
import type { ConnectionPool } from "@/client/connection-pool";
import type { PostTransport } from "@/client/post/post-transport";
import { PreviewTask, type PreviewOptions } from "@/client/preview/preview-task";
import { isPreviewable } from "@/lib/contracts/preview-schemas";

export type RiddenPreview = {
  /** Our API with each complete (single or multipart) preceded by sending the file's preview. */
  api: UploadApi;
  /** The file has ended: whatever is still being made or sent is dropped. */
  dispose(): void;
};

/** Starts the file's preview, or null when there are no previews (the CLI, the benchmark) or the type gets none. */
export function startPreview(
  file: File,
  options: PreviewOptions | undefined,
  deps: { api: UploadApi; pool: ConnectionPool; post: PostTransport },
  signal: AbortSignal,
): RiddenPreview | null {
  if (!options || !isPreviewable(file.type)) return null;
  const preview = new PreviewTask(file, options, { pool: deps.pool, post: deps.post }, signal);
  const { api } = deps;
  const before = async (id: string) => {
    await preview.attach(id);
    // Cancelled while the preview was sent: the file's complete must not go out.
    signal.throwIfAborted();
  };
  return {
    api: {
      ...api,
      complete: async (id) => (await before(id), api.complete(id)),
      completeMultipart: async (id) => (await before(id), api.completeMultipart(id)),
    },
    dispose: () => preview.dispose(),
  };
}
