// Only the right people see and act on an item: a liaison cannot register one, a unit sees an
// item only once it is dispatched to its subtree (before that, and for another county, the item
// is indistinguishable from a missing one), and a county that works on an item cannot dispatch
// the city's item itself.

import assert from 'node:assert/strict';
import { TEXT, USERS, scenario } from '../lib.mjs';
import { Desk, UI, daysAhead, exactly, uniqueTitle } from '../flow.mjs';

/** Opens `/items/{id}` and expects the not-found page, showing nothing of the item. */
async function expectHidden(desk, id, title, who) {
  const { page } = desk;
  const res = await page.goto(`/items/${id}`);
  assert.equal(res.status(), 404, `${who} gets 404 for the item`);
  await page.getByText(TEXT.notFound.zh).first().waitFor();
  assert.equal(await page.getByText(title).count(), 0, `nothing of the item shows to ${who}`);
}

scenario('a liaison may not register items', async ({ page }) => {
  const desk = new Desk(page);
  await desk.as(USERS.longtanLiaison);
  const menu = page.getByRole('navigation', { name: UI.menu.zh });
  await menu.getByRole('link', { name: UI.workbench.zh }).waitFor({ state: 'attached' });
  const register = menu.getByRole('link', { name: UI.newItem.zh });
  assert.equal(await register.count(), 0, 'no register link');

  const res = await page.goto('/items/new');
  assert.equal(res.status(), 403);
  await page.getByText(UI.forbidden.zh).first().waitFor();
  assert.equal(await page.getByLabel(UI.title.zh, { exact: true }).count(), 0, 'no form shows');
});

const ownChain = 'an item is seen by its own chain only, and dispatched by its owner only';
scenario(ownChain, async ({ page }) => {
  const desk = new Desk(page);
  const title = uniqueTitle('龙潭镇农贸市场改造');

  await desk.as(USERS.supervisor);
  const id = await desk.register({
    title,
    description: '改造龙潭镇农贸市场排水和摊位。',
    deadline: daysAhead(50),
  });
  await desk.submitForApproval();
  await desk.as(USERS.mayor);
  await page.goto(`/items/${id}`);
  await desk.approve('同意。');

  // Approved but not dispatched: no county or township sees it yet.
  for (const user of [USERS.yunxiLiaison, USERS.longtanLiaison]) {
    await desk.as(user);
    await expectHidden(desk, id, title, user);
  }

  await desk.as(USERS.supervisor);
  await page.goto(`/items/${id}`);
  await desk.dispatch('云溪县');

  // 云溪县 now works on it, but it is the city's item: no dispatch button, and the dispatch
  // page refuses.
  await desk.as(USERS.yunxiLiaison);
  const ok = await page.goto(`/items/${id}`);
  assert.equal(ok.status(), 200);
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  await desk.work('云溪县').waitFor();
  for (const role of ['link', 'button']) {
    assert.equal(
      await page.getByRole(role, { name: exactly(UI.dispatch.zh) }).count(),
      0,
      `no ${role} named ${UI.dispatch.zh} for the county`,
    );
  }
  const refused = await page.goto(`/items/${id}/dispatch`);
  assert.equal(refused.status(), 403);
  await page.getByText(UI.forbidden.zh).first().waitFor();

  // Not handed down to 龙潭镇 yet; and never visible to another county.
  await desk.as(USERS.longtanLiaison);
  await expectHidden(desk, id, title, USERS.longtanLiaison);
  await desk.as(USERS.songlingLiaison);
  await expectHidden(desk, id, title, USERS.songlingLiaison);
});
