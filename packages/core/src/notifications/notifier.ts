// The email port. Billkit hands a notification to the Notifier; delivery (an outbox, an email
// transport, templates) is the Notifier's business.

export interface Notification {
  /** What happened: `subscription.started`, `payment.failed`, ... */
  kind: string;
  userId: string;
  /** Where to send it, when known. */
  email: string | null;
  /** Ids and amounts for the template; never card numbers. */
  data: Record<string, unknown>;
  /** Deduplication key: the same key is sent once. */
  key: string;
}

export interface Notifier {
  notify(notification: Notification): Promise<void>;
}

/** Drops every notification: for hosts that send nothing (yet). */
export function nullNotifier(): Notifier {
  return { notify: async () => {} };
}

/** Keeps notifications in memory, once per key: for tests and the demo. */
export function memoryNotifier(): Notifier & { readonly sent: Notification[] } {
  const sent: Notification[] = [];
  const keys = new Set<string>();
  return {
    sent,
    async notify(notification) {
      if (keys.has(notification.key)) return;
      keys.add(notification.key);
      sent.push(structuredClone(notification));
    },
  };
}
