import { getCurrentUser } from "@/server/auth/auth";
import { fileIdParam, parseJsonBody } from "@/server/http/parse";
import { recordParts } from "@/server/uploads/multipart";
import { partsDoneBodySchema } from "@/lib/contracts/upload-schemas";
import { requireOwnedItem } from "@/server/uploads/uploads";
import { logged } from "@/server/http/request-log";

type Context = { params: Promise<{ id: string }> };

// POST /api/uploads/{id}/parts/done - record a batch of stored parts {parts:[{partNumber, etag, checksum?}]}
async function handlePOST(req: Request, { params }: Context) {
  const user = await getCurrentUser(req);
  const item = await requireOwnedItem(await fileIdParam(params), user.id);
  const body = await parseJsonBody(req, partsDoneBodySchema);
  await recordParts(item, body.parts);
  return new Response(null, { status: 204 });
}

export const POST = logged("POST /api/uploads/{id}/parts/done", handlePOST);
