import { z } from "zod";
import { getCurrentUser } from "@/server/auth/auth";
import { AppError } from "@/lib/contracts/errors";
import { fileIdParam, parseJsonBody } from "@/server/http/parse";
import { recordParts } from "@/server/uploads/multipart";
import { partDoneBodySchema } from "@/lib/contracts/upload-schemas";
import { requireOwnedItem } from "@/server/uploads/uploads";
import { logged } from "@/server/http/request-log";

type Context = { params: Promise<{ id: string; n: string }> };

const partNumberParam = z.coerce.number().int().min(1).max(10_000);

// POST /api/uploads/{id}/parts/{n}/done - record one stored part {etag, checksum?}
async function handlePOST(req: Request, { params }: Context) {
  const user = await getCurrentUser(req);
  const item = await requireOwnedItem(await fileIdParam(params), user.id);
  const partNumber = partNumberParam.safeParse((await params).n);
  if (!partNumber.success) throw new AppError("bad_request", "n: must be a part number from 1 to 10000");
  const body = await parseJsonBody(req, partDoneBodySchema);
  await recordParts(item, [{ partNumber: partNumber.data, ...body }]);
  return new Response(null, { status: 204 });
}

export const POST = logged("POST /api/uploads/{id}/parts/{n}/done", handlePOST);
