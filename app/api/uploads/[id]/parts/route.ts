import { getCurrentUser } from "@/server/auth/auth";
import { fileIdParam, parseJsonBody } from "@/server/http/parse";
import { partsToSign, signParts } from "@/server/uploads/multipart";
import { enforceRateLimit } from "@/server/ops/rate-limit";
import { signPartsBodySchema, type SignPartsResponse } from "@/lib/contracts/upload-schemas";
import { requireOwnedItem } from "@/server/uploads/uploads";
import { logged } from "@/server/http/request-log";

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
