"use client";

import type { FileItemJson } from "@/lib/contracts/upload-schemas";
import { FileRow } from "./file-row";

type Props = {
  files: FileItemJson[];
  selected: ReadonlySet<string>;
  onSelect: (id: string, selected: boolean) => void;
  onSelectAll: (selected: boolean) => void;
};

/** The list view: one row per file with its details and actions. */
export function FileTable({ files, selected, onSelect, onSelectAll }: Props) {
  const allSelected = files.length > 0 && files.every((f) => selected.has(f.id));
  return (
    <table data-testid="file-table">
      <caption className="visually-hidden">Your uploaded files</caption>
      <thead>
        <tr>
          <th scope="col">
            <input type="checkbox" aria-label="Select all listed files" checked={allSelected} data-testid="select-all" onChange={(e) => onSelectAll(e.target.checked)} />
          </th>
          <th scope="col">Name</th>
          <th scope="col">Size</th>
          <th scope="col">Type</th>
          <th scope="col">Uploaded</th>
          <th scope="col">Checksum</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {files.map((file) => (
          <FileRow key={file.id} file={file} selected={selected.has(file.id)} onSelect={onSelect} />
        ))}
      </tbody>
    </table>
  );
}
