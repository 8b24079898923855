// Runs once when the server starts. The Node-only work lives in its own module so the Edge
// bundle of this file stays free of Node APIs.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startNodeServer } = await import("./server/start");
    await startNodeServer();
  }
}
