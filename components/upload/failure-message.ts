import type { FailureCode } from "@/client/queue/upload-queue";

/** What a person reads when an upload fails, by error code; the server's own text where it names a limit. */
export function failureMessage(code: FailureCode, message: string): string {
  switch (code) {
    case "too_large":
    case "unsupported_type":
    case "quota_exceeded":
    case "bad_request":
      return message;
    case "storage_refused":
      // Storage refusing the browser's POST or PUT (a fresh signature may fix it), or the server's request (the store said no).
      return `${message} Retry to sign and send it again; if storage refuses again, its settings need a look.`;
    case "storage_unsupported":
      return `${message} The site's file storage settings need a look.`;
    case "upload_incomplete":
      return "Storage did not receive the whole file. Retry to send it again.";
    case "unauthorized":
      return "Your session has ended. Sign in again, then retry.";
    case "not_found":
      return "The server no longer knows this upload. Retry to start over.";
    case "rate_limited":
      return "Too many uploads at once. Retry in a moment.";
    case "storage_unavailable":
    case "storage_error":
      return "File storage is unavailable. Retry in a moment.";
    case "part_failed":
      return `${message} Retry to send the missing parts.`;
    case "network_error":
      return "The connection dropped. Check your network, then retry.";
    default:
      return "Something went wrong on our side. Retry in a moment.";
  }
}
