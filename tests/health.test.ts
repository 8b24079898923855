import { describe, expect, it } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { getEnv } from "@/server/env";

describe("GET /api/health", () => {
  it("answers ok when Postgres and the bucket are reachable, and names no secret", async () => {
    const res = await health(new Request("http://127.0.0.1/api/health"));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({ status: "ok", database: "ok", storage: "ok", storeAbilities: "as configured" });
    const text = JSON.stringify(body);
    for (const secret of [process.env.S3_SECRET_ACCESS_KEY!, process.env.DATABASE_URL!, process.env.AUTH_SECRET!]) expect(text).not.toContain(secret);
  });

  it("answers 503 degraded when the bucket is missing", async () => {
    const env = getEnv();
    const bucket = env.S3_BUCKET;
    env.S3_BUCKET = "no-such-bucket-for-health";
    try {
      const res = await health(new Request("http://127.0.0.1/api/health"));
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: "degraded", database: "ok", storage: "unreachable", storeAbilities: "unchecked" });
    } finally {
      env.S3_BUCKET = bucket;
    }
  });
});
