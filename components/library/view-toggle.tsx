"use client";

import type { LibraryView } from "./use-library-view";

const CHOICES: ReadonlyArray<[LibraryView, string]> = [
  ["list", "List"],
  ["grid", "Grid"],
];

/** Two toggle buttons: the pressed one is the view shown. */
export function ViewToggle({ view, onChange }: { view: LibraryView; onChange: (view: LibraryView) => void }) {
  return (
    <div role="group" aria-label="View" className="view-toggle" data-testid="view-toggle" data-view={view}>
      {CHOICES.map(([value, label]) => (
        <button key={value} type="button" className="secondary" aria-pressed={view === value} onClick={() => onChange(value)} data-testid={`view-${value}`}>
          {label}
        </button>
      ))}
    </div>
  );
}
