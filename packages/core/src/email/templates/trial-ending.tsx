// A trial ends soon: the date, and what the first payment will be.

import { Button, Paragraph } from '../blocks.js';
import { textLink } from '../text.js';
import type { DataOf, EmailTemplate, TemplateProps } from './template.js';

type Props = TemplateProps<DataOf<'trial.ending'>>;

function copy({ data, format }: Props) {
  const endsOn = format.date(data.trialEnd);
  const amount = format.money(data.amount, data.currency);
  return {
    endsOn,
    what: `Your trial of ${data.planName} ends on ${endsOn}. After that, your first payment of ${amount} is due.`,
    choice:
      'Nothing to do if you want to keep going. To change plans or cancel, do it before the trial ends.',
  };
}

function TrialEndingBody(props: Props) {
  const { brand, data } = props;
  const { what, choice } = copy(props);
  return (
    <>
      <Paragraph brand={brand}>{what}</Paragraph>
      <Paragraph brand={brand}>{choice}</Paragraph>
      <Button brand={brand} href={data.portalUrl}>
        Manage subscription
      </Button>
    </>
  );
}

export const trialEndingEmail: EmailTemplate<DataOf<'trial.ending'>> = {
  subject: (props) => `Your ${props.data.planName} trial ends on ${copy(props).endsOn}`,
  preheader: (props) => copy(props).what,
  heading: () => 'Your trial is ending soon',
  Body: TrialEndingBody,
  text(props) {
    const { what, choice } = copy(props);
    return [what, choice, textLink('Manage subscription', props.data.portalUrl)];
  },
};
