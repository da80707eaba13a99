import type { Meta, StoryObj } from '@storybook/react-vite';
import { portalStory } from '../testing/portal-story.js';
import { BillingPortal } from './billing-portal.js';

const meta = {
  title: 'Portal/BillingPortal',
  component: BillingPortal,
} satisfies Meta<typeof BillingPortal>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Active: Story = portalStory({ state: 'active' });
export const Trialing: Story = portalStory({ state: 'trialing', plan: 'pro' });
export const PastDue: Story = portalStory({ state: 'past_due' });
export const CancelScheduled: Story = portalStory({ state: 'cancel_scheduled', plan: 'business' });
export const Canceled: Story = portalStory({ state: 'canceled' });
export const NoSubscription: Story = portalStory({ state: 'none' });
export const Loading: Story = portalStory({ configure: (fake) => (fake.latency = 'infinite') });
export const ServerErrors: Story = portalStory({
  configure: (fake) => {
    fake.fail('GET /subscription', { status: 502, raw: true });
    fake.fail('GET /plans', { status: 502, raw: true });
    fake.fail('GET /invoices', { status: 503 });
  },
});
export const Offline: Story = portalStory({
  configure: (fake) => {
    for (const route of [
      'GET /subscription',
      'GET /plans',
      'GET /payment-methods',
      'GET /invoices',
      'GET /billing-address',
    ]) {
      fake.fail(route, { network: true });
    }
  },
});
export const DarkTheme: Story = {
  ...portalStory({ state: 'active' }),
  args: { className: 'billkit-theme-dark' },
};
export const German: Story = portalStory({
  state: 'active',
  locale: 'de-DE',
  messages: {
    summary: { heading: 'Ihr Abonnement', nextCharge: 'Nächste Zahlung' },
    status: { subscription: { active: 'Aktiv' } },
  },
});
