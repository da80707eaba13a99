import { pathMatches, type ShapeFinding, type ShapeFindingKind } from './compare-shape.js';

export type DifferenceCategory = 'fixture-key-not-in-types' | 'types-key-not-in-fixture' | 'includable' | 'simulator-omits';

export interface KnownDifference {
  resource: string;
  path: string;
  kind: ShapeFindingKind;
  category: DifferenceCategory;
  reason: string;
}

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [];

export function knownDifferenceFor(resource: string, finding: ShapeFinding): KnownDifference | undefined {
  return KNOWN_DIFFERENCES.find(
    (d) => d.resource === resource && d.kind === finding.kind && pathMatches(d.path, finding.path),
  );
}
