// The default card expires soon: which card (brand and last four digits only) and when.

import { Button, Paragraph } from '../blocks.js';
import { describeCard } from '../email-format.js';
import { textLink } from '../text.js';
import type { DataOf, EmailTemplate, TemplateProps } from './template.js';

type Props = TemplateProps<DataOf<'card.expiring'>>;

function copy({ data, format }: Props) {
  const card = describeCard(data.brand, data.last4);
  return {
    card,
    what: `Your ${card} expires at the end of ${format.monthYear(data.expMonth, data.expYear)}.`,
    ask: 'To keep your subscription running without interruption, please add a new card.',
  };
}

function CardExpiringBody(props: Props) {
  const { brand, data } = props;
  const { what, ask } = copy(props);
  return (
    <>
      <Paragraph brand={brand}>{what}</Paragraph>
      <Paragraph brand={brand}>{ask}</Paragraph>
      <Button brand={brand} href={data.updateUrl}>
        Update card
      </Button>
    </>
  );
}

export const cardExpiringEmail: EmailTemplate<DataOf<'card.expiring'>> = {
  subject: (props) => `Your ${copy(props).card} expires soon`,
  preheader: (props) => copy(props).what,
  heading: () => 'Your card is about to expire',
  Body: CardExpiringBody,
  text(props) {
    const { what, ask } = copy(props);
    return [what, ask, textLink('Update card', props.data.updateUrl)];
  },
};
