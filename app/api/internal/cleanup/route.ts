import { cleanupStaleUploads } from "@/server/ops/cleanup";
import { route } from "@/server/http/route";

// GET|POST /api/internal/cleanup - the cleanup job for serverless cron (Bearer CRON_SECRET)
const cleanup = (name: string) => route({ name, auth: "cron" }, async () => Response.json(await cleanupStaleUploads()));

export const GET = cleanup("GET /api/internal/cleanup");
export const POST = cleanup("POST /api/internal/cleanup");
