import { z } from "zod";

/** How long a share link may live, in hours: 1 hour to 30 days, a week unless asked. */
export const SHARE_LINK_MIN_HOURS = 1;
export const SHARE_LINK_MAX_HOURS = 30 * 24;
export const SHARE_LINK_DEFAULT_HOURS = 7 * 24;
/** The largest download limit a link may carry (null: no limit until it expires). */
export const SHARE_LINK_MAX_DOWNLOADS = 10_000;
/** Links of one file that may be live (unrevoked and unexpired) at once. */
export const MAX_LIVE_LINKS_PER_FILE = 100;
/** `POST /api/files/{id}/links` is a few fields; anything bigger is not this body. */
export const CREATE_SHARE_LINK_MAX_BODY_BYTES = 4 * 1024;

const hoursMessage = `must be a whole number of hours from ${SHARE_LINK_MIN_HOURS} to ${SHARE_LINK_MAX_HOURS}`;
const downloadsMessage = `must be a whole number from 1 to ${SHARE_LINK_MAX_DOWNLOADS}, or null for no limit`;

/** Both fields are optional; unknown fields are refused, so a misspelt limit never makes an unlimited link. */
export const createShareLinkBodySchema = z.strictObject({
  expiresInHours: z
    .number(hoursMessage)
    .int(hoursMessage)
    .min(SHARE_LINK_MIN_HOURS, hoursMessage)
    .max(SHARE_LINK_MAX_HOURS, hoursMessage)
    .default(SHARE_LINK_DEFAULT_HOURS),
  maxDownloads: z.number(downloadsMessage).int(downloadsMessage).min(1, downloadsMessage).max(SHARE_LINK_MAX_DOWNLOADS, downloadsMessage).nullable().default(null),
});
export type CreateShareLinkBody = z.infer<typeof createShareLinkBodySchema>;

/** `active` works now; `expired` is past its time; `used_up` has had its downloads. Revoked links are not listed. */
export type ShareLinkState = "active" | "expired" | "used_up";

/** A link as the API lists it: never its token or the token's hash. */
export type ShareLinkDto = {
  id: string;
  fileId: string;
  expiresAt: string;
  maxDownloads: number | null;
  downloads: number;
  lastUsedAt: string | null;
  createdAt: string;
  state: ShareLinkState;
};

/** `url` holds the token: in this one answer and never again. */
export type CreateShareLinkResponse = { link: ShareLinkDto & { url: string } };
export type ListShareLinksResponse = { links: ShareLinkDto[] };
