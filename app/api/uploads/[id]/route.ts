import { getCurrentUser } from "@/lib/auth.server";
import { AppError, toErrorResponse } from "@/lib/errors";
import { fileIdSchema } from "@/lib/upload-schemas";
import { cancelUpload } from "@/lib/uploads.server";

type Context = { params: Promise<{ id: string }> };

// DELETE /api/uploads/{id} - cancel a pending upload and remove anything already stored
export async function DELETE(req: Request, { params }: Context) {
  try {
    const user = await getCurrentUser(req);
    const id = fileIdSchema.safeParse((await params).id);
    if (!id.success) throw new AppError("not_found", "No such upload.");
    await cancelUpload(id.data, user.id);
    return new Response(null, { status: 204 });
  } catch (err) {
    return toErrorResponse(err);
  }
}
