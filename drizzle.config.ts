import { defineConfig } from 'drizzle-kit';

// Migrations are generated from src/store/schema and committed in migrations/; both drivers
// (postgres.js and PGlite) apply the same folder at start and with `tierdesk migrate`.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/schema/index.ts',
  out: './migrations',
});
