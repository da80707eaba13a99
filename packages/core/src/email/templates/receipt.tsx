// An invoice was paid: the amount, the lines, the tax in it, and a note that the (tax) invoice
// PDF is attached when it is.

import { Button, type Fact, Facts, Paragraph } from '../blocks.js';
import { textFacts, textLink } from '../text.js';
import type { DataOf, EmailTemplate, TemplateProps } from './template.js';

type Props = TemplateProps<DataOf<'receipt'>>;

function copy({ data, format, attachments }: Props) {
  const amount = format.money(data.amountPaid, data.currency);
  const paidOn = format.date(data.paidAt);
  const invoice = data.number ? ` for invoice ${data.number}` : '';
  const document = data.taxLabel === 'GST' ? 'tax invoice' : 'invoice';
  const pdfAttached = attachments.some((file) => file.contentType === 'application/pdf');
  const lines: Fact[] = data.lines.map((line) => ({
    label: line.description,
    value: format.money(line.amount, data.currency),
  }));
  return {
    amount,
    paidOn,
    intro: `We received your payment of ${amount} on ${paidOn}${invoice}. Thank you.`,
    facts: [...lines, { label: 'Total paid', value: amount, emphasis: true }],
    tax: data.tax > 0 ? `Includes ${data.taxLabel} of ${format.money(data.tax, data.currency)}` : null,
    attached: pdfAttached
      ? `Your ${document}${data.number ? ` ${data.number}` : ''} is attached as a PDF.`
      : null,
  };
}

function ReceiptBody(props: Props) {
  const { brand, data } = props;
  const { intro, facts, tax, attached } = copy(props);
  return (
    <>
      <Paragraph brand={brand}>{intro}</Paragraph>
      <Facts brand={brand} facts={facts} />
      {tax ? (
        <Paragraph brand={brand} muted>
          {tax}
        </Paragraph>
      ) : null}
      {attached ? <Paragraph brand={brand}>{attached}</Paragraph> : null}
      <Button brand={brand} href={data.portalUrl}>
        Manage billing
      </Button>
    </>
  );
}

export const receiptEmail: EmailTemplate<DataOf<'receipt'>> = {
  subject: (props) => `Your ${props.brand.name} receipt: ${copy(props).amount}`,
  preheader(props) {
    const { amount, paidOn } = copy(props);
    return `${amount} paid on ${paidOn}. Thank you.`;
  },
  heading: () => 'Thanks for your payment',
  Body: ReceiptBody,
  text(props) {
    const { intro, facts, tax, attached } = copy(props);
    return [intro, textFacts(facts), tax, attached, textLink('Manage billing', props.data.portalUrl)];
  },
};
