// Screenshots of the main pages at desktop and phone width, saved as artefacts
// (<ARTEFACTS>/<page>-<device>.png); the best go to docs/screenshots/ by hand. Each page must
// also fit the width: nothing scrolls sideways.

import assert from 'node:assert/strict';
import { TEXT, USERS, allItems, api, assertFitsWidth, login, scenario, shot } from '../lib.mjs';

/** The register's most telling item for a picture: a dispatched one with a red light. */
async function showcaseItem() {
  const client = await api(USERS.supervisor);
  try {
    const [item] = await allItems(client, { state: 'dispatched', light: 'red' });
    assert.ok(item, 'the demo city has a red item');
    return item;
  } finally {
    await client.dispose();
  }
}

for (const device of ['desktop', 'phone']) {
  scenario(`the main pages at ${device} width`, { device }, async ({ page }) => {
    const item = await showcaseItem();
    const photograph = async (name) => {
      await assertFitsWidth(page);
      await shot(page, name);
    };

    await page.goto('/login');
    await page.getByRole('heading', { name: TEXT.login.zh }).waitFor();
    await photograph('login');

    await login(page, USERS.supervisor);
    await page.getByRole('heading', { name: /^您好/ }).waitFor();
    await photograph('workbench');
    await page.goto('/items');
    await page.getByRole('heading', { name: TEXT.items.zh }).waitFor();
    await photograph('register');

    await page.goto(`/items/${item.id}`);
    await page.getByRole('heading', { level: 1, name: item.title }).waitFor();
    await photograph('item');

    // A township liaison's inbox has the notices and reminders of the daily sweep.
    await page.getByRole('button', { name: TEXT.logout.zh }).click();
    await page.waitForURL((u) => u.pathname === '/login');
    await login(page, USERS.longtanLiaison);
    await page.goto('/inbox');
    await page.getByRole('heading', { name: new RegExp(`^${TEXT.inbox.zh}`) }).waitFor();
    assert.equal(await page.getByText(TEXT.inboxEmpty.zh).count(), 0, 'the inbox has messages');
    await photograph('inbox');
  });
}
