import type { InputHTMLAttributes } from "react";

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange"> & {
  /** The visible label, which is also the input's accessible name. */
  label: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
};

/** A controlled text input inside its label; hands back the typed value. Other attributes go to the input. */
export function LabelledInput({ label, value, onChange, testId, ...input }: Props) {
  return (
    <label>
      {label}
      <input {...input} value={value} onChange={(event) => onChange(event.target.value)} data-testid={testId} />
    </label>
  );
}
