import { provisionTestServices } from "./provision";

/**
 * `npm test` provisions services once and passes them in the environment; a bare `npx vitest`
 * provisions its own here, so integration tests always run against real Postgres and MinIO.
 */
export default async function setup() {
  if (process.env.TEST_SERVICES === "ready") return;
  const services = await provisionTestServices(process.env.APP_URL ?? "http://127.0.0.1:3000");
  return services.teardown;
}
