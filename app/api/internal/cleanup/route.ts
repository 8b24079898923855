import { timingSafeEqual } from "node:crypto";
import { cleanupStaleUploads } from "@/server/ops/cleanup";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/contracts/errors";
import { logged } from "@/server/http/request-log";

function authorizeCron(req: Request): void {
  const secret = getEnv().CRON_SECRET;
  if (!secret) throw new AppError("not_found", "Not found.");
  const given = Buffer.from(req.headers.get("authorization") ?? "");
  const expected = Buffer.from(`Bearer ${secret}`);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AppError("unauthorized");
}

// GET|POST /api/internal/cleanup - the cleanup job for serverless cron (Bearer CRON_SECRET)
async function handler(req: Request) {
  authorizeCron(req);
  return Response.json(await cleanupStaleUploads());
}

export const GET = logged("GET /api/internal/cleanup", handler);
export const POST = logged("POST /api/internal/cleanup", handler);
