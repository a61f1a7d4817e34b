import { fileURLToPath } from 'node:url';

/**
 * The folder of drizzle-kit's migrations: the repository's `migrations/`. `npm run build` replaces this
 * module: `dist/` carries its own copy beside `tracker.js`.
 */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../migrations', import.meta.url));
