ALTER TABLE "file_items" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
CREATE UNIQUE INDEX "file_items_user_idempotency_key_idx" ON "file_items" USING btree ("user_id","idempotency_key");