"use client";

import { useId, useRef, useState, type DragEvent, type KeyboardEvent } from "react";
import { EXTENSIONS_BY_TYPE, formatBytes, type UploadRules } from "@/lib/upload-rules";

/** "JPG, PNG, any video": short names people recognise; the exact MIME types are in the tooltip. */
function describeTypes(types: readonly string[]): string {
  return types
    .map((type) => (type.endsWith("/*") ? `any ${type.slice(0, -2)}` : (EXTENSIONS_BY_TYPE[type]?.[0] ?? type).toUpperCase()))
    .join(", ");
}

/** The picker's filter: the MIME types (patterns included) and their known extensions. */
function acceptFor(types: readonly string[]): string {
  const extensions = types.flatMap((type) => (EXTENSIONS_BY_TYPE[type] ?? []).map((ext) => `.${ext}`));
  return [...types, ...extensions].join(",");
}

/**
 * Files come in by drop, by click, or from the keyboard (Enter or Space) on the focused zone. The
 * file input stays in the page, visually hidden, so it is still reachable by assistive tech and tests.
 */
export function DropZone({ rules, onFiles }: { rules: UploadRules; onFiles: (files: File[]) => void }) {
  const inputRef = useRef<HTMLInputElement>(null);
  // dragenter/dragleave also fire for every child element crossed, so count them.
  const depth = useRef(0);
  const [dragging, setDragging] = useState(false);
  const rulesId = useId();

  const openPicker = () => inputRef.current?.click();
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault();
    openPicker();
  };
  const onDragEnter = (event: DragEvent) => {
    event.preventDefault();
    depth.current += 1;
    setDragging(true);
  };
  const onDragOver = (event: DragEvent) => {
    // Without this the browser opens the dropped file instead of handing it to us.
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  };
  const onDragLeave = () => {
    depth.current = Math.max(0, depth.current - 1);
    if (depth.current === 0) setDragging(false);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    depth.current = 0;
    setDragging(false);
    const files = Array.from(event.dataTransfer.files);
    if (files.length > 0) onFiles(files);
  };

  return (
    <div className="dropzone-wrap">
      <div
        role="button"
        tabIndex={0}
        aria-describedby={rulesId}
        className={dragging ? "dropzone active" : "dropzone"}
        data-testid="drop-zone"
        onClick={openPicker}
        onKeyDown={onKeyDown}
        onDragEnter={onDragEnter}
        onDragOver={onDragOver}
        onDragLeave={onDragLeave}
        onDrop={onDrop}
      >
        <p className="dropzone-title">Drop files here</p>
        <span className="button-like">or choose files</span>
      </div>
      <p id={rulesId} className="muted" data-testid="upload-rules">
        Allowed: <span title={rules.allowedTypes.join(", ")}>{describeTypes(rules.allowedTypes)}</span>, up to{" "}
        {formatBytes(rules.maxBytes)} each.
      </p>
      <input
        ref={inputRef}
        type="file"
        multiple
        accept={acceptFor(rules.allowedTypes)}
        className="visually-hidden"
        tabIndex={-1}
        aria-label="Choose files to upload"
        data-testid="file-input"
        onChange={(event) => {
          const files = Array.from(event.currentTarget.files ?? []);
          // Cleared so choosing the same file again still fires a change.
          event.currentTarget.value = "";
          if (files.length > 0) onFiles(files);
        }}
      />
    </div>
  );
}
