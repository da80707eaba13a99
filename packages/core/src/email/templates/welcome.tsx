// A subscription started: what the customer signed up for, and the trial end when there is one.

import { Button, Facts, listFacts, Paragraph } from '../blocks.js';
import { textFacts, textLink } from '../text.js';
import type { DataOf, EmailTemplate, TemplateProps } from './template.js';

type Props = TemplateProps<DataOf<'welcome'>>;

function copy({ data, brand, format }: Props) {
  const price = `${format.money(data.amount, data.currency)} per ${data.interval}`;
  const trialEnd = data.status === 'trialing' && data.trialEnd ? format.date(data.trialEnd) : null;
  return {
    trialEnd,
    intro: trialEnd
      ? `Your trial of ${data.planName} has started. It runs until ${trialEnd}; after that, ${data.planName} is ${price}.`
      : `You're now subscribed to ${data.planName} at ${price}. Thanks for choosing ${brand.name}.`,
    facts: listFacts(
      { label: 'Plan', value: data.planName },
      { label: 'Price', value: price },
      trialEnd !== null && { label: 'Trial ends', value: trialEnd },
    ),
  };
}

function WelcomeBody(props: Props) {
  const { brand, data } = props;
  const { intro, facts } = copy(props);
  return (
    <>
      <Paragraph brand={brand}>{intro}</Paragraph>
      <Facts brand={brand} facts={facts} />
      <Button brand={brand} href={data.portalUrl}>
        Manage subscription
      </Button>
    </>
  );
}

export const welcomeEmail: EmailTemplate<DataOf<'welcome'>> = {
  subject: (props) =>
    copy(props).trialEnd
      ? `Your ${props.data.planName} trial has started`
      : `Welcome to ${props.data.planName}`,
  preheader: (props) => copy(props).intro,
  heading: ({ brand }) => `Welcome to ${brand.name}`,
  Body: WelcomeBody,
  text(props) {
    const { intro, facts } = copy(props);
    return [intro, textFacts(facts), textLink('Manage subscription', props.data.portalUrl)];
  },
};
