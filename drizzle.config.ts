import { defineConfig } from 'drizzle-kit';

// Migrations are generated from the schema with `npm run db:generate` (drizzle-kit generate) and applied
// by the tracker at start (drizzle's libSQL migrator). Never edit a generated migration by hand.
export default defineConfig({
  dialect: 'turso',
  schema: './tracker/src/store/schema.ts',
  out: './migrations',
  dbCredentials: { url: process.env.EDGEFLOW_DB_URL ?? 'file:data/tracker.db' },
});
