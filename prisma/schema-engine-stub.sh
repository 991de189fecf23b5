#!/bin/sh
# `prisma generate` only needs Prisma's bundled WASM, but the CLI first looks for its native schema
# engine and tries to download it. Pointing PRISMA_SCHEMA_ENGINE_BINARY here lets generate run on
# machines without internet access. Migrations are applied by Windmill itself (apps/core/src/db/migrate.ts).
exit 0
