/** The families a file without a preview is drawn as. */
export type TypeFamily = "image" | "video" | "audio" | "other";

export function typeFamily(type: string): TypeFamily {
  const top = type.split("/")[0]?.trim().toLowerCase();
  return top === "image" || top === "video" || top === "audio" ? top : "other";
}

/** Strokes of a 24x24 outline icon per family: a picture, a film frame with play, a note, a page. */
const PATHS: Record<TypeFamily, string[]> = {
  image: ["M4 5h16v14H4z", "M4 16l5-5 4 4 3-3 4 4", "M15.5 9.5a1.5 1.5 0 1 0 0-.01"],
  video: ["M3 6h18v12H3z", "M10 9.5v5l4.5-2.5z"],
  audio: ["M9 18V6l10-2v12", "M9 18a3 3 0 1 1-3-3 3 3 0 0 1 3 3z", "M19 16a3 3 0 1 1-3-3 3 3 0 0 1 3 3z"],
  other: ["M6 3h8l4 4v14H6z", "M14 3v4h4"],
};

/** A type icon where there is no preview; decorative, the card names the file and its type. */
export function FileTypeIcon({ type }: { type: string }) {
  const family = typeFamily(type);
  return (
    <svg className={`type-icon type-icon-${family}`} viewBox="0 0 24 24" aria-hidden="true" focusable="false" data-testid="type-icon" data-family={family}>
      {PATHS[family].map((d) => (
        <path key={d} d={d} fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" strokeLinecap="round" />
      ))}
    </svg>
  );
}
