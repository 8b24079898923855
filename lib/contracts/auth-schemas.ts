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

export const registerBodySchema = z.object({
  email: emailSchema,
  password: z
    .string()
    .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`),
  name: userNameSchema.optional(),
});
export type RegisterBody = z.infer<typeof registerBodySchema>;

export const credentialsSchema = z.object({
  email: emailSchema,
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
});
