ALTER TABLE "file_items" ADD COLUMN "form_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "file_items" ADD COLUMN "preview_form_expires_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "file_items_form_hold_idx" ON "file_items" USING btree ("user_id","form_expires_at") WHERE "file_items"."form_expires_at" is not null;--> statement-breakpoint
CREATE INDEX "file_items_preview_form_hold_idx" ON "file_items" USING btree ("user_id","preview_form_expires_at") WHERE "file_items"."preview_form_expires_at" is not null;--> statement-breakpoint
-- Forms signed before this migration: a POST upload still pending or completing, or changed in the last 15 minutes (no form lives longer), may hold one that is still valid.
UPDATE "file_items" SET "form_expires_at" = now() + interval '15 minutes' WHERE "strategy" = 'post' AND ("status" IN ('pending', 'completing') OR "updated_at" > now() - interval '15 minutes');--> statement-breakpoint
UPDATE "file_items" SET "preview_form_expires_at" = "preview_planned_at" + interval '15 minutes' WHERE "preview_planned_at" > now() - interval '15 minutes';
