import { readFileSync } from 'node:fs';
import path from 'node:path';
import { propsOf, readmePropsSection } from '../../scripts/props-table';

describe("README's construct props tables", () => {
  const readme = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');

  it('are the ones generated from infra/CoupaConnectorProps.ts (npm run --silent props-table)', () => {
    const start = readme.indexOf('<!-- props-table');
    const end = readme.indexOf('<!-- /props-table -->') + '<!-- /props-table -->'.length;
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start, end)).toBe(readmePropsSection());
  });

  it('document every prop with its default or as required', () => {
    const source = readFileSync(path.join(__dirname, '../../infra/CoupaConnectorProps.ts'), 'utf8');
    const props = propsOf(source, 'CoupaConnectorProps');
    const declared = [...source.slice(source.indexOf('export interface CoupaConnectorProps')).matchAll(/^ {2}readonly (\w+)/gm)].map(
      (m) => m[1],
    );
    expect(props.map((p) => p.name)).toEqual(declared);
    for (const p of props) expect(p.required || p.defaultValue !== '').toBe(true);
  });
});
