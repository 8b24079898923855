import { randomBytes } from "node:crypto";
import { openDatabase } from "../db/index";
import { createTestDatabase, serviceEnv, startMinio, type MinioServer, type TestDatabase } from "./services";

export type ProvisionedServices = { env: Record<string, string>; teardown: () => Promise<void> };

/**
 * A fresh database (migrated) and a MinIO server with a fresh bucket, and the env that points the
 * app at them. Sets process.env too, so code in this process sees the same settings.
 */
export async function provisionTestServices(appUrl: string): Promise<ProvisionedServices> {
  const [database, minio] = await Promise.all([createTestDatabase(), startMinio()]);
  const teardown = async () => {
    await minio.stop();
    await database.drop();
  };
  try {
    return await prepare(database, minio, appUrl, teardown);
  } catch (err) {
    await teardown();
    throw err;
  }
}

async function prepare(
  database: TestDatabase,
  minio: MinioServer,
  appUrl: string,
  teardown: () => Promise<void>,
): Promise<ProvisionedServices> {
  const handle = await openDatabase({ url: database.url });
  await handle.migrate();
  await handle.close();
  const bucket = `test-${randomBytes(4).toString("hex")}`;
  const env = { ...serviceEnv({ databaseUrl: database.url, minio, bucket, appUrl }), TEST_SERVICES: "ready" };
  Object.assign(process.env, env);
  const { ensureBucket } = await import("../lib/s3.server");
  await ensureBucket({ corsOrigins: [appUrl] });
  console.log(`[services] database ${database.name}, MinIO ${minio.endpoint}, bucket ${bucket}`);
  return { env, teardown };
}
