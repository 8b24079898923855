import { describe, expect, it } from "vitest";
import { STORE_PRESETS } from "@/lib/store-abilities";
import { compareAbilities, PROBED_ABILITIES, probeStore } from "@/server/storage/ability-probes";
import { listObjects } from "@/server/storage/objects";
import { PROBE_PREFIX } from "@/server/uploads/object-keys";

const store = process.env.TEST_STORE === "seaweedfs" ? "seaweedfs" : "minio";

describe(`probing the store's abilities (real ${store})`, () => {
  it(`finds every ability the ${store} preset relies on, and leaves nothing behind`, async () => {
    const probe = await probeStore(PROBE_PREFIX);
    for (const ability of PROBED_ABILITIES) expect({ ability, ...probe[ability] }).toMatchObject({ ability, verdict: "works" });
    expect(compareAbilities(STORE_PRESETS[store], probe)).toEqual({ problems: [], unused: [] });
    expect(await listObjects(PROBE_PREFIX)).toEqual([]);
  });

  it("names what a preset leaves unused, and what it relies on that the store lacks", async () => {
    const probe = await probeStore(PROBE_PREFIX);
    const other = compareAbilities(STORE_PRESETS.other, probe);
    expect(other.problems).toEqual([]);
    expect(other.unused).toEqual([
      expect.stringContaining("partChecksum works here but is not used (S3_PART_CHECKSUM=crc32"),
      expect.stringContaining("conditionalWrite works here"),
      expect.stringContaining("conditionalCopy works here"),
      ...(STORE_PRESETS[store].postChecksum ? [expect.stringContaining("postChecksum works here but is not used (S3_POST_CHECKSUM=true")] : []),
    ]);
    // As a store without POST Object and without conditional copies would answer:
    const r2Like = { ...probe, postForms: { verdict: "missing" as const, detail: "a valid form was refused (400 InvalidArgument)" }, conditionalCopy: { verdict: "missing" as const, detail: "a copy with a wrong x-amz-copy-source-if-match went ahead" } };
    expect(compareAbilities(STORE_PRESETS.minio, r2Like).problems).toEqual([
      "small files go by post, but a valid form was refused (400 InvalidArgument); set S3_SMALL_UPLOADS=put",
      "conditionalCopy is relied on, but a copy with a wrong x-amz-copy-source-if-match went ahead; set S3_CONDITIONAL_COPY=false",
    ]);
  });

  it("says when small files by PUT without conditional writes would do better as forms", async () => {
    const probe = await probeStore(PROBE_PREFIX);
    const putWithoutCondition = compareAbilities({ ...STORE_PRESETS.minio, smallUploads: "put", conditionalWrite: false }, probe);
    expect(putWithoutCondition.unused).toEqual([
      expect.stringContaining("(S3_SMALL_UPLOADS=post)"),
      expect.stringContaining("conditionalWrite works here but is not used"),
    ]);
  });

  it("names a bucket whose CORS would refuse the browser's PUTs as a problem", async () => {
    const probe = await probeStore(PROBE_PREFIX);
    expect(probe.browserPut.detail).toContain("If-None-Match");
    const refused = { ...probe, browserPut: { verdict: "missing" as const, detail: "a browser at http://app.example may not PUT to s3.example: headers not allowed: If-None-Match" } };
    expect(compareAbilities(STORE_PRESETS[store], refused).problems).toEqual([expect.stringContaining("headers not allowed: If-None-Match; run `npm run s3:setup`")]);
  });
});
