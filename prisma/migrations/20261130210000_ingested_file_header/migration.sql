-- AlterTable
ALTER TABLE "ingested_file" ADD COLUMN     "header" TEXT;
