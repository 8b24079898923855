import { route } from "@/server/http/route";
import { uploadSettings } from "@/server/uploads/create";
import type { UploadSettings } from "@/lib/contracts/upload-schemas";

// GET /api/uploads/settings - how files of each size are sent (POST form or presigned PUT, and up to which size), before asking
export const GET = route({ name: "GET /api/uploads/settings", auth: "user" }, async () => Response.json(uploadSettings() satisfies UploadSettings));
