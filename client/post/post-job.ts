/**
 * The POST form strategy: a small file's bytes in one signed form POST, then its complete
 * (client/single-request.ts, shared with the PUT strategy). A transient storage failure sends the
 * same POST again; an expired policy gets a fresh file item.
 */
import { singleRequestJob } from "@/client/single-request";

export const postUploadJob = singleRequestJob("post", (transport) => transport.post);
