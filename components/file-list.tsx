"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { FILES_QUERY_KEY, listFiles } from "@/components/upload-api";
import { formatBytes } from "@/lib/upload-rules";

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** The signed-in person's uploaded files, newest first (the API's order). */
export function FileList() {
  const { data, error, isPending } = useQuery({ queryKey: FILES_QUERY_KEY, queryFn: listFiles });

  if (isPending) return <p className="muted">Loading your files…</p>;
  if (error) {
    return (
      <p role="alert" className="error" data-testid="file-list-error">
        Could not load your files: {error.message}
      </p>
    );
  }
  if (data.files.length === 0) {
    return (
      <p data-testid="file-list-empty">
        No files yet. <Link href="/upload">Upload some</Link>.
      </p>
    );
  }
  return (
    <table data-testid="file-table">
      <caption className="visually-hidden">Your uploaded files</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Size</th>
          <th scope="col">Type</th>
          <th scope="col">Uploaded</th>
          <th scope="col">Checksum</th>
        </tr>
      </thead>
      <tbody>
        {data.files.map((file) => {
          const uploadedAt = file.uploadedAt ?? file.createdAt;
          return (
            <tr key={file.id} data-testid="file-row">
              <td data-testid="file-name">{file.name}</td>
              <td data-testid="file-size" data-bytes={file.size} title={`${file.size.toLocaleString()} bytes`}>
                {formatBytes(file.size)}
              </td>
              <td>{file.type}</td>
              <td>
                <time dateTime={uploadedAt}>{dateFormat.format(new Date(uploadedAt))}</time>
              </td>
              <td data-testid="file-checksum" className="muted" title="Checksum stored by S3 (CRC32; -N marks a multipart composite)">
                {file.checksum ?? "—"}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
