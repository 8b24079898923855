import type { ReactNode } from "react";

type Props = {
  children: ReactNode;
  testId?: string;
  /** Classes beside `error` (a queue row's layout). */
  className?: string;
  /** `span` where a paragraph can't stand (beside inline buttons). */
  as?: "p" | "span";
};

/** An error said to the person: read out at once (role="alert") and styled as one. */
export function ErrorText({ children, testId, className, as: Tag = "p" }: Props) {
  return (
    <Tag role="alert" className={className ? `error ${className}` : "error"} data-testid={testId}>
      {children}
    </Tag>
  );
}
