ALTER TABLE "file_items" ADD COLUMN "part_checksum" text;--> statement-breakpoint
ALTER TABLE "file_items" ADD COLUMN "storage_refusal" text;--> statement-breakpoint
-- Every multipart upload started before this column was created with ChecksumAlgorithm CRC32.
UPDATE "file_items" SET "part_checksum" = 'crc32' WHERE "strategy" = 'multipart';
