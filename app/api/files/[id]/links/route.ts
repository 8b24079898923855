import { CREATE_SHARE_LINK_MAX_BODY_BYTES, createShareLinkBodySchema } from "@/lib/contracts/share-link-schemas";
import { fileIdParam } from "@/server/http/params";
import { route } from "@/server/http/route";
import { enforceRateLimit } from "@/server/ops/rate-limit";
import { createShareLink, listShareLinks } from "@/server/sharing/share-links";

// GET /api/files/{id}/links - the unrevoked share links of the caller's file (never their URLs)
export const GET = route({ name: "GET /api/files/{id}/links", auth: "user", params: { id: fileIdParam } }, async ({ user, params }) =>
  Response.json(await listShareLinks(params.id, user.id)),
);

// POST /api/files/{id}/links - make a share link; its URL (with the token) is in this answer only
export const POST = route(
  {
    name: "POST /api/files/{id}/links",
    auth: "user",
    params: { id: fileIdParam },
    body: createShareLinkBodySchema,
    maxBodyBytes: CREATE_SHARE_LINK_MAX_BODY_BYTES,
  },
  async ({ user, params, body }) => {
    await enforceRateLimit("link-changes", user.id);
    return Response.json(await createShareLink(params.id, user, body), { status: 201 });
  },
);
