import { recordParts } from "@/server/uploads/multipart";
import { partDoneBodySchema } from "@/lib/contracts/upload-schemas";
import { ownedFileItem } from "@/server/uploads/owned";
import { fileIdParam, partNumberParam } from "@/server/http/params";
import { route } from "@/server/http/route";

// POST /api/uploads/{id}/parts/{n}/done - record one stored part {etag, checksum?}
export const POST = route(
  {
    name: "POST /api/uploads/{id}/parts/{n}/done",
    auth: "user",
    params: { id: fileIdParam, n: partNumberParam },
    item: ownedFileItem,
    body: partDoneBodySchema,
  },
  async ({ item, params, body }) => {
    await recordParts(item, [{ partNumber: params.n, ...body }]);
    return new Response(null, { status: 204 });
  },
);
