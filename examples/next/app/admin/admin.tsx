'use client';
// The admin dashboard as a client component: figures, customers, disputes and reports.

import {
  AdminDashboard,
  AdminProvider,
  CustomerTable,
  DisputesTable,
  ReportsPanel,
} from '@billkit/react/admin';

export function Admin({ now }: { now: string }) {
  return (
    <AdminProvider baseUrl="/api/billing" now={new Date(now)}>
      <AdminDashboard />
      <CustomerTable />
      <DisputesTable />
      <ReportsPanel />
    </AdminProvider>
  );
}
