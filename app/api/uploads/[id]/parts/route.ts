import { getCurrentUser } from "@/lib/auth.server";
import { fileIdParam, parseJsonBody } from "@/lib/http";
import { partsToSign, signParts } from "@/lib/multipart.server";
import { enforceRateLimit } from "@/lib/rate-limit.server";
import { signPartsBodySchema, type SignPartsResponse } from "@/lib/upload-schemas";
import { requireOwnedItem } from "@/lib/uploads.server";
import { logged } from "@/lib/request-log";

type Context = { params: Promise<{ id: string }> };

// POST /api/uploads/{id}/parts - sign a batch of UploadPart URLs (exact length, optional CRC32)
async function handlePOST(req: Request, { params }: Context) {
  const user = await getCurrentUser(req);
  const item = await requireOwnedItem(await fileIdParam(params), user.id);
  const body = await parseJsonBody(req, signPartsBodySchema);
  const parts = partsToSign(item, body);
  // Only a valid request spends budget (one per part number asked for), before any signing.
  await enforceRateLimit("parts", user.id, body.partNumbers.length);
  const response: SignPartsResponse = { parts: await signParts(item, parts) };
  return Response.json(response);
}

export const POST = logged("POST /api/uploads/{id}/parts", handlePOST);
