/** An accessible bar: screen readers get the label, the percent and the value text. */
export function ProgressBar({ label, percent, valueText }: { label: string; percent: number; valueText?: string }) {
  return (
    <div
      className="bar"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={valueText}
    >
      <div className="bar-fill" style={{ transform: `scaleX(${percent / 100})` }} />
    </div>
  );
}
