import '@billkit/react/styles.css';
import type { ReactNode } from 'react';

export const metadata = { title: 'Billkit example (Next.js) — Résumé Co' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en-AU">
      <body>
        <main>{children}</main>
      </body>
    </html>
  );
}
