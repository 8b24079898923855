/**
 * A multipart upload stopped because one part failed for good: its retries ran out, or storage
 * refused it in a way retrying won't fix. Thrown by MultipartTransfer.run; the queue shows it as
 * `part_failed` ("Retry to send the missing parts"), since the stored parts are kept.
 */
export class PartFailedError extends Error {
  readonly code = "part_failed" as const;

  constructor(message: string) {
    super(message);
    this.name = "PartFailedError";
  }
}
