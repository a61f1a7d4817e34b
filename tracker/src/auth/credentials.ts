import * as z from 'zod';
import { nameText } from '../routes/fields.ts';

/** A username: 1–255 characters, no control character, no `:` (HTTP Basic ends the username at the first one). */
export const usernameText = nameText(255).regex(/^[^:]*$/, 'a username may not contain ":"');

/** A password: 8–1000 characters. No default passwords: there is no other way to set one. */
export const passwordText = z.string().min(8, 'at least 8 characters').max(1000);
