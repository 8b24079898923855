/**
 * Which added files may have an unfinished upload to go on with: the same file picked again after
 * a reload, or a failed multipart row retried. One read of the resume records per batch of files
 * added, not one per file: most files have nothing to resume.
 */
import type { UploadApi } from "@/client/api/upload-api";
import { findUnfinishedUpload, type ResumedUpload } from "@/client/multipart/multipart-job";
import { fingerprintOf, type ResumeStore } from "@/client/multipart/resume-store";

export class ResumeLookup {
  /** Fingerprints of the files with an unfinished upload saved here. */
  private fingerprints: Promise<ReadonlySet<string>> = Promise.resolve(new Set());

  constructor(
    private readonly api: UploadApi,
    private readonly store: ResumeStore,
  ) {}

  /** Files were added: read the saved records again. */
  refresh() {
    this.fingerprints = this.store.list().then((records) => new Set(records.map((record) => record.fingerprint)));
  }

  /**
   * A failed upload of this file stays pending on the server with what it stored, and its record
   * stays saved here: look it up again when it is retried, so Retry sends only what is missing.
   */
  expect(file: File) {
    this.fingerprints = this.fingerprints.then((fingerprints) => new Set(fingerprints).add(fingerprintOf(file)));
  }

  /** The unfinished upload this file started before, if the server still has it pending. */
  async find(file: File): Promise<ResumedUpload | null> {
    return (await this.fingerprints).has(fingerprintOf(file)) ? findUnfinishedUpload(this.api, file, this.store) : null;
  }

  /** The file was cancelled: nothing of it is to be resumed. */
  forget(file: File): Promise<void> {
    return this.store.forget(file);
  }
}
