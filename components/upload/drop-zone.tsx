"use client";

import { useId, useRef, useState, type DragEvent, type KeyboardEvent } from "react";
import { droppedEntries, pickedInChunks, readEntryTree } from "@/client/files/folder-entries";
import { pickedFromInput, type PickedFile } from "@/client/files/folder-path";
import { EXTENSIONS_BY_TYPE, formatBytes, type UploadRules } from "@/lib/upload-rules";
import { useFolderIntake, type IntakeStatus } from "./use-folder-intake";

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

function describeIntake({ reading, found, unreadable }: IntakeStatus): string {
  const head = reading ? `Reading the folder… ${found} files so far.` : `${found} file${found === 1 ? "" : "s"} added from the folder.`;
  return unreadable > 0 ? `${head} ${unreadable} item${unreadable === 1 ? "" : "s"} could not be read.` : head;
}

/** Takes the files out of a change event and clears the input, so choosing the same again still fires. */
function takeFiles(input: HTMLInputElement): File[] {
  const files = Array.from(input.files ?? []);
  input.value = "";
  return files;
}

/**
 * Files come in by drop (folders too, read as they go), by click, or from the keyboard (Enter or
 * Space) on the focused zone; "Choose folder" picks a whole folder. The file inputs stay in the
 * page, visually hidden, so they are still reachable by assistive tech and tests.
 */
export function DropZone({ rules, onFiles }: { rules: UploadRules; onFiles: (files: PickedFile[]) => void }) {
  const inputRef = useRef<HTMLInputElement>(null);
  const folderRef = useRef<HTMLInputElement>(null);
  // dragenter/dragleave also fire for every child element crossed, so count them.
  const depth = useRef(0);
  const [dragging, setDragging] = useState(false);
  const rulesId = useId();
  const { status, intake } = useFolderIntake(onFiles);

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
    // Entries are taken now: the browser empties the DataTransfer when this handler returns.
    const entries = droppedEntries(event.dataTransfer);
    if (entries) return void intake(readEntryTree(entries));
    const files = Array.from(event.dataTransfer.files);
    if (files.length > 0) onFiles(files.map((file) => ({ file })));
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
        <p className="dropzone-title">Drop files or folders here, or paste</p>
        <span className="button-like">or choose files</span>
      </div>
      <div className="dropzone-extra">
        {/* A real button: reachable by Tab and labelled, unlike the hidden input it opens. */}
        <button type="button" className="secondary" data-testid="choose-folder-button" onClick={() => folderRef.current?.click()}>
          Choose folder
        </button>
        {status && (
          <p className="muted" data-testid="folder-status" data-reading={status.reading}>
            {describeIntake(status)}
          </p>
        )}
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
          const files = takeFiles(event.currentTarget);
          if (files.length > 0) onFiles(files.map((file) => ({ file })));
        }}
      />
      <input
        ref={folderRef}
        type="file"
        // Chromium, Firefox and Safari all pick a folder with this non-standard attribute; each
        // file then carries webkitRelativePath ("Holiday/Day 1/a.jpg").
        {...{ webkitdirectory: "" }}
        className="visually-hidden"
        tabIndex={-1}
        aria-label="Choose a folder to upload"
        data-testid="folder-input"
        onChange={(event) => {
          const files = takeFiles(event.currentTarget);
          if (files.length > 0) void intake(pickedInChunks(pickedFromInput(files)));
        }}
      />
    </div>
  );
}
