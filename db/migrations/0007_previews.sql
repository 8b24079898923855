ALTER TABLE "file_items" ADD COLUMN "preview_size" bigint;--> statement-breakpoint
ALTER TABLE "file_items" ADD COLUMN "preview_type" text;