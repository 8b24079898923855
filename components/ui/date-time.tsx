/** How the app shows a moment: the person's locale, date and time to the minute. */
const DATE_TIME_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function formatDateTime(at: string): string {
  return DATE_TIME_FORMAT.format(new Date(at));
}

/** A timestamp as a `<time>` (machine-readable), or a muted word such as "Never" when there is none. */
export function DateTime({ at, fallback = "—" }: { at: string | null; fallback?: string }) {
  return at ? <time dateTime={at}>{formatDateTime(at)}</time> : <span className="muted">{fallback}</span>;
}
