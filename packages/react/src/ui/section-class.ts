// The classes every top-level component carries: the theme scope (`billkit`), the section, its own
// class, and the host's.

export function sectionClass(own: string, extra?: string): string {
  return ['billkit', 'billkit-section', own, extra].filter(Boolean).join(' ');
}
