/** `npm run uploads:cleanup`: abort stale pending uploads and orphaned multipart uploads (cron-safe). */
import { cleanupStaleUploads } from "../server/ops/cleanup";

const report = await cleanupStaleUploads();
console.log(JSON.stringify(report));
process.exit(0);
