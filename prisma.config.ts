// Prisma 7 reads its connection URL here rather than from the schema. process.env (not Prisma's
// env() helper) keeps `prisma generate` working on machines where DATABASE_URL is not set.
import 'dotenv/config';
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/windmill' },
});
