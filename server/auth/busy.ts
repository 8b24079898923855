import "server-only";
import { AppError } from "@/server/http/app-error";
import { HASH_BUSY_RETRY_AFTER_SECONDS } from "./hash-slots";

/** 503 `server_busy` with Retry-After: every password-hash slot of this process is taken (hash-slots.ts). */
export function busyError(): AppError {
  return new AppError("server_busy", `The server is busy; try again in ${HASH_BUSY_RETRY_AFTER_SECONDS} s.`, {
    headers: { "Retry-After": String(HASH_BUSY_RETRY_AFTER_SECONDS) },
  });
}
