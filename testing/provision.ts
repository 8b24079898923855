import { randomBytes } from "node:crypto";
import { openDatabase } from "../db/driver";
import { startFaultProxy, type FaultProxy } from "./fault-proxy";
import { createTestDatabase, serviceEnv, startTestStore, type StoreServer, type TestDatabase } from "./services";

export type ProvisionedServices = { env: Record<string, string>; teardown: () => Promise<void> };

/**
 * A fresh database (migrated) and an S3 store with a fresh bucket, and the env that points the
 * app at them. Sets process.env too, so code in this process sees the same settings. The store is
 * MinIO, or SeaweedFS with TEST_STORE=seaweedfs (S3_PROVIDER follows, so the app uses its preset).
 * The browser reaches the store through the fault proxy (S3_PUBLIC_ENDPOINT, control at
 * FAULT_PROXY_URL), which passes everything through until a spec turns faults on.
 */
export async function provisionTestServices(appUrl: string): Promise<ProvisionedServices> {
  const [database, store] = await Promise.all([createTestDatabase(), startTestStore()]);
  let proxy: FaultProxy | undefined;
  const teardown = async () => {
    await proxy?.close();
    await store.stop();
    await database.drop();
  };
  try {
    proxy = await startFaultProxy({ target: store.endpoint });
    return await prepare(database, store, proxy, appUrl, teardown);
  } catch (err) {
    await teardown();
    throw err;
  }
}

async function prepare(
  database: TestDatabase,
  store: StoreServer,
  proxy: FaultProxy,
  appUrl: string,
  teardown: () => Promise<void>,
): Promise<ProvisionedServices> {
  const handle = await openDatabase({ url: database.url });
  await handle.migrate();
  await handle.close();
  const bucket = `test-${randomBytes(4).toString("hex")}`;
  const env = {
    ...serviceEnv({ databaseUrl: database.url, store, bucket, appUrl }),
    TEST_STORE: store.name,
    S3_PUBLIC_ENDPOINT: proxy.url,
    FAULT_PROXY_URL: proxy.url,
    TEST_SERVICES: "ready",
    // Every test request comes from one address (no trusted proxy): the suites sign up far more
    // users per hour than a person would. tests/hardening-auth.test.ts tests the real limit.
    RATE_LIMIT_SIGNUPS_PER_ADDRESS: "100000",
  };
  Object.assign(process.env, env);
  const { ensureBucket } = await import("../server/storage/bucket");
  await ensureBucket({ corsOrigins: [appUrl] });
  console.log(`[services] database ${database.name}, ${store.name} ${store.endpoint} (browser via fault proxy ${proxy.url}), bucket ${bucket}`);
  return { env, teardown };
}
