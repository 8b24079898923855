import { AppError } from "@/server/http/app-error";
import { route } from "@/server/http/route";
import { claimSharedDownload, enforceShareRateLimit } from "@/server/sharing/share-access";
import { shareTokenParam } from "@/server/sharing/share-params";

/** The token is in this URL: no Referer may carry it on, and nothing may keep the answer. */
const PRIVATE_HEADERS = { "cache-control": "no-store", "referrer-policy": "no-referrer", "x-robots-tag": "noindex" };

// GET /s/{token}/download - count one download, then 302 to a presigned GET made now (60 s, attachment)
export const GET = route({ name: "GET /s/{token}/download", auth: "public", params: { token: shareTokenParam } }, async ({ req, params }) => {
  try {
    await enforceShareRateLimit(req.headers);
    const location = await claimSharedDownload(params.token);
    return new Response(null, { status: 302, headers: { location, ...PRIVATE_HEADERS } });
  } catch (err) {
    // Refusals (404, 429) carry the same headers as the redirect.
    if (err instanceof AppError) throw new AppError(err.code, err.message, { headers: { ...err.headers, ...PRIVATE_HEADERS } });
    throw err;
  }
});

// HEAD /s/{token}/download - 405: Next.js would answer HEAD with GET, and a link checker's or chat
// preview's HEAD must neither count a download nor sign a URL. It reads nothing, so it tells nothing.
export const HEAD = route({ name: "HEAD /s/{token}/download", auth: "public" }, async () =>
  new Response(null, { status: 405, headers: { allow: "GET", ...PRIVATE_HEADERS } }),
);
