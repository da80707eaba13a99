// A heading that takes focus when it appears: each step of a multi-step flow starts here, so
// keyboard and screen-reader users land on the new step instead of at the top of the page.

import { type ReactNode, useEffect, useRef } from 'react';

export interface StepHeadingProps {
  level?: 2 | 3 | 4;
  id?: string;
  children: ReactNode;
}

export function StepHeading({ level = 3, id, children }: StepHeadingProps): ReactNode {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  const Tag = `h${level}` as const;
  return (
    <Tag ref={ref} id={id} tabIndex={-1} className="billkit-heading billkit-step-heading">
      {children}
    </Tag>
  );
}
