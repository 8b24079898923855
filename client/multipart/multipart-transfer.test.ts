import { describe, expect, it } from "vitest";
import { ConnectionPool } from "@/client/connection-pool";
import type { Tracer } from "@/client/tracer";
import { MultipartTransfer, type MultipartDeps } from "./multipart-transfer";
import { PartFailedError } from "./part-failed-error";
import { storageErrorFor } from "@/client/storage-error";
import { planParts } from "@/lib/part-plan";
import { MIB } from "@/lib/units";
import type { PartReport } from "@/lib/contracts/upload-schemas";

/**
 * The transfer's own orchestration (ordering of PUTs, reports and complete), with in-memory
 * stand-ins for our API and storage. What storage does with the bytes is tested against MinIO
 * in tests/multipart.test.ts and e2e/.
 */
function setup(options: { failReports?: number; reportStatus?: number; tracer?: Tracer; refusePart?: number; checksum?: "crc32" | null } = {}) {
  const fileSize = 5 * 5 * MIB + 123;
  const file = new Blob([new Uint8Array(fileSize)]);
  const plan = { ...planParts(fileSize, 5 * MIB)!, checksum: options.checksum === undefined ? ("crc32" as const) : options.checksum };
  const events: string[] = [];
  const reported: PartReport[] = [];
  /** What each PUT and each sign call carried. */
  const sent = { hashed: 0, putChecksums: [] as Array<string | null>, signChecksums: [] as Array<Record<string, string> | undefined> };
  let failuresLeft = options.failReports ?? 0;
  const deps: MultipartDeps = {
    pool: new ConnectionPool(3),
    hash: async (blob) => (sent.hashed++, `crc-${blob.size}`),
    put: async (url, _body, checksum) => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (Number(url) === options.refusePart) throw storageErrorFor(403, "<Error><Code>SignatureDoesNotMatch</Code></Error>");
      events.push(`put ${url}`);
      sent.putChecksums.push(checksum);
      return { etag: `"etag-${url}"` };
    },
    api: {
      signParts: async (_id, partNumbers, checksums) => {
        sent.signChecksums.push(checksums);
        return { parts: partNumbers.map((partNumber) => ({ partNumber, url: String(partNumber), expiresAt: new Date(Date.now() + 600_000).toISOString() })) };
      },
      reportParts: async (_id, parts) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (failuresLeft-- > 0) throw Object.assign(new Error("report failed"), { status: options.reportStatus ?? 503 });
        events.push(`report ${parts.map((p) => p.partNumber).join(",")}`);
        reported.push(...parts);
      },
      completeMultipart: async (id) => {
        events.push("complete");
        return { file: { id } } as never;
      },
    },
  };
  const transfer = new MultipartTransfer("file-1", file, plan, { ...deps, tracer: options.tracer }, () => {});
  return { transfer, events, reported, plan, sent };
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

  it("on an upload whose parts carry no checksum, hashes nothing and signs, sends and reports parts without one", async () => {
    const { transfer, events, reported, plan, sent } = setup({ checksum: null });
    await transfer.run();
    expect(sent.hashed).toBe(0);
    expect(sent.signChecksums.length).toBeGreaterThan(0);
    expect(sent.signChecksums.every((checksums) => checksums === undefined)).toBe(true);
    expect(sent.putChecksums).toEqual(Array.from({ length: plan.partCount }, () => null));
    expect(reported.map((p) => p.partNumber).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(reported.every((p) => p.checksum === undefined)).toBe(true);
    expect(events.at(-1)).toBe("complete");
  });

  it("on a crc32 upload, signs and sends each part with its CRC32", async () => {
    const { transfer, sent } = setup();
    await transfer.run();
    expect(sent.hashed).toBeGreaterThanOrEqual(6);
    expect(sent.putChecksums.every((checksum) => checksum?.startsWith("crc-"))).toBe(true);
    expect(sent.signChecksums.every((checksums) => checksums && Object.values(checksums).every((c) => c.startsWith("crc-")))).toBe(true);
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

  it("gives up with a PartFailedError when storage refuses a part for good", async () => {
    const { transfer, events } = setup({ refusePart: 2 });
    const failure = await transfer.run().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(PartFailedError);
    expect(failure).toMatchObject({ code: "part_failed", message: "Part 2: Storage refused the upload (SignatureDoesNotMatch)." });
    expect(events).not.toContain("complete");
  });

  it("reports each part's steps to a tracer, when it has one", async () => {
    const spans: string[] = [];
    const { transfer, plan } = setup({ tracer: { span: (name, start, end) => end >= start && spans.push(name) } });
    await transfer.run();
    for (const kind of ["hash", "prepare", "acquire", "wait-hash", "wait-url", "put"]) {
      expect(spans.filter((name) => name.startsWith(`mp:${kind}:`)), kind).toHaveLength(plan.partCount);
    }
    expect(spans.some((name) => name.startsWith("mp:sign:"))).toBe(true);
  });

  describe("a connection is only held by a part that is sending (regression: slots waited on hashing and signing)", () => {
    /** 40 parts of 5 MiB through 4 connections, with a serial hasher and a slow sign call, as in the browser. */
    function slowPrepSetup() {
      const fileSize = 40 * 5 * MIB;
      const file = { size: fileSize, slice: (start: number, end: number) => ({ size: end - start }) } as unknown as Blob;
      const plan = { ...planParts(fileSize, 5 * MIB)!, checksum: "crc32" as const };
      const pool = new ConnectionPool(4);
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      let sending = 0;
      let lastPutEnd: number | null = null;
      const signedAt = new Map<number, number>();
      /** PUTs (after the first one finished) whose URL was signed only after a connection came free. */
      const signedLate: number[] = [];
      const idleSlots: string[] = [];
      const batches: number[][] = [];
      // Sampled once the hash or sign settles: by then every granted slot should have started its PUT.
      const check = (what: string) => pool.inUse !== sending && idleSlots.push(`${what}: ${pool.inUse} held, ${sending} sending`);
      let hashQueue = Promise.resolve();
      const deps: MultipartDeps = {
        pool,
        hash: (blob) => {
          const done = hashQueue.then(() => sleep(1)).then(() => (check("hash"), `crc-${blob.size}`));
          hashQueue = done.then(() => {});
          return done;
        },
        put: async (url) => {
          if (lastPutEnd !== null && signedAt.get(Number(url))! > lastPutEnd) signedLate.push(Number(url));
          sending++;
          await sleep(40);
          sending--;
          lastPutEnd = performance.now();
          return { etag: '"e"' };
        },
        api: {
          signParts: async (_id, partNumbers) => {
            batches.push(partNumbers);
            await sleep(20);
            check("sign");
            for (const n of partNumbers) signedAt.set(n, performance.now());
            return { parts: partNumbers.map((partNumber) => ({ partNumber, url: String(partNumber), expiresAt: new Date(Date.now() + 600_000).toISOString() })) };
          },
          reportParts: async () => {},
          completeMultipart: async (id) => ({ file: { id } }) as never,
        },
      };
      return { transfer: new MultipartTransfer("file-1", file, plan, deps, () => {}), idleSlots, batches, signedLate, plan };
    }

    it("hashes and signs a part before it takes a connection", async () => {
      const { transfer, idleSlots } = slowPrepSetup();
      await transfer.run();
      expect(idleSlots).toEqual([]);
    });

    it("signs each part once, in batches signed before the URLs in hand run out", async () => {
      const { transfer, batches, signedLate, plan } = slowPrepSetup();
      await transfer.run();
      // Past the first batch (its parts are hashed and signed as they come), a freed connection goes to a part that already has its URL.
      expect(signedLate.filter((n) => n > 12)).toEqual([]);
      const signed = batches.flat().sort((a, b) => a - b);
      expect(signed).toEqual(Array.from({ length: plan.partCount }, (_, i) => i + 1));
      expect(batches.length).toBeLessThanOrEqual(plan.partCount / 3);
    });
  });
});
