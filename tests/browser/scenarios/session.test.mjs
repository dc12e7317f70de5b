// Pages need a session: without one, or with one that has ended, the browser goes to the login
// page carrying the address it asked for, and comes back there after logging in.

import assert from 'node:assert/strict';
import { TEXT, USERS, allItems, api, login, scenario } from '../lib.mjs';

/** An item the supervisor may open, found through the API (not by the demo's ids). */
async function anItem() {
  const client = await api(USERS.supervisor);
  try {
    const items = await allItems(client, { state: 'dispatched' });
    assert.ok(items.length > 0, 'the demo city has dispatched items');
    return items[0];
  } finally {
    await client.dispose();
  }
}

function expectLoginFor(page, target, { expired }) {
  const url = new URL(page.url());
  assert.equal(url.pathname, '/login');
  assert.equal(url.searchParams.get('next'), target);
  assert.equal(url.searchParams.has('expired'), expired);
}

scenario('a logged-out visitor logs in and returns to the page asked for', async ({ page }) => {
  const item = await anItem();
  const target = `/items/${item.id}`;
  await page.goto(target);
  expectLoginFor(page, target, { expired: false });
  assert.equal(await page.getByRole('alert').count(), 0, 'nothing expired: no message');

  await login(page, USERS.supervisor);
  assert.equal(new URL(page.url()).pathname, target);
  await page.getByRole('heading', { level: 1, name: item.title }).waitFor();
});

scenario('an ended session says so, and login returns to the page', async ({ page, context }) => {
  const item = await anItem();
  const target = `/items/${item.id}`;
  await login(page, USERS.supervisor);
  await page.goto(target);
  const [session] = (await context.cookies()).filter((c) => c.name === 'ducha_session');
  assert.ok(session, 'logging in set the session cookie');

  await page.getByRole('button', { name: TEXT.logout.zh }).click();
  await page.waitForURL((u) => u.pathname === '/login');
  // The browser still presents the ended session, as a tab left open after logout or idle
  // expiry would.
  await context.addCookies([session]);
  await page.goto(target);
  expectLoginFor(page, target, { expired: true });
  assert.equal((await page.getByRole('alert').textContent()).trim(), TEXT.sessionExpired.zh);

  await login(page, USERS.supervisor);
  assert.equal(new URL(page.url()).pathname, target);
  await page.getByRole('heading', { level: 1, name: item.title }).waitFor();
});
