import { partsToSign, signParts } from "@/server/uploads/multipart";
import { enforceRateLimit } from "@/server/ops/rate-limit";
import { signPartsBodySchema, type SignPartsResponse } from "@/lib/contracts/upload-schemas";
import { ownedFileItem } from "@/server/uploads/owned";
import { fileIdParam } from "@/server/http/params";
import { route } from "@/server/http/route";

// POST /api/uploads/{id}/parts - sign a batch of UploadPart URLs (exact length, optional CRC32)
export const POST = route(
  { name: "POST /api/uploads/{id}/parts", auth: "user", params: { id: fileIdParam }, item: ownedFileItem, body: signPartsBodySchema },
  async ({ user, item, body }) => {
    const parts = partsToSign(item, body);
    // Only a valid request spends budget (one per part number asked for), before any signing.
    await enforceRateLimit("parts", user.id, body.partNumbers.length);
    const response: SignPartsResponse = { parts: await signParts(item, parts) };
    return Response.json(response);
  },
);
