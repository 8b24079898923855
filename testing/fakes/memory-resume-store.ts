/** This browser's records of unfinished multipart uploads (IndexedDB in the page), in memory. */
import { fingerprintOf, type ResumeRecord, type ResumeStore } from "@/client/multipart/resume-store";

export function memoryResumeStore(): ResumeStore & { records: Map<string, ResumeRecord> } {
  const records = new Map<string, ResumeRecord>();
  return {
    records,
    find: async (file) => records.get(fingerprintOf(file)) ?? null,
    remember: async (file, fileId) => {
      const fingerprint = fingerprintOf(file);
      records.set(fingerprint, { fingerprint, fileId, name: file.name, size: file.size, savedAt: Date.now() });
    },
    forget: async (file) => void records.delete(fingerprintOf(file)),
    list: async () => [...records.values()],
  };
}
