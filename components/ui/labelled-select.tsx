/** One choice of a select: its value and what the person reads. */
export type SelectOption<V extends string | number> = readonly [value: V, label: string];

type Props<V extends string | number> = {
  /** The visible label, which is also the select's accessible name. */
  label: string;
  value: V;
  options: ReadonlyArray<SelectOption<V>>;
  onChange: (value: V) => void;
  testId: string;
};

/** A select inside its label; hands back the option's own value (a number stays a number). */
export function LabelledSelect<V extends string | number>({ label, value, options, onChange, testId }: Props<V>) {
  return (
    <label>
      {label}
      <select
        value={value}
        data-testid={testId}
        onChange={(e) => {
          const chosen = options.find(([option]) => String(option) === e.target.value);
          if (chosen) onChange(chosen[0]);
        }}
      >
        {options.map(([option, text]) => (
          <option key={option} value={option}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}
