import { recordParts } from "@/server/uploads/multipart";
import { partsDoneBodySchema } from "@/lib/contracts/upload-schemas";
import { ownedFileItem } from "@/server/uploads/owned";
import { fileIdParam } from "@/server/http/params";
import { route } from "@/server/http/route";

// POST /api/uploads/{id}/parts/done - record a batch of stored parts {parts:[{partNumber, etag, checksum?}]}
export const POST = route(
  { name: "POST /api/uploads/{id}/parts/done", auth: "user", params: { id: fileIdParam }, item: ownedFileItem, body: partsDoneBodySchema },
  async ({ item, body }) => {
    await recordParts(item, body.parts);
    return new Response(null, { status: 204 });
  },
);
