import type { Meta, StoryObj } from '@storybook/react-vite';
import { portalStory } from '../testing/portal-story.js';
import { InvoiceHistory } from './invoice-history.js';

const meta = {
  title: 'Portal/InvoiceHistory',
  component: InvoiceHistory,
} satisfies Meta<typeof InvoiceHistory>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Active: Story = portalStory({ state: 'active' });
export const OnePage: Story = portalStory({ state: 'active', invoiceCount: 2 });
export const SmallPages: Story = { ...portalStory({ state: 'active' }), args: { pageSize: 4 } };
export const Trialing: Story = portalStory({ state: 'trialing' });
export const PastDue: Story = portalStory({ state: 'past_due' });
export const CancelScheduled: Story = portalStory({ state: 'cancel_scheduled' });
export const Canceled: Story = portalStory({ state: 'canceled' });
export const Empty: Story = portalStory({ state: 'none' });
export const Loading: Story = portalStory({ configure: (fake) => (fake.latency = 'infinite') });
export const LoadError: Story = portalStory({
  configure: (fake) => fake.fail('GET /invoices', { status: 502, raw: true }),
});
