import { z } from "zod";
import { CONTROL_CHARS } from "./display-name";

export const PASSWORD_MIN_LENGTH = 8;
/** scrypt hashes whatever it is given; a cap keeps a megabyte "password" from costing CPU. */
export const PASSWORD_MAX_LENGTH = 256;

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email("must be a valid email address").max(254));

/** A password being set (sign-up, a change): its length rule. */
const newPasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`);

export const registerBodySchema = z.object({
  email: emailSchema,
  password: newPasswordSchema,
  // Optional, and may be empty; Postgres text can't hold NUL, and no label should hold controls.
  name: z.string().trim().max(100).refine((name) => !CONTROL_CHARS.test(name), "must not contain control characters").optional(),
});
export type RegisterBody = z.infer<typeof registerBodySchema>;

export const credentialsSchema = z.object({
  email: emailSchema,
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
});

/** POST /api/me/password: the password in use, and the one to use from now on. */
export const changePasswordBodySchema = z.object({
  currentPassword: z.string().min(1, "is required").max(PASSWORD_MAX_LENGTH),
  newPassword: newPasswordSchema,
});
export type ChangePasswordBody = z.infer<typeof changePasswordBodySchema>;

/** The answer of POST /api/me/password and DELETE /api/sessions: how many sessions it ended. */
export type EndedSessionsResponse = { endedSessions: number };
