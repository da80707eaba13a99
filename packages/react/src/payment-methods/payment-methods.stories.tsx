import type { Meta, StoryObj } from '@storybook/react-vite';
import { portalStory } from '../testing/portal-story.js';
import { PaymentMethods } from './payment-methods.js';

const meta = {
  title: 'Portal/PaymentMethods',
  component: PaymentMethods,
} satisfies Meta<typeof PaymentMethods>;

export default meta;
type Story = StoryObj<typeof meta>;

const card = { type: 'card', expMonth: 11, expYear: 2028, wallet: null, isDefault: false };

export const Active: Story = portalStory({ state: 'active' });
export const Several: Story = portalStory({
  paymentMethods: [
    { ...card, id: 'pm_1', brand: 'visa', last4: '4242', isDefault: true },
    { ...card, id: 'pm_2', brand: 'amex', last4: '8431', wallet: 'apple_pay' },
    { ...card, id: 'pm_3', type: 'au_becs_debit', brand: null, last4: '3456', expMonth: null, expYear: null },
  ],
});
export const Trialing: Story = portalStory({ state: 'trialing' });
export const PastDue: Story = portalStory({ state: 'past_due' });
export const CancelScheduled: Story = portalStory({ state: 'cancel_scheduled' });
export const Canceled: Story = portalStory({ state: 'canceled' });
export const Empty: Story = portalStory({ state: 'none' });
export const Loading: Story = portalStory({ configure: (fake) => (fake.latency = 'infinite') });
export const LoadError: Story = portalStory({
  configure: (fake) => fake.fail('GET /payment-methods', { status: 502 }),
});
export const WithoutStripe: Story = portalStory({ stripe: null });
