"use client";

import { LabelledInput } from "@/components/ui/labelled-input";
import { LabelledSelect } from "@/components/ui/labelled-select";
import type { LibrarySort, SortOrder } from "@/lib/contracts/library-schemas";

/** Types people filter by: whole families first, then the common exact types. */
const TYPE_FILTERS = [
  ["", "All types"],
  ["image/*", "Images"],
  ["video/*", "Videos"],
  ["audio/*", "Audio"],
  ["image/png", "PNG"],
  ["image/jpeg", "JPEG"],
  ["image/gif", "GIF"],
  ["video/mp4", "MP4"],
  ["audio/mpeg", "MP3"],
] as const;

const SORTS = [
  ["date:desc", "Newest first"],
  ["date:asc", "Oldest first"],
  ["name:asc", "Name A–Z"],
  ["name:desc", "Name Z–A"],
  ["size:desc", "Largest first"],
  ["size:asc", "Smallest first"],
] as const;

export type SortChoice = { sort: LibrarySort; order: SortOrder };

function parseSort(value: string): SortChoice {
  const found = SORTS.find(([v]) => v === value)?.[0] ?? "date:desc";
  const [sort, order] = found.split(":") as [LibrarySort, SortOrder];
  return { sort, order };
}

type Props = {
  search: string;
  onSearch: (value: string) => void;
  type: string;
  onType: (value: string) => void;
  sort: SortChoice;
  onSort: (value: SortChoice) => void;
};

/** Search by name or folder, filter by type, sort: the library's query, chosen by the person. */
export function FileToolbar({ search, onSearch, type, onType, sort, onSort }: Props) {
  return (
    <div className="library-toolbar" role="search">
      <LabelledInput label="Search by name or folder" type="search" value={search} placeholder="e.g. holiday" maxLength={255} onChange={onSearch} testId="file-search" />
      <LabelledSelect<string> label="Type" value={type} options={TYPE_FILTERS} onChange={onType} testId="file-type-filter" />
      <LabelledSelect<string> label="Sort" value={`${sort.sort}:${sort.order}`} options={SORTS} onChange={(value) => onSort(parseSort(value))} testId="file-sort" />
    </div>
  );
}
