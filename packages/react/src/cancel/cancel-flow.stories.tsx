import type { Meta, StoryObj } from '@storybook/react-vite';
import { userEvent, within } from 'storybook/test';
import { portalStory } from '../testing/portal-story.js';
import { CancelFlow } from './cancel-flow.js';

const meta = {
  title: 'Portal/CancelFlow',
  component: CancelFlow,
} satisfies Meta<typeof CancelFlow>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Active: Story = portalStory({ state: 'active', plan: 'business' });
export const ReasonStep: Story = {
  ...portalStory({ state: 'active', plan: 'business' }),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole('button', { name: 'Cancel subscription' }));
  },
};
export const OffersStep: Story = {
  ...portalStory({ state: 'active', plan: 'business' }),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole('button', { name: 'Cancel subscription' }));
    await userEvent.click(canvas.getByRole('radio', { name: 'It’s too expensive' }));
    await userEvent.click(canvas.getByRole('button', { name: 'Continue' }));
  },
};
export const Trialing: Story = portalStory({ state: 'trialing', plan: 'pro' });
export const PastDue: Story = portalStory({ state: 'past_due' });
export const NoOffers: Story = portalStory({ state: 'active', offers: [] });
export const OffersUnavailable: Story = portalStory({
  configure: (fake) => fake.fail('GET /retention-offers', { status: 502 }),
});
export const CancelFails: Story = portalStory({
  offers: [],
  configure: (fake) => fake.fail('POST /subscription/cancel', { status: 503, code: 'stripe_unavailable' }),
});
/** Nothing to cancel: the flow renders nothing (also for Canceled, NoSubscription and Loading). */
export const CancelScheduled: Story = portalStory({ state: 'cancel_scheduled' });
export const Canceled: Story = portalStory({ state: 'canceled' });
export const NoSubscription: Story = portalStory({ state: 'none' });
export const Loading: Story = portalStory({ configure: (fake) => (fake.latency = 'infinite') });
