import { describe, expect, it } from 'vitest';
import { storeFromUrl } from './database-url.js';

describe('storeFromUrl', () => {
  it.each([
    ['postgres://billing@127.0.0.1:5432/app', 'postgres'],
    ['postgresql://billing@127.0.0.1:5432/app', 'postgres'],
    ['mysql://root@127.0.0.1:3306/app', 'mysql'],
    ['mariadb://root@127.0.0.1:3306/app', 'mysql'],
    ['sqlite:billing.db', 'sqlite'],
    ['file:./data/billing.db', 'sqlite'],
    ['./data/billing.db', 'sqlite'],
    ['/var/lib/app/billing.db', 'sqlite'],
  ])('opens %s with the %s store, connecting only when first used', async (url, name) => {
    const store = storeFromUrl(url);
    expect(store.name).toBe(name);
    await store.close();
  });

  it('keeps an in-memory SQLite database working end to end', async () => {
    const store = storeFromUrl('sqlite::memory:');
    await store.migrate();
    expect(await store.customers.list()).toEqual({ items: [], nextCursor: null });
    await store.close();
  });

  it('refuses a scheme it does not know, naming the ones it does', () => {
    expect(() => storeFromUrl('oracle://db.example/billing')).toThrow(/Use postgres:\/\/, mysql:\/\//);
  });

  it('refuses a table prefix that could break SQL names', () => {
    expect(() => storeFromUrl('sqlite::memory:', { tablePrefix: 'bad-prefix; drop' })).toThrow(
      /table prefix/,
    );
  });
});
