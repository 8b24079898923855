import { getCurrentUser } from "@/lib/auth.server";
import { AppError, toErrorResponse } from "@/lib/errors";
import { toFileDto } from "@/lib/file-dto";
import { fileIdSchema, type CompleteUploadResponse } from "@/lib/upload-schemas";
import { completeUpload } from "@/lib/uploads.server";

type Context = { params: Promise<{ id: string }> };

// POST /api/uploads/{id}/complete - mark the file uploaded once S3 confirms size and type
export async function POST(req: Request, { params }: Context) {
  try {
    const user = await getCurrentUser(req);
    const id = fileIdSchema.safeParse((await params).id);
    if (!id.success) throw new AppError("not_found", "No such upload.");
    const item = await completeUpload(id.data, user.id);
    const response: CompleteUploadResponse = { file: toFileDto(item) };
    return Response.json(response);
  } catch (err) {
    return toErrorResponse(err);
  }
}
