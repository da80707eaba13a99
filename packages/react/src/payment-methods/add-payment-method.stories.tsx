import type { Meta, StoryObj } from '@storybook/react-vite';
import { portalStory } from '../testing/portal-story.js';
import { AddPaymentMethod } from './add-payment-method.js';

const meta = {
  title: 'Portal/AddPaymentMethod',
  component: AddPaymentMethod,
} satisfies Meta<typeof AddPaymentMethod>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Closed: Story = portalStory({ state: 'active' });
export const Open: Story = { ...portalStory({ state: 'active' }), args: { defaultOpen: true } };
export const ThreeDSecure: Story = {
  ...portalStory({ state: 'active', stripe: { requireAction: true } }),
  args: { defaultOpen: true },
};
export const Declined: Story = {
  ...portalStory({
    state: 'active',
    stripe: {
      failWith: {
        code: 'card_declined',
        declineCode: 'insufficient_funds',
        message: 'Your card has insufficient funds.',
      },
    },
  }),
  args: { defaultOpen: true },
};
export const Preparing: Story = {
  ...portalStory({ configure: (fake) => (fake.latency = 'infinite') }),
  args: { defaultOpen: true },
};
export const SetupIntentError: Story = {
  ...portalStory({
    configure: (fake) =>
      fake.fail('POST /payment-methods/setup-intent', { status: 503, code: 'stripe_unavailable' }),
  }),
  args: { defaultOpen: true },
};
export const WithoutStripe: Story = portalStory({ stripe: null });
/** The form is the same in every subscription state; a new customer adds a card before a plan. */
export const NoSubscription: Story = { ...portalStory({ state: 'none' }), args: { defaultOpen: true } };
