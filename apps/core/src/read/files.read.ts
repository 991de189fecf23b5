import type { PrismaClient } from '../db/prisma.js';
import type { IngestedFile, RejectedRow } from '../generated/prisma/client.js';
import { FILE_STATUSES, type FileStatus } from '../domain/enums.js';
import { toPage, type Page } from './sql-filter.js';

export type { IngestedFile, RejectedRow };

export interface FileQuery {
  status?: FileStatus | undefined;
  /** Keyset: only files with a smaller id (the previous page ended there). */
  beforeId?: number | undefined;
  limit: number;
}

/** The ingested_file ledger newest first (by id, which grows in the order files were queued). */
export async function listFiles(prisma: PrismaClient, q: FileQuery): Promise<Page<IngestedFile>> {
  const rows = await prisma.ingestedFile.findMany({
    where: {
      ...(q.status ? { status: q.status } : {}),
      ...(q.beforeId !== undefined ? { id: { lt: q.beforeId } } : {}),
    },
    orderBy: { id: 'desc' },
    take: q.limit + 1,
  });
  return toPage(rows, q.limit);
}

export function getFile(prisma: PrismaClient, id: number): Promise<IngestedFile | null> {
  return prisma.ingestedFile.findUnique({ where: { id } });
}

export interface RejectionQuery {
  fileId: number;
  /** Keyset: only lines after this one. */
  afterLine?: number | undefined;
  limit: number;
}

/**
 * Bytes of rejected-line text (raw and detail) a page holds at most, unless its first line alone is
 * larger: a rejected line may be up to 1 MiB (the parser's record limit), so `limit` alone would let
 * a page reach a gigabyte.
 */
export const REJECTIONS_PAGE_BYTES = 4 * 1024 * 1024;

/**
 * A file's rejected lines in line order: up to `limit` lines, fewer when their text passes
 * `maxBytes` (REJECTIONS_PAGE_BYTES), but always at least one. The page is chosen from the lines'
 * sizes first (octet_length reads a stored value's size without reading the value), then only its
 * lines are read.
 */
export async function listRejections(prisma: PrismaClient, q: RejectionQuery & { maxBytes?: number }): Promise<Page<RejectedRow>> {
  const after = q.afterLine ?? 0;
  const sizes = await prisma.$queryRaw<Array<{ line: number; bytes: number }>>`
    SELECT line, (octet_length(raw) + octet_length(detail))::int AS bytes FROM rejected_row
     WHERE file_id = ${q.fileId} AND line > ${after} ORDER BY line LIMIT ${q.limit + 1}`;
  const budget = q.maxBytes ?? REJECTIONS_PAGE_BYTES;
  let taken = 0;
  let bytes = 0;
  while (taken < Math.min(q.limit, sizes.length) && (taken === 0 || bytes + sizes[taken]!.bytes <= budget)) {
    bytes += sizes[taken]!.bytes;
    taken += 1;
  }
  if (taken === 0) return { rows: [], hasMore: false };
  const rows = await prisma.rejectedRow.findMany({
    where: { fileId: q.fileId, line: { gt: after, lte: sizes[taken - 1]!.line } },
    orderBy: { line: 'asc' },
  });
  return { rows, hasMore: sizes.length > taken };
}

/** Number of ledger rows per status, every status present (0 when none). */
export async function countFilesByStatus(prisma: PrismaClient): Promise<Record<FileStatus, number>> {
  const groups = await prisma.ingestedFile.groupBy({ by: ['status'], _count: { _all: true } });
  const counts = Object.fromEntries(FILE_STATUSES.map((s) => [s, 0])) as Record<FileStatus, number>;
  for (const g of groups) counts[g.status] = g._count._all;
  return counts;
}

export type RowOutcome = 'total' | 'loaded' | 'imputed' | 'duplicate' | 'rejected';

/** Lines over the whole ledger by outcome; `imputed` is the part of `loaded` with an imputed field. */
export async function sumRowsByOutcome(prisma: PrismaClient): Promise<Record<RowOutcome, number>> {
  const { _sum: s } = await prisma.ingestedFile.aggregate({
    _sum: { rowsTotal: true, rowsLoaded: true, rowsImputed: true, rowsDuplicate: true, rowsRejected: true },
  });
  return {
    total: s.rowsTotal ?? 0,
    loaded: s.rowsLoaded ?? 0,
    imputed: s.rowsImputed ?? 0,
    duplicate: s.rowsDuplicate ?? 0,
    rejected: s.rowsRejected ?? 0,
  };
}
