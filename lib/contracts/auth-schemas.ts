import { z } from "zod";
import { withNameCharacters } from "./display-name";

export const PASSWORD_MIN_LENGTH = 8;
/** scrypt hashes whatever it is given; a cap keeps a megabyte "password" from costing CPU. */
export const PASSWORD_MAX_LENGTH = 256;

/** A person's display name, shown in the header and stored on `users.name`. */
export const MAX_USER_NAME_LENGTH = 100;
/** May be empty (no name); otherwise the rule of every name people read: no control, invisible or text-direction characters. */
export const userNameSchema = withNameCharacters(z.string().trim().max(MAX_USER_NAME_LENGTH, `must be at most ${MAX_USER_NAME_LENGTH} characters`));

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email("must be a valid email address").max(254));

/** A password being set (sign-up, a change): its length rule. */
const newPasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`);

export const registerBodySchema = z.object({
  email: emailSchema,
  password: newPasswordSchema,
  name: userNameSchema.optional(),
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
