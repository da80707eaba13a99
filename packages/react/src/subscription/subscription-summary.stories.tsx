import type { Meta, StoryObj } from '@storybook/react-vite';
import { portalStory } from '../testing/portal-story.js';
import { SubscriptionSummary } from './subscription-summary.js';

const meta = {
  title: 'Portal/SubscriptionSummary',
  component: SubscriptionSummary,
} satisfies Meta<typeof SubscriptionSummary>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Active: Story = portalStory({ state: 'active' });
export const Trialing: Story = portalStory({ state: 'trialing', plan: 'pro' });
export const PastDue: Story = portalStory({ state: 'past_due' });
export const Unpaid: Story = portalStory({
  state: 'past_due',
  configure: (fake) => {
    if (fake.subscription) fake.subscription.status = 'unpaid';
  },
});
export const CancelScheduled: Story = portalStory({ state: 'cancel_scheduled' });
export const Canceled: Story = portalStory({ state: 'canceled' });
export const Paused: Story = portalStory({
  configure: (fake) => {
    if (fake.subscription) fake.subscription.pausedCollection = 'void';
  },
});
export const DowngradeScheduled: Story = portalStory({
  plan: 'business',
  configure: (fake) => {
    if (!fake.subscription) return;
    fake.subscription.scheduledDowngrade = {
      fromPlanId: 'business',
      until: fake.subscription.currentPeriodEnd,
    };
    fake.subscription.planId = 'starter';
    fake.subscription.planName = 'Starter';
    fake.subscription.amount = { amount: 1000, currency: 'aud' };
  },
});
export const NoSubscription: Story = portalStory({ state: 'none' });
export const Loading: Story = portalStory({ configure: (fake) => (fake.latency = 'infinite') });
export const LoadError: Story = portalStory({
  configure: (fake) => fake.fail('GET /subscription', { status: 502 }),
});
export const ResumeFails: Story = portalStory({
  state: 'cancel_scheduled',
  configure: (fake) => fake.fail('POST /subscription/resume', { status: 503, code: 'stripe_unavailable' }),
});
