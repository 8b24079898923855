CREATE TABLE "file_parts" (
	"file_id" uuid NOT NULL,
	"part_number" integer NOT NULL,
	"size" bigint NOT NULL,
	"etag" text NOT NULL,
	"checksum" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "file_parts_file_id_part_number_pk" PRIMARY KEY("file_id","part_number")
);
--> statement-breakpoint
ALTER TABLE "file_items" ADD COLUMN "part_size" bigint;--> statement-breakpoint
ALTER TABLE "file_parts" ADD CONSTRAINT "file_parts_file_id_file_items_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."file_items"("id") ON DELETE cascade ON UPDATE no action;