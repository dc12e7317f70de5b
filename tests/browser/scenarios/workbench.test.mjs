// The workbench tells the true size of every list: a list longer than the 20 it shows says
// "显示前 20 项，共 N 项" and links to the whole of it, which holds those N.

import assert from 'node:assert/strict';
import { USERS, assertFitsWidth, scenario } from '../lib.mjs';
import { Desk, photograph } from '../flow.mjs';

const MORE = /显示前 20 项，共 (\d+) 项(以上)?/;

for (const device of ['desktop', 'phone']) {
  scenario(`the workbench counts a long list and links to all of it (${device})`, { device }, async ({ page }) => {
    const desk = new Desk(page);
    await desk.as(USERS.supervisor);
    await desk.workbench();

    // The lists the supervisor has more of than the workbench shows.
    const long = page.locator('main section').filter({ hasText: MORE });
    assert.ok((await long.count()) > 0, 'the demo city gives the office a long list');
    const own = long.filter({ has: page.locator('a[href^="/workbench/"]') }).first();
    const heading = (await own.getByRole('heading').textContent()).replace(/\s*[\d+]+\s*$/, '').trim();
    const [, n, more] = (await own.textContent()).match(MORE);
    assert.equal(await own.getByRole('listitem').count(), 20, 'the workbench shows 20');
    assert.match(await own.getByRole('heading').textContent(), new RegExp(`${n}\\+?\\s*$`), 'the badge shows the total');
    if (device === 'phone') await assertFitsWidth(page);

    // "See all" opens the whole list: the same name, the same total, 50 rows a page.
    await own.getByRole('link', { name: '查看全部' }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/workbench/'));
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    const total = more ? `共 ${n} 项以上` : `共 ${n} 项`;
    await page.getByText(total, { exact: true }).waitFor();
    const rows = page.locator('main section').getByRole('listitem');
    assert.equal(await rows.count(), Math.min(Number(n), 50));
    if (Number(n) > 50) {
      await page.getByRole('link', { name: /下一页/ }).click();
      await page.waitForURL((u) => u.searchParams.has('after'));
      assert.equal(await rows.count(), Math.min(Number(n) - 50, 50), 'the second page');
    }
    if (device === 'phone') await assertFitsWidth(page);
    await photograph(page, 'workbench-full-list');

    // The red items are the register's, filtered: it lists as many.
    await desk.workbench();
    const red = page.locator('main section#red_items');
    if (await red.filter({ hasText: MORE }).count()) {
      const [, m] = (await red.textContent()).match(MORE);
      await red.getByRole('link', { name: '查看全部' }).click();
      await page.waitForURL((u) => u.pathname === '/items' && u.searchParams.get('light') === 'red');
      await page.getByText(new RegExp(`共 ${m} 项`)).first().waitFor();
    }
  });
}
