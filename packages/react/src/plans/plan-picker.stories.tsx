import type { Meta, StoryObj } from '@storybook/react-vite';
import { portalStory } from '../testing/portal-story.js';
import { PlanPicker } from './plan-picker.js';

const meta = {
  title: 'Portal/PlanPicker',
  component: PlanPicker,
} satisfies Meta<typeof PlanPicker>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Active: Story = portalStory({ state: 'active' });
export const Yearly: Story = portalStory({ state: 'active', plan: 'pro', interval: 'year' });
export const Trialing: Story = portalStory({ state: 'trialing', plan: 'pro' });
export const PastDue: Story = portalStory({ state: 'past_due' });
export const CancelScheduled: Story = portalStory({ state: 'cancel_scheduled' });
export const Canceled: Story = portalStory({ state: 'canceled' });
export const NoSubscription: Story = portalStory({ state: 'none' });
export const NoPlans: Story = portalStory({ state: 'none', plans: [] });
export const Loading: Story = portalStory({ configure: (fake) => (fake.latency = 'infinite') });
export const LoadError: Story = portalStory({
  configure: (fake) => fake.fail('GET /plans', { status: 502, raw: true }),
});
export const PreviewError: Story = portalStory({
  configure: (fake) => fake.fail('POST /subscription/preview', { status: 503, code: 'stripe_unavailable' }),
});
export const ChangeDeclined: Story = portalStory({
  configure: (fake) =>
    fake.fail('POST /subscription/change', {
      status: 402,
      code: 'card_declined',
      message: 'Your card was declined.',
    }),
});
