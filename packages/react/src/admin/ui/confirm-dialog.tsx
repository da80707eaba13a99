// The dialog every admin action asks through: a modal with a title, what will happen, the action's
// fields, an inline error, and confirm / cancel. Focus moves into it and stays there (Tab wraps),
// Escape cancels, and focus goes back to the button that opened it. Rendered in place, not in a
// portal, so the host's theme class (billkit-theme-dark) still applies.

import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef } from 'react';
import { useAdminContext } from '../provider/admin-context.js';

export interface ConfirmDialogProps {
  title: string;
  /** What confirming will do. */
  description?: ReactNode;
  confirmLabel: string;
  /** @default messages.common.cancel */
  cancelLabel?: string;
  /** @default 'primary' */
  tone?: 'primary' | 'danger';
  /** The action is running: the buttons are disabled and Escape does nothing. */
  busy: boolean;
  /** The action's failure, shown above the buttons. */
  error: string | null;
  onConfirm(): void;
  onCancel(): void;
  /** The action's fields. */
  children?: ReactNode;
}

const FOCUSABLE =
  'a[href], button:not(:disabled), input:not(:disabled):not([type="hidden"]), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])';

export function ConfirmDialog(props: ConfirmDialogProps): ReactNode {
  const { title, description, confirmLabel, cancelLabel, tone = 'primary', busy, error, children } = props;
  const { messages } = useAdminContext();
  const titleId = useId();
  const descriptionId = useId();
  const dialogRef = useRef<HTMLDivElement>(null);
  const cancelRef = useRef(props.onCancel);
  cancelRef.current = props.onCancel;

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const dialog = dialogRef.current;
    const first = dialog?.querySelector<HTMLElement>(
      'input:not(:disabled):not([type="hidden"]), select:not(:disabled), textarea:not(:disabled)',
    );
    (first ?? dialog?.querySelector<HTMLElement>('button[type="submit"]') ?? dialog)?.focus();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>): void {
    if (event.key === 'Escape') {
      event.stopPropagation();
      if (!busy) cancelRef.current();
      return;
    }
    if (event.key !== 'Tab' || !dialogRef.current) return;
    const focusable = [...dialogRef.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  return (
    <div className="billkit-dialog-backdrop">
      <div
        ref={dialogRef}
        className="billkit-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId} className="billkit-heading billkit-dialog-title">
          {title}
        </h2>
        {description ? (
          <div id={descriptionId} className="billkit-dialog-description">
            {description}
          </div>
        ) : null}
        <form
          className="billkit-form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            if (!busy) props.onConfirm();
          }}
        >
          {children}
          {error ? (
            <p role="alert" className="billkit-message billkit-message--error">
              {error}
            </p>
          ) : null}
          <div className="billkit-actions">
            <button
              type="submit"
              className={`billkit-button billkit-button--${tone}`}
              disabled={busy}
              aria-busy={busy || undefined}
            >
              {busy ? messages.actions.working : confirmLabel}
            </button>
            <button
              type="button"
              className="billkit-button billkit-button--quiet"
              disabled={busy}
              onClick={props.onCancel}
            >
              {cancelLabel ?? messages.common.cancel}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
