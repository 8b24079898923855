import { listLibrary } from "@/server/library/library";
import { listFilesQuerySchema } from "@/lib/contracts/library-schemas";
import { route } from "@/server/http/route";

// GET /api/files - the caller's uploaded files: one page, filtered and sorted, plus their usage
export const GET = route({ name: "GET /api/files", auth: "user", query: listFilesQuerySchema }, async ({ user, query }) =>
  Response.json(await listLibrary(user.id, query)),
);
