import { describe, expect, it } from "vitest";
import { ConnectionPool } from "./connection-pool";
import { MultipartTransfer, type MultipartDeps } from "./multipart-transfer";
import { MIB, planParts } from "./part-plan";
import type { PartReport } from "./upload-schemas";

/**
 * The transfer's own orchestration (ordering of PUTs, reports and complete), with in-memory
 * stand-ins for our API and storage. What storage does with the bytes is tested against MinIO
 * in tests/multipart.test.ts and e2e/.
 */
function setup(options: { failReports?: number; reportStatus?: number } = {}) {
  const fileSize = 5 * 5 * MIB + 123;
  const file = new Blob([new Uint8Array(fileSize)]);
  const plan = planParts(fileSize, 5 * MIB)!;
  const events: string[] = [];
  const reported: PartReport[] = [];
  let failuresLeft = options.failReports ?? 0;
  const deps: MultipartDeps = {
    pool: new ConnectionPool(3),
    hash: async (blob) => `crc-${blob.size}`,
    put: async (url) => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      events.push(`put ${url}`);
      return { etag: `"etag-${url}"` };
    },
    api: {
      signParts: async (_id, partNumbers) =>
        partNumbers.map((partNumber) => ({ partNumber, url: String(partNumber), expiresAt: new Date(Date.now() + 600_000).toISOString() })),
      reportParts: async (_id, parts) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (failuresLeft-- > 0) throw Object.assign(new Error("report failed"), { status: options.reportStatus ?? 503 });
        events.push(`report ${parts.map((p) => p.partNumber).join(",")}`);
        reported.push(...parts);
      },
      complete: async (id) => {
        events.push("complete");
        return { id } as never;
      },
    },
  };
  const transfer = new MultipartTransfer("file-1", file, plan, deps, () => {});
  return { transfer, events, reported, plan };
}

describe("MultipartTransfer", () => {
  it("reports every stored part once, in fewer calls than parts, before it completes", async () => {
    const { transfer, events, reported, plan } = setup();
    await transfer.run();
    expect(plan.partCount).toBe(6);
    expect(reported.map((p) => p.partNumber).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(reported.every((p) => p.etag === `"etag-${p.partNumber}"` && p.checksum?.startsWith("crc-"))).toBe(true);
    expect(events.filter((e) => e.startsWith("report")).length).toBeLessThan(plan.partCount);
    expect(events.at(-1)).toBe("complete");
  });

  it("re-sends a report that failed without sending the part again", async () => {
    const { transfer, events, reported } = setup({ failReports: 2 });
    await transfer.run();
    expect(events.filter((e) => e.startsWith("put"))).toHaveLength(6);
    expect(new Set(reported.map((p) => p.partNumber)).size).toBe(6);
    expect(events.at(-1)).toBe("complete");
  });

  it("does not complete while a part is unreported, and fails on a refusal", async () => {
    const { transfer, events } = setup({ failReports: 100, reportStatus: 409 });
    await expect(transfer.run()).rejects.toThrow("report failed");
    expect(events).not.toContain("complete");
    expect(transfer.snapshot.status).toBe("failed");
  });
});
