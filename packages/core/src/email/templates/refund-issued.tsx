// A refund was issued: how much, the GST in it, and when the money shows up.

import { Facts, listFacts, Paragraph } from '../blocks.js';
import { textFacts } from '../text.js';
import type { DataOf, EmailTemplate, TemplateProps } from './template.js';

type Props = TemplateProps<DataOf<'refund.issued'>>;

/** Only reasons worth telling the customer; Stripe's `fraudulent`, say, is left unsaid. */
const REASONS: Record<string, string> = {
  requested_by_customer: ', as you asked',
  duplicate: ' because you were charged twice',
};

function copy({ data, format }: Props) {
  const amount = format.money(data.amount, data.currency);
  const invoice = data.invoiceNumber ? ` for invoice ${data.invoiceNumber}` : '';
  const reason = data.reason ? (REASONS[data.reason] ?? '') : '';
  return {
    amount,
    what: `We've refunded ${amount}${invoice}${reason}.`,
    tax:
      data.tax > 0 ? `Includes ${data.taxLabel ?? 'GST'} of ${format.money(data.tax, data.currency)}` : null,
    when: 'It usually takes 5 to 10 business days to appear on your statement.',
    facts: listFacts(
      { label: 'Refunded', value: amount },
      data.invoiceNumber !== null && { label: 'Invoice', value: data.invoiceNumber },
      { label: 'Reference', value: data.refundId },
    ),
  };
}

function RefundIssuedBody(props: Props) {
  const { brand } = props;
  const { what, tax, when, facts } = copy(props);
  return (
    <>
      <Paragraph brand={brand}>{what}</Paragraph>
      <Facts brand={brand} facts={facts} />
      {tax ? (
        <Paragraph brand={brand} muted>
          {tax}
        </Paragraph>
      ) : null}
      <Paragraph brand={brand}>{when}</Paragraph>
    </>
  );
}

export const refundIssuedEmail: EmailTemplate<DataOf<'refund.issued'>> = {
  subject: (props) => `Your refund of ${copy(props).amount} is on its way`,
  preheader: (props) => copy(props).when,
  heading: () => 'Your refund is on its way',
  Body: RefundIssuedBody,
  text(props) {
    const { what, tax, when, facts } = copy(props);
    return [what, textFacts(facts), tax, when];
  },
};
