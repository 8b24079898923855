ALTER TABLE "file_items" ADD COLUMN "preview_planned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "file_items" ADD COLUMN "preview_stored_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "file_items_preview_planned_idx" ON "file_items" USING btree ("preview_planned_at") WHERE "file_items"."preview_stored_at" is null and "file_items"."preview_planned_at" is not null;--> statement-breakpoint
-- Previews recorded on uploaded file items were checked and copied at complete: they are stored.
UPDATE "file_items" SET "preview_stored_at" = coalesce("uploaded_at", "updated_at") WHERE "status" = 'uploaded' AND "preview_type" IS NOT NULL;--> statement-breakpoint
-- Plans of files still on their way belonged to the old pending-file path, which no complete reads any more: dropped (the page plans again once the file is uploaded).
UPDATE "file_items" SET "preview_size" = NULL, "preview_type" = NULL WHERE "status" IN ('pending', 'completing') AND "preview_type" IS NOT NULL;
