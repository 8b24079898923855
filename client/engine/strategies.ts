/**
 * Which job sends which strategy's upload: the one place a new strategy is registered. The engine
 * never branches on `upload.strategy` itself.
 */
import { multipartUploadJob } from "@/client/multipart/multipart-job";
import { postUploadJob } from "@/client/post/post-job";
import { putUploadJob } from "@/client/put/put-job";
import type { FileItemJson } from "@/lib/contracts/upload-schemas";
import type { JobDeps, JobInput, UploadJob, UploadStrategy } from "./upload-job";

export const UPLOAD_JOBS: { readonly [S in UploadStrategy]: UploadJob<S> } = {
  post: postUploadJob,
  put: putUploadJob,
  multipart: multipartUploadJob,
};

/** Runs the job of the strategy the server chose for this file. */
export function runUploadJob(deps: JobDeps, input: JobInput<UploadStrategy>): Promise<FileItemJson> {
  const job = UPLOAD_JOBS[input.upload.strategy] as UploadJob<UploadStrategy>;
  return job(deps, input);
}
