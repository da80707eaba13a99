import type { Meta, StoryObj } from '@storybook/react-vite';
import { portalStory } from '../testing/portal-story.js';
import { PastDueBanner } from './past-due-banner.js';

const meta = {
  title: 'Portal/PastDueBanner',
  component: PastDueBanner,
} satisfies Meta<typeof PastDueBanner>;

export default meta;
type Story = StoryObj<typeof meta>;

export const PastDue: Story = portalStory({ state: 'past_due' });
export const Unpaid: Story = portalStory({
  state: 'past_due',
  configure: (fake) => {
    if (fake.subscription) fake.subscription.status = 'unpaid';
  },
});
export const PaymentDeclined: Story = portalStory({
  state: 'past_due',
  declinePaymentsWith: 'insufficient_funds',
});
export const NewCardNeedsThreeDSecure: Story = portalStory({
  state: 'past_due',
  stripe: { requireAction: true },
});
export const WithoutStripe: Story = portalStory({ state: 'past_due', stripe: null });
/** Nothing is shown while payments are up to date (nor for the states below). */
export const Active: Story = portalStory({ state: 'active' });
export const Trialing: Story = portalStory({ state: 'trialing' });
export const CancelScheduled: Story = portalStory({ state: 'cancel_scheduled' });
export const Canceled: Story = portalStory({ state: 'canceled' });
export const NoSubscription: Story = portalStory({ state: 'none' });
export const Loading: Story = portalStory({
  state: 'past_due',
  configure: (fake) => (fake.latency = 'infinite'),
});
export const InvoicesUnavailable: Story = portalStory({
  state: 'past_due',
  configure: (fake) => fake.fail('GET /invoices', { status: 502 }),
});
