import { describe, expect, it } from "vitest";
import { ApiError } from "./api-error";
import type { ApiFetch } from "./api-fetch";
import { createUploadApi } from "./upload-api";

/** The four batch routes over a fetcher that records each call and answers one created item and one refused. */
function recordingApi() {
  const calls: Array<{ path: string; method?: string; body: unknown }> = [];
  const call = (async (path: string, init: RequestInit = {}) => {
    calls.push({ path, method: init.method, body: JSON.parse(String(init.body)) });
    return { results: [{ status: 201, fileItemId: "a" }, { status: 409, fileItemId: "b", error: { code: "conflict", message: "Not now." } }] };
  }) as ApiFetch;
  return { api: createUploadApi(call), calls };
}

describe("the batch routes", () => {
  it.each([
    ["createUploads", "/api/uploads/batch", (api: ReturnType<typeof createUploadApi>) => api.createUploads([{ name: "a.png", size: 1, type: "image/png" }]), { files: [{ name: "a.png", size: 1, type: "image/png" }] }],
    ["completeUploads", "/api/uploads/batch/complete", (api: ReturnType<typeof createUploadApi>) => api.completeUploads(["a", "b"]), { ids: ["a", "b"] }],
    ["planPreviews", "/api/previews", (api: ReturnType<typeof createUploadApi>) => api.planPreviews([{ fileItemId: "a", size: 10, type: "image/webp" }]), { previews: [{ fileItemId: "a", size: 10, type: "image/webp" }] }],
    ["completePreviews", "/api/previews/complete", (api: ReturnType<typeof createUploadApi>) => api.completePreviews(["a", "b"]), { fileItemIds: ["a", "b"] }],
  ] as const)("%s POSTs its body to %s and settles each item on its own", async (_name, path, send, body) => {
    const { api, calls } = recordingApi();
    const [created, refused] = await send(api);
    expect(calls).toEqual([{ path, method: "POST", body }]);
    expect(created).toEqual({ ok: true, value: { fileItemId: "a" } });
    expect(refused).toMatchObject({ ok: false, error: expect.any(ApiError) });
    expect((refused as { error: ApiError }).error).toMatchObject({ status: 409, code: "conflict", message: "Not now." });
  });
});
