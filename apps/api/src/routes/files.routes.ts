import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FILE_STATUSES, REJECT_REASONS } from '@windmill/core/domain/enums';
import { getFile, listFiles, listRejections, type IngestedFile } from '@windmill/core/read/files.read';
import type { ApiDeps } from '../deps.js';
import { errorBodySchema, notFound } from '../errors.js';
import { cursorKeys, cursorParam, encodeCursor } from '../cursor.js';
import { idParams, limitParam, pageOf, timestamp, toIso, toIsoOrNull } from '../schemas.js';

const fileStatus = z.enum(FILE_STATUSES);

const fileItem = z.object({
  id: z.number().int(),
  path: z.string(),
  sha256: z.string().nullable(),
  sizeBytes: z.number().int().nullable(),
  status: fileStatus,
  profile: z
    .string()
    .nullable()
    .meta({ description: 'The input profile the file was read with (INPUT_PROFILES); null for the canonical layout' }),
  rowsTotal: z.number().int().meta({ description: 'rowsLoaded + rowsDuplicate + rowsRejected' }),
  rowsLoaded: z.number().int(),
  rowsImputed: z.number().int().meta({ description: 'Loaded rows with at least one imputed field' }),
  rowsDuplicate: z.number().int(),
  rowsRejected: z.number().int(),
  rowsSuperseded: z.number().int().meta({
    description: 'Readings of earlier deliveries at the same path that this newer version lacked, removed when it loaded',
  }),
  startOffset: z.number().int().meta({ description: 'Byte where loading started (non-zero for appended content)' }),
  appendOfId: z.number().int().nullable(),
  duplicateOfId: z.number().int().nullable(),
  ignoredColumns: z.array(z.string()),
  error: z.string().nullable(),
  finalPath: z.string().nullable(),
  moveError: z.string().nullable().meta({
    description: 'Why the file is still in the inbox after its ingest (its folder read-only or full); finalPath is then its place there',
  }),
  attempts: z.number().int(),
  queuedAt: timestamp,
  startedAt: timestamp.nullable(),
  finishedAt: timestamp.nullable(),
});

const rejectionItem = z.object({
  line: z.number().int().meta({
    description:
      "Line number in the file: the canonical header is line 1; a profile's preamble lines count, so it is the line an editor shows",
  }),
  raw: z.string(),
  reason: z.enum(REJECT_REASONS),
  detail: z.string(),
});

/** BigInt columns become numbers: byte sizes stay far below 2^53. */
function toFileItem(f: IngestedFile): z.output<typeof fileItem> {
  return {
    id: f.id,
    path: f.path,
    sha256: f.sha256,
    sizeBytes: f.sizeBytes === null ? null : Number(f.sizeBytes),
    status: f.status,
    profile: f.profile,
    rowsTotal: f.rowsTotal,
    rowsLoaded: f.rowsLoaded,
    rowsImputed: f.rowsImputed,
    rowsDuplicate: f.rowsDuplicate,
    rowsRejected: f.rowsRejected,
    rowsSuperseded: f.rowsSuperseded,
    startOffset: Number(f.startOffset),
    appendOfId: f.appendOfId,
    duplicateOfId: f.duplicateOfId,
    ignoredColumns: f.ignoredColumns,
    error: f.error,
    finalPath: f.finalPath,
    moveError: f.moveError,
    attempts: f.attempts,
    queuedAt: toIso(f.queuedAt),
    startedAt: toIsoOrNull(f.startedAt),
    finishedAt: toIsoOrNull(f.finishedAt),
  };
}

export const fileRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const { prisma } = deps;

  app.get(
    '/files',
    {
      schema: {
        tags: ['files'],
        summary: 'The ingest ledger, newest first',
        querystring: z.strictObject({
          status: fileStatus.optional(),
          limit: limitParam,
          cursor: cursorParam(cursorKeys.single),
        }),
        response: { 200: pageOf(fileItem), 400: errorBodySchema },
      },
    },
    async (request) => {
      const { status, limit, cursor } = request.query;
      const page = await listFiles(prisma, {
        status,
        beforeId: cursor?.[0],
        limit,
      });
      const last = page.rows.at(-1);
      return { items: page.rows.map(toFileItem), nextCursor: page.hasMore && last ? encodeCursor([last.id]) : null };
    },
  );

  app.get(
    '/files/:id',
    {
      schema: {
        tags: ['files'],
        summary: 'One ledger row',
        params: idParams,
        querystring: z.strictObject({}),
        response: { 200: fileItem, 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      const file = await getFile(prisma, request.params.id);
      if (!file) throw notFound('file', request.params.id);
      return toFileItem(file);
    },
  );

  app.get(
    '/files/:id/rejections',
    {
      schema: {
        tags: ['files'],
        summary: `A file's rejected lines in line order`,
        params: idParams,
        querystring: z.strictObject({ limit: limitParam, cursor: cursorParam(cursorKeys.single) }),
        response: { 200: pageOf(rejectionItem), 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { limit, cursor } = request.query;
      if (!(await getFile(prisma, id))) throw notFound('file', id);
      const page = await listRejections(prisma, { fileId: id, afterLine: cursor?.[0], limit });
      const last = page.rows.at(-1);
      return {
        items: page.rows.map((r) => ({ line: r.line, raw: r.raw, reason: r.reason, detail: r.detail })),
        nextCursor: page.hasMore && last ? encodeCursor([last.line]) : null,
      };
    },
  );
};
