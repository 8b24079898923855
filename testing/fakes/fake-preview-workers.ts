import type { ImagePreviewAnswer, ImagePreviewRequest } from "@/client/preview/image-preview.worker";
import type { PreviewWorker } from "@/client/preview/image-workers";
import type { MadePreview } from "@/client/preview/made-preview";

/** Image preview workers (PreviewWorker, client/preview/image-workers.ts) in memory: each records what it was sent and answers when the test says. */
export function fakeWorkers() {
  const started: Array<PreviewWorker & { jobs: ImagePreviewRequest[]; answer: (preview: MadePreview) => void; crash: () => void; terminated: boolean }> = [];
  const spawn = () => {
    const worker = {
      jobs: [] as ImagePreviewRequest[],
      terminated: false,
      onmessage: null as PreviewWorker["onmessage"],
      onerror: null as PreviewWorker["onerror"],
      postMessage(request: ImagePreviewRequest) {
        worker.jobs.push(request);
      },
      answer(preview: MadePreview) {
        const last = worker.jobs.at(-1)!;
        worker.onmessage?.({ data: { id: last.id, preview } satisfies ImagePreviewAnswer } as MessageEvent<ImagePreviewAnswer>);
      },
      terminate() {
        worker.terminated = true;
      },
      crash() {
        worker.onerror?.({} as ErrorEvent);
      },
    };
    started.push(worker);
    return worker;
  };
  return { started, spawn };
}
