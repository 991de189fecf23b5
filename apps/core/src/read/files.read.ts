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

/** A file's rejected lines in line order. */
export async function listRejections(prisma: PrismaClient, q: RejectionQuery): Promise<Page<RejectedRow>> {
  const rows = await prisma.rejectedRow.findMany({
    where: { fileId: q.fileId, ...(q.afterLine !== undefined ? { line: { gt: q.afterLine } } : {}) },
    orderBy: { line: 'asc' },
    take: q.limit + 1,
  });
  return toPage(rows, q.limit);
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
