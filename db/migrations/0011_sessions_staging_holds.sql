CREATE TABLE "user_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "file_items" ADD COLUMN "form_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "file_items" ADD COLUMN "preview_form_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "user_sessions" ADD CONSTRAINT "user_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "user_sessions_user_live_idx" ON "user_sessions" USING btree ("user_id") WHERE "user_sessions"."ended_at" is null;--> statement-breakpoint
CREATE INDEX "file_items_form_hold_idx" ON "file_items" USING btree ("user_id","form_expires_at") WHERE "file_items"."form_expires_at" is not null;--> statement-breakpoint
CREATE INDEX "file_items_preview_form_hold_idx" ON "file_items" USING btree ("user_id","preview_form_expires_at") WHERE "file_items"."preview_form_expires_at" is not null;--> statement-breakpoint
-- Forms and PUT URLs signed before this migration: a small upload still pending or completing, or changed in the last 15 minutes (none lives longer), may hold one that is still valid.
UPDATE "file_items" SET "form_expires_at" = now() + interval '15 minutes' WHERE "strategy" IN ('post', 'put') AND ("status" IN ('pending', 'completing') OR "updated_at" > now() - interval '15 minutes');--> statement-breakpoint
UPDATE "file_items" SET "preview_form_expires_at" = "preview_planned_at" + interval '15 minutes' WHERE "preview_planned_at" > now() - interval '15 minutes';
