// A kind this version has no template for: a short branded note named after the kind, so a newer
// engine's message still goes out instead of failing forever.

import { Button, Paragraph } from '../blocks.js';
import { humanise } from '../email-format.js';
import { textLink } from '../text.js';
import type { EmailTemplate, TemplateProps } from './template.js';

/** The kind travels with the data here, since the subject is made from it. */
export type GenericData = { kind: string; data: Record<string, unknown> };

type Props = TemplateProps<GenericData>;

function portalUrl({ data }: Props): string | null {
  const url = data.data.portalUrl;
  return typeof url === 'string' ? url : null;
}

function GenericBody(props: Props) {
  const { brand } = props;
  return (
    <>
      <Paragraph brand={brand}>{`There's an update about your account with ${brand.name}.`}</Paragraph>
      <Button brand={brand} href={portalUrl(props)}>
        Manage billing
      </Button>
    </>
  );
}

export const genericEmail: EmailTemplate<GenericData> = {
  subject: ({ data }) => humanise(data.kind),
  preheader: ({ brand }) => `An update about your account with ${brand.name}.`,
  heading: ({ data }) => humanise(data.kind),
  Body: GenericBody,
  text: (props) => [
    `There's an update about your account with ${props.brand.name}.`,
    textLink('Manage billing', portalUrl(props)),
  ],
};
