import type { Meta, StoryObj } from '@storybook/react-vite';
import { userEvent, within } from 'storybook/test';
import { BudgetsEditor } from './budgets-editor.js';
import { type UsageStoryOptions, usageStory } from './usage-story.js';

const meta = {
  title: 'Admin/BudgetsEditor',
  component: BudgetsEditor,
} satisfies Meta<typeof BudgetsEditor>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Opens a dialog: `button` is the accessible name of the button that opens it. */
function withDialog(
  button: string | RegExp,
  options: UsageStoryOptions = {},
  fill?: (canvas: ReturnType<typeof within>) => Promise<void>,
): Story {
  return {
    ...usageStory(options),
    play: async ({ canvasElement }) => {
      const canvas = within(canvasElement);
      await userEvent.click(await canvas.findByRole('button', { name: button }));
      await fill?.(canvas);
    },
  };
}

export const Budgets: Story = usageStory();
export const OverBudget: Story = usageStory({ dataset: 'over_budget' });
export const ReadOnly: Story = { ...usageStory(), args: { readOnly: true } };
export const NoBudgets: Story = usageStory({ dataset: 'empty' });
export const Loading: Story = usageStory({ configure: (fake) => (fake.latency = 'infinite') });
export const LoadError: Story = usageStory({
  configure: (fake) => fake.fail('GET /usage/budgets', { status: 502, raw: true }),
});
export const NewBudgetDialog: Story = withDialog('New budget');
export const NewProviderBudget: Story = withDialog('New budget', {}, async (canvas) => {
  await userEvent.click(canvas.getByRole('radio', { name: 'One provider' }));
  await userEvent.type(canvas.getByRole('textbox', { name: 'Provider' }), 'geoscape');
  await userEvent.type(canvas.getByRole('textbox', { name: 'Monthly cap' }), '5.00');
});
export const RefusedByTheServer: Story = withDialog('New budget', {}, async (canvas) => {
  await userEvent.click(canvas.getByRole('radio', { name: 'One provider' }));
  await userEvent.type(canvas.getByRole('textbox', { name: 'Provider' }), 'smartystreets');
  await userEvent.type(canvas.getByRole('textbox', { name: 'Monthly cap' }), '0.00');
  await userEvent.clear(canvas.getByRole('textbox', { name: 'Alert at (%)' }));
  await userEvent.type(canvas.getByRole('textbox', { name: 'Alert at (%)' }), '50, 80, 80');
  await userEvent.click(canvas.getByRole('button', { name: 'Create budget' }));
});
export const ScopeTaken: Story = withDialog('New budget', {}, async (canvas) => {
  await userEvent.type(canvas.getByRole('textbox', { name: 'Monthly cap' }), '100');
  await userEvent.click(canvas.getByRole('button', { name: 'Create budget' }));
});
export const EditDialog: Story = withDialog('Edit the budget for OpenAI only');
export const DeleteDialog: Story = withDialog('Delete the budget for OpenAI only');
export const DialogInDarkTheme: Story = withDialog('New budget', { dark: true });
