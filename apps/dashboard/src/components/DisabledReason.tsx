import type { ReactNode } from "react";

export interface DisabledReasonProps {
  /** Why the controls inside are disabled; null: they are not (the wrapper adds nothing). */
  reason: string | null;
  /** Test id of the wrapper (`<testId>` and its tooltip `<testId>-why`). */
  testId: string;
  children: ReactNode;
}

/**
 * Wraps controls that no live replica can apply: the reason shows as a tooltip on hover
 * and focus (disabled inputs get no pointer events of their own, so the wrapper takes them).
 */
export function DisabledReason({ reason, testId, children }: DisabledReasonProps) {
  if (!reason) return <>{children}</>;
  return (
    <div className="why-disabled" data-testid={testId} title={reason} tabIndex={0} aria-describedby={`${testId}-why`}>
      {children}
      <span className="why-tip" role="tooltip" id={`${testId}-why`} data-testid={`${testId}-why`}>
        {reason}
      </span>
    </div>
  );
}
